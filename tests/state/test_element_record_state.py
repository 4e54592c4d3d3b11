"""The element records pages' handlers without a browser: a UST draft's list of tanks and
certifications, adding a tank, saving its forms with and without errors, removing it once
confirmed, duplicate tank IDs, what a viewer sees and what an outsider gets (every test on
SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from reflex.state import State

from cers_app.core import db, routes
from cers_app.facilities.models import ElementVersion
from cers_app.regulator import submittal_view
from cers_app.submittals import drafts, ust_records
from cers_app.submittals.element_record_state import (
    KIND_FIELD,
    PART_FIELD,
    ElementRecordsState,
    ElementRecordState,
    record_url,
)
from tests.state.events import events, navigate, redirects, says
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World

UST = 4
TANK_ID = ust_records.TANK_ID_KEY
CAPACITY = "TankCapacityInGallons"


@pytest.fixture
def acme(database) -> tuple[World, int]:
    """Acme's Davis facility with underground storage tanks, a UST draft started."""
    world = acme_world.build()
    yolo.build()
    plant = yolo.add_facility(world.lena, world.acme)
    _, errors = yolo.save_answers(world.lena, plant, yolo.answers("OwnOrOperateUST"))
    assert not errors
    db.run(drafts.start_element, world.lena.actor(), plant, UST, drafts.BLANK)
    return world, plant


async def _list(root: State, as_actor, person: Person, plant: int) -> tuple[Any, Any]:
    as_actor(person.actor())
    navigate(
        root,
        routes.with_query(routes.FACILITY_ELEMENT_RECORDS, id=str(plant), element=str(UST)),
    )
    page = await root.get_state(ElementRecordsState)
    return page, await ElementRecordsState.load.fn(page)


async def _record(root: State, as_actor, person: Person, path: str) -> tuple[Any, Any]:
    as_actor(person.actor())
    navigate(root, path)
    page = await root.get_state(ElementRecordState)
    return page, await ElementRecordState.load.fn(page)


async def _add_tank(page: Any, tank_id: str) -> Any:
    return await ElementRecordsState.add.fn(page, {KIND_FIELD: "tank", TANK_ID: tank_id})


def _records(plant: int) -> dict[str, Any]:
    version_id = yolo.elements(plant)[UST].draft_version_id
    data = db.run(lambda s: s.get(ElementVersion, version_id)).data or {}
    return data.get("records", {})


def _tanks(plant: int) -> dict[str, Any]:
    return _records(plant).get("tank", {})


