"""Housekeeping for operators (`python -m cers_app sweep`, run daily by a systemd timer).

Three parts, each in short transactions of at most BATCH items:

1. Inventory import jobs that ended (imported, cancelled, refused, failed) more than `days`
   ago, or that wait for confirmation (ready) since more than `days` (cancelled first, as
   the service's own cancel does): their staged rows, problems and uploaded workbook go; the
   job row stays as history (status and counts) with a message saying it was cleared.
2. Orphan files: files in the store named like a stored file (32 hex characters) that no
   `stored_file` row names, older than ORPHAN_AGE.
3. Staging leftovers: files in the upload staging folder older than STAGING_AGE.

A job whose lease is still live is never touched, and no file a `stored_file` row names is
ever deleted. With `dry_run` everything is counted and nothing changes.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.core import clock, db, storage
from cers_app.core.db import transaction
from cers_app.core.storage import StoredFile
from cers_app.inventory import importing
from cers_app.inventory.import_models import (
    InventoryImport,
    InventoryImportProblem,
    InventoryImportRow,
)

DEFAULT_DAYS = 7
BATCH = 100  # jobs or files per transaction
# A file is moved into the store just before its row is flushed and committed.
ORPHAN_AGE = dt.timedelta(hours=1)
STAGING_AGE = dt.timedelta(days=1)
ENDED = (importing.IMPORTED, importing.CANCELLED, importing.REFUSED, importing.FAILED)
_STORED_NAME = re.compile(r"[0-9a-f]{32}")


@dataclass
class ImportsSwept:
    """What sweeping the import jobs removed (or would remove, in a dry run)."""

    jobs: int = 0
    cancelled: int = 0  # unconfirmed jobs cancelled before they were swept
    rows: int = 0
    problems: int = 0
    files: int = 0
    bytes: int = 0

    def add(self, other: ImportsSwept) -> None:
        for name in ("jobs", "cancelled", "rows", "problems", "files", "bytes"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def line(self) -> str:
        return (
            f"import jobs: {self.jobs:,} swept ({self.cancelled:,} expired unconfirmed ones "
            f"cancelled first), {self.rows:,} staged rows, {self.problems:,} problems, "
            f"{self.files:,} files ({size_text(self.bytes)})"
        )


@dataclass
class FilesSwept:
    """Files removed from disk (or that would be)."""

    what: str
    files: int = 0
    bytes: int = 0

    def line(self) -> str:
        return f"{self.what}: {self.files:,} removed ({size_text(self.bytes)})"


@dataclass
class SweepReport:
    """The three parts' counts; `lines()` is what the command prints."""

    imports: ImportsSwept
    orphans: FilesSwept
    staging: FilesSwept
    dry_run: bool

    def lines(self) -> list[str]:
        lines = [self.imports.line(), self.orphans.line(), self.staging.line()]
        if self.dry_run:
            lines.append("Dry run: nothing was changed.")
        return lines


def size_text(count: int) -> str:
    """Bytes as people read them: 512 B, 3.1 KB, 31.4 MB."""
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{count} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def sweep(days: int = DEFAULT_DAYS, dry_run: bool = False) -> SweepReport:
    """Run the three parts and report what each removed (or would remove)."""
    if days < 1:
        raise ValueError("days must be at least 1")
    return SweepReport(
        imports=sweep_imports(days, dry_run),
        orphans=sweep_orphans(dry_run),
        staging=sweep_staging(dry_run),
        dry_run=dry_run,
    )


# ---------------------------------------------------------------- import jobs


def _due_jobs(now: dt.datetime, cutoff: dt.datetime, after: int) -> sa.Select:
    """The next jobs to sweep: ended or unconfirmed before `cutoff`, lease not live, and
    still holding a file, staged rows or problems (a swept job is not found again)."""
    has_rows = sa.exists().where(col(InventoryImportRow.import_id) == InventoryImport.id)
    has_problems = sa.exists().where(col(InventoryImportProblem.import_id) == InventoryImport.id)
    ended_at = sa.func.coalesce(InventoryImport.finished_at, InventoryImport.created_at)
    return (
        select(InventoryImport)
        .where(
            col(InventoryImport.id) > after,
            sa.or_(col(InventoryImport.lease_until).is_(None), InventoryImport.lease_until < now),
            sa.or_(
                sa.and_(col(InventoryImport.status).in_(ENDED), ended_at < cutoff),
                sa.and_(
                    col(InventoryImport.status) == importing.READY,
                    InventoryImport.created_at < cutoff,
                ),
            ),
            sa.or_(col(InventoryImport.stored_file_id).is_not(None), has_rows, has_problems),
        )
        .order_by(col(InventoryImport.id))
        .limit(BATCH)
    )


