"""save_item: rows saved whatever the rules find, unstorable input refused, stale edits
refused, double clicks add one row, findings and thresholds recomputed, every change audited."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict
from cers_app.inventory import service
from cers_app.inventory.models import InventoryFinding, InventoryItem
from tests import helpers
from tests.unit import support
from tests.unit.inventory import stock


def test_it_adds_a_row_with_its_findings_and_threshold(yard, world):
    form, errors = stock.add(world.ed, yard, {**stock.MOTOR_OIL, "Units": "gallons"})

    assert errors == {}
    assert (form.version, form.values["Units"], form.values["SCSteelDrum"]) == (1, "a", "N")
    assert [(f.code, f.level) for f in form.findings] == [("HMI-STORAGE-CONTAINER", "required")]
    assert form.threshold == (
        "Reportable because the facility has 110 gal of this lubricating oil in 1 location, "
        "more than 55 gal of one type."
    )
    item = db.run(lambda s: s.get(InventoryItem, form.id))
    assert (item.common_name, item.location, item.max_daily, item.worst_rank) == (
        "Motor Oil",
        "Maintenance shop",
        110.0,
        1,
    )
    assert "SCSteelDrum" not in item.data and item.data["CommonName"] == "Motor Oil"
    [event] = helpers.audit_events("INVENTORY_ITEM_ADDED")
    assert (event.actor_user_id, event.subject_id) == (world.ed.id, str(form.id))
    assert event.after["CommonName"] == "Motor Oil" and event.after["Units"] == "a"


def test_it_refuses_what_cannot_be_stored_and_saves_nothing(yard, world):
    before = support.table_snapshot()

    form, errors = stock.add(
        world.ed, yard, {**stock.MOTOR_OIL, "MaximumDailyAmount": "a lot", "Units": "barrels"}
    )

    assert errors == {
        "MaximumDailyAmount": "Enter the maximum daily amount as a number, such as 1500 or 12.5.",
        "Units": '"barrels" is not one of the choices for units.',
    }
    assert (form.id, form.values["MaximumDailyAmount"], form.values["CommonName"]) == (
        None,
        "a lot",
        "Motor Oil",
    )
    assert support.table_snapshot() == before


def test_fixing_a_row_clears_its_finding_and_leaves_the_others(yard, world):
    """The business guide's example: choosing Steel Drum for Motor Oil clears its icon while
    Nitrogen, a gas entered in gallons, stays flagged."""
    oil = stock.added(world.ed, yard, stock.MOTOR_OIL)
    nitrogen = stock.added(world.ed, yard, stock.NITROGEN)
    assert stock.names(world.ed, yard, only_findings=True) == ["Motor Oil", "Nitrogen"]

    form, errors = stock.edit(world.ed, yard, oil, {"SCSteelDrum": "Y"})

    assert (errors, form.findings, form.version) == ({}, (), 2)
    assert stock.names(world.ed, yard, only_findings=True) == ["Nitrogen"]
    [flagged] = stock.page(world.ed, yard, only_findings=True).rows
    assert (flagged.id, flagged.worst_level, flagged.finding_count) == (nitrogen, "warning", 1)
    header = db.run(service.inventory, world.ed.actor(), yard)
    assert (header.counts, header.rows_with_findings) == (
        {"required": 0, "warning": 1, "advisory": 0},
        1,
    )
    [event] = helpers.audit_events("INVENTORY_ITEM_CHANGED")
    assert (event.before, event.after) == (
        {"SCSteelDrum": "N"},
        {"CommonName": "Motor Oil", "SCSteelDrum": "Y"},
    )


def test_a_stale_version_is_refused_and_nothing_changes(yard, world):
    item_id = stock.added(world.ed, yard, stock.GASOLINE)
    stock.edit(world.lena, yard, item_id, {"ChemicalLocation": "Tank farm"})
    before = support.table_snapshot()

    with pytest.raises(Conflict) as caught:
        db.run(
            service.save_item,
            world.ed.actor(),
            yard,
            item_id,
            {**stock.GASOLINE, "MaximumDailyAmount": "1"},
            1,
        )

    assert caught.value.message == service.STALE
    assert support.table_snapshot() == before


def test_saving_the_same_values_changes_nothing(yard, world):
    item_id = stock.added(world.ed, yard, stock.GASOLINE)
    before = support.table_snapshot()

    form, errors = stock.edit(world.ed, yard, item_id, {})

    assert (errors, form.version) == ({}, 1)
    assert support.table_snapshot() == before


def test_a_double_click_adds_one_row(yard, world):
    key = stock.new_key()

    first, _ = stock.add(world.ed, yard, stock.GASOLINE, idempotency_key=key)
    second, _ = stock.add(world.ed, yard, stock.GASOLINE, idempotency_key=key)

    assert first.id == second.id
    assert support.count(InventoryItem) == 1
    assert len(helpers.audit_events("INVENTORY_ITEM_ADDED")) == 1


def test_a_malformed_idempotency_key_is_refused(yard, world):
    from cers_app.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        stock.add(world.ed, yard, stock.GASOLINE, idempotency_key="short")
    assert support.count(InventoryItem) == 0


def test_without_a_draft_there_is_nothing_to_add_to(plant, world):
    with pytest.raises(Conflict) as caught:
        stock.add(world.lena, plant, stock.GASOLINE)

    assert caught.value.message == service.NO_DRAFT


def test_saving_one_row_refreshes_the_threshold_of_the_same_material_elsewhere(yard, world):
    first = stock.added(
        world.ed,
        yard,
        stock.row(
            CommonName="Xylene",
            CASNumber="",
            MaximumDailyAmount="30",
            LargestContainer="5",
            AverageDailyAmount="20",
        ),
    )
    assert db.run(service.get_item, world.ed.actor(), yard, first).threshold.startswith(
        "May not need reporting because the facility has 30 gal"
    )

    stock.added(
        world.ed,
        yard,
        stock.row(
            CommonName="xylene",
            CASNumber="",
            MaximumDailyAmount="30",
            LargestContainer="5",
            AverageDailyAmount="20",
            ChemicalLocation="Booth",
        ),
    )

    assert db.run(service.get_item, world.ed.actor(), yard, first).threshold == (
        "Reportable because the facility has 60 gal in 2 locations, at or above the 55 gal "
        "threshold for liquids."
    )


def test_renaming_a_row_refreshes_the_material_it_left(yard, world):
    stay = stock.added(
        world.ed,
        yard,
        stock.row(
            CommonName="Xylene",
            CASNumber="",
            MaximumDailyAmount="30",
            LargestContainer="5",
            AverageDailyAmount="20",
        ),
    )
    leave = stock.added(
        world.ed,
        yard,
        stock.row(
            CommonName="Xylene",
            CASNumber="",
            MaximumDailyAmount="30",
            LargestContainer="5",
            AverageDailyAmount="20",
        ),
    )

    stock.edit(world.ed, yard, leave, {"CommonName": "Toluene"})

    assert db.run(service.get_item, world.ed.actor(), yard, stay).threshold.startswith(
        "May not need reporting because the facility has 30 gal in 1 location"
    )


def test_findings_are_stored_per_row_with_their_fields(yard, world):
    item_id = stock.added(world.ed, yard, stock.row(EHS="Y", TradeSecret="Y"))

    def query(session):
        from sqlmodel import select

        return [
            (f.position, f.code, f.level, f.fields)
            for f in session.exec(
                select(InventoryFinding)
                .where(InventoryFinding.item_id == item_id)
                .order_by(InventoryFinding.position)
            )
        ]

    assert db.run(query) == [
        (0, "1069", "warning", "EHS Units"),
        (1, "1078", "advisory", "TradeSecret"),
    ]
    form = db.run(service.get_item, world.ed.actor(), yard, item_id)
    assert [(f.code, f.fields) for f in form.findings] == [
        ("1069", ("EHS", "Units")),
        ("1078", ("TradeSecret",)),
    ]


def test_a_row_needs_a_common_name_to_be_saved(yard, world):
    before = support.table_snapshot()

    form, errors = stock.add(world.ed, yard, {**stock.GASOLINE, "CommonName": "  "})
    empty, nothing = stock.add(world.ed, yard, {})

    assert errors == nothing == {"CommonName": service.NO_NAME}
    assert form.values["CASNumber"] == "86290-81-5" and empty.values["CommonName"] == ""
    assert support.table_snapshot() == before
