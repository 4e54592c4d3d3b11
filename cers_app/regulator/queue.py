"""The review queue: the submitted element versions a regulator sees, filtered and paged in SQL.

By default it lists what is not yet reviewed (Submitted and Under Review), oldest first, so
the longest-waiting submittal is on top. Every filter arrives from the browser as text and
is checked here: an unknown element, status or agency is refused with a message, never
ignored and never a crash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, func, or_, select

from cers_app.accounts.models import User
from cers_app.agencies.models import Agency
from cers_app.core import clock, paging
from cers_app.core.codes import (
    ACCEPTED,
    ELEMENTS,
    NOT_ACCEPTED,
    NOT_APPLICABLE,
    SUBMITTED,
    UNDER_REVIEW,
    element_label,
    status_label,
)
from cers_app.core.errors import ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityStatus
from cers_app.regulator import scope
from cers_app.regulator.scope import Right

OPEN, ALL = "open", "all"
OPEN_STATUSES = (SUBMITTED, UNDER_REVIEW)
STATUS_CHOICES: dict[str, str] = {
    OPEN: "Not yet reviewed (Submitted + Under Review)",
    **{
        str(code): status_label(code)
        for code in (SUBMITTED, UNDER_REVIEW, ACCEPTED, NOT_ACCEPTED, NOT_APPLICABLE)
    },
    ALL: "All statuses",
}
OLDEST, NEWEST = "oldest", "newest"
SORTS = {OLDEST: "Oldest first", NEWEST: "Newest first"}
FACILITY_TEXT_MAX = 100
PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueQuery:
    """The queue's filters as the page sends them (text; checked by `queue_page`)."""

    element: str = ""  # "" = every element, else "1".."10"
    status: str = OPEN  # OPEN, ALL or one status code "2".."6"
    agency: str = ""  # "" = every agency in reach, else an agency id
    submitted_from: str = ""  # YYYY-MM-DD, agency local date, inclusive
    submitted_to: str = ""  # YYYY-MM-DD, inclusive
    facility: str = ""  # CERS ID, or part of the facility's name or city
    sort: str = OLDEST
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class QueueRow:
    version_id: int
    facility_id: int
    cers_id: int
    facility_name: str
    city: str
    element: int
    element_label: str
    agency: str
    submitted_at: str
    status: int
    status_label: str
    submitter: str


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    page_size: int
    agencies: dict[str, str] = field(default_factory=dict)  # id -> name, the filter's choices


@dataclass(frozen=True)
class QueueCounts:
    submitted: int
    under_review: int


def _choice(value: object, allowed: set[str], default: str) -> str | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return default
    return text if text in allowed else None


def _day(value: object, name: str, errors: dict[str, str]) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = "Enter a date such as 2026-03-01."
        return None


def _local_start(day: dt.date) -> dt.datetime:
    """The UTC moment the agency's local day begins."""
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.agency_zone()).astimezone(dt.UTC)


def _agency_choices(session: Session, reach: scope.Reach) -> dict[str, str]:
    agencies = session.exec(
        select(Agency)
        .where(col(Agency.id).in_(sorted(reach.agencies) or [0]))
        .order_by(Agency.name)
    ).all()
    return {str(agency.id): agency.name for agency in agencies}


def _checked(query: QueueQuery, agencies: dict[str, str]) -> dict[str, object]:
    """The query's filters parsed, or ValidationFailed naming each one at fault."""
    errors: dict[str, str] = {}
    element = _choice(query.element, {str(e) for e in ELEMENTS}, "")
    if element is None:
        errors["element"] = "Choose one of the ten submittal elements, or all of them."
    status = _choice(query.status, set(STATUS_CHOICES), OPEN)
    if status is None:
        errors["status"] = "Choose a status, Not yet reviewed, or All statuses."
    agency = _choice(query.agency, set(agencies), "")
    if agency is None:
        errors["agency"] = "Choose one of your agencies, or all of them."
    sort = _choice(query.sort, set(SORTS), OLDEST)
    if sort is None:
        errors["sort"] = "Sort oldest or newest first."
    start = _day(query.submitted_from, "submitted_from", errors)
    end = _day(query.submitted_to, "submitted_to", errors)
    if start and end and start > end:
        errors["submitted_to"] = "The end of the date range must not be before its start."
    text = " ".join(str(query.facility if query.facility is not None else "").split())
    if len(text) > FACILITY_TEXT_MAX:
        errors["facility"] = f"Search with at most {FACILITY_TEXT_MAX} characters."
    if errors:
        raise ValidationFailed(errors)
    return {
        "element": int(element) if element else None,
        "status": status,
        "agency": int(agency) if agency else None,
        "start": start,
        "end": end,
        "text": text,
        "sort": sort,
    }


