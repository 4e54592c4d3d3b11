"""Resend activation: a new link for a pending account, silence for anything else, throttled."""

from __future__ import annotations

import pytest

from cers_app.accounts import service
from cers_app.accounts.models import UserStatus
from cers_app.core import clock, db
from cers_app.core.errors import Conflict, Throttled, ValidationFailed
from tests import helpers
from tests.unit import support


def _resend(who: str) -> None:
    assert db.run(service.resend_activation, who) is None


@pytest.mark.parametrize("who", ["lenalead", "LENALEAD", " lenalead ", "LenaLead@Example.com"])
def test_it_sends_a_new_link_by_username_or_email(database, who):
    user_id = helpers.register("lenalead")

    _resend(who)

    first, second = helpers.emails("activation")
    assert second.to_address == "lenalead@example.com"
    assert second.user_id == user_id
    support.assert_email_contains(second, "username lenalead", "expires in 48 hours")
    assert helpers.token_from(second) != helpers.token_from(first)


def test_it_makes_only_the_newest_link_work(database):
    user_id = helpers.register("lenalead")
    _resend("lenalead")
    first, second = (helpers.token_from(m) for m in helpers.emails("activation"))

    with pytest.raises(Conflict):
        db.run(service.activate, first)
    assert helpers.user(user_id).status == UserStatus.PENDING

    db.run(service.activate, second)
    assert helpers.user(user_id).status == UserStatus.ACTIVE


@pytest.mark.parametrize("who", ["nobodyhere", "nobody@example.com"])
def test_it_answers_the_same_for_an_unknown_account(database, who):
    helpers.register("lenalead")
    before = support.data_counts()

    _resend(who)

    assert support.data_counts() == before
    assert len(helpers.emails()) == 1


def test_it_sends_nothing_for_an_account_already_active(database):
    helpers.activated_user("lenalead")

    _resend("lenalead")

    assert len(helpers.emails("activation")) == 1


@pytest.mark.parametrize("who", ["", "   ", "x" * 255])
def test_it_asks_for_a_username_or_email(database, who):
    with pytest.raises(ValidationFailed) as caught:
        db.run(service.resend_activation, who)

    assert caught.value.fields == {"who": "Enter your username or email address."}


def test_it_sends_at_most_three_links_an_hour_to_one_address(database, frozen_clock):
    helpers.register("lenalead")
    for _ in range(3):
        _resend("lenalead")
        clock.advance(minutes=10)

    with pytest.raises(Throttled, match="Try again in 50 minutes"):
        _resend("lenalead")

    assert len(helpers.emails("activation")) == 1 + 3


def test_it_sends_again_once_the_hour_has_passed(database, frozen_clock):
    helpers.register("lenalead")
    for _ in range(3):
        _resend("lenalead")
    with pytest.raises(Throttled):
        _resend("lenalead")
    assert len(helpers.emails("activation")) == 4

    clock.advance(hours=1)
    _resend("lenalead")

    assert len(helpers.emails("activation")) == 5


def test_it_counts_the_limit_per_address(database, frozen_clock):
    helpers.register("lenalead")
    helpers.register("ottoowens", first_name="Otto")
    for _ in range(3):
        _resend("lenalead")

    _resend("ottoowens")

    assert [m.to_address for m in helpers.emails("activation")][-1] == "ottoowens@example.com"
    assert len(helpers.emails("activation", to="ottoowens@example.com")) == 2
