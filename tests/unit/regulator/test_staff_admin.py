"""Staff and roles: an Agency Admin invites regulators (existing accounts and new ones), changes
roles, deactivates and reactivates members of their own agency only; the agency always keeps an
active Agency Admin, and a deactivated member loses the Regulator Portal at their next event."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.access import identity
from cers_app.accounts import setup as account_setup
from cers_app.accounts.models import User, UserStatus
from cers_app.agencies.models import AgencyMember
from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.permissions import Permission, Portal
from cers_app.regulator import staff_admin
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast

rita, hank, rex, pam = cast.staff_fixtures("rita", "hank", "rex", "pam")


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


@pytest.fixture
def lena(database) -> Person:
    return acme_world.person("lenalead", "Lena", "Lopez")


def _member(user_id: int, agency_id: int) -> AgencyMember:
    def query(session):
        return session.exec(
            select(AgencyMember).where(
                AgencyMember.user_id == user_id, AgencyMember.agency_id == agency_id
            )
        ).one()

    return db.run(query)


def _row(person: Person, username: str) -> staff_admin.StaffRow:
    return next(r for r in db.run(staff_admin.staff_rows, person.actor()) if r.username == username)


def test_an_agency_admin_lists_their_agency_members_only(rita, hank, rex, pam):
    rows = db.run(staff_admin.staff_rows, rita.actor())
    assert {r.username for r in rows} == {"ritaramos", "hankhill"}
    hank_row = next(r for r in rows if r.username == "hankhill")
    assert hank_row.role_label == "Request Handler" and hank_row.active
    assert hank_row.email == "hankhill@example.com" and not hank_row.is_self
    assert next(r for r in rows if r.username == "ritaramos").is_self
    assert {r.username for r in db.run(staff_admin.staff_rows, rex.actor())} == {"rexroth"}


def test_inviting_an_existing_account_gives_the_role_and_emails_them(rita, county, lena):
    said = db.run(
        staff_admin.invite_member,
        rita.actor(),
        agency_id=county.cupa,
        email="  LENALEAD@example.com ",
        role="viewer",
    )
    assert "Lena Lopez was given the role Viewer" in said
    member = _member(lena.id, county.cupa)
    assert member.role == "viewer" and member.active and member.added_by_user_id == rita.id
    [told] = helpers.emails("agency_member_invited")
    assert told.to_address == "lenalead@example.com"
    support.assert_email_contains(told, "Viewer", "Yolo County Environmental Health")
    [event] = support.audit_events("AGENCY_MEMBER_INVITED")
    assert event.actor_user_id == rita.id and event.after["new_account"] is False
    assert event.after["role"] == "viewer" and event.after["user_id"] == lena.id
    # Lena now reaches the Regulator Portal.
    actor = acme_world.sign_in("lenalead", Portal.REGULATOR)
    found = db.run(identity.resolve_actor, actor, helpers.IP)
    assert found is not None and found.can(Permission.REGULATOR_PORTAL)


def test_inviting_an_unknown_address_creates_an_account_set_up_from_the_email(rita, county):
    said = db.run(
        staff_admin.invite_member,
        rita.actor(),
        agency_id=county.cupa,
        email="nora.new@example.com",
        role="reviewer",
        first_name="Nora",
        last_name="New",
    )
    assert "account noranew was created" in said
    user = db.run(lambda s: s.exec(select(User).where(User.email == "nora.new@example.com")).one())
    assert user.status == UserStatus.PENDING and user.username == "noranew"
    assert _member(user.id, county.cupa).role == "reviewer"
    [told] = helpers.emails("agency_member_invited")
    support.assert_email_contains(told, "noranew", "Reviewer", "Set up my account")
    token = helpers.token_from(told)
    assert db.run(account_setup.setup_username, token) == "noranew"
    with pytest.raises(ValidationFailed) as refused:
        db.run(
            account_setup.complete_setup,
            token,
            password="short",
            password_confirm="short",
            security_question="nope",
            security_answer="",
            phrase="",
        )
    assert set(refused.value.fields) >= {"password", "security_question", "security_answer"}
    username = db.run(
        account_setup.complete_setup,
        token,
        password=helpers.PASSWORD,
        password_confirm=helpers.PASSWORD,
        security_question="first_pet",
        security_answer="Rex the dog",
        phrase="Blue harbor mornings",
    )
    assert username == "noranew"
    assert helpers.user(user.id).status == UserStatus.ACTIVE
    person = Person(user.id, "noranew", "nora.new@example.com", "Nora New")
    person.session_cookie = acme_world.sign_in("noranew", Portal.REGULATOR)
    assert db.run(identity.resolve_actor, person.cookie, helpers.IP) is not None
    with pytest.raises(Conflict):  # the link works once
        db.run(account_setup.setup_username, token)
    [event] = support.audit_events("AGENCY_MEMBER_INVITED")
    assert event.after["new_account"] is True


def test_a_new_account_needs_names_and_a_valid_email_and_role(rita, county):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as refused:
        db.run(
            staff_admin.invite_member,
            rita.actor(),
            agency_id=county.cupa,
            email="nobody@example.com",
            role="viewer",
        )
    assert set(refused.value.fields) == {"first_name", "last_name"}
    with pytest.raises(ValidationFailed) as refused:
        db.run(
            staff_admin.invite_member,
            rita.actor(),
            agency_id=county.cupa,
            email="not an address",
            role="boss",
        )
    assert set(refused.value.fields) == {"email", "role"}
    assert support.table_snapshot() == before


def test_inviting_a_member_again_is_refused(rita, hank, county):
    with pytest.raises(Conflict, match="already a member"):
        db.run(
            staff_admin.invite_member,
            rita.actor(),
            agency_id=county.cupa,
            email="hankhill@example.com",
            role="viewer",
        )


def test_changing_a_role_is_audited(rita, hank, county):
    hank_row = _row(rita, "hankhill")
    assert db.run(staff_admin.change_role, rita.actor(), hank_row.member_id, "reviewer") == (
        "Reviewer"
    )
    assert _member(hank.id, county.cupa).role == "reviewer"
    [event] = support.audit_events("AGENCY_MEMBER_ROLE_CHANGED")[-1:]
    assert event.before == {"role": "request_handler"} and event.after == {"role": "reviewer"}
    with pytest.raises(ValidationFailed):
        db.run(staff_admin.change_role, rita.actor(), hank_row.member_id, "owner")


def test_deactivating_ends_the_portal_at_the_next_event_and_reactivating_restores_it(
    rita, hank, county
):
    assert hank.actor().can(Permission.REGULATOR_PORTAL)
    member_id = _row(rita, "hankhill").member_id
    db.run(staff_admin.set_active, rita.actor(), member_id, False)
    assert not _member(hank.id, county.cupa).active
    assert not hank.actor().can(Permission.REGULATOR_PORTAL)
    [event] = support.audit_events("AGENCY_MEMBER_DEACTIVATED")
    assert event.before["active"] is True and event.after["active"] is False
    with pytest.raises(Conflict):
        db.run(staff_admin.set_active, rita.actor(), member_id, False)
    assert not _row(rita, "hankhill").active  # still listed, as inactive
    db.run(staff_admin.set_active, rita.actor(), member_id, True)
    assert hank.actor().can(Permission.REGULATOR_PORTAL)
    [event] = support.audit_events("AGENCY_MEMBER_REACTIVATED")
    assert event.after == {"active": True, "role": "request_handler"}


def test_the_last_active_admin_cannot_deactivate_or_demote_themselves(rita, hank, county):
    mine = _row(rita, "ritaramos").member_id
    before = support.table_snapshot()
    with pytest.raises(Conflict, match="at least one active Agency Admin"):
        db.run(staff_admin.set_active, rita.actor(), mine, False)
    with pytest.raises(Conflict, match="at least one active Agency Admin"):
        db.run(staff_admin.change_role, rita.actor(), mine, "viewer")
    assert support.table_snapshot() == before
    # With a second admin, Rita may step down.
    db.run(staff_admin.change_role, rita.actor(), _row(rita, "hankhill").member_id, "admin")
    db.run(staff_admin.change_role, rita.actor(), mine, "viewer")
    assert _member(rita.id, county.cupa).role == "viewer"
    # Now Hank is the last admin: Rita (a viewer) cannot act any more.
    with pytest.raises(PermissionDenied):
        db.run(staff_admin.staff_rows, rita.actor())


def test_non_admins_and_other_agencies_are_refused_and_nothing_changes(
    rita, hank, rex, pam, county, lena
):
    hank_member = _row(rita, "hankhill").member_id
    rita_member = _row(rita, "ritaramos").member_id
    before = support.table_snapshot()
    # A Request Handler is no admin.
    for fn, args in (
        (staff_admin.staff_rows, ()),
        (staff_admin.change_role, (hank_member, "admin")),
        (staff_admin.set_active, (rita_member, False)),
    ):
        with pytest.raises(PermissionDenied):
            db.run(fn, hank.actor(), *args)
    with pytest.raises(PermissionDenied):
        db.run(
            staff_admin.invite_member,
            hank.actor(),
            agency_id=county.cupa,
            email="lenalead@example.com",
            role="admin",
        )
    # The admins of Bay City and of the Woodland PA do not reach the Yolo CUPA's members.
    for other in (rex, pam):
        for member_id in (hank_member, rita_member, 0, -1, "1", None, 10**12):
            with pytest.raises(NotFound):
                db.run(staff_admin.change_role, other.actor(), member_id, "viewer")
            with pytest.raises(NotFound):
                db.run(staff_admin.set_active, other.actor(), member_id, False)
        with pytest.raises(NotFound):
            db.run(
                staff_admin.invite_member,
                other.actor(),
                agency_id=county.cupa,
                email="lenalead@example.com",
                role="admin",
            )
    # A business user has no portal at all.
    with pytest.raises(PermissionDenied):
        db.run(staff_admin.staff_rows, lena.actor())
    assert support.table_snapshot() == before


def test_a_second_invitation_before_set_up_sends_a_fresh_set_up_link(rita, rex, county):
    def invite(person: Person, agency_id: int) -> None:
        db.run(
            staff_admin.invite_member,
            person.actor(),
            agency_id=agency_id,
            email="nora.new@example.com",
            role="viewer",
            first_name="Nora",
            last_name="New",
        )

    invite(rita, county.cupa)
    invite(rex, county.other)
    first, second = helpers.emails("agency_member_invited")
    support.assert_email_contains(second, "Bay City Environmental Health", "Set up my account")
    assert len(db.run(lambda s: s.exec(select(User).where(User.username == "noranew")).all())) == 1
    with pytest.raises(Conflict):  # only the newest link works
        db.run(account_setup.setup_username, helpers.token_from(first))
    assert db.run(account_setup.setup_username, helpers.token_from(second)) == "noranew"
