"""What the Regulator Portal home shows: the agencies, what waits in the review queue and
the requests inbox, and which parts of the portal the person's roles open."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from cers_app.agencies import service as agency_service
from cers_app.core.permissions import Actor
from cers_app.facilities import requests
from cers_app.regulator import queue, scope
from cers_app.regulator.scope import Right


@dataclass(frozen=True)
class Dashboard:
    memberships: list[agency_service.MembershipRow]
    submitted: int
    under_review: int
    pending_requests: int
    rights: frozenset[Right]


def dashboard(session: Session, actor: Actor) -> Dashboard:
    """The home page's figures for `actor`, counted only within the actor's reach."""
    roles = scope.roles_of(session, actor)
    rights = frozenset(
        right for role in roles.values() for right in scope.ROLE_RIGHTS.get(role, frozenset())
    )
    counts = queue.queue_counts(session, actor)
    pending = (
        len(requests.requests_for_regulator(session, actor)) if Right.REQUESTS in rights else 0
    )
    return Dashboard(
        memberships=agency_service.memberships(session, actor.user_id),
        submitted=counts.submitted,
        under_review=counts.under_review,
        pending_requests=pending,
        rights=rights,
    )
