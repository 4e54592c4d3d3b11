"""The history pages' handlers without a browser: what a Lead User and a reviewer get in
state, the filters and the pager, and what a refused or forged request leaves behind."""

from __future__ import annotations

from cers_app.core import audit, db
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.facilities.audit_trail_state import BusinessHistoryState
from cers_app.facilities.state import FacilityPageState
from cers_app.regulator.audit_trail_state import RegulatorHistoryState
from cers_app.regulator.facility_state import RegulatorFacilityState
from tests.state.events import redirects, root_at, says
from tests.unit import support
from tests.unit.regulator import cast


def _changed(who, facility_id: int, organization_id: int, name: str = "Acetone") -> int:
    def write(session):
        with transaction(session):
            row = audit.record(
                session,
                actor_user_id=who.id,
                event=AuditEventType.INVENTORY_ITEM_CHANGED,
                subject_type="inventory_item",
                subject_id=4242,
                before={"ChemicalLocation": "Room 1", "password_hash": "$2b$12$" + "x" * 53},
                after={"CommonName": name, "ChemicalLocation": "Room 2"},
                facility_id=facility_id,
                organization_id=organization_id,
            )
            session.flush()
            return row.id

    return db.run(write)


async def test_the_lead_user_reads_the_facility_and_business_history(database, as_actor):
    world, _, plant = cast.davis(team=True)
    depot = cast.depot(world)
    mine = _changed(world.lena, plant, world.acme)
    theirs = _changed(world.otto, depot, world.ottos, name="Secret Sauce")
    as_actor(world.lena.actor())

    facility = await root_at("/facilities/view", id=str(plant)).get_state(FacilityPageState)
    await FacilityPageState.load.fn(facility)
    assert facility.can_read_history

    page = await root_at("/facilities/history", id=str(plant)).get_state(BusinessHistoryState)
    assert await BusinessHistoryState.load_facility.fn(page) is None
    assert page.loaded and not page.whole_business
    assert page.facility_url == f"/facilities/view?id={plant}"
    row = next(r for r in page.rows if r["id"] == str(mine))
    assert row["who"] == "Lena Lopez" and row["what"] == "Material changed"
    assert "Chemical location: Room 1 → Room 2" in row["changes"]
    state_text = repr(page.get_delta()) + repr(page.rows)
    assert "$2b$" not in state_text and "password" not in state_text.lower()
    assert str(theirs) not in [r["id"] for r in page.rows] and "Secret Sauce" not in state_text

    await BusinessHistoryState.filter.fn(page, {"group": "business", "since": "", "until": ""})
    assert page.group == "business" and all(r["id"] != str(mine) for r in page.rows)
    rows_before = list(page.rows)
    result = await BusinessHistoryState.filter.fn(
        page, {"group": "all", "since": "yesterday", "until": ""}
    )
    assert says(result, "YYYY-MM-DD") and set(page.errors) == {"since"}
    assert page.rows == rows_before and page.group == "business"  # nothing lost
    await BusinessHistoryState.go_to_page.fn(page, 99)
    assert page.page == 1

    whole = await root_at("/business/history").get_state(BusinessHistoryState)
    await BusinessHistoryState.load_business.fn(whole)
    assert whole.loaded and whole.whole_business and whole.title == "Acme Plating Co."
    row = next(r for r in whole.rows if r["id"] == str(mine))
    assert row["facility"].startswith("Acme Plating - Davis Works")
    assert "Secret Sauce" not in repr(whole.rows)


async def test_an_editor_and_an_outsider_get_nothing(database, as_actor):
    world, _, plant = cast.davis(team=True)
    _changed(world.lena, plant, world.acme)
    for who, text in ((world.ed, "history"), (world.otto, "not found")):
        as_actor(who.actor())
        before = support.table_snapshot()
        page = await root_at("/facilities/history", id=str(plant)).get_state(BusinessHistoryState)
        result = await BusinessHistoryState.load_facility.fn(page)
        assert says(result, text) and redirects(result) == ["/home"]
        assert page.rows == [] and not page.loaded and page.title == ""
        assert support.table_snapshot() == before
    as_actor(world.ed.actor())
    facility = await root_at("/facilities/view", id=str(plant)).get_state(FacilityPageState)
    await FacilityPageState.load.fn(facility)
    assert not facility.can_read_history


async def test_a_reviewer_reads_it_and_another_agency_gets_not_found(database, as_actor):
    world, county, plant = cast.davis()
    mine = _changed(world.lena, plant, world.acme)
    rob = cast.regulator(county, "rob")
    as_actor(rob.actor())
    summary = await root_at("/regulator/facility", id=str(plant)).get_state(RegulatorFacilityState)
    await RegulatorFacilityState.load.fn(summary)
    assert summary.can_read_history

    page = await root_at("/regulator/facility/history", id=str(plant)).get_state(
        RegulatorHistoryState
    )
    assert await RegulatorHistoryState.load.fn(page) is None
    assert page.loaded and str(mine) in [r["id"] for r in page.rows]
    assert page.facility_url == f"/regulator/facility?id={plant}"
    await RegulatorHistoryState.filter.fn(
        page, {"group": "inventory", "since": "2000-01-01", "until": "2999-12-31"}
    )
    assert [r["id"] for r in page.rows] == [str(mine)]

    for name, text in (("rex", "not found"), ("vic", "Reviewer or Agency Admin")):
        who = cast.regulator(county, name)
        as_actor(who.actor())
        for forged in (str(plant), "abc", "", "99999999999999"):
            page = await root_at("/regulator/facility/history", id=forged).get_state(
                RegulatorHistoryState
            )
            result = await RegulatorHistoryState.load.fn(page)
            assert redirects(result) == ["/regulator/facilities"]
            assert page.rows == [] and page.title == "" and not page.loaded
        page = await root_at("/regulator/facility/history", id=str(plant)).get_state(
            RegulatorHistoryState
        )
        assert says(await RegulatorHistoryState.load.fn(page), text)
