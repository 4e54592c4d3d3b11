"""Inventory spreadsheet imports: read in the background, previewed, confirmed in one step.

`create_import` records a job for an uploaded file. `run_import` (a background thread) or
`import_file` (the command line) claims the job through a lease, reads the file with
`sheet_read` and stages its problems and the rows it would import in batches of short
transactions, so other people keep saving while a big file is read (SQLite has one writer).
`confirm_import` then changes the draft in ONE short transaction holding the draft's row
lock: the columns, findings and threshold sentences it stores were computed beforehand (by
`import_plan`), the rows go in with bulk inserts (`insert_batches`), and nothing is left
half done if anything fails. `import_file` has no preview to show: it stages no rows but
prepares them as they are read, and reads the file again if the draft changed meanwhile.

Modes: Append adds the file's rows; Replace removes the draft's rows and adds the file's;
Merge matches a file row to a draft row by location and CAS number (else location and
common name, ignoring case), updates the matched row with the columns the file has and adds
the others. Matches are planned when the file is read (the preview) and planned again when
confirming if the draft changed meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import logging
import os
import secrets
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.core import audit, clock, db
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.paging import Page, clamp, fetch_page
from cers_app.core.permissions import Actor
from cers_app.core.storage import StoredFile, open_path
from cers_app.facilities.models import ElementVersion, Facility, FacilityStatus
from cers_app.facilities.service import access_facility, element_slot, is_id
from cers_app.inventory import findings, sheet_read, sheet_write
from cers_app.inventory.import_models import (
    InventoryImport,
    InventoryImportProblem,
    InventoryImportRow,
)
from cers_app.inventory.import_plan import (
    ADD,
    APPEND,
    BATCH_ROWS,
    MERGE,
    REPLACE,
    UPDATE,
    Existing,
    Planned,
    Planner,
    Prepared,
    Preparer,
    changes_of,
    existing_rows,
    prepare,
    staged_given,
    staged_json,
)
from cers_app.inventory.models import InventoryFinding, InventoryItem
from cers_app.inventory.rules import RuleSettings
from cers_app.inventory.service import HMI, NO_DRAFT
from cers_app.inventory.sheet_read import SheetProblem, SheetReading, UnreadableFile
from cers_app.inventory.thresholds import LocalThresholds
from cers_app.inventory.units import abbreviation
from cers_app.organizations.models import OrgMember
from cers_app.organizations.roles import OrgAction, allows

logger = logging.getLogger(__name__)

MODES = (APPEND, REPLACE, MERGE)
QUEUED, READING, READY, REFUSED = "queued", "reading", "ready", "refused"
IMPORTING, IMPORTED, FAILED, CANCELLED = "importing", "imported", "failed", "cancelled"
RUNNING = (QUEUED, READING, IMPORTING)
STATUS_LABELS = {
    QUEUED: "Waiting to be read",
    READING: "Reading the file",
    READY: "Ready to import",
    REFUSED: "Cannot be imported",
    IMPORTING: "Importing",
    IMPORTED: "Imported",
    FAILED: "Failed",
    CANCELLED: "Cancelled",
}
LEASE_SECONDS = 60
PROGRESS_SECONDS = 0.5  # at most this often a reading worker writes its progress
WRITES_AHEAD = 2  # batches of a file's rows handed to the staging writer, not yet written
_ID_CHUNK = 5000  # ids per IN (...) list: under SQLite's limit on bound parameters
TEMPLATE_NAME = "OpenCERS_HMI_Template.xlsx"
ONE_GO_ATTEMPTS = 3  # reads of a file imported in one go while its draft keeps changing

NOT_FOUND = "That upload was not found."
FILE_NOT_FOUND = "That file was not found. Upload it again."
BAD_MODE = "Choose how to import the file: Append, Replace or Merge."
NO_ROWS = "No row of the file can be imported: fix the problems listed and upload it again."
PROBLEMS = (
    "The file has {count} problem(s) and nothing was imported. Fix them (the marked workbook "
    "shows where) and upload it again, or choose to import the valid rows only."
)
STALE_DRAFT = (
    "The inventory draft this file was read for is no longer the draft. Upload the file again."
)
FAILED_MESSAGE = "Reading the file failed unexpectedly. Try again; nothing was changed."
CONFIRM_FAILED = "Importing failed and nothing was changed. Try again."
FILE_GONE = "The uploaded file is no longer available. Upload it again."
READ_AGAIN = "The inventory changed while the file was being read; it was read again."
DRAFT_BUSY = (
    "The inventory kept changing while the file was being read, and nothing was imported. "
    "Try again when no one else is editing it."
)
# The message of a job whose staged rows, problems and file the operators' sweep removed.
CLEARED = "This upload was cleared after {days} days; upload the file again."
PERMISSION_REMOVED = (
    "Permission removed: your right to upload inventories for this business was removed "
    "while the file was being imported, and nothing was imported."
)
NOT_READY = {
    QUEUED: "The file is still being read. Wait for the preview before importing.",
    READING: "The file is still being read. Wait for the preview before importing.",
    REFUSED: "This file cannot be imported: fix the problems listed and upload it again.",
    IMPORTING: "This file is being imported already.",
    IMPORTED: "This file was imported already.",
    FAILED: "Reading this file failed. Try again or upload it again.",
    CANCELLED: "This upload was cancelled. Upload the file again to import it.",
}


class _WhileAny:
    """A process-wide setting changed while any import holds it (counted: the first to
    enter calls `start`, whose result the last to leave hands to `end`)."""

    def __init__(self, start: Callable[[], Any], end: Callable[[Any], None]) -> None:
        self._start, self._end = start, end
        self._lock = threading.Lock()
        self._holders = 0
        self._before: Any = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._before = self._start()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0:
                    self._end(self._before)


def _pause_collector() -> bool:
    running = gc.isenabled()
    gc.disable()
    return running


def _resume_collector(was_running: bool) -> None:
    if was_running:
        gc.enable()


# Python's cyclic garbage collector is paused while imports run. An import makes hundreds
# of thousands of dicts and strings that hold no cycles and are freed by reference
# counting; with the collector running, every so often it walks all of them again, which
# costs about a tenth of a big import's time.
_collector_paused = _WhileAny(_pause_collector, _resume_collector)

QUICK_SWITCH_SECONDS = 0.0005


def _quicken_switching() -> float:
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, QUICK_SWITCH_SECONDS))
    return before


# A shorter switch interval of Python's lock while files' rows are staged. The staging
# writer lets go of the lock on every wait for the database, and each time it wants it back
# from the busy reader it waits for the interval (5 ms by default) to pass: with hundreds of
# such waits a batch, writing took several times as long as writing alone, and the reading
# ended waiting for it.
_quick_handover = _WhileAny(_quicken_switching, sys.setswitchinterval)

# SQLite's page cache while an import's transaction runs, in KiB (the default is 2 MB): a
# big import's statements touch far more pages than that, and a small cache spills pages
# to the WAL and reads them back again and again.
SQLITE_CACHE_KIB = 64 * 1024


@contextlib.contextmanager
def _roomy(session: Session) -> Iterator[None]:
    """A bigger SQLite page cache for the session's connection while the block runs (in a
    transaction), the connection's own size again afterwards; nothing on PostgreSQL."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("PRAGMA cache_size").scalar() or -2000)
    connection.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with contextlib.suppress(sa.exc.SQLAlchemyError):  # the failure matters, not this
            connection.exec_driver_sql(f"PRAGMA cache_size = {before}")


