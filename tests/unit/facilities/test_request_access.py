"""request_access: who decides (a Lead User, the regulator, the system administrator), what
approval does, and the emails to deciders and requester."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.facilities import requests, service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world


def _ask(person, facility_id, role="editor", note=""):
    return db.run(requests.request_access, person.actor(), facility_id, role, note)


def _decide(person, request_id, approve=True, comment=""):
    db.run(requests.decide, person.actor(), request_id, approve, comment)


def test_it_asks_the_lead_users_of_the_business(plant, small_world, rita):
    request_id = _ask(small_world.otto, plant, note="I run the night shift.")

    [request] = yolo.requests()
    assert request.id == request_id
    assert (request.kind, request.status, request.decider, request.agency_id) == (
        "access",
        "pending",
        "lead",
        None,
    )
    assert (request.organization_id, request.role, request.requested_by_user_id) == (
        small_world.acme,
        "editor",
        small_world.otto.id,
    )
    [message] = helpers.emails("facility_request")
    assert message.to_address == small_world.lena.email
    assert message.subject == "Request to decide: access to a business as Editor"
    support.assert_email_contains(
        message,
        "Otto Owens asks",
        "Acme Plating - Davis Works",
        str(yolo.facility(plant).cers_id),
        "Their note: I run the night shift.",
    )
    [event] = helpers.audit_events("FACILITY_REQUESTED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        small_world.otto.id,
        "facility_request",
        str(request_id),
    )
    assert event.after == {
        "kind": "access",
        "facility_id": plant,
        "organization_id": small_world.acme,
        "role": "editor",
        "decider": "lead",
    }


def test_it_adds_the_requester_with_the_role_when_a_lead_user_approves(
    plant, small_world, frozen_clock
):
    request_id = _ask(small_world.otto, plant, role="viewer")

    _decide(small_world.lena, request_id, comment="Welcome")

    member = acme_world.membership(small_world.acme, small_world.otto)
    assert (member.role, member.added_by_user_id) == ("viewer", small_world.lena.id)
    [request] = yolo.requests()
    assert (request.status, request.decided_by_user_id, request.decided_at) == (
        "approved",
        small_world.lena.id,
        frozen_clock,
    )
    assert request.decision_comment == "Welcome"
    [message] = helpers.emails("facility_request_decided")
    assert (message.to_address, message.subject) == (
        small_world.otto.email,
        "Your request was approved: access to a business",
    )
    support.assert_email_contains(message, "Hello Otto,", "was approved", "Comment: Welcome")
    [event] = helpers.audit_events("FACILITY_REQUEST_DECIDED")
    assert event.after == {"approved": True, "comment": "Welcome"}
    # the new member reaches the facility at once
    assert db.run(service.get_facility, small_world.otto.actor(), plant).id == plant


def test_it_adds_nobody_when_the_request_is_rejected(plant, small_world):
    request_id = _ask(small_world.otto, plant)

    _decide(small_world.lena, request_id, approve=False, comment="We do not know you.")

    assert acme_world.membership(small_world.acme, small_world.otto) is None
    assert yolo.requests()[0].status == "rejected"
    [message] = helpers.emails("facility_request_decided")
    support.assert_email_contains(message, "was rejected", "Comment: We do not know you.")


def test_it_lets_the_lead_users_decide_a_lead_user_request_when_the_agency_does_not_verify(
    plant, small_world
):
    request_id = _ask(small_world.otto, plant, role="lead")

    _decide(small_world.lena, request_id)

    assert acme_world.membership(small_world.acme, small_world.otto).role == "lead"


def test_it_asks_the_regulator_for_a_lead_user_when_the_agency_verifies_them(
    plant, small_world, county, rita, hank, rob
):
    yolo.set_verify_lead_access(yolo.CUPA)

    request_id = _ask(small_world.otto, plant, role="lead")

    [request] = yolo.requests()
    assert (request.decider, request.agency_id) == ("regulator", county.cupa)
    assert sorted(m.to_address for m in helpers.emails("facility_request")) == [
        hank.email,
        rita.email,
    ]
    with pytest.raises(NotFound):
        _decide(small_world.lena, request_id)  # the Lead User may not decide this one
    _decide(hank, request_id)
    assert acme_world.membership(small_world.acme, small_world.otto).role == "lead"


def test_it_still_lets_the_lead_users_decide_other_roles_when_the_agency_verifies_leads(
    plant, small_world
):
    yolo.set_verify_lead_access(yolo.CUPA)

    _ask(small_world.otto, plant, role="approver")

    assert yolo.requests()[0].decider == "lead"


def test_it_asks_the_regulator_when_the_business_has_no_lead_user(plant, small_world, county, rita):
    yolo.make_leaderless(small_world.acme)

    request_id = _ask(small_world.otto, plant)

    assert (yolo.requests()[0].decider, yolo.requests()[0].agency_id) == ("regulator", county.cupa)
    _decide(rita, request_id)
    assert acme_world.membership(small_world.acme, small_world.otto).role == "editor"


def test_it_asks_the_system_administrator_when_the_business_spans_several_agencies(
    plant, small_world, rita, sam
):
    yolo.add_facility(
        small_world.lena,
        small_world.acme,
        name="Acme Plating - San Francisco",
        street="1 Market St",
        city="San Francisco",
        zip_code=yolo.OTHER_ZIP,
        county="38",
    )
    yolo.make_leaderless(small_world.acme)

    request_id = _ask(small_world.otto, plant)

    assert yolo.requests()[0].decider == "admin"
    assert [m.to_address for m in helpers.emails("facility_request")] == [sam.email]
    with pytest.raises(NotFound):
        _decide(rita, request_id)
    _decide(sam, request_id)
    assert acme_world.membership(small_world.acme, small_world.otto) is not None


def test_it_refuses_someone_who_already_belongs_to_the_business(plant, small_world):
    with pytest.raises(Conflict) as caught:
        _ask(small_world.lena, plant, role="approver")

    assert caught.value.message == "You already belong to the business of this facility."
    assert yolo.requests() == []


def test_it_refuses_a_second_identical_pending_request(plant, small_world):
    _ask(small_world.otto, plant)

    with pytest.raises(Conflict) as caught:
        _ask(small_world.otto, plant, role="viewer")

    assert caught.value.message == (
        "You already asked for this; the request is waiting for a decision."
    )
    assert len(yolo.requests()) == 1
    assert len(helpers.emails("facility_request")) == 1


def test_it_accepts_the_same_request_again_once_the_first_was_decided(plant, small_world):
    first = _ask(small_world.otto, plant)
    _decide(small_world.lena, first, approve=False)

    second = _ask(small_world.otto, plant)

    assert second != first


@pytest.mark.parametrize("role", ["", "owner", "LEAD", None, 1])
def test_it_asks_for_a_known_permission_group(plant, small_world, role):
    with pytest.raises(ValidationFailed) as caught:
        _ask(small_world.otto, plant, role=role)

    assert caught.value.fields == {"role": "Choose the permission group you need."}


def test_it_refuses_an_overlong_note(plant, small_world):
    with pytest.raises(ValidationFailed) as caught:
        _ask(small_world.otto, plant, note="n" * 1001)

    assert caught.value.fields == {"note": "The note must be at most 1000 characters."}


@pytest.mark.parametrize("junk", [None, "1", 0, 2**31, True])
def test_it_finds_no_facility_for_an_id_that_is_not_one(plant, small_world, junk):
    with pytest.raises(NotFound):
        _ask(small_world.otto, junk)


def test_it_refuses_the_approval_when_the_requester_joined_meanwhile(plant, small_world):
    request_id = _ask(small_world.otto, plant)
    acme_world.add(small_world.lena, small_world.acme, small_world.otto, OrgRole.VIEWER)

    with pytest.raises(Conflict) as caught:
        _decide(small_world.lena, request_id)

    assert caught.value.message == "The requester already belongs to that business."
    assert yolo.requests()[0].status == "pending"


def test_it_lists_the_requests_each_decider_answers(plant, small_world, rita, sam):
    lead_request = _ask(small_world.otto, plant)
    yolo.set_verify_lead_access(yolo.CUPA)
    nina = acme_world.person("ninanew", "Nina", "Newcomb")
    regulator_request = _ask(nina, plant, role="lead")

    rows = db.run(requests.requests_to_answer, small_world.lena.actor(), small_world.acme)

    assert [(r.id, r.what, r.role, r.requested_by) for r in rows] == [
        (lead_request, "access to a business", "Editor", "Otto Owens")
    ]
    assert [(r.id, r.role) for r in db.run(requests.requests_for_regulator, rita.actor())] == [
        (regulator_request, "Lead User")
    ]
    assert db.run(requests.requests_for_admin, sam.actor()) == []
    assert [r.id for r in db.run(requests.my_requests, small_world.otto.actor())] == [lead_request]
