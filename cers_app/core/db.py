"""Engine, sessions and the one-transaction-per-service rule.

A service receives a fresh `Session` and wraps its work in `transaction(session)`; side effects
that must only happen once the data is safe (email delivery, file moves) are registered with
`on_commit` and run after the commit.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from cers_app.core.settings import get_settings

P = ParamSpec("P")
T = TypeVar("T")

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()
_AFTER_COMMIT = "cers_after_commit"
_BEFORE_COMMIT = "cers_before_commit"


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware (SQLite forgets zones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use cers_app.core.clock.now()")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def get_engine(url: str | None = None) -> Engine:
    """The shared engine of `url` (default: the configured database)."""
    url = url or get_settings().database_url
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, and before a worker forks)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def new_session() -> Session:
    """A session on the configured database; objects stay readable after commit."""
    return Session(get_engine(), expire_on_commit=False)


def write_lock(session: Session) -> None:
    """On SQLite, take the database's one write lock now, for the rest of the transaction.

    Why: pysqlite begins a transaction only at the first write and SQLite ignores FOR
    UPDATE, so a row read and checked before that (a version, a draft's status) could be
    changed by another writer before this one writes, and two saves of one version would
    both succeed. After BEGIN IMMEDIATE (which waits up to the busy timeout) every read sees
    the latest data and no other writer can commit until this transaction ends. Nothing on
    PostgreSQL, where the caller locks its rows FOR UPDATE. Re-read rows loaded before it.
    """
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def before_commit(session: Session, key: object, check: Callable[[], None]) -> bool:
    """Run `check()` as the last step of the current `transaction` before it commits (once
    per `key`); if it raises, nothing of the transaction is kept. Returns False, and does
    nothing, outside `transaction` (a read without one has nothing to commit)."""
    checks = session.info.get(_BEFORE_COMMIT)
    if checks is None:
        return False
    checks.setdefault(key, check)
    return True


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction of `session` commits (never on rollback)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """The one transaction a service owns; refuses to nest.

    The check comes first: a refused inner call must not touch the outer transaction's
    after-commit callbacks (its emails would silently never be sent).
    """
    if session.in_transaction():
        raise RuntimeError(
            "a transaction is already open on this session: services own their transaction "
            "and do not nest"
        )
    session.info[_AFTER_COMMIT] = []
    session.info[_BEFORE_COMMIT] = {}
    try:
        with session.begin():
            yield session
            checks = session.info.pop(_BEFORE_COMMIT, {})
            for check in checks.values():
                check()
    except BaseException:
        session.info.pop(_AFTER_COMMIT, None)
        session.info.pop(_BEFORE_COMMIT, None)
        raise
    callbacks = session.info.pop(_AFTER_COMMIT, [])
    for callback in callbacks:
        callback()


def run(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call `fn(session, *args, **kwargs)` with a fresh session, closing it afterwards."""
    with new_session() as session:
        return fn(session, *args, **kwargs)


async def run_async(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`run` in a worker thread, so database and bcrypt work stays off the event loop."""
    return await asyncio.to_thread(run, fn, *args, **kwargs)
