"""Local regulators, Request Technical Assistance and the agency's assistance inbox, through
their handlers without a browser."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cers_app.agencies import assistance
from cers_app.agencies import service as agencies
from cers_app.agencies.models import AssistanceRequest
from cers_app.core import db, routes
from cers_app.core.permissions import Permission, policy_of
from cers_app.home.assistance_pages import assistance_page
from cers_app.home.assistance_state import AssistanceState
from cers_app.home.directory_pages import directory_page
from cers_app.home.directory_state import DirectoryState
from cers_app.regulator.assistance_pages import assistance_inbox
from cers_app.regulator.assistance_state import AssistanceInboxState, AssistanceTileState
from tests import helpers
from tests.state.events import root_at, says
from tests.unit import support
from tests.unit.facilities import county as yolo

CUPA = str(yolo.CUPA_CODE)
FORM = {
    "name": "Pat Visitor",
    "email": "pat@example.com",
    "phone": "",
    "business_name": "",
    "cers_id": "",
    "topic": "other",
    "subject": "Where is the Submit button?",
    "message": "I cannot find it.",
    "website": "",
}


@pytest.fixture
def county(database) -> yolo.County:
    found = yolo.build()
    cupa = replace(yolo.CUPA, email="hazmat@yolo.example.gov", phone="(530) 555-0100")
    db.run(agencies.load_agencies, actor_user_id=None, records=[cupa, yolo.PA, yolo.OTHER])
    return found


def test_policies_and_pages_build() -> None:
    for handler in (
        DirectoryState.load,
        DirectoryState.search,
        AssistanceState.load,
        AssistanceState.find_by_zip,
        AssistanceState.submit,
        AssistanceState.write_again,
    ):
        assert policy_of(handler.fn) == "public"
    for handler in (
        AssistanceInboxState.load,
        AssistanceInboxState.filter_status,
        AssistanceInboxState.go_to_page,
        AssistanceInboxState.save,
        AssistanceInboxState.forward,
        AssistanceTileState.load,
    ):
        assert policy_of(handler.fn) == frozenset({Permission.REGULATOR_PORTAL})
    assert directory_page() is not None
    assert assistance_page() is not None
    assert assistance_inbox() is not None


async def test_the_directory_searches_from_the_link_and_from_the_form(county, as_actor):
    as_actor(None)
    page = await root_at(routes.REGULATOR_DIRECTORY, zip="95616").get_state(DirectoryState)
    await DirectoryState.load.fn(page)

    assert page.loaded and page.searched and (page.by, page.query) == ("zip", "95616")
    assert [row["agency"] for row in page.elements] == [yolo.CUPA.name] * 10
    [agency] = page.agencies
    assert agency["assistance_url"] == f"/assistance?agency={yolo.CUPA_CODE}"
    assert agency["phone_href"] == "tel:5305550100"

    await DirectoryState.search.fn(page, {"by": "address", "query": "1 Main St, Woodland 95695"})
    assert [a["code"] for a in page.agencies] == [str(yolo.CUPA_CODE), str(yolo.PA_CODE)]
    assert page.elements[1]["agency"] == yolo.PA.name

    await DirectoryState.search.fn(page, {"by": "zip", "query": "99999"})
    assert page.agencies == [] and "99999" in page.message and page.errors == {}

    await DirectoryState.search.fn(page, {"by": "zip", "query": "12"})
    assert "5 digits" in page.errors["query"] and page.searched is False
    assert page.query == "12"  # what was typed stays


async def test_the_agency_comes_from_the_link_or_a_zip(county, as_actor):
    as_actor(None)
    bare = await root_at(routes.TECHNICAL_ASSISTANCE).get_state(AssistanceState)
    await AssistanceState.load.fn(bare)
    assert bare.loaded and (bare.agency, bare.agency_name) == ("", "")  # no list of agencies

    page = await root_at(routes.TECHNICAL_ASSISTANCE, agency=str(yolo.PA_CODE)).get_state(
        AssistanceState
    )
    await AssistanceState.load.fn(page)
    assert (page.agency, page.agency_name) == (str(yolo.PA_CODE), yolo.PA.name)

    await AssistanceState.find_by_zip.fn(page, {"zip": "94102"})
    assert (page.agency, page.agency_name) == (str(yolo.OTHER_CODE), yolo.OTHER.name)
    await AssistanceState.find_by_zip.fn(page, {"zip": "99999"})
    assert "99999" in page.errors["zip"] and page.agency == str(yolo.OTHER_CODE)

    by_zip = await root_at(routes.TECHNICAL_ASSISTANCE, zip="95616").get_state(AssistanceState)
    await AssistanceState.load.fn(by_zip)
    assert by_zip.agency == str(yolo.CUPA_CODE)
    for wrong in ("777", "abc", "9" * 20):
        unknown = await root_at(routes.TECHNICAL_ASSISTANCE, agency=wrong).get_state(
            AssistanceState
        )
        await AssistanceState.load.fn(unknown)
        assert (unknown.agency, unknown.agency_name) == ("", "")


async def test_without_an_agency_the_form_says_how_to_choose_one(county, as_actor):
    as_actor(None)
    page = await root_at(routes.TECHNICAL_ASSISTANCE).get_state(AssistanceState)
    await AssistanceState.load.fn(page)
    before = support.table_snapshot()

    await AssistanceState.submit.fn(page, {**FORM, "agency": str(yolo.CUPA_CODE)})

    assert "enter the business's ZIP code" in page.errors["agency"] and not page.sent
    assert support.table_snapshot() == before


async def test_sending_a_request_shows_its_reference(county, as_actor):
    as_actor(None)
    page = await root_at(routes.TECHNICAL_ASSISTANCE, agency=CUPA).get_state(AssistanceState)
    await AssistanceState.load.fn(page)

    result = await AssistanceState.submit.fn(page, {**FORM, "email": "pat@", "subject": ""})
    assert set(page.errors) == {"email", "subject"} and not page.sent
    assert says(result, "Please correct the highlighted fields.")

    result = await AssistanceState.submit.fn(page, FORM)
    [stored] = db.run(lambda s: list(s.exec(AssistanceRequest.__table__.select())))
    assert page.sent and page.reference == f"TA-{stored.id:06d}"
    assert page.sent_to == yolo.CUPA.name and says(result, page.reference)
    assert [m.to_address for m in helpers.emails("assistance_request")] == [
        "hazmat@yolo.example.gov"
    ]
    AssistanceState.write_again.fn(page)
    assert not page.sent


async def test_the_honeypot_and_the_throttle(county, as_actor):
    as_actor(None)
    page = await root_at(routes.TECHNICAL_ASSISTANCE, agency=CUPA).get_state(AssistanceState)
    await AssistanceState.load.fn(page)
    before = support.table_snapshot()
    await AssistanceState.submit.fn(page, {**FORM, "website": "http://spam.example"})
    assert page.sent and page.reference == ""
    assert support.table_snapshot() == before

    for n in range(assistance.PER_CLIENT.max_hits):
        page.sent = False
        await AssistanceState.submit.fn(page, {**FORM, "email": f"p{n}@example.com"})
        assert page.sent, page.errors
    page.sent = False
    result = await AssistanceState.submit.fn(page, {**FORM, "email": "late@example.com"})
    assert not page.sent and "Try again in 60 minutes" in page.problem
    assert says(result, "Too many assistance requests")


async def test_the_inbox_lists_opens_saves_and_forwards(county, as_actor):
    rita = yolo.regulator("ritaramos", "Rita", "Ramos", county.cupa, "admin")
    sam = support.make_admin()
    as_actor(None)
    form = await root_at(routes.TECHNICAL_ASSISTANCE, agency=CUPA).get_state(AssistanceState)
    await AssistanceState.load.fn(form)
    await AssistanceState.submit.fn(form, FORM)
    request_id = db.run(lambda s: s.exec(AssistanceRequest.__table__.select()).first().id)

    as_actor(rita.actor())
    tile = await root_at(routes.REGULATOR_HOME).get_state(AssistanceTileState)
    await AssistanceTileState.load.fn(tile)
    assert tile.new_assistance == 1
    listing = await root_at(routes.REGULATOR_ASSISTANCE).get_state(AssistanceInboxState)
    await AssistanceInboxState.load.fn(listing)
    assert listing.loaded and not listing.opened and listing.new == 1
    [row] = listing.rows
    assert row["url"] == f"/regulator/assistance?id={request_id}"
    await AssistanceInboxState.filter_status.fn(listing, {"status": "closed"})
    assert listing.rows == []

    one = await root_at(routes.REGULATOR_ASSISTANCE, id=str(request_id)).get_state(
        AssistanceInboxState
    )
    await AssistanceInboxState.load.fn(one)
    assert one.opened and one.can_act and one.request["message"] == "I cannot find it."
    result = await AssistanceInboxState.save.fn(one, {"status": "in_progress", "note": "On it."})
    assert says(result, "Request saved.") and one.request["status"] == "in_progress"
    result = await AssistanceInboxState.forward.fn(one, {"note": "Please look."})
    assert says(result, "forwarded to the system administrator")
    assert one.request["status"] == "forwarded" and one.request["forwarded_by"] == "Rita Ramos"
    assert [m.to_address for m in helpers.emails("assistance_forward")] == [sam.email]


async def test_another_agency_cannot_open_or_change_a_request(county, as_actor):
    rex = yolo.regulator("rexadmin", "Rex", "Bay", county.other, "admin")
    as_actor(None)
    form = await root_at(routes.TECHNICAL_ASSISTANCE, agency=CUPA).get_state(AssistanceState)
    await AssistanceState.load.fn(form)
    await AssistanceState.submit.fn(form, FORM)
    request_id = db.run(lambda s: s.exec(AssistanceRequest.__table__.select()).first().id)
    before = support.table_snapshot()

    as_actor(rex.actor())
    page = await root_at(routes.REGULATOR_ASSISTANCE, id=str(request_id)).get_state(
        AssistanceInboxState
    )
    result = await AssistanceInboxState.load.fn(page)
    assert says(result, "not found") and page.request == {}
    result = await AssistanceInboxState.save.fn(page, {"status": "closed", "note": "x"})
    assert says(result, "not found")
    result = await AssistanceInboxState.forward.fn(page, {"note": "x"})
    assert says(result, "not found")
    assert "Where is the Submit" not in repr(page.get_delta())
    assert support.table_snapshot() == before