class _LeaseLost(Exception):
    """This worker no longer holds the job (its lease expired and another worker took it,
    or the job was cancelled)."""


# ---------------------------------------------------------------- views


@dataclass(frozen=True)
class ImportView:
    id: int
    facility_id: int
    file_name: str
    mode: str
    valid_rows_only: bool
    status: str
    status_label: str
    done: int
    total: int
    rows: int
    added: int
    updated: int
    removed: int
    unchanged: int
    problem_count: int
    message: str
    created_at: datetime
    finished_at: datetime | None
    running: bool  # still being read or imported: poll again
    can_confirm: bool
    can_cancel: bool
    has_file: bool  # the uploaded file is kept: a marked workbook can be made
    percent: int  # progress, 0-100


@dataclass(frozen=True)
class ProblemView:
    row: int
    column: str
    heading: str
    code: str
    message: str


@dataclass(frozen=True)
class PreviewRow:
    sheet_row: int
    action: str
    common_name: str
    location: str
    cas: str
    amount: str  # maximum daily amount with its unit, as given
    target_item_id: int | None


@dataclass(frozen=True)
class ImportReport:
    """What `import_file` did: the command line prints `as_json()`."""

    import_id: int
    status: str
    rows: int
    added: int
    updated: int
    removed: int
    imported: bool
    problems: list[ProblemView]
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "imported": self.imported,
            "problems": [
                {
                    "row": p.row,
                    "column": p.column,
                    "heading": p.heading,
                    "code": p.code,
                    "message": p.message,
                }
                for p in self.problems
            ],
        }


def _percent(job: InventoryImport) -> int:
    if job.status not in (QUEUED, READING):
        return 100
    return min(99, job.done * 100 // job.total) if job.total else 0


def _view(job: InventoryImport) -> ImportView:
    assert job.id is not None
    return ImportView(
        id=job.id,
        facility_id=job.facility_id,
        file_name=job.file_name,
        mode=job.mode,
        valid_rows_only=job.valid_rows_only,
        status=job.status,
        status_label=STATUS_LABELS.get(job.status, job.status),
        done=job.done,
        total=job.total,
        rows=job.rows,
        added=job.added,
        updated=job.updated,
        removed=job.removed,
        unchanged=job.unchanged,
        problem_count=job.problem_count,
        message=job.message,
        created_at=job.created_at,
        finished_at=job.finished_at,
        running=job.status in RUNNING,
        can_confirm=job.status == READY,
        can_cancel=job.status in (QUEUED, READING, READY, REFUSED, FAILED),
        has_file=job.stored_file_id is not None,
        percent=_percent(job),
    )


# ---------------------------------------------------------------- loading


def _job_of(session: Session, facility: Facility, import_id: object) -> InventoryImport:
    job = session.get(InventoryImport, import_id) if is_id(import_id) else None
    if job is None or job.facility_id != facility.id:
        raise NotFound(NOT_FOUND)
    return job


def _draft_of(session: Session, facility: Facility) -> ElementVersion | None:
    assert facility.id is not None
    slot = element_slot(session, facility.id, HMI)
    draft = session.get(ElementVersion, slot.draft_version_id) if slot.draft_version_id else None
    return draft if draft is not None and draft.status == DRAFT else None


def _shown_version_id(session: Session, facility: Facility) -> int | None:
    """The draft, else the last submitted (else accepted) version: what the list shows."""
    assert facility.id is not None
    slot = element_slot(session, facility.id, HMI)
    return slot.draft_version_id or slot.last_submitted_version_id or slot.last_accepted_version_id


def _facility_by_cers_id(session: Session, cers_id: object) -> Facility:
    facility = None
    if is_id(cers_id):
        facility = session.exec(select(Facility).where(Facility.cers_id == cers_id)).first()
    if facility is None or facility.status != FacilityStatus.ACTIVE:
        raise NotFound(f"No facility has CERS ID {cers_id}.")
    return facility


def _settings(session: Session, draft: ElementVersion) -> tuple[RuleSettings, LocalThresholds]:
    agency_id = element_slot(session, draft.facility_id, HMI).agency_id or draft.agency_id
    return findings.settings_for(session, agency_id)


def _worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


# ---------------------------------------------------------------- creating


def _new_job(
    session: Session,
    facility: Facility,
    draft: ElementVersion,
    user_id: int | None,
    file_name: str,
    mode: str,
    valid_rows_only: bool,
    stored_file_id: int | None,
    client_ip: str | None,
) -> InventoryImport:
    job = InventoryImport(
        facility_id=facility.id or 0,
        element_version_id=draft.id or 0,
        user_id=user_id,
        stored_file_id=stored_file_id,
        file_name=file_name[:255],
        mode=mode,
        valid_rows_only=valid_rows_only,
        created_at=clock.now(),
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor_user_id=user_id,
        event=AuditEventType.INVENTORY_IMPORT_CREATED,
        subject_type="inventory_import",
        subject_id=job.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        after={
            "facility_id": facility.id,
            "file_name": job.file_name,
            "mode": mode,
            "valid_rows_only": valid_rows_only,
        },
        client_ip=client_ip,
    )
    return job


def _check_mode(mode: object) -> str:
    if mode not in MODES:
        raise ValidationFailed({"mode": BAD_MODE})
    return cast(str, mode)


def create_import(
    session: Session,
    actor: Actor,
    facility_id: object,
    stored_file_id: object,
    mode: object,
    valid_rows_only: bool = False,
) -> ImportView:
    """Record an import of an uploaded file into the facility's inventory draft (queued:
    the caller starts `run_import`). Needs the upload right and a draft; the file must be
    one the actor uploaded."""
    mode = _check_mode(mode)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.UPLOAD)
        stored = session.get(StoredFile, stored_file_id) if is_id(stored_file_id) else None
        if stored is None or stored.owner_user_id != actor.user_id:
            raise NotFound(FILE_NOT_FOUND)
        draft = _draft_of(session, facility)
        if draft is None:
            raise Conflict(NO_DRAFT)
        job = _new_job(
            session,
            facility,
            draft,
            actor.user_id,
            stored.original_name,
            mode,
            bool(valid_rows_only),
            stored.id,
            actor.client_ip,
        )
        return _view(job)


