"""Read-only lookups the facility request pages need beside `facilities.requests`.

The requests themselves (filing, deciding, withdrawing) live in `requests`; this module only
finds things for the forms: the businesses a user may move facilities into, another business
by its organization code, a facility's pending requests and its sister facilities.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, or_, select

from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import Decider, FacilityRequest, RequestKind, RequestStatus
from cers_app.facilities.requests import RequestRow
from cers_app.facilities.requests import _rows as request_rows
from cers_app.facilities.service import access_facility
from cers_app.organizations import service as org_service
from cers_app.organizations.models import Organization, OrgStatus
from cers_app.organizations.roles import OrgAction, allows

CODE_DIGITS = 9
NO_SUCH_CODE = "No business has that organization code. Check it with the receiving business."


@dataclass(frozen=True)
class BusinessOption:
    id: int
    name: str
    code: int


def lead_businesses(session: Session, actor: Actor) -> list[BusinessOption]:
    """The actor's businesses where their role may move facilities in or out (Lead User)."""
    return [
        BusinessOption(id=row.id, name=row.name, code=row.code)
        for row in org_service.list_my_organizations(session, actor)
        if allows(row.role, OrgAction.REQUEST_TRANSFER)
    ]


def organization_by_code(session: Session, code: str) -> BusinessOption:
    """The active business with this 9-digit organization code (shown on its home page)."""
    text = code.strip()
    if not (text.isascii() and text.isdigit() and len(text) == CODE_DIGITS):
        raise ValidationFailed({"code": "An organization code has 9 digits."})
    found = session.exec(
        select(Organization).where(
            Organization.code == int(text), Organization.status == OrgStatus.ACTIVE.value
        )
    ).first()
    if found is None or found.id is None:
        raise NotFound(NO_SUCH_CODE)
    return BusinessOption(id=found.id, name=found.name, code=found.code)


def pending_for_facility(session: Session, actor: Actor, facility_id: object) -> list[RequestRow]:
    """Pending requests about a facility (also as the one a merge keeps), for its Lead Users."""
    facility, _ = access_facility(session, actor, facility_id, OrgAction.ANSWER_ACCESS_REQUEST)
    found = session.exec(
        select(FacilityRequest)
        .where(
            or_(
                FacilityRequest.facility_id == facility.id,
                FacilityRequest.other_facility_id == facility.id,
            ),
            FacilityRequest.status == RequestStatus.PENDING.value,
        )
        .order_by(col(FacilityRequest.id))
    ).all()
    return request_rows(session, list(found))


STATUS_LABELS = {
    RequestStatus.PENDING.value: "Pending",
    RequestStatus.APPROVED.value: "Approved",
    RequestStatus.REJECTED.value: "Rejected",
    RequestStatus.WITHDRAWN.value: "Withdrawn",
}
DECIDER_LABELS = {
    Decider.LEAD.value: "the business's Lead Users",
    Decider.REGULATOR.value: "the regulator",
    Decider.ADMIN.value: "the system administrator",
}


def request_view(row: RequestRow, *, for_requester: bool = False) -> dict[str, str]:
    """A request as the pages show it (text only).

    The requester of access to a business learns its name only once they are let in: search
    shows a facility without its business, and a request must not reveal more.
    """
    hide_business = (
        for_requester
        and row.kind == RequestKind.ACCESS.value
        and row.status != RequestStatus.APPROVED.value
    )
    pending = row.status == RequestStatus.PENDING.value
    return {
        "id": str(row.id),
        "kind": row.kind,
        "what": row.what,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "waiting_for": DECIDER_LABELS.get(row.decider, "") if pending else "",
        "pending": "yes" if pending else "",
        "facility": row.facility,
        "cers_id": str(row.cers_id),
        "business": "" if hide_business else row.business,
        "role": row.role,
        "requested_by": row.requested_by,
        "requested_at": row.requested_at,
        "note": row.note,
        "comment": row.decision_comment,
    }
