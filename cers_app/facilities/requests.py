"""Requests about facilities that someone else decides: access, transfer, take ownership,
merge and delete.

Who decides: a business's Lead Users answer access requests to it; the regulator decides when
the business has no Lead User, when a Lead User role is asked for and the agency verifies those,
and for transfers between businesses (unless the requester leads both), merges and deletions.
Access requests to a business whose facilities span several agencies, with no Lead User to
answer, go to the system administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from cers_app.accounts.models import User
from cers_app.agencies.models import Agency
from cers_app.agencies.rights import Right, reach_of
from cers_app.agencies.service import notification_addresses
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, FACILITY_INFORMATION
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.permissions import Actor, Permission
from cers_app.facilities import emails
from cers_app.facilities.models import (
    Decider,
    ElementVersion,
    Facility,
    FacilityArchive,
    FacilityElement,
    FacilityRequest,
    FacilityStatus,
    RequestKind,
    RequestStatus,
)
from cers_app.facilities.service import access_facility, is_id
from cers_app.organizations.models import Organization, OrgMember
from cers_app.organizations.roles import ROLE_LABELS, OrgAction, OrgRole, parse_role
from cers_app.organizations.service import access_organization

NOTE_MAX = 1000
WHAT = {
    RequestKind.ACCESS: "access to a business",
    RequestKind.TRANSFER: "transfer a facility to another business",
    RequestKind.TAKE_OWNERSHIP: "move a facility into their business",
    RequestKind.MERGE: "merge duplicate facilities",
    RequestKind.DELETE: "delete a facility",
}


@dataclass(frozen=True)
class RequestRow:
    id: int
    kind: str
    what: str
    status: str
    facility: str
    cers_id: int
    business: str
    role: str
    requested_by: str
    requested_at: str
    decider: str
    note: str
    decision_comment: str
    # For the regulator's inbox: the facility's id and current business, the facility a merge
    # keeps, and who decided when.
    facility_id: int = 0
    owner: str = ""
    other_facility: str = ""
    decided_by: str = ""
    decided_at: str = ""


def _fi_agency(session: Session, facility: Facility) -> int | None:
    return session.exec(
        select(FacilityElement.agency_id).where(
            FacilityElement.facility_id == facility.id,
            FacilityElement.element == FACILITY_INFORMATION,
        )
    ).first()


def lead_emails(session: Session, organization_id: int) -> list[str]:
    """The email addresses of the business's Lead Users."""
    return list(
        session.exec(
            select(User.email)
            .join(OrgMember, col(OrgMember.user_id) == User.id)
            .where(
                OrgMember.organization_id == organization_id,
                OrgMember.role == OrgRole.LEAD.value,
            )
        ).all()
    )


def _admin_emails(session: Session) -> list[str]:
    return list(session.exec(select(User.email).where(col(User.is_system_admin).is_(True))).all())


def _agencies_of(session: Session, organization_id: int) -> set[int]:
    rows = session.exec(
        select(FacilityElement.agency_id)
        .join(Facility, col(Facility.id) == FacilityElement.facility_id)
        .where(
            Facility.organization_id == organization_id,
            Facility.status == FacilityStatus.ACTIVE.value,
            FacilityElement.element == FACILITY_INFORMATION,
        )
    ).all()
    return {agency for agency in rows if agency is not None}


def _pending_twin(session: Session, kind: RequestKind, facility_id: int, user_id: int) -> None:
    twin = session.exec(
        select(FacilityRequest.id).where(
            FacilityRequest.kind == kind.value,
            FacilityRequest.facility_id == facility_id,
            FacilityRequest.requested_by_user_id == user_id,
            FacilityRequest.status == RequestStatus.PENDING.value,
        )
    ).first()
    if twin is not None:
        raise Conflict("You already asked for this; the request is waiting for a decision.")


