"""create_facility: a site checked and normalised, a CERS ID, ten elements with their agencies
and a Facility Information draft, once per idempotency key, for the roles the table allows."""

from __future__ import annotations

import uuid

import pytest

from cers_app.agencies.jurisdiction import STATEWIDE_DIRECTORY, uncovered_message
from cers_app.core import db
from cers_app.core.codes import ALWAYS_REQUIRED, DRAFT, ELEMENTS, NOT_REQUIRED
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import service
from cers_app.facilities.models import CersIdAllocation, Facility
from cers_app.organizations.roles import OrgAction, OrgRole, allows
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo


def _create(person, organization_id, key=None, **overrides):
    return db.run(
        service.create_facility,
        person.actor(),
        organization_id,
        yolo.site(**overrides),
        idempotency_key=yolo.new_key() if key is None else key,
    )


def _is_guid(value: str) -> bool:
    return str(uuid.UUID(value)) == value


def test_it_creates_the_facility_with_its_site_and_business(small_world, county, frozen_clock):
    facility_id = _create(small_world.lena, small_world.acme, epa_id="cal000123456")

    made = yolo.facility(facility_id)
    assert (made.name, made.street, made.city, made.zip_code, made.county) == (
        "Acme Plating - Davis Works",
        "1200 MAIN ST",
        "Davis",
        "95616",
        yolo.YOLO,
    )
    assert (made.epa_id, made.organization_id, made.status) == (
        "CAL000123456",
        small_world.acme,
        "active",
    )
    assert (made.created_at, made.created_by_user_id, made.version) == (
        frozen_clock,
        small_world.lena.id,
        1,
    )
    assert made.cers_id == 90_000_001
    assert _is_guid(made.regulator_key)
    assert made.no_regulated_activities is False


def test_it_gives_the_facility_its_ten_elements_with_their_agencies(small_world, county):
    facility_id = _create(small_world.lena, small_world.acme)

    rows = yolo.elements(facility_id)
    assert sorted(rows) == sorted(ELEMENTS)
    assert {e: (r.requirement, r.requirement_source) for e, r in rows.items()} == {
        e: (ALWAYS_REQUIRED, "always") if e == 1 else (NOT_REQUIRED, "business_activities")
        for e in ELEMENTS
    }
    assert {r.agency_id for r in rows.values()} == {county.cupa}
    assert not any(r.agency_overridden for r in rows.values())


def test_it_starts_a_facility_information_draft_with_both_forms_and_guid_keys(small_world, county):
    facility_id = _create(small_world.lena, small_world.acme, supplemental="Bldg 2")

    [draft] = yolo.versions(facility_id)
    assert (draft.element, draft.status, draft.version) == (1, DRAFT, 1)
    assert (draft.organization_id, draft.agency_id) == (small_world.acme, county.cupa)
    assert draft.created_by_user_id == small_world.lena.id
    assert yolo.elements(facility_id)[1].draft_version_id == draft.id
    assert set(draft.data) == {"business_activities", "owner_operator"}
    activities = draft.data["business_activities"]
    assert {k: v for k, v in activities.items() if k != "regulator_key"} == {
        "name": "Acme Plating - Davis Works",
        "street": "1200 MAIN ST",
        "supplemental": "Bldg 2",
        "city": "Davis",
        "zip_code": "95616",
        "county": yolo.YOLO,
        "epa_id": "",
    }
    keys = {
        draft.regulator_key,
        activities["regulator_key"],
        draft.data["owner_operator"]["regulator_key"],
    }
    assert len(keys) == 3 and all(_is_guid(key) for key in keys)


def test_it_audits_the_creation(small_world, county):
    facility_id = _create(small_world.lena, small_world.acme)

    [event] = helpers.audit_events("FACILITY_CREATED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        small_world.lena.id,
        "facility",
        str(facility_id),
    )
    assert event.after == {
        "cers_id": 90_000_001,
        "organization_id": small_world.acme,
        "name": "Acme Plating - Davis Works",
        "street": "1200 MAIN ST",
        "supplemental": "",
        "city": "Davis",
        "zip_code": "95616",
        "county": yolo.YOLO,
        "epa_id": "",
    }
    assert event.client_ip == helpers.IP


def test_it_writes_the_address_the_usps_way_and_moves_the_unit_to_the_supplemental_location(
    small_world, county
):
    facility_id = _create(
        small_world.lena,
        small_world.acme,
        name="  Acme   Plating  ",
        street=" 1200 north Main Street, suite 4 ",
        city=" Davis ",
        zip_code="95616-1234",
    )

    made = yolo.facility(facility_id)
    assert (made.name, made.street, made.supplemental, made.city, made.zip_code) == (
        "Acme Plating",
        "1200 N MAIN ST",
        "STE 4",
        "Davis",
        "95616-1234",
    )
    assert (made.address_key, made.name_key) == ("1200 N MAIN ST|95616", "ACME PLATING")


