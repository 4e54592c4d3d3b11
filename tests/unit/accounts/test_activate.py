"""Activation: the emailed link turns a pending account active, once, within 48 hours."""

from __future__ import annotations

import pytest

from cers_app.access import identity
from cers_app.accounts import service, sessions
from cers_app.accounts.models import UserStatus
from cers_app.core import clock, db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied
from cers_app.core.permissions import Portal
from tests import helpers


def _activation_token() -> str:
    return helpers.token_from(helpers.emails("activation")[-1])


def test_it_activates_the_account_of_the_link(database, frozen_clock):
    user_id = helpers.register("lenalead")
    clock.advance(hours=3)

    username = db.run(service.activate, _activation_token())

    assert username == "lenalead"
    user = helpers.user(user_id)
    assert user.status == UserStatus.ACTIVE
    assert user.activated_at == clock.now()
    assert user.version == 2
    [event] = helpers.audit_events("USER_ACTIVATED")
    assert (event.actor_user_id, event.subject_id) == (user_id, str(user_id))
    assert event.at == clock.now()


def test_it_refuses_to_sign_in_before_activation(database):
    helpers.register("lenalead")

    with pytest.raises(PermissionDenied) as caught:
        db.run(
            sessions.check_password,
            "lenalead",
            helpers.PASSWORD,
            Portal.BUSINESS,
            client_ip=helpers.IP,
            portal_check=identity.portal_refusal,
        )

    assert "not activated yet" in caught.value.message
    assert "activation email" in caught.value.message


def test_it_signs_in_after_activation(database):
    user_id = helpers.activated_user("lenalead")

    actor = helpers.sign_in("lenalead")

    assert actor.user_id == user_id


def test_it_refuses_an_activation_link_used_twice(database):
    user_id = helpers.register("lenalead")
    token = _activation_token()
    db.run(service.activate, token)

    with pytest.raises(Conflict) as caught:
        db.run(service.activate, token)

    assert caught.value.message.startswith("This activation link has already been used.")
    assert helpers.user(user_id).version == 2
    assert len(helpers.audit_events("USER_ACTIVATED")) == 1


def test_it_accepts_the_link_just_before_48_hours(database, frozen_clock):
    user_id = helpers.register("lenalead")
    clock.advance(hours=47, minutes=59)

    db.run(service.activate, _activation_token())

    assert helpers.user(user_id).status == UserStatus.ACTIVE


def test_it_refuses_an_expired_activation_link(database, frozen_clock):
    user_id = helpers.register("lenalead")
    clock.advance(hours=48)

    with pytest.raises(Conflict) as caught:
        db.run(service.activate, _activation_token())

    assert caught.value.message == "This activation link has expired. Ask for a new one below."
    assert helpers.user(user_id).status == UserStatus.PENDING
    assert helpers.audit_events("USER_ACTIVATED") == []


@pytest.mark.parametrize("token", ["", "short", "x" * 101, "A" * 43])
def test_it_refuses_a_link_that_is_not_one_of_ours(database, token):
    helpers.register("lenalead")

    with pytest.raises(NotFound) as caught:
        db.run(service.activate, token)

    assert "This link is not valid." in caught.value.message


def test_it_refuses_a_reset_link_used_as_an_activation_link(database):
    helpers.activated_user("lenalead")
    db.run(service.request_password_reset, "lenalead")
    reset_token = helpers.token_from(helpers.emails("password_reset")[-1])

    with pytest.raises(NotFound):
        db.run(service.activate, reset_token)