def _notify_deciders(
    session: Session, request: FacilityRequest, facility: Facility, actor: Actor
) -> None:
    if request.decider == Decider.LEAD:
        addresses = lead_emails(session, request.organization_id)
    elif request.decider == Decider.REGULATOR and request.agency_id is not None:
        addresses = notification_addresses(session, request.agency_id)
    else:
        addresses = _admin_emails(session)
    what = WHAT[RequestKind(request.kind)]
    if request.role:
        what += f" as {ROLE_LABELS[OrgRole(request.role)]}"
    for address in sorted(set(addresses)):
        queue_email(
            session,
            to=address,
            message=emails.request_to_decide(
                what, facility.name, facility.cers_id, actor.display_name, request.note
            ),
            kind="facility_request",
            user_id=None,
        )


def _file(
    session: Session,
    actor: Actor,
    facility: Facility,
    kind: RequestKind,
    *,
    organization_id: int,
    decider: Decider,
    note: str,
    role: str = "",
    other_facility_id: int | None = None,
) -> int:
    assert facility.id is not None
    _pending_twin(session, kind, facility.id, actor.user_id)
    request = FacilityRequest(
        kind=kind.value,
        facility_id=facility.id,
        organization_id=organization_id,
        role=role,
        other_facility_id=other_facility_id,
        decider=decider.value,
        agency_id=_fi_agency(session, facility) if decider == Decider.REGULATOR else None,
        note=note,
        requested_by_user_id=actor.user_id,
        created_at=clock.now(),
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=AuditEventType.FACILITY_REQUESTED,
        subject_type="facility_request",
        subject_id=request.id or 0,
        facility_id=facility.id,
        organization_id=organization_id,
        agency_id=request.agency_id,
        after={
            "kind": kind.value,
            "facility_id": facility.id,
            "organization_id": organization_id,
            "role": role,
            "decider": decider.value,
        },
        client_ip=actor.client_ip,
    )
    _notify_deciders(session, request, facility, actor)
    return request.id or 0


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": f"The note must be at most {NOTE_MAX} characters."})
    return note


def _findable_facility(session: Session, facility_id: object) -> Facility:
    """A facility anyone may ask about (found by search): active, or NotFound."""
    facility = session.get(Facility, facility_id) if is_id(facility_id) else None
    if facility is None or facility.status != FacilityStatus.ACTIVE:
        raise NotFound("That facility was not found.")
    return facility


def request_access(
    session: Session, actor: Actor, facility_id: object, role: str, note: str = ""
) -> int:
    """Ask to join the business that owns a facility, with a role. Returns the request id."""
    wanted = parse_role(role)
    if wanted is None:
        raise ValidationFailed({"role": "Choose the permission group you need."})
    note = _check_note(note)
    with transaction(session):
        facility = _findable_facility(session, facility_id)
        already = session.exec(
            select(OrgMember.id).where(
                OrgMember.organization_id == facility.organization_id,
                OrgMember.user_id == actor.user_id,
            )
        ).first()
        if already is not None:
            raise Conflict("You already belong to the business of this facility.")
        leads = lead_emails(session, facility.organization_id)
        agency_id = _fi_agency(session, facility)
        agency = session.get(Agency, agency_id) if agency_id else None
        verify_lead = wanted is OrgRole.LEAD and agency is not None and agency.verify_lead_access
        if leads and not verify_lead:
            decider = Decider.LEAD
        elif len(_agencies_of(session, facility.organization_id)) > 1:
            decider = Decider.ADMIN
        else:
            decider = Decider.REGULATOR
        return _file(
            session,
            actor,
            facility,
            RequestKind.ACCESS,
            organization_id=facility.organization_id,
            decider=decider,
            note=note,
            role=wanted.value,
        )


def _is_lead(session: Session, user_id: int, organization_id: int) -> bool:
    return (
        session.exec(
            select(OrgMember.id).where(
                OrgMember.organization_id == organization_id,
                OrgMember.user_id == user_id,
                OrgMember.role == OrgRole.LEAD.value,
            )
        ).first()
        is not None
    )


