"""Maintenance mode: the site stays readable, every change is refused, for every worker.

Switched by CERS_MAINTENANCE_MODE=1 or by `python -m cers_app maintenance on|off`, which sets
the one `site_mode` row, so every worker sees it on its next write. The refusal is central: a
listener on every ORM session refuses a flush or a bulk statement that writes to any table but
the few that reading and signing in need (sessions, throttles, sign-in tokens, the audit trail,
the mail queue, report downloads). The service's transaction is rolled back, so nothing of the
change is kept, and the person sees MaintenanceRefused's message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel

from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.db import UTCDateTime, transaction
from cers_app.core.errors import DomainError
from cers_app.core.settings import get_settings

MAX_TEXT = 200

# Tables that reading, downloading and signing in/out write to; everything else is refused.
ALLOWED_TABLES = frozenset(
    {
        "site_mode",
        "user_session",
        "throttle_hit",
        "account_token",
        "audit_event",
        "audit_stream_head",
        "email_message",
        "report_job",
        "stored_file",
    }
)
# Signing in stamps the account's last sign-in (and may re-hash its password at a new cost).
ALLOWED_ACCOUNT_COLUMNS = frozenset({"last_sign_in_at", "password_hash"})
_CHECKED = "cers_maintenance_checked"


class SiteMode(SQLModel, table=True):
    """The one row (id 1) holding the switch every worker reads."""

    __tablename__ = "site_mode"

    id: int | None = Field(default=None, primary_key=True)
    maintenance: bool = False
    until_text: str = Field(default="", max_length=MAX_TEXT)
    message: str = Field(default="", max_length=MAX_TEXT)
    changed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    changed_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="SET NULL"
    )


class MaintenanceRefused(DomainError):
    """A change asked for while the site is in maintenance; nothing was changed."""


@dataclass(frozen=True)
class MaintenanceState:
    active: bool
    until: str = ""
    message: str = ""
    forced_by_environment: bool = False

    @property
    def refusal(self) -> str:
        """What a refused change says."""
        until = f" until {self.until}" if self.until else ""
        text = f"OpenCERS is in maintenance{until}; nothing was changed."
        return f"{text} {self.message}" if self.message else text

    @property
    def banner(self) -> str:
        """What every page says while maintenance lasts."""
        until = f" until {self.until}" if self.until else ""
        text = (
            f"OpenCERS is in maintenance{until}: you can read and download, but changes are "
            "not accepted."
        )
        return f"{text} {self.message}" if self.message else text


def _row(connection: sa.Connection) -> tuple[bool, str, str]:
    table = SiteMode.__table__
    found = connection.execute(
        sa.select(table.c.maintenance, table.c.until_text, table.c.message).where(table.c.id == 1)
    ).first()
    return (bool(found[0]), found[1], found[2]) if found else (False, "", "")


def current(session: Session) -> MaintenanceState:
    """Whether the site is in maintenance now (the environment, else the stored switch)."""
    active, until, message = _row(session.connection())
    if get_settings().maintenance_mode:
        return MaintenanceState(True, until, message, forced_by_environment=True)
    return MaintenanceState(active, until, message)


def set_mode(
    session: Session, *, active: bool, until: str = "", message: str = "", actor: int | None
) -> MaintenanceState:
    """Switch maintenance mode on or off for every worker (audited)."""
    until, message = until.strip()[:MAX_TEXT], message.strip()[:MAX_TEXT]
    with transaction(session):
        row = session.get(SiteMode, 1) or SiteMode(id=1)
        before = {"maintenance": row.maintenance, "until": row.until_text, "message": row.message}
        row.maintenance = active
        row.until_text, row.message = (until, message) if active else ("", "")
        row.changed_at = clock.now()
        row.changed_by_user_id = actor
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor,
            event=AuditEventType.MAINTENANCE_MODE_CHANGED,
            subject_type="site_mode",
            subject_id=1,
            before=before,
            after={"maintenance": active, "until": row.until_text, "message": row.message},
        )
    session.expire_all()
    return current(session)


def _refuse_if_active(connection: sa.Connection) -> None:
    if get_settings().maintenance_mode:
        active, until, message = True, *_row(connection)[1:]
    else:
        active, until, message = _row(connection)
    if active:
        raise MaintenanceRefused(MaintenanceState(True, until, message).refusal)


def _account_change_allowed(obj: object) -> bool:
    state = sa.inspect(obj)
    changed = {attr.key for attr in state.attrs if attr.history.added or attr.history.deleted}
    return changed <= ALLOWED_ACCOUNT_COLUMNS


def _flush_writes_refused_tables(session: OrmSession) -> bool:
    for obj in list(session.new) + list(session.deleted):
        if getattr(obj, "__tablename__", None) not in ALLOWED_TABLES:
            return True
    for obj in session.dirty:
        if not session.is_modified(obj):
            continue
        name = getattr(obj, "__tablename__", None)
        if name == "user_account" and _account_change_allowed(obj):
            continue
        if name not in ALLOWED_TABLES:
            return True
    return False


def _check_once_per_transaction(session: OrmSession) -> None:
    # One look at the switch per transaction: a service may flush many times.
    current_transaction = session.get_transaction()
    if current_transaction is not None and session.info.get(_CHECKED) is current_transaction:
        return
    _refuse_if_active(session.connection())
    session.info[_CHECKED] = current_transaction


@event.listens_for(OrmSession, "before_flush")
def _check_flush(session: OrmSession, _context: object, _instances: object) -> None:
    if _flush_writes_refused_tables(session):
        _check_once_per_transaction(session)


@event.listens_for(OrmSession, "do_orm_execute")
def _check_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in ALLOWED_TABLES:
        return
    _check_once_per_transaction(state.session)
