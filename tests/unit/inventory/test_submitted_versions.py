"""A submitted inventory version refuses every change, with a clear message."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.codes import SUBMITTED
from cers_app.core.errors import Conflict
from cers_app.facilities.models import ElementVersion
from cers_app.facilities.service import SUBMITTED_UNCHANGEABLE
from cers_app.inventory import service
from tests import audit_hook
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock

HMI = 2


def _submit_in_place(facility_id: int) -> None:
    """The draft becomes submitted while the element still points at it as its draft (what a
    half-done submit would leave)."""
    version_id = yolo.elements(facility_id)[HMI].draft_version_id

    def change(session):
        with db.transaction(session):
            version = session.get(ElementVersion, version_id)
            version.status = SUBMITTED
            session.add(version)

    with audit_hook.exempt("leaves a half-done submit behind by hand"):
        db.run(change)


def test_every_change_to_a_submitted_version_is_refused(yard, world):
    item_id = stock.added(world.ed, yard, stock.MOTOR_OIL)
    _submit_in_place(yard)
    before = support.table_snapshot()
    ed = world.ed.actor()

    changes = [
        (service.save_item, (yard, item_id, {**stock.MOTOR_OIL, "SCSteelDrum": "Y"}, 1)),
        (service.save_item, (yard, None, stock.GASOLINE, None)),
        (service.copy_item, (yard, item_id)),
        (service.delete_items, (yard, [item_id])),
        (service.start_draft, (yard,)),
    ]
    for call, args in changes:
        with pytest.raises(Conflict) as caught:
            db.run(call, ed, *args)
        assert caught.value.message == SUBMITTED_UNCHANGEABLE, call.__name__
    assert support.table_snapshot() == before


def test_validating_leaves_a_submitted_version_alone(yard, world):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    _submit_in_place(yard)
    before = support.table_snapshot()

    header = db.run(service.validate_inventory, world.ed.actor(), yard)

    assert (header.status, header.editable, header.counts["required"]) == (SUBMITTED, False, 1)
    assert support.table_snapshot() == before


def test_rows_of_an_earlier_submitted_version_stay_read_only(yard, world):
    item_id = stock.added(world.ed, yard, stock.MOTOR_OIL)
    yolo.mark_submitted(yolo.elements(yard)[HMI].draft_version_id)
    db.run(service.start_draft, world.ed.actor(), yard)

    form = db.run(service.get_item, world.ed.actor(), yard, item_id)
    with pytest.raises(Conflict):
        db.run(service.save_item, world.ed.actor(), yard, item_id, stock.MOTOR_OIL, 1)

    assert not form.editable
    [copy] = db.run(
        lambda s: list(
            s.exec(
                select(service.InventoryItem.id).where(
                    service.InventoryItem.element_version_id
                    == yolo.elements(yard)[HMI].draft_version_id
                )
            )
        )
    )
    edited, errors = stock.edit(world.ed, yard, copy, {"SCSteelDrum": "Y"})
    assert (errors, edited.findings) == ({}, ())
    assert db.run(service.get_item, world.ed.actor(), yard, item_id).findings  # unchanged
