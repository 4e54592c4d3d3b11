"""An agency's technical-assistance inbox: the requests the public sent to it.

Reading needs Right.VIEW, acting (status, note, forwarding) Right.REQUESTS: Agency Admins and
Request Handlers answer the public, as they answer facility requests. A CUPA's staff also
reach the requests sent to its participating agencies (as for facilities, `rights.reach_of`).
Every id from the browser is re-scoped: a request outside the actor's reach is "not found".
Forwarding emails every active system administrator and marks the request forwarded.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cers_app.accounts.models import User, UserStatus
from cers_app.agencies import assistance_emails as emails
from cers_app.agencies.models import (
    ASSISTANCE_STATUS_LABELS,
    Agency,
    AssistanceRequest,
    AssistanceStatus,
)
from cers_app.agencies.rights import Right, reach_of
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.paging import Page, clamp, fetch_page
from cers_app.core.permissions import Actor
from cers_app.facilities.service import is_id

NOTE_MAX = 2000
PAGE_SIZE = 20
ALL = "all"
NOT_FOUND = "That assistance request was not found in your agency's inbox."
# The statuses a person sets by hand; "forwarded" is set by forwarding.
SETTABLE = (AssistanceStatus.NEW, AssistanceStatus.IN_PROGRESS, AssistanceStatus.CLOSED)
STATUS_FILTERS = (ALL, *(status.value for status in AssistanceStatus))


@dataclass(frozen=True)
class InboxRow:
    id: int
    reference: str
    agency: str
    created_at: str
    name: str
    topic: str
    subject: str
    status: str
    status_label: str


@dataclass(frozen=True)
class InboxPage:
    page: Page[InboxRow]
    new: int  # new requests in the whole reach, whatever the filter


@dataclass(frozen=True)
class RequestDetail:
    id: int
    reference: str
    agency: str
    created_at: str
    name: str
    email: str
    phone: str
    business_name: str
    cers_id: str
    topic: str
    subject: str
    message: str
    status: str
    status_label: str
    agency_note: str
    forwarded_at: str
    forwarded_by: str
    version: int
    can_act: bool


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def _label(status: str) -> str:
    try:
        return ASSISTANCE_STATUS_LABELS[AssistanceStatus(status)]
    except ValueError:
        return status


def _reach(session: Session, actor: Actor, right: Right) -> list[int]:
    return sorted(reach_of(session, actor, right).agencies)


def new_count(session: Session, actor: Actor) -> int:
    """New requests in the actor's reach (the Regulator Portal home's tile)."""
    agencies = _reach(session, actor, Right.VIEW)
    if not agencies:
        return 0
    return int(
        session.exec(
            select(func.count())
            .select_from(AssistanceRequest)
            .where(
                col(AssistanceRequest.agency_id).in_(agencies),
                AssistanceRequest.status == AssistanceStatus.NEW.value,
            )
        ).one()
    )


def inbox_page(session: Session, actor: Actor, status: object, page: object) -> InboxPage:
    """One page of the inbox, newest first, optionally of one status."""
    agencies = _reach(session, actor, Right.VIEW)
    if not agencies:
        raise PermissionDenied("Your role does not include the assistance inbox.")
    wanted = status if isinstance(status, str) and status in STATUS_FILTERS else None
    if wanted is None:
        raise ValidationFailed({"status": "Choose a status to show."})
    number, size = clamp(page, PAGE_SIZE, PAGE_SIZE)
    statement = (
        select(AssistanceRequest, Agency.name)
        .join(Agency, col(Agency.id) == AssistanceRequest.agency_id)
        .where(col(AssistanceRequest.agency_id).in_(agencies))
        .order_by(col(AssistanceRequest.created_at).desc(), col(AssistanceRequest.id).desc())
    )
    if wanted != ALL:
        statement = statement.where(AssistanceRequest.status == wanted)
    rows, total = fetch_page(session, statement, number, size)
    found = [
        InboxRow(
            id=request.id or 0,
            reference=emails.reference(request.id or 0),
            agency=agency_name,
            created_at=_when(request.created_at),
            name=request.name,
            topic=request.topic,
            subject=request.subject,
            status=request.status,
            status_label=_label(request.status),
        )
        for request, agency_name in rows
    ]
    return InboxPage(Page(found, total, number, size), new_count(session, actor))


def _load(session: Session, actor: Actor, request_id: object, right: Right) -> AssistanceRequest:
    """The request, re-scoped: NotFound outside the VIEW reach, PermissionDenied outside the
    reach of `right`."""
    if not is_id(request_id):
        raise NotFound(NOT_FOUND)
    request = session.get(AssistanceRequest, request_id)
    if request is None or request.agency_id not in _reach(session, actor, Right.VIEW):
        raise NotFound(NOT_FOUND)
    if right is not Right.VIEW and request.agency_id not in _reach(session, actor, right):
        raise PermissionDenied("Your role may read this request but not act on it.")
    return request


def request_detail(session: Session, actor: Actor, request_id: object) -> RequestDetail:
    request = _load(session, actor, request_id, Right.VIEW)
    agency = session.get(Agency, request.agency_id)
    forwarded_by = (
        session.get(User, request.forwarded_by_user_id) if request.forwarded_by_user_id else None
    )
    return RequestDetail(
        id=request.id or 0,
        reference=emails.reference(request.id or 0),
        agency=agency.name if agency else "",
        created_at=_when(request.created_at),
        name=request.name,
        email=request.email,
        phone=request.phone,
        business_name=request.business_name,
        cers_id=request.cers_id,
        topic=request.topic,
        subject=request.subject,
        message=request.message,
        status=request.status,
        status_label=_label(request.status),
        agency_note=request.agency_note,
        forwarded_at=_when(request.forwarded_at),
        forwarded_by=forwarded_by.display_name if forwarded_by else "",
        version=request.version,
        can_act=request.agency_id in _reach(session, actor, Right.REQUESTS),
    )


def _note(note: object) -> str:
    if not isinstance(note, str):
        raise ValidationFailed({"note": "The note must be text."})
    text = note.strip()
    if len(text) > NOTE_MAX:
        raise ValidationFailed({"note": f"The note must be at most {NOTE_MAX} characters."})
    return text


def _check_version(request: AssistanceRequest, version: object) -> None:
    if not is_id(version) or version != request.version:
        raise Conflict(
            "Someone else changed this request since you opened it. Reload it and try again."
        )


def _snapshot(request: AssistanceRequest) -> dict[str, object]:
    return {"status": request.status, "agency_note": request.agency_note}


def update_request(
    session: Session,
    actor: Actor,
    request_id: object,
    *,
    status: object,
    note: object,
    version: object,
) -> int:
    """Set the status (new, in progress, closed) and the internal note; returns the new
    version. A stale `version` is refused."""
    if not isinstance(status, str) or status not in {s.value for s in SETTABLE}:
        raise ValidationFailed({"status": "Choose New, In progress or Closed."})
    text = _note(note)
    with transaction(session):
        request = _load(session, actor, request_id, Right.REQUESTS)
        _check_version(request, version)
        before = _snapshot(request)
        if before == {"status": status, "agency_note": text}:
            return request.version
        request.status, request.agency_note = status, text
        request.updated_at = clock.now()
        request.version += 1
        session.add(request)
        old, new = audit.changed_fields(before, _snapshot(request))
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ASSISTANCE_UPDATED,
            subject_type="assistance_request",
            subject_id=request.id or 0,
            agency_id=request.agency_id,
            before=old,
            after=new,
            client_ip=actor.client_ip,
        )
        return request.version


def system_admins(session: Session) -> list[tuple[int, str]]:
    """(user id, email address) of every active system administrator."""
    rows = session.exec(
        select(User.id, User.email)
        .where(col(User.is_system_admin).is_(True), User.status == UserStatus.ACTIVE.value)
        .order_by(User.id)
    ).all()
    return [(user_id or 0, email) for user_id, email in rows]


def forward_request(
    session: Session, actor: Actor, request_id: object, *, note: object, version: object
) -> int:
    """Email the request and the agency's note to every system administrator and mark it
    forwarded; returns the number of administrators written to."""
    text = _note(note)
    with transaction(session):
        request = _load(session, actor, request_id, Right.REQUESTS)
        _check_version(request, version)
        if request.status == AssistanceStatus.FORWARDED.value:
            raise Conflict("This request was already forwarded to the system administrator.")
        admins = system_admins(session)
        if not admins:
            raise Conflict("This site has no system administrator to forward the request to.")
        agency = session.get(Agency, request.agency_id)
        sender = session.get(User, actor.user_id)
        before = {**_snapshot(request), "forwarded_at": None}
        now = clock.now()
        request.status = AssistanceStatus.FORWARDED.value
        request.agency_note = text or request.agency_note
        request.forwarded_at, request.forwarded_by_user_id = now, actor.user_id
        request.updated_at = now
        request.version += 1
        session.add(request)
        message = emails.forwarded(
            request,
            agency.name if agency else "",
            request.agency_note,
            sender.display_name if sender else actor.display_name,
        )
        for user_id, address in admins:
            queue_email(
                session, to=address, message=message, kind="assistance_forward", user_id=user_id
            )
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ASSISTANCE_FORWARDED,
            subject_type="assistance_request",
            subject_id=request.id or 0,
            agency_id=request.agency_id,
            before=before,
            after={**_snapshot(request), "forwarded_at": now.isoformat(), "to": len(admins)},
            client_ip=actor.client_ip,
        )
        return len(admins)
