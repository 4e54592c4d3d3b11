"""db: one transaction per service, side effects after commit, aware timestamps, both engines."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import select

from cers_app.agencies.models import AgencyMember
from cers_app.core import clock, db
from cers_app.core.settings import get_settings
from cers_app.core.throttle import ThrottleHit
from tests.unit import support


def _hit(at: dt.datetime | None = None) -> ThrottleHit:
    return ThrottleHit(bucket="test", key="k", at=at or clock.now())


def test_it_runs_after_commit_callbacks_in_order_once_the_data_is_safe(database):
    seen: list[tuple[str, int]] = []

    with db.new_session() as session, db.transaction(session):
        session.add(_hit())
        db.on_commit(session, lambda: seen.append(("first", support.count(ThrottleHit))))
        db.on_commit(session, lambda: seen.append(("second", support.count(ThrottleHit))))
        assert seen == []

    # Each callback already sees the committed row from another connection.
    assert seen == [("first", 1), ("second", 1)]


def test_it_skips_after_commit_callbacks_on_rollback_and_keeps_nothing(database):
    seen: list[str] = []

    with db.new_session() as session, pytest.raises(ZeroDivisionError), db.transaction(session):
        session.add(_hit())
        session.flush()
        db.on_commit(session, lambda: seen.append("sent"))
        _ = 1 / 0

    assert seen == []
    assert support.count(ThrottleHit) == 0


def test_it_forgets_callbacks_of_a_rolled_back_transaction(database):
    seen: list[str] = []
    with db.new_session() as session:
        with pytest.raises(ValueError), db.transaction(session):
            db.on_commit(session, lambda: seen.append("stale"))
            raise ValueError("refused")

        with db.transaction(session):
            db.on_commit(session, lambda: seen.append("fresh"))

    assert seen == ["fresh"]


def test_it_refuses_a_nested_transaction_and_keeps_the_outer_callbacks(database):
    seen: list[str] = []

    with db.new_session() as session, db.transaction(session):
        session.add(_hit())
        db.on_commit(session, lambda: seen.append("outer"))
        with pytest.raises(RuntimeError, match="already"), db.transaction(session):
            session.add(_hit())

    assert seen == ["outer"]
    # The refused inner block never ran, so only the outer row was written.
    assert support.count(ThrottleHit) == 1


def test_it_runs_a_function_with_a_fresh_session(database):
    assert db.run(lambda session, x, *, y: (session.is_active, x + y), 1, y=2) == (True, 3)


async def test_it_runs_a_function_off_the_event_loop(database):
    assert await db.run_async(lambda session, value: value * 2, 21) == 42


def test_it_stores_timestamps_in_utc_and_reads_them_back_aware(database):
    pacific = dt.datetime(2026, 7, 4, 9, 30, 15, 123456, tzinfo=ZoneInfo("America/Los_Angeles"))

    def write(session):
        session.add(_hit(pacific))
        session.commit()

    db.run(write)
    stored = db.run(lambda s: s.exec(select(ThrottleHit.at)).one())

    assert stored == pacific
    assert stored.tzinfo is not None and stored.utcoffset() == dt.timedelta(0)
    assert stored.isoformat() == "2026-07-04T16:30:15.123456+00:00"


def test_it_refuses_a_naive_timestamp(database):
    def write(session):
        session.add(_hit(dt.datetime(2026, 7, 4, 9, 30)))
        session.commit()

    with pytest.raises(StatementError, match="naive datetimes are not stored"):
        db.run(write)


def test_it_enforces_foreign_keys_on_both_databases(database):
    def write(session):
        session.add(AgencyMember(agency_id=999, user_id=999, role="viewer", added_at=clock.now()))
        session.commit()

    with pytest.raises(IntegrityError):
        db.run(write)


def test_it_opens_sqlite_in_wal_mode_with_foreign_keys(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    with engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar_one() == 10000
    engine.dispose()


def test_it_shares_one_engine_per_url_until_disposed(database):
    engine = db.get_engine()

    assert db.get_engine(get_settings().database_url) is engine
    db.dispose_engines()
    assert db.get_engine() is not engine


def test_it_creates_the_folder_of_a_new_sqlite_file(tmp_path):
    path = tmp_path / "deep" / "folder" / "new.db"

    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT 1"))
    engine.dispose()

    assert path.exists()
