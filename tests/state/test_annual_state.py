"""The annual update handlers without a browser: the annual tick of the Submit page, "No
change in HMBP" on the facility page (once per click, refused to Editors and Viewers) and
Action Required on the Business home (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from reflex.state import State
from sqlmodel import select

from cers_app.core import db, routes
from cers_app.home.state import BusinessHomeState
from cers_app.submittals.models import Submittal
from cers_app.submittals.state import NoChangeState, SubmitState
from tests.state.events import navigate, redirects, says
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World
from tests.unit.submittals import hmbp

OVERDUE = dt.date(2026, 3, 1)  # before the frozen clock's Nov 20, 2026


@pytest.fixture
def acme(database, frozen_clock) -> tuple[World, int]:
    """Acme's facility in Davis with an accepted business plan and no open draft."""
    world = acme_world.build()
    yolo.build()
    facility_id = yolo.add_facility(world.lena, world.acme)
    hmbp.accepted_plan(world.lena, world.connie, facility_id)
    return world, facility_id


def _kinds() -> list[str]:
    return db.run(lambda s: [row.kind for row in s.exec(select(Submittal).order_by(Submittal.id))])


async def _card(root: State, as_actor, person: Person, facility_id: int) -> NoChangeState:
    as_actor(person.actor())
    navigate(root, routes.with_query(routes.FACILITY, id=str(facility_id)))
    card = await root.get_state(NoChangeState)
    await NoChangeState.load.fn(card)
    return card


CERTIFIED = {"certifier_name": "Lena Lopez", "certifier_title": "Owner", "certified": "on"}


async def test_no_change_goes_to_the_receipt_once(root, as_actor, acme):
    world, facility_id = acme
    hmbp.set_due(facility_id, OVERDUE)
    card = await _card(root, as_actor, world.lena, facility_id)
    assert card.loaded and card.allowed and card.reason == ""
    assert (card.due_date, card.overdue) == ("Mar 1, 2026", True)

    missing = await NoChangeState.send.fn(card, {**CERTIFIED, "certifier_title": ""})
    assert says(missing, "title") and set(card.errors) == {"certifier_title"}
    first = await NoChangeState.send.fn(card, CERTIFIED)
    second = await NoChangeState.send.fn(card, CERTIFIED)  # a double click: the same key

    [url] = redirects(first)
    assert redirects(second) == [url] and url.startswith(routes.FACILITY_SUBMITTED + "?id=")
    assert _kinds() == ["change", "annual"]
    again = await _card(root, as_actor, world.lena, facility_id)
    assert (again.due_date, again.overdue) == ("Mar 1, 2027", False)


@pytest.mark.parametrize("who", ["ed", "val"])
async def test_editors_and_viewers_cannot_certify_no_change(root, as_actor, acme, who):
    world, facility_id = acme
    card = await _card(root, as_actor, getattr(world, who), facility_id)

    refused = await NoChangeState.send.fn(card, CERTIFIED)

    assert card.loaded and not card.allowed
    assert says(refused, "does not allow you to") and _kinds() == ["change"]


async def test_an_open_draft_shows_why_no_change_is_refused(root, as_actor, acme):
    world, facility_id = acme
    hmbp.answer_facility_information(world.lena, facility_id)
    card = await _card(root, as_actor, world.lena, facility_id)

    refused = await NoChangeState.send.fn(card, CERTIFIED)

    assert "open draft" in card.reason and says(refused, "open draft")
    assert _kinds() == ["change"]


async def test_the_submit_page_passes_the_annual_tick(root, as_actor, acme):
    world, facility_id = acme
    hmbp.prepare(world.lena, facility_id)
    hmbp.set_due(facility_id, dt.date(2027, 1, 10))
    as_actor(world.connie.actor())
    navigate(root, routes.with_query(routes.FACILITY_SUBMIT, id=str(facility_id)))
    page = await root.get_state(SubmitState)
    await SubmitState.load.fn(page)
    form = {f"tick_{row['version_id']}": "on" for row in page.rows}

    await SubmitState.send.fn(page, {**form, **CERTIFIED, "annual": "on"})

    assert page.annual_default and page.due_date == "Jan 10, 2027"
    assert _kinds() == ["change", "annual"]


async def test_home_lists_the_overdue_plan_until_it_is_certified(root, as_actor, acme):
    world, facility_id = acme
    hmbp.set_due(facility_id, OVERDUE)
    as_actor(world.lena.actor())
    home = await root.get_state(BusinessHomeState)
    await BusinessHomeState.load.fn(home)
    [due] = home.actions
    card = await _card(root, as_actor, world.lena, facility_id)
    await NoChangeState.send.fn(card, CERTIFIED)
    as_actor(world.lena.actor())
    await BusinessHomeState.load.fn(home)

    assert due["id"] == f"action-item-due-{facility_id}" and due["overdue"] == "yes"
    assert due["url"] == routes.with_query(routes.FACILITY, id=str(facility_id))
    assert home.actions == []
