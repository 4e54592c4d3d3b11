"""Issuing and redeeming the single-use account tokens (activation, reset, email, sign-in)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select, update

from cers_app.accounts.models import AccountToken, TokenPurpose, User
from cers_app.core import clock
from cers_app.core.errors import Conflict, NotFound
from cers_app.core.tokens import hash_token, new_token

LIFETIMES = {
    TokenPurpose.ACTIVATION: dt.timedelta(hours=48),
    TokenPurpose.PASSWORD_RESET: dt.timedelta(hours=1),
    TokenPurpose.EMAIL_CHANGE: dt.timedelta(hours=24),
    TokenPurpose.SIGN_IN: dt.timedelta(seconds=60),
}

_UNUSABLE = {
    TokenPurpose.ACTIVATION: (
        "This activation link has already been used. If your account is active, sign in.",
        "This activation link has expired. Ask for a new one below.",
    ),
    TokenPurpose.PASSWORD_RESET: (
        "This password reset link has already been used. Ask for a new one if you need it.",
        "This password reset link has expired. Ask for a new one.",
    ),
    TokenPurpose.EMAIL_CHANGE: (
        "This confirmation link has already been used.",
        "This confirmation link has expired. Change your email address again to get a new one.",
    ),
    TokenPurpose.SIGN_IN: (
        "That sign-in link was already used. Please sign in again.",
        "That sign-in took too long. Please sign in again.",
    ),
}


def issue(session: Session, user_id: int, purpose: TokenPurpose, payload: str | None = None) -> str:
    """Create a token for `user_id` and return its raw value (only its hash is stored).

    Earlier unused tokens of the same purpose are retired, so only the newest link works.
    """
    now = clock.now()
    session.exec(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose == purpose.value,
            col(AccountToken.used_at).is_(None),
        )
        .values(used_at=now)
    )
    raw, digest = new_token()
    session.add(
        AccountToken(
            user_id=user_id,
            purpose=purpose.value,
            token_hash=digest,
            created_at=now,
            expires_at=now + LIFETIMES[purpose],
            payload=payload,
        )
    )
    return raw


def peek(session: Session, raw: str, purpose: TokenPurpose) -> tuple[AccountToken, User]:
    """The live token and its user, or NotFound/Conflict with a message saying why not."""
    if not isinstance(raw, str) or not 20 <= len(raw) <= 100:
        raise NotFound("This link is not valid. Check that you copied all of it.")
    token = session.exec(
        select(AccountToken).where(
            AccountToken.token_hash == hash_token(raw), AccountToken.purpose == purpose.value
        )
    ).first()
    if token is None:
        raise NotFound("This link is not valid. Check that you copied all of it.")
    used, expired = _UNUSABLE[purpose]
    if token.used_at is not None:
        raise Conflict(used)
    if token.expires_at <= clock.now():
        raise Conflict(expired)
    user = session.get(User, token.user_id)
    if user is None:
        raise NotFound("This link is not valid.")
    return token, user


def redeem(session: Session, raw: str, purpose: TokenPurpose) -> tuple[AccountToken, User]:
    """Like `peek`, and marks the token used (call inside the service's transaction).

    The conditional UPDATE makes redemption atomic: of two simultaneous clicks, one wins.
    """
    token, user = peek(session, raw, purpose)
    now = clock.now()
    result = session.exec(
        update(AccountToken)
        .where(AccountToken.id == token.id, col(AccountToken.used_at).is_(None))
        .values(used_at=now)
    )
    if result.rowcount != 1:
        raise Conflict(_UNUSABLE[purpose][0])
    token.used_at = now
    return token, user
