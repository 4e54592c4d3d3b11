"""Inventory spreadsheet import benchmark, each figure beside yardsticks from the same run.

* Importing a 10,000-row workbook with every column filled (parse + check + store, the
  `inventory import --mode replace` path) on SQLite and on PostgreSQL, against two
  yardsticks: python-calamine reading that file alone (target: the import at most 3x that)
  and openpyxl's read-only iteration of it (target: the whole import faster than that read).
* Peak memory (maxrss) of importing 100,000 such rows, measured in a process of its own.
  Target: at most 1.5 GB.

Run with `make bench` (or `python bench/inventory_import.py`). SQLite in a temporary
directory; PostgreSQL in a schema of its own in CERS_BENCH_POSTGRES_URL (default: the test
database, postgresql://postgres@127.0.0.1:5432/test), dropped afterwards.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("CERS_ENV", "test")
os.environ.setdefault("CERS_SECRET_KEY", "benchmark-secret-key-that-is-long-enough-0123")
os.environ.setdefault("CERS_DATA_DIR", tempfile.mkdtemp(prefix="opencers-bench-"))

from run import report, timed  # bench/run.py: the shared report format

ROWS_TIMED = 10_000
ROWS_MEMORY = 100_000
MEMORY_TARGET_MB = 1536
POSTGRES_URL = os.environ.get(
    "CERS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
_CAS = ("7664-93-9", "64-17-5", "67-64-1", "7647-01-0", "1310-73-2", "7782-50-5", "74-98-6")


def _rows(count: int) -> Iterator[dict[str, str]]:
    """`count` rows with every field filled with a value the upload accepts, made one at a
    time (a list of 100,000 of them would be most of the memory run's baseline)."""
    from cers_app.inventory.fields import CODE, DECIMAL, FIELDS, FLAG, INTEGER, TEXT, YESNO

    chance = random.Random(6)
    for n in range(count):
        row: dict[str, str] = {}
        for field in FIELDS:
            if field.kind == TEXT:
                text = f"{field.label} of material {n}"
                row[field.tag] = text[: field.max_length]
            elif field.kind in (YESNO, FLAG):
                row[field.tag] = "Y" if chance.random() < 0.3 else "N"
            elif field.kind == CODE:
                row[field.tag] = chance.choice(field.codes)[0]
            elif field.kind == INTEGER:
                row[field.tag] = str(chance.randint(1, 365))
            elif field.kind == DECIMAL:
                top = 100 if field.decimals else 50_000
                row[field.tag] = f"{chance.uniform(0.01, top):.2f}"
        cas = _CAS[n % len(_CAS)]
        row.update(
            CASNumber=cas,
            **{f"HC{k}CAS": _CAS[(n + k) % len(_CAS)] for k in range(1, 6)},
            **{f"HC{k}PercentByWeight": f"{chance.uniform(0.01, 20):.2f}" for k in range(1, 6)},
            MapNumber=f"{n % 50:03d}",
            GridNumber=f"{chr(65 + n % 26)}-{n % 9:02d}",
            CommonName=f"Material {n} ({cas})",
            ChemicalLocation=f"Building {n % 40}, bay {n % 7}",
        )
        yield row


def _workbook(path: Path, cers_id: str, count: int) -> None:
    from cers_app.inventory.sheet_write import inventory_workbook

    inventory_workbook(path, cers_id, _rows(count))


def _use_database(url: str) -> None:
    from cers_app.core import db, migrations
    from cers_app.core.settings import reload_settings

    os.environ["CERS_DATABASE_URL"] = url
    reload_settings()
    db.dispose_engines()
    migrations.upgrade(url)


def _demo_cers_id() -> str:
    """The demo fuel yard (seeded when missing), whose inventory draft the import replaces."""
    from cers_app import demo

    seeded = demo.seed().inventory
    assert seeded is not None
    return str(seeded.cers_id)


def _import(path: Path, cers_id: str) -> dict:
    from cers_app.inventory.importing import import_file

    report_ = import_file(None, int(cers_id), path, "replace")
    assert report_.imported, (report_.message, report_.problems[:3])
    return report_.as_json()


def _yardsticks(path: Path) -> tuple[float, float]:
    import openpyxl
    from python_calamine import CalamineWorkbook

    def calamine() -> None:
        CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    def openpyxl_read() -> None:
        wb = openpyxl.load_workbook(path, read_only=True)
        for _row in wb.worksheets[0].iter_rows(values_only=True):
            pass
        wb.close()

    return timed(calamine, 3), timed(openpyxl_read, 1)


def bench_import(backend: str, url: str, work: Path, yardsticks: dict[str, float]) -> None:
    _use_database(url)
    cers_id = _demo_cers_id()
    path = work / f"inventory-{backend}.xlsx"
    start = time.perf_counter()
    _workbook(path, cers_id, ROWS_TIMED)
    print(
        f"(wrote the {ROWS_TIMED:,}-row workbook in {time.perf_counter() - start:.1f} s, "
        f"{path.stat().st_size / 1e6:.1f} MB)"
    )
    if not yardsticks:
        yardsticks["calamine"], yardsticks["openpyxl"] = _yardsticks(path)
        print(
            f"(yardsticks: calamine {yardsticks['calamine']:.2f} s, "
            f"openpyxl read-only {yardsticks['openpyxl']:.2f} s)"
        )
    if backend == "sqlite":
        from cers_app.inventory.sheet_read import read_inventory

        parse = timed(lambda: read_inventory(path, cers_id), 2)
        report(f"parse + check {ROWS_TIMED:,} rows", parse, "calamine read", yardsticks["calamine"])
    done = _import(path, cers_id)
    assert done["rows"] == ROWS_TIMED, done
    figure = timed(lambda: _import(path, cers_id), 2)
    name = f"import {ROWS_TIMED:,} rows ({backend})"
    report(name, figure, "calamine read (≤ 3x)", yardsticks["calamine"])
    report(name, figure, "openpyxl read-only (< 1x)", yardsticks["openpyxl"])


def _postgres_schema() -> tuple[str, object] | None:
    """A new schema in the PostgreSQL bench database: (its URL, the admin engine)."""
    import sqlalchemy as sa

    from cers_app.core.settings import normalise_database_url

    base = normalise_database_url(POSTGRES_URL)
    admin = sa.create_engine(base)
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - no PostgreSQL: say so and go on
        print(f"PostgreSQL not available at {POSTGRES_URL}: {str(exc).splitlines()[0]}")
        admin.dispose()
        return None
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}options=-csearch_path%3D{schema}", (admin, schema)


