"""The regulator's submittal page handlers without a browser: loading one submitted element
in scope, paging and searching its inventory, and an id out of scope leaving nothing behind
(every test on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from reflex.state import State

from cers_app.core import routes
from cers_app.regulator.submittal_state import SubmittalViewState
from tests.state.events import navigate, says
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast

FI, HMI = 1, 2
NOT_FOUND = "That submittal was not found in your agency's jurisdiction."


@pytest.fixture
def acme(database) -> tuple[yolo.County, int]:
    """Acme's Davis facility with its first HMBP (30 inventory rows) submitted."""
    world, county, plant = cast.davis(team=True)
    rows = tuple(
        stock.row(CommonName=f"Diesel Fuel {n:02}", ChemicalLocation=f"Tank {n:02}")
        for n in range(30)
    )
    cast.submitted_plan(world, plant, rows=rows)
    return county, plant


def _submitted(facility_id: int, element: int) -> int:
    version_id = yolo.elements(facility_id)[element].last_submitted_version_id
    assert version_id is not None
    return version_id


async def _open(root: State, as_actor, person: Person, version_id: object):
    as_actor(person.actor())
    navigate(root, routes.with_query(routes.REGULATOR_SUBMITTAL, id=str(version_id)))
    page = await root.get_state(SubmittalViewState)
    result = await SubmittalViewState.load.fn(page)
    return page, result


async def test_a_regulator_in_scope_sees_the_submitted_inventory(acme, root, as_actor):
    county, plant = acme
    rob = cast.regulator(county, "rob")
    version_id = _submitted(plant, HMI)

    page, _ = await _open(root, as_actor, rob, version_id)

    assert page.loaded and page.missing == ""
    assert page.head["element"] == "Hazardous Materials Inventory"
    assert page.head["cers_id"] == str(yolo.facility(plant).cers_id)
    assert page.head["facility_url"] == routes.with_query(routes.REGULATOR_FACILITY, id=str(plant))
    assert page.head["inventory_rows"] == "30"
    assert page.others[0]["label"] == "Facility Information"
    assert page.others[0]["href"] == routes.with_query(
        routes.REGULATOR_SUBMITTAL, id=str(_submitted(plant, FI))
    )
    assert (page.item_page, page.item_pages, page.item_total, len(page.items)) == (1, 2, 30, 25)
    assert page.change_head["first"] == "yes"
    assert "first submittal" in page.change_head["compared"]
    assert len(page.change_rows) == 30
    assert [h["id"] for h in page.history] == [str(version_id)]
    assert page.history[0]["current"] == "yes"
    slots = [d for d in page.documents if d["kind"] == "slot"]
    assert slots[0]["source"] == "Stored at Facility"

    await SubmittalViewState.item_go.fn(page, 2)
    assert (page.item_page, len(page.items)) == (2, 5)
    await SubmittalViewState.item_search.fn(page, {"text": "tank 07"})
    assert [row["name"] for row in page.items] == ["Diesel Fuel 07"]
    assert page.item_page == 1


async def test_facility_information_shows_its_forms(acme, root, as_actor):
    county, plant = acme
    rob = cast.regulator(county, "rob")

    page, _ = await _open(root, as_actor, rob, _submitted(plant, FI))

    assert page.head["has_forms"] == "yes" and page.head["has_inventory"] == ""
    headings = [line["label"] for line in page.form_lines if line["kind"] == "heading"]
    assert "Business Activities" in headings
    assert "Owner/Operator: Business owner" in headings
    fields = {line["label"]: line["value"] for line in page.form_lines if line["kind"] == "field"}
    assert fields["Owner name"] == "Alan Acme"
    assert page.items == []


async def test_an_id_out_of_scope_shows_not_found_and_no_data(acme, root, as_actor):
    county, plant = acme
    rob = cast.regulator(county, "rob")
    rex = cast.regulator(county, "rex")
    page, _ = await _open(root, as_actor, rob, _submitted(plant, HMI))
    assert page.items  # what rob saw stays in this tab's state until the next load

    for person, version_id in (
        (rex, _submitted(plant, HMI)),
        (rob, "12abc"),
        (rob, 999_999),
    ):
        page, result = await _open(root, as_actor, person, version_id)
        assert page.loaded and page.missing == NOT_FOUND
        assert says(result, NOT_FOUND)
        assert page.head == {} and page.others == [] and page.items == []
        assert page.form_lines == [] and page.documents == [] and page.history == []
        assert page.change_rows == [] and page.change_head == {}
        assert page._version_id is None
        # Paging without a loaded submittal does nothing.
        await SubmittalViewState.item_go.fn(page, 2)
        assert page.items == []
