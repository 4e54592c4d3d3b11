"""What each regulator role allows, and through which agencies a person holds a right.

A CUPA's staff act on the CUPA and the participating agencies under it; a participating
agency's staff on their agency only. Facility-level scoping builds on this in
`cers_app.regulator.scope`; facility requests use it to say who decides them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlmodel import Session, col, select

from cers_app.agencies.models import Agency, AgencyKind, AgencyMember, RegulatorRole
from cers_app.core.permissions import Actor, Permission


class Right(StrEnum):
    """What a regulator role allows."""

    VIEW = "view"  # facilities, submittals, businesses, compliance
    REVIEW = "review"  # set a submittal's status and comments, its next due date
    MANAGE = "manage"  # reporting requirements: applicability and due dates
    REQUESTS = "requests"  # decide and start access, transfer, merge and delete requests
    ADMIN = "admin"  # the agency itself: Change CUPA, its staff's accounts
    RESPOND = "respond"  # the Emergency Responder's read-only facility view


ROLE_RIGHTS: dict[str, frozenset[Right]] = {
    RegulatorRole.VIEWER.value: frozenset({Right.VIEW}),
    RegulatorRole.REVIEWER.value: frozenset({Right.VIEW, Right.REVIEW, Right.MANAGE}),
    RegulatorRole.REQUEST_HANDLER.value: frozenset({Right.VIEW, Right.REQUESTS}),
    RegulatorRole.ADMIN.value: frozenset(Right) - {Right.RESPOND},
    # The responder sees only its own read-only view, no portal pages.
    RegulatorRole.RESPONDER.value: frozenset({Right.RESPOND}),
}


@dataclass(frozen=True)
class Reach:
    """The agencies through which the actor holds a right.

    `whole` are agencies whose staff see a facility whole (a CUPA and its participating
    agencies, for CUPA staff); `elements` are agencies whose staff see only the elements
    assigned to them (participating agencies, for PA staff).
    """

    whole: frozenset[int]
    elements: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.whole and not self.elements

    @property
    def agencies(self) -> frozenset[int]:
        return self.whole | self.elements


def roles_of(session: Session, actor: Actor) -> dict[int, str]:
    """The actor's active agency roles, agency id -> role, re-read on every call."""
    if not actor.can(Permission.REGULATOR_PORTAL):
        return {}
    rows = session.exec(
        select(AgencyMember.agency_id, AgencyMember.role).where(
            AgencyMember.user_id == actor.user_id, col(AgencyMember.active).is_(True)
        )
    ).all()
    return {agency_id: role for agency_id, role in rows}


def reach_of(session: Session, actor: Actor, right: Right) -> Reach:
    """The agencies through which `actor` holds `right` (empty for non-regulators)."""
    granted = [
        agency_id
        for agency_id, role in roles_of(session, actor).items()
        if right in ROLE_RIGHTS.get(role, frozenset())
    ]
    if not granted:
        return Reach(frozenset(), frozenset())
    agencies = session.exec(select(Agency).where(col(Agency.id).in_(granted))).all()
    whole: set[int] = set()
    elements: set[int] = set()
    cupas = [a.id for a in agencies if a.kind == AgencyKind.CUPA.value and a.id is not None]
    for agency in agencies:
        if agency.id is not None and agency.kind != AgencyKind.CUPA.value:
            elements.add(agency.id)
    if cupas:
        whole.update(cupas)
        children = session.exec(
            select(Agency.id).where(col(Agency.parent_agency_id).in_(cupas))
        ).all()
        whole.update(i for i in children if i is not None)
    return Reach(frozenset(whole), frozenset(elements - whole))