def _drop_schema(handle) -> None:
    import sqlalchemy as sa

    from cers_app.core import db

    admin, schema = handle
    db.dispose_engines()
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def bench_memory(work: Path) -> None:
    """Import ROWS_MEMORY rows into a fresh SQLite database in a child process; its maxrss."""
    url = f"sqlite:///{work / 'bench-import-memory.db'}"
    result = subprocess.run(
        [sys.executable, __file__, "--memory", url, str(work)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        print(f"memory run failed:\n{result.stderr[-3000:]}")
        return
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    if "refused" in figures:
        print(f"import {ROWS_MEMORY:,} rows: refused: {figures['refused']}")
        return
    print(
        f"import {ROWS_MEMORY:,} rows: {figures['seconds']:.1f} s, peak memory "
        f"{figures['maxrss_mb']:.0f} MB (target ≤ {MEMORY_TARGET_MB} MB; "
        f"the process before importing: {figures['before_mb']:.0f} MB)"
    )


def _memory_child(url: str, work: Path) -> None:
    import resource

    from cers_app.inventory.sheet_read import UnreadableFile

    _use_database(url)
    cers_id = _demo_cers_id()
    path = work / "inventory-memory.xlsx"
    _workbook(path, cers_id, ROWS_MEMORY)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    try:
        done = _import(path, cers_id)
    except (AssertionError, UnreadableFile) as exc:
        print(json.dumps({"refused": str(exc)[:500]}))
        return
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    assert done["rows"] == ROWS_MEMORY, done
    print(json.dumps({"seconds": seconds, "maxrss_mb": peak, "before_mb": before}))


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="opencers-bench-import-"))
    yardsticks: dict[str, float] = {}
    bench_import("sqlite", f"sqlite:///{work / 'bench-import.db'}", work, yardsticks)
    postgres = _postgres_schema()
    if postgres is not None:
        url, handle = postgres
        try:
            bench_import("postgresql", url, work, yardsticks)
        finally:
            _drop_schema(handle)
    bench_memory(work)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory"]:
        _memory_child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
