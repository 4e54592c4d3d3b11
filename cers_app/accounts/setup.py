"""Accounts made for someone else (an Agency Admin inviting a new regulator): the account is
created pending, with secrets nobody knows, and its holder finishes it from an emailed link by
choosing a password, a security question and answer and a sign-in phrase.

An invited account is told apart by its empty phrase (every registration has one).
"""

from __future__ import annotations

import re
import secrets

from sqlmodel import Session, select

from cers_app.accounts import rules
from cers_app.accounts import tokens as account_tokens
from cers_app.accounts.models import TokenPurpose, User, UserStatus
from cers_app.core import audit, clock, routes
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, ValidationFailed
from cers_app.core.mail import Rendered, render
from cers_app.core.passwords import hash_secret

SETUP_HOURS = int(account_tokens.LIFETIMES[TokenPurpose.ACTIVATION].total_seconds() // 3600)
_NOT_ALNUM = re.compile(r"[^A-Za-z0-9]")


def free_username(session: Session, email: str) -> str:
    """A username not yet taken, made from the address's local part (letters and digits)."""
    base = _NOT_ALNUM.sub("", email.split("@", 1)[0])[: rules.USERNAME_MAX - 3] or "regulator"
    if len(base) < rules.USERNAME_MIN:
        base = (base + "staff")[: rules.USERNAME_MAX - 3]
    candidate, number = base, 1
    while (
        session.exec(
            select(User.id).where(User.username_key == rules.username_key(candidate))
        ).first()
        is not None
    ):
        number += 1
        candidate = f"{base}{number}"
    return candidate


def create_invited_user(
    session: Session,
    *,
    actor_user_id: int | None,
    email: str,
    first_name: str,
    last_name: str,
) -> tuple[User, str]:
    """A pending account for `email` and the raw token of its set-up link (the caller's
    transaction; the caller sends the email). Names must be checked already."""
    now = clock.now()
    username = free_username(session, email)
    user = User(
        username=username,
        username_key=rules.username_key(username),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email,
        # Nobody knows these: the holder chooses their own on the set-up page.
        password_hash=hash_secret(secrets.token_urlsafe(32)),
        security_question=next(iter(rules.SECURITY_QUESTIONS)),
        security_answer_hash=hash_secret(secrets.token_urlsafe(32)),
        phrase="",
        status=UserStatus.PENDING.value,
        created_at=now,
        password_changed_at=now,
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    raw = account_tokens.issue(session, user.id, TokenPurpose.ACTIVATION)
    audit.record(
        session,
        actor_user_id=actor_user_id,
        event=AuditEventType.USER_CREATED_BY_ADMIN,
        subject_type="user",
        subject_id=user.id,
        after={"username": user.username, "email": email, "invited": True},
    )
    return user, raw


def awaits_setup(user: User) -> bool:
    """Whether `user` is an invited account its holder has not set up yet."""
    return user.status == UserStatus.PENDING and not user.phrase


def new_setup_token(session: Session, user: User) -> str:
    """A fresh set-up link's token (earlier links stop working)."""
    assert user.id is not None
    return account_tokens.issue(session, user.id, TokenPurpose.ACTIVATION)


def setup_link(raw_token: str) -> str:
    return routes.absolute(routes.ACCOUNT_SETUP, token=raw_token)


def invitation_email(
    first_name: str, username: str, agency: str, role: str, inviter: str, raw_token: str
) -> Rendered:
    return render(
        f"You are invited to the OpenCERS Regulator Portal of {agency}",
        f"Hello {first_name},",
        [
            f"{inviter} gave you the role {role} at {agency} and created an OpenCERS account "
            f"for you with the username {username}.",
            "Open the link below to choose your password, security question and sign-in "
            f"phrase; then sign in to the Regulator Portal. The link works once and expires in "
            f"{SETUP_HOURS} hours.",
        ],
        action=("Set up my account", setup_link(raw_token)),
        after=["If you did not expect this, ignore this message; the account stays unusable."],
    )


def _invited(session: Session, raw_token: str) -> User:
    _token, user = account_tokens.peek(session, raw_token, TokenPurpose.ACTIVATION)
    if not awaits_setup(user):
        raise Conflict("This account is already set up. Sign in with your username.")
    return user


def setup_username(session: Session, raw_token: str) -> str:
    """The username of a live set-up link (to show on the page)."""
    return _invited(session, raw_token).username


def complete_setup(
    session: Session,
    raw_token: str,
    *,
    password: str,
    password_confirm: str,
    security_question: str,
    security_answer: str,
    phrase: str,
) -> str:
    """Set the invited account's secrets and activate it; returns its username."""
    with transaction(session):
        user = _invited(session, raw_token)
        checks = {
            "password": rules.check_password(
                password, personal=[user.username, user.first_name, user.last_name, user.email]
            ),
            "password_confirm": rules.check_password_confirmation(password, password_confirm),
            "security_question": rules.check_security_question(security_question),
            "security_answer": rules.check_answer(security_answer),
            "phrase": rules.check_phrase(phrase),
        }
        errors = {field: message for field, message in checks.items() if message}
        if errors:
            raise ValidationFailed(errors)
        account_tokens.redeem(session, raw_token, TokenPurpose.ACTIVATION)
        now = clock.now()
        user.password_hash = hash_secret(password)
        user.security_question = security_question
        user.security_answer_hash = hash_secret(rules.normalise_answer(security_answer))
        user.phrase = phrase.strip()
        user.status = UserStatus.ACTIVE.value
        user.activated_at = now
        user.password_changed_at = now
        user.version += 1
        session.add(user)
        audit.record(
            session,
            actor_user_id=user.id,
            event=AuditEventType.USER_ACTIVATED,
            subject_type="user",
            subject_id=user.id or 0,
            after={"invited": True},
        )
        return user.username
