"""Agency administration: who administers which agency, the profile and the contacts."""

from __future__ import annotations

import pytest

from cers_app.agencies import admin_profile
from cers_app.agencies.models import Agency, AgencyContact
from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from tests.unit import support
from tests.unit.agencies import admin_world
from tests.unit.agencies.admin_world import AdminWorld


@pytest.fixture
def w(database) -> AdminWorld:
    return admin_world.build()


def _agency(agency_id: int) -> Agency:
    return db.run(lambda s: s.get(Agency, agency_id))


def _shown(w: AdminWorld, agency_id: int) -> dict[str, object]:
    return dict(db.run(admin_profile.agency_profile, w.rita.actor(), agency_id).values)


GOOD = {
    "phone": "530 555 0199",
    "email": "hazmat@Yolo.example.org",
    "website": "https://yolo.example.org/hazmat",
    "address": "  625 Court Street,   Woodland ",
    "verify_lead_access": "on",
}


def test_each_admin_administers_their_agencies_only(w: AdminWorld):
    def names(person) -> list[str]:
        return [a.name for a in db.run(admin_profile.administered_agencies, person.actor())]

    assert names(w.rita) == ["Yolo County Environmental Health", "Woodland Fire Department"]
    assert names(w.pam) == ["Woodland Fire Department"]
    assert names(w.rex) == ["Bay City Environmental Health"]
    assert names(w.rob) == []  # a Reviewer administers nothing
    assert names(w.lena) == []  # nor does a business user


def test_admin_saves_the_profile_with_an_audit_of_what_changed(w: AdminWorld):
    view = db.run(
        admin_profile.save_profile, w.rita.actor(), w.county.cupa, GOOD, _shown(w, w.county.cupa)
    )
    agency = _agency(w.county.cupa)
    assert agency.email == "hazmat@yolo.example.org"
    assert agency.address == "625 Court Street, Woodland"
    assert agency.website == "https://yolo.example.org/hazmat"
    assert agency.phone and agency.phone != ""
    assert agency.verify_lead_access is True
    assert view.values["verify_lead_access"] is True
    [event] = support.audit_events("AGENCY_PROFILE_CHANGED")
    assert event.actor_user_id == w.rita.id
    assert event.before["verify_lead_access"] is False
    assert event.after["email"] == "hazmat@yolo.example.org"
    # A CUPA's admin administers its participating agency too.
    db.run(
        admin_profile.save_profile,
        w.rita.actor(),
        w.county.pa,
        {"phone": "", "email": "fire@woodland.example.org"},
        _shown(w, w.county.pa),
    )
    assert _agency(w.county.pa).email == "fire@woodland.example.org"


def test_bad_values_are_named_and_nothing_changes(w: AdminWorld):
    before = support.table_snapshot()
    bad = {**GOOD, "email": "not an email", "website": "yolo.example.org"}
    with pytest.raises(ValidationFailed) as caught:
        db.run(
            admin_profile.save_profile, w.rita.actor(), w.county.cupa, bad, _shown(w, w.county.cupa)
        )
    assert set(caught.value.fields) == {"email", "website"}
    assert "https://" in caught.value.fields["website"]
    assert support.table_snapshot() == before


def test_a_stale_profile_is_refused(w: AdminWorld):
    shown = _shown(w, w.county.cupa)
    db.run(admin_profile.save_profile, w.pam.actor(), w.county.pa, GOOD, _shown(w, w.county.pa))
    db.run(admin_profile.save_profile, w.rita.actor(), w.county.cupa, GOOD, shown)
    before = support.table_snapshot()
    with pytest.raises(Conflict, match="changed by someone else"):
        db.run(
            admin_profile.save_profile,
            w.rita.actor(),
            w.county.cupa,
            {**GOOD, "phone": ""},
            shown,  # the values before the first save
        )
    assert support.table_snapshot() == before


@pytest.mark.parametrize("who", ["rob", "rex", "lena", "pam"])
def test_others_cannot_touch_the_cupa(w: AdminWorld, who: str):
    person = getattr(w, who)
    shown = _shown(w, w.county.cupa)
    contact = db.run(
        admin_profile.add_contact, w.rita.actor(), w.county.cupa, {"name": "Hazel", "public": "on"}
    ).contacts[0]
    before = support.table_snapshot()
    with pytest.raises(NotFound):
        db.run(admin_profile.agency_profile, person.actor(), w.county.cupa)
    with pytest.raises(NotFound):
        db.run(admin_profile.save_profile, person.actor(), w.county.cupa, GOOD, shown)
    with pytest.raises(NotFound):
        db.run(admin_profile.add_contact, person.actor(), w.county.cupa, {"name": "Mallory"})
    with pytest.raises(NotFound):
        db.run(admin_profile.remove_contact, person.actor(), w.county.cupa, contact.id)
    for agency in (w.county.pa, w.county.other):  # their own agency (if any) with its id
        try:
            db.run(admin_profile.remove_contact, person.actor(), agency, contact.id)
        except NotFound:
            continue
        pytest.fail("a contact of another agency was reached")
    for forged in (None, "1", True, -1, 10**12):
        with pytest.raises(NotFound):
            db.run(admin_profile.agency_profile, person.actor(), forged)
    assert support.table_snapshot() == before


def test_contacts_are_added_changed_and_removed(w: AdminWorld):
    actor = w.rita.actor()
    view = db.run(
        admin_profile.add_contact,
        actor,
        w.county.cupa,
        {
            "name": " Hazel   Moreno ",
            "title": "Specialist",
            "phone": "(530) 555-0111",
            "email": "hazel@Yolo.example.org",
            "public": "on",
        },
    )
    [contact] = view.contacts
    assert (contact.name, contact.email, contact.public) == (
        "Hazel Moreno",
        "hazel@yolo.example.org",
        True,
    )
    shown = {
        "name": contact.name,
        "title": contact.title,
        "phone": contact.phone,
        "email": contact.email,
        "public": contact.public,
    }
    view = db.run(
        admin_profile.save_contact,
        actor,
        w.county.cupa,
        contact.id,
        {**shown, "title": "Supervisor", "public": ""},
        shown,
    )
    assert (view.contacts[0].title, view.contacts[0].public) == ("Supervisor", False)
    [changed] = support.audit_events("AGENCY_CONTACT_CHANGED")
    assert changed.before == {"title": "Specialist", "public": True}
    assert changed.after == {"title": "Supervisor", "public": False}
    # The page's values from before that change are stale now.
    with pytest.raises(Conflict):
        db.run(
            admin_profile.save_contact,
            actor,
            w.county.cupa,
            contact.id,
            {**shown, "title": "X"},
            shown,
        )
    # A contact of the CUPA is not the PA's, even for the CUPA's admin.
    with pytest.raises(NotFound):
        db.run(admin_profile.remove_contact, actor, w.county.pa, contact.id)
    view = db.run(admin_profile.remove_contact, actor, w.county.cupa, contact.id)
    assert view.contacts == ()
    assert support.count(AgencyContact) == 0
    assert len(support.audit_events("AGENCY_CONTACT_ADDED")) == 1
    [removed] = support.audit_events("AGENCY_CONTACT_REMOVED")
    assert removed.before["name"] == "Hazel Moreno"


def test_a_contact_needs_a_name_and_valid_details(w: AdminWorld):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as caught:
        db.run(
            admin_profile.add_contact,
            w.rita.actor(),
            w.county.cupa,
            {"name": "  ", "email": "nope", "title": "x" * 81},
        )
    assert set(caught.value.fields) == {"name", "email", "title"}
    assert support.table_snapshot() == before
