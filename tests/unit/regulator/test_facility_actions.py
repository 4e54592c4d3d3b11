"""A regulator transfers, merges and deletes facilities of its jurisdiction without a request:
the same moves an approved request makes, with the regulator's reason emailed to the businesses."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import service
from cers_app.facilities.models import FacilityArchive
from cers_app.regulator import facility_actions
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo

WHY = "Sold to Owens Oil on 1 December."


@pytest.fixture
def twin(plant, small_world) -> int:
    """The same Davis site entered a second time by Acme."""
    return yolo.add_facility(
        small_world.lena, small_world.acme, name="Acme Davis", street="1200 Main Street"
    )


def _transfer(person, facility_id, organization_id, comment=WHY):
    return db.run(
        facility_actions.transfer_facility, person.actor(), facility_id, organization_id, comment
    )


def test_it_transfers_a_facility_and_tells_both_businesses(plant, small_world, hank):
    said = _transfer(hank, plant, small_world.ottos)

    assert said == "Owens Oil Co."
    moved = yolo.facility(plant)
    assert (moved.organization_id, moved.version) == (small_world.ottos, 2)
    [archive] = db.run(lambda s: list(s.exec(FacilityArchive.__table__.select()).all()))
    assert (archive.organization_id, archive.to_organization_id, archive.by_user_id) == (
        small_world.acme,
        small_world.ottos,
        hank.id,
    )
    told = helpers.emails("facility_transferred")
    assert sorted(m.to_address for m in told) == sorted(
        [small_world.lena.email, small_world.otto.email]
    )
    support.assert_email_contains(told[0], "transferred from Acme Plating Co.", WHY)
    [event] = helpers.audit_events("FACILITY_TRANSFERRED")
    assert (event.actor_user_id, event.after) == (
        hank.id,
        {"organization_id": small_world.ottos, "by": "regulator", "comment": WHY},
    )
    rows = db.run(service.list_facilities, small_world.otto.actor(), small_world.ottos)
    assert [r.id for r in rows] == [plant]


def test_it_refuses_a_second_transfer_to_the_same_business(plant, small_world, hank):
    _transfer(hank, plant, small_world.ottos)

    with pytest.raises(Conflict) as caught:
        _transfer(hank, plant, small_world.ottos)

    assert "already belongs to Owens Oil Co." in caught.value.message
    assert len(helpers.audit_events("FACILITY_TRANSFERRED")) == 1


def test_it_needs_a_reason_and_an_existing_business(plant, small_world, hank):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as caught:
        _transfer(hank, plant, small_world.ottos, comment=" ")
    assert "comment" in caught.value.fields
    for junk in (None, "abc", 0, 999_999):
        with pytest.raises(ValidationFailed) as caught:
            _transfer(hank, plant, junk)
        assert "organization" in caught.value.fields
    assert support.table_snapshot() == before


def test_it_finds_businesses_by_name_or_code(small_world, hank):
    found = db.run(facility_actions.organization_choices, hank.actor(), "owens")
    assert [(c.id, c.name) for c in found] == [(small_world.ottos, "Owens Oil Co.")]
    code = found[0].code
    assert [
        c.id for c in db.run(facility_actions.organization_choices, hank.actor(), str(code))
    ] == [small_world.ottos]
    assert db.run(facility_actions.organization_choices, hank.actor(), "100%") == []
    with pytest.raises(ValidationFailed):
        db.run(facility_actions.organization_choices, hank.actor(), "o")
    with pytest.raises(PermissionDenied):
        db.run(facility_actions.organization_choices, small_world.lena.actor(), "owens")


def test_it_merges_a_duplicate_and_tells_the_business(plant, twin, small_world, hank):
    db.run(facility_actions.merge_facilities, hank.actor(), twin, plant, "Entered twice.")

    retired = yolo.facility(twin)
    assert (retired.status, retired.merged_into_id) == ("merged", plant)
    [event] = helpers.audit_events("FACILITY_MERGED")
    assert (event.actor_user_id, event.after["merged_into_cers_id"]) == (hank.id, 90_000_001)
    [told] = helpers.emails("facilities_merged")
    assert told.to_address == small_world.lena.email
    support.assert_email_contains(told, "merged into Acme Plating - Davis Works", "Entered twice.")

    with pytest.raises(Conflict) as caught:  # a second click
        db.run(facility_actions.merge_facilities, hank.actor(), twin, plant, "Entered twice.")
    assert "already merged" in caught.value.message


def test_it_keeps_a_merge_within_reach(plant, small_world, county, hank):
    elsewhere = yolo.add_facility(
        small_world.otto,
        small_world.ottos,
        name="Owens Depot",
        street="1 Market St",
        city="San Francisco",
        zip_code="94102",
        county="38",
    )
    with pytest.raises(ValidationFailed) as caught:
        db.run(facility_actions.merge_facilities, hank.actor(), plant, elsewhere, "Same site.")
    assert "not found in your agency's jurisdiction" in caught.value.fields["into"]
    with pytest.raises(ValidationFailed):
        db.run(facility_actions.merge_facilities, hank.actor(), plant, plant, "Same site.")
    assert yolo.facility(plant).status == "active"
    assert db.run(facility_actions.facility_by_cers_id, hank.actor(), "90000001") == plant
    with pytest.raises(ValidationFailed):
        db.run(
            facility_actions.facility_by_cers_id,
            hank.actor(),
            str(yolo.facility(elsewhere).cers_id),
        )


def test_it_deletes_a_facility_that_never_submitted(plant, small_world, hank):
    db.run(facility_actions.delete_facility, hank.actor(), plant, "Entered by mistake.")

    assert yolo.facility(plant).status == "deleted"
    [told] = helpers.emails("facility_deleted")
    assert told.to_address == small_world.lena.email
    support.assert_email_contains(told, "was deleted", "Entered by mistake.")
    [event] = helpers.audit_events("FACILITY_DELETED")
    assert (event.actor_user_id, event.after) == (
        hank.id,
        {"by": "regulator", "comment": "Entered by mistake."},
    )
    with pytest.raises(Conflict):
        db.run(facility_actions.delete_facility, hank.actor(), plant, "Entered by mistake.")


def test_it_refuses_to_delete_a_facility_with_past_submittals(plant, hank):
    yolo.mark_submitted(yolo.fi_draft(plant).id)
    assert db.run(facility_actions.panel_facts, hank.actor(), plant).has_submittals
    before = support.table_snapshot()

    with pytest.raises(Conflict) as caught:
        db.run(facility_actions.delete_facility, hank.actor(), plant, "Closed.")

    assert "Consider transferring or merging it instead." in caught.value.message
    assert support.table_snapshot() == before


def test_it_refuses_staff_out_of_reach_or_without_the_right(plant, small_world, rex, rob):
    before = support.table_snapshot()

    for person, error in ((rex, NotFound), (rob, PermissionDenied), (small_world.lena, NotFound)):
        with pytest.raises(error):
            _transfer(person, plant, small_world.ottos)
        with pytest.raises(error):
            db.run(facility_actions.delete_facility, person.actor(), plant, "Gone.")
        with pytest.raises(error):
            db.run(facility_actions.panel_facts, person.actor(), plant)

    assert support.table_snapshot() == before


def test_a_pending_transfer_request_cannot_move_the_facility_a_second_time(
    plant, small_world, hank
):
    from cers_app.facilities import requests

    assert (
        db.run(requests.transfer, small_world.lena.actor(), plant, small_world.ottos, "")
        == "requested"
    )
    _transfer(hank, plant, small_world.ottos)
    [pending] = db.run(requests.requests_for_regulator, hank.actor())

    with pytest.raises(Conflict) as caught:
        db.run(requests.decide, hank.actor(), pending.id, True, "")

    assert caught.value.message == "The facility already belongs to that business."
    assert len(helpers.audit_events("FACILITY_TRANSFERRED")) == 1
    assert yolo.requests()[0].status == "pending"
