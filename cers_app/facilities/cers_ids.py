"""CERS IDs: provisional ones handed out here, imported ones kept, none ever reused.

Each new ID is recorded in `cers_id_allocation` in a short transaction of its own that commits
before the facility is created: if creating the facility then fails, the ID is simply skipped
(a gap), never handed out again. Its primary key makes two concurrent allocations of the same
number impossible; the loser tries the next number.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from cers_app.core import clock
from cers_app.core.db import new_session, transaction
from cers_app.core.errors import Conflict, ValidationFailed
from cers_app.core.settings import get_settings
from cers_app.facilities.models import CersIdAllocation

CERS_ID_MIN, CERS_ID_MAX = 10_000_001, 99_999_999
ATTEMPTS = 50


def _next_candidate(session: Session) -> int:
    highest = session.exec(select(func.max(CersIdAllocation.cers_id))).one()
    start = get_settings().cers_id_start
    return max(start, (highest or 0) + 1)


def allocate() -> int:
    """A fresh CERS ID, committed as used before it is returned."""
    for _ in range(ATTEMPTS):
        with new_session() as session:
            candidate = _next_candidate(session)
            session.rollback()
            if candidate > CERS_ID_MAX:
                raise Conflict("No CERS IDs are left in the configured range.")
            try:
                with transaction(session):
                    session.add(CersIdAllocation(cers_id=candidate, allocated_at=clock.now()))
            except IntegrityError:
                continue  # another worker took this number first; try the next one
            return candidate
    raise Conflict("Could not reserve a CERS ID; please try again.")


def check_cers_id(value: int) -> None:
    if not CERS_ID_MIN <= value <= CERS_ID_MAX:
        raise ValidationFailed(
            {"cers_id": f"A CERS ID is a number from {CERS_ID_MIN} to {CERS_ID_MAX}."}
        )


def reserve_imported(session: Session, cers_id: int) -> None:
    """Record an ID that came from CERS (in the caller's transaction); new IDs skip past it."""
    check_cers_id(cers_id)
    if session.get(CersIdAllocation, cers_id) is not None:
        raise Conflict(f"CERS ID {cers_id} is already used by another facility.")
    session.add(CersIdAllocation(cers_id=cers_id, allocated_at=clock.now(), imported=True))
