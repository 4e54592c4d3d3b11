"""Site notices: banners (planned maintenance, office closures) every page shows between a start
and an end, to everyone, signed in or not.

An Agency Admin keeps their agencies' notices; a system administrator every notice (theirs have
no agency). Times are entered as a local date and time in the agency time zone
(`clock.agency_zone`) and stored in UTC. A notice shows from its start (included) to its end
(excluded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cers_app.agencies.models import Agency, NoticeLevel, SiteNotice
from cers_app.agencies.rights import ROLE_RIGHTS, Right, roles_of
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.permissions import Actor, Permission

MESSAGE_MAX = 500
SHOWN_AT_ONCE = 5
PAST_SHOWN = 20
NOT_FOUND = "That notice was not found among the notices you manage."
STALE = "This notice was changed by someone else meanwhile. Its current text is shown; try again."
LEVELS = [level.value for level in NoticeLevel]


@dataclass(frozen=True)
class Banner:
    id: int
    message: str
    level: str


@dataclass(frozen=True)
class NoticeRow:
    id: int
    message: str
    level: str
    starts: str  # "Dec 5, 2026 3:00 PM PST"
    ends: str
    starts_date: str  # local "2026-12-05", "15:00": the edit form's values
    starts_time: str
    ends_date: str
    ends_time: str
    when: str  # "upcoming" | "showing" | "past"
    agency: str  # "" for the system administrator's
    version: int


@dataclass(frozen=True)
class NoticeInput:
    message: str
    level: str
    starts_date: str
    starts_time: str
    ends_date: str
    ends_time: str


def current_notices(session: Session, now: dt.datetime) -> list[Banner]:
    """The notices showing at `now` (start <= now < end), earliest start first."""
    rows = session.exec(
        select(SiteNotice.id, SiteNotice.message, SiteNotice.level)
        .where(col(SiteNotice.starts_at) <= now, col(SiteNotice.ends_at) > now)
        .order_by(SiteNotice.starts_at, SiteNotice.id)
        .limit(SHOWN_AT_ONCE)
    ).all()
    return [Banner(i or 0, message, level) for i, message, level in rows]


def _admin_agencies(session: Session, actor: Actor) -> list[int]:
    return sorted(
        agency_id
        for agency_id, role in roles_of(session, actor).items()
        if Right.ADMIN in ROLE_RIGHTS.get(role, frozenset())
    )


def _scope(session: Session, actor: Actor) -> list[int] | None:
    """None for a system administrator (every notice); else the agencies administered."""
    if actor.can(Permission.SYSTEM_ADMIN):
        return None
    agencies = _admin_agencies(session, actor)
    if not agencies:
        raise PermissionDenied("Only an Agency Admin or a system administrator manages notices.")
    return agencies


def _when(notice: SiteNotice, now: dt.datetime) -> str:
    if notice.starts_at > now:
        return "upcoming"
    return "showing" if notice.ends_at > now else "past"


def notice_rows(session: Session, actor: Actor) -> list[NoticeRow]:
    """The actor's notices: showing and upcoming ones, then the 20 that ended last."""
    agencies = _scope(session, actor)
    now = clock.now()
    statement = select(SiteNotice, Agency.name).outerjoin(
        Agency, col(Agency.id) == SiteNotice.agency_id
    )
    if agencies is not None:
        statement = statement.where(col(SiteNotice.agency_id).in_(agencies))
    live = session.exec(
        statement.where(col(SiteNotice.ends_at) > now).order_by(SiteNotice.starts_at, SiteNotice.id)
    ).all()
    past = session.exec(
        statement.where(col(SiteNotice.ends_at) <= now)
        .order_by(col(SiteNotice.ends_at).desc(), col(SiteNotice.id).desc())
        .limit(PAST_SHOWN)
    ).all()
    rows = []
    for notice, agency in [*live, *past]:
        starts, ends = clock.local(notice.starts_at), clock.local(notice.ends_at)
        rows.append(
            NoticeRow(
                id=notice.id or 0,
                message=notice.message,
                level=notice.level,
                starts=clock.format_local(notice.starts_at),
                ends=clock.format_local(notice.ends_at),
                starts_date=starts.strftime("%Y-%m-%d"),
                starts_time=starts.strftime("%H:%M"),
                ends_date=ends.strftime("%Y-%m-%d"),
                ends_time=ends.strftime("%H:%M"),
                when=_when(notice, now),
                agency=agency or "",
                version=notice.version,
            )
        )
    return rows


