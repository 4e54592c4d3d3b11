"""The agency's technical-assistance inbox: scoping, paging, status and note, forwarding."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from cers_app.accounts.models import User
from cers_app.agencies import assistance
from cers_app.agencies.models import AssistanceRequest
from cers_app.core import clock, db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.regulator import assistance_inbox as inbox
from tests import audit_hook, helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person

GOOD = assistance.AssistanceInput(
    agency=str(yolo.CUPA_CODE),
    name="Pat Visitor",
    email="pat@example.com",
    topic="submitting",
    subject="Submit button greyed out",
    message="The Submit button stays grey on our HMBP.",
)


@dataclass
class Inbox:
    county: yolo.County
    rita: Person  # Agency Admin of the Yolo CUPA
    rob: Person  # its Reviewer (reads only)
    pam: Person  # Agency Admin of the Woodland PA
    rex: Person  # Agency Admin of Bay City
    cupa_request: int
    pa_request: int
    other_request: int


def _send(agency_code: int, subject: str, ip: str) -> int:
    data = replace(GOOD, agency=str(agency_code), subject=subject, email=f"pat.{ip}@example.com")
    return db.run(assistance.send_request, None, data, client_ip=ip).request_id


@pytest.fixture
def world(database, frozen_clock) -> Inbox:
    county = yolo.build()
    people = {
        "rita": yolo.regulator("ritaramos", "Rita", "Ramos", county.cupa, "admin"),
        "rob": yolo.regulator("robreview", "Rob", "Reyes", county.cupa, "reviewer"),
        "pam": yolo.regulator("pamadmin", "Pam", "Ames", county.pa, "admin"),
        "rex": yolo.regulator("rexadmin", "Rex", "Bay", county.other, "admin"),
    }
    cupa = _send(yolo.CUPA_CODE, "CUPA question", "198.51.100.1")
    clock.advance(minutes=1)
    pa = _send(yolo.PA_CODE, "PA question", "198.51.100.2")
    clock.advance(minutes=1)
    other = _send(yolo.OTHER_CODE, "Bay City secret question", "198.51.100.3")
    return Inbox(county, **people, cupa_request=cupa, pa_request=pa, other_request=other)


def _stored(request_id: int) -> AssistanceRequest:
    return db.run(lambda s: s.get(AssistanceRequest, request_id))


def test_the_inbox_lists_the_reach_newest_first(world):
    found = db.run(inbox.inbox_page, world.rita.actor(), "all", 1)

    # A CUPA's staff also see the requests sent to its participating agency.
    assert [row.subject for row in found.page.rows] == ["PA question", "CUPA question"]
    assert found.new == 2
    assert found.page.rows[0].reference == f"TA-{world.pa_request:06d}"
    pa_only = db.run(inbox.inbox_page, world.pam.actor(), "all", 1)
    assert [row.subject for row in pa_only.page.rows] == ["PA question"]
    bay = db.run(inbox.inbox_page, world.rex.actor(), "all", 1)
    assert [row.subject for row in bay.page.rows] == ["Bay City secret question"]


def test_the_inbox_filters_by_status_and_pages(world):
    for n in range(inbox.PAGE_SIZE + 1):
        clock.advance(minutes=1)
        _send(yolo.CUPA_CODE, f"Question {n}", f"198.51.101.{n}")
    rita = world.rita.actor()
    db.run(inbox.update_request, rita, world.cupa_request, status="closed", note="", version=1)

    first = db.run(inbox.inbox_page, rita, "new", 1)
    second = db.run(inbox.inbox_page, rita, "new", 2)
    closed = db.run(inbox.inbox_page, rita, "closed", 1)

    assert first.page.total == inbox.PAGE_SIZE + 2 and first.page.pages == 2
    assert first.page.rows[0].subject == f"Question {inbox.PAGE_SIZE}"
    assert [row.subject for row in second.page.rows] == ["Question 0", "PA question"]
    assert [row.subject for row in closed.page.rows] == ["CUPA question"]
    with pytest.raises(ValidationFailed):
        db.run(inbox.inbox_page, rita, "deleted", 1)


def test_the_new_count_is_the_reach(world):
    assert db.run(inbox.new_count, world.rita.actor()) == 2
    assert db.run(inbox.new_count, world.rex.actor()) == 1
    assert db.run(inbox.new_count, helpers.sign_in(support.make_lena().username)) == 0


def test_one_request_shows_everything_to_its_agency(world):
    found = db.run(inbox.request_detail, world.rita.actor(), world.cupa_request)

    assert (found.subject, found.email, found.message, found.version, found.can_act) == (
        "CUPA question",
        "pat.198.51.100.1@example.com",
        GOOD.message,
        1,
        True,
    )
    assert db.run(inbox.request_detail, world.rob.actor(), world.cupa_request).can_act is False


def test_other_agencies_requests_are_not_found_and_unchanged(world):
    before = support.table_snapshot()
    rex = world.rex.actor()
    for request_id in (world.cupa_request, world.pa_request, 0, -1, 10**12, "1", None, 1.5):
        with pytest.raises(NotFound) as caught:
            db.run(inbox.request_detail, rex, request_id)
        assert "CUPA question" not in caught.value.message
        with pytest.raises(NotFound):
            db.run(inbox.update_request, rex, request_id, status="closed", note="x", version=1)
        with pytest.raises(NotFound):
            db.run(inbox.forward_request, rex, request_id, note="x", version=1)
    with pytest.raises(NotFound):  # a PA's staff do not reach their CUPA's requests
        db.run(inbox.request_detail, world.pam.actor(), world.cupa_request)
    assert support.table_snapshot() == before


def test_status_and_note_are_saved_with_an_audit_and_a_new_version(world):
    rita = world.rita.actor()

    version = db.run(
        inbox.update_request,
        rita,
        world.cupa_request,
        status="in_progress",
        note="Called Pat back.",
        version=1,
    )

    stored = _stored(world.cupa_request)
    assert (stored.status, stored.agency_note, stored.version, version) == (
        "in_progress",
        "Called Pat back.",
        2,
        2,
    )
    [event] = helpers.audit_events("ASSISTANCE_UPDATED")
    assert event.before == {"status": "new", "agency_note": ""}
    assert event.after == {"status": "in_progress", "agency_note": "Called Pat back."}


def test_a_stale_version_a_bad_status_or_a_long_note_change_nothing(world):
    rita = world.rita.actor()
    before = support.table_snapshot()

    with pytest.raises(Conflict, match="changed this request"):
        db.run(inbox.update_request, rita, world.cupa_request, status="closed", note="", version=2)
    with pytest.raises(ValidationFailed):
        db.run(
            inbox.update_request, rita, world.cupa_request, status="forwarded", note="", version=1
        )
    with pytest.raises(ValidationFailed):
        db.run(
            inbox.update_request,
            rita,
            world.cupa_request,
            status="closed",
            note="n" * 2001,
            version=1,
        )
    with pytest.raises(PermissionDenied):  # a Reviewer reads but does not act
        db.run(
            inbox.update_request,
            world.rob.actor(),
            world.cupa_request,
            status="closed",
            note="",
            version=1,
        )

    assert support.table_snapshot() == before


def test_forwarding_emails_every_system_administrator(world):
    sam = support.make_admin()
    second = helpers.activated_user("adminkim")
    with audit_hook.exempt("makes a second system administrator by hand"):
        db.run(lambda s: _make_admin(s, second))
    rita = world.rita.actor()

    count = db.run(
        inbox.forward_request, rita, world.cupa_request, note="Looks like a bug.", version=1
    )

    assert count == 2
    stored = _stored(world.cupa_request)
    assert (stored.status, stored.agency_note, stored.forwarded_by_user_id) == (
        "forwarded",
        "Looks like a bug.",
        world.rita.id,
    )
    assert stored.forwarded_at == clock.now()
    sent = helpers.emails("assistance_forward")
    assert {m.to_address for m in sent} == {sam.email, "adminkim@example.com"}
    support.assert_email_contains(
        sent[0], "Looks like a bug.", "CUPA question", GOOD.message, "Rita Ramos"
    )
    [event] = helpers.audit_events("ASSISTANCE_FORWARDED")
    assert event.actor_user_id == world.rita.id and event.after["status"] == "forwarded"
    with pytest.raises(Conflict, match="already forwarded"):
        db.run(inbox.forward_request, rita, world.cupa_request, note="", version=2)


def _make_admin(session, user_id: int) -> None:
    row = session.get(User, user_id)
    row.is_system_admin = True
    session.add(row)
    session.commit()


def test_forwarding_without_a_system_administrator_is_refused(world):
    before = support.table_snapshot()

    with pytest.raises(Conflict, match="no system administrator"):
        db.run(inbox.forward_request, world.rita.actor(), world.cupa_request, note="", version=1)

    assert support.table_snapshot() == before


def test_system_administrators_are_found_only_when_active(world):
    sam = support.make_admin()
    assert db.run(inbox.system_admins) == [(sam.id, sam.email)]

    def disable(session):
        row = session.get(User, sam.id)
        row.status = "disabled"
        session.add(row)
        session.commit()

    with audit_hook.exempt("disables the account by hand"):
        db.run(disable)
    assert db.run(inbox.system_admins) == []