def move_facility(
    session: Session,
    actor_user_id: int | None,
    facility: Facility,
    to_organization_id: int,
    *,
    details: dict[str, object] | None = None,
    reason: str = "",
) -> None:
    """Move a facility to another business now; its old business keeps a read-only record.

    Both businesses' Lead Users are emailed (with `reason`, when given). `details` go into the
    audit row. Inside the caller's transaction, for approved requests and for the regulator.
    """
    assert facility.id is not None
    old = session.get(Organization, facility.organization_id)
    new = session.get(Organization, to_organization_id)
    assert old is not None and new is not None
    session.add(
        FacilityArchive(
            facility_id=facility.id,
            organization_id=facility.organization_id,
            to_organization_id=to_organization_id,
            transferred_at=clock.now(),
            by_user_id=actor_user_id,
        )
    )
    facility.organization_id = to_organization_id
    facility.version += 1
    session.add(facility)
    session.exec(
        update(ElementVersion)
        .where(ElementVersion.facility_id == facility.id, ElementVersion.status == DRAFT)
        .values(organization_id=to_organization_id)
    )
    audit.record(
        session,
        actor_user_id=actor_user_id,
        event=AuditEventType.FACILITY_TRANSFERRED,
        subject_type="facility",
        subject_id=facility.id,
        facility_id=facility.id,
        organization_id=old.id,
        before={"organization_id": old.id},
        after={"organization_id": new.id, **(details or {})},
    )
    for address in sorted(
        set(lead_emails(session, old.id or 0) + lead_emails(session, new.id or 0))
    ):
        queue_email(
            session,
            to=address,
            message=emails.facility_transferred(
                facility.name, facility.cers_id, old.name, new.name, reason
            ),
            kind="facility_transferred",
            user_id=None,
        )


def transfer(
    session: Session, actor: Actor, facility_id: object, to_organization_id: object, note: str = ""
) -> str:
    """Transfer a facility of the actor's business to another business.

    Immediate when the actor is Lead User of both; otherwise the regulator decides. Returns
    "transferred" or "requested".
    """
    note = _check_note(note)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.REQUEST_TRANSFER)
        if not is_id(to_organization_id):
            raise NotFound("That business was not found.")
        target = session.get(Organization, to_organization_id)
        if target is None:
            raise NotFound("That business was not found.")
        if target.id == facility.organization_id:
            raise ValidationFailed(
                {"organization": "The facility already belongs to that business."}
            )
        if _is_lead(session, actor.user_id, target.id or 0):
            move_facility(session, actor.user_id, facility, target.id or 0)
            return "transferred"
        _file(
            session,
            actor,
            facility,
            RequestKind.TRANSFER,
            organization_id=target.id or 0,
            decider=Decider.REGULATOR,
            note=note,
        )
        return "requested"


def take_ownership(
    session: Session, actor: Actor, facility_id: object, organization_id: object, note: str = ""
) -> str:
    """Ask to move a facility found by search into one of the actor's businesses.

    The actor must be Lead User of the receiving business. Immediate when they also lead the
    facility's business; otherwise the regulator decides. Returns "transferred" or "requested".
    """
    note = _check_note(note)
    with transaction(session):
        target, _ = access_organization(session, actor, organization_id, OrgAction.REQUEST_TRANSFER)
        facility = _findable_facility(session, facility_id)
        if facility.organization_id == target.id:
            raise ValidationFailed(
                {"organization": "The facility already belongs to that business."}
            )
        if _is_lead(session, actor.user_id, facility.organization_id):
            move_facility(session, actor.user_id, facility, target.id or 0)
            return "transferred"
        _file(
            session,
            actor,
            facility,
            RequestKind.TAKE_OWNERSHIP,
            organization_id=target.id or 0,
            decider=Decider.REGULATOR,
            note=note,
        )
        return "requested"


