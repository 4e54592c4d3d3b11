"""Helpers shared by the service tests: personas, row counts and email assertions."""

from __future__ import annotations

import html
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import SQLModel, select

from cers_app.accounts import service
from cers_app.accounts.views import Registration
from cers_app.agencies import service as agencies
from cers_app.core import db
from cers_app.core.audit import AuditEvent
from cers_app.core.mail import EmailMessage
from tests import helpers

# The Acme world of the design notes, reduced to what accounts and agencies need.
ACME_CUPA_CODE = 1234
OTHER_CUPA_CODE = 4321


@dataclass(frozen=True)
class Persona:
    id: int
    username: str
    email: str


def make_lena() -> Persona:
    """lena: Lead User at Acme, an activated business account."""
    user_id = helpers.activated_user("lenalead")
    return Persona(user_id, "lenalead", "lenalead@example.com")


def make_otto() -> Persona:
    """otto: works for another business; an activated account with no tie to lena."""
    user_id = helpers.activated_user("ottoowens", first_name="Otto", last_name="Owens")
    return Persona(user_id, "ottoowens", "ottoowens@example.com")


def make_rita(role: str = "reviewer") -> Persona:
    """rita: a regulator with a role in Acme's CUPA."""
    user_id = helpers.activated_user("ritaramos", first_name="Rita", last_name="Ramos")
    agency_id = db.run(agencies.find_agency_id, ACME_CUPA_CODE) or db.run(
        agencies.create_agency,
        actor_user_id=None,
        code=ACME_CUPA_CODE,
        name="Acme County Environmental Health",
        county=57,
    )
    db.run(
        agencies.set_member_role,
        actor_user_id=None,
        agency_id=agency_id,
        user_id=user_id,
        role=role,
    )
    return Persona(user_id, "ritaramos", "ritaramos@example.com")


def make_admin(*, accept_conditions: bool = True) -> Persona:
    """A system administrator as the CLI makes one (no activation email)."""
    data: Registration = helpers.registration(
        "adminsam", first_name="Sam", last_name="Admin", accepted_conditions_version=""
    )
    user_id = db.run(
        service.create_activated_user,
        data,
        actor_user_id=None,
        system_admin=True,
        accept_conditions=accept_conditions,
    )
    return Persona(user_id, "adminsam", "adminsam@example.com")


def count(model: type[SQLModel]) -> int:
    return db.run(lambda s: s.execute(sa.select(sa.func.count()).select_from(model)).scalar_one())


def table_counts() -> dict[str, int]:
    """Rows in every table of the app: proof that a refused call wrote nothing."""

    def query(session):
        return {
            table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }

    return db.run(query)


def data_counts() -> dict[str, int]:
    """`table_counts` without the rate-limit counters: a limited attempt is counted even when
    it is refused, and that is the only row it may leave."""
    counts = table_counts()
    counts.pop("throttle_hit", None)
    return counts


def assert_email_contains(message: EmailMessage, *snippets: str) -> None:
    """Each snippet is in the text body and, HTML-escaped, in the HTML body."""
    for snippet in snippets:
        assert snippet in message.body_text, (snippet, message.body_text)
        assert html.escape(snippet, quote=False) in message.body_html, (snippet, message.body_html)


def audit_values(event: AuditEvent) -> str:
    """Everything an audit row stores about a change, as one string to search."""
    return repr((event.before, event.after))


def table_snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, in key order: proof that a refused call changed nothing.

    A session's last-seen time is left out (reading a session may refresh it).
    """
    left_out = {"user_session": {"last_seen_at"}}

    def query(session):
        snapshot = {}
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if c.name not in left_out.get(table.name, set())]
            rows = session.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            snapshot[table.name] = [tuple(row) for row in rows]
        return snapshot

    return db.run(query)


def audit_events(name: str) -> list[AuditEvent]:
    """The audit rows of one event type, oldest first."""
    return db.run(
        lambda s: list(
            s.exec(select(AuditEvent).where(AuditEvent.event == name).order_by(AuditEvent.id))
        )
    )