def parse_local(date_text: str, time_text: str) -> dt.datetime | None:
    """A local date ("2026-12-05") and time ("15:00") in the agency time zone, as UTC."""
    try:
        day = dt.date.fromisoformat(str(date_text or "").strip()[:10])
        moment = dt.time.fromisoformat(str(time_text or "").strip()[:8])
    except ValueError:
        return None
    local = dt.datetime.combine(day, moment.replace(tzinfo=None), tzinfo=clock.agency_zone())
    return local.astimezone(dt.UTC)


def check_notice(given: NoticeInput, now: dt.datetime) -> tuple[dict, dict[str, str]]:
    """The cleaned values (message, level, starts_at, ends_at) and the problems, by field."""
    errors: dict[str, str] = {}
    message = " ".join(str(given.message or "").split())
    if not message:
        errors["message"] = "Enter the notice's message."
    elif len(message) > MESSAGE_MAX:
        errors["message"] = f"The message must be at most {MESSAGE_MAX} characters."
    if given.level not in LEVELS:
        errors["level"] = "Choose Information or Warning."
    starts = parse_local(given.starts_date, given.starts_time)
    ends = parse_local(given.ends_date, given.ends_time)
    if starts is None:
        errors["starts"] = "Enter the start as a date and a time."
    if ends is None:
        errors["ends"] = "Enter the end as a date and a time."
    elif ends <= now:
        errors["ends"] = "The end is in the past; a notice must end later than now."
    elif starts is not None and ends <= starts:
        errors["ends"] = "The end must be after the start."
    clean = {"message": message, "level": given.level, "starts_at": starts, "ends_at": ends}
    return clean, errors


def _snapshot(notice: SiteNotice) -> dict[str, object]:
    return {
        "message": notice.message,
        "level": notice.level,
        "starts_at": notice.starts_at.isoformat(),
        "ends_at": notice.ends_at.isoformat(),
        "agency_id": notice.agency_id,
    }


def _notice(session: Session, actor: Actor, notice_id: object) -> SiteNotice:
    agencies = _scope(session, actor)
    notice = (
        session.get(SiteNotice, notice_id)
        if isinstance(notice_id, int) and not isinstance(notice_id, bool) and 0 < notice_id < 2**31
        else None
    )
    if notice is None or (agencies is not None and notice.agency_id not in agencies):
        raise NotFound(NOT_FOUND)
    session.refresh(notice, with_for_update=True)
    return notice


def save_notice(
    session: Session,
    actor: Actor,
    given: NoticeInput,
    *,
    notice_id: object = None,
    version: object = None,
) -> int:
    """Add a notice (notice_id None) or change one at `version`. Returns its id.

    A new notice of an Agency Admin belongs to their (first) agency; a system administrator's
    to no agency.
    """
    with transaction(session):
        agencies = _scope(session, actor)
        now = clock.now()
        notice = None if notice_id is None else _notice(session, actor, notice_id)
        if notice is not None and version != notice.version:
            raise Conflict(STALE)
        clean, errors = check_notice(given, now)
        if errors:
            raise ValidationFailed(errors)
        if notice is None:
            notice = SiteNotice(
                agency_id=agencies[0] if agencies else None,
                created_at=now,
                created_by_user_id=actor.user_id,
                **clean,
            )
            before: dict[str, object] | None = None
        else:
            before = _snapshot(notice)
            for name, value in clean.items():
                setattr(notice, name, value)
            notice.version += 1
        session.add(notice)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.SITE_NOTICE_SAVED,
            subject_type="site_notice",
            subject_id=notice.id or 0,
            agency_id=notice.agency_id,
            before=before,
            after=_snapshot(notice),
            client_ip=actor.client_ip,
        )
        return notice.id or 0


def remove_notice(session: Session, actor: Actor, notice_id: object) -> None:
    """Delete a notice (it stops showing at once)."""
    with transaction(session):
        notice = _notice(session, actor, notice_id)
        before = _snapshot(notice)
        session.delete(notice)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.SITE_NOTICE_REMOVED,
            subject_type="site_notice",
            subject_id=notice_id,  # type: ignore[arg-type]
            agency_id=notice.agency_id,
            before=before,
            client_ip=actor.client_ip,
        )
