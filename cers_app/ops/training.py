"""Training mode (CERS_TRAINING_MODE=1): a public practice site whose data is not kept.

Every page shows TRAINING_BANNER, sign-in asks for ACKNOWLEDGMENT (the sign-in service refuses
without it), and `reset-training` erases everything people entered and reloads the demo.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from cers_app.core import audit, db, storage
from cers_app.core.audit import AuditEventType
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.core.settings import get_settings

TRAINING_BANNER = "Training site: data entered here is public and is not kept."
ACKNOWLEDGMENT = "I understand this is a training site: what I enter is public and is not kept."
ACKNOWLEDGMENT_MISSING = "Tick the box to confirm you understand this is a training site."
# Reference data that is the same on every site; a reset keeps it (reloading it takes minutes).
KEPT_TABLES = frozenset(
    {"chemical", "chemical_name", "chemical_list_value", "chemical_library_version", "site_mode"}
)


def active() -> bool:
    """Whether this site runs in training mode."""
    return get_settings().training_mode


def require_acknowledgment(acknowledged: bool) -> None:
    """At sign-in on a training site: refuse unless the person ticked the acknowledgment."""
    if active() and not acknowledged:
        raise ValidationFailed({"acknowledge": ACKNOWLEDGMENT_MISSING})


@dataclass(frozen=True)
class ResetReport:
    users: int
    facilities: int
    rows_removed: int


def reset() -> ResetReport:
    """Erase every business table and stored file, then load the demo afresh.

    Refused unless training mode is on: on a real site this would destroy everything.
    """
    if not active():
        raise DomainError(
            "reset-training only runs on a training site (CERS_TRAINING_MODE=1); nothing was "
            "changed."
        )
    from cers_app import demo
    from cers_app.ops import dump

    with db.new_session() as session, db.transaction(session):
        connection = session.connection()
        tables = [t for t in dump.tables(connection) if t.name not in KEPT_TABLES]
        removed = dump.delete_all(connection, tables)
        if connection.dialect.name == "postgresql":
            for table in tables:
                for column in table.primary_key.columns:
                    sequence = sa.func.pg_get_serial_sequence(f'"{table.name}"', column.name)
                    found = connection.execute(sa.select(sequence)).scalar()
                    if found is not None:
                        connection.execute(sa.select(sa.func.setval(found, 1, False)))
        # The one event of the emptied trail says what happened to the rest.
        audit.record(
            session,
            actor_user_id=None,
            event=AuditEventType.TRAINING_DATA_RESET,
            subject_type="site",
            subject_id=0,
            after={"rows_removed": removed},
        )
    folder = storage.files_dir()
    if folder.is_dir():
        for path in folder.iterdir():
            if path.is_file() and len(path.name) == 32:
                path.unlink()
    seeded = demo.seed()
    return ResetReport(
        users=len(seeded.users), facilities=len(seeded.facilities), rows_removed=removed
    )
