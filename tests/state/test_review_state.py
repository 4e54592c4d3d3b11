"""The review panel and queue handlers without a browser: a reviewer sets a status and edits
its comment, a viewer is refused, a reviewer of another agency gets nothing (every test on
SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from reflex.state import State

from cers_app.core import db, routes
from cers_app.core.codes import NOT_ACCEPTED, SUBMITTED
from cers_app.facilities.models import ElementVersion
from cers_app.regulator.queue_state import QueueState
from cers_app.regulator.review_state import ReviewState
from tests.state.events import navigate, says
from tests.unit.organizations.world import Person, World
from tests.unit.regulator import cast
from tests.unit.regulator.cast import HMI


@dataclass(frozen=True)
class Plan:
    world: World
    facility_id: int
    hmi: int
    rob: Person
    vic: Person
    rex: Person


@pytest.fixture
def plan(database) -> Plan:
    """Acme's Davis plan submitted; rob reviews and vic views for the Yolo CUPA, rex is
    Agency Admin of Bay City."""
    world, county, facility_id = cast.davis(team=True)
    versions = cast.submitted_plan(world, facility_id)
    return Plan(
        world=world,
        facility_id=facility_id,
        hmi=versions[HMI],
        rob=cast.regulator(county, "rob"),
        vic=cast.regulator(county, "vic"),
        rex=cast.regulator(county, "rex"),
    )


def _status(version_id: int) -> int:
    return db.run(lambda s: s.get(ElementVersion, version_id).status)


async def _panel(root: State, as_actor, person: Person, version_id: int | str):
    """The panel loaded for `person`, and what its load returned."""
    as_actor(person.actor())
    navigate(root, routes.with_query(routes.REGULATOR_SUBMITTAL, id=str(version_id)))
    panel = await root.get_state(ReviewState)
    return panel, await ReviewState.load.fn(panel)


def _form(**fields: str) -> dict[str, str]:
    return {"status": "", "comment": "", "acted_at": "", "next_due_date": "", **fields}


async def test_a_reviewer_sets_a_status_and_edits_its_comment(root, as_actor, plan):
    panel, _ = await _panel(root, as_actor, plan.rob, plan.hmi)
    assert panel.loaded and panel.can_review
    assert panel.version["status"] == "Submitted"
    assert [row["kind"] for row in panel.history] == ["submitted"]

    refused = await ReviewState.save.fn(panel, _form(status="5", comment="  "))
    assert "comment" in panel.errors and says(refused, "needs a comment")
    await ReviewState.save.fn(panel, _form(status="9", acted_at="soon", next_due_date="x"))
    assert set(panel.errors) == {"status", "acted_at", "next_due_date"}
    assert _status(plan.hmi) == SUBMITTED

    done = await ReviewState.save.fn(panel, _form(status="5", comment="Site map missing."))

    assert says(done, "Not Accepted") and panel.errors == {}
    assert _status(plan.hmi) == NOT_ACCEPTED
    assert panel.version["status"] == "Not Accepted"
    action = panel.history[-1]
    assert (action["status"], action["comment"], action["who"]) == (
        "Not Accepted",
        "Site map missing.",
        "Rob Reyes",
    )

    await ReviewState.start_edit.fn(panel, action["action_id"])
    assert panel.editing == action["action_id"] and panel.edit_text == "Site map missing."
    await ReviewState.set_edit_text.fn(panel, "Site map is blank.")
    edited = await ReviewState.save_edit.fn(panel)
    assert says(edited, "Comment changed") and panel.editing == ""
    assert panel.history[-1]["comment"] == "Site map is blank." and panel.history[-1]["edited"]


async def test_a_viewer_sees_the_history_but_is_refused(root, as_actor, plan):
    panel, _ = await _panel(root, as_actor, plan.vic, plan.hmi)
    assert panel.loaded and panel.can_review is False and len(panel.history) == 1

    refused = await ReviewState.save.fn(panel, _form(status="4"))

    assert says(refused, "Only a Reviewer or Agency Admin")
    assert _status(plan.hmi) == SUBMITTED


async def test_a_reviewer_of_another_agency_gets_nothing(root, as_actor, plan):
    panel, loaded = await _panel(root, as_actor, plan.rex, plan.hmi)

    assert says(loaded, "not found")
    assert panel.loaded is False and panel.version == {} and panel.history == []
    refused = await ReviewState.save.fn(panel, _form(status="4"))
    assert says(refused, "not found") and _status(plan.hmi) == SUBMITTED

    as_actor(plan.rex.actor())
    queue = await root.get_state(QueueState)
    await QueueState.load.fn(queue)
    assert queue.rows == [] and queue.total == 0


async def test_the_queue_lists_and_filters(root, as_actor, plan):
    as_actor(plan.rob.actor())
    navigate(root, routes.REGULATOR_QUEUE)
    queue = await root.get_state(QueueState)
    await QueueState.load.fn(queue)

    assert queue.loaded and queue.total == 3
    assert [row["element"] for row in queue.rows] == [
        "Facility Information",
        "Hazardous Materials Inventory",
        "Emergency Response and Training Plans",
    ]
    assert queue.rows[1]["url"] == routes.with_query(routes.REGULATOR_SUBMITTAL, id=str(plan.hmi))

    await QueueState.apply_filters.fn(queue, {"element": "2", "status": "open"})
    assert [row["version_id"] for row in queue.rows] == [str(plan.hmi)]

    refused = await QueueState.apply_filters.fn(queue, {"element": "12", "status": "nope"})
    assert set(queue.errors) == {"element", "status"} and says(refused, "highlighted")
    await QueueState.clear_filters.fn(queue)
    assert queue.errors == {} and queue.total == 3
