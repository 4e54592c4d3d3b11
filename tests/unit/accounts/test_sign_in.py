"""Sign-in, steps one and two: the phrase, the password, lockouts and portal checks."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cers_app.access import identity
from cers_app.accounts import sessions
from cers_app.accounts.models import AccountToken, User, UserStatus
from cers_app.core import clock, db
from cers_app.core.errors import PermissionDenied, Throttled, ValidationFailed
from cers_app.core.passwords import verify_secret
from cers_app.core.permissions import Portal
from cers_app.core.settings import reload_settings
from cers_app.core.tokens import hash_token
from tests import audit_hook, helpers

NO_AGENCY_ROLE = (
    "This account has no role in a regulator agency. Sign in through the Business Portal, "
    "or ask your agency administrator for access."
)


def _check(username: str, password: str = helpers.PASSWORD, *, ip: str = helpers.IP, portal=None):
    return db.run(
        sessions.check_password,
        username,
        password,
        portal or Portal.BUSINESS,
        client_ip=ip,
        portal_check=identity.portal_refusal,
    )


def _refusal(username: str, password: str, *, ip: str = helpers.IP) -> str:
    with pytest.raises(ValidationFailed) as caught:
        _check(username, password, ip=ip)
    assert set(caught.value.fields) == {"password"}
    return caught.value.fields["password"]


def _set_status(user_id: int, status: UserStatus) -> None:
    def change(session):
        user = session.get(User, user_id)
        user.status = status.value
        session.add(user)
        session.commit()

    with audit_hook.exempt("sets the account status by hand"):
        db.run(change)


# Step one: the password protection phrase


def test_it_shows_the_real_phrase_of_a_known_username(lena):
    assert db.run(sessions.sign_in_phrase, "lenalead") == "sunflowers by the window"
    assert db.run(sessions.sign_in_phrase, "LenaLead") == "sunflowers by the window"


def test_it_shows_the_same_decoy_phrase_each_time_for_an_unknown_username(lena):
    first = db.run(sessions.sign_in_phrase, "nobodyhere")
    second = db.run(sessions.sign_in_phrase, "NOBODYHERE")

    assert first == second
    assert first != "sunflowers by the window"
    assert len(first.split()) >= 3


def test_it_shows_different_decoys_for_different_unknown_usernames(database):
    names = ["nobodyhere", "ghostuser", "phantom42", "mallory", "intruder7", "guessing1"]

    decoys = {db.run(sessions.sign_in_phrase, name) for name in names}

    assert len(decoys) >= len(names) - 1


def test_it_derives_decoys_from_the_secret_key_so_they_cannot_be_precomputed(database, monkeypatch):
    before = [db.run(sessions.sign_in_phrase, f"nobody{n}") for n in range(6)]
    monkeypatch.setenv("CERS_SECRET_KEY", "another-secret-key-that-is-long-enough-9876")
    reload_settings()

    after = [db.run(sessions.sign_in_phrase, f"nobody{n}") for n in range(6)]

    assert before != after


@pytest.mark.parametrize("username", ["", "abc", "has space", "semi;colon1"])
def test_it_refuses_a_malformed_username_at_step_one(database, username):
    with pytest.raises(ValidationFailed) as caught:
        db.run(sessions.sign_in_phrase, username)

    assert set(caught.value.fields) == {"username"}


# Step two: the password


def test_it_grants_a_sign_in_token_for_the_right_password(lena, frozen_clock):
    grant = _check("LENALEAD")

    assert (grant.user_id, grant.portal) == (lena.id, Portal.BUSINESS)
    [token] = db.run(
        lambda s: list(s.exec(select(AccountToken).where(AccountToken.purpose == "sign_in")).all())
    )
    assert token.token_hash == hash_token(grant.token)
    assert token.payload == "business"
    assert token.expires_at == frozen_clock + dt.timedelta(seconds=60)


def test_it_gives_the_same_answer_for_a_wrong_password_and_an_unknown_username(lena):
    wrong_password = [_refusal("lenalead", "Wrong-Password-1") for _ in range(5)]
    unknown_user = [_refusal("nobodyhere", "Wrong-Password-1") for _ in range(5)]

    assert wrong_password == unknown_user
    assert wrong_password[0] == sessions.WRONG_PASSWORD


def test_it_warns_before_the_lock_closes(lena):
    messages = [_refusal("lenalead", "Wrong-Password-1") for _ in range(5)]

    assert messages[:2] == [sessions.WRONG_PASSWORD] * 2
    assert messages[2].endswith("2 attempts left before a 15-minute lock.")
    assert messages[3].endswith("1 attempt left before a 15-minute lock.")
    assert messages[4].endswith("Too many failed sign-ins: try again in 15 minutes.")


def test_it_audits_a_wrong_password_for_a_real_account(lena, frozen_clock):
    _refusal("lenalead", "Wrong-Password-1")
    _refusal("nobodyhere", "Wrong-Password-1")

    [event] = helpers.audit_events("USER_SIGN_IN_FAILED")
    assert event.actor_user_id is None
    assert (event.subject_type, event.subject_id) == ("user", str(lena.id))
    assert event.client_ip == helpers.IP
    assert helpers.PASSWORD not in repr(event.model_dump())


def test_it_locks_a_username_and_address_after_five_wrong_passwords(lena, frozen_clock):
    for _ in range(5):
        _refusal("lenalead", "Wrong-Password-1")

    with pytest.raises(Throttled) as caught:
        _check("lenalead")  # even the right password is refused during the lock

    assert caught.value.message == "Too many failed sign-ins. Try again in 15 minutes."
    assert caught.value.retry_after_seconds == 15 * 60


def test_it_keeps_the_lock_to_that_address_and_that_username(lena, otto, frozen_clock):
    for _ in range(5):
        _refusal("lenalead", "Wrong-Password-1")

    assert _check("lenalead", ip="198.51.100.20").user_id == lena.id
    assert _check("ottoowens").user_id == otto.id


def test_it_opens_the_lock_after_15_minutes(lena, frozen_clock):
    for _ in range(5):
        _refusal("lenalead", "Wrong-Password-1")
    clock.advance(minutes=14)
    with pytest.raises(Throttled) as caught:
        _check("lenalead")
    assert caught.value.message == "Too many failed sign-ins. Try again in 1 minute."

    clock.advance(minutes=1)

    assert _check("lenalead").user_id == lena.id


def test_it_clears_the_address_counter_on_success(lena, frozen_clock):
    for _ in range(4):
        _refusal("lenalead", "Wrong-Password-1")
    _check("lenalead")

    messages = [_refusal("lenalead", "Wrong-Password-1") for _ in range(4)]

    assert messages[-1].endswith("1 attempt left before a 15-minute lock.")
    assert _check("lenalead").user_id == lena.id


def test_it_caps_wrong_passwords_for_a_username_from_any_address(lena, frozen_clock):
    addresses = [f"198.51.100.{n}" for n in range(1, 5)]
    for address in addresses:
        for _ in range(5):
            _refusal("lenalead", "Wrong-Password-1", ip=address)
            clock.advance(seconds=30)

    with pytest.raises(Throttled) as caught:
        _check("lenalead", ip="192.0.2.99")

    assert caught.value.message.startswith("Too many failed sign-ins. Try again in")
    assert caught.value.retry_after_seconds == 60 * 60 - 30


def test_it_lifts_the_username_cap_an_hour_after_the_last_wrong_password(lena, frozen_clock):
    for address in [f"198.51.100.{n}" for n in range(1, 5)]:
        for _ in range(5):
            _refusal("lenalead", "Wrong-Password-1", ip=address)
    clock.advance(minutes=59)
    with pytest.raises(Throttled):
        _check("lenalead", ip="192.0.2.99")

    clock.advance(minutes=1)

    assert _check("lenalead", ip="192.0.2.99").user_id == lena.id


def test_it_does_not_cap_the_username_below_twenty_failures(lena, frozen_clock):
    for address in [f"198.51.100.{n}" for n in range(1, 4)]:
        for _ in range(5):
            _refusal("lenalead", "Wrong-Password-1", ip=address)
    for _ in range(4):
        _refusal("lenalead", "Wrong-Password-1", ip="198.51.100.9")

    assert _check("lenalead", ip="192.0.2.99").user_id == lena.id


def test_it_refuses_a_disabled_account(lena):
    _set_status(lena.id, UserStatus.DISABLED)

    with pytest.raises(PermissionDenied) as caught:
        _check("lenalead")

    assert caught.value.message == (
        "This account is disabled. Contact your local regulator for help."
    )


def test_it_asks_for_a_password(lena):
    with pytest.raises(ValidationFailed) as caught:
        _check("lenalead", "")

    assert caught.value.fields == {"password": "Enter your password."}


def test_it_refuses_an_overlong_password_without_hashing_it(lena):
    with pytest.raises(ValidationFailed) as caught:
        _check("lenalead", "A1" * 101)

    assert caught.value.fields == {"password": sessions.WRONG_PASSWORD}


def test_it_refuses_the_regulator_portal_without_an_agency_role(lena):
    with pytest.raises(PermissionDenied) as caught:
        _check("lenalead", portal=Portal.REGULATOR)

    assert caught.value.message == NO_AGENCY_ROLE
    assert db.run(identity.portal_refusal, lena.id, Portal.REGULATOR) == NO_AGENCY_ROLE
    assert db.run(identity.portal_refusal, lena.id, Portal.BUSINESS) is None


def test_it_lets_a_regulator_into_the_regulator_portal(rita):
    grant = _check("ritaramos", portal=Portal.REGULATOR)

    assert (grant.user_id, grant.portal) == (rita.id, Portal.REGULATOR)


def test_it_lets_a_system_admin_into_the_regulator_portal_without_an_agency(admin):
    grant = _check("adminsam", portal=Portal.REGULATOR)

    assert grant.user_id == admin.id


def test_it_rehashes_the_password_when_the_cost_setting_changes(lena, monkeypatch):
    assert helpers.user(lena.id).password_hash.startswith("$2b$04$")
    monkeypatch.setenv("CERS_BCRYPT_ROUNDS", "5")
    reload_settings()

    _check("lenalead")

    new_hash = helpers.user(lena.id).password_hash
    assert new_hash.startswith("$2b$05$")
    assert verify_secret(helpers.PASSWORD, new_hash)


def test_it_counts_parallel_wrong_passwords_one_at_a_time(lena, frozen_clock):
    import threading

    from cers_app.core import throttle

    attempts = 12
    start = threading.Barrier(attempts)
    outcomes: list[str] = []

    def guess() -> None:
        start.wait()
        try:
            _check("lenalead", "Wrong-Password-1")
        except Throttled:
            outcomes.append("locked")
        except ValidationFailed:
            outcomes.append("wrong")

    threads = [threading.Thread(target=guess) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    counted = db.run(
        lambda s: s.exec(
            select(throttle.ThrottleHit).where(
                throttle.ThrottleHit.bucket == throttle.SIGN_IN_PER_CLIENT.bucket
            )
        ).all()
    )
    # Only five guesses ever reach the password check; every later one finds the lock shut.
    assert sorted(outcomes) == ["locked"] * (attempts - 5) + ["wrong"] * 5
    assert len(counted) == 5
