"""The regulator's requests inbox, facility actions panel and account pages, through their
handlers without a browser: what each role sees and what a decision or action changes."""

from __future__ import annotations

from cers_app.access import identity
from cers_app.core import db, routes
from cers_app.facilities import requests
from cers_app.regulator.account_state import AdminAccountsState, RegulatorAccountsState
from cers_app.regulator.facility_actions_state import FacilityActionsState
from cers_app.regulator.request_inbox_state import RegulatorRequestsState
from tests import helpers
from tests.state.events import redirects, root_at, says
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.regulator import cast


async def test_a_request_handler_rejects_with_a_reason_then_approves(database, as_actor):
    world, county, plant = cast.davis()
    hank = cast.regulator(county, "hank")
    deleting = db.run(requests.request_delete, world.lena.actor(), plant, "Entered twice.")
    moving = db.run(requests.transfer, world.lena.actor(), plant, world.ottos, "")
    assert moving == "requested"

    as_actor(hank.actor())
    inbox = await root_at(routes.REGULATOR_REQUESTS).get_state(RegulatorRequestsState)
    await RegulatorRequestsState.load.fn(inbox)
    assert inbox.loaded and [r["kind_label"] for r in inbox.rows] == ["Delete", "Transfer"]
    first = inbox.rows[0]
    assert first["facility_href"] == f"{routes.REGULATOR_FACILITY}?id={plant}"
    assert first["owner"] == "Acme Plating Co." and first["note"] == "Entered twice."
    assert inbox.rows[1]["summary"] == "Transfer from Acme Plating Co. to Owens Oil Co."

    RegulatorRequestsState.ask_reject.fn(inbox, str(deleting))
    assert inbox.deciding["decision"] == "reject"
    await RegulatorRequestsState.decide.fn(
        inbox, {"request_id": str(deleting), "decision": "reject", "comment": ""}
    )
    assert "Say why" in inbox.errors["comment"] and len(inbox.rows) == 2
    result = await RegulatorRequestsState.decide.fn(
        inbox, {"request_id": str(deleting), "decision": "reject", "comment": "It is regulated."}
    )
    assert says(result, "Rejected: Lena Lopez was told by email.")
    assert [r["kind"] for r in inbox.rows] == ["transfer"]
    assert [(r["status_label"], r["comment"]) for r in inbox.recent] == [
        ("Rejected", "It is regulated.")
    ]

    moving_id = inbox.rows[0]["id"]
    RegulatorRequestsState.ask_approve.fn(inbox, moving_id)
    form = {"request_id": moving_id, "decision": "approve", "comment": ""}
    result = await RegulatorRequestsState.decide.fn(inbox, form)
    assert says(result, "the facility was transferred")
    assert inbox.rows == [] and inbox.deciding == {} and len(inbox.recent) == 2
    assert yolo.facility(plant).organization_id == world.ottos

    again = await RegulatorRequestsState.decide.fn(inbox, form)  # a double click
    assert says(again, "This request was already decided or withdrawn.")
    assert len(helpers.audit_events("FACILITY_REQUEST_DECIDED")) == 2


async def test_staff_who_do_not_decide_see_nothing_and_change_nothing(database, as_actor):
    world, county, plant = cast.davis()
    asked = db.run(requests.request_delete, world.lena.actor(), plant, "")
    rob = cast.regulator(county, "rob")
    before = support.table_snapshot()

    as_actor(rob.actor())
    inbox = await root_at(routes.REGULATOR_REQUESTS).get_state(RegulatorRequestsState)
    await RegulatorRequestsState.load.fn(inbox)
    assert inbox.rows == [] and inbox.recent == []
    result = await RegulatorRequestsState.decide.fn(
        inbox, {"request_id": str(asked), "decision": "approve", "comment": ""}
    )
    assert says(result, "That request was not found.")

    as_actor(world.lena.actor())  # a business user, whatever the gate let through
    business = await root_at(routes.REGULATOR_REQUESTS).get_state(RegulatorRequestsState)
    await RegulatorRequestsState.load.fn(business)
    assert business.rows == [] and not business.loaded
    assert support.table_snapshot() == before


