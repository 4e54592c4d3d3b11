"""The facility request pages' handlers without a browser: what each role sees and may send.

Acme (lena, its Lead User) has a plant in Woodland; newcomers find it, ask for access, and the
answers, transfers, merges and deletions go through the same handlers the pages call.
"""

from __future__ import annotations

import secrets

from reflex.state import State
from sqlmodel import select

from cers_app.admin.request_queue import AdminRequestsState
from cers_app.agencies import service as agency_service
from cers_app.agencies.models import JurisdictionRule
from cers_app.core import db
from cers_app.core.codes import ELEMENTS
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import Facility, FacilityRequest
from cers_app.facilities.request_state import (
    ArchivedFacilitiesState,
    FacilitySearchState,
    ManageFacilityState,
    RequestsState,
)
from cers_app.facilities.service import SiteInput
from cers_app.organizations import service as org_service
from cers_app.organizations.models import Organization
from cers_app.organizations.roles import OrgRole
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person

ZIP = "95695"


def _cover(zip_code: str = ZIP) -> int:
    """A CUPA that regulates every element in the ZIP code; returns its id."""
    agency_id = db.run(
        agency_service.create_agency,
        actor_user_id=None,
        code=1001 + secrets.randbelow(7998),
        name="Yolo County Environmental Health",
        county=57,
    )

    def add_rules(session) -> None:
        for element in ELEMENTS:
            session.add(JurisdictionRule(agency_id=agency_id, element=element, zip_code=zip_code))
        session.commit()

    db.run(add_rules)
    return agency_id


def _facility(lead: Person, organization_id: int, name: str, street: str = "1200 Main St") -> int:
    site = SiteInput(
        name=name, street=street, supplemental="", city="Woodland", zip_code=ZIP, county="57"
    )
    return db.run(
        facility_service.create_facility,
        lead.actor(),
        organization_id,
        site,
        idempotency_key=secrets.token_urlsafe(16),
    )


def _root(path: str = "/", **query: str) -> State:
    """A fresh root state for a browser at `path?query`."""
    state = State(_reflex_internal_init=True)
    as_path = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    state.router_data = state._update_router_vars(
        {
            "token": "state-test-token",
            "sid": "sid-1",
            "pathname": path,
            "asPath": as_path,
            "query": dict(query),
            "headers": {},
            "ip": "198.51.100.20",
        },
        {},
    )
    return state


def _business_name(organization_id: int) -> str:
    return db.run(lambda s: s.get(Organization, organization_id).name)


def _pending(facility_id: int) -> list[FacilityRequest]:
    return db.run(
        lambda s: list(
            s.exec(
                select(FacilityRequest).where(
                    FacilityRequest.facility_id == facility_id,
                    FacilityRequest.status == "pending",
                )
            ).all()
        )
    )


