"""PDFs asked for in the portal, made in the background: ask, follow, download.

`request_report` checks the person may print the facility and queues a job; `start` hands it
to a worker thread. `run_job` takes the job through a lease, acts as the person with the
rights they hold at that moment (a role removed meanwhile makes the job fail, printing
nothing), stores the PDF and marks the job done. A worker that dies leaves its lease to
expire: the next look at the job (`job_view`) hands it to a worker again, at most
MAX_ATTEMPTS times. Only the person who asked sees the job and downloads its file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select, update

from cers_app.access import identity
from cers_app.core import audit, clock, db, storage
from cers_app.core.audit import AuditEventType
from cers_app.core.errors import DomainError, NotFound, ValidationFailed
from cers_app.core.permissions import Actor, Portal
from cers_app.facilities.service import is_id
from cers_app.reports import pdf_service
from cers_app.reports.job_models import ReportJob
from cers_app.reports.pdf_inventory import InventoryFilter
from cers_app.submittals.document_views import Download

log = logging.getLogger("cers_app.reports")

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
WORKING = (QUEUED, RUNNING)
LEASE = dt.timedelta(minutes=5)
START_WITHIN = dt.timedelta(minutes=1)
MAX_ATTEMPTS = 3
PDF = "pdf"
NO_JOB = "That PDF was not found. Ask for it again."
NOT_READY = "That PDF is not ready yet."
NO_LONGER_ALLOWED = (
    "You can no longer print this facility: your access changed after you asked for the PDF."
)
FAILED_MESSAGE = (
    "The PDF could not be made. Ask for it again; if it fails again, tell your administrator."
)
GAVE_UP = "The PDF could not be made after several tries. Tell your administrator."

Renderer = Callable[[Session, Actor, int, Mapping[str, Any]], tuple[str, bytes]]


def _inventory(session: Session, actor: Actor, facility_id: int, params: Mapping[str, Any]):
    chosen = InventoryFilter(**params.get("filter", {}))
    return pdf_service.inventory_report(
        session, actor, facility_id, params.get("version_id"), chosen
    )


def _packet(session: Session, actor: Actor, facility_id: int, params: Mapping[str, Any]):
    return pdf_service.submittal_packet(session, actor, facility_id, params.get("submittal_id"))


def _public(session: Session, actor: Actor, facility_id: int, params: Mapping[str, Any]):
    return pdf_service.public_copy(session, actor, facility_id, params.get("submittal_id"))


# What each kind of job prints, and how the page names it.
RENDERERS: dict[str, tuple[str, Renderer]] = {
    "packet": ("Submittal packet", _packet),
    "public": ("Public copy of the submittal", _public),
    "inventory": ("Hazardous Materials Inventory report", _inventory),
}


@dataclass(frozen=True)
class JobView:
    """One job as its owner sees it."""

    id: int
    facility_id: int
    kind: str
    label: str
    status: str  # queued | running | done | failed
    message: str
    file_name: str
    created_at: dt.datetime

    @property
    def working(self) -> bool:
        return self.status in WORKING


def _view(job: ReportJob) -> JobView:
    return JobView(
        id=job.id or 0,
        facility_id=job.facility_id,
        kind=job.kind,
        label=RENDERERS[job.kind][0] if job.kind in RENDERERS else job.kind,
        status=job.status,
        message=job.message,
        file_name=job.file_name,
        created_at=job.created_at,
    )


def _clean_params(kind: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters a job keeps: ids checked, the inventory filter checked."""
    cleaned: dict[str, Any] = {}
    for name in ("submittal_id", "version_id"):
        value = params.get(name)
        if value is not None:
            if not is_id(value):
                raise NotFound(NO_JOB)
            cleaned[name] = value
    if kind == "inventory":
        given = params.get("filter") or {}
        if not isinstance(given, Mapping):
            raise ValidationFailed({"filter": "Choose the materials to print again."})
        chosen = InventoryFilter(
            location=given.get("location", ""),
            waste=given.get("waste", InventoryFilter.waste),
            trade_secrets=given.get("trade_secrets", True),
        )
        problems = chosen.problems()
        if problems:
            raise ValidationFailed(problems)
        cleaned["filter"] = {
            "location": chosen.location.strip(),
            "waste": chosen.waste,
            "trade_secrets": chosen.trade_secrets,
        }
    return cleaned


