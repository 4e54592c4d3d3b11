"""Rate limits on the anonymous account forms, per client address and per account or address:
each limited request is told when to try again and changes nothing else; being limited tells
nothing about which accounts exist."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from cers_app.access import identity
from cers_app.accounts import service, sessions
from cers_app.core import clock, db, throttle
from cers_app.core.errors import Throttled, ValidationFailed
from cers_app.core.permissions import Portal
from tests import helpers
from tests.security.report import tally
from tests.unit import support

HERE = "198.51.100.20"
ELSEWHERE = "198.51.100.21"
TRY_AGAIN = re.compile(r"Try again in \d+ minutes?\.$")


def _sign_in(username: str, password: str, ip: str = HERE) -> sessions.SignInGrant:
    return db.run(
        sessions.check_password,
        username,
        password,
        Portal.BUSINESS,
        client_ip=ip,
        portal_check=identity.portal_refusal,
    )


def _limited(fn, *args, **kwargs) -> str:
    """Call `fn` expecting the limit; checks that nothing but the refusal happened."""
    before = support.table_counts()
    with pytest.raises(Throttled) as caught:
        db.run(fn, *args, **kwargs)
    assert support.table_counts() == before, "a limited request changes nothing"
    assert TRY_AGAIN.search(caught.value.message), caught.value.message
    assert caught.value.retry_after_seconds > 0
    tally("http", "refused")
    return caught.value.message


def test_sign_in_is_limited_per_client_over_many_usernames(lena, frozen_clock) -> None:
    for number in range(throttle.SIGN_IN_PER_ADDRESS.max_hits):
        with pytest.raises(ValidationFailed):
            _sign_in(f"guess{number:03d}", "Wrong-Password-1")

    message = _limited(
        sessions.check_password,
        "lenalead",
        helpers.PASSWORD,
        Portal.BUSINESS,
        client_ip=HERE,
        portal_check=identity.portal_refusal,
    )

    assert message == "Too many failed sign-ins. Try again in 60 minutes."
    assert _sign_in("lenalead", helpers.PASSWORD, ELSEWHERE).token, "another client is not held"
    clock.advance(hours=1, seconds=1)
    assert _sign_in("lenalead", helpers.PASSWORD).token
    tally("http", "allowed", 2)


def test_sign_in_is_still_limited_per_account_from_anywhere(lena, frozen_clock) -> None:
    for number in range(throttle.SIGN_IN_PER_ACCOUNT.max_hits):
        with pytest.raises(ValidationFailed):
            _sign_in("lenalead", "Wrong-Password-1", ip=f"192.0.2.{number}")

    _limited(
        sessions.check_password,
        "lenalead",
        helpers.PASSWORD,
        Portal.BUSINESS,
        client_ip=ELSEWHERE,
        portal_check=identity.portal_refusal,
    )


@pytest.mark.parametrize(
    ("request_fn", "name"),
    [
        (service.request_password_reset, lambda n: f"someone{n:02d}"),
        (service.remind_usernames, lambda n: f"someone{n:02d}@example.com"),
        (service.resend_activation, lambda n: f"someone{n:02d}"),
    ],
    ids=["password-reset", "username-recovery", "resend-activation"],
)
def test_account_email_requests_are_limited_per_client(
    lena, frozen_clock, request_fn, name
) -> None:
    for number in range(throttle.ACCOUNT_REQUESTS_PER_CLIENT.max_hits):
        db.run(request_fn, name(number), client_ip=HERE)
    sent = len(helpers.emails())

    message = _limited(request_fn, name(99), client_ip=HERE)

    assert message.startswith("Too many requests for account emails.")
    assert len(helpers.emails()) == sent
    db.run(request_fn, name(99), client_ip=ELSEWHERE)
    tally("http", "allowed")


@pytest.mark.parametrize(
    ("request_fn", "known", "unknown"),
    [
        (service.request_password_reset, "lenalead", "nobodyhere"),
        (service.remind_usernames, "lenalead@example.com", "nobody@example.com"),
    ],
    ids=["password-reset", "username-recovery"],
)
def test_account_email_requests_are_limited_per_address_the_same_for_any_address(
    lena, frozen_clock, request_fn, known, unknown
) -> None:
    messages = []
    for wanted in (known, unknown):
        for number in range(throttle.ACCOUNT_REQUESTS_PER_NAME.max_hits):
            db.run(request_fn, wanted, client_ip=f"192.0.2.{number}")
        messages.append(_limited(request_fn, wanted, client_ip=ELSEWHERE))

    assert messages[0] == messages[1], "the answer must not tell whether the account exists"
    assert messages[0] == "Too many requests for this account. Try again in 60 minutes."


def test_sign_up_is_limited_per_client_refused_attempts_included(database, frozen_clock) -> None:
    for number in range(throttle.SIGN_UP_PER_CLIENT.max_hits):
        bad = helpers.registration(f"user{number:03d}", first_name="")
        with pytest.raises(ValidationFailed):
            db.run(service.register, bad, client_ip=HERE)

    good = helpers.registration("lenalead")
    message = _limited(service.register, good, client_ip=HERE)

    assert message == "Too many sign-up attempts. Try again in 60 minutes."
    assert helpers.emails() == []
    assert db.run(service.register, replace(good), client_ip=ELSEWHERE)
    tally("http", "allowed")
