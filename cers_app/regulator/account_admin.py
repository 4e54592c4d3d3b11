"""Account administration: find accounts, disable and enable them, lift a sign-in lockout and
end every session of an account.

A system administrator acts on any account. An Agency Admin acts only on the accounts of people
holding a role in their agency (its regulator staff), never on a system administrator's. Nobody
disables their own account. Disabling ends the account's sessions at once: the gate re-reads
the session row on every event, so the very next event of that user is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cers_app.accounts.models import User, UserSession, UserStatus
from cers_app.accounts.sessions import revoke_all_sessions
from cers_app.agencies.models import REGULATOR_ROLE_LABELS, Agency, AgencyMember
from cers_app.agencies.rights import ROLE_RIGHTS, Right, roles_of
from cers_app.core import audit, clock, routes, throttle
from cers_app.core.audit import AuditEvent, AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import Rendered, queue_email, render
from cers_app.core.permissions import Actor, Permission
from cers_app.facilities.service import is_id

ROWS_LIMIT = 50
NOT_FOUND = "That account was not found among the accounts you administer."


@dataclass(frozen=True)
class AdminAccountRow:
    """One account as the administration pages list it."""

    id: int
    username: str
    name: str
    email: str
    status: str
    last_sign_in: str
    roles: str  # "Reviewer, Yolo County Environmental Health; ..."
    locked: bool
    live_sessions: int
    system_admin: bool
    is_self: bool


def _admin_agencies(session: Session, actor: Actor) -> list[int]:
    """The agencies where the actor's role holds Right.ADMIN."""
    return sorted(
        agency_id
        for agency_id, role in roles_of(session, actor).items()
        if Right.ADMIN in ROLE_RIGHTS.get(role, frozenset())
    )


def _staff_of(agencies: list[int]):  # a SQL subquery of user ids
    return select(AgencyMember.user_id).where(
        col(AgencyMember.agency_id).in_(agencies), col(AgencyMember.active).is_(True)
    )


def _scope(session: Session, actor: Actor) -> list[int] | None:
    """None for a system administrator (every account), else the agencies administered."""
    if actor.can(Permission.SYSTEM_ADMIN):
        return None
    agencies = _admin_agencies(session, actor)
    if not agencies:
        raise PermissionDenied("Only a system administrator or an Agency Admin can do this.")
    return agencies


def _target(session: Session, actor: Actor, user_id: object) -> User:
    """The account `user_id` if the actor administers it, row-locked; else NotFound."""
    agencies = _scope(session, actor)
    user = session.get(User, user_id) if is_id(user_id) else None
    if user is None:
        raise NotFound(NOT_FOUND)
    if agencies is not None:
        staff = session.exec(
            select(AgencyMember.id).where(
                AgencyMember.user_id == user.id,
                col(AgencyMember.agency_id).in_(agencies),
                col(AgencyMember.active).is_(True),
            )
        ).first()
        if staff is None:
            raise NotFound(NOT_FOUND)
        if user.is_system_admin:
            raise PermissionDenied("Only a system administrator can change this account.")
    # Two administrators at once take turns on the row; the second sees the first's change.
    session.refresh(user, with_for_update=True)
    return user


def _lock_keys(session: Session, user: User) -> list[tuple[throttle.Limit, str]]:
    """The throttle keys that can lock `user` out of signing in or resetting a password.

    Per-address keys are keyed hashes of (username, address): the addresses come from the
    account's recent failed sign-ins in the audit trail.
    """
    since = clock.now() - max(
        throttle.SIGN_IN_PER_CLIENT.window, throttle.SIGN_IN_PER_ACCOUNT.window
    )
    addresses = session.exec(
        select(AuditEvent.client_ip)
        .where(
            AuditEvent.event == AuditEventType.USER_SIGN_IN_FAILED.value,
            AuditEvent.subject_type == "user",
            AuditEvent.subject_id == str(user.id),
            col(AuditEvent.at) > since,
        )
        .distinct()
    ).all()
    keys = [(throttle.SIGN_IN_PER_ACCOUNT, throttle.SIGN_IN_PER_ACCOUNT.key(user.username_key))]
    keys += [
        (throttle.SIGN_IN_PER_CLIENT, throttle.SIGN_IN_PER_CLIENT.key(user.username_key, ip))
        for ip in addresses
        if ip is not None
    ]
    keys.append((throttle.RESET_ANSWER, throttle.RESET_ANSWER.key(str(user.id))))
    return keys


def _is_locked(session: Session, user: User) -> bool:
    return any(
        throttle.retry_after(session, limit, key) for limit, key in _lock_keys(session, user)
    )


def _roles(session: Session, user_ids: list[int]) -> dict[int, list[str]]:
    rows = session.exec(
        select(AgencyMember.user_id, AgencyMember.role, Agency.name)
        .join(Agency, col(Agency.id) == AgencyMember.agency_id)
        .where(col(AgencyMember.user_id).in_(user_ids), col(AgencyMember.active).is_(True))
        .order_by(Agency.name)
    ).all()
    found: dict[int, list[str]] = {}
    for user_id, role, agency in rows:
        label = REGULATOR_ROLE_LABELS.get(role, role)  # type: ignore[call-overload]
        found.setdefault(user_id, []).append(f"{label}, {agency}")
    return found


