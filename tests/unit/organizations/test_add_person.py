"""add_person: the Lead User adds someone by email or username, or invites an unknown address."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.tokens import hash_token
from cers_app.organizations import service
from cers_app.organizations.models import OrgMember
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world


def _add(lead, who, name="Nina Newcomb", title="", phone="", role="editor", org=None, world=None):
    return db.run(
        service.add_person, lead.actor(), org or world.acme, who, name, title, phone, role
    )


@pytest.fixture
def pat(world) -> acme_world.Person:
    """An active account in no business yet."""
    return acme_world.person("patpark", "Pat", "Park", email="Pat.Park@example.com")


def test_it_adds_an_existing_account_by_email(world, pat, frozen_clock):
    said = _add(
        world.lena,
        "pat.park@EXAMPLE.com",
        name="Patricia Park",
        title=" Safety Officer ",
        phone="916-555-0142",
        world=world,
    )

    assert said == "Pat Park was added as Editor and told by email."
    member = acme_world.membership(world.acme, pat)
    assert member is not None
    assert (member.role, member.title, member.phone) == (
        "editor",
        "Safety Officer",
        "(916) 555-0142",
    )
    assert (member.added_at, member.added_by_user_id, member.version) == (
        frozen_clock,
        world.lena.id,
        1,
    )
    assert acme_world.invitations() == []


def test_it_adds_an_existing_account_by_username_in_any_case(world, pat):
    said = _add(world.lena, "  PATPARK ", role="approver", world=world)

    assert said == "Pat Park was added as Approver and told by email."
    assert acme_world.membership(world.acme, pat).role == "approver"


def test_it_audits_the_addition(world, pat):
    _add(world.lena, "patpark", role="viewer", world=world)

    [event] = helpers.audit_events("ORG_MEMBER_ADDED")[-1:]
    member_id = acme_world.member_id(world.acme, pat)
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        world.lena.id,
        "org_member",
        str(member_id),
    )
    assert event.after == {"organization_id": world.acme, "user_id": pat.id, "role": "viewer"}
    assert event.client_ip == helpers.IP


def test_it_emails_the_person_added(world, pat):
    _add(world.lena, "patpark", role="viewer", world=world)

    [message] = helpers.emails("org_member_added", to="Pat.Park@example.com")
    assert message.user_id == pat.id
    assert message.subject == "You were added to Acme Plating Co. in OpenCERS"
    support.assert_email_contains(
        message,
        "Hello Pat,",
        "Lena Lopez added you to the business Acme Plating Co. as Viewer.",
        "http://testserver/account/businesses",
    )


def test_it_lets_the_added_person_work_in_the_business_at_their_next_event(world, pat):
    _add(world.lena, "patpark", role="editor", world=world)

    current = db.run(service.current_organization, pat.actor())

    assert (current.id, current.role) == (world.acme, "editor")


def test_it_invites_an_address_without_an_account(world, frozen_clock):
    said = _add(
        world.lena,
        "Nina.Newcomb@Example.com",
        name=" Nina Newcomb ",
        title="Chemist",
        phone="(530) 555-0100 x12",
        role="approver",
        world=world,
    )

    assert said == (
        "Nina.Newcomb@example.com has no active account yet: an invitation was emailed. They "
        "join once they create and activate their account."
    )
    [invitation] = acme_world.invitations()
    assert (invitation.organization_id, invitation.email, invitation.full_name) == (
        world.acme,
        "Nina.Newcomb@example.com",
        "Nina Newcomb",
    )
    assert (invitation.role, invitation.title, invitation.phone) == (
        "approver",
        "Chemist",
        "(530) 555-0100 ext. 12",
    )
    assert (invitation.created_at, invitation.expires_at) == (
        frozen_clock,
        frozen_clock + service.INVITATION_LIFETIME,
    )
    assert invitation.invited_by_user_id == world.lena.id
    assert (invitation.accepted_at, invitation.revoked_at) == (None, None)
    assert acme_world.membership(world.acme, world.otto) is None


def test_it_emails_the_invitation_with_a_link_whose_token_is_stored_only_hashed(world):
    _add(world.lena, "nina@example.com", role="viewer", world=world)

    [message] = helpers.emails("org_invitation")
    assert (message.to_address, message.user_id) == ("nina@example.com", None)
    assert message.subject == "Lena Lopez invited you to Acme Plating Co. in OpenCERS"
    token = helpers.token_from(message)
    support.assert_email_contains(
        message,
        "Hello Nina Newcomb,",
        "Lena Lopez invited you to join the business Acme Plating Co. as Viewer",
        "The invitation expires in 14 days.",
        f"http://testserver/invitation?token={token}",
    )
    [invitation] = acme_world.invitations()
    assert invitation.token_hash == hash_token(token)
    assert token not in repr(helpers.audit_events())


def test_it_audits_the_invitation(world):
    _add(world.lena, "nina@example.com", role="viewer", world=world)

    [event] = helpers.audit_events("ORG_INVITATION_SENT")
    [invitation] = acme_world.invitations()
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        world.lena.id,
        "org_invitation",
        str(invitation.id),
    )
    assert event.after == {
        "organization_id": world.acme,
        "email": "nina@example.com",
        "role": "viewer",
    }


def test_it_replaces_an_earlier_invitation_to_the_same_address(world, frozen_clock):
    first = acme_world.invite(world.lena, world.acme, "nina@example.com", OrgRole.VIEWER)
    second = acme_world.invite(world.lena, world.acme, "NINA@example.com", OrgRole.EDITOR)

    earlier, later = acme_world.invitations()
    assert (earlier.revoked_at, later.revoked_at) == (frozen_clock, None)
    assert later.role == "editor"
    people = db.run(service.list_people, world.lena.actor(), world.acme)
    assert [(i.email, i.role_label) for i in people.invitations] == [("NINA@example.com", "Editor")]
    with pytest.raises(Conflict, match="withdrawn"):
        db.run(service.preview_invitation, first)
    assert db.run(service.preview_invitation, second).role_label == "Editor"


def test_it_keeps_another_businesss_invitation_to_the_same_address(world):
    acme_world.invite(world.otto, world.ottos, "nina@example.com")
    acme_world.invite(world.lena, world.acme, "nina@example.com")

    assert [i.revoked_at for i in acme_world.invitations()] == [None, None]


def test_it_asks_for_the_username_when_several_accounts_share_the_address(world):
    shared = "family@example.com"
    acme_world.person("kimfirst", "Kim", "First", email=shared)
    kim2 = acme_world.person("kimsecond", "Kim", "Second", email=shared)
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _add(world.lena, shared, world=world)

    assert caught.value.fields == {
        "who": "Several accounts use this address. Enter the person's username instead."
    }
    assert support.table_snapshot() == before
    _add(world.lena, "kimsecond", world=world)
    assert acme_world.membership(world.acme, kim2) is not None


def test_it_invites_the_address_of_an_account_not_yet_activated(world):
    pending_id = helpers.register("pendingpo", email="po@example.com")

    said = _add(world.lena, "po@example.com", world=world)

    assert "an invitation was emailed" in said
    [invitation] = acme_world.invitations()
    assert invitation.email == "po@example.com"
    memberships = db.run(
        lambda s: s.exec(select(OrgMember.id).where(OrgMember.user_id == pending_id)).all()
    )
    assert memberships == []


def test_it_refuses_the_username_of_an_account_not_yet_activated(world):
    helpers.register("pendingpo", email="po@example.com")
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _add(world.lena, "pendingpo", world=world)

    assert caught.value.fields == {"who": "No active account has that username."}
    assert support.table_snapshot() == before


def test_it_refuses_someone_already_in_the_business(world):
    before = support.table_snapshot()

    with pytest.raises(Conflict, match=r"Ed Ortiz is already a member of Acme Plating Co\."):
        _add(world.lena, "edortiz@example.com", role="viewer", world=world)

    assert support.table_snapshot() == before
    assert acme_world.membership(world.acme, world.ed).role == "editor"


def test_it_adds_a_person_who_already_belongs_to_another_business(world):
    _add(world.lena, "ottoowens", role="viewer", world=world)

    assert acme_world.membership(world.acme, world.otto).role == "viewer"
    assert acme_world.membership(world.ottos, world.otto).role == "lead"


@pytest.mark.parametrize(
    ("who", "name", "title", "phone", "role", "fields"),
    [
        ("", "Nina", "", "", "editor", {"who": "Enter the person's email address (or username)."}),
        ("nobody", "Nina", "", "", "editor", {"who": "No active account has that username."}),
        ("nina@", "Nina", "", "", "editor", {"who": None}),
        ("nina@example.com", "", "", "", "editor", {"full_name": "Enter the person's full name."}),
        (
            "nina@example.com",
            "N" * 102,
            "",
            "",
            "editor",
            {"full_name": "The name must be at most 101 characters."},
        ),
        (
            "nina@example.com",
            "Nina",
            "T" * 101,
            "",
            "editor",
            {"title": "The title must be at most 100 characters."},
        ),
        ("nina@example.com", "Nina", "", "555", "editor", {"phone": None}),
        ("nina@example.com", "Nina", "", "call me", "editor", {"phone": None}),
        ("nina@example.com", "Nina", "", "", "owner", {"role": "Choose a permission group."}),
        ("nina@example.com", "Nina", "", "", "Lead", {"role": "Choose a permission group."}),
        ("nina@example.com", "Nina", "", "", "", {"role": "Choose a permission group."}),
    ],
    ids=[
        "no-who",
        "unknown-username",
        "bad-email",
        "no-name",
        "long-name",
        "long-title",
        "short-phone",
        "words-phone",
        "unknown-role",
        "role-label",
        "no-role",
    ],
)
def test_it_refuses_a_field_that_is_not_valid(small_world, who, name, title, phone, role, fields):
    world = small_world
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _add(world.lena, who, name=name, title=title, phone=phone, role=role, world=world)

    assert set(caught.value.fields) == set(fields)
    for field, message in fields.items():
        if message:
            assert caught.value.fields[field] == message
    assert support.table_snapshot() == before


def test_it_names_every_field_at_fault_at_once(world):
    with pytest.raises(ValidationFailed) as caught:
        _add(
            world.lena,
            "nina@example.com",
            name="",
            title="T" * 101,
            phone="1",
            role="x",
            world=world,
        )

    assert set(caught.value.fields) == {"full_name", "title", "phone", "role"}


@pytest.mark.parametrize("role", [OrgRole.EDITOR, OrgRole.APPROVER, OrgRole.VIEWER])
def test_it_refuses_everyone_but_the_lead_user_before_reading_the_form(world, role):
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied, match="does not allow you to manage"):
        _add(world.holder(role), "ottoowens", role="lead", world=world)
    with pytest.raises(PermissionDenied):
        _add(world.holder(role), "", name="", role="x", world=world)

    assert support.table_snapshot() == before


def test_it_finds_nothing_for_an_outsider(world):
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        _add(world.otto, "ottoowens", role="lead", world=world)
    with pytest.raises(NotFound):
        _add(world.lena, "lenalead", role="lead", org=world.ottos)
    with pytest.raises(NotFound):
        _add(world.lena, "nina@example.com", org=world.ottos)

    assert support.table_snapshot() == before