# ---------------------------------------------------------------- the lease


@dataclass(frozen=True)
class _Claim:
    import_id: int
    facility_id: int
    cers_id: int
    version_id: int
    mode: str
    valid_rows_only: bool
    path: Path | None


def _lease_end() -> datetime:
    return clock.now() + timedelta(seconds=LEASE_SECONDS)


def _claim(session: Session, import_id: int, worker: str) -> _Claim | None:
    """Take the job for `worker` if it is queued, or being read under an expired lease (its
    worker died). One conditional UPDATE: two workers never both get it."""
    with transaction(session):
        now = clock.now()
        taken = session.execute(
            sa.update(InventoryImport)
            .where(
                col(InventoryImport.id) == import_id,
                sa.or_(
                    col(InventoryImport.status) == QUEUED,
                    sa.and_(
                        col(InventoryImport.status) == READING,
                        col(InventoryImport.lease_until) < now,
                    ),
                ),
            )
            .values(
                status=READING,
                lease_owner=worker,
                lease_until=_lease_end(),
                attempts=InventoryImport.attempts + 1,
                done=0,
                total=0,
                message="",
                version=InventoryImport.version + 1,
            )
            .execution_options(synchronize_session=False)
        )
        if cast(sa.CursorResult, taken).rowcount != 1:
            return None
        # Whatever an earlier attempt staged is stale now.
        _clear_staged(session, import_id)
        job = session.get(InventoryImport, import_id, populate_existing=True)
        assert job is not None
        facility = session.get(Facility, job.facility_id)
        assert facility is not None
        stored = session.get(StoredFile, job.stored_file_id) if job.stored_file_id else None
        return _Claim(
            import_id=import_id,
            facility_id=job.facility_id,
            cers_id=facility.cers_id,
            version_id=job.element_version_id,
            mode=job.mode,
            valid_rows_only=job.valid_rows_only,
            path=open_path(stored) if stored is not None else None,
        )


def _clear_staged(session: Session, import_id: int) -> None:
    session.execute(
        sa.delete(InventoryImportProblem).where(col(InventoryImportProblem.import_id) == import_id)
    )
    session.execute(
        sa.delete(InventoryImportRow).where(col(InventoryImportRow.import_id) == import_id)
    )


def _renew(
    session: Session, import_id: int, worker: str, status: str = READING, **values: Any
) -> None:
    """Extend the worker's lease (and write `values`) in the caller's transaction; raises
    _LeaseLost when the job is no longer this worker's."""
    held = session.execute(
        sa.update(InventoryImport)
        .where(
            col(InventoryImport.id) == import_id,
            col(InventoryImport.lease_owner) == worker,
            col(InventoryImport.status) == status,
        )
        .values(lease_until=_lease_end(), **values)
        .execution_options(synchronize_session=False)
    )
    if cast(sa.CursorResult, held).rowcount != 1:
        raise _LeaseLost


def _progress(import_id: int, worker: str) -> Callable[[int, int], None]:
    """The reader's progress callback: writes progress and renews the lease, at most every
    PROGRESS_SECONDS, each time in a short transaction of its own."""
    last = [0.0]

    def report(done: int, total: int) -> None:
        if time.monotonic() - last[0] < PROGRESS_SECONDS:
            return
        with db.new_session() as session, transaction(session):
            _renew(session, import_id, worker, done=done, total=total)
        last[0] = time.monotonic()

    return report


def _close(session: Session, import_id: int, worker: str, status: str, **values: Any) -> None:
    """Finish the reading phase (ready, refused or failed) if the worker still holds it."""
    with transaction(session):
        finished = clock.now() if status != READY else None
        if not _release(
            session, import_id, worker, READING, status=status, finished_at=finished, **values
        ):
            raise _LeaseLost


