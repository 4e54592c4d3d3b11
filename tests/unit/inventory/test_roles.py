"""Who may do what to an inventory: the Viewer reads, the Editor edits, an outsider finds
nothing, and ids of another facility's rows are refused whoever sends them."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import NotFound, PermissionDenied
from cers_app.inventory import service
from tests.unit import support
from tests.unit.inventory import stock


def test_the_viewer_reads_but_changes_nothing(yard, world):
    item_id = stock.added(world.ed, yard, stock.GASOLINE)
    val = world.val.actor()
    header = db.run(service.inventory, val, yard)
    before = support.table_snapshot()

    assert (header.row_count, header.editable, header.can_edit) == (1, False, False)
    assert [r.id for r in stock.page(world.val, yard).rows] == [item_id]
    form = db.run(service.get_item, val, yard, item_id)
    assert (form.values["CommonName"], form.editable) == ("Gasoline", False)
    refused = [
        (service.save_item, (yard, None, stock.GASOLINE, None)),
        (service.save_item, (yard, item_id, stock.GASOLINE, 1)),
        (service.copy_item, (yard, item_id)),
        (service.delete_items, (yard, [item_id])),
        (service.blank_item, (yard,)),
        (service.start_draft, (yard,)),
    ]
    for call, args in refused:
        with pytest.raises(PermissionDenied):
            db.run(call, val, *args)
    assert support.table_snapshot() == before


def test_the_editor_and_the_approver_edit(yard, world):
    item_id = stock.added(world.ed, yard, stock.GASOLINE)

    form, _ = stock.edit(world.connie, yard, item_id, {"DaysOnSite": "200"})

    assert form.values["DaysOnSite"] == "200"
    assert db.run(service.get_item, world.ed.actor(), yard, item_id).editable
    assert db.run(service.inventory, world.ed.actor(), yard).editable


def test_an_outsider_finds_nothing(yard, world):
    item_id = stock.added(world.ed, yard, stock.GASOLINE)
    otto = world.otto.actor()
    before = support.table_snapshot()

    calls = [
        (service.inventory, (yard,)),
        (service.list_items, (yard, service.ItemQuery())),
        (service.locations, (yard,)),
        (service.get_item, (yard, item_id)),
        (service.blank_item, (yard,)),
        (service.save_item, (yard, item_id, stock.GASOLINE, 1)),
        (service.copy_item, (yard, item_id)),
        (service.delete_items, (yard, [item_id])),
        (service.validate_inventory, (yard,)),
        (service.start_draft, (yard,)),
    ]
    for call, args in calls:
        with pytest.raises(NotFound):
            db.run(call, otto, *args)
    assert support.table_snapshot() == before


def test_rows_of_another_facility_are_refused_through_ones_own(yard, ottos_yard, world):
    mine = stock.added(world.ed, yard, stock.GASOLINE)
    ottos = stock.added(world.otto, ottos_yard, stock.MOTOR_OIL)
    lena = world.lena.actor()
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        db.run(service.get_item, lena, yard, ottos)
    with pytest.raises(NotFound):
        db.run(service.save_item, lena, yard, ottos, stock.MOTOR_OIL, 1)
    with pytest.raises(NotFound):
        db.run(service.copy_item, lena, yard, ottos)
    with pytest.raises(NotFound):
        db.run(service.delete_items, lena, yard, [mine, ottos])
    with pytest.raises(NotFound):
        db.run(service.get_item, world.otto.actor(), ottos_yard, mine)

    assert support.table_snapshot() == before


@pytest.mark.parametrize("bad", [0, -1, 2**31, True, "1", 1.0, None])
def test_ids_that_are_not_ids_find_nothing(yard, world, bad):
    with pytest.raises(NotFound):
        db.run(service.get_item, world.lena.actor(), yard, bad)
    with pytest.raises(NotFound):
        db.run(service.inventory, world.lena.actor(), bad)
