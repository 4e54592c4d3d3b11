"""The submittal handlers without a browser: starting and discarding drafts from the facility
page, the Submit page (a second press makes no second submittal), the receipt and the change
view (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from reflex.state import State
from sqlmodel import func, select

from cers_app.core import db, routes
from cers_app.submittals.models import Submittal
from cers_app.submittals.state import (
    ChangesState,
    ElementActionsState,
    ReceiptState,
    SubmitState,
)
from tests.state.events import navigate, redirects, says
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3


@pytest.fixture
def acme(database) -> tuple[World, int]:
    """Acme's people and its facility in Davis, its business plan ready to submit."""
    world = acme_world.build()
    yolo.build()
    facility_id = yolo.add_facility(world.lena, world.acme)
    hmbp.prepare(world.lena, facility_id)
    return world, facility_id


def _submittals() -> int:
    return db.run(lambda s: s.exec(select(func.count()).select_from(Submittal)).one())


async def _submit_page(root: State, as_actor, person: Person, facility_id: int) -> SubmitState:
    as_actor(person.actor())
    navigate(root, routes.with_query(routes.FACILITY_SUBMIT, id=str(facility_id)))
    page = await root.get_state(SubmitState)
    await SubmitState.load.fn(page)
    return page


def _ticked_form(page: SubmitState, **extra: str) -> dict[str, str]:
    form = {f"tick_{row['version_id']}": "on" for row in page.rows if row["ready"]}
    form.update(certifier_name="Connie Approver", certifier_title="EHS Manager", certified="on")
    form.update(extra)
    return form


async def test_the_submit_page_lists_the_drafts_and_submits_once(root, as_actor, acme):
    world, facility_id = acme
    page = await _submit_page(root, as_actor, world.connie, facility_id)

    assert page.loaded and page.can_submit and page.fi_has_draft
    assert [row["element"] for row in page.rows] == ["1", "2", "3"]
    assert all(row["ready"] == "yes" for row in page.rows)
    form = _ticked_form(page, **{f"comment_{page.rows[1]['version_id']}": "New tank."})

    first = await SubmitState.send.fn(page, form)
    second = await SubmitState.send.fn(page, form)  # a double click: the same key

    assert redirects(first) == redirects(second)
    [url] = redirects(first)
    assert url.startswith(routes.FACILITY_SUBMITTED + "?id=")
    assert _submittals() == 1

    back = await _submit_page(root, as_actor, world.connie, facility_id)  # Back, then Submit
    assert back.rows == []
    refused = await SubmitState.send.fn(back, form)
    assert says(refused, "already submitted") and _submittals() == 1


async def test_an_editor_sees_the_page_but_cannot_submit(root, as_actor, acme):
    world, facility_id = acme
    page = await _submit_page(root, as_actor, world.ed, facility_id)

    result = await SubmitState.send.fn(page, _ticked_form(page))

    assert page.can_submit is False
    assert says(result, "does not allow you to") and _submittals() == 0


async def test_a_missing_certification_marks_its_fields(root, as_actor, acme):
    world, facility_id = acme
    page = await _submit_page(root, as_actor, world.connie, facility_id)

    await SubmitState.send.fn(page, _ticked_form(page, certifier_title="", certified=""))

    assert set(page.errors) == {"certifier_title", "certified"}
    assert _submittals() == 0


async def test_forged_ticks_are_ignored_or_refused(root, as_actor, acme):
    world, facility_id = acme
    page = await _submit_page(root, as_actor, world.connie, facility_id)
    form = {"tick_abc": "on", "tick_99999": "on", "certifier_name": "C", "certifier_title": "T"}

    result = await SubmitState.send.fn(page, {**form, "certified": "on"})

    assert says(result, "not found") and _submittals() == 0


async def test_the_receipt_and_the_change_view_load(root, as_actor, acme):
    world, facility_id = acme
    submittal_id = hmbp.submitted(world.connie, facility_id)
    as_actor(world.val.actor())
    navigate(
        root,
        routes.with_query(
            routes.FACILITY_SUBMITTED, id=str(facility_id), submittal=str(submittal_id)
        ),
    )
    receipt = await root.get_state(ReceiptState)
    await ReceiptState.load.fn(receipt)
    navigate(root, routes.with_query(routes.FACILITY_CHANGES, id=str(facility_id), element="2"))
    changes = await root.get_state(ChangesState)
    await ChangesState.load.fn(changes)

    assert receipt.loaded and [line["element"] for line in receipt.lines] == [
        "Facility Information",
        "Hazardous Materials Inventory",
        "Emergency Response and Training Plans",
    ]
    assert changes.loaded and changes.head["level"] == "Significant changes"
    assert [row["material"] for row in changes.rows] == ["Diesel Fuel"]


async def test_elements_start_as_copies_and_are_discarded(root, as_actor, acme):
    world, facility_id = acme
    hmbp.submitted(world.connie, facility_id)
    as_actor(world.ed.actor())
    navigate(root, routes.with_query(routes.FACILITY, id=str(facility_id)))
    actions = await root.get_state(ElementActionsState)
    await ElementActionsState.load.fn(actions)
    [choice] = actions.bases["2"]

    started = await ElementActionsState.start.fn(actions, {"element": "2", "basis": choice["id"]})
    again = await ElementActionsState.start.fn(actions, {"element": "2", "basis": ""})
    draft_id = yolo.elements(facility_id)[HMI].draft_version_id
    ElementActionsState.ask_discard.fn(actions, "2")
    asked = actions.confirm_discard
    await ElementActionsState.discard.fn(actions, {"element": "2", "version": str(draft_id)})

    assert choice["label"].endswith("(default)")
    assert redirects(started) == [routes.FACILITY_INVENTORY + f"?id={facility_id}"]
    assert says(again, "already has a draft")
    assert asked == "2" and actions.confirm_discard == ""
    assert yolo.elements(facility_id)[HMI].draft_version_id is None


async def test_a_viewer_cannot_start_or_discard(root, as_actor, acme):
    world, facility_id = acme
    as_actor(world.val.actor())
    navigate(root, routes.with_query(routes.FACILITY, id=str(facility_id)))
    actions = await root.get_state(ElementActionsState)
    await ElementActionsState.load.fn(actions)
    draft_id = yolo.elements(facility_id)[HMI].draft_version_id

    refused = await ElementActionsState.discard.fn(
        actions, {"element": "2", "version": str(draft_id)}
    )
    started = await ElementActionsState.start.fn(actions, {"element": "4", "basis": "blank"})

    assert says(refused, "does not allow you to") and says(started, "does not allow you to")
    assert yolo.elements(facility_id)[HMI].draft_version_id == draft_id
