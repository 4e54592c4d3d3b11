"""The Agency administration page's state: loading, choosing an agency, and each form."""

from __future__ import annotations

from cers_app.agencies.models import Agency, AgencyContact, JurisdictionRule
from cers_app.core import db
from cers_app.regulator.agency_admin_state import AgencyAdminState
from tests.unit import support
from tests.unit.agencies import admin_world

S = AgencyAdminState


async def _loaded(root, as_actor, person) -> AgencyAdminState:
    as_actor(person.actor())
    state = await root.get_state(S)
    await S.load.fn(state)
    assert state.loaded
    return state


def _agency(agency_id: int) -> Agency:
    return db.run(lambda s: s.get(Agency, agency_id))


async def test_the_cupa_admin_sees_both_agencies_and_saves_the_profile(database, root, as_actor):
    w = admin_world.build()
    state = await _loaded(root, as_actor, w.rita)
    assert state.allowed
    assert [a["id"] for a in state.agencies] == [str(w.county.cupa), str(w.county.pa)]
    assert state.agency["name"] == "Yolo County Environmental Health"
    assert [a["id"] for a in state.assign_to] == [str(w.county.cupa), str(w.county.pa)]
    assert len(state.elements) == 10
    assert state.inventory["location_level"] != "" and state.inventory_note == ""

    await S.save_profile.fn(state, {"phone": "", "email": "bad", "website": "", "address": ""})
    assert "profile.email" in state.errors
    assert state.profile["email"] == "bad"  # the form keeps what was typed
    assert _agency(w.county.cupa).email == ""

    good = {
        "phone": "(530) 555-0110",
        "email": "hazmat@yolo.example.org",
        "website": "",
        "address": "625 Court St",
        "verify_lead_access": "on",
    }
    await S.save_profile.fn(state, good)
    assert state.errors == {}
    assert _agency(w.county.cupa).verify_lead_access is True
    assert state.profile["verify_lead_access"] == "yes"

    # The participating agency: its own profile; its inventory settings are its admins'.
    await S.choose_agency.fn(state, str(w.county.pa))
    assert state.agency["name"] == "Woodland Fire Department"
    assert state.agency["parent"] == "Yolo County Environmental Health"
    assert state.inventory_note != ""


async def test_contacts_rules_and_elements(database, root, as_actor):
    w = admin_world.build()
    state = await _loaded(root, as_actor, w.rita)

    S.edit_contact.fn(state, "new")
    assert state.editing_contact == "new"
    contact = {"contact_id": "new", "name": "Hazel Moreno", "title": "", "phone": "", "email": ""}
    await S.save_contact.fn(state, {**contact, "public": "on"})
    assert [c["name"] for c in state.contacts] == ["Hazel Moreno"]
    assert state.editing_contact == ""
    contact_id = state.contacts[0]["id"]
    S.edit_contact.fn(state, contact_id)
    await S.save_contact.fn(state, {**contact, "contact_id": contact_id, "title": "Specialist"})
    assert state.contacts[0]["title"] == "Specialist"
    assert state.contacts[0]["public"] == ""
    await S.remove_contact.fn(state, contact_id)
    assert state.contacts == [] and support.count(AgencyContact) == 0

    await S.filter_rules.fn(state, {"element": "3"})
    assert {r["element"] for r in state.rules} == {"3"}
    await S.add_rule.fn(
        state, {"element": "3", "zip_code": "95620", "city": "", "agency": str(w.county.pa)}
    )
    assert state.errors == {}
    added = [r for r in state.rules if r["zip"] == "95620"]
    assert [(r["element"], r["agency"]) for r in added] == [("3", "Woodland Fire Department")]
    await S.add_rule.fn(
        state, {"element": "3", "zip_code": "95620", "city": "", "agency": str(w.county.cupa)}
    )
    assert "already regulated by" in state.errors["rule.zip_code"]
    await S.remove_rule.fn(state, added[0]["id"])
    assert all(r["zip"] != "95620" for r in state.rules)

    count = support.count(JurisdictionRule)
    await S.import_rules.fn(state, {"csv": "agency_code,element,zip\n1234,1,9562\n"})
    assert "line 2" in state.errors["csv.csv"]
    assert support.count(JurisdictionRule) == count
    await S.import_rules.fn(state, {"csv": "agency_code,element,zip,city\n1235,2,95620,\n"})
    assert state.import_result == "1 rule added, 0 already there."

    S.edit_element.fn(state, "2")
    assert state.editing_element == "2"
    text = {"element": "2", "local_requirements": "Red box at the gate."}
    await S.save_element.fn(state, text)
    assert state.elements[1]["text"] == "Red box at the gate."
    assert state.editing_element == ""
    state._element_versions = {**state._element_versions, "2": 0}  # a page from before the save
    await S.save_element.fn(state, {**text, "local_requirements": "Older"})
    assert state.elements[1]["text"] == "Red box at the gate."

    form = {**state.inventory, "local_liquid_gal": "40"}
    await S.save_inventory.fn(state, form)
    assert state.errors == {}
    assert state.inventory["local_liquid_gal"] == "40"
    await S.save_inventory.fn(state, {**form, "local_liquid_gal": "99999"})
    assert "inventory.local_liquid_gal" in state.errors


async def test_others_get_nothing(database, root, as_actor):
    w = admin_world.build()
    for person in (w.rob, w.business.lena):
        state = await _loaded(root, as_actor, person)
        assert not state.allowed and state.agency == {} and state.agencies == []
    # Bay City's admin: only Bay City; choosing the CUPA is refused and forgets the agency.
    state = await _loaded(root, as_actor, w.rex)
    assert [a["id"] for a in state.agencies] == [str(w.county.other)]
    before = support.table_snapshot()
    await S.choose_agency.fn(state, str(w.county.cupa))
    assert state.agency == {} and state._agency_id == 0
    await S.save_profile.fn(state, {"phone": "", "email": "x@example.org"})
    await S.save_element.fn(state, {"element": "2", "local_requirements": "Taken over"})
    assert support.table_snapshot() == before
