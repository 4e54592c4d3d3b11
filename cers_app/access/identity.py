"""Turning a session cookie into an `Actor`: identity (accounts), agency roles, selected business.

Used by the AuthGate for every event, by the HTTP routes, and by the sign-in flow to decide
whether a user may enter the portal they chose. Nothing here is cached between requests.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie

from sqlmodel import Session, col, select

from cers_app.accounts import service as account_service
from cers_app.accounts.models import User, UserStatus
from cers_app.accounts.sessions import resolve_session
from cers_app.agencies.service import active_agency_ids
from cers_app.core.permissions import Actor, Permission, Portal
from cers_app.organizations.models import Organization, OrgMember, OrgStatus

SESSION_COOKIE = "cers_session"


def cookie_value(cookie_header: str | None) -> str | None:
    """The session token from a raw Cookie header, or None."""
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except CookieError:
        return None
    morsel = jar.get(SESSION_COOKIE)
    return morsel.value if morsel else None


def portal_refusal(session: Session, user_id: int, portal: Portal) -> str | None:
    """Why `user_id` may not sign in to `portal`, or None when they may."""
    if portal is Portal.REGULATOR:
        user = session.get(User, user_id)
        if user is not None and user.is_system_admin:
            return None
        if not active_agency_ids(session, user_id):
            return (
                "This account has no role in a regulator agency. Sign in through the "
                "Business Portal, or ask your agency administrator for access."
            )
    return None


def resolve_actor(
    session: Session, cookie_header: str | None, client_ip: str | None
) -> Actor | None:
    """The actor behind a request's Cookie header, with the permissions it holds right now."""
    found = resolve_session(session, cookie_value(cookie_header))
    if found is None:
        return None
    user, row = found
    assert row.id is not None
    return _actor(session, user, Portal(row.portal), row.organization_id, row.id, client_ip)


def actor_of_user(
    session: Session, user_id: int, portal: Portal, organization_id: int | None
) -> Actor | None:
    """The actor a background job acts as: the user, in the portal and business they asked
    from, with the permissions they hold right now (None once the account is not active)."""
    user = session.get(User, user_id)
    if user is None or user.status != UserStatus.ACTIVE:
        return None
    return _actor(session, user, portal, organization_id, 0, None)


def _actor(
    session: Session,
    user: User,
    portal: Portal,
    organization_id: int | None,
    session_id: int,
    client_ip: str | None,
) -> Actor:
    assert user.id is not None
    granted = {Permission.SIGNED_IN}
    agencies: tuple[int, ...] = ()
    organization: tuple[int | None, str] = (None, "")
    if account_service.has_accepted_current_conditions(session, user.id):
        granted.add(Permission.ACCOUNT)
        if user.is_system_admin:
            granted.add(Permission.SYSTEM_ADMIN)
        if portal is Portal.BUSINESS:
            granted.add(Permission.BUSINESS_PORTAL)
            organization = _selected_organization(session, organization_id, user.id)
        else:
            agencies = active_agency_ids(session, user.id)
            if agencies:
                granted.add(Permission.REGULATOR_PORTAL)
    return Actor(
        user_id=user.id,
        session_id=session_id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        portal=portal,
        permissions=frozenset(granted),
        agency_ids=agencies,
        client_ip=client_ip,
        organization_id=organization[0],
        organization_name=organization[1],
    )


def _selected_organization(
    session: Session, organization_id: int | None, user_id: int
) -> tuple[int | None, str]:
    """The session's selected business, only while the user still belongs to it."""
    if organization_id is None:
        return None, ""
    found = session.exec(
        select(Organization.name)
        .join(OrgMember, col(OrgMember.organization_id) == Organization.id)
        .where(
            Organization.id == organization_id,
            Organization.status == OrgStatus.ACTIVE.value,
            OrgMember.user_id == user_id,
        )
    ).first()
    return (organization_id, found) if found is not None else (None, "")
