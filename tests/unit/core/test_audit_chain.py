"""The audit trail's hash chains: what record() links, what verify() and verify-audit catch."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlmodel import Session

from cers_app.cli import cli
from cers_app.core import audit, audit_chain, db
from cers_app.core.audit import AuditEvent, AuditEventType, AuditStreamHead
from tests import helpers
from tests.security.report import tally

EVENTS = AuditEvent.__table__
HEADS = AuditStreamHead.__table__
A = "facility:7"
B = "organization:3"


def _write(
    count: int,
    *,
    facility_id: int | None = 7,
    organization_id: int | None = 3,
    actor_user_id: int | None = None,
) -> None:
    """`count` events committed one transaction each; their stream follows the scope given."""

    def one(session: Session, n: int) -> None:
        with db.transaction(session):
            audit.record(
                session,
                actor_user_id=actor_user_id,
                event=AuditEventType.INVENTORY_ITEM_CHANGED,
                subject_type="inventory_item",
                subject_id=100 + n,
                before={"quantity": n, "unit": "gal"},
                after={"quantity": n + 0.5, "unit": "gal", "note": f"é{n}"},
                client_ip="203.0.113.9",
                facility_id=facility_id,
                organization_id=organization_id,
            )

    for n in range(count):
        db.run(one, n)


def _execute(*statements: sa.Executable) -> None:
    """Tamper with the tables directly, as someone with database access would."""
    with db.get_engine().begin() as connection:
        for statement in statements:
            connection.execute(statement)


def _row(stream: str, seq: int):
    with db.get_engine().connect() as connection:
        return connection.execute(
            sa.select(EVENTS).where(EVENTS.c.stream == stream, EVENTS.c.seq == seq)
        ).one()


def _verify(stream: str | None = None) -> audit_chain.Report:
    return db.run(audit_chain.verify, stream)


def _where(stream: str, seq: int):
    return sa.and_(EVENTS.c.stream == stream, EVENTS.c.seq == seq)


# --- what record() writes -------------------------------------------------------------------


def test_the_stream_is_the_facility_else_business_else_agency_else_subject():
    def stream(**scope) -> str:
        base = {"facility_id": None, "organization_id": None, "agency_id": None}
        return audit_chain.stream_for(**{**base, **scope}, subject_type="user", subject_id="9")

    assert stream(facility_id=1, organization_id=2, agency_id=3) == "facility:1"
    assert stream(organization_id=2, agency_id=3) == "organization:2"
    assert stream(agency_id=3) == "agency:3"
    assert stream() == "user:9"
    long = audit_chain.stream_for(
        facility_id=None,
        organization_id=None,
        agency_id=None,
        subject_type="t" * 40,
        subject_id="9" * 40,
    )
    assert len(long) == audit_chain.STREAM_MAX


def test_events_of_a_stream_are_numbered_and_linked_in_order(database, frozen_clock):
    _write(3)
    _write(2, facility_id=None)
    rows = helpers.audit_events()
    assert [(r.stream, r.seq) for r in rows] == [(A, 1), (A, 2), (A, 3), (B, 1), (B, 2)]
    assert rows[0].prev_hash == audit_chain.GENESIS
    assert rows[1].prev_hash == rows[0].hash
    assert rows[3].prev_hash == audit_chain.GENESIS
    heads = db.run(lambda s: {h.stream: (h.seq, h.hash) for h in s.execute(sa.select(HEADS))})
    assert heads == {A: (3, rows[2].hash), B: (2, rows[4].hash)}


def test_json_values_are_stored_as_they_read_back_and_still_verify(database, frozen_clock):
    odd = {
        "tuple": (1, 2),
        "nested": {"b": [1.25, None, True], "a": "ünïcode ✓"},
        "big": 2**60,
        "float": 0.1,
        "quote": 'say "hi"\n',
    }

    def write(session: Session) -> AuditEvent:
        with db.transaction(session):
            return audit.record(
                session,
                actor_user_id=None,
                event=AuditEventType.ORGANIZATION_CHANGED,
                subject_type="organization",
                subject_id=4,
                before={1: "int key"},
                after=odd,
                organization_id=4,
            )

    written = db.run(write)
    [row] = helpers.audit_events()
    assert row.after == written.after
    assert row.after["tuple"] == [1, 2]
    assert row.before == {"1": "int key"}
    report = _verify()
    assert report.intact, report.problems
    assert (report.streams, report.events_checked) == (1, 1)


def test_several_events_of_one_stream_in_one_transaction_take_consecutive_seqs(database):
    def write(session: Session) -> None:
        with db.transaction(session):
            for n in range(3):
                audit.record(
                    session,
                    actor_user_id=None,
                    event=AuditEventType.FACILITY_CREATED,
                    subject_type="facility",
                    subject_id=n,
                    facility_id=7,
                )

    db.run(write)
    db.run(write)
    assert [r.seq for r in helpers.audit_events()] == [1, 2, 3, 4, 5, 6]
    assert _verify().intact


def test_a_rolled_back_transaction_leaves_the_head_where_it_was(database):
    _write(2)

    def fail(session: Session) -> None:
        with db.transaction(session):
            audit.record(
                session,
                actor_user_id=None,
                event=AuditEventType.FACILITY_DELETED,
                subject_type="facility",
                subject_id=7,
                facility_id=7,
            )
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        db.run(fail)
    _write(1)
    assert [r.seq for r in helpers.audit_events()] == [1, 2, 3]
    assert _verify().intact


# --- what verify() catches ------------------------------------------------------------------


def test_an_untouched_trail_verifies(database, lena):
    _write(4, actor_user_id=lena.id)
    _write(2, facility_id=None)
    report = _verify()
    assert report.intact, report.problems
    # lena's activation wrote events to her own stream too.
    assert report.events_checked == len(helpers.audit_events())
    assert report.streams >= 3
    assert report.unchained_legacy == 0
    assert (_verify(A).streams, _verify(A).events_checked) == (1, 4)
    tally("audit-chain", "allowed")


def test_events_committed_while_verifying_are_not_taken_for_tampering(database, monkeypatch):
    _write(3)
    walk = audit_chain._chained_rows

    def write_then_walk(*args):
        _write(1)  # commits between the read of the heads and the walk of the events
        yield from walk(*args)

    monkeypatch.setattr(audit_chain, "_chained_rows", write_then_walk)
    report = _verify()
    assert report.intact, report.problems
    assert report.events_checked == 3
    monkeypatch.undo()
    assert _verify().events_checked == 4


def test_legacy_events_before_the_first_chained_event_are_not_failures(database):
    legacy = {
        "at": dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
        "event": "USER_SIGNED_IN",
        "subject_type": "user",
        "subject_id": "1",
    }
    _execute(*(EVENTS.insert().values(**legacy) for _ in range(3)))
    _write(2)
    report = _verify()
    assert report.intact, report.problems
    assert (report.unchained_legacy, report.events_checked, report.streams) == (3, 2, 1)


def _later(at: dt.datetime) -> dt.datetime:
    return at + dt.timedelta(seconds=1)


def _edit(column: str, value: Callable[[object], object]) -> Callable[[], None]:
    def tamper() -> None:
        old = getattr(_row(A, 3), column)
        _execute(sa.update(EVENTS).where(_where(A, 3)).values({column: value(old)}))

    return tamper


def _swap_2_and_3() -> None:
    _execute(
        sa.update(EVENTS).where(_where(A, 2)).values(seq=-1),
        sa.update(EVENTS).where(_where(A, 3)).values(seq=2),
        sa.update(EVENTS).where(_where(A, -1)).values(seq=3),
    )


def _forge_at_the_end() -> None:
    """A well-formed sixth event, hashed as record() would, but the head left alone."""
    last = _row(A, 5)
    fields = {name: getattr(last, name) for name in audit_chain._HASHED}
    fields.update(seq=6, after={"quantity": 0})
    forged = audit_chain.event_hash(last.hash, **fields)
    _execute(EVENTS.insert().values(**fields, prev_hash=last.hash, hash=forged))


def _forge_in_the_middle() -> None:
    """A well-formed event slipped in as seq 3; the later events are renumbered to make room."""
    for seq in (5, 4, 3):
        _execute(sa.update(EVENTS).where(_where(A, seq)).values(seq=seq + 1))
    second = _row(A, 2)
    fields = {name: getattr(second, name) for name in audit_chain._HASHED}
    fields.update(seq=3, after={"quantity": 0})
    forged = audit_chain.event_hash(second.hash, **fields)
    _execute(EVENTS.insert().values(**fields, prev_hash=second.hash, hash=forged))


def _forge_unchained() -> None:
    third = _row(A, 3)
    _execute(
        EVENTS.insert().values(
            at=third.at, event="FACILITY_DELETED", subject_type="facility", subject_id="7"
        )
    )


TAMPERING: dict[str, tuple[Callable[[], None], int | None]] = {
    # case: (tamper, the seq the first problem names)
    "after edited": (_edit("after", lambda v: {**v, "quantity": 999}), 3),
    "before edited": (_edit("before", lambda v: None), 3),
    "actor edited": (_edit("actor_user_id", lambda v: None), 3),
    "time edited": (_edit("at", _later), 3),
    "subject edited": (_edit("subject_id", lambda v: "666"), 3),
    "hash recomputed after an edit": (
        lambda: _execute(
            sa.update(EVENTS)
            .where(_where(A, 3))
            .values(
                after={"quantity": 999},
                hash=audit_chain.event_hash(
                    _row(A, 3).prev_hash,
                    **{
                        **{n: getattr(_row(A, 3), n) for n in audit_chain._HASHED},
                        "after": {"quantity": 999},
                    },
                ),
            )
        ),
        4,
    ),
    "middle row deleted": (lambda: _execute(sa.delete(EVENTS).where(_where(A, 3))), 3),
    "last row deleted": (lambda: _execute(sa.delete(EVENTS).where(_where(A, 5))), 5),
    "rows reordered": (_swap_2_and_3, 2),
    "forged row appended": (_forge_at_the_end, 6),
    "forged row in the middle": (_forge_in_the_middle, 4),
    "forged row outside the chain": (_forge_unchained, None),
    "head hash changed": (
        lambda: _execute(sa.update(HEADS).where(HEADS.c.stream == A).values(hash="f" * 64)),
        5,
    ),
    "head moved back": (
        lambda: _execute(sa.update(HEADS).where(HEADS.c.stream == A).values(seq=4)),
        5,
    ),
    "head deleted": (lambda: _execute(sa.delete(HEADS).where(HEADS.c.stream == A)), 5),
    "whole stream deleted": (lambda: _execute(sa.delete(EVENTS).where(EVENTS.c.stream == A)), 5),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_tampering_is_found_in_the_right_stream_and_seq(database, lena, case):
    _write(5, actor_user_id=lena.id)
    _write(3, facility_id=None)
    assert _verify().intact
    tamper, seq = TAMPERING[case]
    tamper()
    report = _verify()
    assert not report.intact, case
    first = report.problems[0]
    if seq is None:
        assert first.stream is None and first.event_id == max(e.id for e in helpers.audit_events())
    else:
        assert (first.stream, first.seq) == (A, seq), report.problems
    # The other stream is untouched and says nothing.
    assert all(p.stream != B for p in report.problems)
    assert _verify(B).intact
    tally("audit-chain", "refused")


# --- writers on PostgreSQL ------------------------------------------------------------------


def _hold(stream_scope: dict, holding: threading.Event, release: threading.Event) -> None:
    """Record one event and keep its transaction open until `release`."""
    with db.new_session() as session, db.transaction(session):
        audit.record(
            session,
            actor_user_id=None,
            event=AuditEventType.FACILITY_CREATED,
            subject_type="facility",
            subject_id=1,
            **stream_scope,
        )
        session.flush()
        holding.set()
        assert release.wait(20)


def _record_with_lock_timeout(scope: dict, subject_id: int = 2) -> None:
    with db.new_session() as session, db.transaction(session):
        # Fail rather than hang if this writer had to wait for another stream's lock.
        session.execute(sa.text("SET LOCAL lock_timeout = '3s'"))
        audit.record(
            session,
            actor_user_id=None,
            event=AuditEventType.FACILITY_CREATED,
            subject_type="facility",
            subject_id=subject_id,
            **scope,
        )


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_writers_of_different_streams_do_not_wait_for_each_other(database):
    _write(1)  # both streams exist beforehand, and a brand-new one is tried as well
    _write(1, facility_id=None)
    holding, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=({"facility_id": 7}, holding, release))
    holder.start()
    try:
        assert holding.wait(10)
        _record_with_lock_timeout({"organization_id": 3})
        _record_with_lock_timeout({"agency_id": 5})
        committed = {(r.stream, r.seq) for r in helpers.audit_events()}
        assert {(B, 2), ("agency:5", 1)} <= committed
        assert (A, 2) not in committed
    finally:
        release.set()
        holder.join(20)
    assert (A, 2) in {(r.stream, r.seq) for r in helpers.audit_events()}
    assert _verify().intact


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
@pytest.mark.parametrize("stream_is_new", [False, True])
def test_two_writers_of_one_stream_take_turns(database, stream_is_new):
    if not stream_is_new:
        _write(1)
    holding, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=({"facility_id": 7}, holding, release))
    second_done = threading.Event()
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with db.new_session() as session, db.transaction(session):
                audit.record(
                    session,
                    actor_user_id=None,
                    event=AuditEventType.FACILITY_DELETED,
                    subject_type="facility",
                    subject_id=2,
                    facility_id=7,
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        second_done.set()

    holder.start()
    assert holding.wait(10)
    waiter = threading.Thread(target=second)
    waiter.start()
    # The second writer waits on the stream's head while the first holds it.
    assert not second_done.wait(0.5)
    release.set()
    holder.join(20)
    waiter.join(20)
    assert errors == []
    rows = [r for r in helpers.audit_events() if r.stream == A]
    first_seq = 1 if stream_is_new else 2
    assert [(r.event, r.seq) for r in rows[-2:]] == [
        ("FACILITY_CREATED", first_seq),
        ("FACILITY_DELETED", first_seq + 1),
    ]
    assert _verify().intact


def test_writers_racing_on_one_stream_all_succeed_without_gaps(database):
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def writer() -> None:
        try:
            start.wait(10)
            _write(8)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(r.seq for r in helpers.audit_events()) == list(range(1, 25))
    assert _verify().intact


# --- python -m cers_app verify-audit --------------------------------------------------------


def _cli(*args: str):
    return CliRunner().invoke(cli, ["verify-audit", *args])


def test_verify_audit_says_intact_and_exits_0(database):
    _write(3)
    _write(2, facility_id=None)
    result = _cli()
    assert result.exit_code == 0, result.output
    assert "2 stream(s), 5 event(s) checked, 0 unchained (before the chain began)" in result.stdout
    assert "Intact" in result.stdout
    only_a = _cli("--stream", A)
    assert only_a.exit_code == 0
    assert "1 stream(s), 3 event(s) checked." in only_a.stdout
    assert "unchained" not in only_a.stdout  # legacy events are counted over the whole trail


def test_verify_audit_names_each_problem_and_exits_1(database):
    _write(4)
    _execute(sa.update(EVENTS).where(_where(A, 2)).values(client_ip="198.51.100.1"))
    _execute(sa.delete(EVENTS).where(_where(A, 4)))
    row_2 = _row(A, 2)
    result = _cli()
    assert result.exit_code == 1, result.output
    assert "TAMPERING FOUND: 2 problem(s)." in result.stdout
    assert f"stream {A}, seq 2, event {row_2.id}: its hash does not match" in result.stdout
    assert f"stream {A}, seq 4: the head (seq 4) does not match the last event (seq 3)" in (
        result.stdout
    )
    tally("audit-chain", "refused", 2)


def test_verify_audit_refuses_an_unknown_stream_or_option_with_status_2(database):
    _write(1)
    unknown = _cli("--stream", "facility:999")
    assert unknown.exit_code == 2
    assert "no audit stream is named 'facility:999'" in unknown.stderr
    assert _cli("--bogus").exit_code == 2
