"""The element form page's handlers without a browser: loading an APSA draft's form, saving
it with and without errors, and what a viewer and a page without a draft get (every test on
SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from reflex.state import State

from cers_app.core import db, routes
from cers_app.facilities.models import ElementVersion
from cers_app.submittals import drafts
from cers_app.submittals.element_form_state import ElementFormState
from tests.state.events import events, navigate, redirects, says
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World

APSA = 9
UST = 4
CAPACITY = "TotalAbovegroundStorageCapacityOfPetroleum"


@pytest.fixture
def acme(database) -> tuple[World, int]:
    """Acme's Davis facility storing petroleum aboveground, with an APSA draft started."""
    world = acme_world.build()
    yolo.build()
    plant = yolo.add_facility(world.lena, world.acme)
    _, errors = yolo.save_answers(world.lena, plant, yolo.answers("OwnOrOperateAPST"))
    assert not errors
    db.run(drafts.start_element, world.lena.actor(), plant, APSA, drafts.BLANK)
    return world, plant


async def _page(
    root: State, as_actor, person: Person, facility_id: int, element: int = APSA
) -> tuple[ElementFormState, Any]:
    as_actor(person.actor())
    navigate(
        root,
        routes.with_query(routes.FACILITY_ELEMENT_FORM, id=str(facility_id), element=str(element)),
    )
    page = await root.get_state(ElementFormState)
    result = await ElementFormState.load.fn(page)
    return page, result


def _stored(facility_id: int) -> dict[str, str]:
    version_id = yolo.elements(facility_id)[APSA].draft_version_id
    return db.run(lambda s: s.get(ElementVersion, version_id)).data.get("form", {})


async def test_loading_and_saving_the_apsa_form(acme, root, as_actor):
    world, plant = acme
    page, result = await _page(root, as_actor, world.ed, plant)
    assert result is None
    assert page.loaded and page.can_edit and page.title == "APSA Facility Information"
    assert page.facility["cers_id"] == str(yolo.facility(plant).cers_id)
    assert [f["key"] for f in page.fields] == [
        "ConditionallyExempt",
        "SPCCPlanCertificationOrFiveYearReview",
        CAPACITY,
        "NumberOfTanksInUndergroundAreas",
    ]
    assert page.fields[0]["kind"] == "yesno" and page.fields[1]["type"] == "date"
    assert page.values[CAPACITY] == "" and page.errors == {}
    key = page.form_key

    result = await ElementFormState.save.fn(
        page, {"ConditionallyExempt": "Y", CAPACITY: "12,000", "Sneaky": "x"}
    )
    assert says(result, "correct the highlighted fields")
    assert list(page.errors) == ["ConditionallyExempt"]
    assert "not conditionally exempt" in page.errors["ConditionallyExempt"]
    assert page.values[CAPACITY] == "12000" and page.form_key == key + 1
    assert _stored(plant)[CAPACITY] == "12000"

    result = await ElementFormState.save.fn(page, {"ConditionallyExempt": "N", CAPACITY: "12000"})
    assert says(result, "APSA Facility Information saved.")
    assert page.errors == {}
    assert _stored(plant)["ConditionallyExempt"] == "N"


async def test_a_stale_page_is_told_to_reload(acme, root, as_actor):
    world, plant = acme
    page, _ = await _page(root, as_actor, world.ed, plant)
    await ElementFormState.save.fn(page, {"ConditionallyExempt": "N", CAPACITY: "5"})
    page._version -= 1  # what a second tab that loaded before that save still holds
    result = await ElementFormState.save.fn(page, {"ConditionallyExempt": "Y", CAPACITY: "5"})
    assert says(result, "changed by someone else")
    assert _stored(plant)["ConditionallyExempt"] == "N"


async def test_a_viewer_sees_the_form_read_only_and_cannot_save(acme, root, as_actor):
    world, plant = acme
    page, result = await _page(root, as_actor, world.val, plant)
    assert result is None and page.loaded and not page.can_edit
    result = await ElementFormState.save.fn(page, {"ConditionallyExempt": "N", CAPACITY: "5"})
    assert len(events(result)) == 1  # the refusal, as a toast
    assert _stored(plant) == {}


async def test_without_a_draft_or_a_form_the_page_returns_to_the_facility(acme, root, as_actor):
    world, plant = acme
    _, result = await _page(root, as_actor, world.ed, plant, element=2)
    assert says(result, "no form") and redirects(result) == [
        routes.with_query(routes.FACILITY, id=str(plant))
    ]
    _, result = await _page(root, as_actor, world.otto, plant)
    assert redirects(result) == [routes.with_query(routes.FACILITY, id=str(plant))]


@pytest.fixture
def tanks(database) -> tuple[World, int]:
    """Acme's Davis facility with underground storage tanks, a UST draft started."""
    world = acme_world.build()
    yolo.build()
    plant = yolo.add_facility(world.lena, world.acme)
    _, errors = yolo.save_answers(world.lena, plant, yolo.answers("OwnOrOperateUST"))
    assert not errors
    db.run(drafts.start_element, world.lena.actor(), plant, UST, drafts.BLANK)
    return world, plant


async def test_the_ust_form_has_choices_and_sections(tanks, root, as_actor):
    world, plant = tanks
    page, result = await _page(root, as_actor, world.ed, plant, element=UST)
    assert result is None and page.title == "UST Facility Information"
    action = next(f for f in page.fields if f["key"] == "TypeOfAction")
    assert action["kind"] == "choice" and action["id"] == "element-form-TypeOfAction"
    assert ["1", "New permit"] in page.choices["TypeOfAction"]
    headings = [f["heading"] for f in page.fields if f["heading"]]
    assert headings and len(headings) == len(set(headings))  # each section opens once

    await ElementFormState.save.fn(page, {"TypeOfAction": "Sometime"})
    assert page.errors["TypeOfAction"] == "Choose one of the listed options."
    await ElementFormState.save.fn(page, {"TypeOfAction": "new permit"})
    assert page.values["TypeOfAction"] == "1" and "TypeOfAction" not in page.errors