NO_NUMBER = "Enter the site's street number and street name, such as 1200 Main St."
SITE_PROBLEMS = [
    ("name", "", "Enter the facility's name (its legal or DBA name)."),
    ("name", "N" * 71, "The facility name must be at most 70 characters."),
    ("street", " ", "Enter the street address of the site."),
    ("street", "1" * 71, "The street address must be at most 70 characters."),
    ("street", "PO Box 123", "Enter the physical address of the site, not a PO box."),
    ("street", "Main Street", NO_NUMBER),
    ("city", "", "Enter the site's city."),
    ("city", "C" * 61, "The city must be at most 60 characters."),
    ("zip_code", "9561", "Enter the site's 5-digit ZIP code (or ZIP+4)."),
    ("zip_code", "95616-12", "Enter the site's 5-digit ZIP code (or ZIP+4)."),
    ("zip_code", "ABCDE", "Enter the site's 5-digit ZIP code (or ZIP+4)."),
    ("zip_code", "95616abcde", "Enter the site's 5-digit ZIP code (or ZIP+4)."),
    ("county", "", "Choose the county the site is in."),
    ("county", "0", "Choose the county the site is in."),
    ("county", "59", "Choose the county the site is in."),
    ("county", "Yolo", "Choose the county the site is in."),
    ("supplemental", "S" * 31, "The supplemental location must be at most 30 characters."),
    ("epa_id", "CA123", "An EPA ID number has 12 letters and digits, such as CAL000123456."),
    ("epa_id", "CAL00012345!", "An EPA ID number has 12 letters and digits, such as CAL000123456."),
    ("local_facility_id", "X" * 14, "The Facility ID must be at most 13 characters."),
]


@pytest.mark.parametrize(("field", "value", "message"), SITE_PROBLEMS)
def test_it_refuses_a_site_field_at_fault_and_writes_nothing(
    small_world, county, field, value, message
):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _create(small_world.lena, small_world.acme, **{field: value})

    assert caught.value.fields == {field: message}
    assert support.table_snapshot() == before


def test_it_names_every_site_field_at_fault_at_once(small_world, county):
    with pytest.raises(ValidationFailed) as caught:
        _create(
            small_world.lena,
            small_world.acme,
            name="",
            street="",
            city="",
            zip_code="",
            county="",
            epa_id="x",
        )

    assert set(caught.value.fields) == {"name", "street", "city", "zip_code", "county", "epa_id"}
    assert caught.value.message == "Please correct the highlighted fields."


def test_it_refuses_a_zip_code_no_agency_of_this_site_covers_without_using_a_cers_id(
    small_world, county
):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _create(small_world.lena, small_world.acme, zip_code="90012", city="Los Angeles")

    assert caught.value.fields == {"zip_code": uncovered_message("90012")}
    assert "No regulator of this OpenCERS site covers ZIP code 90012." in caught.value.message
    assert STATEWIDE_DIRECTORY in caught.value.message
    assert support.table_snapshot() == before
    assert support.count(CersIdAllocation) == 0


@pytest.mark.parametrize("role", list(OrgRole))
def test_it_lets_exactly_the_roles_the_table_allows_add_a_facility(world, county, role):
    person = world.holder(role)

    if allows(role, OrgAction.ADD_FACILITY):
        facility_id = _create(person, world.acme)
        assert yolo.facility(facility_id).created_by_user_id == person.id
        return
    before = support.table_snapshot()
    with pytest.raises(PermissionDenied) as caught:
        _create(person, world.acme)
    assert caught.value.message.endswith("does not allow you to add facilities.")
    assert support.table_snapshot() == before


def test_it_hides_another_business_from_an_outsider(small_world, county):
    with pytest.raises(NotFound):
        _create(small_world.otto, small_world.acme)

    assert support.count(Facility) == 0
    assert support.count(CersIdAllocation) == 0


@pytest.mark.parametrize("junk", [None, "1", 1.5, True, 0, -1, 2**31, [1]])
def test_it_refuses_a_business_id_that_is_not_an_id(small_world, county, junk):
    with pytest.raises(NotFound):
        _create(small_world.lena, junk)


def test_it_returns_the_same_facility_for_the_same_idempotency_key(small_world, county):
    key = yolo.new_key()

    first = _create(small_world.lena, small_world.acme, key=key)
    again = _create(small_world.lena, small_world.acme, key=key, name="Another name")

    assert again == first
    assert support.count(Facility) == 1
    assert support.count(CersIdAllocation) == 1  # the repeat did not even reserve an ID
    assert len(helpers.audit_events("FACILITY_CREATED")) == 1


def test_it_creates_another_facility_with_another_key(small_world, county):
    first = _create(small_world.lena, small_world.acme)
    second = _create(small_world.lena, small_world.acme)

    assert first != second
    assert [yolo.facility(f).cers_id for f in (first, second)] == [90_000_001, 90_000_002]


@pytest.mark.parametrize("key", ["", "short", "x" * 65, "has spaces in the key!!"])
def test_it_refuses_a_malformed_idempotency_key(small_world, county, key):
    with pytest.raises(ValidationFailed) as caught:
        _create(small_world.lena, small_world.acme, key=key)

    assert caught.value.message == "This form has expired. Reload the page and try again."
    assert support.count(Facility) == 0
