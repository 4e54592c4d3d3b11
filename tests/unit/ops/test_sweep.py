"""`python -m cers_app sweep`: old import jobs' leftovers, orphan stored files and staging
leftovers go; live jobs, young files and every file a stored_file row names stay; a dry run
changes nothing and a second run finds nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from cers_app.cli import cli
from cers_app.core import clock, db, storage
from cers_app.core.audit import AuditEvent, AuditEventType
from cers_app.core.errors import NotFound
from cers_app.core.storage import StoredFile
from cers_app.inventory import importing, service
from cers_app.inventory.import_models import (
    InventoryImport,
    InventoryImportProblem,
    InventoryImportRow,
)
from cers_app.ops import sweep
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock
from tests.unit.organizations import world as acme_world

NOTHING = [
    "import jobs: 0 swept (0 expired unconfirmed ones cancelled first), 0 staged rows, "
    "0 problems, 0 files (0 B)",
    "orphan files: 0 removed (0 B)",
    "staging files: 0 removed (0 B)",
]
CLEARED = "This upload was cleared after 7 days; upload the file again."


@pytest.fixture
def world(database) -> acme_world.World:
    return acme_world.build()


@pytest.fixture
def yard(world) -> int:
    """Acme's facility in Davis with its inventory draft started."""
    yolo.build()
    facility_id = yolo.add_facility(world.lena, world.acme)
    db.run(service.start_draft, world.lena.actor(), facility_id)
    return facility_id


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["sweep", *args])


def _refused(world, yard: int, folder: Path) -> importing.ImportView:
    """A job refused with 3 problems: its problems and file are kept."""
    headings = ["CERSID", "CommonName", "EHS", "PhysicalState", "MaximumDailyAmount", "Units"]
    lines = [[files.cers_id(yard), f"Paint {n}", "N", "Liquid", "5", "pints"] for n in range(3)]
    path = files.csv_file(folder, headings, lines, "paint.csv")
    read = files.upload(world.ed, yard, path, importing.REPLACE)
    assert (read.status, read.problem_count, read.has_file) == (importing.REFUSED, 3, True)
    return read


def _ready(world, yard: int, folder: Path, name: str = "ready.xlsx") -> importing.ImportView:
    """A job read and waiting for confirmation, with 2 staged rows."""
    path = files.workbook(folder, yard, [stock.BASE, stock.NITROGEN], name)
    read = files.upload(world.ed, yard, path, importing.APPEND)
    assert (read.status, read.added) == (importing.READY, 2)
    return read


def _job(import_id: int) -> InventoryImport:
    with db.new_session() as session:
        job = session.get(InventoryImport, import_id)
        assert job is not None
        return job


def _staged(import_id: int) -> tuple[int, int]:
    """(staged rows, problems) of a job."""
    with db.new_session() as session:
        rows = session.scalar(
            sa.select(sa.func.count()).where(InventoryImportRow.import_id == import_id)
        )
        problems = session.scalar(
            sa.select(sa.func.count()).where(InventoryImportProblem.import_id == import_id)
        )
        return rows or 0, problems or 0


def _stored(import_id: int) -> StoredFile | None:
    with db.new_session() as session:
        job = session.get(InventoryImport, import_id)
        assert job is not None
        return session.get(StoredFile, job.stored_file_id) if job.stored_file_id else None


def _on_disk() -> set[str]:
    return {str(path.relative_to(storage.files_dir())) for path in _all_files()}


def _all_files() -> list[Path]:
    return [path for path in storage.files_dir().rglob("*") if path.is_file()]


def _aged(path: Path, **age: float) -> Path:
    """Set the file's modification time `age` (timedelta words) into the past."""
    moment = time.time() - dt.timedelta(**age).total_seconds()
    os.utime(path, (moment, moment))
    return path


def _cancel_events(import_id: int) -> list[AuditEvent]:
    with db.new_session() as session:
        return list(
            session.scalars(
                sa.select(AuditEvent).where(
                    AuditEvent.event == AuditEventType.INVENTORY_IMPORT_CANCELLED,
                    AuditEvent.subject_id == str(import_id),
                )
            )
        )


def test_old_jobs_are_cleared_and_kept_as_history(yard, world, tmp_path, frozen_clock, monkeypatch):
    monkeypatch.setattr(sweep, "BATCH", 2)  # three jobs: two batches
    refused = _refused(world, yard, tmp_path)
    imported = _ready(world, yard, tmp_path, "imported.xlsx")
    files.confirm(world.ed, yard, imported.id)
    unconfirmed = _ready(world, yard, tmp_path)
    stored = {job.id: _stored(job.id) for job in (refused, imported, unconfirmed)}
    paths = {job_id: storage.open_path(s) for job_id, s in stored.items() if s is not None}
    assert len(paths) == 3 and all(path.is_file() for path in paths.values())
    assert _staged(unconfirmed.id) == (2, 0)
    clock.advance(days=8)

    result = _run()

    assert result.exit_code == 0, result.output
    sizes = sum(s.size for s in stored.values() if s is not None)
    assert result.output.splitlines()[0] == (
        "import jobs: 3 swept (1 expired unconfirmed ones cancelled first), 2 staged rows, "
        f"3 problems, 3 files ({sweep.size_text(sizes)})"
    )
    for view in (refused, imported, unconfirmed):
        job = _job(view.id)
        assert (job.stored_file_id, job.message) == (None, CLEARED)
        counts = (job.rows, job.added, job.problem_count)
        assert counts == (view.rows, view.added, view.problem_count)
        assert _staged(view.id) == (0, 0)
        assert not paths[view.id].exists()
    statuses = [_job(view.id).status for view in (refused, imported, unconfirmed)]
    assert statuses == [importing.REFUSED, importing.IMPORTED, importing.CANCELLED]
    with db.new_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(StoredFile)) == 0
    # Cancelled as the service's own cancel records it, without a person.
    [event] = _cancel_events(unconfirmed.id)
    assert (event.actor_user_id, event.facility_id) == (None, yard)
    assert files.names(yard) == ["Diesel Fuel", "Nitrogen"]  # the imported rows stay

    again = _run()

    assert (again.exit_code, again.output.splitlines()) == (0, NOTHING)


