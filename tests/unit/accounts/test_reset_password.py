"""Forgot password: a one-hour, single-use link, the security answer, and every session ended."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cers_app.access import identity
from cers_app.accounts import service, sessions
from cers_app.accounts.models import AccountToken, UserSession
from cers_app.core import clock, db
from cers_app.core.errors import Conflict, NotFound, Throttled, ValidationFailed
from cers_app.core.passwords import verify_secret
from cers_app.core.permissions import Portal
from cers_app.core.throttle import ThrottleHit
from tests import helpers
from tests.unit import support

NEW_PASSWORD = "Copper-Orchard-Summit-4"
WRONG_ANSWER = "That answer does not match the one on your account."


def _request(username: str = "lenalead") -> None:
    assert db.run(service.request_password_reset, username) is None


def _reset_token() -> str:
    return helpers.token_from(helpers.emails("password_reset")[-1])


def _reset(token: str, answer: str = helpers.ANSWER, password: str = NEW_PASSWORD, confirm=None):
    return db.run(
        service.reset_password,
        token,
        answer,
        password,
        password if confirm is None else confirm,
        client_ip=helpers.IP,
    )


def _refusal(token: str, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        _reset(token, **kwargs)
    return caught.value.fields


def _password_works(password: str) -> bool:
    try:
        helpers.sign_in("lenalead", password)
    except ValidationFailed:
        return False
    return True


def test_it_emails_a_reset_link_valid_for_one_hour(lena, frozen_clock):
    _request("LenaLead")

    [message] = helpers.emails("password_reset")
    assert (message.to_address, message.user_id) == ("lenalead@example.com", lena.id)
    assert message.subject == "Reset your OpenCERS password"
    support.assert_email_contains(
        message,
        "Hello Lena,",
        "OpenCERS account lenalead",
        "The link works once and expires in 60 minutes.",
        "http://testserver/reset-password?token=",
    )
    [token] = db.run(
        lambda s: list(
            s.exec(select(AccountToken).where(AccountToken.purpose == "password_reset")).all()
        )
    )
    assert token.expires_at == frozen_clock + dt.timedelta(hours=1)
    [event] = helpers.audit_events("USER_PASSWORD_RESET_REQUESTED")
    assert (event.actor_user_id, event.subject_id) == (None, str(lena.id))


@pytest.mark.parametrize("username", ["nobodyhere", "pendinguser"])
def test_it_answers_the_same_when_there_is_no_active_account(lena, username):
    helpers.register("pendinguser")
    before = support.data_counts()

    _request(username)

    assert support.data_counts() == before
    assert helpers.emails("password_reset") == []


@pytest.mark.parametrize("username", ["", "abc", "lena lead"])
def test_it_refuses_a_malformed_username(database, username):
    with pytest.raises(ValidationFailed) as caught:
        db.run(service.request_password_reset, username)

    assert set(caught.value.fields) == {"username"}


def test_it_sends_at_most_three_reset_links_an_hour(lena, frozen_clock):
    for _ in range(3):
        _request()
    with pytest.raises(Throttled, match="Try again in 60 minutes"):
        _request()

    assert len(helpers.emails("password_reset")) == 3


def test_it_shows_the_security_question_of_the_link(lena):
    _request()

    question = db.run(service.reset_question, _reset_token())

    assert question == "What was the name of your first pet?"


def test_it_sets_the_new_password_with_the_right_answer(lena, frozen_clock):
    _request()
    clock.advance(minutes=5)

    username = _reset(_reset_token(), answer="  BISCUIT ")

    assert username == "lenalead"
    user = helpers.user(lena.id)
    assert verify_secret(NEW_PASSWORD, user.password_hash)
    assert user.password_changed_at == clock.now()
    assert user.version == 3
    assert _password_works(NEW_PASSWORD)
    assert not _password_works(helpers.PASSWORD)
    [event] = helpers.audit_events("USER_PASSWORD_RESET")
    assert (event.actor_user_id, event.client_ip) == (lena.id, helpers.IP)
    assert event.before is None and event.after is None


def test_it_ends_every_session_of_the_account(lena):
    cookies = []
    for _ in range(2):
        grant = db.run(
            sessions.check_password,
            "lenalead",
            helpers.PASSWORD,
            Portal.BUSINESS,
            client_ip=helpers.IP,
            portal_check=identity.portal_refusal,
        )
        opened = db.run(sessions.open_session, grant.token, client_ip=helpers.IP, user_agent=None)
        cookies.append(opened.cookie_value)
    _request()

    _reset(_reset_token())

    assert all(db.run(sessions.resolve_session, cookie) is None for cookie in cookies)
    rows = db.run(lambda s: list(s.exec(select(UserSession)).all()))
    assert all(row.revoked_at is not None for row in rows)
    [event] = helpers.audit_events("USER_SESSIONS_REVOKED")
    assert event.after == {"sessions": 2}


def test_it_emails_a_notice_that_the_password_changed(lena):
    _request()

    _reset(_reset_token())

    [message] = helpers.emails("password_changed")
    assert message.to_address == "lenalead@example.com"
    assert message.subject == "Your OpenCERS password was changed"
    support.assert_email_contains(
        message, "was reset with an emailed link", "Every other signed-in session was signed out."
    )


def test_it_refuses_a_reset_link_used_twice(lena):
    _request()
    token = _reset_token()
    _reset(token)

    with pytest.raises(Conflict) as caught:
        _reset(token, password="Another-Strong-Pass-8")

    assert caught.value.message.startswith("This password reset link has already been used.")
    assert verify_secret(NEW_PASSWORD, helpers.user(lena.id).password_hash)


def test_it_refuses_a_reset_link_after_one_hour(lena, frozen_clock):
    _request()
    token = _reset_token()
    clock.advance(hours=1)

    with pytest.raises(Conflict) as caught:
        _reset(token)
    with pytest.raises(Conflict):
        db.run(service.reset_question, token)

    assert caught.value.message == "This password reset link has expired. Ask for a new one."
    assert verify_secret(helpers.PASSWORD, helpers.user(lena.id).password_hash)


def test_it_keeps_only_the_newest_reset_link(lena, frozen_clock):
    _request()
    first = _reset_token()
    _request()

    with pytest.raises(Conflict):
        _reset(first)
    _reset(_reset_token())


def test_it_refuses_an_unknown_reset_link(lena):
    with pytest.raises(NotFound):
        _reset("A" * 43)


def test_it_refuses_a_wrong_answer_and_keeps_the_password(lena):
    _request()
    token = _reset_token()

    fields = _refusal(token, answer="Rover")

    assert fields == {"security_answer": WRONG_ANSWER}
    assert verify_secret(helpers.PASSWORD, helpers.user(lena.id).password_hash)
    assert helpers.audit_events("USER_PASSWORD_RESET") == []
    assert helpers.emails("password_changed") == []
    _reset(token)  # the link still works with the right answer


def test_it_reports_a_weak_password_and_a_wrong_answer_together(lena):
    _request()

    fields = _refusal(_reset_token(), answer="Rover", password="Password1", confirm="Password2")

    assert set(fields) == {"password", "password_confirm", "security_answer"}
    # Lena's sign-up, the request (per client, per username, per inbox), and the wrong answer.
    assert support.count(ThrottleHit) == 1 + 3 + 1


@pytest.mark.parametrize(
    ("password", "confirm", "field"),
    [
        ("short1A", "short1A", "password"),
        ("Lenalead2026", "Lenalead2026", "password"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "password_confirm"),
    ],
)
def test_it_applies_the_password_rules(lena, password, confirm, field):
    _request()

    fields = _refusal(_reset_token(), password=password, confirm=confirm)

    assert set(fields) == {field}


def test_it_locks_resets_after_five_wrong_answers(lena, frozen_clock):
    _request()
    token = _reset_token()
    for _ in range(5):
        assert _refusal(token, answer="Rover") == {"security_answer": WRONG_ANSWER}

    with pytest.raises(Throttled) as caught:
        _reset(token)

    assert caught.value.message == "Too many wrong answers. Try again in 15 minutes."
    assert verify_secret(helpers.PASSWORD, helpers.user(lena.id).password_hash)


def test_it_opens_resets_again_after_15_minutes(lena, frozen_clock):
    _request()
    token = _reset_token()
    for _ in range(5):
        _refusal(token, answer="Rover")

    clock.advance(minutes=15)

    assert _reset(token) == "lenalead"