async def test_adding_a_tank_and_filling_in_its_forms(acme, root, as_actor):
    world, plant = acme
    page, result = await _list(root, as_actor, world.ed, plant)
    assert result is None and page.loaded and page.can_edit
    assert [k["name"] for k in page.kinds] == ["tank", "installation"]
    assert page.title.startswith("Underground Storage Tanks: tanks and installation")
    assert page.rows == {"tank": [], "installation": []}
    assert [f["code"] for f in page.kind_findings["tank"]] == ["1014"]
    assert "Add at least 1 tank" in page.findings[0]["message"]
    first = page.add_fields["tank"][0]
    assert first["key"] == TANK_ID and first["id"] == f"record-add-tank-{TANK_ID}"

    result = await _add_tank(page, "T-1")
    key = next(iter(_tanks(plant)))
    assert says(result, "Tank T-1 added") and redirects(result) == [
        record_url(plant, UST, "tank", key)
    ]

    record, result = await _record(root, as_actor, world.ed, redirects(result)[0])
    assert result is None and record.loaded and record.can_edit
    assert record.label == "Tank T-1"
    assert [p["name"] for p in record.parts] == ["tank", "monitoring"]
    assert record.parts[1]["saved"] == ""
    assert record.values[f"tank.{TANK_ID}"] == "T-1"
    assert record.part_fields["tank"][0]["id"].startswith("record-tank-")
    assert f"tank.{ust_records.TYPE_OF_ACTION_KEY}" in record.choices
    assert any("no monitoring plan" in f["message"] for f in record.findings)
    assert all(name.startswith("tank.") for name in record.errors)  # blank required fields
    monitoring_key = record.parts[1]["form_key"]

    result = await ElementRecordState.save_part.fn(
        record, {PART_FIELD: "tank", TANK_ID: "T-1", CAPACITY: "lots"}
    )
    assert says(result, "correct the highlighted fields")
    assert "whole number" in record.errors[f"tank.{CAPACITY}"]
    assert record.values[f"tank.{CAPACITY}"] == "lots"
    assert _tanks(plant)[key]["tank"][CAPACITY] == "lots"
    assert record.parts[1]["form_key"] == monitoring_key  # what is typed there stays
    assert not any("whole number" in f["message"] for f in record.findings)  # beside its field

    result = await ElementRecordState.save_part.fn(record, {PART_FIELD: "monitoring"})
    assert events(result)
    assert record.parts[1]["saved"] == "yes" and record.parts[1]["form_key"] != monitoring_key
    assert "monitoring" in _tanks(plant)[key]
    assert not any("no monitoring plan" in f["message"] for f in record.findings)
    assert f"tank.{CAPACITY}" in record.errors  # the other part's problems still show

    page, _ = await _list(root, as_actor, world.ed, plant)
    [row] = page.rows["tank"]
    assert row["label"] == "Tank T-1" and row["href"] == record_url(plant, UST, "tank", key)
    statuses = page.row_parts[row["id"]]
    assert [s["name"] for s in statuses] == ["tank", "monitoring"]
    assert statuses[0]["color"] == "red" and statuses[0]["text"].endswith("to fix")


async def test_a_part_of_another_form_or_a_stale_page_is_refused(acme, root, as_actor):
    world, plant = acme
    page, _ = await _list(root, as_actor, world.ed, plant)
    result = await _add_tank(page, "T-1")
    record, _ = await _record(root, as_actor, world.ed, redirects(result)[0])
    result = await ElementRecordState.save_part.fn(record, {PART_FIELD: "sneaky", TANK_ID: "X"})
    assert says(result, "Reload the page")
    record._version -= 1  # what a second tab that loaded earlier still holds
    result = await ElementRecordState.save_part.fn(record, {PART_FIELD: "tank", TANK_ID: "X"})
    assert says(result, "changed by someone else")
    assert next(iter(_tanks(plant).values()))["tank"][TANK_ID] == "T-1"


async def test_duplicate_tank_ids_are_flagged_on_the_list(acme, root, as_actor):
    world, plant = acme
    page, _ = await _list(root, as_actor, world.ed, plant)
    await _add_tank(page, "T-1")
    page, _ = await _list(root, as_actor, world.ed, plant)
    await _add_tank(page, "t-1")
    page, _ = await _list(root, as_actor, world.ed, plant)
    assert [row["duplicate"] for row in page.rows["tank"]] == ["yes", "yes"]
    record, _ = await _record(root, as_actor, world.ed, page.rows["tank"][0]["href"])
    assert [f["code"] for f in record.findings if f["code"] == "1048"] == ["1048"]
    assert [f["code"] for f in page.findings[:2]] == ["1048", "1048"]  # first, at a glance
    assert sum(1 for f in page.findings if f["code"] == "1048") == 2
    assert all(f["href"] for f in page.findings if f["code"] == "1048")


async def test_removing_a_tank_needs_a_confirmation(acme, root, as_actor):
    world, plant = acme
    page, _ = await _list(root, as_actor, world.ed, plant)
    await _add_tank(page, "T-1")
    page, _ = await _list(root, as_actor, world.ed, plant)
    [row] = page.rows["tank"]
    result = await ElementRecordsState.remove.fn(page, "tank", row["key"])
    assert says(result, "Press Remove first") and len(_tanks(plant)) == 1

    ElementRecordsState.ask_remove.fn(page, row["id"])
    assert page.confirm_remove == row["id"]
    ElementRecordsState.keep.fn(page)
    assert page.confirm_remove == ""

    ElementRecordsState.ask_remove.fn(page, row["id"])
    result = await ElementRecordsState.remove.fn(page, "tank", row["key"])
    assert says(result, "Tank T-1 removed.")
    assert _tanks(plant) == {} and page.rows["tank"] == [] and page.confirm_remove == ""
    assert [f["code"] for f in page.kind_findings["tank"]] == ["1014"]


