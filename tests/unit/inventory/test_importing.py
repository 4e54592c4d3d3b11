"""Spreadsheet imports through the service: Append, Replace and Merge, problems, previews,
all-or-nothing confirmation and who may do what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cers_app.core import db
from cers_app.core.audit import AuditEvent
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.inventory import findings, importing, service
from cers_app.inventory.import_models import InventoryImportRow
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock

DIESEL = stock.BASE
REQUIRED = ["CERSID", "CommonName", "EHS", "PhysicalState", "MaximumDailyAmount", "Units"]


def _derived(facility_id: int) -> list[tuple]:
    return [
        (item.id, item.worst_rank, item.finding_count, item.reportable, item.material_key)
        for item in files.draft_items(facility_id)
    ]


def _derived_is_current(person, facility_id: int) -> None:
    """What the import stored (findings, ranks, threshold sentences) is what validating the
    whole draft again computes."""
    stored = _derived(facility_id)
    db.run(service.validate_inventory, person.actor(), facility_id)
    assert _derived(facility_id) == stored


def test_append_adds_the_files_rows_after_the_drafts(yard, world, tmp_path):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    path = files.workbook(tmp_path, yard, [DIESEL, stock.NITROGEN, stock.GASOLINE])

    read = files.upload(world.ed, yard, path, importing.APPEND)

    assert (read.status, read.rows, read.added, read.updated, read.removed) == ("ready", 3, 3, 0, 0)
    assert (read.problem_count, read.can_confirm, read.running) == (0, True, False)
    assert read.percent == 100
    preview = db.run(importing.preview_page, world.val.actor(), yard, read.id, "add", 1, 2)
    assert (preview.total, preview.pages) == (3, 2)
    assert [(r.common_name, r.location, r.action) for r in preview.rows] == [
        ("Diesel Fuel", "Fuel island", "add"),
        ("Nitrogen", "Welding bay", "add"),
    ]
    assert preview.rows[0].amount == "1000 gal"
    assert files.names(yard) == ["Motor Oil"]  # nothing changes before confirming

    done = files.confirm(world.ed, yard, read.id)

    assert (done.status, done.added, done.running) == (importing.IMPORTED, 3, False)
    assert files.names(yard) == ["Motor Oil", "Diesel Fuel", "Nitrogen", "Gasoline"]
    assert files.contents(yard)[1:] == [
        findings.full(DIESEL),
        findings.full(stock.NITROGEN),
        findings.full(stock.GASOLINE),
    ]
    header = db.run(service.inventory, world.ed.actor(), yard)
    assert header.row_count == 4 and header.counts["required"] == 1  # the motor oil's
    _derived_is_current(world.ed, yard)
    with db.new_session() as session:
        events = session.scalars(sa.select(AuditEvent.event).order_by(AuditEvent.id)).all()
        staged = session.scalar(sa.select(sa.func.count()).select_from(InventoryImportRow))
    assert events[-2:] == ["INVENTORY_IMPORT_CREATED", "INVENTORY_IMPORTED"]
    assert staged == 0  # the staged rows are dropped once imported


def test_replace_takes_the_files_rows_instead_of_the_drafts(yard, world, tmp_path):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    stock.added(world.ed, yard, stock.GASOLINE)
    path = files.workbook(tmp_path, yard, [DIESEL, stock.NITROGEN])

    read = files.upload(world.ed, yard, path, importing.REPLACE)
    assert (read.added, read.removed, read.updated) == (2, 2, 0)
    done = files.confirm(world.lena, yard, read.id)

    assert (done.status, done.added, done.removed) == (importing.IMPORTED, 2, 2)
    assert files.names(yard) == ["Diesel Fuel", "Nitrogen"]
    assert files.contents(yard) == [findings.full(DIESEL), findings.full(stock.NITROGEN)]
    _derived_is_current(world.ed, yard)


def test_merge_updates_matched_rows_and_adds_the_others(yard, world, tmp_path):
    diesel = stock.added(world.ed, yard, DIESEL)
    oil = stock.added(world.ed, yard, stock.MOTOR_OIL)
    rows = [
        stock.row(MaximumDailyAmount="2000"),  # same location and CAS: updated
        stock.row(ChemicalLocation="Back lot"),  # another location: added
        {**stock.MOTOR_OIL, "ChemicalLocation": "MAINTENANCE  shop"},  # by name: unchanged...
        stock.NITROGEN,  # added
    ]
    rows[2] = {**rows[2], "CommonName": "motor oil"}  # ... but the name's case is changed
    path = files.workbook(tmp_path, yard, rows)

    read = files.upload(world.ed, yard, path, importing.MERGE)
    assert (read.added, read.updated, read.unchanged, read.removed) == (2, 2, 0, 0)
    updates = db.run(importing.preview_page, world.ed.actor(), yard, read.id, "update")
    assert [(r.common_name, r.target_item_id) for r in updates.rows] == [
        ("Diesel Fuel", diesel),
        ("motor oil", oil),
    ]
    files.confirm(world.ed, yard, read.id)

    items = files.draft_items(yard)
    assert [(i.id, i.common_name, i.location, i.max_daily) for i in items] == [
        (diesel, "Diesel Fuel", "Fuel island", 2000.0),
        (oil, "motor oil", "MAINTENANCE  shop", 110.0),
        (items[2].id, "Diesel Fuel", "Back lot", 1000.0),
        (items[3].id, "Nitrogen", "Welding bay", 60.0),
    ]
    assert items[0].version == 2 and items[0].updated_by_user_id == world.ed.id
    _derived_is_current(world.ed, yard)


def test_merge_leaves_the_columns_the_file_lacks_alone(yard, world, tmp_path):
    stock.added(world.ed, yard, DIESEL)
    headings = [*REQUIRED, "ChemicalLocation", "CASNumber"]
    line = [files.cers_id(yard), "Diesel", "N", "Liquid", "2,500", "gallons", "fuel island"]
    path = files.csv_file(tmp_path, headings, [[*line, "68476346"]], "few.csv")

    read = files.upload(world.ed, yard, path, importing.MERGE)
    assert (read.updated, read.added) == (1, 0)
    files.confirm(world.ed, yard, read.id)

    assert files.contents(yard) == [
        findings.full(
            {
                **DIESEL,
                "CommonName": "Diesel",
                "MaximumDailyAmount": "2500",
                "ChemicalLocation": "fuel island",
            }
        )
    ]


def test_merge_of_the_same_rows_changes_nothing(yard, world, tmp_path):
    stock.added(world.ed, yard, DIESEL)
    path = files.workbook(tmp_path, yard, [DIESEL])

    read = files.upload(world.ed, yard, path, importing.MERGE)
    assert (read.added, read.updated, read.unchanged) == (0, 0, 1)
    files.confirm(world.ed, yard, read.id)

    assert files.draft_items(yard)[0].version == 1


def test_merge_plans_again_when_the_draft_changed_after_reading(yard, world, tmp_path):
    diesel = stock.added(world.ed, yard, DIESEL)
    path = files.workbook(tmp_path, yard, [stock.row(MaximumDailyAmount="2000")])
    read = files.upload(world.ed, yard, path, importing.MERGE)
    assert read.updated == 1
    db.run(service.delete_items, world.ed.actor(), yard, [diesel])

    done = files.confirm(world.ed, yard, read.id)

    assert (done.added, done.updated) == (1, 0)
    assert [(i.common_name, i.max_daily) for i in files.draft_items(yard)] == [
        ("Diesel Fuel", 2000.0)
    ]


def test_a_failure_in_the_final_step_leaves_the_draft_untouched(yard, world, tmp_path, monkeypatch):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    before = [(i.id, i.data, i.reportable) for i in files.draft_items(yard)]
    path = files.workbook(tmp_path, yard, [DIESEL, stock.NITROGEN])
    read = files.upload(world.ed, yard, path, importing.REPLACE)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        # The audit row is the last write of the final transaction: the rows are in by then.
        patch.setattr(importing.audit, "record", broken)
        with pytest.raises(RuntimeError, match="disk full"):
            files.confirm(world.ed, yard, read.id)

    assert [(i.id, i.data, i.reportable) for i in files.draft_items(yard)] == before
    header = db.run(service.inventory, world.ed.actor(), yard)
    assert (header.row_count, header.counts["required"]) == (1, 1)
    again = files.view(world.ed, yard, read.id)
    assert (again.status, again.message) == (importing.READY, importing.CONFIRM_FAILED)

    files.confirm(world.ed, yard, read.id)
    assert files.names(yard) == ["Diesel Fuel", "Nitrogen"]


def test_problems_are_stored_in_order_and_paged(yard, world, tmp_path):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    headings = [*REQUIRED, "ChemicalLocation"]
    the_id = files.cers_id(yard)
    lines = [[the_id, f"Paint {n}", "N", "Liquid", "5", "pints", "Shed"] for n in range(30)]
    path = files.csv_file(tmp_path, headings, lines, "paint.csv")

    read = files.upload(world.ed, yard, path, importing.REPLACE)

    assert (read.status, read.rows, read.problem_count) == (importing.REFUSED, 30, 30)
    assert read.can_confirm is False and "30 problem(s)" in read.message
    second = db.run(importing.problems_page, world.val.actor(), yard, read.id, 2, 25)
    assert (second.total, second.page, second.pages, len(second.rows)) == (30, 2, 2, 5)
    first = db.run(importing.problems_page, world.val.actor(), yard, read.id, 1, 25).rows[0]
    assert (first.row, first.column, first.heading, first.code) == (2, "F", "Units", "unknown_code")
    assert "pints" in first.message
    assert [p.row for p in second.rows] == [27, 28, 29, 30, 31]
    with pytest.raises(Conflict, match="fix the problems"):
        files.confirm(world.ed, yard, read.id)
    assert files.names(yard) == ["Motor Oil"]
    name, content = db.run(importing.marked_workbook, world.val.actor(), yard, read.id)
    assert name == "paint_problems.xlsx" and content[:2] == b"PK"


def test_valid_rows_only_imports_the_good_rows(yard, world, tmp_path):
    headings = [*REQUIRED, "ChemicalLocation"]
    the_id = files.cers_id(yard)
    lines = [
        [the_id, "Paint", "N", "Liquid", "5", "gallons", "Shed"],
        [the_id, "Thinner", "N", "Liquid", "five", "gallons", "Shed"],
        [the_id, "Primer", "N", "Liquid", "7", "gallons", "Shed"],
    ]
    path = files.csv_file(tmp_path, headings, lines, "paint.csv")

    read = files.upload(world.ed, yard, path, importing.APPEND, valid_rows_only=True)
    assert (read.status, read.rows, read.added, read.problem_count) == (importing.READY, 3, 2, 1)
    files.confirm(world.ed, yard, read.id)

    assert files.names(yard) == ["Paint", "Primer"]


def test_valid_rows_only_with_no_valid_row_is_refused(yard, world, tmp_path):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    lines = [[files.cers_id(yard), "Paint", "N", "Liquid", "lots", "gallons"]]
    path = files.csv_file(tmp_path, REQUIRED, lines, "paint.csv")

    read = files.upload(world.ed, yard, path, importing.REPLACE, valid_rows_only=True)

    assert (read.status, read.message) == (importing.REFUSED, importing.NO_ROWS)
    assert files.names(yard) == ["Motor Oil"]


def test_an_unreadable_file_is_refused_with_its_reason(yard, world, tmp_path):
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook" * 10)

    read = files.upload(world.ed, yard, path, importing.APPEND)

    assert read.status == importing.REFUSED and read.message
    assert read.problem_count == 0


def test_cancelling_drops_the_staged_rows(yard, world, tmp_path):
    path = files.workbook(tmp_path, yard, [DIESEL])
    read = files.upload(world.ed, yard, path, importing.APPEND)

    cancelled = db.run(importing.cancel_import, world.ed.actor(), yard, read.id)

    assert cancelled.status == importing.CANCELLED
    with pytest.raises(Conflict, match="cancelled"):
        files.confirm(world.ed, yard, read.id)
    assert db.run(importing.preview_page, world.ed.actor(), yard, read.id).total == 0
    assert files.names(yard) == []


def test_latest_import_is_the_newest(yard, world, tmp_path):
    assert db.run(importing.latest_import, world.val.actor(), yard) is None
    path = files.workbook(tmp_path, yard, [DIESEL])
    files.upload(world.ed, yard, path, importing.APPEND)
    second = files.upload(world.ed, yard, path, importing.MERGE)

    assert db.run(importing.latest_import, world.val.actor(), yard).id == second.id


def test_a_viewer_cannot_create_or_confirm_an_import(yard, world, tmp_path):
    path = files.workbook(tmp_path, yard, [DIESEL])
    with pytest.raises(PermissionDenied):
        db.run(
            importing.create_import,
            world.val.actor(),
            yard,
            files.store(world.val, path),
            importing.APPEND,
        )
    read = files.upload(world.ed, yard, path, importing.APPEND)
    with pytest.raises(PermissionDenied):
        files.confirm(world.val, yard, read.id)
    with pytest.raises(PermissionDenied):
        db.run(importing.cancel_import, world.val.actor(), yard, read.id)
    assert files.view(world.val, yard, read.id).status == importing.READY  # viewing is fine


def test_another_business_facility_or_file_is_not_found(yard, ottos_yard, world, tmp_path):
    path = files.workbook(tmp_path, yard, [DIESEL])
    ottos_file = files.store(world.otto, path)
    with pytest.raises(NotFound):
        db.run(importing.create_import, world.otto.actor(), yard, ottos_file, "append")
    with pytest.raises(NotFound):
        db.run(
            importing.create_import,
            world.ed.actor(),
            ottos_yard,
            files.store(world.ed, path),
            "append",
        )
    with pytest.raises(NotFound, match="file"):  # someone else's upload
        db.run(importing.create_import, world.ed.actor(), yard, ottos_file, "append")
    read = files.upload(world.ed, yard, path, importing.APPEND)
    for call in (importing.import_view, importing.confirm_import, importing.problems_page):
        for facility_id in (yard, ottos_yard):  # not his facility; not that facility's job
            with pytest.raises(NotFound):
                db.run(call, world.otto.actor(), facility_id, read.id)


def test_a_bad_mode_or_no_draft_is_refused(plant, world, tmp_path):
    path = files.workbook(tmp_path, plant, [DIESEL])
    stored = files.store(world.ed, path)
    with pytest.raises(ValidationFailed):
        db.run(importing.create_import, world.ed.actor(), plant, stored, "overwrite")
    with pytest.raises(Conflict, match="no Hazardous Materials Inventory draft"):
        db.run(importing.create_import, world.ed.actor(), plant, stored, "append")


def test_export_names_the_file_by_cers_id(yard, world):
    stock.added(world.ed, yard, DIESEL)

    name, content = db.run(importing.export_workbook, world.val.actor(), yard)

    assert name == f"CERSID_{files.cers_id(yard)}_HazMatInventory.xlsx"
    assert content[:2] == b"PK"


def test_excels_unicode_text_export_is_imported(yard, world, tmp_path):
    """Excel's "Unicode Text" (.txt): UTF-16 with a byte order mark, tab-separated."""
    the_id = files.cers_id(yard)
    lines = [
        "\t".join([*REQUIRED, "ChemicalLocation"]),
        "\t".join([the_id, "Acétone", "N", "Liquid", "40", "Gallons", "Paint room"]),
    ]
    path = tmp_path / "inventory.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))

    read = files.upload(world.ed, yard, path, importing.APPEND)
    assert (read.status, read.added, read.problem_count) == (importing.READY, 1, 0)
    files.confirm(world.ed, yard, read.id)

    [item] = files.draft_items(yard)
    assert (item.common_name, item.location, item.units) == ("Acétone", "Paint room", "a")
