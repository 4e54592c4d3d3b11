"""transfer and take_ownership: immediate for a Lead User of both businesses, otherwise the
regulator decides; the old business keeps a read-only archive of the facility."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.codes import DRAFT
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import requests, service
from cers_app.facilities.models import FacilityArchive
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world


def _transfer(person, facility_id, organization_id, note=""):
    return db.run(requests.transfer, person.actor(), facility_id, organization_id, note)


def _take(person, facility_id, organization_id, note=""):
    return db.run(requests.take_ownership, person.actor(), facility_id, organization_id, note)


@pytest.fixture
def coatings(small_world) -> int:
    """A second business lena leads."""
    return acme_world.create_business(small_world.lena, "Acme Coatings LLC")


def test_it_moves_the_facility_at_once_for_a_lead_user_of_both_businesses(
    plant, small_world, coatings, frozen_clock
):
    said = _transfer(small_world.lena, plant, coatings)

    assert said == "transferred"
    moved = yolo.facility(plant)
    assert (moved.organization_id, moved.version, moved.cers_id) == (coatings, 2, 90_000_001)
    assert {v.organization_id for v in yolo.versions(plant) if v.status == DRAFT} == {coatings}
    [archive] = db.run(lambda s: list(s.exec(FacilityArchive.__table__.select()).all()))
    assert (archive.organization_id, archive.to_organization_id, archive.by_user_id) == (
        small_world.acme,
        coatings,
        small_world.lena.id,
    )
    assert archive.transferred_at == frozen_clock
    [event] = helpers.audit_events("FACILITY_TRANSFERRED")
    assert (event.before, event.after) == (
        {"organization_id": small_world.acme},
        {"organization_id": coatings},
    )
    assert yolo.requests() == []


def test_it_tells_the_lead_users_of_both_businesses(plant, small_world):
    acme_world.add(small_world.otto, small_world.ottos, small_world.lena, OrgRole.LEAD)

    _transfer(small_world.lena, plant, small_world.ottos)

    sent = helpers.emails("facility_transferred")
    assert sorted(m.to_address for m in sent) == [small_world.lena.email, small_world.otto.email]
    support.assert_email_contains(
        sent[0], "was transferred from Acme Plating Co. to Owens Oil Co.", "Archived Facilities"
    )


def test_it_asks_the_regulator_when_the_lead_user_does_not_lead_the_other_business(
    plant, small_world, county, rita
):
    said = _transfer(small_world.lena, plant, small_world.ottos, "Sold to Otto.")

    assert said == "requested"
    assert yolo.facility(plant).organization_id == small_world.acme
    [request] = yolo.requests()
    assert (request.kind, request.decider, request.agency_id, request.organization_id) == (
        "transfer",
        "regulator",
        county.cupa,
        small_world.ottos,
    )
    [message] = helpers.emails("facility_request")
    assert message.to_address == rita.email
    assert message.subject == "Request to decide: transfer a facility to another business"

    db.run(requests.decide, rita.actor(), request.id, True, "")

    assert yolo.facility(plant).organization_id == small_world.ottos
    assert helpers.emails("facility_request_decided")[0].to_address == small_world.lena.email


def test_it_keeps_the_facility_where_it_is_when_the_regulator_rejects(plant, small_world, rita):
    _transfer(small_world.lena, plant, small_world.ottos)

    db.run(requests.decide, rita.actor(), yolo.requests()[0].id, False, "Not yet.")

    assert yolo.facility(plant).organization_id == small_world.acme
    assert support.count(FacilityArchive) == 0


@pytest.mark.parametrize("role", [OrgRole.VIEWER, OrgRole.EDITOR, OrgRole.APPROVER])
def test_it_lets_only_a_lead_user_transfer(world, county, role):
    facility_id = yolo.add_facility(world.lena, world.acme)

    with pytest.raises(PermissionDenied):
        _transfer(world.holder(role), facility_id, world.ottos)


def test_it_hides_the_facility_from_an_outsider(plant, small_world):
    with pytest.raises(NotFound):
        _transfer(small_world.otto, plant, small_world.ottos)


def test_it_refuses_a_transfer_to_the_same_or_an_unknown_business(plant, small_world):
    with pytest.raises(ValidationFailed):
        _transfer(small_world.lena, plant, small_world.acme)
    for unknown in (999, "2", None):
        with pytest.raises(NotFound):
            _transfer(small_world.lena, plant, unknown)


def test_it_lets_the_old_business_see_the_facility_only_as_archived(
    plant, small_world, coatings, frozen_clock
):
    _transfer(small_world.lena, plant, coatings)
    nina = acme_world.person("ninanew", "Nina", "Newcomb")
    acme_world.add(small_world.lena, small_world.acme, nina, OrgRole.VIEWER)

    [row] = db.run(requests.archived_facilities, nina.actor(), small_world.acme)

    assert (row.cers_id, row.name, row.address, row.to_business) == (
        90_000_001,
        "Acme Plating - Davis Works",
        "1200 MAIN ST, Davis",
        "Acme Coatings LLC",
    )
    assert row.transferred_at
    assert db.run(service.list_facilities, nina.actor(), small_world.acme) == []
    with pytest.raises(NotFound):
        db.run(service.get_facility, nina.actor(), plant)
    assert [f.id for f in db.run(service.list_facilities, small_world.lena.actor(), coatings)] == [
        plant
    ]
    assert db.run(requests.archived_facilities, small_world.lena.actor(), coatings) == []


def test_it_shows_the_archive_only_to_the_business_itself(plant, small_world, coatings):
    _transfer(small_world.lena, plant, coatings)

    with pytest.raises(NotFound):
        db.run(requests.archived_facilities, small_world.otto.actor(), small_world.acme)


# ------------------------------------------------------------------ take ownership


def test_it_asks_the_regulator_to_move_someone_elses_facility_into_my_business(
    plant, small_world, county, rita
):
    said = _take(small_world.otto, plant, small_world.ottos, "We bought it.")

    assert said == "requested"
    [request] = yolo.requests()
    assert (request.kind, request.decider, request.agency_id, request.organization_id) == (
        "take_ownership",
        "regulator",
        county.cupa,
        small_world.ottos,
    )
    assert request.note == "We bought it."

    db.run(requests.decide, rita.actor(), request.id, True, "")

    assert yolo.facility(plant).organization_id == small_world.ottos
    [archive] = db.run(requests.archived_facilities, small_world.lena.actor(), small_world.acme)
    assert archive.to_business == "Owens Oil Co."


def test_it_moves_the_facility_at_once_when_i_lead_both_businesses(plant, small_world, coatings):
    assert _take(small_world.lena, plant, coatings) == "transferred"

    assert yolo.facility(plant).organization_id == coatings


def test_it_needs_a_lead_user_of_the_receiving_business(world, county):
    facility_id = yolo.add_facility(world.otto, world.ottos, zip_code="95618")

    with pytest.raises(PermissionDenied):
        _take(world.connie, facility_id, world.acme)
    with pytest.raises(NotFound):
        _take(world.connie, facility_id, world.ottos)

    assert yolo.requests() == []


def test_it_refuses_to_take_a_facility_my_business_already_has(plant, small_world):
    with pytest.raises(ValidationFailed) as caught:
        _take(small_world.lena, plant, small_world.acme)

    assert caught.value.fields == {"organization": "The facility already belongs to that business."}


def test_it_refuses_a_second_identical_take_ownership_request(plant, small_world):
    _take(small_world.otto, plant, small_world.ottos)

    with pytest.raises(Conflict) as caught:
        _take(small_world.otto, plant, small_world.ottos)

    assert "waiting for a decision" in caught.value.message
    assert len(yolo.requests()) == 1


def test_it_refuses_to_approve_a_move_of_a_facility_that_was_deleted_meanwhile(
    plant, small_world, rita
):
    _take(small_world.otto, plant, small_world.ottos)
    delete_id = db.run(requests.request_delete, small_world.lena.actor(), plant, "")
    db.run(requests.decide, rita.actor(), delete_id, True, "")
    move_id = yolo.requests()[0].id

    with pytest.raises(Conflict) as caught:
        db.run(requests.decide, rita.actor(), move_id, True, "")

    assert caught.value.message == (
        "The facility is no longer active, so this request cannot be approved."
    )
    assert yolo.requests()[0].status == "pending"