def _release(session: Session, import_id: int, worker: str, held_in: str, **values: Any) -> bool:
    """Inside the caller's transaction: give up `worker`'s lease on a job still in `held_in`,
    setting `values`; False when the worker no longer holds it (nothing changed)."""
    released = session.execute(
        sa.update(InventoryImport)
        .where(
            col(InventoryImport.id) == import_id,
            col(InventoryImport.lease_owner) == worker,
            col(InventoryImport.status) == held_in,
        )
        .values(lease_owner="", lease_until=None, version=InventoryImport.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    return cast(sa.CursorResult, released).rowcount == 1


# ---------------------------------------------------------------- reading


def run_import(import_id: int, worker: str | None = None) -> bool:
    """Read a queued job's file and stage its preview: a background thread's work, run as
    the job (the person who created it was checked then). Returns False when the job was
    not this worker's to run: not queued, or another worker holds a live lease. Failures
    are recorded on the job, never raised."""
    try:
        return _run(import_id, worker or _worker_name())[0]
    except UnreadableFile:
        return True


def _run(
    import_id: int,
    worker: str,
    path: Path | None = None,
    reraise: bool = False,
    in_memory: bool = False,
) -> tuple[bool, Prepared | None]:
    """Read the job's file (`_read`); whether this worker ran it, and with `in_memory`
    what importing it would write (None unless it is ready)."""
    with _collector_paused():
        return _read(import_id, worker, path, reraise, in_memory)


def _read(
    import_id: int, worker: str, path: Path | None, reraise: bool, in_memory: bool
) -> tuple[bool, Prepared | None]:
    claim = db.run(_claim, import_id, worker)
    if claim is None:
        return False, None
    try:
        source = path or claim.path
        if source is None or not source.is_file():
            db.run(_close, import_id, worker, FAILED, message=FILE_GONE)
            return True, None
        return True, _stage(claim, worker, source, in_memory)
    except _LeaseLost:
        logger.info("import %s: worker %s lost its lease", import_id, worker)
        return False, None
    except UnreadableFile as exc:
        _close_quietly(import_id, worker, REFUSED, message=str(exc)[:1000])
        raise
    except Exception:
        logger.exception("import %s failed while reading", import_id)
        _close_quietly(import_id, worker, FAILED, message=FAILED_MESSAGE)
        if reraise:
            raise
    return True, None


def _close_quietly(import_id: int, worker: str, status: str, **values: Any) -> None:
    with contextlib.suppress(_LeaseLost):
        db.run(_close, import_id, worker, status, **values)


def _given(row: sheet_read.SheetRow) -> dict[str, str]:
    """The values of the columns the file has (blanks included: they clear on Merge)."""
    values = row.values
    if row.present.issuperset(values):  # every column (the template's file): all of it
        return values  # the reader made it for this row alone: no copy needed
    return {tag: value for tag, value in values.items() if tag in row.present}


class _Stager:
    """Plans and stages the file's rows batch by batch as the reader hands them over, so
    only a batch of them is in memory at a time. Rows stop being staged once a problem
    means the file will be refused (unless only the valid rows are wanted). With
    `preparing` (a file read and imported in one go: no preview to show) the rows are not
    staged but handed to its Preparer, which keeps only what importing them will write
    (and reads the library through its session).

    A batch is written by a thread of its own while the next ones are read (the database
    works while the sheet is read: SQLite and PostgreSQL both let go of Python's lock
    meanwhile); one batch is written at a time, at most WRITES_AHEAD are handed over and
    not yet written, and `finish` waits for them."""

    def __init__(self, claim: _Claim, worker: str, existing: Sequence[Existing]) -> None:
        self.claim = claim
        self.worker = worker
        self.planner = Planner(claim.mode, existing)
        self.given = 0
        self.staged = 0
        self._writer: ThreadPoolExecutor | None = None
        self._writing: deque[Future[None]] = deque()
        self.preparing: tuple[Session, Preparer] | None = None

    def add(self, batch: list[sheet_read.SheetRow], reading: SheetReading) -> None:
        """Plan a batch of good rows and stage (or prepare) it while the file may still be
        imported."""
        planned = self.planner.add([(row.row, _given(row)) for row in batch])
        self.given += len(planned)
        if reading.problems and not self.claim.valid_rows_only:
            return
        if self.preparing is not None:
            session, preparer = self.preparing
            with transaction(session):
                preparer.add(changes_of(planned))
            return
        # A batch written a little slower than the next is read need not hold the reading
        # up; a failure writing one stops the reading here.
        self._wait(WRITES_AHEAD - 1)
        if self._writer is None:
            self._writer = ThreadPoolExecutor(1, thread_name_prefix="inventory-import")
        # Made here, so the writer mostly waits for the database: each time it wants
        # Python's lock back from the busy reader it waits (up to a switch interval).
        records = _staged_records(self.claim.import_id, planned)
        self._writing.append(self._writer.submit(self._write, records))
        self.staged += len(planned)

    def _write(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), BATCH_ROWS):
            db.run(_stage_rows, self.claim.import_id, self.worker, records, start)

    def _wait(self, ahead: int = 0) -> None:
        """Wait until at most `ahead` batches are still to be written; raises a failure
        writing one."""
        while len(self._writing) > ahead:
            self._writing.popleft().result()

    def finish(self, quietly: bool = False) -> None:
        """Wait until every batch is written; raises a failure writing one (unless
        `quietly`: the caller is failing already)."""
        try:
            self._wait()
        except Exception:
            if not quietly:
                raise
        finally:
            if self._writer is not None:
                self._writer.shutdown(wait=True)
                self._writer = None


def _stage(claim: _Claim, worker: str, source: Path, in_memory: bool) -> Prepared | None:
    """Read the file, stage its problems and close the reading (ready or refused). Stages
    the rows too, or with `in_memory` prepares them instead and returns what importing
    them writes (when the file is ready)."""
    with db.new_session() as session:
        existing = _draft_rows(session, claim.version_id, claim.mode)
        stager = _Stager(claim, worker, existing)
        if in_memory:
            preparer = _preparer(session, claim.import_id, existing, stager.planner)
            stager.preparing = (session, preparer)
        return _read_rows(claim, worker, source, stager)


def _preparer(
    session: Session, import_id: int, existing: Sequence[Existing], planner: Planner
) -> Preparer:
    """A Preparer for the job's rows under its draft's settings as they are now (the
    import checks them again before it writes)."""
    with transaction(session):
        job = session.get(InventoryImport, import_id)
        assert job is not None
        draft = session.get(ElementVersion, job.element_version_id)
        assert draft is not None
        settings, local = _settings(session, draft)
    return Preparer(session, job, job.user_id, existing, planner.plan, settings, local)


def _read_rows(claim: _Claim, worker: str, source: Path, stager: _Stager) -> Prepared | None:
    with _quick_handover():
        try:
            reading = sheet_read.read_inventory(
                source,
                str(claim.cers_id),
                on_progress=_progress(claim.import_id, worker),
                on_batch=stager.add,
                batch_rows=BATCH_ROWS,
            )
        except BaseException:
            stager.finish(quietly=True)
            raise
        stager.finish()
    plan = stager.planner.plan
    problems = reading.problems
    if problems and not claim.valid_rows_only:
        status, message = REFUSED, PROBLEMS.format(count=len(problems))
    elif not stager.given:
        status, message = REFUSED, NO_ROWS
    else:
        status, message = READY, ""
    for start in range(0, len(problems), BATCH_ROWS):
        db.run(_stage_problems, claim.import_id, worker, problems, start)
    if status != READY and stager.staged:
        # Rows staged before a later row's problem showed the file will be refused.
        db.run(_unstage_rows, claim.import_id, worker)
    db.run(
        _close,
        claim.import_id,
        worker,
        status,
        message=message,
        done=reading.data_rows,
        total=reading.data_rows,
        rows=reading.data_rows,
        added=plan.added,
        updated=plan.updated,
        unchanged=plan.unchanged,
        removed=plan.removed,
        problem_count=len(problems),
    )
    if status != READY or stager.preparing is None:
        return None
    session, preparer = stager.preparing
    with transaction(session):
        return preparer.finish()


def _unstage_rows(session: Session, import_id: int, worker: str) -> None:
    with transaction(session):
        _renew(session, import_id, worker)
        session.execute(
            sa.delete(InventoryImportRow).where(col(InventoryImportRow.import_id) == import_id)
        )


def _stage_batch(
    session: Session,
    import_id: int,
    worker: str,
    model,
    records: list[dict],
    json_text: Collection[str] = (),
) -> None:
    """Insert one batch of staged records in its own short transaction, renewing the lease."""
    with transaction(session), _roomy(session):
        _renew(session, import_id, worker)
        connection = session.connection()
        _quick_toast(connection)
        insert_many(connection, cast(sa.Table, model.__table__), records, json_text)


def _quick_toast(connection: sa.Connection) -> None:
    """PostgreSQL (14 and later, built with lz4): compress this transaction's long values
    with lz4 rather than the default pglz. A row's data is a few KB of JSON, and pglz
    compressing it was most of the server's work inserting a big file's rows; lz4 does it
    several times faster. Values read back the same either way; nothing on SQLite."""
    if connection.dialect.name != "postgresql":
        return
    connection.exec_driver_sql(
        "SELECT set_config('default_toast_compression', 'lz4', true) FROM pg_settings "
        "WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
    )


_UNSET = object()


def insert_many(
    connection: sa.Connection,
    table: sa.Table,
    rows: list[dict[str, Any]],
    json_text: Collection[str] = (),
) -> None:
    """Insert `rows` (dicts with the same keys, naming every column that has a default)
    with one executemany of the driver (SQLite) or one COPY (PostgreSQL): what
    `connection.execute(table.insert(), rows)` does, without its work per row and value.
    Each value is made ready by its column's type as SQLAlchemy would, a value repeated
    from the row before (a timestamp) once.
    The JSON columns named in `json_text` hold JSON text already
    (`import_plan.stored_json`)."""
    insert_batches(connection, table, [rows], json_text)


def insert_batches(
    connection: sa.Connection,
    table: sa.Table,
    batches: Iterable[list[dict[str, Any]]],
    json_text: Collection[str] = (),
) -> None:
    """`insert_many` of each batch of rows in turn (all with the same keys), made ready a
    batch at a time. On PostgreSQL they go in as one COPY, which the server stores while
    the next batch is made ready."""
    batches = iter(batches)
    first = next((batch for batch in batches if batch), None)
    if first is None:
        return
    keys = list(first[0])
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=keys, for_executemany=True)
    if sorted(compiled.binds) != sorted(keys) or compiled.returning:
        # A column left to its default, or a bind SQLAlchemy names itself: its own way.
        for batch in itertools.chain([first], batches):
            if batch:
                connection.execute(table.insert(), batch)
        return
    names = compiled.positiontup or keys
    processors = [
        None
        if name in json_text  # text goes in as it is (PostgreSQL casts it to JSON)
        else table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        for name in names
    ]
    made = (_driver_values(batch, names, processors) for batch in itertools.chain([first], batches))
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        # COPY: PostgreSQL parses and plans an INSERT for every row of an executemany,
        # which costs more than everything else done for the row here.
        _copy(connection, table, names, itertools.chain.from_iterable(made))
        return
    for values in made:
        if not values:
            continue
        if compiled.positiontup:
            connection.exec_driver_sql(compiled.string, values)
        else:
            named = [dict(zip(names, row, strict=True)) for row in values]
            connection.exec_driver_sql(compiled.string, named)


