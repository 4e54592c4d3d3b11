"""Tamper evidence for the audit trail: streams, the canonical form of an event, its hash, and
the check that walks every chain.

Each audit event belongs to one stream (a facility's, a business's, an agency's, or its
subject's). Within a stream events are numbered 1, 2, 3... (`seq`) and each carries
`hash = sha256(prev_hash + canonical JSON of the event)`, where `prev_hash` is the hash of the
event before it (GENESIS for the first). `audit_stream_head` holds each stream's last seq and
hash. Changing, deleting, inserting or reordering events, or moving the head, breaks a link
that `verify` reports. Events written before the chain began (migration 0014) have no stream;
they are counted, not judged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

GENESIS = "0" * 64
STREAM_MAX = 80
# Rows fetched per round trip while walking the chains (a server-side cursor on PostgreSQL).
_BATCH = 2000


def stream_for(
    *,
    facility_id: int | None,
    organization_id: int | None,
    agency_id: int | None,
    subject_type: str,
    subject_id: str,
) -> str:
    """The stream an event joins: its facility's, else its business's, else its agency's,
    else its subject's."""
    if facility_id is not None:
        name = f"facility:{facility_id}"
    elif organization_id is not None:
        name = f"organization:{organization_id}"
    elif agency_id is not None:
        name = f"agency:{agency_id}"
    else:
        name = f"{subject_type}:{subject_id}"
    return name[:STREAM_MAX]


def as_stored(value: dict[str, Any] | None) -> dict[str, Any] | None:
    """`value` as it reads back from a JSON column (tuples become lists, keys strings...).

    The hash is computed over this form and this form is what is stored, so an event read
    back from SQLite or PostgreSQL hashes the same as when it was written.
    """
    if value is None:
        return None
    return json.loads(json.dumps(value))


def canonical(
    *,
    stream: str,
    seq: int,
    at: dt.datetime,
    event: str,
    actor_user_id: int | None,
    subject_type: str,
    subject_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    client_ip: str | None,
    facility_id: int | None,
    organization_id: int | None,
    agency_id: int | None,
) -> str:
    """The one text an event hashes to: sorted keys, no spaces, `at` in UTC to the
    microsecond."""
    return _canonical(dict(locals()))  # locals(): exactly the keyword fields above


def _canonical(document: dict[str, Any]) -> str:
    # Replaces `at` in `document` (a dict of exactly the hashed fields) with its text.
    document["at"] = document["at"].astimezone(dt.UTC).isoformat(timespec="microseconds")
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def link_hash(prev_hash: str, canonical_text: str) -> str:
    """sha256 (hex) of the previous link's hash followed by the event's canonical text."""
    return hashlib.sha256((prev_hash + canonical_text).encode("utf-8")).hexdigest()


def event_hash(prev_hash: str, **fields: Any) -> str:
    """The hash of an event given as the keyword fields of `canonical`."""
    return link_hash(prev_hash, canonical(**fields))


# --- verification -------------------------------------------------------------------------

_HASHED = (
    "stream",
    "seq",
    "at",
    "event",
    "actor_user_id",
    "subject_type",
    "subject_id",
    "before",
    "after",
    "client_ip",
    "facility_id",
    "organization_id",
    "agency_id",
)


@dataclass(frozen=True)
class Problem:
    """One broken link: where (`stream`, `seq`, `event_id` when a row is at fault) and what."""

    stream: str | None
    seq: int | None
    event_id: int | None
    message: str

    def line(self) -> str:
        """One printable line naming the stream, seq and event."""
        where = [f"stream {self.stream}" if self.stream else "no stream"]
        if self.seq is not None:
            where.append(f"seq {self.seq}")
        if self.event_id is not None:
            where.append(f"event {self.event_id}")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class Report:
    """What `verify` found: counts for the summary and every problem."""

    streams: int = 0
    events_checked: int = 0
    unchained_legacy: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        """True when no link is broken."""
        return not self.problems


def _tables() -> tuple[sa.Table, sa.Table]:
    # Imported here: core.audit imports this module to chain what it records.
    from cers_app.core.audit import AuditEvent, AuditStreamHead

    return AuditEvent.__table__, AuditStreamHead.__table__  # type: ignore[return-value]


def stream_exists(session: Session, stream: str) -> bool:
    """True when `stream` has a head or at least one event."""
    events, heads = _tables()
    if session.execute(sa.select(heads.c.stream).where(heads.c.stream == stream)).first():
        return True
    return (
        session.execute(sa.select(events.c.id).where(events.c.stream == stream).limit(1)).first()
        is not None
    )


def verify(session: Session, stream: str | None = None) -> Report:
    """Walk every stream (or just `stream`) in seq order and report each broken link.

    Checks per event: the hash matches its content, `prev_hash` is the previous event's hash
    (GENESIS for seq 1), no seq is missing or repeated; per stream: the head names the last
    event. Over the whole trail (not with `stream`): events written after the chain began
    without joining it, and the count of legacy events written before it began.
    """
    events, heads = _tables()
    _one_snapshot(session)
    report = Report()
    head_query = sa.select(heads.c.stream, heads.c.seq, heads.c.hash)
    if stream is not None:
        head_query = head_query.where(heads.c.stream == stream)
    pending_heads = {row.stream: (row.seq, row.hash) for row in session.execute(head_query)}

    walker = _StreamWalker(report, pending_heads)
    for event_id, prev_hash, stored_hash, *hashed in _chained_rows(session, events, stream):
        walker.add(event_id, prev_hash, stored_hash, dict(zip(_HASHED, hashed, strict=True)))
    walker.finish()
    for name, (seq, _hash) in sorted(pending_heads.items()):
        report.streams += 1
        report.problems.append(
            Problem(name, seq, None, f"the head is at seq {seq} but the stream has no events")
        )

    _unlinked(session, events, stream, report)
    return report


