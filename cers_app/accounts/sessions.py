"""Signing in and out: the two-step sign-in, lockout, the cookie exchange and session rows.

Sign-in never needs JavaScript eval: `check_password` returns a single-use, 60-second token;
the browser then loads AUTH_SESSION with it, and that route calls `open_session` and sets the
HttpOnly cookie. Every later request presents the cookie and `resolve_session` re-reads the
row, so revoking a session stops the very next event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session, col, select, update

from cers_app.accounts import rules
from cers_app.accounts import tokens as account_tokens
from cers_app.accounts.models import TokenPurpose, User, UserSession, UserStatus
from cers_app.core import audit, clock, throttle
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import PermissionDenied, ValidationFailed
from cers_app.core.passwords import burn_verify, hash_secret, needs_rehash, verify_secret
from cers_app.core.permissions import Portal
from cers_app.core.settings import get_settings
from cers_app.core.tokens import hash_token, keyed_hash, new_token
from cers_app.ops import training

WRONG_PASSWORD = "The username or password is not correct."
LAST_SEEN_EVERY = dt.timedelta(minutes=1)
MAX_PASSWORD_INPUT = 200

PortalCheck = Callable[[Session, int, Portal], str | None]
"""Returns why `user_id` may not use `portal`, or None. Supplied by the caller."""


def sign_in_phrase(session: Session, username: str) -> str:
    """Step one: the password protection phrase to show for `username`.

    For an unknown username a stable decoy phrase is returned, so the page looks the same
    whether or not the account exists.
    """
    error = rules.check_username(username)
    if error:
        raise ValidationFailed({"username": error})
    key = rules.username_key(username)
    user = session.exec(select(User).where(User.username_key == key)).first()
    if user is not None:
        return user.phrase
    return rules.decoy_phrase(keyed_hash("decoy-phrase", key))


@dataclass(frozen=True)
class SignInGrant:
    """A correct password: the single-use token the browser exchanges for the cookie."""

    token: str
    portal: Portal
    user_id: int


def check_password(
    session: Session,
    username: str,
    password: str,
    portal: Portal,
    *,
    client_ip: str,
    portal_check: PortalCheck,
    training_acknowledged: bool = False,
) -> SignInGrant:
    """Step two: verify the password and grant a sign-in token, or refuse with a reason.

    Locks (username, client address) after 5 wrong passwords for 15 minutes, the username
    after 20 wrong passwords from anywhere within an hour, and the client address after 50
    wrong passwords for any usernames within an hour. Unknown usernames are treated exactly
    like wrong passwords, in messages and in timing.
    """
    error = rules.check_username(username)
    if error:
        raise ValidationFailed({"username": error})
    # A training site's sign-in needs the "data is public and not kept" box ticked.
    training.require_acknowledgment(training_acknowledged)
    if not password:
        raise ValidationFailed({"password": "Enter your password."})
    if len(password) > MAX_PASSWORD_INPUT:
        raise ValidationFailed({"password": WRONG_PASSWORD})
    name_key = rules.username_key(username)
    client_key = throttle.SIGN_IN_PER_CLIENT.key(name_key, client_ip)
    account_key = throttle.SIGN_IN_PER_ACCOUNT.key(name_key)
    address_key = throttle.SIGN_IN_PER_ADDRESS.key(client_ip)
    refusal: str | None = None
    with throttle.counted_transaction(session, client_key, account_key, address_key):
        throttle.check(session, throttle.SIGN_IN_PER_CLIENT, client_key)
        throttle.check(session, throttle.SIGN_IN_PER_ACCOUNT, account_key)
        throttle.check(session, throttle.SIGN_IN_PER_ADDRESS, address_key)
        user = session.exec(select(User).where(User.username_key == name_key)).first()
        if user is None:
            burn_verify(password)
            password_ok = False
        else:
            password_ok = verify_secret(password, user.password_hash)
        if not password_ok or user is None:
            throttle.hit(session, throttle.SIGN_IN_PER_CLIENT, client_key)
            throttle.hit(session, throttle.SIGN_IN_PER_ACCOUNT, account_key)
            throttle.hit(session, throttle.SIGN_IN_PER_ADDRESS, address_key)
            if user is not None:
                audit.record(
                    session,
                    actor_user_id=None,
                    event=AuditEventType.USER_SIGN_IN_FAILED,
                    subject_type="user",
                    subject_id=user.id or 0,
                    client_ip=client_ip,
                )
            left = throttle.SIGN_IN_PER_CLIENT.max_hits - _recent_failures(session, client_key)
            refusal = WRONG_PASSWORD
            if 0 < left <= 2:
                refusal += f" {left} attempt{'s' if left > 1 else ''} left before a 15-minute lock."
            elif left <= 0:
                refusal += " Too many failed sign-ins: try again in 15 minutes."
        else:
            assert user.id is not None
            if user.status == UserStatus.PENDING:
                raise PermissionDenied(
                    "Your account is not activated yet. Open the link in the activation email, "
                    "or ask for a new one."
                )
            if user.status == UserStatus.DISABLED:
                raise PermissionDenied(
                    "This account is disabled. Contact your local regulator for help."
                )
            denied = portal_check(session, user.id, portal)
            if denied:
                raise PermissionDenied(denied)
            throttle.clear(session, throttle.SIGN_IN_PER_CLIENT, client_key)
            if needs_rehash(user.password_hash):
                user.password_hash = hash_secret(password)
                session.add(user)
                audit.record(
                    session,
                    actor_user_id=user.id,
                    event=AuditEventType.USER_PASSWORD_CHANGED,
                    subject_type="user",
                    subject_id=user.id,
                    after={"rehashed": True},
                    client_ip=client_ip,
                )
            token = account_tokens.issue(session, user.id, TokenPurpose.SIGN_IN, portal.value)
            return SignInGrant(token=token, portal=portal, user_id=user.id)
    raise ValidationFailed({"password": refusal or WRONG_PASSWORD})


def _recent_failures(session: Session, client_key: str) -> int:
    limit = throttle.SIGN_IN_PER_CLIENT
    since = clock.now() - limit.window
    rows = session.exec(
        select(throttle.ThrottleHit.id).where(
            throttle.ThrottleHit.bucket == limit.bucket,
            throttle.ThrottleHit.key == client_key,
            col(throttle.ThrottleHit.at) > since,
        )
    ).all()
    return len(rows)


@dataclass(frozen=True)
class OpenedSession:
    cookie_value: str
    portal: Portal
    max_age_seconds: int
    user_id: int


def open_session(
    session: Session, raw_token: str, *, client_ip: str | None, user_agent: str | None
) -> OpenedSession:
    """Exchange a sign-in token for a new session (the cookie value is returned once)."""
    settings = get_settings()
    with transaction(session):
        token, user = account_tokens.redeem(session, raw_token, TokenPurpose.SIGN_IN)
        if user.status != UserStatus.ACTIVE:
            raise PermissionDenied("This account cannot sign in.")
        assert user.id is not None
        now = clock.now()
        raw, digest = new_token()
        lifetime = dt.timedelta(hours=settings.session_max_hours)
        portal = Portal(token.payload or Portal.BUSINESS.value)
        row = UserSession(
            user_id=user.id,
            token_hash=digest,
            portal=portal.value,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            client_ip=client_ip,
            user_agent=(user_agent or "")[:200] or None,
        )
        session.add(row)
        user.last_sign_in_at = now
        session.add(user)
        session.flush()
        audit.record(
            session,
            actor_user_id=user.id,
            event=AuditEventType.USER_SIGNED_IN,
            subject_type="session",
            subject_id=row.id or 0,
            after={"portal": portal.value},
            client_ip=client_ip,
        )
        return OpenedSession(
            cookie_value=raw,
            portal=portal,
            max_age_seconds=int(lifetime.total_seconds()),
            user_id=user.id,
        )


def resolve_session(session: Session, cookie_value: str | None) -> tuple[User, UserSession] | None:
    """The live session and active user behind a cookie value, or None.

    Refreshes `last_seen_at` at most once a minute; an idle or expired session is refused.
    """
    if not cookie_value or len(cookie_value) > 100:
        return None
    now = clock.now()
    found = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.token_hash == hash_token(cookie_value))
    ).first()
    if found is None:
        return None
    row, user = found
    idle = dt.timedelta(minutes=get_settings().session_idle_minutes)
    if (
        row.revoked_at is not None
        or row.expires_at <= now
        or row.last_seen_at + idle <= now
        or user.status != UserStatus.ACTIVE
    ):
        return None
    if now - row.last_seen_at >= LAST_SEEN_EVERY:
        session.exec(update(UserSession).where(UserSession.id == row.id).values(last_seen_at=now))
        session.commit()
    return user, row


def sign_out(session: Session, session_id: int, user_id: int, client_ip: str | None) -> None:
    """Revoke one session (the browser's cookie stops working at once)."""
    with transaction(session):
        result = session.exec(
            update(UserSession)
            .where(
                UserSession.id == session_id,
                UserSession.user_id == user_id,
                col(UserSession.revoked_at).is_(None),
            )
            .values(revoked_at=clock.now())
        )
        if result.rowcount != 1:
            return  # already signed out, or not this user's session: nothing changed
        audit.record(
            session,
            actor_user_id=user_id,
            event=AuditEventType.USER_SIGNED_OUT,
            subject_type="session",
            subject_id=session_id,
            client_ip=client_ip,
        )


def revoke_all_sessions(
    session: Session, user_id: int, *, except_session_id: int | None = None
) -> int:
    """Revoke every live session of `user_id` (inside the caller's transaction)."""
    statement = update(UserSession).where(
        UserSession.user_id == user_id, col(UserSession.revoked_at).is_(None)
    )
    if except_session_id is not None:
        statement = statement.where(UserSession.id != except_session_id)
    result = session.exec(statement.values(revoked_at=clock.now()))
    if result.rowcount:
        audit.record(
            session,
            actor_user_id=user_id,
            event=AuditEventType.USER_SESSIONS_REVOKED,
            subject_type="user",
            subject_id=user_id,
            after={"sessions": result.rowcount},
        )
    return result.rowcount