def _driver_values(
    rows: list[dict[str, Any]],
    names: Sequence[str],
    processors: Sequence[Callable[[Any], Any] | None],
) -> list[tuple]:
    """The rows' values in the order of `names`, each made ready by its processor."""
    if not rows:
        return []
    if len(names) > 1:
        columns: list[Sequence[Any]] = list(zip(*map(itemgetter(*names), rows), strict=True))
    else:
        columns = [[row[names[0]] for row in rows]]
    for at, process in enumerate(processors):
        if process is not None:
            columns[at] = _processed(columns[at], process)
    return list(zip(*columns, strict=True))


def _copy(
    connection: sa.Connection, table: sa.Table, names: Sequence[str], rows: Iterable[tuple]
) -> None:
    """COPY `rows` (values ready for the driver, in the order of `names`) into `table`, in
    the connection's transaction (psycopg)."""
    quote = connection.dialect.identifier_preparer.quote
    statement = (
        f"COPY {connection.dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(name) for name in names)}) FROM STDIN"
    )
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row(row)


def _processed(values: Sequence[Any], process: Callable[[Any], Any]) -> list[Any]:
    done: list[Any] = []
    last: Any = _UNSET
    made: Any = None
    for value in values:
        if value is not last:
            last, made = value, process(value)
        done.append(made)
    return done


def _stage_problems(
    session: Session, import_id: int, worker: str, problems: list[SheetProblem], start: int
) -> None:
    batch = enumerate(problems[start : start + BATCH_ROWS], start)
    records = [
        {
            "import_id": import_id,
            "position": position,
            "row": p.row,
            "column": p.column[:4],
            "heading": p.heading[:255],
            "code": p.code[:40],
            "message": p.message[:1000],
        }
        for position, p in batch
    ]
    _stage_batch(session, import_id, worker, InventoryImportProblem, records)


def _staged_records(import_id: int, rows: list[Planned]) -> list[dict[str, Any]]:
    """The staged rows of planned file rows, as `_stage_rows` inserts them."""
    return [
        {
            "import_id": import_id,
            "sheet_row": p.sheet_row,
            "action": p.action,
            "target_item_id": p.target.id if p.target and p.action != ADD else None,
            "data": staged_json(p.given),
        }
        for p in rows
    ]


def _stage_rows(
    session: Session, import_id: int, worker: str, records: list[dict[str, Any]], start: int
) -> None:
    batch = records[start : start + BATCH_ROWS]
    _stage_batch(session, import_id, worker, InventoryImportRow, batch, json_text=("data",))


# ---------------------------------------------------------------- confirming


def _draft_rows(session: Session, version_id: int, mode: str) -> list[Existing]:
    with transaction(session):
        return existing_rows(session, version_id, mode)


def _prepare(session: Session, job: InventoryImport, user_id: int | None) -> Prepared:
    """`import_plan.prepare` under the draft's rule settings and local thresholds as they
    are now."""
    draft = session.get(ElementVersion, job.element_version_id)
    assert draft is not None
    settings, local = _settings(session, draft)
    return prepare(session, job, user_id, settings, local)


def _fingerprint(session: Session, version_id: int) -> dict[int, int]:
    return {
        item_id: version
        for item_id, version in session.execute(
            sa.select(InventoryItem.id, InventoryItem.version).where(
                InventoryItem.element_version_id == version_id
            )
        ).all()
    }


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _ID_CHUNK):
        yield ids[start : start + _ID_CHUNK]


def _apply(session: Session, version_id: int, prepared: Prepared) -> None:
    """Write a prepared import into the (locked) draft: bulk statements only."""
    if prepared.inserts or prepared.updates:
        _quick_toast(session.connection())
    if prepared.removed_ids:
        session.execute(
            sa.delete(InventoryFinding).where(
                col(InventoryFinding.element_version_id) == version_id
            )
        )
        session.execute(
            sa.delete(InventoryItem).where(col(InventoryItem.element_version_id) == version_id)
        )
    if prepared.updates:
        ids = [row["id"] for row in prepared.updates]
        for chunk in _chunks(ids):
            session.execute(
                sa.delete(InventoryFinding).where(col(InventoryFinding.item_id).in_(chunk))
            )
        session.execute(sa.update(InventoryItem), prepared.updates)
        if prepared.update_findings:
            session.execute(sa.insert(InventoryFinding), prepared.update_findings)
    if prepared.sentences:
        session.execute(sa.update(InventoryItem), prepared.sentences)
    if prepared.inserts:
        # Core statements on the session's connection: the ORM's bulk path costs more per
        # row, and this runs while the draft is locked. The new rows' ids are reserved
        # first, so both inserts are plain executemany of one statement (psycopg pipelines
        # them) rather than multi-row INSERT ... RETURNING statements.
        connection = session.connection()
        new_ids = _reserve_ids(connection, len(prepared.inserts))
        for item_id, row in zip(new_ids, prepared.inserts, strict=True):
            row["id"] = item_id
        items = cast(sa.Table, InventoryItem.__table__)
        found = cast(sa.Table, InventoryFinding.__table__)
        # A batch at a time: the driver's values for every row at once would be a big
        # file's whole size again.
        insert_batches(connection, items, _batches(prepared.inserts), json_text=("data",))
        insert_batches(connection, found, _finding_batches(prepared, new_ids))


