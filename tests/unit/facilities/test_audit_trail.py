"""The history pages' services: who reads which audit events, paging, filters, masking and
secrets (each test on SQLite and PostgreSQL).

Acme's Davis works (Yolo CUPA) and Otto's depot (Bay City) get events recorded the way the
services record them (`audit.record(..., facility_id=, organization_id=, agency_id=)`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from cers_app.core import audit, audit_labels, clock, db
from cers_app.core.audit import AuditEvent, AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import audit_trail
from cers_app.facilities.audit_trail import TrailFilter, check_filter
from cers_app.regulator import audit_trail as regulator_trail
from cers_app.regulator.submittal_view import CONFIDENTIAL
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person, World
from tests.unit.regulator import cast

E = AuditEventType
ALL = TrailFilter()
BCRYPT = "$2b$12$" + "a" * 53


@dataclass(frozen=True)
class Site:
    world: World
    county: yolo.County
    plant: int
    depot: int


def record(who: Person | None, event: E, subject: str, subject_id: int | str, **kw) -> int:
    def write(session):
        with transaction(session):
            row = audit.record(
                session,
                actor_user_id=who.id if who else None,
                event=event,
                subject_type=subject,
                subject_id=subject_id,
                **kw,
            )
            session.flush()
            return row.id

    return db.run(write)


@pytest.fixture
def site(world, county) -> Site:
    plant = yolo.add_facility(world.lena, world.acme)
    depot = cast.depot(world)
    return Site(world, county, plant, depot)


def lead_trail(who: Person, facility_id: object, filters=ALL, page: object = 1):
    return db.run(audit_trail.facility_trail, who.actor(), facility_id, filters, page)


def org_trail(who: Person, organization_id: object, filters=ALL, page: object = 1):
    return db.run(audit_trail.organization_trail, who.actor(), organization_id, filters, page)


def regulator_view(who: Person, facility_id: object, filters=ALL, page: object = 1):
    return db.run(regulator_trail.facility_trail, who.actor(), facility_id, filters, page)


def ids(trail) -> list[int]:
    return [row.id for row in trail.page.rows]


def material_changed(site: Site, **kw) -> int:
    return record(
        site.world.lena,
        E.INVENTORY_ITEM_CHANGED,
        "inventory_item",
        987654,
        before={"ChemicalLocation": "Room 1"},
        after={"CommonName": "Acetone", "ChemicalLocation": "Room 2"},
        facility_id=site.plant,
        organization_id=site.world.acme,
        **kw,
    )


# ------------------------------------------------------------------ business: Lead User


def test_the_lead_user_reads_the_facility_and_the_business_history(site):
    w = site.world
    changed = material_changed(site)
    people = record(
        w.lena,
        E.ORG_MEMBER_CHANGED,
        "org_member",
        5,
        before={"role": "viewer"},
        after={"role": "editor"},
        organization_id=w.acme,
    )
    others = record(w.otto, E.FACILITY_CREATED, "facility", site.depot, facility_id=site.depot)
    otto_people = record(w.otto, E.ORG_MEMBER_ADDED, "org_member", 9, organization_id=w.ottos)

    facility = lead_trail(w.lena, site.plant)
    assert changed in ids(facility)
    assert people not in ids(facility) and others not in ids(facility)
    [row] = [r for r in facility.page.rows if r.id == changed]
    assert (row.who, row.email, row.what) == ("Lena Lopez", w.lena.email, "Material changed")
    assert row.subject == "Material 987654"
    assert audit_trail.Change("Chemical location", "Room 1", "Room 2") in row.changes
    assert audit_trail.Change("Common name", "—", "Acetone") in row.changes
    assert row.when == clock.format_local(
        db.run(lambda s: s.get(AuditEvent, changed)).at  # the agency's time zone
    )

    business = org_trail(w.lena, w.acme)
    assert {changed, people} <= set(ids(business))
    assert others not in ids(business) and otto_people not in ids(business)
    [row] = [r for r in business.page.rows if r.id == changed]
    assert row.facility.startswith("Acme Plating - Davis Works (")
    assert business.title == "Acme Plating Co."


def test_another_business_and_its_facility_are_not_found(site):
    w = site.world
    changed = material_changed(site)
    with pytest.raises(NotFound):
        lead_trail(w.otto, site.plant)
    with pytest.raises(NotFound):
        lead_trail(w.lena, site.depot)
    assert changed not in ids(org_trail(w.otto, w.ottos))
    with pytest.raises(NotFound):
        org_trail(w.otto, w.acme)
    with pytest.raises(NotFound):
        org_trail(w.lena, None)
    for junk in (None, "1", -1, 0, 2**40, True, [site.plant]):
        with pytest.raises(NotFound):
            lead_trail(w.lena, junk)


@pytest.mark.parametrize("name", ["ed", "val", "connie"])
def test_other_business_roles_are_refused(site, name):
    who = getattr(site.world, name)
    material_changed(site)
    with pytest.raises(PermissionDenied, match="history"):
        lead_trail(who, site.plant)
    with pytest.raises(PermissionDenied, match="history"):
        org_trail(who, site.world.acme)


def test_the_business_never_reads_the_agency_s_own_work(site):
    internal = record(
        None,
        E.ASSISTANCE_UPDATED,
        "assistance_request",
        3,
        after={"agency_note": "internal"},
        facility_id=site.plant,
        agency_id=site.county.cupa,
    )
    assert internal not in ids(lead_trail(site.world.lena, site.plant))
    assert internal not in ids(org_trail(site.world.lena, site.world.acme))


def test_secrets_are_never_shown(site):
    secret = record(
        site.world.lena,
        E.FACILITY_INFORMATION_DRAFT_SAVED,
        "facility",
        site.plant,
        before={"password_hash": BCRYPT, "token": "raw-token", "name": "Old"},
        after={
            "security_answer_hash": BCRYPT,
            "session_id": 77,
            "note": BCRYPT,
            "digest": "ab" * 32,
            "name": "New",
        },
        facility_id=site.plant,
    )
    [row] = [r for r in lead_trail(site.world.lena, site.plant).page.rows if r.id == secret]
    shown = repr(row)
    assert "raw-token" not in shown and BCRYPT not in shown and "ab" * 32 not in shown
    assert {c.field for c in row.changes} == {"Name", "Note", "Digest"}
    assert audit_trail.Change("Name", "Old", "New") in row.changes
    assert audit_trail.Change("Note", "—", audit_labels.HIDDEN) in row.changes


# ------------------------------------------------------------------ paging and filters


def test_it_pages_newest_first(site, frozen_clock):
    made = []
    for _ in range(30):
        clock.advance(minutes=1)
        made.append(material_changed(site))
    inventory = check_filter("inventory")
    first = lead_trail(site.world.lena, site.plant, inventory, page=1)
    assert first.page.total == 30 and first.page.pages == 2
    assert ids(first) == list(reversed(made))[:25]
    second = lead_trail(site.world.lena, site.plant, inventory, page=2)
    assert ids(second) == list(reversed(made))[25:]
    assert ids(lead_trail(site.world.lena, site.plant, inventory, page=99)) == ids(second)
    assert ids(lead_trail(site.world.lena, site.plant, inventory, page="x")) == ids(first)


def test_it_filters_by_group_and_local_dates(site, frozen_clock):
    # FROZEN_NOW is Nov 20, 2026 9:00 AM in California.
    w = site.world
    clock.set_now(dt.datetime(2026, 11, 20, 7, 59, tzinfo=dt.UTC))  # Nov 19, 11:59 PM local
    late = material_changed(site)
    clock.set_now(dt.datetime(2026, 11, 20, 8, 0, tzinfo=dt.UTC))  # Nov 20, 0:00 local
    early = record(w.lena, E.FACILITY_SUBMITTED, "facility_submittal", 1, facility_id=site.plant)

    inventory = lead_trail(w.lena, site.plant, check_filter("inventory"))
    assert late in ids(inventory) and early not in ids(inventory)
    assert {r.group for r in inventory.page.rows} == {"Hazardous materials inventory"}
    day = lead_trail(w.lena, site.plant, check_filter("all", "2026-11-20", "2026-11-20"))
    assert early in ids(day) and late not in ids(day)
    before = lead_trail(w.lena, site.plant, check_filter("", "", "2026-11-19"))
    assert late in ids(before) and early not in ids(before)


@pytest.mark.parametrize(
    ("group", "since", "until", "field", "message"),
    [
        ("nonsense", "", "", "group", audit_trail.BAD_GROUP),
        ("all", "20-11-2026", "", "since", audit_trail.BAD_DATE),
        ("all", "", "2026-02-30", "until", audit_trail.BAD_DATE),
        ("all", "2026-11-21", "2026-11-20", "until", audit_trail.BAD_RANGE),
    ],
)
def test_a_bad_filter_says_which_field_is_wrong(group, since, until, field, message):
    with pytest.raises(ValidationFailed) as refused:
        check_filter(group, since, until)
    assert refused.value.fields == {field: message}


def test_every_event_type_has_a_label_and_a_group():
    missing = [e.value for e in AuditEventType if e.value not in audit_labels.EVENTS]
    assert not missing, f"label these in cers_app/core/audit_labels.py: {missing}"
    assert {group for group, _ in audit_labels.EVENTS.values()} <= set(audit_labels.GROUPS)
    assert audit_labels.label_of("SOMETHING_NEW") == "Something new"


# ------------------------------------------------------------------ regulators


def test_a_reviewer_reads_the_history_of_facilities_in_reach(site):
    rob = cast.regulator(site.county, "rob")
    rex = cast.regulator(site.county, "rex")
    changed = material_changed(site)
    own_note = record(
        rob, E.SUBMITTAL_REVIEWED, "element_version", 1, facility_id=site.plant,
        agency_id=site.county.cupa,
    )  # fmt: skip
    elsewhere = record(
        rex, E.SUBMITTAL_REVIEWED, "element_version", 2, facility_id=site.plant,
        agency_id=site.county.other,
    )  # fmt: skip
    depot_event = record(
        site.world.otto, E.FACILITY_CREATED, "facility", site.depot, facility_id=site.depot
    )

    seen = ids(regulator_view(rob, site.plant))
    assert changed in seen and own_note in seen
    assert elsewhere not in seen and depot_event not in seen
    with pytest.raises(NotFound):
        regulator_view(rob, site.depot)
    with pytest.raises(NotFound):
        regulator_view(rex, site.plant)  # agency B's admin with agency A's facility id
    assert depot_event in ids(regulator_view(rex, site.depot))


@pytest.mark.parametrize("name", ["vic", "hank"])
def test_viewers_and_request_handlers_are_refused(site, name):
    who = cast.regulator(site.county, name)
    with pytest.raises(PermissionDenied, match="history"):
        regulator_view(who, site.plant)


def test_a_responder_and_a_business_user_get_not_found(site):
    responder = yolo.regulator("rudyresp", "Rudy", "Resp", site.county.cupa, "responder")
    with pytest.raises(NotFound):
        regulator_view(responder, site.plant)
    with pytest.raises(NotFound):
        regulator_view(site.world.lena, site.plant)


def test_a_participating_agency_reads_only_what_concerns_it(site):
    w = site.world
    plant = cast.woodland(w)
    pam = cast.regulator(site.county, "pam")
    rob = cast.regulator(site.county, "rob")
    theirs = record(pam, E.SUBMITTAL_REVIEWED, "element_version", 1, facility_id=plant,
                    agency_id=site.county.pa)  # fmt: skip
    cupa = record(rob, E.SUBMITTAL_REVIEWED, "element_version", 2, facility_id=plant,
                  agency_id=site.county.cupa)  # fmt: skip
    business = record(w.lena, E.FACILITY_INFORMATION_DRAFT_SAVED, "facility", plant,
                      facility_id=plant)  # fmt: skip
    seen = ids(regulator_view(pam, plant))
    assert theirs in seen and cupa not in seen and business not in seen
    assert {theirs, cupa, business} <= set(ids(regulator_view(rob, plant)))
    with pytest.raises(NotFound):
        regulator_view(pam, site.plant)  # Davis is not the Woodland PA's


def test_a_regulator_reads_who_changed_a_draft_but_not_the_values(site):
    rob = cast.regulator(site.county, "rob")
    draft = material_changed(site)
    [row] = [r for r in regulator_view(rob, site.plant).page.rows if r.id == draft]
    assert (row.who, row.what) == ("Lena Lopez", "Material changed")
    assert row.changes == (audit_trail.Change("Values", "", audit_labels.DRAFT_WITHHELD),)
    assert "Room 2" not in repr(row) and "Acetone" not in repr(row)
    assert audit_trail.row_view(row)["changes"] == "Values: " + audit_labels.DRAFT_WITHHELD


def _event(subject_id: str, before=None, after=None) -> AuditEvent:
    return AuditEvent(
        at=clock.now(),
        event="INVENTORY_ITEM_SEEN",  # any event on a material that is not a draft edit
        subject_type="inventory_item",
        subject_id=subject_id,
        before=before,
        after=after,
    )


def test_confidential_locations_are_masked_as_the_submittal_view_masks_them():
    flagged = _event("1", after={"CommonName": "Chlorine", "ChemicalLocation": "Vault 9",
                                 "MapNumber": "2", "CLConfidential": "Y"})  # fmt: skip
    _, after = regulator_trail.masked(flagged, open_items={"1"})
    assert after["ChemicalLocation"] == after["MapNumber"] == CONFIDENTIAL
    assert after["CommonName"] == "Chlorine"
    unflagged_then = _event("1", before={"CLConfidential": "Y", "ChemicalLocation": "Vault 9"},
                            after={"CLConfidential": "N", "ChemicalLocation": "Yard"})  # fmt: skip
    before, _ = regulator_trail.masked(unflagged_then, open_items={"1"})
    assert before["ChemicalLocation"] == CONFIDENTIAL
    gone = _event("2", before={"ChemicalLocation": "Room 1"})  # deleted, its flag unknown
    assert regulator_trail.masked(gone, open_items={"1"})[0] == {"ChemicalLocation": CONFIDENTIAL}
    still_open = _event("1", after={"ChemicalLocation": "Room 3"})
    assert regulator_trail.masked(still_open, open_items={"1"})[1] == {"ChemicalLocation": "Room 3"}
    stated = _event("3", after={"ChemicalLocation": "Yard", "CLConfidential": "N"})
    assert regulator_trail.masked(stated, open_items=set())[1]["ChemicalLocation"] == "Yard"
    other = AuditEvent(at=clock.now(), event="X", subject_type="facility", subject_id="1",
                       after={"location": "Main"})  # fmt: skip
    assert regulator_trail.masked(other, open_items=set())[1] == {"location": "Main"}


def test_a_reader_without_the_inventory_right_gets_masked_values(site, monkeypatch):
    rob = cast.regulator(site.county, "rob")
    monkeypatch.setattr(audit_labels, "DRAFT_EDITS", frozenset())
    changed = material_changed(site)  # row 987654 does not exist: its flag is unknown
    seen = {c.field: c.after for c in regulator_view(rob, site.plant).page.rows[0].changes}
    assert seen["Chemical location"] == "Room 2"  # the CUPA's reviewer sees locations
    monkeypatch.setattr(regulator_trail, "sees_confidential", lambda *a: False)
    [row] = [r for r in regulator_view(rob, site.plant).page.rows if r.id == changed]
    seen = {c.field: (c.before, c.after) for c in row.changes}
    assert seen["Chemical location"] == (CONFIDENTIAL, CONFIDENTIAL)
    assert seen["Common name"] == ("—", "Acetone")


def test_the_regulator_link_is_offered_only_to_those_who_may_read(site):
    rob = cast.regulator(site.county, "rob")
    vic = cast.regulator(site.county, "vic")
    rex = cast.regulator(site.county, "rex")
    assert db.run(regulator_trail.may_read, rob.actor(), site.plant)
    assert not db.run(regulator_trail.may_read, vic.actor(), site.plant)
    assert not db.run(regulator_trail.may_read, rex.actor(), site.plant)
