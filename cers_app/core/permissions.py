"""Who the caller is (`Actor`) and the policy markers every event handler must carry.

The AuthGate middleware checks a handler's coarse permission before it runs; services then check
object-level rights (which organization, which agency) with the same `Actor`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

POLICY_ATTR = "__cers_policy__"
PUBLIC = "public"


class Permission(StrEnum):
    """Coarse rights the gate can decide from the session alone."""

    SIGNED_IN = "signed_in"
    """Any live session, even one that still has to accept new conditions of use."""
    ACCOUNT = "account"
    """Signed in and the current conditions of use accepted: own account pages."""
    BUSINESS_PORTAL = "business_portal"
    """Signed in through the Business Portal."""
    REGULATOR_PORTAL = "regulator_portal"
    """Signed in through the Regulator Portal with an active agency membership."""
    SYSTEM_ADMIN = "system_admin"
    """A system administrator (created with the CLI)."""


class Portal(StrEnum):
    BUSINESS = "business"
    REGULATOR = "regulator"


@dataclass(frozen=True)
class Actor:
    """The signed-in person behind one event, re-read from the session row for every event."""

    user_id: int
    session_id: int
    username: str
    display_name: str
    email: str
    portal: Portal
    permissions: frozenset[Permission]
    agency_ids: tuple[int, ...] = field(default=())
    client_ip: str | None = None
    organization_id: int | None = None
    """The business selected in this session, if the user still belongs to it."""
    organization_name: str = ""

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions


def requires(*permissions: Permission) -> Callable[[F], F]:
    """Mark an event handler as needing all of `permissions`. At least one is required."""
    if not permissions:
        raise TypeError("@requires() needs at least one Permission; use @public for open handlers")
    for permission in permissions:
        if not isinstance(permission, Permission):
            raise TypeError(f"@requires() takes Permission members, not {permission!r}")
    needed = frozenset(permissions)

    def mark(fn: F) -> F:
        setattr(fn, POLICY_ATTR, needed)
        return fn

    return mark


def public(fn: F) -> F:
    """Mark an event handler as callable without signing in (it validates its own input)."""
    setattr(fn, POLICY_ATTR, PUBLIC)
    return fn


def policy_of(fn: Callable[..., Any]) -> frozenset[Permission] | str | None:
    """The handler's policy: PUBLIC, a set of permissions, or None when it has no marker."""
    return getattr(fn, POLICY_ATTR, None)


_current_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "cers_current_actor", default=None
)


def set_current_actor(actor: Actor | None) -> None:
    """Called by the gate before each event runs."""
    _current_actor.set(actor)


def current_actor() -> Actor | None:
    """The actor of the event being handled (None when nobody is signed in)."""
    return _current_actor.get()