def ever_submitted(session: Session, facility_id: int) -> bool:
    """Whether the facility ever submitted anything (then it cannot be deleted)."""
    return (
        session.exec(
            select(ElementVersion.id).where(
                ElementVersion.facility_id == facility_id, ElementVersion.status != DRAFT
            )
        ).first()
        is not None
    )


def request_merge(
    session: Session, actor: Actor, facility_id: object, survivor_id: object, note: str = ""
) -> int:
    """Ask the regulator to retire a duplicate facility into another of the same business."""
    note = _check_note(note)
    with transaction(session):
        duplicate, _ = access_facility(session, actor, facility_id, OrgAction.REQUEST_MERGE)
        survivor, _ = access_facility(session, actor, survivor_id, OrgAction.REQUEST_MERGE)
        if survivor.id == duplicate.id:
            raise ValidationFailed({"survivor": "Choose a different facility to keep."})
        if survivor.organization_id != duplicate.organization_id:
            raise ValidationFailed(
                {"survivor": "Only facilities of the same business can be merged."}
            )
        return _file(
            session,
            actor,
            duplicate,
            RequestKind.MERGE,
            organization_id=duplicate.organization_id,
            decider=Decider.REGULATOR,
            note=note,
            other_facility_id=survivor.id,
        )


def request_delete(session: Session, actor: Actor, facility_id: object, note: str = "") -> int:
    """Ask the regulator to delete a facility that never submitted anything."""
    note = _check_note(note)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.REQUEST_DELETE)
        assert facility.id is not None
        if ever_submitted(session, facility.id):
            raise Conflict(
                "This facility has submittals, so it cannot be deleted. Consider transferring "
                "or merging it instead."
            )
        return _file(
            session,
            actor,
            facility,
            RequestKind.DELETE,
            organization_id=facility.organization_id,
            decider=Decider.REGULATOR,
            note=note,
        )


def _load_request(session: Session, request_id: object) -> FacilityRequest:
    request = session.get(FacilityRequest, request_id) if is_id(request_id) else None
    if request is None:
        raise NotFound("That request was not found.")
    return request


def _may_decide(session: Session, actor: Actor, request: FacilityRequest) -> bool:
    if request.decider == Decider.LEAD:
        return _is_lead(session, actor.user_id, request.organization_id)
    if request.decider == Decider.ADMIN:
        return actor.can(Permission.SYSTEM_ADMIN)
    if request.agency_id is None:
        return False
    return request.agency_id in _deciding_agencies(session, actor)


def _deciding_agencies(session: Session, actor: Actor) -> list[int]:
    """The agencies whose requests the actor decides: those where their role holds
    Right.REQUESTS. A CUPA's staff decide for the agencies under it too; a participating
    agency's staff only for their own agency."""
    return sorted(reach_of(session, actor, Right.REQUESTS).agencies)


def _carry_out(session: Session, actor: Actor, request: FacilityRequest) -> None:
    facility = session.get(Facility, request.facility_id)
    if facility is None or facility.status != FacilityStatus.ACTIVE:
        raise Conflict("The facility is no longer active, so this request cannot be approved.")
    kind = RequestKind(request.kind)
    if kind is RequestKind.ACCESS:
        session.add(
            OrgMember(
                organization_id=request.organization_id,
                user_id=request.requested_by_user_id,
                role=request.role,
                added_at=clock.now(),
                added_by_user_id=actor.user_id,
            )
        )
    elif kind in (RequestKind.TRANSFER, RequestKind.TAKE_OWNERSHIP):
        if facility.organization_id == request.organization_id:
            # e.g. the regulator transferred it meanwhile
            raise Conflict("The facility already belongs to that business.")
        move_facility(
            session,
            actor.user_id,
            facility,
            request.organization_id,
            details={"request_id": request.id},
        )
    elif kind is RequestKind.MERGE:
        survivor = session.get(Facility, request.other_facility_id or 0)
        if survivor is None or survivor.status != FacilityStatus.ACTIVE:
            raise Conflict("The facility to keep is no longer active.")
        if survivor.organization_id != facility.organization_id:
            raise Conflict("The two facilities no longer belong to the same business.")
        merge_facility(session, actor.user_id, facility, survivor)
    elif kind is RequestKind.DELETE:
        if ever_submitted(session, facility.id or 0):
            raise Conflict(
                "This facility has submittals now, so it cannot be deleted. Consider "
                "transferring or merging it instead."
            )
        delete_facility(session, actor.user_id, facility, tell_business=True)