def _sweep_job(session: Session, job: InventoryImport, days: int, dry_run: bool) -> ImportsSwept:
    """Inside the batch's transaction: count, and unless `dry_run` remove, one job's leftovers."""
    assert job.id is not None
    done = ImportsSwept(jobs=1, cancelled=int(job.status == importing.READY))
    rows_of = col(InventoryImportRow.import_id) == job.id
    problems_of = col(InventoryImportProblem.import_id) == job.id
    done.rows = session.scalar(sa.select(sa.func.count()).where(rows_of)) or 0
    done.problems = session.scalar(sa.select(sa.func.count()).where(problems_of)) or 0
    stored = session.get(StoredFile, job.stored_file_id) if job.stored_file_id else None
    if stored is not None:
        done.files, done.bytes = 1, stored.size
    if dry_run:
        return done
    if job.status == importing.READY:
        importing.cancel_unconfirmed(session, job)
    session.execute(sa.delete(InventoryImportRow).where(rows_of))
    session.execute(sa.delete(InventoryImportProblem).where(problems_of))
    job.stored_file_id = None
    job.message = importing.cleared_message(days)
    job.version += 1
    session.add(job)
    session.flush()
    if stored is not None:
        storage.forget(session, stored)  # its bytes go once this transaction commits
    return done


def sweep_imports(days: int = DEFAULT_DAYS, dry_run: bool = False) -> ImportsSwept:
    """Clear the import jobs that ended, or were left unconfirmed, more than `days` ago."""
    now = clock.now()
    cutoff = now - dt.timedelta(days=days)
    total, after = ImportsSwept(), 0
    while True:
        with db.new_session() as session, transaction(session):
            jobs = session.exec(_due_jobs(now, cutoff, after).with_for_update()).all()
            for job in jobs:
                total.add(_sweep_job(session, job, days, dry_run))
        if len(jobs) < BATCH:
            return total
        after = jobs[-1].id or after


# ---------------------------------------------------------------- files on disk


def _old_files(folder: Path, age: dt.timedelta, stored_names_only: bool) -> Iterator[Path]:
    """Files in `folder` (not below it) last written more than `age` ago, by the disk's clock."""
    if not folder.is_dir():
        return
    limit = time.time() - age.total_seconds()
    for path in folder.iterdir():
        if stored_names_only and not _STORED_NAME.fullmatch(path.name):
            continue
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < limit:
                yield path
        except FileNotFoundError:  # removed meanwhile
            continue


def _batches(paths: Iterator[Path]) -> Iterator[list[Path]]:
    batch: list[Path] = []
    for path in paths:
        batch.append(path)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _named(paths: list[Path]) -> set[str]:
    """Which of these file names a stored_file row names (one short read)."""
    names = [path.name for path in paths]
    with db.new_session() as session, transaction(session):
        return set(session.exec(select(StoredFile.name).where(col(StoredFile.name).in_(names))))


def _remove_unnamed(paths: Iterator[Path], what: str, dry_run: bool) -> FilesSwept:
    done = FilesSwept(what)
    for batch in _batches(paths):
        named = _named(batch)
        for path in batch:
            if path.name in named:
                continue
            try:
                size = path.stat().st_size
                if not dry_run:
                    path.unlink()
            except FileNotFoundError:
                continue
            done.files += 1
            done.bytes += size
    return done


def sweep_orphans(dry_run: bool = False) -> FilesSwept:
    """Remove stored-file-named files in the store that no stored_file row names, once older
    than ORPHAN_AGE (a younger one may be a file whose row is about to be committed)."""
    paths = _old_files(storage.files_dir(), ORPHAN_AGE, stored_names_only=True)
    return _remove_unnamed(paths, "orphan files", dry_run)


def staging_dir() -> Path:
    """The upload staging folder (`storage._incoming_dir`, without creating it)."""
    return storage.files_dir() / "incoming"


def sweep_staging(dry_run: bool = False) -> FilesSwept:
    """Remove upload staging leftovers older than STAGING_AGE (an upload in progress writes
    its staging file within minutes)."""
    paths = _old_files(staging_dir(), STAGING_AGE, stored_names_only=False)
    return _remove_unnamed(paths, "staging files", dry_run)
