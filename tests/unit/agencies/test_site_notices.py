"""Site notices: an Agency Admin (or the system administrator) schedules banners in local time;
every page shows those whose window holds now (start included, end excluded); other agencies'
notices are out of reach."""

from __future__ import annotations

import datetime as dt

import pytest

from cers_app.agencies import site_notices
from cers_app.agencies.models import SiteNotice
from cers_app.agencies.site_notices import NoticeInput
from cers_app.core import clock, db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast

rita, hank, rex = cast.staff_fixtures("rita", "hank", "rex")

# The frozen clock stands at 2026-11-20 17:00 UTC, 09:00 in Los Angeles (PST, UTC-8).


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


@pytest.fixture
def sam(database) -> Person:
    return cast.system_admin()


def _input(**overrides: str) -> NoticeInput:
    values = {
        "message": "Planned maintenance tonight.",
        "level": "info",
        "starts_date": "2026-11-20",
        "starts_time": "10:00",
        "ends_date": "2026-11-20",
        "ends_time": "11:00",
    }
    return NoticeInput(**{**values, **overrides})


def _save(person: Person, **overrides: str) -> int:
    return db.run(site_notices.save_notice, person.actor(), _input(**overrides))


def _banner_ids(at: dt.datetime) -> list[int]:
    return [b.id for b in db.run(site_notices.current_notices, at)]


def test_local_times_are_stored_in_utc_and_shown_from_start_to_end(frozen_clock, rita, county):
    notice_id = _save(rita)
    notice = db.run(lambda s: s.get(SiteNotice, notice_id))
    assert notice.starts_at == dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
    assert notice.ends_at == dt.datetime(2026, 11, 20, 19, 0, tzinfo=dt.UTC)
    assert notice.agency_id == county.cupa and notice.created_by_user_id == rita.id
    start, end = notice.starts_at, notice.ends_at
    second = dt.timedelta(seconds=1)
    assert _banner_ids(start - second) == []
    assert _banner_ids(start) == [notice_id]  # the start is included
    assert _banner_ids(end - second) == [notice_id]
    assert _banner_ids(end) == []  # the end is not
    [row] = db.run(site_notices.notice_rows, rita.actor())
    assert row.when == "upcoming" and row.starts_time == "10:00" and row.ends_date == "2026-11-20"
    assert "10:00 AM PST" in row.starts
    clock.set_now(start)
    assert db.run(site_notices.notice_rows, rita.actor())[0].when == "showing"
    clock.set_now(end)
    assert db.run(site_notices.notice_rows, rita.actor())[0].when == "past"
    [event] = support.audit_events("SITE_NOTICE_SAVED")
    assert event.before is None and event.after["message"] == "Planned maintenance tonight."


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        ({"message": "   "}, "message", "Enter the notice's message"),
        ({"message": "x" * 501}, "message", "at most 500"),
        ({"level": "danger"}, "level", "Information or Warning"),
        ({"starts_date": "20/11/2026"}, "starts", "date and a time"),
        ({"ends_time": "25:00"}, "ends", "date and a time"),
        ({"ends_time": "09:30"}, "ends", "after the start"),
        ({"ends_time": "10:00"}, "ends", "after the start"),
        ({"starts_time": "07:00", "ends_time": "08:59"}, "ends", "in the past"),
    ],
)
def test_bad_notices_are_refused_naming_the_field(
    frozen_clock, rita, county, overrides, field, text
):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as refused:
        _save(rita, **overrides)
    assert text in refused.value.fields[field]
    assert support.table_snapshot() == before


def test_a_notice_of_exactly_500_characters_is_kept(frozen_clock, rita, county):
    notice_id = _save(rita, message="x" * 500)
    assert len(db.run(lambda s: s.get(SiteNotice, notice_id)).message) == 500


def test_editing_checks_the_version_and_removing_stops_the_banner(frozen_clock, rita, county):
    notice_id = _save(rita)
    db.run(
        site_notices.save_notice,
        rita.actor(),
        _input(message="Changed", level="warning", starts_time="08:00"),
        notice_id=notice_id,
        version=1,
    )
    [banner] = db.run(site_notices.current_notices, clock.now())
    assert (banner.id, banner.message, banner.level) == (notice_id, "Changed", "warning")
    with pytest.raises(Conflict):
        db.run(
            site_notices.save_notice,
            rita.actor(),
            _input(message="Stale"),
            notice_id=notice_id,
            version=1,
        )
    event = support.audit_events("SITE_NOTICE_SAVED")[-1]
    assert event.before["message"] == "Planned maintenance tonight."
    assert event.after["message"] == "Changed"
    db.run(site_notices.remove_notice, rita.actor(), notice_id)
    assert db.run(site_notices.current_notices, clock.now()) == []
    [removed] = support.audit_events("SITE_NOTICE_REMOVED")
    assert removed.before["message"] == "Changed"


def test_the_system_administrator_keeps_every_notice(frozen_clock, rita, sam, county):
    rita_notice = _save(rita)
    own = _save(sam, message="Upgrade on Sunday")
    assert db.run(lambda s: s.get(SiteNotice, own)).agency_id is None
    assert {r.id for r in db.run(site_notices.notice_rows, sam.actor())} == {rita_notice, own}
    assert {r.id for r in db.run(site_notices.notice_rows, rita.actor())} == {rita_notice}
    db.run(site_notices.remove_notice, sam.actor(), rita_notice)
    with pytest.raises(NotFound):  # the system administrator's own notice is not Rita's
        db.run(site_notices.remove_notice, rita.actor(), own)


def test_others_are_refused_and_nothing_changes(frozen_clock, rita, hank, rex, county):
    notice_id = _save(rita)
    before = support.table_snapshot()
    with pytest.raises(PermissionDenied):
        db.run(site_notices.notice_rows, hank.actor())
    with pytest.raises(PermissionDenied):
        _save(hank)
    with pytest.raises(PermissionDenied):
        db.run(site_notices.remove_notice, hank.actor(), notice_id)
    assert db.run(site_notices.notice_rows, rex.actor()) == []
    for forged in (notice_id, 0, -3, "1", True, 10**12):
        with pytest.raises(NotFound):
            db.run(site_notices.remove_notice, rex.actor(), forged)
        with pytest.raises(NotFound):
            db.run(
                site_notices.save_notice,
                rex.actor(),
                _input(message="Hijacked"),
                notice_id=forged,
                version=1,
            )
    assert support.table_snapshot() == before
