"""The documents page of the elements without a page of their own (&element= in the address):
Onsite Hazardous Waste Treatment shows its slots and the Advisory that its forms come later,
and starts a draft; an address naming no such element shows the plans."""

from __future__ import annotations

import pytest

from cers_app.core import routes
from cers_app.core.codes import REQUIRED
from cers_app.submittals.document_state import DocumentState
from tests.state.events import navigate, says
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import World

TP, ERTP = 5, 3


@pytest.fixture
def acme(database) -> tuple[World, int]:
    """Acme's Davis facility, whose treatment element is required (no draft yet)."""
    world = acme_world.build()
    yolo.build()
    plant = yolo.add_facility(world.lena, world.acme)
    yolo.set_by_regulator(plant, TP, REQUIRED)
    return world, plant


async def _page(root, as_actor, person, facility_id: int, **query: str) -> DocumentState:
    as_actor(person.actor())
    navigate(root, routes.with_query(routes.FACILITY_PLANS, id=str(facility_id), **query))
    page = await root.get_state(DocumentState)
    await DocumentState.load_page.fn(page)
    return page


async def test_the_treatment_element_shows_its_slots_and_advisory(acme, root, as_actor):
    world, plant = acme
    page = await _page(root, as_actor, world.lena, plant, element=str(TP))

    assert page.loaded and page.element == TP
    assert page.header["element"].startswith("Onsite Hazardous Waste Treatment")
    assert [f["code"] for f in page.findings["14"]] == ["1003"]
    assert page.answers["14"]["required"] == "yes" and page.answers["15"]["required"] == ""
    [advisory] = page.advisories
    assert (advisory["level"], advisory["code"]) == ("advisory", "1004")

    result = await DocumentState.start_draft.fn(page)

    assert says(result, "draft is ready")
    assert page.editable and page.has_draft and len(page.advisories) == 1


@pytest.mark.parametrize("element", ["", "2", "99", "x"])
async def test_an_address_naming_no_such_element_shows_the_plans(acme, root, as_actor, element):
    world, plant = acme
    page = await _page(root, as_actor, world.lena, plant, element=element)

    assert page.loaded and page.element == ERTP
    assert page.advisories == []
