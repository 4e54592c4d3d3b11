"""A 50,000-row import on SQLite while someone else keeps editing the inventory."""

from __future__ import annotations

import threading
import time

import pytest

from cers_app.inventory import importing
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock

ROWS = 50_000
HEADINGS = [
    "CERSID",
    "CommonName",
    "ChemicalLocation",
    "CASNumber",
    "EHS",
    "PhysicalState",
    "MaximumDailyAmount",
    "Units",
    "SCSteelDrum",
]


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_fifty_thousand_rows_import_while_another_user_saves(
    yard, world, tmp_path, monkeypatch, capsys
):
    the_id = files.cers_id(yard)
    lines = (
        [the_id, f"Material {n}", f"Shed {n % 40}", "", "N", "Liquid", str(n % 90 + 1), "a", "Y"]
        for n in range(ROWS)
    )
    path = files.csv_file(tmp_path, HEADINGS, lines, "big.csv")
    real = importing.sheet_read.read_inventory
    saved: list[object] = []

    def reader(source, cers_id, on_progress=None, **options):
        def progress(done, total):
            if not saved and done:
                # Another person saves a row while the file is being read, from another
                # thread and connection; it must not meet "database is locked".
                worker = threading.Thread(
                    target=lambda: saved.append(stock.added(world.lena, yard, stock.NITROGEN))
                )
                worker.start()
                worker.join()
            on_progress(done, total)

        return real(source, cers_id, on_progress=progress, **options)

    monkeypatch.setattr(importing.sheet_read, "read_inventory", reader)

    started = time.perf_counter()
    read = files.upload(world.ed, yard, path, importing.APPEND)
    reading = time.perf_counter() - started
    assert isinstance(saved[0], int)
    assert (read.status, read.rows, read.added, read.problem_count) == ("ready", ROWS, ROWS, 0)

    started = time.perf_counter()
    done = files.confirm(world.ed, yard, read.id)
    confirming = time.perf_counter() - started

    assert (done.status, done.added) == ("imported", ROWS)
    items = files.draft_items(yard)
    assert len(items) == ROWS + 1
    assert (items[0].common_name, items[-1].common_name) == ("Nitrogen", f"Material {ROWS - 1}")
    assert items[-1].reportable  # threshold sentences computed for the new rows
    with capsys.disabled():
        print(f"\n50,000 rows on SQLite: read+stage {reading:.1f} s, confirm {confirming:.1f} s")
