"""The Emergency Responder's handlers without a browser: the Regulator Portal home sends a
responder to the responder page, the search lists the agency's facilities, one facility
shows its contacts, site map and a page of its inventory with the confidential location, and
an id out of reach leaves nothing behind (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from reflex.state import State

from cers_app.core import routes
from cers_app.regulator.responder_state import ResponderFacilityState, ResponderSearchState
from cers_app.regulator.state import RegulatorHomeState
from tests.state.events import navigate, redirects, says
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.organizations.world import Person, World
from tests.unit.regulator import cast
from tests.unit.submittals import hmbp

VAULT = "Vault 7"
NOT_FOUND = "That facility was not found in your agency's jurisdiction."


@pytest.fixture
def acme(database) -> tuple[yolo.County, int, int, World]:
    """Acme's Davis facility with its HMBP (30 rows, one location confidential) submitted,
    and Otto's depot in Bay City."""
    world, county, plant = cast.davis(team=True)
    secret = stock.row(
        CommonName="Cyanide", CASNumber="143-33-9", ChemicalLocation=VAULT, CLConfidential="Y"
    )
    rows = (
        *(
            stock.row(CommonName=f"Diesel Fuel {n:02}", ChemicalLocation=f"Tank {n:02}")
            for n in range(29)
        ),
        secret,
    )
    cast.submitted_plan(world, plant, rows=rows)
    return county, plant, cast.depot(world), world


def _responder(county: yolo.County, agency: str = "cupa") -> Person:
    return yolo.regulator(f"resp{agency}", "Rosa", "Espinoza", getattr(county, agency), "responder")


async def test_the_portal_home_sends_a_responder_to_the_responder_page(acme, root, as_actor):
    county, _, _, _ = acme
    as_actor(_responder(county).actor())
    home = await root.get_state(RegulatorHomeState)

    result = await RegulatorHomeState.load.fn(home)

    assert redirects(result) == [routes.RESPONDER_HOME]
    assert not home.loaded


async def test_the_portal_home_stays_for_other_regulators(acme, root, as_actor):
    county, _, _, _ = acme
    as_actor(cast.regulator(county, "vic").actor())
    home = await root.get_state(RegulatorHomeState)

    result = await RegulatorHomeState.load.fn(home)

    assert redirects(result) == [] and home.loaded and home.can_view


async def test_the_search_lists_and_finds_the_agencys_facilities(acme, root, as_actor):
    county, plant, _, _ = acme
    as_actor(_responder(county).actor())
    page = await root.get_state(ResponderSearchState)

    await ResponderSearchState.load.fn(page)
    assert page.loaded and page.total == 1
    assert page.rows[0]["id"] == str(plant)
    assert page.rows[0]["url"] == routes.with_query(routes.RESPONDER_FACILITY, id=str(plant))

    await ResponderSearchState.search.fn(page, {"query": str(yolo.facility(plant).cers_id)})
    assert [r["id"] for r in page.rows] == [str(plant)]
    await ResponderSearchState.search.fn(page, {"query": "Market St"})
    assert page.rows == [] and page.total == 0
    result = await ResponderSearchState.search.fn(page, {"query": "x" * 101})
    assert "query" in page.errors and says(result, "at most 100 characters")


async def test_a_viewer_is_refused_the_responder_search(acme, root, as_actor):
    county, _, _, _ = acme
    as_actor(cast.regulator(county, "vic").actor())
    page = await root.get_state(ResponderSearchState)

    result = await ResponderSearchState.load.fn(page)

    assert page.rows == [] and says(result, "Emergency Responder")


async def _open(root: State, as_actor, person: Person, facility_id: object):
    as_actor(person.actor())
    navigate(root, routes.with_query(routes.RESPONDER_FACILITY, id=str(facility_id)))
    page = await root.get_state(ResponderFacilityState)
    result = await ResponderFacilityState.load.fn(page)
    return page, result


async def test_one_facility_with_contacts_site_map_and_inventory(acme, root, as_actor):
    county, plant, _, _ = acme
    page, _ = await _open(root, as_actor, _responder(county), plant)

    assert page.loaded and page.missing == ""
    assert page.head["cers_id"] == str(yolo.facility(plant).cers_id)
    assert page.head["inventory_rows"] == "30" and page.head["has_inventory"] == "yes"
    roles = [c["role"] for c in page.contacts]
    assert "Primary emergency contact" in roles
    assert page.site_maps == []  # the plan keeps its site map at the facility
    assert (page.item_page, page.item_pages, page.item_total, len(page.items)) == (1, 2, 30, 25)

    await ResponderFacilityState.item_search.fn(page, {"text": "cyanide"})
    [row] = page.items
    assert (row["location"], row["confidential"]) == (VAULT, "yes")
    assert row["hazards"] == "Flammable, Aspiration hazard"
    await ResponderFacilityState.item_search.fn(page, {"text": ""})
    await ResponderFacilityState.item_go.fn(page, 2)
    assert (page.item_page, len(page.items)) == (2, 5)


async def test_a_site_map_is_offered_through_the_document_route(acme, root, as_actor, tmp_path):
    from cers_app.core import db
    from cers_app.submittals import documents, drafts
    from tests import document_samples as samples
    from tests.unit.submittals.document_world import SITE_MAP, stage

    county, plant, _, world = acme
    # Acme's Lead User uploads a site map into a new inventory and submits it with FI.
    lena = world.lena
    db.run(drafts.start_element, lena.actor(), plant, 1, "")
    db.run(drafts.start_element, lena.actor(), plant, 2, "")
    view = db.run(
        documents.attach_file,
        lena.actor(),
        plant,
        hmbp.draft_id(plant, 2),
        SITE_MAP,
        stage(tmp_path, "map.pdf", samples.pdf("Site map")),
    )
    file_id = view.files[-1].id
    hmbp.answer_facility_information(lena, plant)
    db.run(hmbp.submit.submit, lena.actor(), plant, hmbp.request(plant, 1, 2))

    page, _ = await _open(root, as_actor, _responder(county), plant)

    assert [m["id"] for m in page.site_maps] == [str(file_id)]
    assert page.site_maps[0]["href"] == routes.with_query(
        routes.REGULATOR_DOCUMENT_FILE, id=str(plant), file=str(file_id)
    )


async def test_a_facility_out_of_reach_leaves_nothing_behind(acme, root, as_actor):
    county, plant, depot, _ = acme
    page, _ = await _open(root, as_actor, _responder(county), plant)
    assert page.items

    other = _responder(county, "other")
    page, result = await _open(root, as_actor, other, plant)
    assert page.missing == NOT_FOUND and says(result, NOT_FOUND)
    assert (page.head, page.contacts, page.items, page.site_maps) == ({}, [], [], [])
    assert page._version_id is None
    # Paging afterwards reads nothing.
    assert await ResponderFacilityState.item_go.fn(page, 1) is None
    assert page.items == []

    page, _ = await _open(root, as_actor, other, depot)
    assert page.missing == "" and page.head["has_inventory"] == ""

    page, result = await _open(root, as_actor, other, "junk")
    assert page.missing == NOT_FOUND
