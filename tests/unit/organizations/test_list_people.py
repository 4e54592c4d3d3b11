"""list_people: the business's people and pending invitations, for its Lead User."""

from __future__ import annotations

import pytest

from cers_app.core import clock, db
from cers_app.core.errors import NotFound, PermissionDenied
from cers_app.organizations import service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit.organizations import world as acme_world


def _people(person, organization_id):
    return db.run(service.list_people, person.actor(), organization_id)


def test_it_lists_everyone_by_last_name_with_their_role(world):
    found = _people(world.lena, world.acme)

    rows = [(p.name, p.username, p.email, p.role, p.role_label, p.is_me) for p in found.people]
    assert rows == [
        ("Connie Chen", "conniechen", "conniechen@example.com", "approver", "Approver", False),
        ("Lena Lopez", "lenalead", "lenalead@example.com", "lead", "Lead User", True),
        ("Val Nguyen", "valnguyen", "valnguyen@example.com", "viewer", "Viewer", False),
        ("Ed Ortiz", "edortiz", "edortiz@example.com", "editor", "Editor", False),
    ]
    val = found.people[2]
    assert (val.title, val.version) == ("Plant Manager", 1)
    assert val.member_id == acme_world.member_id(world.acme, world.val)
    assert found.invitations == []


def test_it_lists_pending_invitations_newest_first(world, frozen_clock):
    acme_world.invite(world.lena, world.acme, "first@example.com", OrgRole.VIEWER)
    clock.advance(minutes=5)
    acme_world.invite(world.lena, world.acme, "second@example.com", OrgRole.APPROVER)

    invitations = _people(world.lena, world.acme).invitations

    assert [(i.email, i.name, i.role_label) for i in invitations] == [
        ("second@example.com", "Nina Newcomb", "Approver"),
        ("first@example.com", "Nina Newcomb", "Viewer"),
    ]
    assert invitations[1].sent == "Nov 20, 2026 9:00 AM PST"
    assert invitations[1].expires == "Dec 4, 2026 9:00 AM PST"


def test_it_leaves_out_expired_revoked_and_accepted_invitations(world, frozen_clock):
    # Actors read now: the sessions would time out over the days this test skips.
    lena, otto = world.lena.actor(), world.otto.actor()

    def invite(email: str) -> None:
        db.run(service.add_person, lena, world.acme, email, "Nina Newcomb", "", "", "editor")

    invite("expired@example.com")
    clock.advance(days=10)
    for email in ("revoked@example.com", "accepted@example.com", "pending@example.com"):
        invite(email)
    withdrawn = [i.id for i in acme_world.invitations() if i.email == "revoked@example.com"]
    db.run(service.revoke_invitation, lena, world.acme, withdrawn[0])
    link = helpers.emails("org_invitation", to="accepted@example.com")[0]
    db.run(service.accept_invitation, otto, helpers.token_from(link))
    clock.advance(days=4, seconds=1)  # the first invitation is now past its 14 days

    found = db.run(service.list_people, lena, world.acme)

    assert [i.email for i in found.invitations] == ["pending@example.com"]
    assert "Otto Owens" in [p.name for p in found.people]


def test_it_lists_only_the_business_asked_for(world):
    acme_world.add(world.otto, world.ottos, world.connie, OrgRole.EDITOR)
    acme_world.invite(world.otto, world.ottos, "ottos.hire@example.com")

    found = _people(world.otto, world.ottos)

    assert [p.name for p in found.people] == ["Connie Chen", "Otto Owens"]
    assert [i.email for i in found.invitations] == ["ottos.hire@example.com"]


@pytest.mark.parametrize("role", [OrgRole.EDITOR, OrgRole.APPROVER, OrgRole.VIEWER])
def test_it_refuses_everyone_but_the_lead_user(world, role):
    with pytest.raises(PermissionDenied, match="does not allow you to manage the business's"):
        _people(world.holder(role), world.acme)


def test_it_finds_nothing_for_an_outsider(world):
    with pytest.raises(NotFound):
        _people(world.otto, world.acme)
    with pytest.raises(NotFound):
        _people(world.lena, world.ottos)
