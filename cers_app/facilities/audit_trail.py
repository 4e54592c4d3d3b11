"""The history pages' reading of the audit trail, for the business side.

Only a business's Lead User reads its history (`OrgAction.READ_HISTORY`): the trail names
every person's changes, like the people list only the Lead User manages. A Lead User reads the
events of one facility of the business, or of the whole business: the events recorded for the
business (`organization_id`) and for the facilities it holds now (`facility_id`). Events that
are the agency's own work (its settings, staff, assistance requests) are never shown here,
even when they name the facility.

The query, the filters and the row building are shared with the regulator's history
(`cers_app.regulator.audit_trail`), which scopes by the agency's reach instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, or_, select

from cers_app.accounts.models import User
from cers_app.core import audit_labels as labels
from cers_app.core import clock, paging
from cers_app.core.audit import AuditEvent
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities import business_activities, owner_operator
from cers_app.facilities.models import Facility
from cers_app.facilities.service import access_facility
from cers_app.inventory.fields import FIELD_BY_TAG
from cers_app.organizations.roles import OrgAction
from cers_app.organizations.service import access_organization

PAGE_SIZE = 25
NO_BUSINESS = "Select a business first: its history is shown for the business you work in."
BAD_DATE = "Enter a date as YYYY-MM-DD."
BAD_RANGE = "The start date must not be after the end date."
BAD_GROUP = "Choose one of the listed kinds of change."
SYSTEM = "OpenCERS"


@dataclass(frozen=True)
class TrailFilter:
    """Which events to show: a group of event types and an inclusive range of local dates."""

    group: str = labels.ALL
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class TrailRow:
    id: int
    when: str
    who: str
    email: str
    what: str
    group: str
    subject: str
    facility: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class Trail:
    """One page of a history: whose it is (a facility or a business) and its rows."""

    title: str
    subtitle: str
    facility_id: int | None
    page: paging.Page[TrailRow]


# A function that returns the recorded (before, after) as they may be shown to the reader.
Shown = Callable[[AuditEvent], tuple[dict[str, Any] | None, dict[str, Any] | None]]


def _date(value: object, field: str, errors: dict[str, str]) -> dt.date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[field] = BAD_DATE
        return None


def check_filter(group: object = "", since: object = "", until: object = "") -> TrailFilter:
    """The filter from what the page sent; ValidationFailed names each field at fault."""
    errors: dict[str, str] = {}
    wanted = str(group or labels.ALL).strip()
    if wanted not in labels.GROUPS:
        errors["group"] = BAD_GROUP
    start = _date(since, "since", errors)
    end = _date(until, "until", errors)
    if start and end and start > end:
        errors["until"] = BAD_RANGE
    if errors:
        raise ValidationFailed(errors)
    return TrailFilter(wanted, start, end)


def _bounds(filters: TrailFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if filters.group != labels.ALL:
        clauses.append(col(AuditEvent.event).in_(labels.events_of(filters.group) or [""]))
    zone = clock.agency_zone()
    if filters.since:
        start = dt.datetime.combine(filters.since, dt.time(), zone).astimezone(dt.UTC)
        clauses.append(col(AuditEvent.at) >= start)
    if filters.until:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), zone)
        clauses.append(col(AuditEvent.at) < end.astimezone(dt.UTC))
    return clauses


def read_page(
    session: Session,
    scope: Sequence[ColumnElement[bool]],
    filters: TrailFilter,
    page: object,
    shown: Shown,
    facility_names: dict[int, str] | None = None,
) -> paging.Page[TrailRow]:
    """One page, newest first, of the events matching `scope` and `filters`, each row's
    recorded values passed through `shown` (secrets are always left out)."""
    number, size = paging.clamp(page, PAGE_SIZE, PAGE_SIZE)
    statement = (
        sa.select(AuditEvent, User.first_name, User.last_name, User.email)
        .outerjoin(User, col(User.id) == AuditEvent.actor_user_id)
        .where(*scope, *_bounds(filters))
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )
    found, total = paging.fetch_page(session, statement, number, size)
    pages = max(1, -(-total // size))
    if number > pages:  # a page past the end (the trail shrank, or a forged number)
        number = pages
        found, total = paging.fetch_page(session, statement, number, size)
    rows = [
        _row(event, first, last, email, shown, facility_names or {})
        for event, first, last, email in found
    ]
    return paging.Page(rows=rows, total=total, page=number, page_size=size)


def _row(
    event: AuditEvent,
    first: str | None,
    last: str | None,
    email: str | None,
    shown: Shown,
    facility_names: dict[int, str],
) -> TrailRow:
    before, after = shown(event)
    facility = ""
    if event.facility_id is not None:
        facility = facility_names.get(event.facility_id, "")
    return TrailRow(
        id=event.id or 0,
        when=clock.format_local(event.at),
        who=f"{first} {last}".strip() if first is not None else SYSTEM,
        email=email or "",
        what=labels.label_of(event.event),
        group=labels.GROUPS.get(labels.group_of(event.event), ""),
        subject=labels.subject_label(event.subject_type, event.subject_id),
        facility=facility,
        changes=changes(before, after),
    )


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[Change, ...]:
    """The recorded fields as before -> after, secrets left out, at most FIELDS_MAX."""
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    if labels.WITHHELD in new:
        return (Change("Values", "", labels.value_text(new[labels.WITHHELD])),)
    keys = [k for k in old if k not in new] + list(new)
    rows = [
        Change(_field(str(k)), labels.value_text(old.get(k)), labels.value_text(new.get(k)))
        for k in keys
        if labels.key_shown(str(k))
    ]
    return tuple(rows[: labels.FIELDS_MAX])


# CERS tags recorded by the forms, in the words their pages use.
_TAG_LABELS: dict[str, str] = {
    **{q.key: q.text for q in business_activities.QUESTIONS},
    **{key: field.label for key, field in owner_operator.FIELDS.items()},
    **{tag: field.label for tag, field in FIELD_BY_TAG.items()},
}


def _field(key: str) -> str:
    return _TAG_LABELS.get(key) or labels.field_label(key)


def as_recorded(event: AuditEvent) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The recorded values unchanged (the reader may see everything the event holds)."""
    return event.before, event.after