def request_report(
    session: Session, actor: Actor, facility_id: object, kind: object, params: Mapping[str, Any]
) -> JobView:
    """Queue a PDF of the facility for the actor, after checking they may print it. The
    caller starts it with `start` once this transaction has committed."""
    with db.transaction(session):
        if not isinstance(kind, str) or kind not in RENDERERS:
            raise NotFound(NO_JOB)
        facility = pdf_service.reachable_facility(session, actor, facility_id)
        job = ReportJob(
            user_id=actor.user_id,
            portal=actor.portal.value,
            organization_id=actor.organization_id,
            facility_id=facility.id or 0,
            kind=kind,
            params=_clean_params(kind, params),
            created_at=clock.now(),
        )
        session.add(job)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.REPORT_REQUESTED,
            subject_type="facility",
            subject_id=facility.id or 0,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            after={"job": job.id, "kind": kind, **job.params},
            client_ip=actor.client_ip,
        )
        return _view(job)


def _own_job(session: Session, actor: Actor, job_id: object) -> ReportJob:
    job = session.get(ReportJob, job_id) if is_id(job_id) else None
    if job is None or job.user_id != actor.user_id or job.portal != actor.portal.value:
        raise NotFound(NO_JOB)
    return job


def _stale(job: ReportJob, now: dt.datetime) -> bool:
    """Queued for longer than a worker takes to start (the process that queued it stopped),
    or taken by a worker whose lease ran out (it died): to be handed out again."""
    if job.status == QUEUED:
        return job.created_at < now - START_WITHIN
    return job.status == RUNNING and job.lease_until is not None and job.lease_until < now


def job_view(session: Session, actor: Actor, job_id: object) -> JobView:
    """The actor's job; one whose worker died is handed to a worker again."""
    job = _own_job(session, actor, job_id)
    if _stale(job, clock.now()):
        start(job.id or 0)
    return _view(job)


def recent_jobs(
    session: Session, actor: Actor, facility_id: object, limit: int = 5
) -> list[JobView]:
    """The actor's latest jobs for the facility (newest first)."""
    if not is_id(facility_id):
        return []
    jobs = session.exec(
        select(ReportJob)
        .where(
            ReportJob.user_id == actor.user_id,
            ReportJob.portal == actor.portal.value,
            ReportJob.facility_id == facility_id,
        )
        .order_by(col(ReportJob.id).desc())
        .limit(limit)
    )
    return [_view(job) for job in jobs]


def download(session: Session, actor: Actor, facility_id: object, job_id: object) -> Download:
    """The PDF of the actor's finished job of that facility, if they may still print it."""
    job = _own_job(session, actor, job_id)
    if job.facility_id != facility_id:
        raise NotFound(NO_JOB)
    if job.status != DONE or job.stored_file_id is None:
        raise NotFound(NOT_READY)
    pdf_service.reachable_facility(session, actor, job.facility_id)
    stored = session.get(storage.StoredFile, job.stored_file_id)
    if stored is None:
        raise NotFound(NO_JOB)
    return Download(storage.open_path(stored), job.file_name, "application/pdf", stored.size)


# ------------------------------------------------------------------ the worker


