"""The regulator's requests inbox: every kind of request decided by the Yolo CUPA's staff, the
emails each decision sends, and who may not decide (another agency, a Viewer, a Reviewer)."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.facilities import requests
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world


def _decide(person, request_id, approve=True, comment=""):
    db.run(requests.decide, person.actor(), request_id, approve, comment, reason_to_reject=True)


def _inbox(person) -> list[requests.RequestRow]:
    return db.run(requests.requests_for_regulator, person.actor())


def _status(request_id: int) -> str:
    return next(r.status for r in yolo.requests() if r.id == request_id)


def test_it_lets_the_regulator_approve_access_to_a_business_without_lead_users(
    plant, small_world, hank
):
    yolo.make_leaderless(small_world.acme)
    asked = db.run(
        requests.request_access, small_world.otto.actor(), plant, "editor", "Plating line."
    )

    [row] = _inbox(hank)
    assert (row.id, row.kind, row.role, row.requested_by, row.note) == (
        asked,
        "access",
        "Editor",
        "Otto Owens",
        "Plating line.",
    )
    assert (row.facility_id, row.owner, row.facility) == (
        plant,
        "Acme Plating Co.",
        "Acme Plating - Davis Works",
    )
    _decide(hank, asked, comment="Welcome.")

    assert acme_world.membership(small_world.acme, small_world.otto).role == OrgRole.EDITOR.value
    assert _inbox(hank) == []
    [recent] = db.run(requests.recently_decided_for_regulator, hank.actor())
    assert (recent.id, recent.status, recent.decided_by) == (asked, "approved", "Hank Hill")
    [told] = helpers.emails("facility_request_decided")
    assert told.to_address == small_world.otto.email
    support.assert_email_contains(told, "was approved", "Comment: Welcome.")


def test_it_asks_a_reason_to_reject_and_tells_the_requester(plant, small_world, hank):
    yolo.set_verify_lead_access(yolo.CUPA)
    asked = db.run(requests.request_access, small_world.otto.actor(), plant, "lead", "")
    assert [r.role for r in _inbox(hank)] == ["Lead User"]

    with pytest.raises(ValidationFailed) as caught:
        _decide(hank, asked, approve=False, comment="  ")
    assert "Say why you reject" in caught.value.fields["note"]
    assert _status(asked) == "pending"
    with pytest.raises(ValidationFailed):
        _decide(hank, asked, approve=False, comment="x" * 1001)

    _decide(hank, asked, approve=False, comment="Ask Lena to add you.")

    assert _status(asked) == "rejected"
    assert acme_world.membership(small_world.acme, small_world.otto) is None
    [told] = helpers.emails("facility_request_decided")
    assert told.to_address == small_world.otto.email
    support.assert_email_contains(told, "was rejected", "Comment: Ask Lena to add you.")


def test_it_transfers_on_approval_and_tells_both_businesses(plant, small_world, hank):
    asked = db.run(
        requests.transfer, small_world.lena.actor(), plant, small_world.ottos, "Sold to Otto."
    )
    assert asked == "requested"
    [row] = _inbox(hank)
    assert (row.kind, row.business, row.owner) == ("transfer", "Owens Oil Co.", "Acme Plating Co.")

    _decide(hank, row.id)

    assert yolo.facility(plant).organization_id == small_world.ottos
    assert sorted(m.to_address for m in helpers.emails("facility_transferred")) == sorted(
        [small_world.lena.email, small_world.otto.email]
    )
    assert [m.to_address for m in helpers.emails("facility_request_decided")] == [
        small_world.lena.email
    ]
    [event] = helpers.audit_events("FACILITY_TRANSFERRED")
    assert event.actor_user_id == hank.id and event.after["request_id"] == row.id


def test_it_moves_a_facility_into_the_requesters_business_on_approval(plant, small_world, hank):
    assert db.run(
        requests.take_ownership, small_world.otto.actor(), plant, small_world.ottos, ""
    ) == ("requested")
    [row] = _inbox(hank)
    assert row.kind == "take_ownership"

    _decide(hank, row.id)

    assert yolo.facility(plant).organization_id == small_world.ottos
    [told] = helpers.emails("facility_request_decided")
    assert told.to_address == small_world.otto.email


def test_it_merges_on_approval(plant, small_world, hank):
    twin = yolo.add_facility(
        small_world.lena, small_world.acme, name="Acme Davis", street="1200 Main Street"
    )
    asked = db.run(requests.request_merge, small_world.lena.actor(), twin, plant, "Entered twice.")
    [row] = _inbox(hank)
    assert (row.kind, row.other_facility) == (
        "merge",
        "Acme Plating - Davis Works (CERS ID 90000001)",
    )

    _decide(hank, asked)

    retired = yolo.facility(twin)
    assert (retired.status, retired.merged_into_id) == ("merged", plant)
    assert [m.to_address for m in helpers.emails("facility_request_decided")] == [
        small_world.lena.email
    ]


def test_it_deletes_on_approval_and_tells_the_business(plant, small_world, hank):
    ed = acme_world.person("edwards", "Ed", "Wards")
    acme_world.add(small_world.lena, small_world.acme, ed, OrgRole.LEAD)
    asked = db.run(requests.request_delete, small_world.lena.actor(), plant, "Entered by mistake.")

    _decide(hank, asked)

    assert yolo.facility(plant).status == "deleted"
    assert sorted(m.to_address for m in helpers.emails("facility_deleted")) == sorted(
        [small_world.lena.email, ed.email]
    )
    [told] = helpers.emails("facility_request_decided")
    assert told.to_address == small_world.lena.email


def test_it_refuses_staff_of_another_agency_and_staff_who_do_not_decide(
    plant, small_world, rex, vic, rob
):
    asked = db.run(requests.request_delete, small_world.lena.actor(), plant, "")

    for person in (rex, vic, rob):
        assert _inbox(person) == []
        before = support.table_snapshot()
        with pytest.raises(NotFound):
            _decide(person, asked)
        assert support.table_snapshot() == before
    assert _status(asked) == "pending"


def test_it_counts_only_the_first_decision(plant, small_world, hank, rita):
    asked = db.run(requests.request_delete, small_world.lena.actor(), plant, "")
    _decide(hank, asked, approve=False, comment="Keep it; it is regulated.")

    for person in (hank, rita):  # a double click, and a colleague deciding meanwhile
        with pytest.raises(Conflict) as caught:
            _decide(person, asked)
        assert caught.value.message == "This request was already decided or withdrawn."

    assert yolo.facility(plant).status == "active"
    assert len(helpers.emails("facility_request_decided")) == 1
    assert len(helpers.audit_events("FACILITY_REQUEST_DECIDED")) == 1


def test_it_shows_the_last_decisions_newest_first(plant, small_world, hank, frozen_clock):
    from cers_app.core import clock

    first = db.run(requests.request_delete, small_world.lena.actor(), plant, "")
    twin = yolo.add_facility(
        small_world.lena, small_world.acme, name="Acme Davis", street="1200 Main Street"
    )
    second = db.run(requests.request_merge, small_world.lena.actor(), twin, plant, "")
    _decide(hank, first, approve=False, comment="Not yet.")
    clock.advance(minutes=5)
    _decide(hank, second)

    recent = db.run(requests.recently_decided_for_regulator, hank.actor())

    assert [(r.id, r.status) for r in recent] == [(second, "approved"), (first, "rejected")]
    assert recent[1].decision_comment == "Not yet."
