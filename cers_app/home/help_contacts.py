"""Who regulates a business user's facilities, and how to reach them (the Help and Tools page).

Only facilities of active businesses where the actor holds a role that may view them are
listed, and only for someone signed in to the Business Portal: a regulator's staff find their
own agency elsewhere, and nobody sees another business's regulators here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cers_app.agencies.models import AGENCY_KIND_LABELS, Agency, AgencyKind
from cers_app.core.codes import NOT_REQUIRED
from cers_app.core.permissions import Actor, Permission
from cers_app.facilities.models import Facility, FacilityElement, FacilityStatus
from cers_app.organizations.models import Organization, OrgMember, OrgStatus
from cers_app.organizations.roles import OrgAction, OrgRole, allows

# A consultant may serve many businesses; the page lists this many facilities at most.
MAX_FACILITIES = 100


@dataclass(frozen=True)
class AgencyContact:
    """One agency regulating some of a facility's elements, with its public contact details."""

    agency_id: int
    name: str
    kind: str
    phone: str
    email: str
    website: str
    elements: tuple[int, ...]
    """The facility's required elements (1-10) this agency regulates, in order."""


@dataclass(frozen=True)
class FacilityRegulators:
    facility_id: int
    cers_id: int
    name: str
    city: str
    business: str
    agencies: tuple[AgencyContact, ...]


@dataclass(frozen=True)
class HelpContacts:
    facilities: tuple[FacilityRegulators, ...]
    more: bool
    """True when the actor has more facilities than MAX_FACILITIES (the rest are left out)."""


NONE = HelpContacts((), False)


def _viewing_roles() -> list[str]:
    return [role.value for role in OrgRole if allows(role, OrgAction.VIEW)]


def _facilities(session: Session, actor: Actor) -> list[tuple[Facility, str]]:
    rows = session.exec(
        select(Facility, Organization.name)
        .join(Organization, col(Organization.id) == Facility.organization_id)
        .join(OrgMember, col(OrgMember.organization_id) == Organization.id)
        .where(
            OrgMember.user_id == actor.user_id,
            col(OrgMember.role).in_(_viewing_roles()),
            Organization.status == OrgStatus.ACTIVE.value,
            Facility.status == FacilityStatus.ACTIVE.value,
        )
        .order_by(
            func.lower(Organization.name),
            Organization.id,
            func.lower(Facility.name),
            Facility.cers_id,
        )
        .limit(MAX_FACILITIES + 1)
    ).all()
    return [(facility, business) for facility, business in rows]


def _kind_label(kind: str) -> str:
    try:
        return AGENCY_KIND_LABELS[AgencyKind(kind)]
    except ValueError:
        return kind


def _agencies_by_facility(
    session: Session, facility_ids: list[int]
) -> dict[int, list[AgencyContact]]:
    rows = session.exec(
        select(FacilityElement.facility_id, FacilityElement.element, Agency)
        .join(Agency, col(Agency.id) == FacilityElement.agency_id)
        .where(
            col(FacilityElement.facility_id).in_(facility_ids or [0]),
            FacilityElement.requirement != NOT_REQUIRED,
        )
        .order_by(FacilityElement.facility_id, FacilityElement.element)
    ).all()
    # Per facility: each agency once, in the order of the first element it regulates.
    grouped: dict[int, dict[int, tuple[Agency, list[int]]]] = {}
    for facility_id, element, agency in rows:
        per_agency = grouped.setdefault(facility_id, {})
        _, elements = per_agency.setdefault(agency.id or 0, (agency, []))
        elements.append(element)
    return {
        facility_id: [
            AgencyContact(
                agency_id=agency.id or 0,
                name=agency.name,
                kind=_kind_label(agency.kind),
                phone=agency.phone,
                email=agency.email,
                website=agency.website,
                elements=tuple(elements),
            )
            for agency, elements in per_agency.values()
        ]
        for facility_id, per_agency in grouped.items()
    }


def help_contacts(session: Session, actor: Actor | None) -> HelpContacts:
    """The regulators of the actor's facilities, per facility; empty for anyone else.

    Anonymous visitors and Regulator Portal sessions get nothing; a business user gets the
    active facilities of their businesses (at most MAX_FACILITIES), each with the agencies
    responsible for its required elements.
    """
    if actor is None or not actor.can(Permission.BUSINESS_PORTAL):
        return NONE
    found = _facilities(session, actor)
    shown = found[:MAX_FACILITIES]
    agencies = _agencies_by_facility(session, [f.id for f, _ in shown if f.id is not None])
    return HelpContacts(
        facilities=tuple(
            FacilityRegulators(
                facility_id=facility.id or 0,
                cers_id=facility.cers_id,
                name=facility.name,
                city=facility.city,
                business=business,
                agencies=tuple(agencies.get(facility.id or 0, [])),
            )
            for facility, business in shown
        ),
        more=len(found) > MAX_FACILITIES,
    )
