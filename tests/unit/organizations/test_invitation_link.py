"""The invitation link: preview_invitation (public page) and accept_invitation (signed in)."""

from __future__ import annotations

import pytest

from cers_app.core import clock, db
from cers_app.core.errors import Conflict, NotFound
from cers_app.organizations import service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world

NOT_VALID = "This invitation link is not valid. Check that you copied all of it."


@pytest.fixture
def token(world) -> str:
    db.run(
        service.add_person,
        world.lena.actor(),
        world.acme,
        "nina@example.com",
        "Nina Newcomb",
        "Chemist",
        "916-555-0142",
        "approver",
    )
    return helpers.token_from(helpers.emails("org_invitation")[-1])


def test_it_shows_what_the_invitation_offers(world, token):
    view = db.run(service.preview_invitation, token)

    assert (view.business, view.invited_by, view.role_label) == (
        "Acme Plating Co.",
        "Lena Lopez",
        "Approver",
    )
    assert (view.email, view.full_name) == ("nina@example.com", "Nina Newcomb")


def test_it_refuses_a_link_that_is_not_an_invitation(world, token):
    otto = world.otto.actor()
    before = support.table_snapshot()

    for raw in ["", "short", "A" * 43, token[:-1], "x" * 101, None, 12345678901234567890, [token]]:
        with pytest.raises(NotFound) as caught:
            db.run(service.preview_invitation, raw)
        assert caught.value.message == NOT_VALID, raw
        with pytest.raises(NotFound):
            db.run(service.accept_invitation, otto, raw)

    assert support.table_snapshot() == before


def test_it_joins_the_signed_in_person_with_the_invitations_role(world, token, frozen_clock):
    joined = db.run(service.accept_invitation, world.otto.actor(), token)

    assert (joined.id, joined.role, joined.role_label) == (world.acme, "approver", "Approver")
    member = acme_world.membership(world.acme, world.otto)
    assert (member.role, member.title, member.phone) == ("approver", "Chemist", "(916) 555-0142")
    assert (member.added_at, member.added_by_user_id) == (frozen_clock, world.lena.id)
    [invitation] = acme_world.invitations()
    assert (invitation.accepted_at, invitation.accepted_user_id) == (frozen_clock, world.otto.id)


def test_it_selects_the_joined_business_in_that_session(world, token):
    db.run(service.accept_invitation, world.otto.actor(), token)

    assert world.otto.actor().organization_id == world.acme


def test_it_audits_the_acceptance(world, token):
    db.run(service.accept_invitation, world.otto.actor(), token)

    [event] = helpers.audit_events("ORG_INVITATION_ACCEPTED")
    [invitation] = acme_world.invitations()
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        world.otto.id,
        "org_invitation",
        str(invitation.id),
    )
    assert event.after == {"organization_id": world.acme, "role": "approver"}


def test_it_refuses_an_invitation_already_accepted(world, token):
    db.run(service.accept_invitation, world.otto.actor(), token)
    before = support.table_snapshot()

    with pytest.raises(Conflict, match=r"This invitation was already accepted\."):
        db.run(service.preview_invitation, token)
    with pytest.raises(Conflict, match=r"This invitation was already accepted\."):
        db.run(service.accept_invitation, world.ed.actor(), token)

    assert support.table_snapshot() == before
    assert acme_world.membership(world.acme, world.ed).role == "editor"


def test_it_refuses_a_withdrawn_invitation(world, token):
    invitation_id = acme_world.invitations()[-1].id
    db.run(service.revoke_invitation, world.lena.actor(), world.acme, invitation_id)
    before = support.table_snapshot()

    with pytest.raises(Conflict, match=r"This invitation was withdrawn\."):
        db.run(service.accept_invitation, world.otto.actor(), token)

    assert support.table_snapshot() == before
    assert acme_world.membership(world.acme, world.otto) is None


def test_it_refuses_an_expired_invitation(world, frozen_clock):
    token = acme_world.invite(world.lena, world.acme, "nina@example.com")
    otto = world.otto.actor()  # read now: the session would time out over 14 days
    clock.advance(days=14)
    before = support.table_snapshot()

    with pytest.raises(Conflict, match=r"This invitation has expired\."):
        db.run(service.preview_invitation, token)
    with pytest.raises(Conflict, match=r"This invitation has expired\."):
        db.run(service.accept_invitation, otto, token)

    assert support.table_snapshot() == before


def test_it_accepts_an_invitation_a_second_before_it_expires(world, frozen_clock):
    token = acme_world.invite(world.lena, world.acme, "nina@example.com", OrgRole.VIEWER)
    otto = world.otto.actor()
    clock.advance(days=14, seconds=-1)

    assert db.run(service.accept_invitation, otto, token).role == "viewer"


def test_it_keeps_the_role_of_someone_already_in_the_business(world, token):
    joined = db.run(service.accept_invitation, world.val.actor(), token)

    assert joined.role == "viewer"
    assert acme_world.membership(world.acme, world.val).role == "viewer"
    assert acme_world.invitations()[0].accepted_user_id == world.val.id