def merge_facility(
    session: Session,
    actor_user_id: int | None,
    facility: Facility,
    survivor: Facility,
    *,
    details: dict[str, object] | None = None,
) -> None:
    """Retire `facility` into `survivor` now (its CERS ID keeps finding the survivor).

    Both must be active; the caller checks who may do it. Inside the caller's transaction.
    """
    if survivor.id == facility.id:
        raise ValidationFailed({"survivor": "Choose a different facility to keep."})
    facility.status = FacilityStatus.MERGED.value
    facility.merged_into_id = survivor.id
    facility.version += 1
    session.add(facility)
    _discard_drafts(session, facility)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        event=AuditEventType.FACILITY_MERGED,
        subject_type="facility",
        subject_id=facility.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        after={"merged_into_cers_id": survivor.cers_id, **(details or {})},
    )


def delete_facility(
    session: Session,
    actor_user_id: int | None,
    facility: Facility,
    *,
    tell_business: bool,
    details: dict[str, object] | None = None,
    reason: str = "",
) -> None:
    """Delete a facility that never submitted anything, now (Conflict if it has submittals).

    With `tell_business` its business's Lead Users are emailed. Inside the caller's
    transaction; the caller checks who may do it.
    """
    if ever_submitted(session, facility.id or 0):
        raise Conflict(
            "This facility has submittals, so it cannot be deleted. Consider transferring "
            "or merging it instead."
        )
    facility.status = FacilityStatus.DELETED.value
    facility.version += 1
    session.add(facility)
    _discard_drafts(session, facility)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        event=AuditEventType.FACILITY_DELETED,
        subject_type="facility",
        subject_id=facility.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        after=details or None,
    )
    if tell_business:
        business = session.get(Organization, facility.organization_id)
        for address in sorted(set(lead_emails(session, facility.organization_id))):
            queue_email(
                session,
                to=address,
                message=emails.facility_deleted(
                    facility.name, facility.cers_id, business.name if business else "", reason
                ),
                kind="facility_deleted",
                user_id=None,
            )


def _discard_drafts(session: Session, facility: Facility) -> None:
    session.exec(
        update(FacilityElement)
        .where(FacilityElement.facility_id == facility.id)
        .values(draft_version_id=None)
    )


def decide(
    session: Session,
    actor: Actor,
    request_id: object,
    approve: bool,
    comment: str = "",
    *,
    reason_to_reject: bool = False,
) -> None:
    """Approve or reject a pending request the actor may decide; the requester is told.

    With `reason_to_reject` a rejection needs a comment (the regulator's inbox asks for one).
    """
    comment = _check_note(comment)
    if reason_to_reject and not approve and not comment:
        raise ValidationFailed({"note": "Say why you reject the request; the requester reads it."})
    try:
        with transaction(session):
            request = _load_request(session, request_id)
            if not _may_decide(session, actor, request):
                raise NotFound("That request was not found.")
            # Two deciders at once: only the first decision counts.
            result = session.exec(
                update(FacilityRequest)
                .where(
                    FacilityRequest.id == request.id,
                    FacilityRequest.status == RequestStatus.PENDING.value,
                )
                .values(
                    status=(RequestStatus.APPROVED if approve else RequestStatus.REJECTED).value,
                    decided_by_user_id=actor.user_id,
                    decided_at=clock.now(),
                    decision_comment=comment,
                )
            )
            if result.rowcount != 1:
                raise Conflict("This request was already decided or withdrawn.")
            if approve:
                _carry_out(session, actor, request)
            _tell_requester(session, request, approve, comment)
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.FACILITY_REQUEST_DECIDED,
                subject_type="facility_request",
                subject_id=request.id or 0,
                facility_id=request.facility_id,
                organization_id=request.organization_id,
                agency_id=request.agency_id,
                after={"approved": approve, "comment": comment},
                client_ip=actor.client_ip,
            )
    except IntegrityError as exc:
        raise Conflict("The requester already belongs to that business.") from exc