def worker_name() -> str:
    """This worker thread's name in leases: host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:80]


@dataclass(frozen=True)
class Claimed:
    """What a worker needs of the job it took (read before the renderer's transaction)."""

    id: int
    user_id: int
    portal: str
    organization_id: int | None
    facility_id: int
    kind: str
    params: dict[str, Any]


def _claim(session: Session, job_id: int, worker: str) -> Claimed | None:
    """Take the job for `worker` if it is queued or its lease ran out, within the attempts."""
    now = clock.now()
    with db.transaction(session):
        taken = session.execute(
            update(ReportJob)
            .where(
                col(ReportJob.id) == job_id,
                col(ReportJob.attempts) < MAX_ATTEMPTS,
                (col(ReportJob.status) == QUEUED)
                | ((col(ReportJob.status) == RUNNING) & (col(ReportJob.lease_until) < now)),
            )
            .values(
                status=RUNNING,
                lease_owner=worker,
                lease_until=now + LEASE,
                attempts=ReportJob.attempts + 1,
            )
        ).rowcount
    if not taken:
        _give_up_if_exhausted(session, job_id, now)
        return None
    session.expire_all()
    job = session.get(ReportJob, job_id)
    assert job is not None
    claimed = Claimed(
        job_id,
        job.user_id,
        job.portal,
        job.organization_id,
        job.facility_id,
        job.kind,
        dict(job.params),
    )
    session.rollback()  # a read: the renderers open their own transactions
    return claimed


def _give_up_if_exhausted(session: Session, job_id: int, now: dt.datetime) -> None:
    with db.transaction(session):
        session.execute(
            update(ReportJob)
            .where(
                col(ReportJob.id) == job_id,
                col(ReportJob.attempts) >= MAX_ATTEMPTS,
                col(ReportJob.status).in_(WORKING),
                (col(ReportJob.lease_until).is_(None)) | (col(ReportJob.lease_until) < now),
            )
            .values(status=FAILED, message=GAVE_UP, lease_owner="", finished_at=now)
        )


def _finish(session: Session, job_id: int, worker: str, **values: Any) -> bool:
    """End the job if `worker` still holds it (False: its lease was lost)."""
    ended = session.execute(
        update(ReportJob)
        .where(
            col(ReportJob.id) == job_id,
            col(ReportJob.status) == RUNNING,
            col(ReportJob.lease_owner) == worker,
        )
        .values(lease_owner="", lease_until=None, finished_at=clock.now(), **values)
    ).rowcount
    return bool(ended)


def _fail(session: Session, job_id: int, worker: str, message: str) -> None:
    with db.transaction(session):
        _finish(session, job_id, worker, status=FAILED, message=message[:500])


def _render(session: Session, job: Claimed) -> tuple[str, bytes] | str:
    """The job's file, or the message saying why there is none."""
    actor = identity.actor_of_user(session, job.user_id, Portal(job.portal), job.organization_id)
    session.rollback()  # a read: the renderer opens its own transaction
    if actor is None:
        return NO_LONGER_ALLOWED
    try:
        return RENDERERS[job.kind][1](session, actor, job.facility_id, job.params)
    except NotFound:
        return NO_LONGER_ALLOWED
    except DomainError as exc:
        return exc.message


def run_job(session: Session, job_id: int, worker: str) -> str:
    """Make one job's PDF as `worker` (a thread's whole work); the job's status after."""
    job = _claim(session, job_id, worker)
    if job is None:
        return ""
    try:
        made = _render(session, job)
    except Exception:
        log.exception("report job %s failed", job_id)
        _fail(session, job_id, worker, FAILED_MESSAGE)
        return FAILED
    if isinstance(made, str):
        _fail(session, job_id, worker, made)
        return FAILED
    name, content = made
    stored = storage.store_bytes(session, job.user_id, name, content, PDF)
    with db.transaction(session):
        if not _finish(
            session, job_id, worker, status=DONE, file_name=name, stored_file_id=stored.id
        ):
            storage.forget(session, stored)  # another worker took the job over
            return ""
    return DONE


_POOL = ThreadPoolExecutor(2, thread_name_prefix="report-job")
# The jobs handed to this process's threads and not finished yet: a job waiting for a free
# thread is not handed over again each time someone looks at it.
_HANDED: set[int] = set()
_HANDED_LOCK = threading.Lock()


def _run_in_thread(job_id: int) -> None:
    try:
        db.run(run_job, job_id, worker_name())
    except Exception:  # a thread's failure must not vanish silently
        log.exception("report job %s: the worker stopped", job_id)
    finally:
        with _HANDED_LOCK:
            _HANDED.discard(job_id)


def start(job_id: int) -> None:
    """Hand a queued job to a worker thread of this process (once while it waits there)."""
    with _HANDED_LOCK:
        if job_id in _HANDED:
            return
        _HANDED.add(job_id)
    _POOL.submit(_run_in_thread, job_id)
