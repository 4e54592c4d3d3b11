"""Help and Tools: anyone may load it; only a signed-in business user gets their facilities'
regulators, with links to call, write and visit them."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cers_app.agencies import service as agencies
from cers_app.core import db, routes
from cers_app.core.permissions import policy_of
from cers_app.home.help_pages import help_page
from cers_app.home.help_state import HelpState
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import World


@pytest.fixture
def acme(database) -> tuple[World, yolo.County, int, int]:
    """Acme's Davis plant (Yolo CUPA, with its contact details) and otto's depot in San
    Francisco (Bay City)."""
    world = acme_world.build(roles=())
    county = yolo.build()
    details = replace(
        yolo.CUPA,
        phone="(530) 555-0100",
        email="hazmat@yolo.example.gov",
        website="https://yolo.example.gov",
    )
    db.run(agencies.load_agencies, actor_user_id=None, records=[details])
    plant = yolo.add_facility(world.lena, world.acme)
    depot = yolo.add_facility(
        world.otto,
        world.ottos,
        name="Owens Oil - Depot",
        street="10 Market St",
        city="San Francisco",
        zip_code="94102",
        county="38",
    )
    return world, county, plant, depot


async def _load(root, as_actor, actor) -> HelpState:
    as_actor(actor)
    page = await root.get_state(HelpState)
    await HelpState.load.fn(page)
    return page


def test_the_load_handler_is_public_and_the_page_builds() -> None:
    assert policy_of(HelpState.load.fn) == "public"
    assert help_page() is not None


async def test_an_anonymous_visitor_gets_the_general_text_and_no_contacts(database, root, as_actor):
    page = await _load(root, as_actor, None)

    assert page.loaded is True
    assert (page.signed_in, page.business_user) == (False, False)
    assert page.regulators == []
    assert page.idle_limit == "2 hours"


async def test_a_member_sees_their_facilities_agencies(acme, root, as_actor):
    world, _, plant, depot = acme

    page = await _load(root, as_actor, world.lena.actor())

    assert (page.signed_in, page.business_user, page.more) == (True, True, False)
    [row] = page.regulators
    assert row["facility_id"] == str(plant)
    assert row["first"] == "yes"
    assert row["agency"] == "Yolo County Environmental Health"
    assert row["business"] == acme_world.ACME
    assert row["phone_href"] == "tel:5305550100"
    assert row["email_href"] == "mailto:hazmat@yolo.example.gov"
    assert row["website_url"] == "https://yolo.example.gov"
    assert row["facility_url"] == routes.with_query(routes.FACILITY, id=str(plant))
    assert all(r["facility_id"] != str(depot) for r in page.regulators)


async def test_the_next_visitor_of_the_tab_does_not_see_them(acme, root, as_actor):
    world, *_ = acme
    await _load(root, as_actor, world.lena.actor())

    page = await _load(root, as_actor, None)

    assert page.regulators == []
    assert page.business_user is False


async def test_regulator_staff_see_no_business_contacts(acme, root, as_actor):
    _, county, *_ = acme
    rita = yolo.regulator("ritaramos", "Rita", "Ramos", county.cupa, "admin")

    page = await _load(root, as_actor, rita.actor())

    assert (page.signed_in, page.business_user, page.regulators) == (True, False, [])


def test_a_facility_without_an_agency_yet_gets_one_blank_row() -> None:
    from cers_app.home.help_contacts import FacilityRegulators
    from cers_app.home.help_state import regulator_rows

    [row] = regulator_rows((FacilityRegulators(3, 90000003, "Annex", "Davis", "Acme", ()),))

    assert (row["id"], row["first"], row["agency"], row["facility"]) == (
        "help-agency-3-none",
        "yes",
        "",
        "Annex (Davis)",
    )
