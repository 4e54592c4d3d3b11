"""The Emergency Responder's read-only view (reach, facility, inventory, site map download)
and confidential chemical locations: shown to responders, Reviewers and Agency Admins,
"Confidential" for the other regulator roles."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from cers_app import http_api
from cers_app.core import db, routes
from cers_app.core.errors import NotFound, PermissionDenied
from cers_app.inventory.listing import ItemQuery
from cers_app.regulator import (
    businesses,
    compliance,
    facility_search,
    facility_summary,
    queue,
    responder,
    submittal_view,
)
from cers_app.regulator.dashboard import dashboard
from cers_app.regulator.scope import Right
from cers_app.reports import pdf_service
from cers_app.submittals import documents, drafts
from tests import document_samples as samples
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.organizations.world import Person, World
from tests.unit.regulator import cast
from tests.unit.submittals import hmbp
from tests.unit.submittals.document_world import ER_PLAN, SITE_MAP, stage

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

FI, HMI, ERTP = 1, 2, 3
VAULT = "Vault 7, behind the boiler room"
SECRET = stock.row(
    CommonName="Sodium Cyanide",
    CASNumber="143-33-9",
    ChemicalLocation=VAULT,
    CLConfidential="Y",
    PhysicalState="a",
    MaximumDailyAmount="50",
    AverageDailyAmount="40",
    LargestContainer="50",
    Units="c",
)
MAP = samples.pdf("North gate, vault 7, shut-off at the east wall")
PLAN = samples.pdf("Evacuate to the north gate")


@dataclass(frozen=True)
class Site:
    world: World
    facility: int
    depot: int
    hmi: int  # the submitted inventory version
    map_file: int
    plan_file: int
    rosa: Person  # Emergency Responder of the Yolo CUPA
    otis: Person  # Emergency Responder of Bay City (another CUPA)


def _attach(person: Person, facility_id: int, tmp_path, element: int, slot: int, name, content):
    view = db.run(
        documents.attach_file,
        person.actor(),
        facility_id,
        hmbp.draft_id(facility_id, element),
        slot,
        stage(tmp_path, name, content),
    )
    return view.files[-1].id


@pytest.fixture
def site(world, county, tmp_path) -> Site:
    facility_id = yolo.add_facility(world.lena, world.acme)
    hmbp.prepare(world.lena, facility_id, rows=(stock.row(), SECRET))
    map_file = _attach(world.lena, facility_id, tmp_path, HMI, SITE_MAP, "site map.pdf", MAP)
    plan_file = _attach(world.lena, facility_id, tmp_path, ERTP, ER_PLAN, "plan.pdf", PLAN)
    hmi = hmbp.draft_id(facility_id, HMI)
    hmbp.submitted(world.connie, facility_id)
    return Site(
        world=world,
        facility=facility_id,
        depot=cast.depot(world),
        hmi=hmi,
        map_file=map_file,
        plan_file=plan_file,
        rosa=yolo.regulator("rosaresp", "Rosa", "Espinoza", county.cupa, "responder"),
        otis=yolo.regulator("otisresp", "Otis", "Oakes", county.other, "responder"),
    )


@pytest.fixture
def client(database) -> Iterator[TestClient]:
    with TestClient(http_api.build_api(), follow_redirects=False) as test_client:
        yield test_client


def _ids(person: Person, text: str = "") -> list[int]:
    return [row.facility_id for row in db.run(responder.search, person.actor(), text).rows]


# ---------------------------------------------------------------- reach


def test_a_responder_finds_only_the_facilities_of_their_agency(site) -> None:
    assert _ids(site.rosa) == [site.facility]
    assert _ids(site.otis) == [site.depot]
    cers_id = yolo.facility(site.facility).cers_id
    assert _ids(site.rosa, str(cers_id)) == [site.facility]
    assert _ids(site.rosa, "main st") == [site.facility]
    assert _ids(site.rosa, "Davis Works") == [site.facility]
    assert _ids(site.rosa, "Market St") == []  # the depot's street: another agency's


def test_the_responder_search_needs_the_responder_role(site, vic, rex) -> None:
    for person in (vic, rex):
        with pytest.raises(PermissionDenied):
            db.run(responder.search, person.actor(), "")
    with pytest.raises(PermissionDenied):
        db.run(responder.search, site.world.lena.actor(), "")


def test_a_responder_sees_the_facility_its_contacts_inventory_and_site_map(site) -> None:
    view = db.run(responder.facility_view, site.rosa.actor(), site.facility)

    facility = yolo.facility(site.facility)
    assert (view.name, view.cers_id, view.business) == (
        facility.name,
        facility.cers_id,
        "Acme Plating Co.",
    )
    assert view.address.startswith(facility.street)
    contacts = {c.role: c for c in view.contacts}
    primary = contacts["Primary emergency contact"]
    assert primary.name == "Lena Lopez, Environmental Manager"
    assert "24-hour (530) 555-0199" in primary.phones
    assert contacts["Owner"].phones == "phone (530) 555-0143"
    assert view.contacts_from
    assert (view.inventory_version_id, view.inventory_rows) == (site.hmi, 2)
    assert view.inventory_status == "Submitted"
    assert [(f.id, f.name) for f in view.site_maps] == [(site.map_file, "site map.pdf")]


def test_another_agencys_facility_is_not_found_for_a_responder(site, rex) -> None:
    for person, facility_id in ((site.otis, site.facility), (site.rosa, site.depot)):
        with pytest.raises(NotFound):
            db.run(responder.facility_view, person.actor(), facility_id)
    with pytest.raises(NotFound):
        db.run(responder.inventory_page, site.otis.actor(), site.hmi, ItemQuery())
    with pytest.raises(NotFound):
        db.run(responder.facility_view, rex.actor(), site.facility)
    with pytest.raises(NotFound):
        db.run(responder.inventory_page, rex.actor(), site.hmi, ItemQuery())
    for junk in ("1", None, -3, 10**12, {"id": 1}):
        with pytest.raises(NotFound):
            db.run(responder.facility_view, site.rosa.actor(), junk)


def test_portal_roles_without_respond_are_refused_the_responder_view(site, vic, rita) -> None:
    for person in (vic, rita):
        with pytest.raises(PermissionDenied):
            db.run(responder.facility_view, person.actor(), site.facility)


def test_a_responder_cannot_use_the_other_regulator_pages(site) -> None:
    actor = site.rosa.actor()
    with pytest.raises(NotFound):
        db.run(facility_summary.facility_summary, actor, site.facility)
    with pytest.raises(NotFound):
        db.run(submittal_view.submitted_element, actor, site.hmi)
    with pytest.raises(NotFound):
        db.run(submittal_view.inventory_page, actor, site.hmi, ItemQuery())
    with pytest.raises(NotFound):
        db.run(businesses.business_view, actor, site.world.acme)
    with pytest.raises(PermissionDenied):
        db.run(facility_search.search_facilities, actor, "")
    with pytest.raises(PermissionDenied):
        db.run(compliance.compliance_overview, actor)
    assert db.run(queue.queue_page, actor, queue.QueueQuery()).total == 0
    with pytest.raises(NotFound):
        db.run(pdf_service.inventory_report, actor, site.facility)
    assert db.run(dashboard, actor).rights == frozenset({Right.RESPOND})


def test_nothing_of_a_draft_reaches_the_responder(site) -> None:
    db.run(drafts.start_element, site.world.lena.actor(), site.facility, HMI, "")
    stock.added(site.world.lena, site.facility, stock.row(CommonName="Draft only", CASNumber=""))

    view = db.run(responder.facility_view, site.rosa.actor(), site.facility)
    assert view.inventory_version_id == site.hmi
    draft = hmbp.draft_id(site.facility, HMI)
    with pytest.raises(NotFound):
        db.run(responder.inventory_page, site.rosa.actor(), draft, ItemQuery())


# ---------------------------------------------------------------- confidential locations


def _locations(page) -> dict[str, str]:
    return {row.common_name: row.location for row in page.rows}


def test_the_responder_sees_every_location_the_confidential_one_flagged(site) -> None:
    page = db.run(
        responder.inventory_page, site.rosa.actor(), site.hmi, ItemQuery(sort="CommonName")
    )

    assert page.total == 2
    rows = {row.name: row for row in page.rows}
    secret, diesel = rows["Sodium Cyanide"], rows["Diesel Fuel"]
    assert (secret.location, secret.confidential) == (VAULT, True)
    assert (diesel.location, diesel.confidential) == ("Fuel island", False)
    assert diesel.hazards == "Flammable, Aspiration hazard"
    assert diesel.amount == "1,000 gal" and diesel.physical_state == "Liquid"
    assert secret.amount == "50 lb" and secret.physical_state == "Solid"


def test_the_responder_inventory_is_paged_in_sql(site) -> None:
    page = db.run(
        responder.inventory_page, site.rosa.actor(), site.hmi, ItemQuery(page=2, page_size=1)
    )
    assert (page.total, page.page, page.pages, len(page.rows)) == (2, 2, 2, 1)


def test_reviewers_and_admins_see_a_confidential_location(site, rob, rita) -> None:
    for person in (rob, rita):
        page = db.run(submittal_view.inventory_page, person.actor(), site.hmi, ItemQuery())
        assert _locations(page) == {"Diesel Fuel": "Fuel island", "Sodium Cyanide": VAULT}


def test_viewers_and_request_handlers_see_confidential_instead(site, vic, hank) -> None:
    for person in (vic, hank):
        page = db.run(submittal_view.inventory_page, person.actor(), site.hmi, ItemQuery())
        assert _locations(page) == {
            "Diesel Fuel": "Fuel island",
            "Sodium Cyanide": submittal_view.CONFIDENTIAL,
        }


def test_a_viewers_search_does_not_give_a_confidential_location_away(site, vic, rob) -> None:
    def names(person: Person, **query) -> list[str]:
        page = db.run(submittal_view.inventory_page, person.actor(), site.hmi, ItemQuery(**query))
        return [row.common_name for row in page.rows]

    assert names(rob, text="vault") == ["Sodium Cyanide"]
    assert names(vic, text="vault") == []
    assert names(vic, location=VAULT) == []
    assert names(vic, text="cyanide") == ["Sodium Cyanide"]
    assert names(vic, text="fuel island") == ["Diesel Fuel"]
    # Sorting by location falls back to the name for a viewer.
    by_location = names(vic, sort="ChemicalLocation", descending=True)
    assert by_location == names(vic, sort="CommonName", descending=True)


def test_the_business_keeps_seeing_its_own_confidential_location(site) -> None:
    from cers_app.inventory import service as inventory

    db.run(drafts.start_element, site.world.lena.actor(), site.facility, HMI, "")
    page = db.run(inventory.list_items, site.world.lena.actor(), site.facility, ItemQuery())
    assert _locations(page)["Sodium Cyanide"] == VAULT


def test_the_change_view_withholds_a_confidential_location_from_a_viewer(site, vic, rob) -> None:
    lena = site.world.lena
    db.run(drafts.start_element, lena.actor(), site.facility, HMI, "")
    [secret] = [
        i
        for i in hmbp.item_ids(site.facility)
        if db.run(lambda s, i=i: s.get(submittal_view.InventoryItem, i)).common_name
        == "Sodium Cyanide"
    ]
    _, errors = stock.edit(lena, site.facility, secret, {"MaximumDailyAmount": "60"})
    assert not errors, errors
    second = hmbp.draft_id(site.facility, HMI)
    hmbp.answer_facility_information(lena, site.facility)
    hmbp.submitted(site.world.connie, site.facility, FI, HMI)

    seen = db.run(submittal_view.changes, rob.actor(), second).changes.rows
    masked = db.run(submittal_view.changes, vic.actor(), second).changes.rows
    assert [r.location for r in seen] == [VAULT]
    assert [r.location for r in masked] == [submittal_view.CONFIDENTIAL]
    assert [f.after for f in masked[0].fields if f.key == "MaximumDailyAmount"] == ["60"]
    assert VAULT not in repr(masked)


# ---------------------------------------------------------------- site map download


def _get(client: TestClient, person: Person, facility_id: int, file_id: int):
    url = routes.with_query(routes.REGULATOR_DOCUMENT_FILE, id=str(facility_id), file=str(file_id))
    return client.get(url, headers={"cookie": person.cookie})


def test_a_responder_downloads_the_site_map(client, site) -> None:
    response = _get(client, site.rosa, site.facility, site.map_file)
    assert response.status_code == 200, response.text
    assert response.content == MAP
    assert response.headers["content-disposition"].startswith("attachment;")


def test_the_site_map_is_refused_outside_the_responders_reach(client, site) -> None:
    assert _get(client, site.otis, site.facility, site.map_file).status_code == 404
    # a business user of another business
    assert _get(client, site.world.otto, site.facility, site.map_file).status_code == 404
    # the responder's right covers the site map, not the plans
    assert _get(client, site.rosa, site.facility, site.plan_file).status_code == 404


def test_portal_staff_still_download_every_file(client, site, vic) -> None:
    for file_id in (site.map_file, site.plan_file):
        assert _get(client, vic, site.facility, file_id).status_code == 200


# ---------------------------------------------------------------- printed reports


def _text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_printed_reports_withhold_a_confidential_location_from_a_viewer(site, vic, rob) -> None:
    for person, shown in ((rob, True), (vic, False), (site.world.lena, True)):
        _, inventory = db.run(pdf_service.inventory_report, person.actor(), site.facility)
        _, packet = db.run(pdf_service.submittal_packet, person.actor(), site.facility)
        for content in (inventory, packet):
            text = _text(content)
            assert ("Vault 7" in text) is shown, person.username
            assert "Fuel island" in text
            if not shown:
                assert submittal_view.CONFIDENTIAL in text


def test_a_viewer_cannot_pick_printed_rows_by_a_confidential_location(site, vic) -> None:
    from cers_app.reports.pdf_inventory import InventoryFilter

    chosen = InventoryFilter(location=VAULT)
    _, content = db.run(pdf_service.inventory_report, vic.actor(), site.facility, None, chosen)
    assert "Sodium Cyanide" not in _text(content)
