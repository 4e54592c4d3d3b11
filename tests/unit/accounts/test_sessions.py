"""Sessions: the single-use sign-in token, the session row, its lifetime and sign-out."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cers_app.access import identity
from cers_app.accounts import sessions
from cers_app.accounts.models import User, UserSession, UserStatus
from cers_app.core import clock, db
from cers_app.core.errors import Conflict, PermissionDenied
from cers_app.core.permissions import Portal
from cers_app.core.settings import reload_settings
from cers_app.core.tokens import hash_token
from tests import audit_hook, helpers


def _grant(username: str = "lenalead", portal: Portal = Portal.BUSINESS):
    return db.run(
        sessions.check_password,
        username,
        helpers.PASSWORD,
        portal,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
    )


def _open(token: str) -> sessions.OpenedSession:
    return db.run(sessions.open_session, token, client_ip=helpers.IP, user_agent="pytest/1.0")


def _signed_in(username: str = "lenalead") -> str:
    return _open(_grant(username).token).cookie_value


def _rows() -> list[UserSession]:
    return db.run(lambda s: list(s.exec(select(UserSession).order_by(UserSession.id)).all()))


def _resolve(cookie: str):
    return db.run(sessions.resolve_session, cookie)


def test_it_opens_a_session_that_stores_only_the_hash_of_the_cookie(lena, frozen_clock):
    opened = _open(_grant().token)

    [row] = _rows()
    assert row.token_hash == hash_token(opened.cookie_value)
    assert opened.cookie_value not in repr(row.model_dump())
    assert row.user_id == lena.id
    assert row.portal == "business"
    assert row.created_at == row.last_seen_at == frozen_clock
    assert row.expires_at == frozen_clock + dt.timedelta(hours=12)
    assert row.revoked_at is None
    assert (row.client_ip, row.user_agent) == (helpers.IP, "pytest/1.0")
    assert opened.max_age_seconds == 12 * 3600
    assert opened.portal is Portal.BUSINESS


def test_it_records_the_sign_in(lena, frozen_clock):
    _open(_grant().token)

    assert helpers.user(lena.id).last_sign_in_at == frozen_clock
    [event] = helpers.audit_events("USER_SIGNED_IN")
    [row] = _rows()
    assert (event.actor_user_id, event.subject_type) == (lena.id, "session")
    assert event.subject_id == str(row.id)
    assert event.after == {"portal": "business"}


def test_it_opens_the_portal_chosen_at_sign_in(rita):
    opened = _open(_grant("ritaramos", Portal.REGULATOR).token)

    assert opened.portal is Portal.REGULATOR
    assert _rows()[0].portal == "regulator"


def test_it_refuses_a_sign_in_token_used_twice(lena):
    token = _grant().token
    _open(token)

    with pytest.raises(Conflict) as caught:
        _open(token)

    assert caught.value.message == "That sign-in link was already used. Please sign in again."
    assert len(_rows()) == 1


def test_it_accepts_the_sign_in_token_within_60_seconds(lena, frozen_clock):
    token = _grant().token
    clock.advance(seconds=59)

    _open(token)

    assert len(_rows()) == 1


def test_it_refuses_a_sign_in_token_after_60_seconds(lena, frozen_clock):
    token = _grant().token
    clock.advance(seconds=60)

    with pytest.raises(Conflict) as caught:
        _open(token)

    assert caught.value.message == "That sign-in took too long. Please sign in again."
    assert _rows() == []


def test_it_refuses_a_sign_in_token_of_an_account_disabled_meanwhile(lena):
    token = _grant().token

    def disable(session):
        user = session.get(User, lena.id)
        user.status = UserStatus.DISABLED.value
        session.add(user)
        session.commit()

    with audit_hook.exempt("disables the account by hand"):
        db.run(disable)

    with pytest.raises(PermissionDenied):
        _open(token)
    assert _rows() == []


def test_it_resolves_a_live_session_to_its_user(lena):
    cookie = _signed_in()

    user, row = _resolve(cookie)

    assert user.id == lena.id
    assert row.user_id == lena.id


@pytest.mark.parametrize("cookie", [None, "", "not-a-session", "x" * 101])
def test_it_resolves_nothing_for_an_unknown_cookie(lena, cookie):
    _signed_in()

    assert _resolve(cookie) is None


def test_it_refuses_a_revoked_session(lena):
    cookie = _signed_in()
    [row] = _rows()

    db.run(sessions.sign_out, row.id, lena.id, helpers.IP)

    assert _resolve(cookie) is None


def test_it_refuses_a_session_past_its_maximum_age(lena, frozen_clock, monkeypatch):
    monkeypatch.setenv("CERS_SESSION_MAX_HOURS", "1")
    reload_settings()
    cookie = _signed_in()
    clock.advance(minutes=50)
    assert _resolve(cookie) is not None  # busy, so never idle

    clock.advance(minutes=10)

    assert _resolve(cookie) is None


def test_it_refuses_a_session_left_idle_for_two_hours(lena, frozen_clock):
    cookie = _signed_in()
    clock.advance(minutes=119)
    assert _resolve(cookie) is not None
    clock.advance(minutes=119)
    assert _resolve(cookie) is not None

    clock.advance(minutes=120)

    assert _resolve(cookie) is None


def test_it_refuses_a_session_whose_account_was_disabled(lena):
    cookie = _signed_in()

    def disable(session):
        user = session.get(User, lena.id)
        user.status = UserStatus.DISABLED.value
        session.add(user)
        session.commit()

    with audit_hook.exempt("disables the account by hand"):
        db.run(disable)

    assert _resolve(cookie) is None


def test_it_writes_last_seen_at_most_once_a_minute(lena, frozen_clock):
    cookie = _signed_in()

    clock.advance(seconds=59)
    _resolve(cookie)
    assert _rows()[0].last_seen_at == frozen_clock

    clock.advance(seconds=1)
    _resolve(cookie)
    assert _rows()[0].last_seen_at == frozen_clock + dt.timedelta(minutes=1)

    clock.advance(seconds=30)
    _resolve(cookie)
    assert _rows()[0].last_seen_at == frozen_clock + dt.timedelta(minutes=1)


def test_it_signs_out_one_session_and_audits_it(lena, frozen_clock):
    first, second = _signed_in(), _signed_in()
    row = _rows()[0]

    db.run(sessions.sign_out, row.id, lena.id, helpers.IP)

    assert _rows()[0].revoked_at == frozen_clock
    assert _resolve(first) is None
    assert _resolve(second) is not None
    [event] = helpers.audit_events("USER_SIGNED_OUT")
    assert (event.actor_user_id, event.subject_id) == (lena.id, str(row.id))
    assert event.client_ip == helpers.IP


def test_it_does_not_sign_out_another_users_session(lena, otto):
    lenas_cookie = _signed_in("lenalead")
    lenas_row = _rows()[0]

    db.run(sessions.sign_out, lenas_row.id, otto.id, helpers.IP)

    assert _resolve(lenas_cookie) is not None
    assert helpers.audit_events("USER_SIGNED_OUT") == []


def test_it_audits_a_sign_out_only_once(lena):
    _signed_in()
    row = _rows()[0]

    db.run(sessions.sign_out, row.id, lena.id, helpers.IP)
    db.run(sessions.sign_out, row.id, lena.id, helpers.IP)

    assert len(helpers.audit_events("USER_SIGNED_OUT")) == 1


def test_it_revokes_every_session_but_the_one_kept(lena, frozen_clock):
    for _ in range(3):
        _signed_in()
    kept = _rows()[1]

    revoked = db.run(
        lambda s: _in_transaction(
            s, sessions.revoke_all_sessions, lena.id, except_session_id=kept.id
        )
    )

    assert revoked == 2
    assert [row.revoked_at is None for row in _rows()] == [False, True, False]
    [event] = helpers.audit_events("USER_SESSIONS_REVOKED")
    assert event.after == {"sessions": 2}


def _in_transaction(session, fn, *args, **kwargs):
    with db.transaction(session):
        return fn(session, *args, **kwargs)
