"""The Regulator Portal's facility search, facility summary, business and compliance handlers
without a browser: what a regulator sees and changes, and what a forged id gets."""

from __future__ import annotations

from cers_app.core.codes import NOT_REQUIRED, REQUIRED
from cers_app.regulator.compliance_state import RegulatorComplianceState
from cers_app.regulator.facility_state import (
    RegulatorBusinessState,
    RegulatorFacilitySearchState,
    RegulatorFacilityState,
)
from tests import helpers
from tests.state.events import redirects, root_at, says
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.regulator import cast

HMI, ERTP, UST = 2, 3, 4


def _acme():
    """Acme (only lena) with its Davis facility; rob reviews for the Yolo CUPA, rex is Agency
    Admin of Bay City."""
    world, county, plant = cast.davis()
    return world, county, plant, cast.regulator(county, "rob"), cast.regulator(county, "rex")


async def test_a_reviewer_searches_opens_the_facility_and_sets_its_requirements(
    database, frozen_clock, as_actor
):
    world, _, plant, rob, _ = _acme()
    as_actor(rob.actor())

    search = await root_at("/regulator/facilities").get_state(RegulatorFacilitySearchState)
    await RegulatorFacilitySearchState.load.fn(search)
    [row] = search.rows
    assert row["id"] == str(plant) and row["url"] == f"/regulator/facility?id={plant}"
    assert row["business"] == acme_world.ACME
    await RegulatorFacilitySearchState.search.fn(search, {"query": "x" * 101})
    assert "at most 100" in search.errors["query"] and search.rows == []
    await RegulatorFacilitySearchState.search.fn(search, {"query": "davis"})
    assert [r["id"] for r in search.rows] == [str(plant)] and search.errors == {}
    await RegulatorFacilitySearchState.search.fn(search, {"query": "nowhere"})
    assert search.rows == [] and search.total == 0

    page = await root_at("/regulator/facility", id=str(plant)).get_state(RegulatorFacilityState)
    await RegulatorFacilityState.load.fn(page)
    assert page.loaded and page.facility["name"] == "Acme Plating - Davis Works"
    assert page.facility["business_url"] == f"/regulator/business?id={world.acme}"
    rows = {r["element"]: r for r in page.elements}
    assert len(rows) == 10 and rows["1"]["always"] == "yes"
    assert rows["2"]["can_manage"] == "yes" and rows["2"]["can_change_agency"] == ""
    assert page.agency_options == {}  # a Reviewer does not hand elements over

    result = await RegulatorFacilityState.toggle_requirement.fn(page, "2")
    assert says(result, "Reporting requirement saved")
    slots = yolo.elements(plant)
    assert (slots[HMI].requirement, slots[ERTP].requirement) == (REQUIRED, REQUIRED)
    assert {r["element"]: r["applicable"] for r in page.elements}["3"] == "yes"
    assert len(helpers.emails("requirement_set")) == 1

    await RegulatorFacilityState.save_due.fn(page, {"element": "4", "due": "2027-03-01"})
    assert str(yolo.elements(plant)[UST].next_due_date) == "2027-03-01"
    before = support.table_snapshot()
    result = await RegulatorFacilityState.save_due.fn(page, {"element": "4", "due": "03/01/27"})
    assert says(result, "YYYY-MM-DD") and set(page.errors) == {"due-4"}
    result = await RegulatorFacilityState.save_due.fn(page, {"element": "4", "due": "2020-01-01"})
    assert says(result, "cannot be in the past")
    assert support.table_snapshot() == before


async def test_another_agency_gets_nothing_for_a_forged_facility_id(database, as_actor):
    _, county, plant, _, rex = _acme()
    as_actor(rex.actor())
    before = support.table_snapshot()

    for forged in (str(plant), "abc", "", "99999999999999"):
        page = await root_at("/regulator/facility", id=forged).get_state(RegulatorFacilityState)
        result = await RegulatorFacilityState.load.fn(page)
        assert page.facility == {} and page.elements == [] and not page.loaded
        assert redirects(result) == ["/regulator/facilities"]
    # Changes aimed at a facility the page never loaded find nothing either.
    result = await RegulatorFacilityState.toggle_requirement.fn(page, "2")
    assert says(result, "not found")
    await RegulatorFacilityState.change_cupa.fn(page, {"element": "2", "agency": str(county.other)})
    search = await root_at("/regulator/facilities").get_state(RegulatorFacilitySearchState)
    await RegulatorFacilitySearchState.search.fn(search, {"query": "davis"})
    assert search.rows == []
    assert yolo.elements(plant)[HMI].requirement == NOT_REQUIRED
    assert support.table_snapshot() == before


async def test_the_business_and_compliance_pages(database, frozen_clock, as_actor):
    world, _, plant, rob, rex = _acme()
    as_actor(rob.actor())

    business = await root_at("/regulator/business", id=str(world.acme)).get_state(
        RegulatorBusinessState
    )
    await RegulatorBusinessState.load.fn(business)
    assert business.business["name"] == acme_world.ACME
    assert [p["name"] for p in business.people] == ["Lena Lopez"]
    assert [f["url"] for f in business.facilities] == [f"/regulator/facility?id={plant}"]
    assert business.emails_note.startswith("Showing ")

    overview = await root_at("/regulator/compliance").get_state(RegulatorComplianceState)
    await RegulatorComplianceState.load.fn(overview)
    assert overview.applicable == 1 and overview.totals["never_submitted"] == "1"
    [fi] = overview.elements
    assert fi["code"] == "FI" and fi["never_submitted_width"] == "100.0%"
    await RegulatorComplianceState.open_count.fn(overview, "never_submitted")
    assert [r["name"] for r in overview.rows] == ["Acme Plating - Davis Works"]
    await RegulatorComplianceState.open_count.fn(overview, "bogus")
    assert overview.category == "never_submitted"

    as_actor(rex.actor())
    other = await root_at("/regulator/business", id=str(world.acme)).get_state(
        RegulatorBusinessState
    )
    result = await RegulatorBusinessState.load.fn(other)
    assert other.business == {} and other.people == [] and redirects(result)
