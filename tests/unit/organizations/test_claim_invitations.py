"""claim_invitations: an invited person is in the business from their first sign-in.

The whole chain runs through the real pieces: the Lead User invites an address without an
account, the person registers with that address, activates from the emailed link, and signs
in; the /auth/session exchange (Starlette's TestClient on build_api()) claims the invitation.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from cers_app import http_api
from cers_app.access import identity
from cers_app.accounts import service as account_service
from cers_app.accounts import sessions
from cers_app.core import clock, db, routes
from cers_app.core.permissions import Portal
from cers_app.organizations import service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

NINA = "nina.newcomb@example.com"


@pytest.fixture
def client(database) -> Iterator[TestClient]:
    with TestClient(
        http_api.build_api(), client=("127.0.0.1", 50123), follow_redirects=False
    ) as test_client:
        yield test_client


def _register_nina(email: str = NINA) -> int:
    return helpers.register("ninanew", first_name="Nina", last_name="Newcomb", email=email)


def _activate(email: str = NINA) -> None:
    db.run(account_service.activate, helpers.token_from(helpers.emails("activation", to=email)[-1]))


def _sign_in(client: TestClient, username: str = "ninanew", portal: Portal = Portal.BUSINESS):
    grant = db.run(
        sessions.check_password,
        username,
        helpers.PASSWORD,
        portal,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
    )
    response = client.get(routes.AUTH_SESSION, params={"token": grant.token})
    assert response.status_code == 303, response.text
    return response


def _actor(response):
    value = response.cookies[identity.SESSION_COOKIE]
    return db.run(identity.resolve_actor, f"{identity.SESSION_COOKIE}={value}", None)


def test_an_invited_person_is_in_the_business_from_their_first_sign_in(world, client):
    acme_world.invite(world.lena, world.acme, NINA, OrgRole.APPROVER)
    nina_id = _register_nina()
    _activate()

    response = _sign_in(client)

    assert response.headers["location"] == routes.BUSINESS_HOME
    nina = acme_world.Person(nina_id, "ninanew", NINA, "Nina Newcomb")
    member = acme_world.membership(world.acme, nina)
    assert member is not None
    assert (member.role, member.added_by_user_id) == ("approver", world.lena.id)
    [invitation] = acme_world.invitations()
    assert invitation.accepted_user_id == nina_id
    [event] = helpers.audit_events("ORG_INVITATION_ACCEPTED")
    assert (event.actor_user_id, event.subject_id) == (nina_id, str(invitation.id))
    # Her only business: the home page finds it selected.
    current = db.run(service.current_organization, _actor(response))
    assert (current.id, current.role_label) == (world.acme, "Approver")
    people = db.run(service.list_people, world.lena.actor(), world.acme)
    assert "Nina Newcomb" in [p.name for p in people.people]
    assert people.invitations == []


def test_it_claims_nothing_before_the_account_is_activated(world, client):
    acme_world.invite(world.lena, world.acme, NINA)
    nina_id = _register_nina()
    before = support.table_snapshot()

    assert db.run(service.claim_invitations, nina_id) == 0

    assert support.table_snapshot() == before


def test_it_claims_nothing_more_at_a_later_sign_in(world, client):
    acme_world.invite(world.lena, world.acme, NINA)
    nina_id = _register_nina()
    _activate()
    _sign_in(client)

    _sign_in(client)

    assert db.run(service.claim_invitations, nina_id) == 0
    assert len(helpers.audit_events("ORG_INVITATION_ACCEPTED")) == 1


def test_it_claims_the_invitations_of_several_businesses(world, client):
    acme_world.invite(world.lena, world.acme, NINA, OrgRole.VIEWER)
    acme_world.invite(world.otto, world.ottos, "Nina.Newcomb@EXAMPLE.com", OrgRole.EDITOR)
    _register_nina()
    _activate()

    response = _sign_in(client)

    mine = db.run(service.list_my_organizations, _actor(response))
    assert [(row.name, row.role) for row in mine] == [
        ("Acme Plating Co.", "viewer"),
        ("Owens Oil Co.", "editor"),
    ]
    assert db.run(service.current_organization, _actor(response)) is None  # she chooses


def test_it_leaves_withdrawn_and_expired_invitations(world, client, frozen_clock):
    lena, otto = world.lena.actor(), world.otto.actor()
    db.run(service.add_person, lena, world.acme, NINA, "Nina Newcomb", "", "", "viewer")
    db.run(service.add_person, otto, world.ottos, NINA, "Nina Newcomb", "", "", "viewer")
    withdrawn = acme_world.invitations()[-1].id
    db.run(service.revoke_invitation, otto, world.ottos, withdrawn)
    clock.advance(days=14)
    _register_nina()
    _activate()

    response = _sign_in(client)

    assert db.run(service.list_my_organizations, _actor(response)) == []
    assert [i.accepted_at for i in acme_world.invitations()] == [None, None]


def test_it_leaves_an_invitation_sent_to_another_address(world, client):
    acme_world.invite(world.lena, world.acme, "someone.else@example.com")
    _register_nina()
    _activate()

    response = _sign_in(client)

    assert db.run(service.list_my_organizations, _actor(response)) == []


def test_it_claims_nothing_for_an_unknown_account(database):
    assert db.run(service.claim_invitations, 424242) == 0