def _tell_requester(
    session: Session, request: FacilityRequest, approved: bool, comment: str
) -> None:
    requester = session.get(User, request.requested_by_user_id)
    facility = session.get(Facility, request.facility_id)
    if requester is None or facility is None:
        return
    queue_email(
        session,
        to=requester.email,
        message=emails.request_decided(
            requester.first_name,
            WHAT[RequestKind(request.kind)],
            facility.name,
            facility.cers_id,
            approved,
            comment,
        ),
        kind="facility_request_decided",
        user_id=requester.id,
    )


def withdraw(session: Session, actor: Actor, request_id: object) -> None:
    """The requester takes back a pending request."""
    with transaction(session):
        request = _load_request(session, request_id)
        if request.requested_by_user_id != actor.user_id:
            raise NotFound("That request was not found.")
        result = session.exec(
            update(FacilityRequest)
            .where(
                FacilityRequest.id == request.id,
                FacilityRequest.status == RequestStatus.PENDING.value,
            )
            .values(status=RequestStatus.WITHDRAWN.value, decided_at=clock.now())
        )
        if result.rowcount != 1:
            raise Conflict("This request was already decided or withdrawn.")
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.FACILITY_REQUEST_WITHDRAWN,
            subject_type="facility_request",
            subject_id=request.id or 0,
            facility_id=request.facility_id,
            organization_id=request.organization_id,
            agency_id=request.agency_id,
        )


def _rows(session: Session, requests: list[FacilityRequest]) -> list[RequestRow]:
    rows = []
    for request in requests:
        facility = session.get(Facility, request.facility_id)
        business = session.get(Organization, request.organization_id)
        requester = session.get(User, request.requested_by_user_id)
        if facility is None or business is None or requester is None:
            continue
        owner = session.get(Organization, facility.organization_id)
        other = session.get(Facility, request.other_facility_id or 0)
        decider = session.get(User, request.decided_by_user_id or 0)
        rows.append(
            RequestRow(
                id=request.id or 0,
                kind=request.kind,
                what=WHAT[RequestKind(request.kind)],
                status=request.status,
                facility=facility.name,
                cers_id=facility.cers_id,
                business=business.name,
                role=ROLE_LABELS[OrgRole(request.role)] if request.role else "",
                requested_by=requester.display_name,
                requested_at=clock.format_local(request.created_at),
                decider=request.decider,
                note=request.note,
                decision_comment=request.decision_comment,
                facility_id=facility.id or 0,
                owner=owner.name if owner else "",
                other_facility=f"{other.name} (CERS ID {other.cers_id})" if other else "",
                decided_by=decider.display_name if decider else "",
                decided_at=clock.format_local(request.decided_at) if request.decided_at else "",
            )
        )
    return rows


def my_requests(session: Session, actor: Actor) -> list[RequestRow]:
    """The requests the actor made, newest first."""
    found = session.exec(
        select(FacilityRequest)
        .where(FacilityRequest.requested_by_user_id == actor.user_id)
        .order_by(col(FacilityRequest.id).desc())
        .limit(100)
    ).all()
    return _rows(session, list(found))


