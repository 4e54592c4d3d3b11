"""Regulator staff: giving roles, changing them, and listing memberships and agencies."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.agencies import service
from cers_app.agencies.models import AgencyMember
from cers_app.core import db
from cers_app.core.errors import NotFound, ValidationFailed
from tests import audit_hook, helpers
from tests.unit import support


@pytest.fixture
def acme(database) -> int:
    return db.run(
        service.create_agency,
        actor_user_id=None,
        code=support.ACME_CUPA_CODE,
        name="Acme County Environmental Health",
        county=57,
    )


@pytest.fixture
def other_agency(database) -> int:
    return db.run(
        service.create_agency,
        actor_user_id=None,
        code=support.OTHER_CUPA_CODE,
        name="Bay City Fire (PA)",
        county=38,
        kind="PA",
    )


def _set(agency_id: int, user_id: int, role: str, actor_user_id: int | None = None) -> None:
    db.run(
        service.set_member_role,
        actor_user_id=actor_user_id,
        agency_id=agency_id,
        user_id=user_id,
        role=role,
    )


def _members() -> list[AgencyMember]:
    return db.run(lambda s: list(s.exec(select(AgencyMember).order_by(AgencyMember.id)).all()))


def test_it_adds_a_member_with_a_role_and_audits_it(acme, lena, admin, frozen_clock):
    _set(acme, lena.id, "reviewer", actor_user_id=admin.id)

    [member] = _members()
    assert (member.agency_id, member.user_id, member.role, member.active) == (
        acme,
        lena.id,
        "reviewer",
        True,
    )
    assert (member.added_at, member.added_by_user_id) == (frozen_clock, admin.id)
    [event] = helpers.audit_events("AGENCY_MEMBER_ADDED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        admin.id,
        "agency_member",
        str(member.id),
    )
    assert event.after == {"agency_id": acme, "user_id": lena.id, "role": "reviewer"}


def test_it_changes_a_role_with_before_and_after(acme, lena, admin):
    _set(acme, lena.id, "reviewer")

    _set(acme, lena.id, "admin", actor_user_id=admin.id)

    [member] = _members()
    assert member.role == "admin"
    [event] = helpers.audit_events("AGENCY_MEMBER_ROLE_CHANGED")
    assert event.actor_user_id == admin.id
    assert event.before == {"role": "reviewer", "active": True}
    assert event.after == {"role": "admin", "active": True}


def test_it_reactivates_a_former_member(acme, lena):
    _set(acme, lena.id, "viewer")

    def deactivate(session):
        member = session.exec(select(AgencyMember)).one()
        member.active = False
        session.add(member)
        session.commit()

    with audit_hook.exempt("deactivates the membership by hand"):
        db.run(deactivate)

    _set(acme, lena.id, "viewer")

    assert _members()[0].active
    [event] = helpers.audit_events("AGENCY_MEMBER_ROLE_CHANGED")
    assert event.before == {"role": "viewer", "active": False}


def test_it_writes_nothing_when_the_role_is_unchanged(acme, lena):
    _set(acme, lena.id, "reviewer")
    before = support.table_counts()

    _set(acme, lena.id, "reviewer")

    assert support.table_counts() == before


@pytest.mark.parametrize("role", ["", "owner", "Reviewer"])
def test_it_refuses_an_unknown_role(acme, lena, role):
    with pytest.raises(ValidationFailed) as caught:
        _set(acme, lena.id, role)

    assert set(caught.value.fields) == {"role"}
    assert "viewer, reviewer, request_handler, admin, responder" in caught.value.fields["role"]
    assert _members() == []


def test_it_refuses_an_unknown_agency_or_user(acme, lena):
    with pytest.raises(NotFound, match="agency does not exist"):
        _set(acme + 100, lena.id, "viewer")
    with pytest.raises(NotFound, match="user does not exist"):
        _set(acme, lena.id + 100, "viewer")

    assert _members() == []


def test_it_lists_a_users_active_memberships_by_agency_name(acme, other_agency, lena, otto):
    _set(acme, lena.id, "admin")
    _set(other_agency, lena.id, "request_handler")
    _set(acme, otto.id, "viewer")

    rows = db.run(service.memberships, lena.id)

    assert [(r.agency_name, r.agency_code, r.role, r.role_label) for r in rows] == [
        ("Acme County Environmental Health", 1234, "admin", "Agency Admin"),
        ("Bay City Fire (PA)", 4321, "request_handler", "Request Handler"),
    ]
    assert db.run(service.active_agency_ids, lena.id) == (acme, other_agency)
    assert db.run(service.memberships, 9999) == []


def test_it_leaves_inactive_memberships_out(acme, lena):
    _set(acme, lena.id, "admin")

    def deactivate(session):
        member = session.exec(select(AgencyMember)).one()
        member.active = False
        session.add(member)
        session.commit()

    with audit_hook.exempt("deactivates the membership by hand"):
        db.run(deactivate)

    assert db.run(service.memberships, lena.id) == []
    assert db.run(service.active_agency_ids, lena.id) == ()


def test_it_lists_agencies_with_their_active_staff(acme, other_agency, lena, otto, rita):
    _set(acme, lena.id, "viewer")
    _set(acme, otto.id, "viewer")

    rows = db.run(service.list_agencies)

    assert [(r.code, r.name, r.kind, r.county, r.staff) for r in rows] == [
        (
            1234,
            "Acme County Environmental Health",
            "Certified Unified Program Agency (CUPA)",
            "Yolo",
            3,
        ),
        (4321, "Bay City Fire (PA)", "Participating Agency (PA)", "San Francisco", 0),
    ]
