"""Staff and roles, site notices and the banner, through their handlers without a browser."""

from __future__ import annotations

import datetime as dt

from cers_app.core import clock, routes
from cers_app.regulator.notice_state import AdminNoticesState, RegulatorNoticesState
from cers_app.regulator.staff_state import StaffState
from cers_app.ui.site_banner import SiteNoticeState
from tests import helpers
from tests.state.conftest import form
from tests.state.events import root_at, says
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.regulator import cast


def _notice_form(**overrides: str) -> dict[str, str]:
    # The frozen clock stands at 09:00 in Los Angeles on 2026-11-20.
    values = {
        "message": "Planned maintenance",
        "level": "warning",
        "starts_date": "2026-11-20",
        "starts_time": "10:00",
        "ends_date": "2026-11-20",
        "ends_time": "12:00",
    }
    return form(**{**values, **overrides})


async def test_an_admin_invites_changes_a_role_and_deactivates(database, as_actor):
    county = yolo.build()
    rita = cast.regulator(county, "rita")
    hank = cast.regulator(county, "hank")
    as_actor(rita.actor())
    page = await root_at(routes.REGULATOR_STAFF).get_state(StaffState)
    await StaffState.load.fn(page)
    assert page.loaded and [r["username"] for r in page.rows] == ["hankhill", "ritaramos"]
    assert page.agencies == [{"id": str(county.cupa), "name": "Yolo County Environmental Health"}]

    bad = await StaffState.invite.fn(page, form(email="new@example.com", role="viewer"))
    assert set(page.errors) == {"first_name", "last_name"} and says(bad, "highlighted")
    key = page.invite_key
    done = await StaffState.invite.fn(
        page,
        form(email="new.person@example.com", role="viewer", first_name="New", last_name="Person"),
    )
    assert says(done, "was created") and page.errors == {} and page.invite_key == key + 1
    assert "newperson" in [r["username"] for r in page.rows]
    assert helpers.emails("agency_member_invited")[0].to_address == "new.person@example.com"

    hank_id = next(r["id"] for r in page.rows if r["username"] == "hankhill")
    said = await StaffState.change_role.fn(page, hank_id, "reviewer")
    assert says(said, "Hank Hill is now Reviewer.")
    assert next(r for r in page.rows if r["id"] == hank_id)["role"] == "reviewer"
    said = await StaffState.deactivate.fn(page, hank_id)
    assert says(said, "no longer has a role")
    assert next(r for r in page.rows if r["id"] == hank_id)["active"] == ""
    said = await StaffState.reactivate.fn(page, hank_id)
    assert next(r for r in page.rows if r["id"] == hank_id)["active"] == "yes"

    rita_id = next(r["id"] for r in page.rows if r["username"] == "ritaramos")
    before = support.table_snapshot()
    refused = await StaffState.deactivate.fn(page, rita_id)
    assert says(refused, "at least one active Agency Admin")
    refused = await StaffState.change_role.fn(page, "not-a-number", "viewer")
    assert says(refused, "not found")
    assert support.table_snapshot() == before
    assert hank.actor() is not None


async def test_another_agencys_admin_reaches_nothing(database, as_actor):
    county = yolo.build()
    rita = cast.regulator(county, "rita")
    rex = cast.regulator(county, "rex")
    as_actor(rita.actor())
    mine = await root_at(routes.REGULATOR_STAFF).get_state(StaffState)
    await StaffState.load.fn(mine)
    rita_id = mine.rows[0]["id"]
    before = support.table_snapshot()
    as_actor(rex.actor())
    page = await root_at(routes.REGULATOR_STAFF).get_state(StaffState)
    await StaffState.load.fn(page)
    assert [r["username"] for r in page.rows] == ["rexroth"]
    for call in (
        StaffState.change_role.fn(page, rita_id, "viewer"),
        StaffState.deactivate.fn(page, rita_id),
    ):
        assert says(await call, "not found")
    refused = await StaffState.invite.fn(
        page, form(agency=str(county.cupa), email="x@example.com", role="admin")
    )
    assert says(refused, "not one you administer")
    assert support.table_snapshot() == before


async def test_notices_are_scheduled_and_the_banner_follows_the_clock(
    database, as_actor, frozen_clock
):
    county = yolo.build()
    rita = cast.regulator(county, "rita").actor()  # resolved now: the clock moves on below
    as_actor(rita)
    page = await root_at(routes.REGULATOR_NOTICES).get_state(RegulatorNoticesState)
    await RegulatorNoticesState.load.fn(page)
    assert page.loaded and page.rows == []

    refused = await RegulatorNoticesState.save.fn(page, _notice_form(ends_time="09:30"))
    assert "after the start" in page.errors["ends"] and says(refused, "after the start")
    assert page.form["ends_time"] == "09:30"  # the form keeps what was typed
    await RegulatorNoticesState.save.fn(page, _notice_form())
    assert page.errors == {} and page.form["message"] == ""
    [row] = page.rows
    assert row["when_label"] == "Upcoming" and row["level_label"] == "Warning"

    as_actor(None)  # the banner is for everyone, signed in or not
    banner = await root_at("/").get_state(SiteNoticeState)
    await SiteNoticeState.load.fn(banner)
    assert banner.notices == []
    clock.set_now(dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC))  # 10:00 local
    await SiteNoticeState.load.fn(banner)
    assert banner.notices == [
        {"id": row["id"], "message": "Planned maintenance", "level": "warning"}
    ]
    clock.set_now(dt.datetime(2026, 11, 20, 20, 0, tzinfo=dt.UTC))  # 12:00 local: ended
    await SiteNoticeState.load.fn(banner)
    assert banner.notices == []

    as_actor(rita)
    clock.set_now(dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC))
    await RegulatorNoticesState.load.fn(page)
    RegulatorNoticesState.edit.fn(page, row["id"])
    assert page.editing == row["id"] and page.form["starts_time"] == "10:00"
    await RegulatorNoticesState.save.fn(page, _notice_form(message="Moved", starts_time="11:00"))
    assert page.rows[0]["message"] == "Moved" and page.editing == ""
    said = await RegulatorNoticesState.remove.fn(page, row["id"])
    assert says(said, "removed") and page.rows == []


async def test_only_admins_manage_notices(database, as_actor, frozen_clock):
    county = yolo.build()
    rita = cast.regulator(county, "rita")
    hank = cast.regulator(county, "hank")
    as_actor(rita.actor())
    page = await root_at(routes.REGULATOR_NOTICES).get_state(RegulatorNoticesState)
    await RegulatorNoticesState.load.fn(page)
    await RegulatorNoticesState.save.fn(page, _notice_form())
    notice_id = page.rows[0]["id"]
    before = support.table_snapshot()
    as_actor(hank.actor())
    other = await root_at(routes.REGULATOR_NOTICES).get_state(RegulatorNoticesState)
    said = await RegulatorNoticesState.load.fn(other)
    assert says(said, "Only an Agency Admin") and other.rows == []
    assert says(await RegulatorNoticesState.remove.fn(other, notice_id), "Only an Agency Admin")
    assert says(await RegulatorNoticesState.save.fn(other, _notice_form()), "Only an Agency Admin")
    assert support.table_snapshot() == before

    sam = cast.system_admin()
    as_actor(sam.actor())
    admin = await root_at(routes.ADMIN_NOTICES).get_state(AdminNoticesState)
    await AdminNoticesState.load.fn(admin)
    assert [r["id"] for r in admin.rows] == [notice_id]
