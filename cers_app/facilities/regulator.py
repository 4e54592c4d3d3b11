"""The regulator's correction of which agency regulates an element of a facility.

The ZIP code rules pick an agency for each element when the facility is created. Where a ZIP
code straddles jurisdictions the rules can pick the wrong one; an Agency Admin of the agency
that has the element now can hand it to another agency. The choice is kept (`agency_overridden`)
and audited; submitted versions keep the agency they were submitted to.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from cers_app.agencies.models import Agency, AgencyMember, RegulatorRole
from cers_app.core import audit
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, ELEMENTS, FACILITY_INFORMATION, element_label
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.core.permissions import Actor, Permission
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement, FacilityStatus
from cers_app.facilities.service import is_id

NOT_FOUND = "That facility was not found in your agency's jurisdiction."


def _slot(session: Session, facility_id: int, element: int, *, lock: bool) -> FacilityElement:
    statement = select(FacilityElement).where(
        FacilityElement.facility_id == facility_id, FacilityElement.element == element
    )
    if lock:
        # Two admins changing the same element at once: the second waits and sees the first.
        statement = statement.with_for_update()
    found = session.exec(statement).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def _role_in(session: Session, actor: Actor, agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    return session.exec(
        select(AgencyMember.role).where(
            AgencyMember.agency_id == agency_id,
            AgencyMember.user_id == actor.user_id,
            col(AgencyMember.active).is_(True),
        )
    ).first()


def change_element_agency(
    session: Session, actor: Actor, facility_id: object, element: object, agency_id: object
) -> bool:
    """Hand `element` of the facility to the agency `agency_id`.

    Only an Agency Admin of the agency regulating the element now may do it (for an element
    no agency has yet, the agency of the facility's Facility Information). Others on that
    agency's staff get PermissionDenied; anyone else NotFound. Returns False, writing
    nothing, when the element already belongs to that agency.
    """
    if not actor.can(Permission.REGULATOR_PORTAL) or not is_id(facility_id):
        raise NotFound(NOT_FOUND)
    if not (isinstance(element, int) and not isinstance(element, bool) and element in ELEMENTS):
        raise ValidationFailed({"element": "Choose one of the ten submittal elements."})
    with transaction(session):
        facility = session.get(Facility, facility_id)
        if facility is None or facility.status != FacilityStatus.ACTIVE:
            raise NotFound(NOT_FOUND)
        assert facility.id is not None
        slot = _slot(session, facility.id, element, lock=True)
        current = slot.agency_id
        if current is None:
            current = _slot(session, facility.id, FACILITY_INFORMATION, lock=False).agency_id
        role = _role_in(session, actor, current)
        if role is None:
            raise NotFound(NOT_FOUND)
        if role != RegulatorRole.ADMIN:
            raise PermissionDenied(
                "Only an Agency Admin of the agency regulating it can hand an element to "
                "another agency."
            )
        target = session.get(Agency, agency_id) if is_id(agency_id) else None
        if target is None:
            raise ValidationFailed({"agency": "Choose an agency of this OpenCERS site."})
        if slot.agency_id == target.id:
            return False
        before = {"element": element, "agency_id": slot.agency_id}
        slot.agency_id = target.id
        slot.agency_overridden = True
        session.add(slot)
        if slot.draft_version_id is not None:
            draft = session.get(ElementVersion, slot.draft_version_id)
            if draft is not None and draft.status == DRAFT:
                draft.agency_id = target.id
                session.add(draft)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.FACILITY_REGULATOR_CHANGED,
            subject_type="facility",
            subject_id=facility.id,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            agency_id=target.id,
            before=before,
            after={
                "element": element,
                "agency_id": target.id,
                "label": element_label(element),
                "agency": target.name,
            },
            client_ip=actor.client_ip,
        )
        return True
