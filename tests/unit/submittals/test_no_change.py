""" "No change in HMBP": exact copies of the accepted plan submitted as the annual
certification, and each refusal."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.errors import Conflict, PermissionDenied, ValidationFailed
from cers_app.facilities.models import ElementVersion
from cers_app.inventory.models import InventoryItem
from cers_app.submittals import change_view, drafts, no_change
from cers_app.submittals.changes import NO_CHANGE
from cers_app.submittals.models import Submittal
from tests import audit_hook
from tests.unit.facilities import county as yolo
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3


def _request(**changes) -> no_change.NoChangeRequest:
    values = {
        "certifier_name": "Lena Lead",
        "certifier_title": "Owner",
        "certified": True,
        "key": secrets.token_urlsafe(24),
    }
    return no_change.NoChangeRequest(**{**values, **changes})


def _submittals() -> list[Submittal]:
    return db.run(lambda s: list(s.exec(select(Submittal).order_by(Submittal.id))))


def _version(version_id: int) -> ElementVersion:
    return db.run(lambda s: s.get(ElementVersion, version_id))


def test_it_resubmits_exact_copies_of_the_accepted_plan_as_annual(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)
    accepted = {e: s.last_accepted_version_id for e, s in yolo.elements(plant).items()}

    submittal_id = db.run(no_change.certify_no_change, world.lena.actor(), plant, _request())

    assert _submittals()[-1].id == submittal_id and _submittals()[-1].kind == "annual"
    slots = yolo.elements(plant)
    for element in (FI, HMI, ERTP):
        copy = _version(slots[element].last_submitted_version_id)
        assert copy.submittal_id == submittal_id and copy.based_on_version_id == accepted[element]
        assert copy.change_level == NO_CHANGE
        changes = db.run(
            lambda s, c=copy: change_view.compare_versions(
                s, c, s.get(ElementVersion, accepted[c.element])
            )
        )
        assert (changes.level, changes.forms, changes.rows, changes.documents) == (
            NO_CHANGE,
            (),
            (),
            (),
        )
        assert slots[element].draft_version_id is None
        assert slots[element].next_due_date == dt.date(2028, 3, 1)  # moved from Mar 1, 2027
    rows = db.run(
        lambda s: s.exec(
            select(InventoryItem).where(
                InventoryItem.element_version_id == slots[HMI].last_submitted_version_id
            )
        ).all()
    )
    assert [r.common_name for r in rows] == ["Diesel Fuel"]


def test_the_same_key_certifies_once(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)
    request = _request()

    first = db.run(no_change.certify_no_change, world.lena.actor(), plant, request)
    again = db.run(no_change.certify_no_change, world.lena.actor(), plant, request)

    assert first == again and len(_submittals()) == 2


def test_an_open_draft_is_refused(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, HMI, "")

    with pytest.raises(Conflict, match="Hazardous Materials Inventory has an open draft"):
        db.run(no_change.certify_no_change, world.lena.actor(), plant, _request())
    assert len(_submittals()) == 1


def test_a_plan_not_accepted_is_refused(frozen_clock, plant, world):
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)
    hmbp.reviewed(plant, status=5, comments="Site map is missing the north gate.")

    with pytest.raises(Conflict, match="Not Accepted"):
        db.run(no_change.certify_no_change, world.lena.actor(), plant, _request())


def test_nothing_accepted_to_copy_is_refused(frozen_clock, plant, world):
    db.run(drafts.discard_draft, world.lena.actor(), plant, FI, hmbp.draft_id(plant, FI))
    with pytest.raises(Conflict, match="no accepted Facility Information"):
        db.run(no_change.certify_no_change, world.lena.actor(), plant, _request())

    hmbp.accepted_plan(world.lena, world.connie, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, FI, "")
    hmbp.submitted(world.connie, plant, FI)
    with pytest.raises(Conflict, match="Facility Information submittal is still awaiting review"):
        db.run(no_change.certify_no_change, world.lena.actor(), plant, _request())


def test_an_editor_may_not_certify(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)

    with pytest.raises(PermissionDenied):
        db.run(no_change.certify_no_change, world.ed.actor(), plant, _request())


def test_an_incomplete_certification_leaves_nothing_behind(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)
    before = len(yolo.versions(plant))

    with pytest.raises(ValidationFailed, match="No change cannot be certified"):
        db.run(no_change.certify_no_change, world.lena.actor(), plant, _request(certified=False))

    assert len(yolo.versions(plant)) == before and len(_submittals()) == 1
    assert all(s.draft_version_id is None for s in yolo.elements(plant).values())


def test_required_findings_in_the_copy_block_it(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)
    accepted_hmi = yolo.elements(plant)[HMI].last_accepted_version_id

    def break_row(session):
        with db.transaction(session):
            item = session.exec(
                select(InventoryItem).where(InventoryItem.element_version_id == accepted_hmi)
            ).one()
            item.data = {**item.data, "MaximumDailyAmount": ""}
            session.add(item)

    with audit_hook.exempt("breaks the row behind the service's back"):
        db.run(break_row)  # as if today's rules found a problem the accepted version did not have

    with pytest.raises(ValidationFailed, match="Required findings"):
        db.run(no_change.certify_no_change, world.lena.actor(), plant, _request())
    assert all(s.draft_version_id is None for s in yolo.elements(plant).values())
    assert len(_submittals()) == 1


def test_the_refusal_reason_is_empty_when_it_can_be_used(frozen_clock, plant, world):
    hmbp.accepted_plan(world.lena, world.connie, plant)

    assert db.run(no_change.refusal, plant) == ""
    assert dataclasses.is_dataclass(_request())
