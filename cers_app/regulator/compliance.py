"""Compliance overview: where the applicable element slots in the actor's reach stand.

Counted in SQL (COUNT / SUM(CASE) ... GROUP BY element) over the element slots the actor
sees that are applicable: overdue (next due date before today), latest submittal Not
Accepted, never submitted, submitted and awaiting review, accepted. Each count has a paged
list of the slots behind it, so a number on the page can be opened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import case, func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, and_, col, select

from cers_app.agencies.models import Agency
from cers_app.core import clock
from cers_app.core.codes import (
    ACCEPTED,
    ELEMENTS,
    NOT_ACCEPTED,
    NOT_REQUIRED,
    SUBMITTED,
    UNDER_REVIEW,
    element_label,
    status_label,
)
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.core.paging import Page, fetch_page
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement, FacilityStatus
from cers_app.facilities.service import is_id
from cers_app.regulator import scope
from cers_app.regulator.scope import Reach, Right

OVERDUE, NOT_ACCEPTED_KEY, NEVER_SUBMITTED, AWAITING_REVIEW, ACCEPTED_KEY = (
    "overdue",
    "not_accepted",
    "never_submitted",
    "awaiting_review",
    "accepted",
)
CATEGORIES = {
    OVERDUE: "Overdue",
    NOT_ACCEPTED_KEY: "Not Accepted",
    NEVER_SUBMITTED: "Never submitted",
    AWAITING_REVIEW: "Awaiting review",
    ACCEPTED_KEY: "Accepted",
}
AGENCY_NOT_FOUND = "That agency is not one of yours. Choose one of your agencies, or all."
NO_ACCESS = "Only regulator staff with a role in an agency can see its compliance overview."


@dataclass(frozen=True)
class ElementCounts:
    element: int
    label: str
    code: str
    applicable: int
    counts: dict[str, int]  # category -> slots


@dataclass(frozen=True)
class ComplianceOverview:
    today: str
    agency_id: int | None
    agencies: list[tuple[int, str]]  # the agencies the actor may filter by
    applicable: int
    totals: dict[str, int]  # category -> slots
    elements: list[ElementCounts]


@dataclass(frozen=True)
class ComplianceRow:
    facility_id: int
    cers_id: int
    name: str
    element: str
    next_due: str
    status: str


def _conditions(today: dt.date) -> dict[str, ColumnElement[bool]]:
    status = col(ElementVersion.status)
    return {
        OVERDUE: and_(
            col(FacilityElement.next_due_date).is_not(None),
            col(FacilityElement.next_due_date) < today,
        ),
        NOT_ACCEPTED_KEY: status == NOT_ACCEPTED,
        NEVER_SUBMITTED: col(FacilityElement.last_submitted_version_id).is_(None),
        AWAITING_REVIEW: status.in_((SUBMITTED, UNDER_REVIEW)),
        ACCEPTED_KEY: status == ACCEPTED,
    }


def _scope(session: Session, actor: Actor, agency_id: object) -> tuple[Reach, Agency | None]:
    reach = scope.reach_of(session, actor, Right.VIEW)
    if reach.empty:
        raise PermissionDenied(NO_ACCESS)
    if agency_id is None:
        return reach, None
    agency = session.get(Agency, agency_id) if is_id(agency_id) else None
    if agency is None or agency.id not in reach.agencies:
        raise NotFound(AGENCY_NOT_FOUND)
    return reach, agency


def _today(agency: Agency | None) -> dt.date:
    if agency is None or not agency.time_zone:
        return clock.today()
    return clock.now().astimezone(ZoneInfo(agency.time_zone)).date()


def _where(reach: Reach, agency: Agency | None) -> list[ColumnElement[bool]]:
    clauses = [
        scope.element_clause(reach),
        col(FacilityElement.requirement) != NOT_REQUIRED,
        col(Facility.status) == FacilityStatus.ACTIVE.value,
    ]
    if agency is not None:
        clauses.append(col(FacilityElement.agency_id) == agency.id)
    return clauses


def compliance_overview(
    session: Session, actor: Actor, *, agency_id: object = None
) -> ComplianceOverview:
    """The counts, in total and per element, of the applicable element slots in reach (of
    one of the actor's agencies when `agency_id` is given)."""
    reach, agency = _scope(session, actor, agency_id)
    today = _today(agency)
    conditions = _conditions(today)
    statement = (
        select(
            FacilityElement.element,
            func.count(),
            *[func.sum(case((condition, 1), else_=0)) for condition in conditions.values()],
        )
        .select_from(FacilityElement)
        .join(Facility, col(Facility.id) == FacilityElement.facility_id)
        .outerjoin(
            ElementVersion, col(ElementVersion.id) == FacilityElement.last_submitted_version_id
        )
        .where(*_where(reach, agency))
        .group_by(col(FacilityElement.element))
        .order_by(col(FacilityElement.element))
    )
    elements = []
    for element, applicable, *sums in session.exec(statement).all():
        elements.append(
            ElementCounts(
                element=element,
                label=element_label(element),
                code=ELEMENTS.get(element, ("", str(element)))[1],
                applicable=int(applicable),
                counts={key: int(value or 0) for key, value in zip(conditions, sums, strict=True)},
            )
        )
    agencies = session.exec(
        select(Agency.id, Agency.name)
        .where(col(Agency.id).in_(sorted(reach.agencies)))
        .order_by(col(Agency.name))
    ).all()
    return ComplianceOverview(
        today=today.isoformat(),
        agency_id=agency.id if agency else None,
        agencies=[(i, name) for i, name in agencies if i is not None],
        applicable=sum(e.applicable for e in elements),
        totals={key: sum(e.counts[key] for e in elements) for key in conditions},
        elements=elements,
    )


def compliance_list(
    session: Session,
    actor: Actor,
    category: object,
    *,
    agency_id: object = None,
    element: object = None,
    page: int = 1,
    page_size: int = 25,
) -> Page[ComplianceRow]:
    """One page of the element slots behind a count, by facility name."""
    if category not in CATEGORIES:
        raise ValidationFailed({"category": "Choose one of the compliance counts."})
    if element is not None and (
        isinstance(element, bool) or not isinstance(element, int) or element not in ELEMENTS
    ):
        raise ValidationFailed({"element": "Choose one of the ten submittal elements."})
    reach, agency = _scope(session, actor, agency_id)
    condition = _conditions(_today(agency))[str(category)]
    statement = (
        select(
            Facility.id,
            Facility.cers_id,
            Facility.name,
            FacilityElement.element,
            FacilityElement.next_due_date,
            ElementVersion.status,
        )
        .select_from(FacilityElement)
        .join(Facility, col(Facility.id) == FacilityElement.facility_id)
        .outerjoin(
            ElementVersion, col(ElementVersion.id) == FacilityElement.last_submitted_version_id
        )
        .where(*_where(reach, agency), condition)
        .order_by(func.lower(Facility.name), col(Facility.id), col(FacilityElement.element))
    )
    if element is not None:
        statement = statement.where(col(FacilityElement.element) == element)
    rows, total = fetch_page(session, statement, page, page_size)
    return Page(
        rows=[
            ComplianceRow(
                facility_id=facility_id,
                cers_id=cers_id,
                name=name,
                element=element_label(slot_element),
                next_due=due.isoformat() if due else "",
                status=status_label(status) if status else "Not submitted",
            )
            for facility_id, cers_id, name, slot_element, due, status in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )
