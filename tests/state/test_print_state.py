"""The Print card's handlers without a browser (SQLite and PostgreSQL): a business member asks
for the packet and the inventory report, the worker threads make them and the card
offers the download; bad filters are refused beside their field; a member of another business and a
regulator of another agency get nothing; a regulator prints from their facility page."""

from __future__ import annotations

import time
from typing import Any

import pytest
from reflex.state import State
from sqlmodel import select

from cers_app.core import db, routes
from cers_app.reports import jobs
from cers_app.reports.job_models import ReportJob
from cers_app.reports.print_state import BusinessPrintState, RegulatorPrintState
from tests.state.events import navigate
from tests.unit.organizations.world import Person
from tests.unit.reports.printable import Plan, submitted_plan


@pytest.fixture
def plan(database, tmp_path) -> Plan:
    return submitted_plan(tmp_path)


async def _card(root: State, as_actor, person: Person, state: type, route: str, facility: int):
    as_actor(person.actor())
    navigate(root, routes.with_query(route, id=str(facility)))
    card = await root.get_state(state)
    result = await state.load.fn(card)
    return card, result


def _run_all() -> None:
    """Wait for the worker threads the handlers started to finish every job."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        statuses = db.run(lambda s: list(s.exec(select(ReportJob.status))))
        if all(status not in jobs.WORKING for status in statuses):
            return
        time.sleep(0.1)
    raise AssertionError(f"jobs still working: {statuses}")


async def test_a_member_asks_and_downloads(plan, root, as_actor) -> None:
    card, result = await _card(
        root, as_actor, plan.world.val, BusinessPrintState, routes.FACILITY, plan.plant
    )
    assert result is None and card.jobs == []

    asked: Any = await BusinessPrintState.ask.fn(card, "packet")
    assert asked[1] == BusinessPrintState.follow
    await BusinessPrintState.ask_inventory.fn(
        card, {"location": "", "waste": "waste", "trade_secrets": "exclude"}
    )
    assert len(card.jobs) == 2
    stored = db.run(lambda s: [j.params for j in s.exec(select(ReportJob).order_by(ReportJob.id))])
    assert stored[1] == {"filter": {"location": "", "waste": "waste", "trade_secrets": False}}

    _run_all()
    card, _ = await _card(
        root, as_actor, plan.world.val, BusinessPrintState, routes.FACILITY, plan.plant
    )
    assert [row["status_text"] for row in card.jobs] == ["Ready", "Ready"]
    assert all(row["href"].startswith(routes.REPORT_FILE + "?id=") for row in card.jobs)


async def test_bad_filters_are_refused_beside_their_field(plan, root, as_actor) -> None:
    card, _ = await _card(
        root, as_actor, plan.world.val, BusinessPrintState, routes.FACILITY, plan.plant
    )

    await BusinessPrintState.ask_inventory.fn(card, {"location": "x" * 141, "waste": "some"})

    assert set(card.errors) == {"location", "waste"}
    assert db.run(lambda s: list(s.exec(select(ReportJob)))) == []


async def test_outsiders_get_nothing(plan, root, as_actor) -> None:
    card, _ = await _card(
        root, as_actor, plan.world.otto, BusinessPrintState, routes.FACILITY, plan.plant
    )
    await BusinessPrintState.ask.fn(card, "packet")
    card, _ = await _card(
        root, as_actor, plan.rex, RegulatorPrintState, routes.REGULATOR_FACILITY, plan.plant
    )
    await RegulatorPrintState.ask.fn(card, "public")

    assert db.run(lambda s: list(s.exec(select(ReportJob)))) == []
    assert card.jobs == []


async def test_a_regulator_prints_from_their_facility_page(plan, root, as_actor) -> None:
    card, _ = await _card(
        root, as_actor, plan.rob, RegulatorPrintState, routes.REGULATOR_FACILITY, plan.plant
    )

    await RegulatorPrintState.ask.fn(card, "public")
    _run_all()
    card, result = await _card(
        root, as_actor, plan.rob, RegulatorPrintState, routes.REGULATOR_FACILITY, plan.plant
    )

    assert result is None
    [row] = card.jobs
    assert (row["label"], row["status"]) == ("Public copy of the submittal", jobs.DONE)
