"""The HMBP due date of a facility: kept on its FI, HMI and ERTP element rows, moved by an
annual certification, set by the regulator.

The rule and time zone come from the agency regulating the facility's Facility Information.
A change submittal leaves the date alone, except that the first HMBP submittal of a
facility without a due date starts its yearly cycle.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from cers_app.agencies.models import Agency, AgencyMember, RegulatorRole
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import FACILITY_INFORMATION
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.facilities.service import is_id
from cers_app.submittals import due_dates
from cers_app.submittals.due_dates import AnnualRule
from cers_app.submittals.models import Submittal

HMBP = (1, 2, 3)
ANNUAL, CHANGE = "annual", "change"
SETTERS = {RegulatorRole.ADMIN.value, RegulatorRole.REVIEWER.value}
NOT_FOUND = "That facility was not found in your agency's jurisdiction."
IN_THE_PAST = "The next due date cannot be in the past."


def _slots(session: Session, facility_id: int, lock: bool = False) -> list[FacilityElement]:
    query = select(FacilityElement).where(
        FacilityElement.facility_id == facility_id, col(FacilityElement.element).in_(HMBP)
    )
    return list(session.exec(query.with_for_update() if lock else query))


def regulating_agency(session: Session, facility_id: int) -> Agency | None:
    """The agency regulating the facility's Facility Information, if one is assigned."""
    agency_id = session.exec(
        select(FacilityElement.agency_id).where(
            FacilityElement.facility_id == facility_id,
            FacilityElement.element == FACILITY_INFORMATION,
        )
    ).first()
    return session.get(Agency, agency_id) if agency_id else None


def _rule(agency: Agency | None) -> tuple[AnnualRule, ZoneInfo]:
    if agency is None:
        return AnnualRule(), ZoneInfo(due_dates.DEFAULT_ZONE)
    rule = AnnualRule(agency.annual_rule, agency.annual_month, agency.annual_day)
    return rule, ZoneInfo(agency.time_zone or due_dates.DEFAULT_ZONE)


def today_for(session: Session, facility_id: int) -> dt.date:
    """Today in the time zone of the facility's regulator."""
    _, zone = _rule(regulating_agency(session, facility_id))
    return clock.now().astimezone(zone).date()


def _anniversary(session: Session, facility: Facility, zone: ZoneInfo) -> dt.date:
    first = session.exec(
        select(Submittal.submitted_at)
        .join(ElementVersion, col(ElementVersion.submittal_id) == Submittal.id)
        .where(Submittal.facility_id == facility.id, col(ElementVersion.element).in_(HMBP))
        .order_by(col(Submittal.submitted_at))
    ).first()
    return (first or facility.created_at).astimezone(zone).date()


def hmbp_due_date(session: Session, facility_id: int) -> dt.date | None:
    """The facility's HMBP due date (the earliest of its FI, HMI and ERTP dates)."""
    dates = [slot.next_due_date for slot in _slots(session, facility_id) if slot.next_due_date]
    return min(dates) if dates else None


def annual_by_default(session: Session, facility_id: int) -> bool:
    """Whether a submit of this facility is proposed as its annual certification."""
    return due_dates.annual_by_default(
        hmbp_due_date(session, facility_id), today_for(session, facility_id)
    )


def _set(session: Session, facility_id: int, due: dt.date) -> None:
    for slot in _slots(session, facility_id, lock=True):
        slot.next_due_date = due
        session.add(slot)


def after_submit(session: Session, facility: Facility, kind: str, elements: set[int]) -> None:
    """Move the due date after a submittal carrying HMBP elements (in the submit's
    transaction): an annual one to the next occurrence; a change one only starts the cycle."""
    assert facility.id is not None
    if not elements & set(HMBP):
        return
    current = hmbp_due_date(session, facility.id)
    if kind != ANNUAL and current is not None:
        return
    agency = regulating_agency(session, facility.id)
    rule, zone = _rule(agency)
    today = clock.now().astimezone(zone).date()
    anniversary = _anniversary(session, facility, zone)
    _set(session, facility.id, due_dates.moved_due_date(rule, anniversary, current, today))


def set_next_due_date(session: Session, actor: Actor, facility_id: object, due: object) -> None:
    """A regulator sets a facility's HMBP due date: an Agency Admin or Reviewer of the
    agency regulating its Facility Information. Not in the past; audited."""
    with transaction(session):
        facility = session.get(Facility, facility_id) if is_id(facility_id) else None
        agency = regulating_agency(session, facility.id or 0) if facility else None
        role = (
            session.exec(
                select(AgencyMember.role).where(
                    AgencyMember.agency_id == agency.id,
                    AgencyMember.user_id == actor.user_id,
                    col(AgencyMember.active).is_(True),
                )
            ).first()
            if facility is not None and agency is not None
            else None
        )
        if facility is None or role is None:
            raise NotFound(NOT_FOUND)
        if role not in SETTERS:
            raise PermissionDenied("Only an Agency Admin or Reviewer can set due dates.")
        if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
            raise ValidationFailed(fields={"due": "Enter a date."}, message="Enter a date.")
        _, zone = _rule(agency)
        if due < clock.now().astimezone(zone).date():
            raise ValidationFailed(fields={"due": IN_THE_PAST}, message=IN_THE_PAST)
        before = hmbp_due_date(session, facility.id or 0)
        _set(session, facility.id or 0, due)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.DUE_DATE_SET,
            subject_type="facility",
            subject_id=facility.id or 0,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            agency_id=agency.id,
            before={"next_due_date": before.isoformat() if before else None},
            after={"next_due_date": due.isoformat()},
            client_ip=actor.client_ip,
        )
