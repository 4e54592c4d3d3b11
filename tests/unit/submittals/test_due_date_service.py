"""The HMBP due date: started by the first submittal, moved only by an annual one, set by
the regulator."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cers_app.agencies.models import Agency
from cers_app.core import db
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.submittals import annual, drafts, submit
from cers_app.submittals.models import Submittal
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3


def _dates(facility_id: int) -> set:
    slots = yolo.elements(facility_id)
    return {slots[e].next_due_date for e in (FI, HMI, ERTP)}


def _resubmit_fi(person, facility_id: int, annual_flag: bool) -> None:
    db.run(drafts.start_element, person.actor(), facility_id, FI, "")
    db.run(
        submit.submit,
        person.actor(),
        facility_id,
        hmbp.request(facility_id, FI, annual=annual_flag),
    )


def test_only_an_annual_submittal_moves_the_due_date(frozen_clock, plant, world):
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)
    assert _dates(plant) == {dt.date(2027, 3, 1)}  # the first submittal starts the cycle

    _resubmit_fi(world.connie, plant, annual_flag=False)
    assert _dates(plant) == {dt.date(2027, 3, 1)}

    _resubmit_fi(world.connie, plant, annual_flag=True)
    assert _dates(plant) == {dt.date(2028, 3, 1)}
    kinds = db.run(lambda s: [x.kind for x in s.exec(select(Submittal).order_by(Submittal.id))])
    assert kinds == ["change", "change", "annual"]


def test_an_anniversary_rule_uses_the_first_hmbp_submittal(frozen_clock, plant, world, county):
    def anniversary(session):
        with db.transaction(session):
            agency = session.get(Agency, county.cupa)
            agency.annual_rule = "anniversary"
            session.add(agency)

    db.run(anniversary)
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)

    assert _dates(plant) == {dt.date(2027, 11, 20)}


def test_the_submit_page_proposes_annual_within_90_days(frozen_clock, plant, world):
    hmbp.set_due(plant, dt.date(2027, 3, 1))
    hmbp.prepare(world.lena, plant)
    page = db.run(submit.submit_page, world.lena.actor(), plant)
    assert (page.annual_default, page.due_date) == (False, "Mar 1, 2027")

    hmbp.set_due(plant, dt.date(2027, 2, 1))
    assert db.run(submit.submit_page, world.lena.actor(), plant).annual_default is True


def test_an_agency_admin_or_reviewer_sets_the_due_date(frozen_clock, plant, county):
    rita = yolo.regulator("ritareyes", "Rita", "Reyes", county.cupa, "admin")
    rob = yolo.regulator("robreview", "Rob", "Reviewer", county.cupa, "reviewer")

    db.run(annual.set_next_due_date, rita.actor(), plant, dt.date(2027, 1, 15))
    assert _dates(plant) == {dt.date(2027, 1, 15)}
    db.run(annual.set_next_due_date, rob.actor(), plant, dt.date(2026, 11, 20))
    assert _dates(plant) == {dt.date(2026, 11, 20)}

    [first, second] = support.audit_events("DUE_DATE_SET")
    assert first.before == {"next_due_date": None}
    assert second.after == {"next_due_date": "2026-11-20"}


def test_the_due_date_cannot_be_in_the_past(frozen_clock, plant, county):
    rita = yolo.regulator("ritareyes", "Rita", "Reyes", county.cupa, "admin")

    with pytest.raises(ValidationFailed, match="past"):
        db.run(annual.set_next_due_date, rita.actor(), plant, dt.date(2026, 11, 19))
    with pytest.raises(ValidationFailed):
        db.run(annual.set_next_due_date, rita.actor(), plant, "2027-01-01")


def test_everyone_else_is_refused(frozen_clock, plant, world, county):
    hank = yolo.regulator("hankhandler", "Hank", "Handler", county.cupa, "request_handler")
    rex = yolo.regulator("rexbaycity", "Rex", "Bay", county.other, "admin")
    due = dt.date(2027, 1, 15)

    with pytest.raises(PermissionDenied):
        db.run(annual.set_next_due_date, hank.actor(), plant, due)
    for outsider in (rex, world.lena):
        with pytest.raises(NotFound):
            db.run(annual.set_next_due_date, outsider.actor(), plant, due)
    assert _dates(plant) == {None}
