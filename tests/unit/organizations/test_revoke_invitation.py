"""revoke_invitation: the Lead User withdraws a pending invitation of the business."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied
from cers_app.organizations import service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world


@pytest.fixture
def pending(world) -> tuple[int, str]:
    """(id, raw token) of an invitation Acme sent to nina@example.com."""
    token = acme_world.invite(world.lena, world.acme, "nina@example.com")
    return acme_world.invitations()[-1].id, token


def _revoke(person, organization_id, invitation_id):
    db.run(service.revoke_invitation, person.actor(), organization_id, invitation_id)


def test_it_withdraws_the_invitation(world, pending, frozen_clock):
    invitation_id, token = pending

    _revoke(world.lena, world.acme, invitation_id)

    [invitation] = acme_world.invitations()
    assert (invitation.revoked_at, invitation.accepted_at) == (frozen_clock, None)
    assert db.run(service.list_people, world.lena.actor(), world.acme).invitations == []
    with pytest.raises(Conflict, match="This invitation was withdrawn"):
        db.run(service.preview_invitation, token)


def test_it_audits_the_withdrawal(world, pending):
    _revoke(world.lena, world.acme, pending[0])

    [event] = helpers.audit_events("ORG_INVITATION_REVOKED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        world.lena.id,
        "org_invitation",
        str(pending[0]),
    )
    assert event.client_ip == helpers.IP


def test_it_refuses_an_invitation_already_withdrawn(world, pending):
    _revoke(world.lena, world.acme, pending[0])
    before = support.table_snapshot()

    with pytest.raises(NotFound, match="already used or withdrawn"):
        _revoke(world.lena, world.acme, pending[0])

    assert support.table_snapshot() == before


def test_it_refuses_an_invitation_already_accepted(world, pending):
    db.run(service.accept_invitation, world.otto.actor(), pending[1])
    before = support.table_snapshot()

    with pytest.raises(NotFound, match="already used or withdrawn"):
        _revoke(world.lena, world.acme, pending[0])

    assert support.table_snapshot() == before
    assert acme_world.membership(world.acme, world.otto) is not None


def test_it_finds_no_invitation_for_an_id_that_is_not_one_of_the_business(world, pending):
    lena = world.lena.actor()
    before = support.table_snapshot()

    for invitation_id in [None, "1", True, 0, -1, 999_999, 2**31, 2**63]:
        with pytest.raises(NotFound):
            db.run(service.revoke_invitation, lena, world.acme, invitation_id)

    assert support.table_snapshot() == before


def test_it_finds_no_invitation_of_another_business(world, pending):
    acme_world.invite(world.otto, world.ottos, "ottos.hire@example.com")
    ottos_invitation = acme_world.invitations()[-1].id
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        _revoke(world.lena, world.acme, ottos_invitation)

    assert support.table_snapshot() == before


@pytest.mark.parametrize("role", [OrgRole.EDITOR, OrgRole.APPROVER, OrgRole.VIEWER])
def test_it_refuses_everyone_but_the_lead_user(world, pending, role):
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied, match="does not allow you to manage"):
        _revoke(world.holder(role), world.acme, pending[0])

    assert support.table_snapshot() == before


def test_it_finds_nothing_for_an_outsider(world, pending):
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        _revoke(world.otto, world.acme, pending[0])

    assert support.table_snapshot() == before