def _facilities(text: str) -> sa.Select:
    """The active facilities whose name or city contains `text` or whose CERS ID it is."""
    facilities = select(Facility.id).where(Facility.status == FacilityStatus.ACTIVE.value)
    if not text:
        return facilities
    lowered = text.lower()
    matches = [
        func.lower(Facility.name).contains(lowered, autoescape=True),
        func.lower(Facility.city).contains(lowered, autoescape=True),
    ]
    if text.isascii() and text.isdigit() and len(text) < 12:
        matches.append(Facility.cers_id == int(text))
    return facilities.where(or_(*matches))


def _matching(reach: scope.Reach, f: dict[str, object]) -> sa.Select:
    """The ids of the versions the filters select, in the page's order.

    Only ids, so that the database can sort and count them from an index and read the
    full rows of one page alone (`_details`).
    """
    statement = select(ElementVersion.id).where(
        scope.version_clause(reach, _facilities(str(f["text"])))
    )
    if f["element"] is not None:
        statement = statement.where(ElementVersion.element == f["element"])
    if f["status"] == OPEN:
        statement = statement.where(col(ElementVersion.status).in_(OPEN_STATUSES))
    elif f["status"] != ALL:
        statement = statement.where(ElementVersion.status == int(str(f["status"])))
    if f["agency"] is not None:
        statement = statement.where(ElementVersion.agency_id == f["agency"])
    if isinstance(f["start"], dt.date):
        statement = statement.where(col(ElementVersion.submitted_at) >= _local_start(f["start"]))
    if isinstance(f["end"], dt.date):
        end = _local_start(f["end"] + dt.timedelta(days=1))
        statement = statement.where(col(ElementVersion.submitted_at) < end)
    order = col(ElementVersion.submitted_at)
    ids = col(ElementVersion.id)
    if f["sort"] == NEWEST:
        return statement.order_by(order.desc(), ids.desc())
    return statement.order_by(order, ids)


def _details(session: Session, version_ids: list[int]) -> list[QueueRow]:
    """The queue rows of `version_ids`, in that order."""
    found = session.exec(
        select(
            ElementVersion.id,
            ElementVersion.facility_id,
            Facility.cers_id,
            Facility.name,
            Facility.city,
            ElementVersion.element,
            Agency.name,
            ElementVersion.submitted_at,
            ElementVersion.status,
            User.first_name,
            User.last_name,
        )
        .join(Facility, col(Facility.id) == ElementVersion.facility_id)
        .outerjoin(Agency, col(Agency.id) == ElementVersion.agency_id)
        .outerjoin(User, col(User.id) == ElementVersion.submitted_by_user_id)
        .where(col(ElementVersion.id).in_(version_ids))
    ).all()
    rows = {
        row[0]: QueueRow(
            version_id=row[0],
            facility_id=row[1],
            cers_id=row[2],
            facility_name=row[3],
            city=row[4],
            element=row[5],
            element_label=element_label(row[5]),
            agency=row[6] or "Not assigned",
            submitted_at=clock.format_local(row[7]),
            status=row[8],
            status_label=status_label(row[8]),
            submitter=f"{row[9] or ''} {row[10] or ''}".strip(),
        )
        for row in found
    }
    return [rows[version_id] for version_id in version_ids if version_id in rows]


def queue_page(session: Session, actor: Actor, query: QueueQuery) -> QueuePage:
    """One page of the submitted versions the actor sees, filtered as `query` asks."""
    reach = scope.reach_of(session, actor, Right.VIEW)
    agencies = _agency_choices(session, reach)
    filters = _checked(query, agencies)
    page, size = paging.clamp(query.page, query.page_size, PAGE_SIZE)
    ids, total = paging.fetch_page(
        session, _matching(reach, filters), page, size, count_with_rows=True
    )
    return QueuePage(
        rows=_details(session, [row[0] for row in ids]),
        total=total,
        page=page,
        pages=max(1, -(-total // size)),
        page_size=size,
        agencies=agencies,
    )


def queue_counts(session: Session, actor: Actor) -> QueueCounts:
    """How many versions in the actor's reach are Submitted and Under Review."""
    reach = scope.reach_of(session, actor, Right.VIEW)
    counts = dict(
        session.exec(
            select(ElementVersion.status, func.count())
            .where(
                scope.version_clause(reach, _facilities("")),
                col(ElementVersion.status).in_(OPEN_STATUSES),
            )
            .group_by(ElementVersion.status)
        ).all()
    )
    return QueueCounts(
        submitted=int(counts.get(SUBMITTED, 0)), under_review=int(counts.get(UNDER_REVIEW, 0))
    )