async def test_a_viewer_sees_the_records_but_cannot_change_them(acme, root, as_actor):
    world, plant = acme
    page, _ = await _list(root, as_actor, world.ed, plant)
    result = await _add_tank(page, "T-1")
    path = redirects(result)[0]

    page, result = await _list(root, as_actor, world.val, plant)
    assert result is None and page.loaded and not page.can_edit
    assert [row["label"] for row in page.rows["tank"]] == ["Tank T-1"]
    result = await _add_tank(page, "T-2")
    assert len(events(result)) == 1 and not redirects(result)
    ElementRecordsState.ask_remove.fn(page, page.rows["tank"][0]["id"])
    await ElementRecordsState.remove.fn(page, "tank", page.rows["tank"][0]["key"])
    assert len(_tanks(plant)) == 1

    record, result = await _record(root, as_actor, world.val, path)
    assert result is None and record.loaded and not record.can_edit
    assert record.values[f"tank.{TANK_ID}"] == "T-1"
    result = await ElementRecordState.save_part.fn(record, {PART_FIELD: "tank", TANK_ID: "X"})
    assert len(events(result)) == 1
    assert next(iter(_tanks(plant).values()))["tank"][TANK_ID] == "T-1"


async def test_an_outsider_gets_nothing(acme, root, as_actor):
    world, plant = acme
    page, _ = await _list(root, as_actor, world.ed, plant)
    result = await _add_tank(page, "T-1")
    path = redirects(result)[0]

    page, result = await _list(root, as_actor, world.otto, plant)
    assert redirects(result) == [routes.with_query(routes.FACILITY, id=str(plant))]
    assert not page.loaded and page.rows == {} and page.findings == [] and page.facility == {}
    page._facility_id, page._element = plant, UST  # even with the ids planted in its state
    result = await _add_tank(page, "T-9")
    assert len(events(result)) == 1 and len(_tanks(plant)) == 1

    record, result = await _record(root, as_actor, world.otto, path)
    assert redirects(result) and not record.loaded
    assert record.values == {} and record.parts == [] and record.label == ""


async def test_an_element_without_records_or_a_missing_record(acme, root, as_actor):
    world, plant = acme
    as_actor(world.ed.actor())
    navigate(root, routes.with_query(routes.FACILITY_ELEMENT_RECORDS, id=str(plant), element="9"))
    page = await root.get_state(ElementRecordsState)
    result = await ElementRecordsState.load.fn(page)
    assert says(result, "keeps no such records") and not page.loaded

    _, result = await _record(root, as_actor, world.ed, record_url(plant, UST, "tank", "77"))
    assert says(result, "not in this draft") and redirects(result) == [
        routes.with_query(routes.FACILITY_ELEMENT_RECORDS, id=str(plant), element=str(UST))
    ]


def test_the_regulator_sees_each_tank_with_its_forms():
    tank = {TANK_ID: "T-1", CAPACITY: "10000", ust_records.TYPE_OF_ACTION_KEY: "1"}
    data = {"form": {"TypeOfAction": "1"}, "records": {"tank": {"1": {"tank": tank}}}}
    sections = submittal_view.element_form(UST, data)
    titles = [section.title for section in sections]
    assert titles[0].startswith("UST Facility Information")
    lines = {(s.title, line.label): line.value for s in sections for line in s.fields}
    assert any(
        title.startswith("Tank T-1") and value == "10,000" for (title, _), value in lines.items()
    )
    monitoring = ust_records.TANKS.parts[1].form.title
    assert lines[(f"Tank T-1, {monitoring}", monitoring)] == "Not filled in"
    assert lines[("Installation certifications", "Installation certifications")] == "None"
