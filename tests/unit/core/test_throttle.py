"""Rate limits kept in the database: their numbers, when they trip and when they open."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cers_app.core import clock, db, throttle
from cers_app.core.errors import Throttled
from cers_app.core.settings import reload_settings
from cers_app.core.throttle import ThrottleHit
from tests.unit import support

LIMIT = throttle.SIGN_IN_PER_CLIENT


def _hit(key: str, limit: throttle.Limit = LIMIT) -> None:
    def add(session):
        with db.transaction(session):
            throttle.hit(session, limit, key)

    db.run(add)


def _retry_after(key: str, limit: throttle.Limit = LIMIT) -> int:
    return db.run(throttle.retry_after, limit, key)


def _seed(key: str, limit: throttle.Limit, count: int, at: dt.datetime) -> None:
    """Pre-seed `count` hits at one moment: an exhausted bucket without the calls."""

    def add(session):
        session.add_all(ThrottleHit(bucket=limit.bucket, key=key, at=at) for _ in range(count))
        session.commit()

    db.run(add)


@pytest.mark.parametrize(
    ("limit", "max_hits", "window"),
    [
        (throttle.SIGN_IN_PER_CLIENT, 5, dt.timedelta(minutes=15)),
        (throttle.SIGN_IN_PER_ACCOUNT, 20, dt.timedelta(hours=1)),
        (throttle.RESET_ANSWER, 5, dt.timedelta(minutes=15)),
        (throttle.ACCOUNT_EMAILS, 3, dt.timedelta(hours=1)),
    ],
)
def test_it_names_each_limit_with_its_numbers(limit, max_hits, window):
    assert (limit.max_hits, limit.window) == (max_hits, window)


def test_it_allows_hits_below_the_limit(database, frozen_clock):
    for _ in range(LIMIT.max_hits - 1):
        _hit("k")

    assert _retry_after("k") == 0
    db.run(throttle.check, LIMIT, "k")


def test_it_shuts_at_the_limit_until_the_window_after_the_newest_hit(database, frozen_clock):
    for _ in range(LIMIT.max_hits):
        _hit("k")
        clock.advance(minutes=2)

    # The newest hit was 2 minutes ago: 13 minutes to go.
    assert _retry_after("k") == 13 * 60
    with pytest.raises(Throttled) as caught:
        db.run(throttle.check, LIMIT, "k")
    assert caught.value.message == "Too many failed sign-ins. Try again in 13 minutes."
    assert caught.value.retry_after_seconds == 13 * 60

    clock.advance(minutes=13)
    assert _retry_after("k") == 0


def test_it_rounds_the_wait_up_to_a_whole_minute(database, frozen_clock):
    _seed("k", LIMIT, LIMIT.max_hits, clock.now())
    clock.advance(minutes=14, seconds=30)

    with pytest.raises(Throttled) as caught:
        db.run(throttle.check, LIMIT, "k")

    assert caught.value.message == "Too many failed sign-ins. Try again in 1 minute."
    assert caught.value.retry_after_seconds == 30


def test_it_does_not_shut_for_hits_spread_wider_than_the_window(database, frozen_clock):
    for _ in range(LIMIT.max_hits):
        _hit("k")
        clock.advance(minutes=4)  # 5 hits over 16 minutes

    assert _retry_after("k") == 0


def test_it_counts_each_key_and_each_limit_apart(database, frozen_clock):
    _seed("k", LIMIT, LIMIT.max_hits, clock.now())

    assert _retry_after("other") == 0
    assert _retry_after("k", throttle.RESET_ANSWER) == 0
    assert _retry_after("k") > 0


def test_it_forgets_the_hits_of_one_key_when_cleared(database, frozen_clock):
    _seed("k", LIMIT, LIMIT.max_hits, clock.now())
    _seed("other", LIMIT, 2, clock.now())

    def clear(session):
        with db.transaction(session):
            throttle.clear(session, LIMIT, "k")

    db.run(clear)

    assert _retry_after("k") == 0
    assert support.count(ThrottleHit) == 2


def test_it_drops_hits_older_than_a_day(database, frozen_clock):
    _seed("old", LIMIT, 3, clock.now() - dt.timedelta(days=1, seconds=1))
    _seed("recent", LIMIT, 1, clock.now() - dt.timedelta(hours=23))

    _hit("k")

    keys = db.run(lambda s: sorted(s.exec(select(ThrottleHit.key)).all()))
    assert keys == ["k", "recent"]


def test_it_keys_limits_by_a_keyed_hash_not_the_raw_value(monkeypatch):
    key = LIMIT.key("lenalead", "203.0.113.7")

    assert len(key) == 64 and "lenalead" not in key and "203.0.113.7" not in key
    assert key == LIMIT.key("lenalead", "203.0.113.7")
    assert key != throttle.RESET_ANSWER.key("lenalead", "203.0.113.7")
    assert key != LIMIT.key("lenalead", "203.0.113.8")
    monkeypatch.setenv("CERS_SECRET_KEY", "another-secret-key-that-is-long-enough-9876")
    reload_settings()
    assert LIMIT.key("lenalead", "203.0.113.7") != key