def requests_to_answer(session: Session, actor: Actor, organization_id: object) -> list[RequestRow]:
    """Pending access requests the business's Lead Users answer."""
    organization, _ = access_organization(
        session, actor, organization_id, OrgAction.ANSWER_ACCESS_REQUEST
    )
    found = session.exec(
        select(FacilityRequest)
        .where(
            FacilityRequest.organization_id == organization.id,
            FacilityRequest.decider == Decider.LEAD.value,
            FacilityRequest.status == RequestStatus.PENDING.value,
        )
        .order_by(FacilityRequest.id)
    ).all()
    return _rows(session, list(found))


def requests_for_regulator(session: Session, actor: Actor) -> list[RequestRow]:
    """Pending requests the actor's agencies decide (Agency Admins and Request Handlers)."""
    if not actor.can(Permission.REGULATOR_PORTAL):
        raise PermissionDenied("Only regulator staff can see these requests.")
    agencies = _deciding_agencies(session, actor)
    found = session.exec(
        select(FacilityRequest)
        .where(
            FacilityRequest.decider == Decider.REGULATOR.value,
            col(FacilityRequest.agency_id).in_(agencies or [0]),
            FacilityRequest.status == RequestStatus.PENDING.value,
        )
        .order_by(FacilityRequest.id)
    ).all()
    return _rows(session, list(found))


def recently_decided_for_regulator(
    session: Session, actor: Actor, limit: int = 10
) -> list[RequestRow]:
    """The last requests the actor's agencies decided (approved or rejected), newest first."""
    if not actor.can(Permission.REGULATOR_PORTAL):
        raise PermissionDenied("Only regulator staff can see these requests.")
    agencies = _deciding_agencies(session, actor)
    found = session.exec(
        select(FacilityRequest)
        .where(
            FacilityRequest.decider == Decider.REGULATOR.value,
            col(FacilityRequest.agency_id).in_(agencies or [0]),
            col(FacilityRequest.status).in_(
                [RequestStatus.APPROVED.value, RequestStatus.REJECTED.value]
            ),
        )
        .order_by(col(FacilityRequest.decided_at).desc(), col(FacilityRequest.id).desc())
        .limit(max(1, min(limit, 50)))
    ).all()
    return _rows(session, list(found))


def requests_for_admin(session: Session, actor: Actor) -> list[RequestRow]:
    """Pending requests the system administrator decides (multi-jurisdiction businesses)."""
    if not actor.can(Permission.SYSTEM_ADMIN):
        raise PermissionDenied("Only system administrators can see these requests.")
    found = session.exec(
        select(FacilityRequest)
        .where(
            FacilityRequest.decider == Decider.ADMIN.value,
            FacilityRequest.status == RequestStatus.PENDING.value,
        )
        .order_by(FacilityRequest.id)
    ).all()
    return _rows(session, list(found))


@dataclass(frozen=True)
class ArchivedRow:
    cers_id: int
    name: str
    address: str
    transferred_at: str
    to_business: str


def archived_facilities(
    session: Session, actor: Actor, organization_id: object
) -> list[ArchivedRow]:
    """Facilities that were transferred out of the business: read-only, when and to whom."""
    organization, _ = access_organization(session, actor, organization_id, OrgAction.VIEW)
    rows = session.exec(
        select(FacilityArchive, Facility, Organization)
        .join(Facility, col(Facility.id) == FacilityArchive.facility_id)
        .join(Organization, col(Organization.id) == FacilityArchive.to_organization_id)
        .where(FacilityArchive.organization_id == organization.id)
        .order_by(col(FacilityArchive.transferred_at).desc())
    ).all()
    return [
        ArchivedRow(
            cers_id=facility.cers_id,
            name=facility.name,
            address=f"{facility.street}, {facility.city}",
            transferred_at=clock.format_local(archive.transferred_at),
            to_business=target.name,
        )
        for archive, facility, target in rows
    ]
