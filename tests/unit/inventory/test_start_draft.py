"""start_draft: one inventory draft per facility, copied from the last submitted version."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.codes import DRAFT, SUBMITTED
from cers_app.core.errors import NotFound, PermissionDenied
from cers_app.inventory import service
from cers_app.inventory.models import InventoryItem
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock

HMI = 2


def _items(version_id: int) -> list[InventoryItem]:
    def query(session):
        from sqlmodel import select

        return list(
            session.exec(
                select(InventoryItem)
                .where(InventoryItem.element_version_id == version_id)
                .order_by(InventoryItem.id)
            )
        )

    return db.run(query)


def test_it_starts_an_empty_draft(plant, world):
    header = db.run(service.start_draft, world.ed.actor(), plant)

    slot = yolo.elements(plant)[HMI]
    assert header.version_id == slot.draft_version_id is not None
    assert (header.status, header.status_label, header.editable, header.can_edit) == (
        DRAFT,
        "Draft",
        True,
        True,
    )
    assert (header.row_count, header.counts, header.rows_with_findings) == (
        0,
        {"required": 0, "warning": 0, "advisory": 0},
        0,
    )
    [event] = helpers.audit_events("INVENTORY_DRAFT_STARTED")
    assert (event.actor_user_id, event.subject_id) == (world.ed.id, str(header.version_id))
    assert event.after == {"facility_id": plant, "from_version_id": None, "rows": 0}


def test_it_is_safe_to_call_twice(plant, world):
    first = db.run(service.start_draft, world.ed.actor(), plant)
    second = db.run(service.start_draft, world.lena.actor(), plant)

    assert first.version_id == second.version_id
    assert len(helpers.audit_events("INVENTORY_DRAFT_STARTED")) == 1
    assert [v.element for v in yolo.versions(plant)].count(HMI) == 1


def test_before_a_draft_the_inventory_is_not_started(plant, world):
    header = db.run(service.inventory, world.val.actor(), plant)

    assert (header.version_id, header.status_label, header.editable) == (None, "Not started", False)
    assert stock.page(world.val, plant).rows == []


def test_it_copies_the_rows_of_the_last_submitted_version(yard, world):
    stock.added(world.ed, yard, stock.GASOLINE)
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    submitted = yolo.elements(yard)[HMI].draft_version_id
    yolo.mark_submitted(submitted)
    kept = [(i.id, i.version, i.data, i.updated_at) for i in _items(submitted)]

    header = db.run(service.start_draft, world.ed.actor(), yard)

    assert header.version_id != submitted
    assert (header.status, header.row_count, header.counts["required"]) == (DRAFT, 2, 1)
    copies = _items(header.version_id)
    assert [c.data for c in copies] == [k[2] for k in kept]
    assert {c.id for c in copies}.isdisjoint({k[0] for k in kept})
    assert [c.reportable for c in copies] == [i.reportable for i in _items(submitted)]
    assert [(i.id, i.version, i.data, i.updated_at) for i in _items(submitted)] == kept
    [event] = helpers.audit_events("INVENTORY_DRAFT_STARTED")[1:]
    assert event.after == {"facility_id": yard, "from_version_id": submitted, "rows": 2}


def test_the_submitted_version_is_shown_until_a_new_draft_starts(yard, world):
    stock.added(world.ed, yard, stock.GASOLINE)
    submitted = yolo.elements(yard)[HMI].draft_version_id
    yolo.mark_submitted(submitted)

    header = db.run(service.inventory, world.ed.actor(), yard)

    assert (header.version_id, header.status, header.editable) == (submitted, SUBMITTED, False)
    assert stock.names(world.ed, yard) == ["Gasoline"]


def test_a_viewer_cannot_start_it_and_an_outsider_does_not_find_it(plant, world):
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied):
        db.run(service.start_draft, world.val.actor(), plant)
    with pytest.raises(NotFound):
        db.run(service.start_draft, world.otto.actor(), plant)

    assert support.table_snapshot() == before