def _batches(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH_ROWS):
        yield rows[start : start + BATCH_ROWS]


def _finding_batches(prepared: Prepared, new_ids: list[int]) -> Iterator[list[dict[str, Any]]]:
    """The new rows' findings, a batch of rows' at a time, each given its row's id."""
    rows, first = prepared.insert_findings, 0
    for start in range(0, len(new_ids), BATCH_ROWS):
        end = start + BATCH_ROWS
        counts = prepared.insert_finding_counts[start:end]
        batch = rows[first : first + sum(counts)]
        at = 0
        for item_id, count in zip(new_ids[start:end], counts, strict=True):
            for finding in batch[at : at + count]:
                finding["item_id"] = item_id
            at += count
        first += at
        yield batch


def _reserve_ids(connection: sa.Connection, count: int) -> list[int]:
    """`count` unused ids, ascending, for new inventory rows. PostgreSQL: from the table's
    sequence. SQLite: after the largest id, read once this transaction holds SQLite's one
    write lock (taken by a write that changes nothing), so no one else can take them."""
    if connection.dialect.name == "postgresql":
        return sorted(
            connection.execute(
                sa.text(
                    "SELECT nextval(pg_get_serial_sequence('inventory_item', 'id')) "
                    "FROM generate_series(1, :count)"
                ),
                {"count": count},
            ).scalars()
        )
    items = cast(sa.Table, InventoryItem.__table__)
    connection.execute(items.update().where(sa.false()).values(version=items.c.version))
    top = connection.execute(sa.select(sa.func.max(items.c.id))).scalar() or 0
    return list(range(top + 1, top + 1 + count))


