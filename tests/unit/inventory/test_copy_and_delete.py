"""copy_item and delete_items: draft rows only, thresholds refreshed, every change audited."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.inventory import service
from cers_app.inventory.models import InventoryFinding, InventoryItem
from tests import helpers
from tests.unit import support
from tests.unit.inventory import stock

XYLENE = stock.row(
    CommonName="Xylene",
    CASNumber="1330-20-7",
    MaximumDailyAmount="30",
    AverageDailyAmount="20",
    LargestContainer="5",
)


def test_a_copy_is_a_new_row_of_the_same_material(yard, world):
    original = stock.added(world.ed, yard, {**XYLENE, "SCAboveGroundTank": "N"})

    copy = db.run(service.copy_item, world.ed.actor(), yard, original)

    form = db.run(service.get_item, world.ed.actor(), yard, copy)
    source = db.run(service.get_item, world.ed.actor(), yard, original)
    assert copy != original and form.values == source.values and form.version == 1
    assert [f.code for f in form.findings] == ["HMI-STORAGE-CONTAINER"]
    assert (
        form.threshold
        == source.threshold
        == (
            "Reportable because the facility has 60 gal in 1 location, at or above the 55 gal "
            "threshold for liquids."
        )
    )
    [event] = helpers.audit_events("INVENTORY_ITEM_COPIED")
    assert (event.subject_id, event.after) == (
        str(copy),
        {"from_item_id": original, "CommonName": "Xylene"},
    )


def test_bulk_delete_removes_the_rows_and_their_findings(yard, world):
    keep = stock.added(world.ed, yard, XYLENE)
    gone = [
        stock.added(world.ed, yard, {**XYLENE, "ChemicalLocation": "Booth"}),
        stock.added(world.ed, yard, stock.MOTOR_OIL),
    ]

    deleted = db.run(service.delete_items, world.ed.actor(), yard, [*gone, gone[0]])

    assert deleted == 2
    assert [r.id for r in stock.page(world.ed, yard).rows] == [keep]
    assert support.count(InventoryFinding) == 0
    assert db.run(service.get_item, world.ed.actor(), yard, keep).threshold.startswith(
        "May not need reporting because the facility has 30 gal in 1 location"
    )
    events = helpers.audit_events("INVENTORY_ITEM_DELETED")
    assert sorted(int(e.subject_id) for e in events) == sorted(gone)
    assert {e.before["CommonName"] for e in events} == {"Xylene", "Motor Oil"}


def test_a_missing_id_deletes_nothing(yard, world):
    item_id = stock.added(world.ed, yard, XYLENE)
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        db.run(service.delete_items, world.ed.actor(), yard, [item_id, item_id + 100])

    assert support.table_snapshot() == before


def test_deleting_nothing_and_too_much(yard, world):
    assert db.run(service.delete_items, world.ed.actor(), yard, []) == 0
    with pytest.raises(ValidationFailed):
        db.run(service.delete_items, world.ed.actor(), yard, list(range(1, 1002)))
    with pytest.raises(ValidationFailed):
        db.run(service.delete_items, world.ed.actor(), yard, "1,2")
    assert support.count(InventoryItem) == 0


def test_ids_of_the_wrong_kind_delete_nothing(yard, world):
    item_id = stock.added(world.ed, yard, XYLENE)

    for bad in ([[item_id]], [item_id, "2"], [None]):
        with pytest.raises(NotFound):
            db.run(service.delete_items, world.ed.actor(), yard, bad)
    assert support.count(InventoryItem) == 1
