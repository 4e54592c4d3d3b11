"""Test hook: a transaction that changes an audited table must also write an audit event.

Every SQL statement is seen on its way to the database (`before_cursor_execute` on every
engine), so ORM flushes, bulk `session.execute(update(...))`, Core inserts on a raw connection
and text SQL are all caught alike. A statement that inserts into, updates or deletes from an
audited table marks its connection's transaction as changed; an insert into `audit_event`
marks it as audited. When such a transaction commits without an event, the hook raises
`UnauditedChange` just before the database commit (after the session's last flush), so the
transaction rolls back and the test fails where the change was made; the autouse fixture in
`tests/conftest.py` also fails the test at teardown with every violation seen, so a handler
that swallows the exception cannot hide one.

Tests that deliberately write rows without the services (factories building a world, the
database reset, migrations) say so with `exempt("why")` around exactly that code, or with the
`audit_exempt("why")` marker on a whole test.
"""

from __future__ import annotations

import re
import sys
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

AUDITED_TABLES = frozenset(
    {
        # accounts and memberships
        "user_account",
        "org_member",
        "agency_member",
        # businesses
        "organization",
        # facilities and the rows that belong to them
        "facility",
        "facility_element",
        "facility_request",
        "facility_archive",
        # hazardous materials inventory
        "inventory_item",
        # element documents
        "element_document",
        "element_document_file",
        # submittals: element versions (drafts and submitted) and the Submit press
        "element_version",
        "facility_submittal",
        # regulator review
        "review_action",
    }
)

# Columns an UPDATE may touch without it being a user's change. An update that sets only
# these columns is bookkeeping and needs no audit event.
IGNORED_COLUMNS: dict[str, frozenset[str]] = {
    # Written by every successful sign-in; the sign-in itself is an event of its own
    # (USER_SIGNED_IN) when it matters, the timestamp is housekeeping shown to admins.
    "user_account": frozenset({"last_sign_in_at"}),
    # Caches the rules derive from a row's data (its findings and the threshold note); they
    # are worked out again when the rules or an agency's settings change, which no user did
    # to the row. A change of the row's data itself is still a change.
    "inventory_item": frozenset({"worst_rank", "finding_count", "reportable"}),
}

AUDIT_TABLE = "audit_event"
_STATE = "audit_hook_tx"
_TESTS = Path(__file__).resolve().parent
_WATCHED = (str(_TESTS), str(_TESTS.parent / "cers_app"))

_DML = re.compile(
    r"""(?P<verb>INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+
        (?:"?\w+"?\.)?"?(?P<table>\w+)"?""",
    re.IGNORECASE | re.VERBOSE,
)
_SET = re.compile(r"\sSET\s", re.IGNORECASE)
_SET_END = re.compile(r"\s(?:WHERE|FROM|RETURNING)\s", re.IGNORECASE)
_SET_COLUMN = re.compile(r'(?:^|,)\s*"?(\w+)"?\s*=')


class UnauditedChange(AssertionError):
    """A transaction changed an audited table and wrote no audit event."""


@dataclass
class Change:
    """One statement that changed an audited table."""

    verb: str  # INSERT, UPDATE or DELETE
    table: str
    columns: tuple[str, ...] = ()

    def __str__(self) -> str:
        cols = f" ({', '.join(self.columns)})" if self.columns else ""
        return f"{self.verb} {self.table}{cols}"


@dataclass
class Violation:
    """A committed (or about to be committed) transaction with changes and no audit event."""

    changes: list[Change]
    where: str

    def __str__(self) -> str:
        seen: dict[str, None] = {}
        for change in self.changes:
            seen.setdefault(str(change))
        return f"unaudited change: {'; '.join(seen)}\n  first change at:\n{self.where}"


@dataclass
class _Transaction:
    changes: list[Change] = field(default_factory=list)
    audited: bool = False
    where: list[traceback.FrameSummary] = field(default_factory=list)


_enabled = False
_exempt: ContextVar[str | None] = ContextVar("audit_hook_exempt", default=None)
_violations: list[Violation] = []
_violations_lock = threading.Lock()


# ------------------------------------------------------------------ switching the hook on


@contextmanager
def exempt(reason: str) -> Iterator[None]:
    """Changes made inside need no audit event; `reason` says why (it must not be empty).

    For test code that builds rows without the services (and so without their events): keep
    the block as small as the rows it writes.
    """
    if not reason.strip():
        raise ValueError("say why these changes need no audit event")
    token = _exempt.set(reason)
    try:
        yield
    finally:
        _exempt.reset(token)


