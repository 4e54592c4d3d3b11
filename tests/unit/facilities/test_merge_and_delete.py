"""request_merge and request_delete, decided by the regulator: a merge retires a duplicate of the
same business (its CERS ID still finds the survivor); a deletion needs a facility that never
submitted anything, when asked and when decided."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import requests, service
from cers_app.facilities.models import ElementVersion
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world


def _merge(person, duplicate, survivor, note=""):
    return db.run(requests.request_merge, person.actor(), duplicate, survivor, note)


def _delete(person, facility_id, note=""):
    return db.run(requests.request_delete, person.actor(), facility_id, note)


def _decide(person, request_id, approve=True):
    db.run(requests.decide, person.actor(), request_id, approve, "")


@pytest.fixture
def twin(plant, small_world) -> int:
    """The same Davis site entered a second time by Acme, under another name."""
    return yolo.add_facility(
        small_world.lena, small_world.acme, name="Acme Davis", street="1200 Main Street"
    )


# ------------------------------------------------------------------ merge


def test_it_retires_the_duplicate_into_the_survivor(plant, twin, small_world, county, rita):
    request_id = _merge(small_world.lena, twin, plant, "Entered twice.")

    [request] = yolo.requests()
    assert (request.kind, request.decider, request.agency_id, request.other_facility_id) == (
        "merge",
        "regulator",
        county.cupa,
        plant,
    )
    assert [m.to_address for m in helpers.emails("facility_request")] == [rita.email]

    _decide(rita, request_id)

    retired = yolo.facility(twin)
    assert (retired.status, retired.merged_into_id) == ("merged", plant)
    assert yolo.elements(twin)[1].draft_version_id is None
    [event] = helpers.audit_events("FACILITY_MERGED")
    assert (event.subject_id, event.after) == (str(twin), {"merged_into_cers_id": 90_000_001})
    rows = db.run(service.list_facilities, small_world.lena.actor(), small_world.acme)
    assert [r.id for r in rows] == [plant]
    with pytest.raises(NotFound):
        db.run(service.get_facility, small_world.lena.actor(), twin)


def test_it_finds_the_survivor_by_the_retired_cers_id(plant, twin, small_world, rita):
    _decide(rita, _merge(small_world.lena, twin, plant))

    [row] = db.run(service.search, str(yolo.facility(twin).cers_id))

    assert (row.facility_id, row.cers_id, row.name) == (
        plant,
        90_000_001,
        "Acme Plating - Davis Works",
    )
    assert row.note == "CERS ID 90000002 was merged into this facility."
    [row] = db.run(service.search, "Acme Davis")  # its old name finds the survivor too
    assert row.facility_id == plant


def test_it_merges_only_facilities_of_one_business(plant, small_world, county):
    coatings = acme_world.create_business(small_world.lena, "Acme Coatings LLC")
    other = yolo.add_facility(small_world.lena, coatings, street="1200 Main Street")

    with pytest.raises(ValidationFailed) as caught:
        _merge(small_world.lena, other, plant)

    assert caught.value.fields == {
        "survivor": "Only facilities of the same business can be merged."
    }
    with pytest.raises(ValidationFailed):
        _merge(small_world.lena, plant, plant)
    assert yolo.requests() == []


def test_it_refuses_the_merge_when_the_survivor_moved_to_another_business_meanwhile(
    plant, twin, small_world, rita
):
    request_id = _merge(small_world.lena, twin, plant)
    coatings = acme_world.create_business(small_world.lena, "Acme Coatings LLC")
    db.run(requests.transfer, small_world.lena.actor(), plant, coatings, "")

    with pytest.raises(Conflict) as caught:
        _decide(rita, request_id)

    assert caught.value.message == "The two facilities no longer belong to the same business."
    assert yolo.facility(twin).status == "active"
    assert yolo.requests()[0].status == "pending"


def test_it_cannot_merge_with_a_facility_outside_my_businesses(plant, small_world, county):
    ottos_site = yolo.add_facility(small_world.otto, small_world.ottos, zip_code="95618")

    with pytest.raises(NotFound):
        _merge(small_world.lena, plant, ottos_site)


@pytest.mark.parametrize("role", [OrgRole.VIEWER, OrgRole.EDITOR, OrgRole.APPROVER])
def test_it_lets_only_a_lead_user_ask_for_merges_and_deletions(world, county, role):
    first = yolo.add_facility(world.lena, world.acme)
    second = yolo.add_facility(world.lena, world.acme, name="Acme Davis")

    with pytest.raises(PermissionDenied):
        _merge(world.holder(role), second, first)
    with pytest.raises(PermissionDenied):
        _delete(world.holder(role), second)

    assert yolo.requests() == []


# ------------------------------------------------------------------ delete


def test_it_deletes_a_facility_that_never_submitted_anything(plant, small_world, rita):
    request_id = _delete(small_world.lena, plant, "Never opened.")

    _decide(rita, request_id)

    gone = yolo.facility(plant)
    assert gone.status == "deleted"
    assert yolo.elements(plant)[1].draft_version_id is None
    [event] = helpers.audit_events("FACILITY_DELETED")
    assert (event.actor_user_id, event.subject_id) == (rita.id, str(plant))
    assert db.run(service.list_facilities, small_world.lena.actor(), small_world.acme) == []
    assert db.run(service.search, "Davis Works") == []
    assert db.run(service.search, str(gone.cers_id)) == []


def test_it_refuses_to_ask_for_deleting_a_facility_that_submitted_something(plant, small_world):
    yolo.mark_submitted(yolo.fi_draft(plant).id)
    before = support.table_snapshot()

    with pytest.raises(Conflict) as caught:
        _delete(small_world.lena, plant)

    assert caught.value.message.startswith("This facility has submittals, so it cannot be deleted.")
    assert support.table_snapshot() == before


def test_it_refuses_the_deletion_when_something_was_submitted_after_the_request(
    plant, small_world, rita
):
    request_id = _delete(small_world.lena, plant)
    yolo.mark_submitted(yolo.fi_draft(plant).id)

    with pytest.raises(Conflict) as caught:
        _decide(rita, request_id)

    assert caught.value.message.startswith("This facility has submittals now")
    assert yolo.facility(plant).status == "active"
    assert yolo.requests()[0].status == "pending"
    assert helpers.emails("facility_request_decided") == []


def test_it_keeps_the_facility_when_the_deletion_is_rejected_or_withdrawn(plant, small_world, rita):
    _decide(rita, _delete(small_world.lena, plant), approve=False)
    db.run(requests.withdraw, small_world.lena.actor(), _delete(small_world.lena, plant))

    assert yolo.facility(plant).status == "active"
    assert [r.status for r in yolo.requests()] == ["rejected", "withdrawn"]


def test_it_refuses_a_second_pending_deletion_request(plant, small_world):
    _delete(small_world.lena, plant)

    with pytest.raises(Conflict):
        _delete(small_world.lena, plant)

    assert len(yolo.requests()) == 1


def test_it_keeps_submitted_versions_of_a_merged_facility(plant, twin, small_world, rita):
    yolo.mark_submitted(yolo.fi_draft(twin).id)

    _decide(rita, _merge(small_world.lena, twin, plant))

    kept = db.run(
        lambda s: s.exec(
            ElementVersion.__table__.select().where(ElementVersion.facility_id == twin)
        ).all()
    )
    assert [v.status for v in kept] == [2]
