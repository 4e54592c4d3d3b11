"""Edit My Password: the current password first; every other session is signed out."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.access import identity
from cers_app.accounts import service, sessions
from cers_app.accounts.models import UserSession
from cers_app.core import db
from cers_app.core.errors import ValidationFailed
from cers_app.core.passwords import verify_secret
from cers_app.core.permissions import Portal
from tests import helpers
from tests.unit import support

NEW_PASSWORD = "Copper-Orchard-Summit-4"


def _change(actor, current=helpers.PASSWORD, password=NEW_PASSWORD, confirm=None) -> None:
    db.run(
        service.change_password,
        actor,
        current,
        password,
        password if confirm is None else confirm,
    )


def _refusal(actor, **kwargs) -> dict[str, str]:
    before = support.table_counts()
    with pytest.raises(ValidationFailed) as caught:
        _change(actor, **kwargs)
    assert support.table_counts() == before
    return caught.value.fields


def test_it_changes_the_password_with_the_current_one(lena, frozen_clock):
    actor = helpers.sign_in("lenalead")

    _change(actor)

    user = helpers.user(lena.id)
    assert verify_secret(NEW_PASSWORD, user.password_hash)
    assert user.password_changed_at == frozen_clock
    assert helpers.sign_in("lenalead", NEW_PASSWORD).user_id == lena.id
    [event] = helpers.audit_events("USER_PASSWORD_CHANGED")
    assert (event.actor_user_id, event.subject_id) == (lena.id, str(lena.id))
    assert event.before is None and event.after is None
    [notice] = helpers.emails("password_changed")
    assert notice.to_address == "lenalead@example.com"
    support.assert_email_contains(notice, "was changed from your account page")


def test_it_refuses_a_wrong_current_password(lena):
    actor = helpers.sign_in("lenalead")

    fields = _refusal(actor, current="Wrong-Password-1")

    assert fields == {"current_password": "Your current password is not correct."}
    assert verify_secret(helpers.PASSWORD, helpers.user(lena.id).password_hash)


def test_it_refuses_the_current_password_as_the_new_one(lena):
    actor = helpers.sign_in("lenalead")

    fields = _refusal(actor, password=helpers.PASSWORD)

    assert fields == {"password": "Choose a password different from your current one."}


@pytest.mark.parametrize(
    ("password", "confirm", "fields"),
    [
        ("short1A", None, {"password"}),
        ("Password1", None, {"password"}),
        ("Lenalead2026", None, {"password"}),
        (NEW_PASSWORD, "Something-Else-5", {"password_confirm"}),
    ],
)
def test_it_applies_the_password_rules(lena, password, confirm, fields):
    actor = helpers.sign_in("lenalead")

    assert set(_refusal(actor, password=password, confirm=confirm)) == fields


def test_it_reports_a_wrong_current_password_and_a_weak_new_one_together(lena):
    actor = helpers.sign_in("lenalead")

    fields = _refusal(actor, current="Wrong-Password-1", password="weak", confirm="weaker")

    assert set(fields) == {"current_password", "password", "password_confirm"}


def test_it_signs_out_every_other_session_but_keeps_this_one(lena):
    other_browser = _cookie("lenalead")
    this_browser = _cookie("lenalead")
    actor = db.run(identity.resolve_actor, f"{identity.SESSION_COOKIE}={this_browser}", helpers.IP)

    _change(actor)

    assert db.run(sessions.resolve_session, other_browser) is None
    assert db.run(sessions.resolve_session, this_browser) is not None
    rows = db.run(lambda s: {r.id: r.revoked_at for r in s.exec(select(UserSession)).all()})
    assert rows[actor.session_id] is None
    assert [revoked is None for revoked in rows.values()].count(True) == 1
    [event] = helpers.audit_events("USER_SESSIONS_REVOKED")
    assert event.after == {"sessions": 1}


def _cookie(username: str) -> str:
    grant = db.run(
        sessions.check_password,
        username,
        helpers.PASSWORD,
        Portal.BUSINESS,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
    )
    opened = db.run(sessions.open_session, grant.token, client_ip=helpers.IP, user_agent=None)
    return opened.cookie_value