async def test_a_newcomer_finds_the_plant_asks_to_join_and_the_lead_user_approves(
    database, as_actor
):
    world = acme_world.build(roles=())
    _cover()
    plant = _facility(world.lena, world.acme, "Acme Plating - Woodland Plant")
    acme = _business_name(world.acme)
    tobias = acme_world.person("tobiasreed", "Tobias", "Reed")

    as_actor(tobias.actor())
    search = await _root("/facilities/search").get_state(FacilitySearchState)
    await FacilitySearchState.load.fn(search)
    assert search.loaded and search.lead_businesses == []
    await FacilitySearchState.search.fn(search, {"query": "ab"})
    assert "at least 3 letters" in search.errors["query"] and search.rows == []
    await FacilitySearchState.search.fn(search, {"query": "1200 main"})
    [row] = search.rows
    assert set(row) == {"facility_id", "cers_id", "name", "address", "city", "note"}
    assert acme not in row.values()
    FacilitySearchState.ask_access.fn(search, row["facility_id"])
    assert search.chosen["mode"] == "access" and search.chosen["name"] == row["name"]
    await FacilitySearchState.request_access.fn(
        search, {"facility_id": row["facility_id"], "role": "", "note": ""}
    )
    assert search.form_errors == {"role": "Choose the permission group you need."}
    await FacilitySearchState.request_access.fn(
        search, {"facility_id": row["facility_id"], "role": "editor", "note": "Plating line."}
    )
    assert search.chosen == {} and len(_pending(plant)) == 1

    mine = await _root("/business/requests").get_state(RequestsState)
    await RequestsState.load.fn(mine)
    [asked] = mine.mine
    assert not mine.can_answer and mine.to_answer == []
    assert asked["status"] == "pending" and asked["business"] == ""  # not before being let in
    assert asked["waiting_for"] == "the business's Lead Users"

    as_actor(world.lena.actor())
    answers = await _root("/business/requests").get_state(RequestsState)
    await RequestsState.load.fn(answers)
    [waiting] = answers.to_answer
    assert answers.can_answer and waiting["requested_by"] == "Tobias Reed"
    RequestsState.ask_approve.fn(answers, waiting["id"])
    assert answers.deciding["decision"] == "approve"
    await RequestsState.decide.fn(
        answers, {"request_id": waiting["id"], "decision": "maybe", "comment": ""}
    )
    assert len(_pending(plant)) == 1  # neither approve nor reject: nothing decided
    await RequestsState.decide.fn(
        answers, {"request_id": waiting["id"], "decision": "approve", "comment": "Welcome."}
    )
    assert answers.to_answer == [] and answers.deciding == {}
    assert acme_world.membership(world.acme, tobias).role == OrgRole.EDITOR.value

    as_actor(tobias.actor())
    await RequestsState.load.fn(mine)
    [decided] = mine.mine
    assert decided["status_label"] == "Approved" and decided["business"] == acme
    assert decided["comment"] == "Welcome." and decided["pending"] == ""


async def test_a_forged_facility_or_request_id_changes_nothing(database, as_actor):
    world = acme_world.build(roles=())
    _cover()
    plant = _facility(world.lena, world.acme, "Acme Plating - Woodland Plant")
    mallory = acme_world.person("mallory", "Mallory", "Moss")
    as_actor(mallory.actor())
    search = await _root("/facilities/search").get_state(FacilitySearchState)
    for forged in ("", "abc", "-1", "99999999999999", str(plant + 1000)):
        await FacilitySearchState.request_access.fn(
            search, {"facility_id": forged, "role": "lead", "note": ""}
        )
        await FacilitySearchState.take_ownership.fn(
            search, {"facility_id": forged, "business": str(world.acme), "note": ""}
        )
    requests = await _root("/business/requests").get_state(RequestsState)
    await RequestsState.withdraw.fn(requests, "1")
    await RequestsState.decide.fn(requests, {"request_id": "1", "decision": "approve"})
    assert _pending(plant) == []
    # Managing someone else's facility sends the visitor home and shows nothing of it.
    manage = await _root("/facilities/manage", id=str(plant)).get_state(ManageFacilityState)
    await ManageFacilityState.load.fn(manage)
    assert manage.facility == {} and not manage.loaded
    await ManageFacilityState.delete.fn(manage, {"note": "gone"})
    assert _pending(plant) == []