def confirm_import(
    session: Session, actor: Actor, facility_id: object, import_id: object
) -> ImportView:
    """Import a ready job into the draft in one short transaction that holds the draft's
    lock (other edits of the inventory wait for it). Nothing changes if anything fails."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.UPLOAD)
        job = _job_of(session, facility, import_id)
    return _confirm(session, job.id or 0, actor.user_id, actor.client_ip)


def _start_confirming(session: Session, import_id: int, worker: str) -> None:
    with transaction(session):
        taken = session.execute(
            sa.update(InventoryImport)
            .where(col(InventoryImport.id) == import_id, col(InventoryImport.status) == READY)
            .values(status=IMPORTING, lease_owner=worker, lease_until=_lease_end())
            .execution_options(synchronize_session=False)
        )
        if cast(sa.CursorResult, taken).rowcount != 1:
            job = session.get(InventoryImport, import_id, populate_existing=True)
            status = job.status if job is not None else CANCELLED
            raise Conflict(NOT_READY.get(status, NOT_READY[CANCELLED]))


def _stop_confirming(session: Session, import_id: int, worker: str) -> None:
    """Back to ready after a failed confirmation (if this worker still holds it)."""
    with transaction(session):
        _release(session, import_id, worker, IMPORTING, status=READY, message=CONFIRM_FAILED)


def _confirm(
    session: Session,
    import_id: int,
    user_id: int | None,
    client_ip: str | None,
    prepared: Prepared | None = None,
) -> ImportView:
    """Import a ready job: its staged rows, or what `prepared` (read in one go, nothing
    staged) says to write; raises _DraftChanged if the draft changed since that was
    prepared."""
    with _collector_paused():
        return _confirm_paused(session, import_id, user_id, client_ip, prepared)


def _confirm_paused(
    session: Session,
    import_id: int,
    user_id: int | None,
    client_ip: str | None,
    ready_made: Prepared | None,
) -> ImportView:
    worker = _worker_name()
    _start_confirming(session, import_id, worker)
    try:
        prepared = ready_made
        if prepared is None:
            with transaction(session), _roomy(session):
                job = session.get(InventoryImport, import_id, populate_existing=True)
                assert job is not None
                prepared = _prepare(session, job, user_id)
        view = _import_step(
            session, import_id, worker, prepared, user_id, client_ip, staged=ready_made is None
        )
    except _RightRemoved:
        session.rollback()
        _close_confirming(session, import_id, worker)
        raise PermissionDenied(PERMISSION_REMOVED) from None
    except BaseException:
        session.rollback()
        _stop_confirming(session, import_id, worker)
        raise
    if ready_made is None:
        _discard_staged_rows(session, import_id)
    return view


class _RightRemoved(Exception):
    """The person confirming lost the upload right before the import committed."""


class _DraftChanged(Exception):
    """The draft (or its agency's rule settings) changed after a file read in one go was
    prepared: it has no staged rows to plan again from, so it is read again."""


def _upload_right_held(session: Session, organization_id: int, user_id: int) -> bool:
    """Whether `user_id` may still upload for the business, read FOR SHARE as the import's
    last step: a removal committed meanwhile is seen, a later one waits for the commit
    (the same rule as `organizations.service.confirm_role_still_held`)."""
    role = session.exec(
        select(OrgMember.role)
        .where(OrgMember.organization_id == organization_id, OrgMember.user_id == user_id)
        .with_for_update(read=True)
    ).first()
    return role is not None and allows(role, OrgAction.UPLOAD)


def _close_confirming(session: Session, import_id: int, worker: str) -> None:
    """End a job whose confirmation was refused because the right to upload was removed."""
    with transaction(session):
        _release(
            session,
            import_id,
            worker,
            IMPORTING,
            status=CANCELLED,
            message=PERMISSION_REMOVED,
            finished_at=clock.now(),
        )


def _import_step(
    session: Session,
    import_id: int,
    worker: str,
    prepared: Prepared,
    user_id: int | None,
    client_ip: str | None,
    staged: bool = True,
) -> ImportView:
    """The one transaction that changes the draft. If the draft changed since `prepared`
    was computed, the `staged` rows are planned again under the lock; without them it
    raises _DraftChanged."""
    with transaction(session), _roomy(session):
        db.write_lock(session)  # SQLite: the draft's fingerprint below is read under it
        job = session.get(InventoryImport, import_id, populate_existing=True, with_for_update=True)
        assert job is not None
        if job.status != IMPORTING or job.lease_owner != worker:
            raise Conflict(NOT_READY.get(job.status, NOT_READY[CANCELLED]))
        facility = session.get(Facility, job.facility_id)
        assert facility is not None
        draft = _draft_of(session, facility)
        if draft is None or draft.id != job.element_version_id:
            raise Conflict(STALE_DRAFT)
        # The lock other edits of the inventory take (service._editable_draft).
        session.get(ElementVersion, draft.id, with_for_update=True, populate_existing=True)
        settings, local = _settings(session, draft)
        if (
            _fingerprint(session, draft.id) != prepared.fingerprint
            or settings != prepared.settings
            or local != prepared.local
        ):
            # Someone changed the draft meanwhile: plan again, now under the lock.
            if not staged:
                raise _DraftChanged()
            prepared = _prepare(session, job, user_id)
        _apply(session, draft.id, prepared)
        plan = prepared.plan
        job.status = IMPORTED
        job.added, job.updated, job.unchanged = plan.added, plan.updated, plan.unchanged
        job.removed = plan.removed
        job.lease_owner, job.lease_until = "", None
        job.message = ""
        job.finished_at = clock.now()
        job.version += 1
        session.add(job)
        audit.record(
            session,
            actor_user_id=user_id,
            event=AuditEventType.INVENTORY_IMPORTED,
            subject_type="inventory_import",
            subject_id=import_id,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            after={
                "facility_id": job.facility_id,
                "element_version_id": draft.id,
                "file_name": job.file_name,
                "mode": job.mode,
                "added": plan.added,
                "updated": plan.updated,
                "removed": plan.removed,
            },
            client_ip=client_ip,
        )
        session.flush()
        # Checked last, after the long work: the confirmation's role check was in an
        # earlier transaction, and the right may have been removed since.
        if user_id is not None and not _upload_right_held(
            session, facility.organization_id, user_id
        ):
            raise _RightRemoved()
        return _view(job)


def _discard_staged_rows(session: Session, import_id: int) -> None:
    with transaction(session), _roomy(session):
        session.execute(
            sa.delete(InventoryImportRow).where(col(InventoryImportRow.import_id) == import_id)
        )


# ---------------------------------------------------------------- reading a job


def import_view(
    session: Session, actor: Actor, facility_id: object, import_id: object
) -> ImportView:
    """The job's status, progress and counts (the view right is enough)."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        return _view(_job_of(session, facility, import_id))


def latest_import(session: Session, actor: Actor, facility_id: object) -> ImportView | None:
    """The facility's most recent import, if any."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        job = session.exec(
            select(InventoryImport)
            .where(InventoryImport.facility_id == facility.id)
            .order_by(col(InventoryImport.id).desc())
        ).first()
        return _view(job) if job is not None else None


def problems_page(
    session: Session,
    actor: Actor,
    facility_id: object,
    import_id: object,
    page: object = 1,
    page_size: object = 25,
) -> Page[ProblemView]:
    """One page of the job's problems, in the file's order."""
    number, size = clamp(page, page_size)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        job = _job_of(session, facility, import_id)
        statement = (
            sa.select(
                InventoryImportProblem.row,
                InventoryImportProblem.column,
                InventoryImportProblem.heading,
                InventoryImportProblem.code,
                InventoryImportProblem.message,
            )
            .where(InventoryImportProblem.import_id == job.id)
            .order_by(InventoryImportProblem.position)
        )
        rows, total = fetch_page(session, statement, number, size)
        return Page([ProblemView(*row) for row in rows], total, number, size)


def _amount(data: Mapping[str, str]) -> str:
    amount = data.get("MaximumDailyAmount", "")
    unit = abbreviation(data.get("Units", ""))
    return f"{amount} {unit}".strip() if amount else ""


def _preview_row(sheet_row: int, action: str, data: object, target: int | None) -> PreviewRow:
    try:
        given = staged_given(data)
    except Conflict:  # staged under other fields: confirming says to upload it again
        given = {}
    return PreviewRow(
        sheet_row=sheet_row,
        action=action,
        common_name=str(given.get("CommonName", "")),
        location=str(given.get("ChemicalLocation", "")),
        cas=str(given.get("CASNumber", "")),
        amount=_amount(given),
        target_item_id=target,
    )


def preview_page(
    session: Session,
    actor: Actor,
    facility_id: object,
    import_id: object,
    action: object = "",
    page: object = 1,
    page_size: object = 25,
) -> Page[PreviewRow]:
    """One page of the rows the job would add (action "add"), update ("update") or both
    (""), in the file's order."""
    number, size = clamp(page, page_size)
    actions = (action,) if action in (ADD, UPDATE) else (ADD, UPDATE)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        job = _job_of(session, facility, import_id)
        _refuse_if_cleared(job)
        statement = (
            sa.select(
                InventoryImportRow.sheet_row,
                InventoryImportRow.action,
                InventoryImportRow.data,
                InventoryImportRow.target_item_id,
            )
            .where(
                InventoryImportRow.import_id == job.id,
                col(InventoryImportRow.action).in_(actions),
            )
            .order_by(InventoryImportRow.sheet_row, InventoryImportRow.id)
        )
        rows, total = fetch_page(session, statement, number, size)
        return Page(
            [_preview_row(sheet_row, kind, data, target) for sheet_row, kind, data, target in rows],
            total,
            number,
            size,
        )


# ---------------------------------------------------------------- cancel and retry


def cancel_import(
    session: Session, actor: Actor, facility_id: object, import_id: object
) -> ImportView:
    """Cancel a job that has not been imported; its staged rows are dropped (a worker still
    reading it stops at its next step)."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.UPLOAD)
        job = _job_of(session, facility, import_id)
        if not _view(job).can_cancel:
            raise Conflict(NOT_READY.get(job.status, NOT_READY[CANCELLED]))
        _cancel_recorded(session, job, facility, actor.user_id, actor.client_ip)
        return _view(job)


def cancel_unconfirmed(session: Session, job: InventoryImport) -> None:
    """Inside the caller's transaction: cancel a job left unconfirmed (the operators' sweep),
    as `cancel_import` does, recorded without an actor."""
    facility = session.get(Facility, job.facility_id)
    assert facility is not None  # a job's facility is never deleted (RESTRICT)
    _cancel_recorded(session, job, facility, None, None)


def _cancel_recorded(
    session: Session,
    job: InventoryImport,
    facility: Facility,
    actor_user_id: int | None,
    client_ip: str | None,
) -> None:
    _cancel(session, job)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        event=AuditEventType.INVENTORY_IMPORT_CANCELLED,
        subject_type="inventory_import",
        subject_id=job.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        client_ip=client_ip,
    )


def cleared_message(days: int) -> str:
    """The message a job keeps once the sweep removed its staged rows, problems and file."""
    return CLEARED.format(days=days)


def _refuse_if_cleared(job: InventoryImport) -> None:
    # The sweep kept the job (its counts) but not what previews, marks or re-reads it.
    prefix = CLEARED.split("{", 1)[0]
    if job.message.startswith(prefix):
        raise NotFound(job.message)


def _cancel(session: Session, job: InventoryImport) -> None:
    job.status = CANCELLED
    job.lease_owner, job.lease_until = "", None
    job.finished_at = clock.now()
    job.version += 1
    session.add(job)
    session.execute(
        sa.delete(InventoryImportRow).where(col(InventoryImportRow.import_id) == job.id)
    )
    session.flush()


def retry_import(
    session: Session, actor: Actor, facility_id: object, import_id: object
) -> ImportView:
    """Queue a failed job again, or one whose worker died (its lease expired): reading goes
    back to queued (the caller starts `run_import`), importing back to ready."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.UPLOAD)
        job = _job_of(session, facility, import_id)
        _refuse_if_cleared(job)
        expired = job.lease_until is not None and job.lease_until < clock.now()
        if job.status == FAILED or (job.status == READING and expired):
            job.status = QUEUED
        elif job.status == IMPORTING and expired:
            job.status = READY
        else:
            raise Conflict(NOT_READY.get(job.status, "This upload is still being worked on."))
        job.lease_owner, job.lease_until = "", None
        job.message, job.finished_at = "", None
        job.version += 1
        session.add(job)
        session.flush()
        return _view(job)


