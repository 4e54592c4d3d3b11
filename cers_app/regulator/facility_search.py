"""Regulator facility search: one text box over the facilities in the actor's jurisdiction.

The text matches a CERS ID exactly (when it is all digits), or anywhere (ignoring case) in the
CUPA's Facility ID, the facility's name, street, city or ZIP code, or its business's name.
Everything is filtered, sorted and paged in SQL; an empty text lists the whole reach.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from cers_app.core.codes import ELEMENTS, NOT_REQUIRED, status_label
from cers_app.core.errors import PermissionDenied, ValidationFailed
from cers_app.core.paging import Page, fetch_page
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement, FacilityStatus
from cers_app.organizations.models import Organization
from cers_app.regulator import scope
from cers_app.regulator.scope import Right

MAX_QUERY = 100
MAX_CERS_ID = 2**31 - 1
NO_ACCESS = "Only regulator staff with a role in an agency can search its facilities."
NO_RESPONDER_ACCESS = "Only an Emergency Responder of an agency can use the responder search."


@dataclass(frozen=True)
class FacilitySearchRow:
    facility_id: int
    cers_id: int
    name: str
    address: str
    business: str
    organization_id: int
    local_facility_id: str
    elements: str  # e.g. "FI Accepted · HMI Submitted · ERTP Not submitted"


def address_line(facility: Facility) -> str:
    """Street, supplemental line, city and ZIP code on one line."""
    street = ", ".join(p for p in (facility.street, facility.supplemental) if p)
    return f"{street}, {facility.city} {facility.zip_code}"


def clean_query(text: object) -> str:
    """The search text, spaces collapsed; ValidationFailed when it is not text or too long."""
    if not isinstance(text, str):
        raise ValidationFailed({"query": "Type a CERS ID, Facility ID, name or address."})
    cleaned = " ".join(text.split())
    if len(cleaned) > MAX_QUERY:
        raise ValidationFailed(
            {"query": f"Search with at most {MAX_QUERY} characters; shorten the text."}
        )
    return cleaned


def search_facilities(
    session: Session,
    actor: Actor,
    text: object,
    page: int = 1,
    page_size: int = 25,
    *,
    right: Right = Right.VIEW,
) -> Page[FacilitySearchRow]:
    """One page of the active facilities in the actor's reach with `right` (the portal's
    VIEW, or the Emergency Responder's RESPOND) matching `text`, by name."""
    wanted = clean_query(text)
    reach = scope.reach_of(session, actor, right)
    if reach.empty:
        raise PermissionDenied(NO_RESPONDER_ACCESS if right is Right.RESPOND else NO_ACCESS)
    statement = (
        select(Facility, Organization.name)
        .join(Organization, col(Organization.id) == Facility.organization_id)
        .where(Facility.status == FacilityStatus.ACTIVE.value, scope.facilities_first(reach))
        .order_by(func.lower(Facility.name), col(Facility.id))
    )
    if wanted:
        needle = wanted.casefold()
        # autoescape: a typed "%" or "_" is searched for, not used as a LIKE wildcard.
        matches = [
            func.lower(column).contains(needle, autoescape=True)
            for column in (
                Facility.local_facility_id,
                Facility.name,
                Facility.street,
                Facility.city,
                Facility.zip_code,
            )
        ]
        # Businesses matched on their own, once (a hashed set), not each facility's joined row.
        businesses = select(Organization.id).where(
            func.lower(Organization.name).contains(needle, autoescape=True)
        )
        matches.append(col(Facility.organization_id).in_(businesses))
        if wanted.isascii() and wanted.isdigit() and int(wanted) <= MAX_CERS_ID:
            matches.append(col(Facility.cers_id) == int(wanted))
        statement = statement.where(or_(*matches))
    rows, total = fetch_page(session, statement, page, page_size, count_with_rows=True)
    summaries = element_summaries(session, reach, [f.id for f, _ in rows if f.id is not None])
    return Page(
        rows=[
            FacilitySearchRow(
                facility_id=facility.id or 0,
                cers_id=facility.cers_id,
                name=facility.name,
                address=address_line(facility),
                business=business,
                organization_id=facility.organization_id,
                local_facility_id=facility.local_facility_id,
                elements=summaries.get(facility.id or 0, ""),
            )
            for facility, business in rows
        ],
        total=total,
        page=page,
        page_size=page_size,
    )


def element_summaries(
    session: Session, reach: scope.Reach, facility_ids: list[int]
) -> dict[int, str]:
    """facility id -> a short line of each applicable element the reach sees and its status."""
    if not facility_ids:
        return {}
    rows = session.exec(
        select(FacilityElement.facility_id, FacilityElement.element, ElementVersion.status)
        .outerjoin(
            ElementVersion, col(ElementVersion.id) == FacilityElement.last_submitted_version_id
        )
        .where(
            col(FacilityElement.facility_id).in_(facility_ids),
            FacilityElement.requirement != NOT_REQUIRED,
            scope.element_clause(reach),
        )
        .order_by(col(FacilityElement.facility_id), col(FacilityElement.element))
    ).all()
    parts: dict[int, list[str]] = defaultdict(list)
    for facility_id, element, status in rows:
        code = ELEMENTS.get(element, ("", str(element)))[1]
        parts[facility_id].append(f"{code} {status_label(status) if status else 'Not submitted'}")
    return {facility_id: " · ".join(items) for facility_id, items in parts.items()}
