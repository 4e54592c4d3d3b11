"""seed-demo's planned-maintenance notice: upcoming, the demo CUPA's, added once."""

from __future__ import annotations

from sqlmodel import select

from cers_app.agencies import demo_notices, site_notices
from cers_app.agencies.models import SiteNotice
from cers_app.core import clock, db
from tests.unit import support
from tests.unit.facilities import county as yolo


def test_the_demo_notice_is_upcoming_and_added_once(database, frozen_clock):
    county = yolo.build()
    rita = yolo.regulator("ritaramos", "Rita", "Ramos", county.cupa, "admin")
    first = demo_notices.ensure_demo_notice(yolo.CUPA_CODE, rita.id)
    assert demo_notices.ensure_demo_notice(yolo.CUPA_CODE, rita.id) == first
    [notice] = db.run(lambda s: list(s.exec(select(SiteNotice)).all()))
    assert notice.agency_id == county.cupa and notice.starts_at > clock.now()
    assert db.run(site_notices.current_notices, clock.now()) == []
    assert [b.id for b in db.run(site_notices.current_notices, notice.starts_at)] == [first]
    [row] = db.run(site_notices.notice_rows, rita.actor())
    assert row.when == "upcoming" and "Planned maintenance" in row.message
    assert len(support.audit_events("SITE_NOTICE_SAVED")) == 1
