"""The regulator's facility summary and its Reporting Requirements: per element whether it
applies, who regulates it, when it is next due and where its submittals stand.

What a regulator sees and may change is decided by `regulator.scope`: the facility is loaded
with the right the action needs, and only the elements the actor reaches are shown or changed.
Applicability set here sticks (`requirement_source` "regulator"): later Business Activities
answers no longer change it. Handing an element to another agency stays the job of
`facilities.regulator.change_element_agency`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cers_app.accounts.models import User, UserStatus
from cers_app.agencies.jurisdiction import city_key, zip5
from cers_app.agencies.models import Agency, AgencyKind, JurisdictionRule, RegulatorRole
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import (
    ALWAYS_REQUIRED,
    ELEMENTS,
    FACILITY_INFORMATION,
    NOT_REQUIRED,
    REQUIRED,
    county_label,
    element_label,
    status_label,
)
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.permissions import Actor
from cers_app.facilities import regulator as facility_regulator
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.organizations.models import Organization, OrgMember
from cers_app.organizations.roles import OrgRole
from cers_app.regulator import facility_emails, requirements, scope
from cers_app.regulator.facility_search import address_line
from cers_app.regulator.scope import Right
from cers_app.submittals.annual import HMBP, today_for

# CERS keeps the plan's inventory and its emergency response and training plans together.
REQUIREMENT_LABELS = {
    NOT_REQUIRED: "Not applicable",
    REQUIRED: "Applicable",
    ALWAYS_REQUIRED: "Always",
}
SOURCE_LABELS = {
    "always": "Every facility reports it",
    "business_activities": "Business Activities answers",
    "regulator": "Set by the regulator",
}
FI_ALWAYS = (
    "Facility Information is always required: every facility reports it, so it cannot be "
    "made not applicable."
)
IN_THE_PAST = "The next due date cannot be in the past. Choose today or a later date."
EMAIL_ROLES = (OrgRole.LEAD.value, OrgRole.APPROVER.value)
SUBMITTALS_SHOWN = 100


@dataclass(frozen=True)
class ElementSummary:
    element: int
    label: str
    code: str
    requirement: str  # Applicable / Not applicable / Always
    requirement_source: str
    applicable: bool
    always: bool
    agency_id: int | None
    agency: str
    next_due: str  # ISO date or ""
    overdue: bool
    last_submitted: str
    last_submitted_status: str
    last_submitted_version_id: int | None
    last_accepted: str
    last_accepted_version_id: int | None
    comments: str
    can_manage: bool  # may change applicability and due date
    can_change_agency: bool  # an Agency Admin of the agency regulating it now


@dataclass(frozen=True)
class SubmittalLine:
    version_id: int
    element: str
    submitted: str
    status: str
    agency: str


@dataclass(frozen=True)
class FacilitySummary:
    id: int
    cers_id: int
    name: str
    address: str
    county: str
    local_facility_id: str
    epa_id: str
    organization_id: int
    business: str
    today: str
    elements: list[ElementSummary]
    submittals: list[SubmittalLine]


@dataclass(frozen=True)
class AgencyChoice:
    id: int
    name: str
    kind: str
    potential: bool  # its ZIP code rules cover this facility for the element


def _element(element: object) -> int:
    if isinstance(element, bool) or not isinstance(element, int) or element not in ELEMENTS:
        raise ValidationFailed({"element": "Choose one of the ten submittal elements."})
    return element


def _date(version: ElementVersion | None) -> str:
    if version is None or version.submitted_at is None:
        return ""
    return clock.local(version.submitted_at).date().isoformat()


def _admin_agencies(session: Session, actor: Actor) -> set[int]:
    roles = scope.roles_of(session, actor)
    return {agency_id for agency_id, role in roles.items() if role == RegulatorRole.ADMIN.value}


def facility_summary(session: Session, actor: Actor, facility_id: object) -> FacilitySummary:
    """The facility as its regulator sees it: header, business, each element in reach."""
    facility = scope.load_facility(session, actor, facility_id, Right.VIEW)
    assert facility.id is not None
    seen = scope.visible_elements(session, actor, facility.id, Right.VIEW)
    manageable = scope.visible_elements(session, actor, facility.id, Right.MANAGE)
    slots = session.exec(
        select(FacilityElement)
        .where(FacilityElement.facility_id == facility.id)
        .order_by(col(FacilityElement.element))
    ).all()
    version_ids = {
        v for s in slots for v in (s.last_submitted_version_id, s.last_accepted_version_id) if v
    }
    versions = {
        v.id: v
        for v in session.exec(
            select(ElementVersion).where(col(ElementVersion.id).in_(version_ids or {0}))
        ).all()
    }
    agencies = {a.id: a.name for a in session.exec(select(Agency)).all()}
    admin_of = _admin_agencies(session, actor)
    fi_agency = next((s.agency_id for s in slots if s.element == FACILITY_INFORMATION), None)
    today = today_for(session, facility.id)
    elements = []
    for slot in slots:
        if slot.element not in seen:
            continue
        submitted = versions.get(slot.last_submitted_version_id)
        accepted = versions.get(slot.last_accepted_version_id)
        applicable = slot.requirement != NOT_REQUIRED
        elements.append(
            ElementSummary(
                element=slot.element,
                label=element_label(slot.element),
                code=ELEMENTS[slot.element][1],
                requirement=REQUIREMENT_LABELS.get(slot.requirement, ""),
                requirement_source=SOURCE_LABELS.get(slot.requirement_source, ""),
                applicable=applicable,
                always=slot.requirement == ALWAYS_REQUIRED,
                agency_id=slot.agency_id,
                agency=agencies.get(slot.agency_id, "") if slot.agency_id else "",
                next_due=slot.next_due_date.isoformat() if slot.next_due_date else "",
                overdue=bool(applicable and slot.next_due_date and slot.next_due_date < today),
                last_submitted=_date(submitted),
                last_submitted_status=status_label(submitted.status) if submitted else "",
                last_submitted_version_id=slot.last_submitted_version_id,
                last_accepted=_date(accepted),
                last_accepted_version_id=slot.last_accepted_version_id,
                comments=slot.regulator_comments,
                can_manage=slot.element in manageable,
                can_change_agency=(slot.agency_id or fi_agency) in admin_of,
            )
        )
    organization = session.get(Organization, facility.organization_id)
    return FacilitySummary(
        id=facility.id,
        cers_id=facility.cers_id,
        name=facility.name,
        address=address_line(facility),
        county=county_label(facility.county),
        local_facility_id=facility.local_facility_id,
        epa_id=facility.epa_id,
        organization_id=facility.organization_id,
        business=organization.name if organization else "",
        today=today.isoformat(),
        elements=elements,
        submittals=_submittals(session, actor, facility.id, agencies),
    )


def _submittals(
    session: Session, actor: Actor, facility_id: int, agencies: dict
) -> list[SubmittalLine]:
    reach = scope.reach_of(session, actor, Right.VIEW)
    rows = session.exec(
        select(ElementVersion)
        .where(ElementVersion.facility_id == facility_id, scope.version_clause(reach))
        .order_by(col(ElementVersion.submitted_at).desc(), col(ElementVersion.id).desc())
        .limit(SUBMITTALS_SHOWN)
    ).all()
    return [
        SubmittalLine(
            version_id=v.id or 0,
            element=element_label(v.element),
            submitted=clock.format_local(v.submitted_at),
            status=status_label(v.status),
            agency=agencies.get(v.agency_id, "") if v.agency_id else "",
        )
        for v in rows
    ]


def _managed_slots(
    session: Session, actor: Actor, facility: Facility, elements: tuple[int, ...]
) -> list[FacilityElement]:
    """The element rows, locked, when the actor manages every one of them."""
    assert facility.id is not None
    manageable = scope.visible_elements(session, actor, facility.id, Right.MANAGE)
    missing = [e for e in elements if e not in manageable]
    if missing:
        seen = scope.visible_elements(session, actor, facility.id, Right.VIEW)
        if any(e not in seen for e in missing):
            names = ", ".join(element_label(e) for e in missing)
            raise PermissionDenied(
                f"{names} of this facility is regulated by another agency; ask that agency "
                "to change it."
            )
        raise PermissionDenied("Only a Reviewer or Agency Admin can change reporting requirements.")
    slots = session.exec(
        select(FacilityElement)
        .where(
            FacilityElement.facility_id == facility.id,
            col(FacilityElement.element).in_(elements),
        )
        .order_by(col(FacilityElement.element))
        .with_for_update()
    ).all()
    if len(slots) != len(elements):
        raise NotFound(scope.FACILITY_NOT_FOUND)
    return list(slots)


def set_requirement(
    session: Session, actor: Actor, facility_id: object, element: object, applicable: object
) -> bool:
    """Make an element applicable or not applicable (HMI and ERTP move together).

    The choice sticks against later Business Activities answers; the business's Lead Users
    and Approvers are emailed and the change is audited. Returns False, writing nothing,
    when nothing changes.
    """
    element = _element(element)
    if not isinstance(applicable, bool):
        raise ValidationFailed({"applicable": "Choose Applicable or Not applicable."})
    if element == FACILITY_INFORMATION:
        raise ValidationFailed({"applicable": FI_ALWAYS}, message=FI_ALWAYS)
    elements = requirements.together(element)
    with transaction(session):
        facility = scope.load_facility(session, actor, facility_id, Right.MANAGE)
        assert facility.id is not None
        slots = _managed_slots(session, actor, facility, elements)
        wanted = REQUIRED if applicable else NOT_REQUIRED
        before = {str(s.element): [s.requirement, s.requirement_source] for s in slots}
        # Only a real change of requirement is news to the business; a confirmation of what
        # the answers gave just makes it stick.
        changed = [s for s in slots if s.requirement != wanted]
        pinned = requirements.pin(slots, wanted)
        if not pinned:
            return False
        session.add_all(pinned)
        after: dict[str, object] = {str(s.element): [wanted, "regulator"] for s in pinned}
        if not applicable:
            after["activities"] = requirements.answer_no_for(session, facility.id, elements)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.REPORTING_REQUIREMENT_SET,
            subject_type="facility",
            subject_id=facility.id,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            agency_id=slots[0].agency_id,
            before={k: v for k, v in before.items() if k in {str(s.element) for s in pinned}},
            after=after,
            client_ip=actor.client_ip,
        )
        if changed:
            _email_business(session, facility, changed, applicable)
        return True


def _email_business(
    session: Session, facility: Facility, slots: list[FacilityElement], applicable: bool
) -> None:
    assert facility.id is not None
    agency = session.get(Agency, slots[0].agency_id) if slots[0].agency_id else None
    labels = [element_label(s.element) for s in slots]
    people = session.exec(
        select(User)
        .join(OrgMember, col(OrgMember.user_id) == User.id)
        .where(
            OrgMember.organization_id == facility.organization_id,
            col(OrgMember.role).in_(EMAIL_ROLES),
            User.status == UserStatus.ACTIVE.value,
        )
        .order_by(col(User.id))
    ).all()
    for person in people:
        message = facility_emails.requirement_changed(
            person.first_name,
            facility.name,
            facility.cers_id,
            facility.id,
            agency.name if agency else "Your regulator",
            labels,
            applicable,
        )
        queue_email(
            session, to=person.email, message=message, kind="requirement_set", user_id=person.id
        )


def set_due_date(
    session: Session, actor: Actor, facility_id: object, element: object, due: object
) -> bool:
    """Set (or clear, with None) an element's next due date; not in the past; audited.

    The plan's Facility Information, inventory and plans share one due date (the annual
    certification), so setting one of them sets those of the three the actor manages.
    Returns False when nothing changes.
    """
    element = _element(element)
    if due is not None and (not isinstance(due, dt.date) or isinstance(due, dt.datetime)):
        raise ValidationFailed({"due": "Enter a date such as 2027-03-01, or leave it empty."})
    with transaction(session):
        facility = scope.load_facility(session, actor, facility_id, Right.MANAGE)
        assert facility.id is not None
        elements: tuple[int, ...] = (element,)
        if element in HMBP:
            manageable = scope.visible_elements(session, actor, facility.id, Right.MANAGE)
            elements = tuple(e for e in HMBP if e in manageable or e == element)
        slots = _managed_slots(session, actor, facility, elements)
        if due is not None and due < today_for(session, facility.id):
            raise ValidationFailed({"due": IN_THE_PAST}, message=IN_THE_PAST)
        changed = [s for s in slots if s.next_due_date != due]
        if not changed:
            return False
        before = {
            str(s.element): s.next_due_date.isoformat() if s.next_due_date else None
            for s in changed
        }
        for slot in changed:
            slot.next_due_date = due
            session.add(slot)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.DUE_DATE_SET,
            subject_type="facility",
            subject_id=facility.id,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            agency_id=changed[0].agency_id,
            before=before,
            after={str(s.element): due.isoformat() if due else None for s in changed},
            client_ip=actor.client_ip,
        )
        return True


def agency_choices(
    session: Session, actor: Actor, facility_id: object, element: object
) -> list[AgencyChoice]:
    """The agencies that could take the element: first those whose ZIP code rules cover the
    facility for it (the "potential mappings"), then the rest; the current one left out."""
    element = _element(element)
    facility = scope.load_facility(session, actor, facility_id, Right.VIEW)
    current = session.exec(
        select(FacilityElement.agency_id).where(
            FacilityElement.facility_id == facility.id, FacilityElement.element == element
        )
    ).first()
    rules = session.exec(
        select(JurisdictionRule.agency_id, JurisdictionRule.city).where(
            JurisdictionRule.element == element,
            JurisdictionRule.zip_code == zip5(facility.zip_code),
        )
    ).all()
    city = city_key(facility.city)
    potential = {agency_id for agency_id, rule_city in rules if not rule_city or rule_city == city}
    agencies = session.exec(select(Agency).order_by(col(Agency.name))).all()
    choices = [
        AgencyChoice(
            id=a.id or 0,
            name=a.name,
            kind="CUPA" if a.kind == AgencyKind.CUPA.value else "PA",
            potential=a.id in potential,
        )
        for a in agencies
        if a.id != current
    ]
    return sorted(choices, key=lambda c: (not c.potential, c.name.casefold()))


def change_agency(
    session: Session, actor: Actor, facility_id: object, element: object, agency_id: object
) -> bool:
    """Change CUPA from the summary page: `facilities.regulator.change_element_agency`,
    the one place an element's agency changes (an Agency Admin of its current agency)."""
    return facility_regulator.change_element_agency(session, actor, facility_id, element, agency_id)