@contextmanager
def active(node: pytest.Item) -> Iterator[None]:
    """Check every transaction of the test `node`; fail it at the end on any violation.

    Browser tests are left alone (the app runs in another process); a test marked
    `audit_exempt("why")` runs with the hook off.
    """
    global _enabled
    if _TESTS / "e2e" in Path(str(node.path)).resolve().parents:
        yield
        return
    marker = node.get_closest_marker("audit_exempt")
    reason = marker.args[0] if marker and marker.args else ""
    if marker and not str(reason).strip():
        raise ValueError("@pytest.mark.audit_exempt needs a reason")
    token = _exempt.set(str(reason)) if marker else None
    with _violations_lock:
        _violations.clear()
    _enabled = True
    try:
        yield
    finally:
        _enabled = False
        if token is not None:
            _exempt.reset(token)
        with _violations_lock:
            found = list(_violations)
            _violations.clear()
    if found:
        pytest.fail("\n".join(str(v) for v in found), pytrace=False)


@contextmanager
def caught() -> Iterator[list[Violation]]:
    """Collect (and take away from the test's failures) the violations made inside.

    For the hook's own tests: the list fills in as each violation is seen.
    """
    with _violations_lock:
        before = len(_violations)
    seen: list[Violation] = []
    try:
        yield seen
    finally:
        with _violations_lock:
            seen.extend(_violations[before:])
            del _violations[before:]


# ------------------------------------------------------------------ what a statement changed


def classify(statement: str) -> tuple[Change | None, bool]:
    """(the change to an audited table, is it an audit event) for one SQL statement."""
    head = statement[:16].lstrip()[:6].upper()
    if head == "WITH":
        match = _DML.search(statement)
    elif head in ("INSERT", "UPDATE", "DELETE"):
        match = _DML.match(statement, len(statement) - len(statement.lstrip()))
    else:
        return None, False
    if match is None:
        return None, False
    table = match.group("table").lower()
    verb = match.group("verb")[:6].upper()
    if table == AUDIT_TABLE:
        return None, verb == "INSERT"
    if table not in AUDITED_TABLES:
        return None, False
    columns: tuple[str, ...] = ()
    if verb == "UPDATE":
        found = _SET.search(statement, match.end() - 1)
        if found:
            stop = _SET_END.search(statement, found.end())
            body = statement[found.end() : stop.start() if stop else len(statement)]
            columns = tuple(c.lower() for c in _SET_COLUMN.findall(body))
        if columns and set(columns) <= IGNORED_COLUMNS.get(table, frozenset()):
            return None, False
    return Change(verb, table, columns), False


def _call_site() -> list[traceback.FrameSummary]:
    """The app and test frames that led to the current statement, innermost last.

    Source lines are read only if the transaction turns out to be a violation.
    """
    frames = []
    frame = sys._getframe(1)
    while frame is not None and len(frames) < 6:
        name = frame.f_code.co_filename
        if name.startswith(_WATCHED) and name != __file__:
            frames.append(
                traceback.FrameSummary(
                    name, frame.f_lineno, frame.f_code.co_name, lookup_line=False
                )
            )
        frame = frame.f_back
    return frames[::-1]


def _state(connection: Connection) -> _Transaction:
    state = connection.info.get(_STATE)
    if state is None:
        state = connection.info[_STATE] = _Transaction()
    return state


def _violation(state: _Transaction) -> Violation | None:
    if not state.changes or state.audited:
        return None
    where = "".join(traceback.format_list(state.where)) or "  (outside the app and tests)\n"
    return Violation(list(state.changes), where)


def _report(violation: Violation) -> None:
    with _violations_lock:
        _violations.append(violation)


# ------------------------------------------------------------------ the listeners


def _before_cursor_execute(
    connection: Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    if not _enabled or _exempt.get() is not None:
        return
    change, audit = classify(statement)
    if audit:
        _state(connection).audited = True
    elif change is not None:
        state = _state(connection)
        if not state.changes:
            state.where = _call_site()
        state.changes.append(change)


def _reset(connection: Connection, *_args: Any) -> None:
    connection.info.pop(_STATE, None)


def _on_connection_commit(connection: Connection) -> None:
    # Runs after the session's last flush and before the database commits: raising here
    # rolls the whole transaction back.
    state = connection.info.pop(_STATE, None)
    if not _enabled or state is None:
        return
    violation = _violation(state)
    if violation is not None:
        _report(violation)
        raise UnauditedChange(str(violation))


def install() -> None:
    """Listen on every engine (once per process; off until `active`)."""
    if event.contains(Engine, "before_cursor_execute", _before_cursor_execute):
        return
    event.listen(Engine, "before_cursor_execute", _before_cursor_execute)
    event.listen(Engine, "begin", _reset)
    event.listen(Engine, "rollback", _reset)
    event.listen(Engine, "commit", _on_connection_commit)