def _one_snapshot(session: Session) -> None:
    """Read heads and events as of one moment, so writers busy meanwhile are no "problem"."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        return
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    # pysqlite would otherwise read each statement at its own moment; a deferred BEGIN keeps
    # the first read's snapshot and does not block writers (WAL).
    if raw is not None and not raw.in_transaction:
        connection.exec_driver_sql("BEGIN")


def _chained_rows(session: Session, events: sa.Table, stream: str | None) -> Iterator[tuple]:
    """(id, prev_hash, hash, *the _HASHED fields) of every chained event, by stream and seq."""
    columns = [events.c.id, events.c.prev_hash, events.c.hash, *(events.c[n] for n in _HASHED)]
    query = (
        sa.select(*columns)
        .where(events.c.stream.is_not(None), events.c.seq.is_not(None))
        .order_by(events.c.stream, events.c.seq)
    )
    if stream is not None:
        query = query.where(events.c.stream == stream)
    result = session.execute(query, execution_options={"yield_per": _BATCH})
    yield from result


class _StreamWalker:
    """Follows the rows of one stream after another, remembering only the previous link."""

    def __init__(self, report: Report, heads: dict[str, tuple[int, str]]) -> None:
        self.report = report
        self.heads = heads
        self.stream: str | None = None
        self.last_seq = 0
        self.last_hash = GENESIS
        self.last_id: int | None = None

    def add(
        self, event_id: int, prev_hash: str | None, stored_hash: str | None, fields: dict
    ) -> None:
        """Check one event, given in seq order, against the link before it."""
        stream, seq = fields["stream"], fields["seq"]
        if stream != self.stream:
            self.finish()
            self.stream = stream
            self.last_seq = 0
            self.last_hash = GENESIS
            self.report.streams += 1
        self.report.events_checked += 1
        problems = self.report.problems
        if stored_hash != link_hash(prev_hash or "", _canonical(fields)):
            problems.append(
                Problem(
                    stream,
                    seq,
                    event_id,
                    "its hash does not match its content (changed after it was written)",
                )
            )
        if seq == self.last_seq:
            problems.append(Problem(stream, seq, event_id, "seq repeated"))
        elif seq > self.last_seq + 1:
            missing = self.last_seq + 1
            span = f"seq {missing}" if seq == missing + 1 else f"seqs {missing}-{seq - 1}"
            problems.append(
                Problem(
                    stream,
                    missing,
                    None,
                    f"{span} missing from the chain before event {event_id} (deleted)",
                )
            )
        elif prev_hash != self.last_hash:
            before = "the genesis value" if self.last_seq == 0 else f"seq {self.last_seq}'s hash"
            problems.append(
                Problem(
                    stream,
                    seq,
                    event_id,
                    f"its prev_hash is not {before} (inserted, reordered or re-hashed)",
                )
            )
        self.last_seq = max(self.last_seq, seq)
        self.last_hash = stored_hash
        self.last_id = event_id

    def finish(self) -> None:
        if self.stream is None:
            return
        head = self.heads.pop(self.stream, None)
        if head is None:
            self.report.problems.append(
                Problem(self.stream, self.last_seq, None, "the stream has no head row")
            )
        elif head != (self.last_seq, self.last_hash):
            beyond = self.last_seq > head[0]
            self.report.problems.append(
                Problem(
                    self.stream,
                    max(head[0], self.last_seq),
                    self.last_id if beyond else None,
                    f"the head (seq {head[0]}) does not match the last event (seq "
                    f"{self.last_seq}): events removed from or added to the end, or the "
                    "head changed",
                )
            )
        self.stream = None


def _unlinked(session: Session, events: sa.Table, stream: str | None, report: Report) -> None:
    """Rows that name a stream without a place in it and, over the whole trail, rows with no
    stream: legacy when older than the first chained event, a problem when newer."""
    broken = sa.select(events.c.id, events.c.stream).where(
        events.c.stream.is_not(None), events.c.seq.is_(None)
    )
    if stream is not None:
        broken = broken.where(events.c.stream == stream)
    for row in session.execute(broken.order_by(events.c.id)):
        report.problems.append(
            Problem(row.stream, None, row.id, "it names the stream but has no seq")
        )
    if stream is not None:
        return
    first_chained = session.execute(
        sa.select(sa.func.min(events.c.id)).where(events.c.stream.is_not(None))
    ).scalar()
    unchained = events.c.stream.is_(None)
    if first_chained is None:
        report.unchained_legacy = session.execute(
            sa.select(sa.func.count()).where(unchained)
        ).scalar_one()
        return
    report.unchained_legacy = session.execute(
        sa.select(sa.func.count()).where(unchained, events.c.id < first_chained)
    ).scalar_one()
    late = sa.select(events.c.id).where(unchained, events.c.id > first_chained)
    for row in session.execute(late.order_by(events.c.id)):
        report.problems.append(
            Problem(
                None,
                None,
                row.id,
                "it was written after the chain began but belongs to no stream (forged?)",
            )
        )