# ---------------------------------------------------------------- workbooks


def _inventory_bytes(session: Session, facility: Facility) -> tuple[str, bytes]:
    version_id = _shown_version_id(session, facility)
    rows: Iterator[dict[str, str]] = iter(())
    if version_id is not None:
        rows = (
            findings.full(data)
            for (data,) in session.execute(
                sa.select(InventoryItem.data)
                .where(InventoryItem.element_version_id == version_id)
                .order_by(InventoryItem.id)
            )
        )
    out = io.BytesIO()
    sheet_write.inventory_workbook(out, str(facility.cers_id), rows)
    return f"CERSID_{facility.cers_id}_HazMatInventory.xlsx", out.getvalue()


def export_workbook(session: Session, actor: Actor, facility_id: object) -> tuple[str, bytes]:
    """(file name, xlsx bytes) of the inventory shown (the draft, else the last submitted
    version) in the template's layout."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        return _inventory_bytes(session, facility)


def export_by_cers_id(session: Session, cers_id: object) -> tuple[str, bytes]:
    """`export_workbook` for the operator CLI (no actor)."""
    with transaction(session):
        return _inventory_bytes(session, _facility_by_cers_id(session, cers_id))


def template_bytes() -> bytes:
    """The blank upload template."""
    out = io.BytesIO()
    sheet_write.template_workbook(out)
    return out.getvalue()


def marked_workbook(
    session: Session, actor: Actor, facility_id: object, import_id: object
) -> tuple[str, bytes]:
    """(file name, xlsx bytes): the uploaded sheet with every problem cell marked."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        job = _job_of(session, facility, import_id)
        _refuse_if_cleared(job)
        stored = session.get(StoredFile, job.stored_file_id) if job.stored_file_id else None
        if stored is None or not open_path(stored).is_file():
            raise NotFound(FILE_GONE)
        problems = [
            SheetProblem(p.row, p.column, p.heading, p.code, p.message)
            for p in session.exec(
                select(InventoryImportProblem)
                .where(InventoryImportProblem.import_id == job.id)
                .order_by(col(InventoryImportProblem.position))
            )
        ]
        path, name = open_path(stored), job.file_name
    out = io.BytesIO()
    sheet_write.marked_workbook(out, sheet_read.raw_rows(path), problems)
    stem = Path(name).stem or "inventory"
    return f"{stem}_problems.xlsx", out.getvalue()


# ---------------------------------------------------------------- command line


def _create_for_file(
    session: Session,
    actor: Actor | None,
    cers_id: object,
    file_name: str,
    mode: str,
    valid_rows_only: bool,
) -> int:
    with transaction(session):
        facility = _facility_by_cers_id(session, cers_id)
        if actor is not None:
            access_facility(session, actor, facility.id, OrgAction.UPLOAD)
        draft = _draft_of(session, facility)
        if draft is None:
            raise NotFound(
                f"Facility {facility.cers_id} has no Hazardous Materials Inventory draft."
            )
        job = _new_job(
            session,
            facility,
            draft,
            actor.user_id if actor else None,
            file_name,
            mode,
            valid_rows_only,
            None,
            actor.client_ip if actor else None,
        )
        return job.id or 0


def _job_state(session: Session, import_id: int) -> tuple[ImportView, list[ProblemView]]:
    with transaction(session):
        job = session.get(InventoryImport, import_id)
        assert job is not None
        problems = [
            ProblemView(*row)
            for row in session.execute(
                sa.select(
                    InventoryImportProblem.row,
                    InventoryImportProblem.column,
                    InventoryImportProblem.heading,
                    InventoryImportProblem.code,
                    InventoryImportProblem.message,
                )
                .where(InventoryImportProblem.import_id == import_id)
                .order_by(InventoryImportProblem.position)
            )
        ]
        return _view(job), problems


def _drop(session: Session, import_id: int, message: str = "") -> None:
    with transaction(session):
        job = session.get(InventoryImport, import_id)
        assert job is not None
        job.message = message
        _cancel(session, job)


def import_file(
    actor: Actor | None,
    cers_id: object,
    path: Path | str,
    mode: str,
    *,
    dry_run: bool = False,
    valid_rows_only: bool = False,
) -> ImportReport:
    """Import a file from disk into the facility's draft, start to finish (the command line
    and the benchmark): a job as for an upload, read and confirmed at once, its rows
    prepared as they are read rather than staged for a preview. If the draft changes
    meanwhile the file is read again, up to ONE_GO_ATTEMPTS times in all (then nothing is
    imported and the one problem says why). Without an actor it runs as the system. With
    `dry_run` nothing is imported. Raises UnreadableFile for a file that is not a readable
    spreadsheet."""
    mode = _check_mode(mode)
    source = Path(path)
    if not source.is_file():
        raise UnreadableFile(f"{source} is not a file.")
    user_id = actor.user_id if actor else None
    for attempt in range(1, ONE_GO_ATTEMPTS + 1):
        import_id = db.run(_create_for_file, actor, cers_id, source.name, mode, valid_rows_only)
        # Nothing is staged for a preview: the rows are prepared as they are read.
        _ran, prepared = _run(import_id, _worker_name(), source, True, in_memory=not dry_run)
        view, problems = db.run(_job_state, import_id)
        imported = False
        if view.status == READY and dry_run:
            db.run(_drop, import_id)
        elif view.status == READY:
            assert prepared is not None
            try:
                view = db.run(
                    _confirm, import_id, user_id, actor.client_ip if actor else None, prepared
                )
            except _DraftChanged:
                if attempt < ONE_GO_ATTEMPTS:
                    db.run(_drop, import_id, READ_AGAIN)
                    continue
                db.run(_drop, import_id, DRAFT_BUSY)
                view, _ = db.run(_job_state, import_id)
                problems = [ProblemView(0, "", "", "inventory_busy", DRAFT_BUSY)]
            else:
                imported = True
        break
    return ImportReport(
        import_id=import_id,
        status=view.status,
        rows=view.rows,
        added=view.added,
        updated=view.updated,
        removed=view.removed,
        imported=imported,
        problems=problems,
        message=view.message,
    )
