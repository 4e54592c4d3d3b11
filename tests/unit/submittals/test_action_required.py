"""Action Required: due and overdue plans, Not Accepted elements, 30-day change items and
access requests, only for the actor's business (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from cers_app.core import db
from cers_app.core.errors import NotFound
from cers_app.facilities import requests
from cers_app.submittals import action_required, drafts
from tests.unit.inventory import stock
from tests.unit.organizations.world import Person
from tests.unit.submittals import hmbp

HMI = 2


def _items(person: Person, organization_id: int) -> list[tuple[str, int, str, bool]]:
    found = db.run(action_required.action_required, person.actor(), organization_id)
    return [(i.kind, i.facility_id, i.text, i.overdue) for i in found]


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        (dt.date(2026, 11, 1), [("due", "overdue since Nov 1, 2026", True)]),
        (dt.date(2027, 1, 10), [("due", "due Jan 10, 2027 (51 days left)", False)]),
        (dt.date(2027, 3, 1), []),  # more than 60 days away
    ],
)
def test_the_plan_shows_when_due_within_60_days_or_overdue(
    frozen_clock, plant, world, due, expected
):
    hmbp.accepted_plan(world.lena, world.connie, plant)
    hmbp.set_due(plant, due)

    found = _items(world.val, world.acme)

    assert [(kind, text.split("certification ")[1], late) for kind, _, text, late in found] == (
        expected
    )
    assert all(facility_id == plant for _, facility_id, _, _ in found)


def test_not_accepted_elements_carry_the_regulators_comment(frozen_clock, plant, world):
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)
    hmbp.reviewed(plant, status=5, comments="The site map has no north arrow.")

    found = db.run(action_required.action_required, world.ed.actor(), world.acme)

    not_accepted = [i for i in found if i.kind == action_required.NOT_ACCEPTED_KIND]
    assert [i.element for i in not_accepted] == [1, 2, 3]
    assert {i.detail for i in not_accepted} == {"The site map has no north arrow."}


def test_a_new_material_is_a_change_item(frozen_clock, plant, world):
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, HMI, "")
    stock.added(world.lena, plant, stock.MOTOR_OIL)

    found = _items(world.lena, world.acme)

    assert [(kind, text) for kind, _, text, _ in found if kind == "change"] == [
        ("change", "Submit by Dec 20, 2026: New material: Motor Oil")
    ]


def test_access_requests_show_only_to_lead_users(frozen_clock, plant, world):
    db.run(requests.request_access, world.otto.actor(), plant, "editor", "")

    lead = _items(world.lena, world.acme)
    editor = _items(world.ed, world.acme)

    assert lead == [("requests", 0, "1 access request waiting for your answer", False)]
    assert editor == []


def test_another_business_is_not_found(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)
    hmbp.set_due(plant, dt.date(2026, 11, 1))

    with pytest.raises(NotFound):
        db.run(action_required.action_required, world.otto.actor(), world.acme)
    assert _items(world.otto, world.ottos) == []
