"""Forgot username: every username of an address by email, the same answer for anyone."""

from __future__ import annotations

import pytest

from cers_app.accounts import service
from cers_app.accounts.models import User, UserStatus
from cers_app.core import clock, db
from cers_app.core.errors import Throttled, ValidationFailed
from tests import audit_hook, helpers
from tests.unit import support


def _remind(email: str) -> None:
    assert db.run(service.remind_usernames, email) is None


def test_it_emails_the_username_of_the_address(lena):
    _remind("lenalead@example.com")

    [message] = helpers.emails("username_reminder")
    assert message.to_address == "lenalead@example.com"
    assert message.user_id == lena.id
    assert message.subject == "Your OpenCERS username"
    support.assert_email_contains(
        message, "Your username is: lenalead.", "http://testserver/signin"
    )


def test_it_lists_every_username_registered_to_the_address(database):
    helpers.activated_user("lenalead", email="lena@example.com")
    helpers.register("LenaSecond", email="Lena@Example.com")  # still pending: listed too

    _remind("LENA@example.com")

    [message] = helpers.emails("username_reminder")
    support.assert_email_contains(message, "Your usernames are: lenalead, LenaSecond.")


def test_it_leaves_out_disabled_accounts(database):
    helpers.activated_user("lenalead", email="lena@example.com")
    old_id = helpers.activated_user("lenaold", email="lena@example.com")

    def disable(session):
        user = session.get(User, old_id)
        user.status = UserStatus.DISABLED.value
        session.add(user)
        session.commit()

    with audit_hook.exempt("disables the account by hand"):
        db.run(disable)

    _remind("lena@example.com")

    [message] = helpers.emails("username_reminder")
    assert "lenaold" not in message.body_text
    support.assert_email_contains(message, "Your username is: lenalead.")


def test_it_answers_the_same_for_an_unknown_address(lena):
    before = support.data_counts()

    _remind("stranger@example.com")

    assert support.data_counts() == before
    assert helpers.emails("username_reminder") == []


@pytest.mark.parametrize("email", ["", "not-an-address", "lena@"])
def test_it_refuses_an_invalid_address(database, email):
    with pytest.raises(ValidationFailed) as caught:
        db.run(service.remind_usernames, email)

    assert set(caught.value.fields) == {"email"}


def test_it_sends_at_most_three_reminders_an_hour(lena, frozen_clock):
    for _ in range(3):
        _remind("lenalead@example.com")
    with pytest.raises(Throttled, match="Try again in 60 minutes"):
        _remind("lenalead@example.com")
    assert len(helpers.emails("username_reminder")) == 3

    clock.advance(hours=1)
    _remind("lenalead@example.com")

    assert len(helpers.emails("username_reminder")) == 4
