"""Rate limits counted in the database, so they hold across workers and restarts.

Each limit is named here with its numbers. A limit trips when `max_hits` hits fall within
`window`; it then stays shut until `window` after the most recent hit. Keys are keyed hashes
(see tokens.keyed_hash), never raw usernames, addresses or IPs.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, col, delete, select

from cers_app.core import clock
from cers_app.core.db import UTCDateTime, transaction
from cers_app.core.errors import Throttled
from cers_app.core.tokens import keyed_hash


class ThrottleHit(SQLModel, table=True):
    __tablename__ = "throttle_hit"

    id: int | None = Field(default=None, primary_key=True)
    bucket: str = Field(max_length=32)
    key: str = Field(max_length=64, index=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, index=True)


@dataclass(frozen=True)
class Limit:
    bucket: str
    max_hits: int
    window: dt.timedelta
    what: str  # "failed sign-ins", used in the message

    def key(self, *parts: str) -> str:
        return keyed_hash(self.bucket, *parts)


# 5 wrong passwords for one username from one client address lock that pair for 15 minutes.
SIGN_IN_PER_CLIENT = Limit("sign_in_client", 5, dt.timedelta(minutes=15), "failed sign-ins")
# A slower cap per username from any address: 20 wrong passwords within an hour lock it for an
# hour, so a spread-out guessing attack gets at most ~20 tries an hour.
SIGN_IN_PER_ACCOUNT = Limit("sign_in_account", 20, dt.timedelta(hours=1), "failed sign-ins")
# 5 wrong security answers on password reset lock resets of that account for 15 minutes.
RESET_ANSWER = Limit("reset_answer", 5, dt.timedelta(minutes=15), "wrong answers")
# At most 3 account emails (activation resend, username reminder, reset link) per address an hour.
ACCOUNT_EMAILS = Limit("account_email", 3, dt.timedelta(hours=1), "emails requested")
# One client address spraying passwords over many usernames: 50 wrong passwords within an hour,
# whatever the usernames, shut that address out of signing in for an hour.
SIGN_IN_PER_ADDRESS = Limit("sign_in_address", 50, dt.timedelta(hours=1), "failed sign-ins")
# Requests for account emails (resend activation, forgotten username, forgotten password):
# 10 an hour from one client address, and 3 an hour naming one email address or username.
# Both count every request, whether or not an account matched, so being limited tells nothing
# about which accounts exist.
ACCOUNT_REQUESTS_PER_CLIENT = Limit(
    "account_request_client", 10, dt.timedelta(hours=1), "requests for account emails"
)
ACCOUNT_REQUESTS_PER_NAME = Limit(
    "account_request_name", 3, dt.timedelta(hours=1), "requests for this account"
)
# Sign-up attempts from one client address, accepted or refused (a refusal can tell that a
# username is taken): 20 an hour.
SIGN_UP_PER_CLIENT = Limit("sign_up_client", 20, dt.timedelta(hours=1), "sign-up attempts")


def _recent(session: Session, limit: Limit, key: str) -> list[dt.datetime]:
    rows = session.exec(
        select(ThrottleHit.at)
        .where(ThrottleHit.bucket == limit.bucket, ThrottleHit.key == key)
        .order_by(col(ThrottleHit.at).desc(), col(ThrottleHit.id).desc())
        .limit(limit.max_hits)
    ).all()
    return list(rows)


def retry_after(session: Session, limit: Limit, key: str) -> int:
    """Seconds until `key` may try again under `limit`; 0 when it may try now."""
    hits = _recent(session, limit, key)
    if len(hits) < limit.max_hits:
        return 0
    newest, oldest = hits[0], hits[-1]
    if newest - oldest > limit.window:
        return 0
    remaining = (newest + limit.window - clock.now()).total_seconds()
    return max(0, math.ceil(remaining))


def check(session: Session, limit: Limit, key: str) -> None:
    """Raise Throttled if `key` is shut out by `limit`."""
    seconds = retry_after(session, limit, key)
    if seconds:
        minutes = max(1, math.ceil(seconds / 60))
        raise Throttled(
            f"Too many {limit.what}. Try again in {minutes} minute{'s' if minutes > 1 else ''}.",
            retry_after_seconds=seconds,
        )


def hit(session: Session, limit: Limit, key: str) -> None:
    """Count one hit against `key` (in the caller's transaction)."""
    session.add(ThrottleHit(bucket=limit.bucket, key=key, at=clock.now()))
    # Keep the table small: hits older than a day no longer matter to any limit.
    cutoff = clock.now() - dt.timedelta(days=1)
    session.exec(delete(ThrottleHit).where(col(ThrottleHit.at) < cutoff))


def admit(session: Session, *counted: tuple[Limit, str]) -> None:
    """Raise Throttled if any (limit, key) is shut; otherwise count one hit on each.

    For limits on every attempt, not only failed ones; run it in a `counted_transaction`
    over the same keys so that parallel requests cannot all slip under the limit.
    """
    for limit, key in counted:
        check(session, limit, key)
    for limit, key in counted:
        hit(session, limit, key)


def clear(session: Session, limit: Limit, key: str) -> None:
    """Forget the hits of `key` (after a successful sign-in)."""
    session.exec(
        delete(ThrottleHit).where(ThrottleHit.bucket == limit.bucket, ThrottleHit.key == key)
    )


# SQLite serves one process (the embedded default), so process-wide locks are enough there;
# a fixed set of stripes bounds memory whatever the number of keys.
_STRIPES = tuple(threading.Lock() for _ in range(64))


@contextmanager
def counted_transaction(session: Session, *keys: str) -> Iterator[Session]:
    """The service's transaction, with attempts on the same `keys` taking turns.

    Without this, parallel wrong passwords could each pass `check` before any of them is
    counted by `hit`, and an attacker would get more tries than the limit allows.
    PostgreSQL: transaction-scoped advisory locks (they hold across workers). SQLite: striped
    process locks held until after the commit.
    """
    is_postgres = session.get_bind().dialect.name == "postgresql"
    stripes = [] if is_postgres else sorted({int(key[:8], 16) % len(_STRIPES) for key in keys})
    for index in stripes:
        _STRIPES[index].acquire()
    try:
        with transaction(session):
            if is_postgres:
                for key in sorted(set(keys)):
                    session.execute(
                        sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(key[:15], 16)}
                    )
            yield session
    finally:
        for index in reversed(stripes):
            _STRIPES[index].release()