def _live_sessions(session: Session, user_ids: list[int]) -> dict[int, int]:
    now = clock.now()
    rows = session.exec(
        select(UserSession.user_id, func.count())
        .where(
            col(UserSession.user_id).in_(user_ids),
            col(UserSession.revoked_at).is_(None),
            col(UserSession.expires_at) > now,
        )
        .group_by(col(UserSession.user_id))
    ).all()
    return dict(rows)


def account_rows(session: Session, actor: Actor, text: str = "") -> list[AdminAccountRow]:
    """Accounts the actor administers whose username, name or email contains `text`
    (the first 50, newest first)."""
    agencies = _scope(session, actor)
    statement = select(User).order_by(col(User.id).desc()).limit(ROWS_LIMIT)
    if agencies is not None:
        statement = statement.where(col(User.id).in_(_staff_of(agencies)))
    wanted = (text or "").strip().casefold()[:100]
    if wanted:
        statement = statement.where(
            func.lower(User.username).contains(wanted, autoescape=True)
            | func.lower(User.email).contains(wanted, autoescape=True)
            | func.lower(User.first_name + " " + User.last_name).contains(wanted, autoescape=True)
        )
    users = list(session.exec(statement).all())
    ids = [u.id for u in users if u.id is not None]
    roles = _roles(session, ids)
    live = _live_sessions(session, ids)
    return [
        AdminAccountRow(
            id=user.id or 0,
            username=user.username,
            name=user.display_name,
            email=user.email,
            status=user.status,
            last_sign_in=clock.format_local(user.last_sign_in_at) if user.last_sign_in_at else "",
            roles="; ".join(roles.get(user.id or 0, [])),
            locked=_is_locked(session, user),
            live_sessions=live.get(user.id or 0, 0),
            system_admin=user.is_system_admin,
            is_self=user.id == actor.user_id,
        )
        for user in users
    ]


def _tell(session: Session, user: User, message: Rendered, kind: str) -> None:
    queue_email(session, to=user.email, message=message, kind=kind, user_id=user.id)


def _disabled_email(first_name: str) -> Rendered:
    return render(
        "Your OpenCERS account was disabled",
        f"Hello {first_name},",
        [
            "An administrator disabled your OpenCERS account; you were signed out everywhere "
            "and cannot sign in until it is enabled again.",
            "If you think this is a mistake, contact your local regulator.",
        ],
    )


def _enabled_email(first_name: str) -> Rendered:
    return render(
        "Your OpenCERS account was enabled",
        f"Hello {first_name},",
        ["An administrator enabled your OpenCERS account again; you can sign in."],
        action=("Sign in", routes.absolute(routes.SIGN_IN)),
    )


def disable_account(session: Session, actor: Actor, user_id: object) -> None:
    """Disable an account: it cannot sign in and its sessions end now; the holder is emailed."""
    with transaction(session):
        user = _target(session, actor, user_id)
        if user.id == actor.user_id:
            raise ValidationFailed(
                {"account": "You cannot disable your own account; ask another administrator."}
            )
        if user.status == UserStatus.DISABLED:
            raise Conflict(f"The account {user.username} is already disabled.")
        before = user.status
        user.status = UserStatus.DISABLED.value
        user.version += 1
        session.add(user)
        ended = revoke_all_sessions(session, user.id or 0)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.USER_DISABLED,
            subject_type="user",
            subject_id=user.id or 0,
            before={"status": before},
            after={"status": user.status, "sessions_ended": ended},
            client_ip=actor.client_ip,
        )
        _tell(session, user, _disabled_email(user.first_name), "account_disabled")


def enable_account(session: Session, actor: Actor, user_id: object) -> None:
    """Enable a disabled account again (pending again if it was never activated)."""
    with transaction(session):
        user = _target(session, actor, user_id)
        if user.status != UserStatus.DISABLED:
            raise Conflict(f"The account {user.username} is not disabled.")
        user.status = (
            UserStatus.ACTIVE if user.activated_at is not None else UserStatus.PENDING
        ).value
        user.version += 1
        session.add(user)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.USER_ENABLED,
            subject_type="user",
            subject_id=user.id or 0,
            before={"status": UserStatus.DISABLED.value},
            after={"status": user.status},
            client_ip=actor.client_ip,
        )
        _tell(session, user, _enabled_email(user.first_name), "account_enabled")


def unlock_account(session: Session, actor: Actor, user_id: object) -> int:
    """Lift the account's sign-in and password-reset lockouts; returns the hits forgotten."""
    with transaction(session):
        user = _target(session, actor, user_id)
        cleared = 0
        for limit, key in _lock_keys(session, user):
            cleared += len(
                session.exec(
                    select(throttle.ThrottleHit.id).where(
                        throttle.ThrottleHit.bucket == limit.bucket,
                        throttle.ThrottleHit.key == key,
                    )
                ).all()
            )
            throttle.clear(session, limit, key)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.USER_UNLOCKED,
            subject_type="user",
            subject_id=user.id or 0,
            after={"hits_cleared": cleared},
            client_ip=actor.client_ip,
        )
        return cleared


def end_sessions(session: Session, actor: Actor, user_id: object) -> int:
    """Sign the account out everywhere (your own: everywhere but here); returns how many."""
    with transaction(session):
        user = _target(session, actor, user_id)
        keep = actor.session_id if user.id == actor.user_id else None
        ended = revoke_all_sessions(session, user.id or 0, except_session_id=keep)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.USER_SESSIONS_ENDED,
            subject_type="user",
            subject_id=user.id or 0,
            after={"sessions": ended},
            client_ip=actor.client_ip,
        )
        return ended
