"""identity.resolve_actor: the permissions a session holds right now, re-read for every event."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.access import identity
from cers_app.accounts import service, sessions
from cers_app.accounts.conditions import VERSION
from cers_app.agencies.models import AgencyMember
from cers_app.core import db
from cers_app.core.permissions import Permission, Portal
from tests import audit_hook, helpers
from tests.unit import support

P = Permission


def _cookie_for(username: str, portal: Portal = Portal.BUSINESS) -> str:
    grant = db.run(
        sessions.check_password,
        username,
        helpers.PASSWORD,
        portal,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
    )
    opened = db.run(sessions.open_session, grant.token, client_ip=helpers.IP, user_agent=None)
    return f"{identity.SESSION_COOKIE}={opened.cookie_value}"


def _actor(cookie_header: str | None, client_ip: str | None = helpers.IP):
    return db.run(identity.resolve_actor, cookie_header, client_ip)


def test_it_gives_a_business_user_the_business_portal(lena):
    actor = helpers.sign_in("lenalead")

    assert actor.permissions == {P.SIGNED_IN, P.ACCOUNT, P.BUSINESS_PORTAL}
    assert actor.portal is Portal.BUSINESS
    assert actor.agency_ids == ()
    assert (actor.user_id, actor.username, actor.display_name) == (
        lena.id,
        "lenalead",
        "Lena Lopez",
    )
    assert actor.email == "lenalead@example.com"
    assert actor.client_ip == helpers.IP
    assert not actor.can(P.REGULATOR_PORTAL)


def test_it_gives_a_regulator_the_regulator_portal_and_their_agencies(rita):
    agency_id = db.run(lambda s: s.exec(select(AgencyMember.agency_id)).one())

    actor = helpers.sign_in("ritaramos", portal=Portal.REGULATOR)

    assert actor.permissions == {P.SIGNED_IN, P.ACCOUNT, P.REGULATOR_PORTAL}
    assert actor.portal is Portal.REGULATOR
    assert actor.agency_ids == (agency_id,)


def test_it_gives_a_regulator_signed_in_as_a_business_only_the_business_portal(rita):
    actor = helpers.sign_in("ritaramos", portal=Portal.BUSINESS)

    assert actor.permissions == {P.SIGNED_IN, P.ACCOUNT, P.BUSINESS_PORTAL}
    assert actor.agency_ids == ()


def test_it_gives_a_system_admin_administration_in_either_portal(admin):
    business = helpers.sign_in("adminsam", portal=Portal.BUSINESS)
    regulator = helpers.sign_in("adminsam", portal=Portal.REGULATOR)

    assert business.permissions == {P.SIGNED_IN, P.ACCOUNT, P.BUSINESS_PORTAL, P.SYSTEM_ADMIN}
    # No agency role: administration, but no regulator portal pages.
    assert regulator.permissions == {P.SIGNED_IN, P.ACCOUNT, P.SYSTEM_ADMIN}


def test_it_gives_only_signed_in_until_the_current_conditions_are_accepted(database):
    support.make_admin(accept_conditions=False)

    actor = helpers.sign_in("adminsam")

    assert actor.permissions == {P.SIGNED_IN}
    db.run(service.accept_conditions, actor, VERSION)
    assert helpers.sign_in("adminsam").permissions == {
        P.SIGNED_IN,
        P.ACCOUNT,
        P.BUSINESS_PORTAL,
        P.SYSTEM_ADMIN,
    }


def test_it_asks_everyone_again_when_the_conditions_change(lena, monkeypatch):
    cookie = _cookie_for("lenalead")
    monkeypatch.setattr(service, "CONDITIONS_VERSION", "2027-06")

    assert _actor(cookie).permissions == {P.SIGNED_IN}


def test_it_drops_the_regulator_portal_as_soon_as_the_role_is_removed(rita):
    cookie = _cookie_for("ritaramos", Portal.REGULATOR)
    assert _actor(cookie).can(P.REGULATOR_PORTAL)

    def deactivate(session):
        member = session.exec(select(AgencyMember)).one()
        member.active = False
        session.add(member)
        session.commit()

    with audit_hook.exempt("deactivates the membership by hand"):
        db.run(deactivate)

    actor = _actor(cookie)
    assert actor.permissions == {P.SIGNED_IN, P.ACCOUNT}
    assert actor.agency_ids == ()


def test_it_finds_the_session_cookie_among_others(lena):
    cookie = _cookie_for("lenalead")

    actor = _actor(f"theme=dark; {cookie}; other=1")

    assert actor is not None and actor.user_id == lena.id


@pytest.mark.parametrize(
    "header", [None, "", "theme=dark", f"{identity.SESSION_COOKIE}=forged", '"unbalanced']
)
def test_it_resolves_no_actor_without_a_live_session(lena, header):
    _cookie_for("lenalead")

    assert _actor(header) is None