def _business_clauses() -> list[ColumnElement[bool]]:
    return [col(AuditEvent.event).not_in(sorted(labels.AGENCY_INTERNAL))]


def facility_trail(
    session: Session, actor: Actor, facility_id: object, filters: TrailFilter, page: object = 1
) -> Trail:
    """A page of one facility's history, for the Lead User of the business holding it."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.READ_HISTORY)
        assert facility.id is not None
        scope = [AuditEvent.facility_id == facility.id, *_business_clauses()]
        return Trail(
            title=facility.name,
            subtitle=f"CERS ID {facility.cers_id}",
            facility_id=facility.id,
            page=read_page(session, scope, filters, page, as_recorded),
        )


def organization_trail(
    session: Session, actor: Actor, organization_id: object, filters: TrailFilter, page: object = 1
) -> Trail:
    """A page of the business's history, for its Lead User (None: no business chosen)."""
    if organization_id is None:
        raise NotFound(NO_BUSINESS)
    with transaction(session):
        organization, _ = access_organization(
            session, actor, organization_id, OrgAction.READ_HISTORY
        )
        held = select(Facility.id).where(Facility.organization_id == organization.id)
        names = {
            fid: f"{name} ({cers_id})"
            for fid, name, cers_id in session.exec(
                select(Facility.id, Facility.name, Facility.cers_id).where(
                    Facility.organization_id == organization.id
                )
            ).all()
            if fid is not None
        }
        scope = [
            or_(
                AuditEvent.organization_id == organization.id,
                col(AuditEvent.facility_id).in_(held),
            ),
            *_business_clauses(),
        ]
        return Trail(
            title=organization.name,
            subtitle=f"Business {organization.code}",
            facility_id=None,
            page=read_page(session, scope, filters, page, as_recorded, names),
        )


def row_view(row: TrailRow) -> dict[str, str]:
    """A row as the history pages show it: text only, the changes one per line."""
    return {
        "id": str(row.id),
        "when": row.when,
        "who": row.who,
        "email": row.email,
        "what": row.what,
        "subject": row.subject,
        "facility": row.facility,
        "changes": "\n".join(
            f"{c.field}: {c.before} → {c.after}" if c.before else f"{c.field}: {c.after}"
            for c in row.changes
        ),
    }