def test_young_jobs_and_jobs_under_a_live_lease_are_left_alone(yard, world, tmp_path, frozen_clock):
    leased = _refused(world, yard, tmp_path)
    clock.advance(days=8)
    young = _ready(world, yard, tmp_path)
    with db.new_session() as session, db.transaction(session):
        session.execute(
            sa.update(InventoryImport)
            .where(InventoryImport.id == leased.id)
            .values(lease_owner="worker", lease_until=clock.now() + dt.timedelta(minutes=1))
        )
    before = support.table_snapshot()

    result = _run("--days", "7")

    assert (result.exit_code, result.output.splitlines()) == (0, NOTHING)
    assert support.table_snapshot() == before
    assert _stored(leased.id) is not None and _stored(young.id) is not None


def test_unconfirmed_jobs_wait_the_days_given(yard, world, tmp_path, frozen_clock):
    ready = _ready(world, yard, tmp_path)
    clock.advance(days=3)

    assert _run("--days", "7").output.splitlines() == NOTHING
    result = _run("--days", "2")

    assert result.output.startswith("import jobs: 1 swept (1 expired unconfirmed ones")
    job = _job(ready.id)
    assert (job.status, job.message) == (importing.CANCELLED, importing.cleared_message(2))


def test_orphans_and_staging_leftovers_go_but_named_and_young_files_stay(
    world, tmp_path, monkeypatch
):
    monkeypatch.setattr(sweep, "BATCH", 2)
    referenced = storage.open_path(_letter(world, tmp_path))
    _aged(referenced, days=30)
    store = storage.files_dir()
    old_orphan = _aged(_write(store / secrets.token_hex(16), 100), hours=2)
    young_orphan = _write(store / secrets.token_hex(16), 10)
    not_ours = _aged(_write(store / "notes.txt", 5), days=30)
    incoming = sweep.staging_dir()
    old_staged = _aged(_write(incoming / secrets.token_hex(16), 2048), days=2)
    young_staged = _aged(_write(incoming / secrets.token_hex(16), 7), hours=20)
    named_staged = _aged(_write(incoming / referenced.name, 3), days=2)  # a row names it

    result = _run()

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == [
        "orphan files: 1 removed (100 B)",
        "staging files: 1 removed (2.0 KB)",
    ]
    assert not old_orphan.exists() and not old_staged.exists()
    for kept in (referenced, young_orphan, not_ours, young_staged, named_staged):
        assert kept.exists(), kept
    assert _run().output.splitlines() == NOTHING


def _letter(world, folder: Path) -> StoredFile:
    """A stored file of ed's (a row names it)."""
    path = folder / "letter.pdf"
    path.write_bytes(b"%PDF-1.4 letter")
    return db.run(storage.store_path, world.ed.id, path.name, path)


def _write(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


def test_a_dry_run_counts_and_changes_nothing(yard, world, tmp_path, frozen_clock):
    refused = _refused(world, yard, tmp_path)
    _ready(world, yard, tmp_path)
    clock.advance(days=8)
    orphan = _aged(_write(storage.files_dir() / secrets.token_hex(16), 10), days=1)
    before, on_disk = support.table_snapshot(), _on_disk()

    result = _run("--dry-run")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(
        "import jobs: 2 swept (1 expired unconfirmed ones cancelled first), 2 staged rows, "
        "3 problems, 2 files"
    )
    assert lines[1:] == [
        "orphan files: 1 removed (10 B)",
        "staging files: 0 removed (0 B)",
        "Dry run: nothing was changed.",
    ]
    assert support.table_snapshot() == before and _on_disk() == on_disk
    assert orphan.exists() and _staged(refused.id) == (0, 3)


def test_a_swept_job_says_it_was_cleared(yard, world, tmp_path, frozen_clock):
    refused = _refused(world, yard, tmp_path)
    clock.advance(days=8)
    assert _run().exit_code == 0
    actor = world.val.actor()

    view = db.run(importing.import_view, actor, yard, refused.id)

    assert (view.message, view.has_file, view.problem_count) == (CLEARED, False, 3)
    with pytest.raises(NotFound, match="cleared after 7 days; upload the file again"):
        db.run(importing.marked_workbook, actor, yard, refused.id)
    with pytest.raises(NotFound, match="cleared after 7 days"):
        db.run(importing.preview_page, actor, yard, refused.id)
    with pytest.raises(NotFound, match="cleared after 7 days"):
        db.run(importing.retry_import, world.ed.actor(), yard, refused.id)


@pytest.mark.parametrize("args", [["--days", "0"], ["--days", "soon"], ["--bogus"]])
def test_a_usage_error_exits_2(database, args):
    result = _run(*args)

    assert result.exit_code == 2, result.output
