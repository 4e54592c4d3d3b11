""" "No change in HMBP": the annual certification that nothing changed.

In one transaction, the Facility Information, inventory and plans drafts are started as
copies of their last accepted versions, validated again with today's rules, and submitted as
an annual submittal (which moves the due date). Anything that makes a plain copy wrong is
refused with the reason: an open draft (its edits would be lost or mixed in), a last
submittal Not Accepted or still awaiting review (a copy of the older accepted version would
undo it), or no accepted HMBP to copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from cers_app.core import audit, idempotency
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import (
    ACCEPTED,
    FACILITY_INFORMATION,
    NOT_ACCEPTED,
    NOT_REQUIRED,
    element_label,
)
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, FacilityElement
from cers_app.facilities.service import access_facility
from cers_app.organizations.roles import OrgAction, allows
from cers_app.submittals import annual, drafts, due_dates, submit

ACTION = "no_change"
OPEN_DRAFT = (
    "{label} has an open draft: submit it, or discard it, first. No change copies the last "
    "accepted HMBP."
)
NOT_ACCEPTED_LAST = (
    "The last {label} submittal was Not Accepted: correct it and submit it instead (start a "
    "draft from it)."
)
AWAITING_REVIEW = (
    "The last {label} submittal is still awaiting review: a copy of the older accepted version "
    "would undo it. Submit your annual certification with Submit instead."
)
NOTHING_ACCEPTED = (
    "There is no accepted {label} to copy yet: prepare the HMBP and submit it with Submit."
)


@dataclass(frozen=True)
class NoChangeRequest:
    certifier_name: str
    certifier_title: str
    certified: bool
    key: str


@dataclass(frozen=True)
class NoChangeView:
    """The facility page's annual certification card."""

    allowed: bool  # the role may certify that nothing changed
    reason: str  # why it would be refused now; empty when it can be certified
    due_date: str
    overdue: bool
    certifier_name: str


def _hmbp_slots(session: Session, facility_id: int) -> list[FacilityElement]:
    slots = session.exec(
        select(FacilityElement)
        .where(
            FacilityElement.facility_id == facility_id,
            col(FacilityElement.element).in_(annual.HMBP),
        )
        .order_by(col(FacilityElement.element))
    )
    return [
        slot
        for slot in slots
        if slot.element == FACILITY_INFORMATION or slot.requirement != NOT_REQUIRED
    ]


def refusal(session: Session, facility_id: int) -> str:
    """Why "No change" cannot be certified for this facility now; empty when it can."""
    slots = _hmbp_slots(session, facility_id)
    for slot in slots:
        if slot.draft_version_id is not None:
            return OPEN_DRAFT.format(label=element_label(slot.element))
    for slot in slots:
        last = session.get(ElementVersion, slot.last_submitted_version_id or 0)
        if last is not None and last.status == NOT_ACCEPTED:
            return NOT_ACCEPTED_LAST.format(label=element_label(slot.element))
    for slot in slots:
        if slot.last_accepted_version_id is None:
            return NOTHING_ACCEPTED.format(label=element_label(slot.element))
        last = session.get(ElementVersion, slot.last_submitted_version_id or 0)
        if last is not None and last.status != ACCEPTED:
            return AWAITING_REVIEW.format(label=element_label(slot.element))
    return ""


def no_change_view(session: Session, actor: Actor, facility_id: object) -> NoChangeView:
    """The HMBP due date, and whether (or why not) the actor can certify "No change" now."""
    with transaction(session):
        facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
        assert facility.id is not None
        due = annual.hmbp_due_date(session, facility.id)
        today = annual.today_for(session, facility.id)
        return NoChangeView(
            allowed=allows(member.role, OrgAction.CERTIFY_NO_CHANGE),
            reason=refusal(session, facility.id),
            due_date=due.strftime("%b %d, %Y").replace(" 0", " ") if due else "",
            overdue=due is not None and due_dates.days_left(due, today) < 0,
            certifier_name=actor.display_name,
        )


def certify_no_change(
    session: Session, actor: Actor, facility_id: object, request: NoChangeRequest
) -> int:
    """Certify that the HMBP did not change: resubmit the last accepted FI, HMI and ERTP as
    the annual certification. Returns the submittal's id (the first one's for a repeated key)."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.CERTIFY_NO_CHANGE)
        assert facility.id is not None
        key = idempotency.check_key(request.key)
        done = idempotency.recall(session, actor.user_id, key, ACTION)
        if done is not None:
            return done
        session.exec(
            select(FacilityElement)
            .where(
                FacilityElement.facility_id == facility.id,
                col(FacilityElement.element).in_(annual.HMBP),
            )
            .with_for_update()  # a draft started meanwhile waits for this certification
        ).all()
        reason = refusal(session, facility.id)
        if reason:
            raise Conflict(reason)
        version_ids = [
            drafts.start_in(session, actor, facility, slot.element, slot.last_accepted_version_id)
            for slot in _hmbp_slots(session, facility.id)
        ]
        try:
            submittal_id = submit.submit_in(
                session,
                actor,
                facility,
                submit.SubmitRequest(
                    version_ids=version_ids,
                    certifier_name=request.certifier_name,
                    certifier_title=request.certifier_title,
                    certified=request.certified,
                    key=key,
                    annual=True,
                ),
            )
        except ValidationFailed as exc:
            # The copies are rolled back with the transaction: nothing is left behind.
            raise ValidationFailed(
                fields=exc.fields, message="No change cannot be certified. " + exc.message
            ) from exc
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.NO_CHANGE_CERTIFIED,
            subject_type="facility_submittal",
            subject_id=submittal_id,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            after={"facility_id": facility.id, "version_ids": version_ids},
            client_ip=actor.client_ip,
        )
        idempotency.remember(session, actor.user_id, key, ACTION, submittal_id)
        return submittal_id