async def test_only_a_lead_user_manages_and_a_transfer_between_own_businesses_is_immediate(
    database, as_actor
):
    world = acme_world.build(roles=(OrgRole.APPROVER,))
    _cover()
    plant = _facility(world.lena, world.acme, "Acme Plating - Woodland Plant")
    _facility(world.lena, world.acme, "Acme Plating - Woodland Annex", "1300 Main St")
    sister = acme_world.create_business(world.lena, "Acme Sister Co.")
    sister_code = db.run(lambda s: s.get(Organization, sister).code)
    db.run(org_service.select_organization, world.lena.actor(), world.acme)  # works in Acme

    as_actor(world.connie.actor())  # Approver: not allowed to manage
    refused = await _root("/facilities/manage", id=str(plant)).get_state(ManageFacilityState)
    await ManageFacilityState.load.fn(refused)
    assert not refused.loaded and refused.facility == {}

    as_actor(world.lena.actor())
    manage = await _root("/facilities/manage", id=str(plant)).get_state(ManageFacilityState)
    await ManageFacilityState.load.fn(manage)
    assert manage.loaded and manage.facility["name"] == "Acme Plating - Woodland Plant"
    assert [o["name"] for o in manage.transfer_options] == ["Acme Sister Co."]
    assert [o["label"].split(" (")[0] for o in manage.merge_options] == [
        "Acme Plating - Woodland Annex"
    ]
    await ManageFacilityState.transfer.fn(
        manage, {"business": str(sister), "code": str(sister_code), "note": ""}
    )
    assert "not both" in manage.transfer_errors["code"]
    await ManageFacilityState.transfer.fn(manage, {"business": "", "code": "123", "note": ""})
    assert manage.transfer_errors == {"code": "An organization code has 9 digits."}
    await ManageFacilityState.transfer.fn(
        manage, {"business": "", "code": str(sister_code), "note": "Moving it."}
    )
    assert manage.transfer_errors == {}
    assert db.run(lambda s: s.get(Facility, plant).organization_id) == sister
    assert manage.facility["business"] == "Acme Sister Co."

    archived = await _root("/business/archived").get_state(ArchivedFacilitiesState)
    await ArchivedFacilitiesState.load.fn(archived)
    [gone] = archived.rows
    assert gone["name"] == "Acme Plating - Woodland Plant"
    assert gone["to_business"] == "Acme Sister Co."


async def test_merge_and_delete_requests_wait_for_the_regulator(database, as_actor):
    world = acme_world.build(roles=())
    _cover()
    plant = _facility(world.lena, world.acme, "Acme Plating - Woodland Plant")
    annex = _facility(world.lena, world.acme, "Acme Plating - Woodland Annex", "1300 Main St")
    as_actor(world.lena.actor())
    manage = await _root("/facilities/manage", id=str(annex)).get_state(ManageFacilityState)
    await ManageFacilityState.load.fn(manage)
    await ManageFacilityState.merge.fn(manage, {"survivor": "", "note": ""})
    assert manage.merge_errors == {"survivor": "Choose the facility to keep."}
    await ManageFacilityState.merge.fn(manage, {"survivor": str(plant), "note": "Twice."})
    await ManageFacilityState.delete.fn(manage, {"note": "x" * 1001})
    assert "at most 1000" in manage.delete_errors["note"]
    await ManageFacilityState.delete.fn(manage, {"note": "Added by mistake."})
    assert {row["kind"] for row in manage.pending} == {"merge", "delete"}
    assert {row["waiting_for"] for row in manage.pending} == {"the regulator"}
    survivor = await _root("/facilities/manage", id=str(plant)).get_state(ManageFacilityState)
    await ManageFacilityState.load.fn(survivor)
    assert [row["kind"] for row in survivor.pending] == ["merge"]


async def test_the_admin_queue_is_for_system_administrators_only(database, as_actor):
    world = acme_world.build(roles=())
    as_actor(world.lena.actor())
    queue = await _root("/admin").get_state(AdminRequestsState)
    await AdminRequestsState.load.fn(queue)
    assert queue.rows == [] and not queue.loaded


async def test_a_search_link_with_a_query_shows_its_results(database, as_actor):
    world = acme_world.build(roles=())
    _cover()
    _facility(world.lena, world.acme, "Acme Plating - Woodland Plant")
    as_actor(world.lena.actor())
    search = await _root("/facilities/search", q="woodland").get_state(FacilitySearchState)
    await FacilitySearchState.load.fn(search)
    assert search.searched and [r["name"] for r in search.rows] == ["Acme Plating - Woodland Plant"]
    assert [b["name"] for b in search.lead_businesses] == [_business_name(world.acme)]
