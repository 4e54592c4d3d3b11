"""Small helpers to build test data through the real services."""

from __future__ import annotations

import re
from dataclasses import replace

from sqlmodel import col, select

from cers_app.accounts import service, sessions
from cers_app.accounts.conditions import VERSION
from cers_app.accounts.models import User
from cers_app.accounts.views import Registration
from cers_app.core import db
from cers_app.core.audit import AuditEvent
from cers_app.core.mail import EmailMessage
from cers_app.core.permissions import Actor, Portal

PASSWORD = "Quiet-Meadow-Lantern-7"
ANSWER = "Biscuit"
IP = "203.0.113.7"


def registration(username: str = "lenalead", **overrides: str) -> Registration:
    data = Registration(
        first_name="Lena",
        last_name="Lopez",
        email=f"{username}@example.com",
        username=username,
        password=PASSWORD,
        password_confirm=PASSWORD,
        security_question="first_pet",
        security_answer=ANSWER,
        phrase="sunflowers by the window",
        accepted_conditions_version=VERSION,
    )
    return replace(data, **overrides)


def register(username: str = "lenalead", **overrides: str) -> int:
    return db.run(service.register, registration(username, **overrides), client_ip=IP)


def emails(kind: str | None = None, to: str | None = None) -> list[EmailMessage]:
    """Messages recorded so far, oldest first."""

    def query(session):
        statement = select(EmailMessage).order_by(col(EmailMessage.id))
        if kind:
            statement = statement.where(EmailMessage.kind == kind)
        if to:
            statement = statement.where(EmailMessage.to_address == to)
        return list(session.exec(statement).all())

    return db.run(query)


def token_from(message: EmailMessage) -> str:
    """The token of the link in an emailed message (checked in both bodies)."""
    found = re.search(r"token=([A-Za-z0-9_\-]+)", message.body_text)
    assert found, message.body_text
    assert found.group(1) in message.body_html
    return found.group(1)


def activated_user(username: str = "lenalead", **overrides: str) -> int:
    user_id = register(username, **overrides)
    db.run(service.activate, token_from(emails("activation")[-1]))
    return user_id


def user(user_id: int) -> User:
    return db.run(lambda s: s.get(User, user_id))


def audit_events(event: str | None = None) -> list[AuditEvent]:
    def query(session):
        statement = select(AuditEvent).order_by(col(AuditEvent.id))
        if event:
            statement = statement.where(AuditEvent.event == event)
        return list(session.exec(statement).all())

    return db.run(query)


def sign_in(username: str, password: str = PASSWORD, portal: Portal = Portal.BUSINESS) -> Actor:
    """Sign in through the real two steps and return the actor of the new session."""
    from cers_app.access import identity

    grant = db.run(
        sessions.check_password,
        username,
        password,
        portal,
        client_ip=IP,
        portal_check=identity.portal_refusal,
    )
    opened = db.run(sessions.open_session, grant.token, client_ip=IP, user_agent="pytest")
    actor = db.run(identity.resolve_actor, f"{identity.SESSION_COOKIE}={opened.cookie_value}", IP)
    assert actor is not None
    return actor