async def test_the_panel_transfers_a_facility_for_a_request_handler_only(database, as_actor):
    world, county, plant = cast.davis()
    rob = cast.regulator(county, "rob")
    hank = cast.regulator(county, "hank")

    as_actor(rob.actor())
    hidden = await root_at(routes.REGULATOR_FACILITY, id=str(plant)).get_state(FacilityActionsState)
    await FacilityActionsState.load.fn(hidden)
    assert hidden.facility == {}

    as_actor(hank.actor())
    panel = await root_at(routes.REGULATOR_FACILITY, id=str(plant)).get_state(FacilityActionsState)
    await FacilityActionsState.load.fn(panel)
    assert panel.facility["business"] == "Acme Plating Co." and not panel.has_submittals
    result = await FacilityActionsState.transfer.fn(panel)
    assert "organization" in panel.errors and says(result, "Search for the business")
    await FacilityActionsState.search_organizations.fn(panel, {"text": "acme"})
    assert panel.org_choices == [] and "No other business" in panel.errors["organization"]
    await FacilityActionsState.search_organizations.fn(panel, {"text": "owens"})
    [choice] = panel.org_choices
    assert choice["label"].startswith("Owens Oil Co. (organization ")
    FacilityActionsState.choose_organization.fn(panel, choice["id"])
    result = await FacilityActionsState.transfer.fn(panel)
    assert panel.errors == {"comment": "Say why; the businesses are told and the record keeps it."}
    FacilityActionsState.set_comment.fn(panel, "New owner since December.")
    result = await FacilityActionsState.transfer.fn(panel)
    assert says(result, "Transferred to Owens Oil Co.")
    assert redirects(result) == [f"{routes.REGULATOR_FACILITY}?id={plant}"]
    assert yolo.facility(plant).organization_id == world.ottos

    FacilityActionsState.set_comment.fn(panel, "Entered by mistake.")
    result = await FacilityActionsState.delete.fn(panel)
    assert says(result, "The facility was deleted")
    assert redirects(result) == [routes.REGULATOR_FACILITIES]
    assert yolo.facility(plant).status == "deleted"


async def test_account_pages_keep_each_administrator_to_their_accounts(database, as_actor):
    county = yolo.build()
    rita = cast.regulator(county, "rita")
    hank = cast.regulator(county, "hank")
    lena = acme_world.person("lenalead", "Lena", "Lopez")
    sam = cast.system_admin()

    as_actor(rita.actor())
    staff = await root_at(routes.REGULATOR_ACCOUNTS).get_state(RegulatorAccountsState)
    await RegulatorAccountsState.load.fn(staff)
    assert {r["username"] for r in staff.rows} == {"ritaramos", "hankhill"}
    result = await RegulatorAccountsState.disable.fn(staff, str(lena.id))
    assert says(result, "That account was not found")
    result = await RegulatorAccountsState.disable.fn(staff, str(hank.id))
    assert says(result, "hankhill is disabled")
    assert next(r for r in staff.rows if r["username"] == "hankhill")["disabled"] == "yes"
    assert db.run(identity.resolve_actor, hank.cookie, helpers.IP) is None

    as_actor(sam.actor())
    every = await root_at(routes.ADMIN_ACCOUNTS).get_state(AdminAccountsState)
    await AdminAccountsState.load.fn(every)
    assert {r["username"] for r in every.rows} >= {"ritaramos", "hankhill", "lenalead"}
    await AdminAccountsState.search.fn(every, {"query": "lena"})
    [row] = every.rows
    result = await AdminAccountsState.end_sessions.fn(every, row["id"])
    assert says(result, "lenalead: 1 session ended.")
    result = await AdminAccountsState.disable.fn(every, str(sam.id))
    assert says(result, "You cannot disable your own account")
