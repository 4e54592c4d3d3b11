"""A worker process killed with SIGKILL in the middle of an inventory import: the database
is unchanged but for the job row, no one takes the job while its lease runs, and after the
lease expires the import is retried and finishes with exactly the workbook's rows.

The worker is a real child process (tests/unit/inventory/killed_worker.py) on the test's
database; it stops at a fixed point and tells the test so through a file, then is killed.
Killed while reading the file, the job is claimed again by the next worker; killed inside
the transaction that writes the draft, nothing of it is committed and the job is retried
(back to ready) and confirmed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from cers_app.core import clock, db
from cers_app.core.audit import AuditEvent, AuditEventType
from cers_app.core.errors import Conflict
from cers_app.inventory import importing
from cers_app.inventory.import_models import InventoryImport
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock

ROOT = Path(__file__).resolve().parents[3]
WORKBOOK_ROWS = [stock.NITROGEN, stock.GASOLINE]
SIGNAL_WAIT_SECONDS = 120  # the child imports the app first; the machine may be busy


def _digests() -> dict[str, str]:
    """Every table but the job table: a digest of all its rows in primary-key order."""
    engine = db.get_engine()
    inspector = sa.inspect(engine)
    digests = {}
    with engine.connect() as connection:
        for table in sorted(inspector.get_table_names()):
            if table == InventoryImport.__tablename__:
                continue
            order = inspector.get_pk_constraint(table)["constrained_columns"]
            order_by = ", ".join(f'"{column}"' for column in order) or "1"
            rows = connection.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY {order_by}'))  # noqa: S608
            digests[table] = hashlib.sha256(repr(rows.all()).encode()).hexdigest()
    return digests


def _job(import_id: int) -> InventoryImport:
    with db.new_session() as session:
        job = session.get(InventoryImport, import_id)
        assert job is not None
        return job


def _imported_events(import_id: int) -> int:
    with db.new_session() as session:
        return session.scalar(
            sa.select(sa.func.count()).where(
                AuditEvent.subject_type == "inventory_import",
                AuditEvent.subject_id == str(import_id),
                AuditEvent.event == AuditEventType.INVENTORY_IMPORTED,
            )
        )


def _kill_in_the_middle(phase: str, import_id: int, user_id: int, folder: Path) -> str:
    """Run `phase` of the job in a child process, wait until it stops at its point in the
    middle, and SIGKILL it; returns what it said when it stopped."""
    signal_file = folder / f"{phase}.stopped"
    log = folder / f"{phase}.log"
    with log.open("wb") as output:
        child = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.unit.inventory.killed_worker",
                phase,
                str(import_id),
                str(user_id),
                str(signal_file),
            ],
            cwd=ROOT,
            env=dict(os.environ),  # CERS_DATABASE_URL and CERS_DATA_DIR of this test
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + SIGNAL_WAIT_SECONDS
            while not signal_file.exists():
                if child.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the worker did not stop where expected:\n{log.read_text()}")
                time.sleep(0.05)
            note = signal_file.read_text(encoding="utf-8")
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    return note


def _with_the_inventory_before(world, yard, tmp_path) -> None:
    """The draft holds one row (Diesel Fuel) before the Replace import."""
    first = files.upload(
        world.ed, yard, files.workbook(tmp_path, yard, [stock.BASE], "a.xlsx"), "append"
    )
    files.confirm(world.ed, yard, first.id)
    assert files.names(yard) == ["Diesel Fuel"]


def _queued(world, yard, tmp_path) -> int:
    path = files.workbook(tmp_path, yard, WORKBOOK_ROWS, "b.xlsx")
    created = db.run(
        importing.create_import, world.ed.actor(), yard, files.store(world.ed, path), "replace"
    )
    return created.id


def _holds_exactly_the_workbook(yard) -> None:
    contents = files.contents(yard)
    assert [row["CommonName"] for row in contents] == ["Nitrogen", "Gasoline"]
    for stored, given in zip(contents, WORKBOOK_ROWS, strict=True):
        # Blank yes/no columns are stored as their default; every filled value as given.
        filled = {tag: value for tag, value in given.items() if value}
        assert {tag: stored.get(tag, "") for tag in filled} == filled


def _at(moment: dt.datetime) -> None:
    clock.set_now(moment)


def test_a_worker_killed_while_reading_leaves_the_job_to_the_next(world, yard, tmp_path):
    _with_the_inventory_before(world, yard, tmp_path)
    import_id = _queued(world, yard, tmp_path)
    before = _digests()

    assert _kill_in_the_middle("reading", import_id, world.ed.id, tmp_path) == "staging"

    assert _digests() == before
    job = _job(import_id)
    assert (job.status, job.attempts, job.added) == (importing.READING, 1, 0)
    assert job.lease_owner and job.lease_until is not None
    lease_until = job.lease_until

    _at(lease_until - dt.timedelta(seconds=1))
    assert importing.run_import(import_id, "second") is False  # the lease is still live
    job = _job(import_id)
    assert (job.status, job.attempts, job.lease_until) == (importing.READING, 1, lease_until)
    assert _digests() == before
    with pytest.raises(Conflict):
        db.run(importing.retry_import, world.ed.actor(), yard, import_id)

    _at(lease_until + dt.timedelta(seconds=1))
    assert importing.run_import(import_id, "second") is True
    job = _job(import_id)
    assert (job.status, job.attempts, job.lease_owner, job.lease_until) == (
        importing.READY,
        2,
        "",
        None,
    )
    assert (job.rows, job.added, job.removed, job.problem_count) == (2, 2, 1, 0)
    assert files.names(yard) == ["Diesel Fuel"]  # read, not imported yet

    done = files.confirm(world.ed, yard, import_id)
    assert (done.status, done.added, done.updated, done.removed) == (importing.IMPORTED, 2, 0, 1)
    _holds_exactly_the_workbook(yard)
    assert _job(import_id).attempts == 2
    assert _imported_events(import_id) == 1


def test_a_worker_killed_while_writing_the_draft_commits_nothing(world, yard, tmp_path):
    _with_the_inventory_before(world, yard, tmp_path)
    import_id = _queued(world, yard, tmp_path)
    assert importing.run_import(import_id, "reader") is True
    assert _job(import_id).status == importing.READY
    before = _digests()

    assert (
        _kill_in_the_middle("writing", import_id, world.ed.id, tmp_path)
        == "applied: Nitrogen, Gasoline"
    )

    # The rows were deleted and inserted in the child's transaction, which died with it.
    assert _digests() == before
    assert files.names(yard) == ["Diesel Fuel"]
    assert _imported_events(import_id) == 0
    job = _job(import_id)
    assert (job.status, job.attempts) == (importing.IMPORTING, 1)
    assert job.lease_owner and job.lease_until is not None
    lease_until = job.lease_until

    _at(lease_until - dt.timedelta(seconds=1))
    assert importing.run_import(import_id, "second") is False
    assert _digests() == before
    with pytest.raises(Conflict):
        files.confirm(world.ed, yard, import_id)
    with pytest.raises(Conflict):
        db.run(importing.retry_import, world.ed.actor(), yard, import_id)
    job = _job(import_id)
    assert (job.status, job.lease_until) == (importing.IMPORTING, lease_until)
    assert files.names(yard) == ["Diesel Fuel"]

    _at(lease_until + dt.timedelta(seconds=1))
    retried = db.run(importing.retry_import, world.ed.actor(), yard, import_id)
    assert retried.status == importing.READY
    done = files.confirm(world.ed, yard, import_id)
    assert (done.status, done.added, done.updated, done.removed) == (importing.IMPORTED, 2, 0, 1)
    _holds_exactly_the_workbook(yard)
    job = _job(import_id)
    assert (job.attempts, job.lease_owner, job.lease_until) == (1, "", None)
    assert _imported_events(import_id) == 1
