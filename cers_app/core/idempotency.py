"""Idempotency keys: an action that must happen once returns its first result when repeated.

A form carries a random key made when it was shown; a double click or the browser's Back
button then sends the same key again, and the service answers with what it did the first time
instead of doing it twice.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, Session, SQLModel, UniqueConstraint, select

from cers_app.core import clock
from cers_app.core.db import UTCDateTime
from cers_app.core.errors import ValidationFailed

KEY_MIN, KEY_MAX = 16, 64


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    key: str = Field(max_length=KEY_MAX)
    action: str = Field(max_length=40)
    result_id: int
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


def check_key(key: str) -> str:
    key = key.strip()
    bare = key.replace("-", "").replace("_", "")
    if not KEY_MIN <= len(key) <= KEY_MAX or not (bare.isascii() and bare.isalnum()):
        raise ValidationFailed(message="This form has expired. Reload the page and try again.")
    return key


def recall(session: Session, user_id: int, key: str, action: str) -> int | None:
    """The result of `action` already done with `key` by `user_id`, if any."""
    row = session.exec(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    ).first()
    if row is None:
        return None
    if row.action != action:
        raise ValidationFailed(message="This form has expired. Reload the page and try again.")
    return row.result_id


def remember(session: Session, user_id: int, key: str, action: str, result_id: int) -> None:
    """Record the result in the caller's transaction (the unique key stops a racing twin)."""
    session.add(
        IdempotencyKey(
            user_id=user_id, key=key, action=action, result_id=result_id, created_at=clock.now()
        )
    )
