"""change_element_agency: an Agency Admin of the agency regulating an element hands it to
another agency; the choice is kept and audited, submitted versions keep theirs."""

from __future__ import annotations

import pytest

from cers_app.agencies import service as agencies
from cers_app.agencies.jurisdiction import RuleRow
from cers_app.core import db
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import regulator, requests, service
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo

HMI = 2


def _change(person, facility_id, element, agency_id):
    return db.run(regulator.change_element_agency, person.actor(), facility_id, element, agency_id)


def test_it_hands_an_element_to_another_agency(plant, county, rita):
    assert _change(rita, plant, HMI, county.pa) is True

    slot = yolo.elements(plant)[HMI]
    assert (slot.agency_id, slot.agency_overridden) == (county.pa, True)
    others = [row for e, row in yolo.elements(plant).items() if e != HMI]
    assert {(row.agency_id, row.agency_overridden) for row in others} == {(county.cupa, False)}
    [event] = helpers.audit_events("FACILITY_REGULATOR_CHANGED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        rita.id,
        "facility",
        str(plant),
    )
    assert event.before == {"element": HMI, "agency_id": county.cupa}
    assert event.after == {
        "element": HMI,
        "agency_id": county.pa,
        "label": "Hazardous Materials Inventory",
        "agency": "Woodland Fire Department",
    }


def test_it_moves_the_draft_with_facility_information_but_not_submitted_versions(
    plant, small_world, county, rita
):
    submitted = yolo.fi_draft(plant)
    yolo.mark_submitted(submitted.id)
    draft = db.run(service.facility_information, small_world.lena.actor(), plant)

    _change(rita, plant, 1, county.other)

    versions = {v.id: v for v in yolo.versions(plant)}
    assert versions[submitted.id].agency_id == county.cupa
    assert versions[draft.version_id].agency_id == county.other


def test_it_changes_nothing_when_the_element_already_has_that_agency(plant, county, rita):
    before = support.table_snapshot()

    assert _change(rita, plant, HMI, county.cupa) is False

    assert support.table_snapshot() == before


def test_it_lets_only_the_current_agency_change_it_again(plant, county, rita, pam):
    _change(rita, plant, HMI, county.pa)

    with pytest.raises(NotFound):
        _change(rita, plant, HMI, county.cupa)
    assert _change(pam, plant, HMI, county.cupa) is True
    assert yolo.elements(plant)[HMI].agency_id == county.cupa


def test_it_lets_the_facility_information_agency_place_an_element_nobody_has(
    small_world, county, rita
):
    db.run(
        agencies.load_jurisdictions,
        actor_user_id=None,
        rules=[RuleRow(yolo.CUPA_CODE, 1, "95620", "")],
    )
    facility_id = yolo.add_facility(small_world.lena, small_world.acme, zip_code="95620")
    assert yolo.elements(facility_id)[HMI].agency_id is None

    _change(rita, facility_id, HMI, county.pa)

    assert yolo.elements(facility_id)[HMI].agency_id == county.pa


@pytest.mark.parametrize("role", ["viewer", "reviewer", "request_handler", "responder"])
def test_it_lets_only_an_agency_admin_change_it(plant, county, role):
    staff = yolo.regulator("stafford", "Staff", "Ford", county.cupa, role)
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied):
        _change(staff, plant, HMI, county.pa)

    assert support.table_snapshot() == before


def test_it_hides_the_facility_from_another_agencys_admin(plant, county, rex):
    with pytest.raises(NotFound):
        _change(rex, plant, HMI, county.other)


def test_it_hides_the_facility_from_the_business(plant, small_world, county):
    with pytest.raises(NotFound):
        _change(small_world.lena, plant, HMI, county.pa)


def test_it_hides_a_deleted_facility(plant, small_world, county, rita):
    request_id = db.run(requests.request_delete, small_world.lena.actor(), plant, "")
    db.run(requests.decide, rita.actor(), request_id, True, "")

    with pytest.raises(NotFound):
        _change(rita, plant, HMI, county.pa)


@pytest.mark.parametrize("element", [0, 11, "2", None, True])
def test_it_refuses_an_element_that_is_not_one(plant, county, rita, element):
    with pytest.raises(ValidationFailed) as caught:
        _change(rita, plant, element, county.pa)

    assert caught.value.fields == {"element": "Choose one of the ten submittal elements."}


@pytest.mark.parametrize("agency", [999, "3", None, 0, True])
def test_it_refuses_an_agency_that_is_not_one(plant, county, rita, agency):
    with pytest.raises(ValidationFailed) as caught:
        _change(rita, plant, HMI, agency)

    assert caught.value.fields == {"agency": "Choose an agency of this OpenCERS site."}


@pytest.mark.parametrize("junk", [None, "1", 0, 2**31, True, 999])
def test_it_finds_no_facility_for_an_id_that_is_not_one(plant, county, rita, junk):
    with pytest.raises(NotFound):
        _change(rita, junk, HMI, county.pa)
