"""Threads, pause points and lock waits for deterministic races between two connections.

A race here is never left to timing: a `PausePoint` stops one chosen thread at a named spot
(after its role check, or just before its commit while it holds its locks) until the test
lets it go on, and `wait_until_blocked_by` waits until PostgreSQL reports that another
connection is queued behind the paused one's locks. Each thread uses its own session, so
its own connection from the pool.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from cers_app.core import db
from cers_app.organizations import service as organizations
from cers_app.organizations.roles import OrgAction

TIMEOUT = 30.0


class Racer(threading.Thread):
    """A call run in a thread of its own; `outcome()` is its result or the error it raised."""

    def __init__(self, name: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(name=name, daemon=True)
        self._call = (fn, args, kwargs)
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        fn, args, kwargs = self._call
        try:
            self.result = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the test, which asserts it
            self.error = exc

    def outcome(self) -> Any:
        """Wait for the call to end; its error if it raised one, else its result."""
        self.join(TIMEOUT)
        assert not self.is_alive(), f"{self.name} did not finish within {TIMEOUT} s"
        return self.error if self.error is not None else self.result


class PausePoint:
    """Stops `thread` the first time it gets here, until `go_on()`.

    `reached` is set once the thread waits here; `pid` is the PostgreSQL backend of the
    paused transaction when it paused before its commit (None otherwise or on SQLite).
    """

    def __init__(self) -> None:
        self.thread: threading.Thread | None = None
        self.reached = threading.Event()
        self._go_on = threading.Event()
        self.pid: int | None = None

    def here(self, session: Session | None = None) -> None:
        if threading.current_thread() is not self.thread or self.reached.is_set():
            return
        if session is not None and session.get_bind().dialect.name == "postgresql":
            self.pid = session.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar()
        self.reached.set()
        assert self._go_on.wait(TIMEOUT), "the test never let the paused thread go on"

    def wait(self) -> None:
        """Wait until the thread is paused here."""
        assert self.reached.wait(TIMEOUT), f"{self.thread} never reached its pause point"

    def go_on(self) -> None:
        self._go_on.set()


@contextmanager
def paused_after_role_check(
    point: PausePoint, action: OrgAction | None = None
) -> Iterator[PausePoint]:
    """Pause `point.thread` in `access_organization` once its role check for `action` (any
    action when None) has passed, before the work the check allows."""

    def hook(_actor, _organization_id: int, checked: OrgAction) -> None:
        if action is None or checked == action:
            point.here()

    previous = organizations.after_role_check
    organizations.after_role_check = hook
    try:
        yield point
    finally:
        organizations.after_role_check = previous
        point.go_on()


@contextmanager
def paused_before_commit(point: PausePoint) -> Iterator[PausePoint]:
    """Pause `point.thread` just before its transaction commits: its writes are flushed, its
    role re-checked, its row locks held."""

    def hook(session: Session) -> None:
        point.here(session)

    event.listen(Session, "before_commit", hook)
    try:
        yield point
    finally:
        event.remove(Session, "before_commit", hook)
        point.go_on()


def wait_until_blocked_by(pid: int) -> None:
    """Wait until some PostgreSQL connection waits for a lock that backend `pid` holds.

    pg_blocking_pids is the server's own answer to "who is queued behind whom": once it
    names `pid`, the other connection is parked on the lock, not merely on its way to it.
    """
    deadline = time.monotonic() + TIMEOUT
    query = sa.text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))")
    with db.get_engine().connect() as connection:
        while connection.execute(query, {"pid": pid}).scalar_one() == 0:
            assert time.monotonic() < deadline, f"nothing queued behind backend {pid}"
            time.sleep(0.005)
            connection.rollback()


def started(racer: Racer, *points: PausePoint) -> Racer:
    """Attach the pause points to the racer's thread, then start it."""
    for point in points:
        point.thread = racer
    racer.start()
    return racer


@contextmanager
def paused_on_entry(owner: object, name: str, point: PausePoint) -> Iterator[PausePoint]:
    """Pause `point.thread` when it first calls `owner.name` (a step of a long job, such as
    reading an import's file or preparing its rows), before the step runs."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        point.here()
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)
    try:
        yield point
    finally:
        setattr(owner, name, original)
        point.go_on()
