"""What a regulator does to a facility without a business's request: transfer it to another
business after an ownership change, merge a duplicate into the record that stays, or delete a
facility entered by mistake (CERS events 27, 29 and 28).

The moves themselves are the ones an approved request performs (`facilities.requests`
move_facility / merge_facility / delete_facility); this module adds who may start them
(Right.REQUESTS, through `scope.load_facility`), the regulator's comment and the emails to
the businesses.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.permissions import Actor
from cers_app.facilities import emails
from cers_app.facilities import requests as facility_requests
from cers_app.facilities.models import Facility, FacilityStatus
from cers_app.facilities.service import is_id
from cers_app.organizations.models import Organization, OrgStatus
from cers_app.regulator import scope
from cers_app.regulator.scope import Right

COMMENT_MAX = 1000
CHOICES_LIMIT = 20
BUSINESS_NOT_FOUND = "That business was not found. Search for it by name and pick it from the list."


@dataclass(frozen=True)
class OrganizationChoice:
    id: int
    name: str
    code: int
    headquarters: str


def _comment(comment: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(
            {"comment": "Say why; the businesses are told and the record keeps it."}
        )
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            {"comment": f"The comment must be at most {COMMENT_MAX} characters."}
        )
    return comment


def _locked_facility(session: Session, actor: Actor, facility_id: object) -> Facility:
    """The facility in reach with Right.REQUESTS, row-locked, still active.

    A second click after the first action committed finds the facility merged or deleted:
    that is a Conflict saying so, not "not found".
    """
    try:
        facility = scope.load_facility(session, actor, facility_id, Right.REQUESTS)
    except NotFound:
        _explain_gone(session, actor, facility_id)
        raise
    # Two staff acting at once take turns on the row (PostgreSQL); the second sees the first's.
    session.refresh(facility, with_for_update=True)
    if facility.status != FacilityStatus.ACTIVE:
        raise Conflict(f"The facility was {facility.status} meanwhile; nothing more was done.")
    return facility


def _explain_gone(session: Session, actor: Actor, facility_id: object) -> None:
    if not is_id(facility_id):
        return
    reach = scope.reach_of(session, actor, Right.REQUESTS)
    status = session.exec(
        select(Facility.status).where(Facility.id == facility_id, scope.facility_clause(reach))
    ).first()
    if status in (FacilityStatus.MERGED.value, FacilityStatus.DELETED.value):
        raise Conflict(f"This facility was already {status}; nothing more was done.")


def _why(actor: Actor, comment: str) -> str:
    return f"{actor.display_name} of your local regulator says: {comment}"


def transfer_facility(
    session: Session, actor: Actor, facility_id: object, to_organization_id: object, comment: str
) -> str:
    """Move a facility to another existing business (after an ownership change).

    Both businesses' Lead Users are emailed with the comment. Returns the receiving
    business's name.
    """
    comment = _comment(comment)
    with transaction(session):
        facility = _locked_facility(session, actor, facility_id)
        target = (
            session.get(Organization, to_organization_id) if is_id(to_organization_id) else None
        )
        if target is None or target.id is None or target.status != OrgStatus.ACTIVE:
            raise ValidationFailed({"organization": BUSINESS_NOT_FOUND})
        if target.id == facility.organization_id:
            raise Conflict(f"The facility already belongs to {target.name}; nothing was done.")
        facility_requests.move_facility(
            session,
            actor.user_id,
            facility,
            target.id,
            details={"by": "regulator", "comment": comment},
            reason=_why(actor, comment),
        )
        return target.name


def merge_facilities(
    session: Session, actor: Actor, facility_id: object, into_facility_id: object, comment: str
) -> None:
    """Retire the duplicate `facility_id` into `into_facility_id` (both in the actor's reach).

    The Lead Users of the businesses of both facilities are emailed.
    """
    comment = _comment(comment)
    if facility_id == into_facility_id:
        raise ValidationFailed({"into": "Choose a different facility to keep."})
    with transaction(session):
        duplicate = _locked_facility(session, actor, facility_id)
        try:
            survivor = scope.load_facility(session, actor, into_facility_id, Right.REQUESTS)
        except NotFound as exc:
            raise ValidationFailed(
                {"into": "The facility to keep was not found in your agency's jurisdiction."}
            ) from exc
        if survivor.id == duplicate.id:
            raise ValidationFailed({"into": "Choose a different facility to keep."})
        facility_requests.merge_facility(
            session,
            actor.user_id,
            duplicate,
            survivor,
            details={"by": "regulator", "comment": comment},
        )
        addresses = set(facility_requests.lead_emails(session, duplicate.organization_id))
        addresses |= set(facility_requests.lead_emails(session, survivor.organization_id))
        for address in sorted(addresses):
            queue_email(
                session,
                to=address,
                message=emails.facilities_merged(
                    duplicate.name,
                    duplicate.cers_id,
                    survivor.name,
                    survivor.cers_id,
                    _why(actor, comment),
                ),
                kind="facilities_merged",
                user_id=None,
            )


def delete_facility(session: Session, actor: Actor, facility_id: object, comment: str) -> None:
    """Delete a facility that never submitted anything; its business's Lead Users are emailed.

    A facility with past submittals is refused: transfer or merge it instead.
    """
    comment = _comment(comment)
    with transaction(session):
        facility = _locked_facility(session, actor, facility_id)
        facility_requests.delete_facility(
            session,
            actor.user_id,
            facility,
            tell_business=True,
            details={"by": "regulator", "comment": comment},
            reason=_why(actor, comment),
        )


def organization_choices(session: Session, actor: Actor, text: str) -> list[OrganizationChoice]:
    """Businesses whose name (or 9-digit organization code) matches `text`, for a transfer.

    Any existing business may receive a facility, so the search is not limited to the
    actor's reach; only staff who may start transfers (Right.REQUESTS somewhere) may search.
    """
    if scope.reach_of(session, actor, Right.REQUESTS).empty:
        raise PermissionDenied("Only a Request Handler or Agency Admin can transfer facilities.")
    wanted = (text or "").strip()[:100]
    if len(wanted) < 2:
        raise ValidationFailed({"organization": "Type at least 2 letters of the business name."})
    statement = (
        select(Organization)
        .where(Organization.status == OrgStatus.ACTIVE.value)
        .order_by(Organization.name, Organization.id)
    )
    if wanted.isdigit():
        statement = statement.where(Organization.code == int(wanted))
    else:
        statement = statement.where(
            func.lower(col(Organization.name)).contains(wanted.casefold(), autoescape=True)
        )
    found = session.exec(statement.limit(CHOICES_LIMIT)).all()
    return [
        OrganizationChoice(id=o.id or 0, name=o.name, code=o.code, headquarters=o.headquarters)
        for o in found
    ]


@dataclass(frozen=True)
class PanelFacts:
    """What the facility actions panel shows about a facility."""

    facility_id: int
    name: str
    cers_id: int
    business: str
    business_id: int
    has_submittals: bool


def panel_facts(session: Session, actor: Actor, facility_id: object) -> PanelFacts:
    """The facility's facts for the actions panel (NotFound / PermissionDenied as
    `scope.load_facility` with Right.REQUESTS)."""
    facility = scope.load_facility(session, actor, facility_id, Right.REQUESTS)
    business = session.get(Organization, facility.organization_id)
    return PanelFacts(
        facility_id=facility.id or 0,
        name=facility.name,
        cers_id=facility.cers_id,
        business=business.name if business else "",
        business_id=facility.organization_id,
        has_submittals=facility_requests.ever_submitted(session, facility.id or 0),
    )


def facility_by_cers_id(session: Session, actor: Actor, cers_id: str) -> int:
    """The id of the active facility with this CERS ID in the actor's reach (Right.REQUESTS)."""
    text = (cers_id or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 9):
        raise ValidationFailed({"into": "Enter the CERS ID of the facility to keep (digits)."})
    reach = scope.reach_of(session, actor, Right.REQUESTS)
    found = session.exec(
        select(Facility.id).where(
            Facility.cers_id == int(text),
            Facility.status == FacilityStatus.ACTIVE.value,
            scope.facility_clause(reach),
        )
    ).first()
    if found is None:
        raise ValidationFailed(
            {"into": "No active facility with that CERS ID in your agency's jurisdiction."}
        )
    return found
