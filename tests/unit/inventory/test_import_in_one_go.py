"""A file imported in one go (the command line): its rows are prepared as they are read and
nothing is staged, yet the draft ends as an upload's preview and confirmation leave it; a
draft changed while the file was read has the file read again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cers_app.core import db
from cers_app.inventory import importing
from cers_app.inventory.import_models import InventoryImport
from cers_app.inventory.models import InventoryFinding
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock

ACETONE = stock.row(
    CommonName="Acetone",
    CASNumber="67-64-1",
    MaximumDailyAmount="40",
    AverageDailyAmount="20",
    LargestContainer="",  # a finding: the largest container is required
    ChemicalLocation="Paint room",
)
FILE_ROWS = [
    stock.row(MaximumDailyAmount="1200", AverageDailyAmount="700"),  # Merge updates Diesel
    stock.MOTOR_OIL,  # Merge leaves Motor Oil as it is
    ACETONE,
    stock.NITROGEN,
]


def _stored(facility_id: int) -> list[tuple]:
    """Every stored column and finding of the draft's rows, in id order (ids and times
    aside)."""
    rows = []
    with db.new_session() as session:
        for item in files.draft_items(facility_id):
            found = session.execute(
                sa.select(
                    InventoryFinding.position,
                    InventoryFinding.code,
                    InventoryFinding.level,
                    InventoryFinding.fields,
                    InventoryFinding.message,
                )
                .where(InventoryFinding.item_id == item.id)
                .order_by(InventoryFinding.position)
            ).all()
            columns = item.model_dump(
                exclude={"id", "facility_id", "element_version_id", "created_at", "updated_at"}
            )
            columns.pop("created_by_user_id")
            columns.pop("updated_by_user_id")
            rows.append((columns, [tuple(finding) for finding in found]))
    return rows


def _jobs() -> list[tuple[str, str]]:
    with db.new_session() as session:
        return [
            (job.status, job.message)
            for job in session.scalars(sa.select(InventoryImport).order_by(InventoryImport.id))
        ]


@pytest.mark.parametrize("mode", importing.MODES)
def test_a_file_read_in_one_go_is_stored_as_an_upload_stores_it(
    yard, ottos_yard, world, tmp_path, mode
):
    for person, facility in ((world.ed, yard), (world.otto, ottos_yard)):
        stock.added(person, facility, stock.BASE)
        stock.added(person, facility, stock.MOTOR_OIL)
    one_go = files.workbook(tmp_path, yard, FILE_ROWS, "one-go.xlsx")
    uploaded = files.workbook(tmp_path, ottos_yard, FILE_ROWS, "uploaded.xlsx")

    report = importing.import_file(world.ed.actor(), int(files.cers_id(yard)), one_go, mode)
    read = files.upload(world.otto, ottos_yard, uploaded, mode)
    confirmed = files.confirm(world.otto, ottos_yard, read.id)

    assert report.imported and confirmed.status == importing.IMPORTED
    counts = (report.added, report.updated, report.removed)
    assert counts == (confirmed.added, confirmed.updated, confirmed.removed)
    assert _stored(yard) == _stored(ottos_yard)
    assert any(found for _, found in _stored(yard))  # Acetone's finding came along


def test_a_file_read_in_one_go_stages_no_rows(yard, world, tmp_path, monkeypatch):
    def staged(*_args, **_kwargs):
        raise AssertionError("a file read in one go stages no rows")

    monkeypatch.setattr(importing, "_stage_rows", staged)
    path = files.workbook(tmp_path, yard, FILE_ROWS)

    report = importing.import_file(None, int(files.cers_id(yard)), path, importing.APPEND)

    assert (report.imported, report.added) == (True, 4)
    assert files.names(yard) == ["Diesel Fuel", "Motor Oil", "Acetone", "Nitrogen"]


def _changing_draft(monkeypatch, world, yard, times: int) -> list[str]:
    """Add a row to the draft just after the file was read, the first `times` times it is
    read; the names added."""
    reading = importing._read_rows
    added: list[str] = []

    def read_then_edit(*args, **kwargs):
        done = reading(*args, **kwargs)
        if len(added) < times:
            name = f"Added meanwhile {len(added) + 1}"
            stock.added(world.ed, yard, stock.row(CommonName=name, CASNumber=""))
            added.append(name)
        return done

    monkeypatch.setattr(importing, "_read_rows", read_then_edit)
    return added


def test_a_draft_changed_while_the_file_was_read_has_it_read_again(
    yard, world, tmp_path, monkeypatch
):
    path = files.workbook(tmp_path, yard, [ACETONE])
    added = _changing_draft(monkeypatch, world, yard, times=1)

    report = importing.import_file(
        world.ed.actor(), int(files.cers_id(yard)), path, importing.APPEND
    )

    assert (report.imported, report.added, report.problems) == (True, 1, [])
    assert files.names(yard) == [*added, "Acetone"]
    assert _jobs() == [
        (importing.CANCELLED, importing.READ_AGAIN),
        (importing.IMPORTED, ""),
    ]


def test_a_draft_that_keeps_changing_gets_nothing_imported(yard, world, tmp_path, monkeypatch):
    path = files.workbook(tmp_path, yard, [ACETONE])
    added = _changing_draft(monkeypatch, world, yard, times=importing.ONE_GO_ATTEMPTS)

    report = importing.import_file(
        world.ed.actor(), int(files.cers_id(yard)), path, importing.MERGE
    )

    assert (report.imported, report.status) == (False, importing.CANCELLED)
    [problem] = report.problems
    assert (problem.row, problem.code, problem.message) == (
        0,
        "inventory_busy",
        importing.DRAFT_BUSY,
    )
    assert files.names(yard) == added  # the file's row was not imported
    assert _jobs() == [(importing.CANCELLED, importing.READ_AGAIN)] * (
        importing.ONE_GO_ATTEMPTS - 1
    ) + [(importing.CANCELLED, importing.DRAFT_BUSY)]
