"""decide and withdraw: only the entitled decide (everyone else finds no request), once; only
the requester withdraws."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied
from cers_app.facilities import requests
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo


def _decide(person, request_id, approve=True, comment=""):
    db.run(requests.decide, person.actor(), request_id, approve, comment)


@pytest.fixture
def lead_request(world, county) -> int:
    """otto asks Acme's Lead Users for access to Acme's Davis facility."""
    facility_id = yolo.add_facility(world.lena, world.acme)
    return db.run(requests.request_access, world.otto.actor(), facility_id, "editor", "")


@pytest.fixture
def regulator_request(small_world, county) -> int:
    """lena asks the Yolo CUPA to delete Acme's Davis facility."""
    facility_id = yolo.add_facility(small_world.lena, small_world.acme)
    return db.run(requests.request_delete, small_world.lena.actor(), facility_id, "")


def _unchanged_when(person, request_id) -> None:
    before = support.table_snapshot()
    with pytest.raises(NotFound) as caught:
        _decide(person, request_id)
    assert caught.value.message == "That request was not found."
    assert support.table_snapshot() == before


@pytest.mark.parametrize("role", [OrgRole.VIEWER, OrgRole.EDITOR, OrgRole.APPROVER])
def test_it_lets_no_one_but_a_lead_user_decide_a_lead_users_request(world, lead_request, role):
    _unchanged_when(world.holder(role), lead_request)


def test_it_lets_neither_the_requester_nor_a_regulator_decide_a_lead_users_request(
    world, lead_request, rita
):
    _unchanged_when(world.otto, lead_request)
    _unchanged_when(rita, lead_request)


def test_it_lets_another_agencys_staff_not_decide_a_regulators_request(
    small_world, regulator_request, rex, pam
):
    _unchanged_when(rex, regulator_request)
    _unchanged_when(pam, regulator_request)  # the PA works under the CUPA, but does not decide


def test_it_lets_a_reviewer_not_decide_a_regulators_request(small_world, regulator_request, rob):
    _unchanged_when(rob, regulator_request)


def test_it_lets_the_business_not_decide_a_regulators_request(small_world, regulator_request):
    _unchanged_when(small_world.lena, regulator_request)


def test_it_lets_the_agencys_request_handler_decide(small_world, regulator_request, hank):
    _decide(hank, regulator_request, approve=False)

    assert yolo.requests()[0].status == "rejected"


def test_it_lets_a_system_administrator_decide_only_what_is_his(
    small_world, regulator_request, sam
):
    _unchanged_when(sam, regulator_request)


def test_it_counts_only_the_first_decision(small_world, regulator_request, rita, hank):
    _decide(rita, regulator_request, approve=False)

    with pytest.raises(Conflict) as caught:
        _decide(hank, regulator_request, approve=True)

    assert caught.value.message == "This request was already decided or withdrawn."
    [request] = yolo.requests()
    assert (request.status, request.decided_by_user_id) == ("rejected", rita.id)
    assert len(helpers.emails("facility_request_decided")) == 1


@pytest.mark.parametrize("junk", [None, "1", 0, 2**31, True, 999])
def test_it_finds_no_request_for_an_id_that_is_not_one(small_world, regulator_request, rita, junk):
    with pytest.raises(NotFound):
        _decide(rita, junk)


def test_it_lets_the_requester_withdraw_a_pending_request(small_world, regulator_request, rita):
    db.run(requests.withdraw, small_world.lena.actor(), regulator_request)

    [request] = yolo.requests()
    assert request.status == "withdrawn"
    [event] = helpers.audit_events("FACILITY_REQUEST_WITHDRAWN")
    assert (event.actor_user_id, event.subject_id) == (small_world.lena.id, str(regulator_request))
    with pytest.raises(Conflict):
        _decide(rita, regulator_request)
    assert db.run(requests.requests_for_regulator, rita.actor()) == []


def test_it_lets_no_one_else_withdraw_a_request(world, lead_request, rita):
    for person in (world.lena, world.ed, rita):
        with pytest.raises(NotFound):
            db.run(requests.withdraw, person.actor(), lead_request)

    assert yolo.requests()[0].status == "pending"


def test_it_cannot_withdraw_a_decided_request(world, lead_request):
    _decide(world.lena, lead_request, approve=False)

    with pytest.raises(Conflict):
        db.run(requests.withdraw, world.otto.actor(), lead_request)

    assert yolo.requests()[0].status == "rejected"


def test_it_shows_the_regulators_requests_only_to_staff_who_decide(
    small_world, regulator_request, rita, rob, rex
):
    assert [r.id for r in db.run(requests.requests_for_regulator, rita.actor())] == [
        regulator_request
    ]
    assert db.run(requests.requests_for_regulator, rob.actor()) == []
    assert db.run(requests.requests_for_regulator, rex.actor()) == []
    with pytest.raises(PermissionDenied):
        db.run(requests.requests_for_regulator, small_world.lena.actor())
    with pytest.raises(PermissionDenied):
        db.run(requests.requests_for_admin, rita.actor())


def test_it_shows_a_business_its_access_requests_only_to_its_lead_users(world, lead_request):
    assert [r.id for r in db.run(requests.requests_to_answer, world.lena.actor(), world.acme)] == [
        lead_request
    ]
    with pytest.raises(PermissionDenied):
        db.run(requests.requests_to_answer, world.connie.actor(), world.acme)
    with pytest.raises(NotFound):
        db.run(requests.requests_to_answer, world.otto.actor(), world.acme)
