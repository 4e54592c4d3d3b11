"""The clock: aware UTC now, freezing for tests, and the agency's local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cers_app.core import clock
from cers_app.core.settings import reload_settings


def test_it_tells_the_time_in_utc():
    now = clock.now()

    assert now.utcoffset() == dt.timedelta(0)


def test_it_freezes_and_advances(frozen_clock):
    assert clock.now() == frozen_clock
    assert clock.now() == frozen_clock

    moved = clock.advance(minutes=16, seconds=1)

    assert moved == frozen_clock + dt.timedelta(minutes=16, seconds=1)
    assert clock.now() == moved


def test_it_stores_a_frozen_time_in_utc():
    clock.set_now(dt.datetime(2026, 7, 4, 9, 0, tzinfo=ZoneInfo("America/Los_Angeles")))

    assert clock.now() == dt.datetime(2026, 7, 4, 16, 0, tzinfo=dt.UTC)
    assert clock.now().tzinfo is dt.UTC


def test_it_refuses_to_freeze_at_a_naive_time():
    with pytest.raises(ValueError, match="aware"):
        clock.set_now(dt.datetime(2026, 7, 4, 9, 0))


def test_it_unfreezes():
    clock.set_now(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    clock.set_now(None)

    assert clock.now().year >= 2026


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC), "Nov 20, 2026 9:00 AM PST"),
        (dt.datetime(2026, 11, 5, 17, 5, tzinfo=dt.UTC), "Nov 5, 2026 9:05 AM PST"),
        (dt.datetime(2026, 7, 4, 22, 30, tzinfo=dt.UTC), "Jul 4, 2026 3:30 PM PDT"),
        (dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC), "Dec 10, 2026 12:00 PM PST"),
        (dt.datetime(2027, 1, 1, 7, 59, tzinfo=dt.UTC), "Dec 31, 2026 11:59 PM PST"),
    ],
)
def test_it_formats_times_in_the_agency_time_zone(moment, shown):
    assert clock.format_local(moment) == shown


def test_it_formats_nothing_as_an_empty_string():
    assert clock.format_local(None) == ""


def test_it_follows_the_configured_time_zone(monkeypatch):
    monkeypatch.setenv("CERS_AGENCY_TIME_ZONE", "America/New_York")
    reload_settings()

    assert clock.format_local(dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)) == (
        "Nov 20, 2026 12:00 PM EST"
    )


def test_it_gives_todays_date_in_the_agency_time_zone():
    clock.set_now(dt.datetime(2026, 11, 21, 5, 0, tzinfo=dt.UTC))  # 9 PM on the 20th in LA

    assert clock.today() == dt.date(2026, 11, 20)
    assert clock.local(clock.now()).hour == 21
