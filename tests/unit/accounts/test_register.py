"""Create Account: every field rule, the activation email, the audit row, nothing on refusal."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace

import pytest
from sqlmodel import select

from cers_app.accounts import rules, service
from cers_app.accounts.conditions import VERSION
from cers_app.accounts.models import AccountToken, ConditionsAcceptance, User, UserStatus
from cers_app.core import db
from cers_app.core.errors import ValidationFailed
from cers_app.core.passwords import verify_secret
from cers_app.core.tokens import hash_token
from tests import helpers
from tests.unit import support

REFUSED_FIELDS = [
    ("first_name", "", "Enter your first name."),
    ("first_name", "   ", "Enter your first name."),
    ("first_name", "L" * 51, "First name must be at most 50 characters."),
    ("first_name", "Le\x00na", "First name contains characters that are not allowed."),
    ("last_name", "", "Enter your last name."),
    ("last_name", "L" * 51, "Last name must be at most 50 characters."),
    ("email", "", "Enter an email address."),
    ("email", "lena.example.com", "Enter a valid email address"),
    ("email", "lena@", "Enter a valid email address"),
    ("username", "", "Enter a username."),
    ("username", "lena", "Username must be 5-16 letters or digits"),
    ("username", "l" * 17, "Username must be 5-16 letters or digits"),
    ("username", "lena lead", "Username must be 5-16 letters or digits"),
    ("username", "lena_lead", "Username must be 5-16 letters or digits"),
    ("username", "lena.lead", "Username must be 5-16 letters or digits"),
    ("username", "lenaléad", "Username must be 5-16 letters or digits"),
    ("security_question", "", "Choose a security question from the list."),
    ("security_question", "favorite_color", "Choose a security question from the list."),
    ("security_answer", "", "Enter an answer of at least 2 characters."),
    ("security_answer", " x ", "Enter an answer of at least 2 characters."),
    ("security_answer", "a" * 101, "The answer must be at most 100 characters."),
    ("phrase", "ab", "Enter a password protection phrase of at least 3 characters."),
    ("phrase", "p" * 101, "The phrase must be at most 100 characters."),
    ("phrase", "sun\x07flowers", "The phrase contains characters that are not allowed."),
]

REFUSED_PASSWORDS = [
    ("", "Enter a password."),
    ("Short1A", "Password must be at least 8 characters long."),
    ("meadow-lantern-quiet-7", "Password must contain at least one capital letter (A-Z)."),
    ("Meadow-Lantern-Quiet", "Password must contain at least one digit."),
    ("Password1", "This is a very common password."),
    ("Qwerty123", "This is a very common password."),
    ("P@ssw0rd1", "This is similar to a commonly used password."),
    ("Meadow-Lantern\n-7", "Password must not contain control characters."),
    ("Meadow-Lantern-7" + "é" * 30, "Password must be at most 72 bytes long."),
]


def _refusal(data) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        db.run(service.register, data, client_ip=helpers.IP)
    return caught.value


@pytest.mark.parametrize(("field", "value", "message"), REFUSED_FIELDS)
def test_it_refuses_each_invalid_field_and_writes_nothing(database, field, value, message):
    error = _refusal(replace(helpers.registration(), **{field: value}))

    assert set(error.fields) == {field}
    assert error.fields[field].startswith(message)
    assert error.message == error.fields[field]
    assert not any(support.data_counts().values())


@pytest.mark.parametrize(("password", "message"), REFUSED_PASSWORDS)
def test_it_refuses_a_password_that_breaks_a_rule(database, password, message):
    error = _refusal(helpers.registration(password=password, password_confirm=password))

    assert set(error.fields) == {"password"}
    assert message in error.fields["password"]
    assert not any(support.data_counts().values())


def test_it_refuses_a_password_built_from_the_persons_own_words(database):
    # Strong enough for a stranger, but made of lena's username: easy to guess for anyone
    # who knows her.
    assert rules.check_password("Lenalead2026") is None

    error = _refusal(helpers.registration(password="Lenalead2026", password_confirm="Lenalead2026"))

    assert set(error.fields) == {"password"}
    assert error.fields["password"].startswith("Choose a stronger password.")


def test_it_refuses_a_password_confirmation_that_does_not_match(database):
    error = _refusal(helpers.registration(password_confirm=helpers.PASSWORD + "x"))

    assert error.fields == {"password_confirm": "The two passwords do not match."}


@pytest.mark.parametrize("version", ["", "2020-01", VERSION + " "])
def test_it_refuses_to_register_without_accepting_the_current_conditions(database, version):
    error = _refusal(helpers.registration(accepted_conditions_version=version))

    assert error.fields == {
        "accept_conditions": "You must accept the conditions of use to create an account."
    }
    assert support.count(User) == 0


def test_it_reports_every_problem_at_once(database):
    data = helpers.registration(
        first_name="",
        last_name="",
        email="nowhere",
        username="x!",
        password="short",
        password_confirm="different",
        security_question="shoe_size",
        security_answer="",
        phrase="",
        accepted_conditions_version="",
    )

    error = _refusal(data)

    assert set(error.fields) == {
        "first_name",
        "last_name",
        "email",
        "username",
        "password",
        "password_confirm",
        "security_question",
        "security_answer",
        "phrase",
        "accept_conditions",
    }
    assert error.message == "Please correct the highlighted fields."
    assert not any(support.data_counts().values())


@pytest.mark.parametrize("username", ["lena5", "L" * 16, "LENALEAD", "2026lena"])
def test_it_accepts_usernames_of_5_to_16_letters_or_digits(database, username):
    user_id = helpers.register(username, email="lena@example.com")

    assert helpers.user(user_id).username == username


def test_it_stores_a_pending_account_with_hashed_secrets(database, frozen_clock):
    data = helpers.registration(
        "LenaLead",
        first_name="  Lena ",
        last_name=" Lopez  ",
        email="  Lena.Lopez@EXAMPLE.com ",
        security_answer="  Biscuit   the  Dog ",
        phrase="  sunflowers by the window ",
    )

    user_id = db.run(service.register, data, client_ip=helpers.IP)

    user = helpers.user(user_id)
    assert (user.username, user.username_key) == ("LenaLead", "lenalead")
    assert (user.first_name, user.last_name) == ("Lena", "Lopez")
    assert user.email == "Lena.Lopez@example.com"
    assert user.phrase == "sunflowers by the window"
    assert user.status == UserStatus.PENDING
    assert user.created_at == frozen_clock
    assert user.password_changed_at == frozen_clock
    assert user.activated_at is None
    assert not user.is_system_admin
    assert helpers.PASSWORD not in user.password_hash
    assert verify_secret(helpers.PASSWORD, user.password_hash)
    # Answers match regardless of case and spacing.
    assert verify_secret("biscuit the dog", user.security_answer_hash)


def test_it_refuses_a_username_that_differs_only_in_case(database):
    helpers.register("lenalead")
    before = support.data_counts()

    error = _refusal(helpers.registration("LenaLEAD", email="other@example.com"))

    assert error.fields == {"username": service.USERNAME_TAKEN}
    assert support.data_counts() == before


def test_it_turns_a_lost_race_for_a_username_into_a_field_error(database, monkeypatch):
    helpers.register("lenalead")
    before = support.data_counts()
    # The other sign-up commits between our check and our insert: the check sees nothing,
    # and the unique index has the last word.
    monkeypatch.setattr(service, "_username_taken", lambda *args, **kwargs: False)

    error = _refusal(helpers.registration("LENALEAD", email="second@example.com"))

    assert error.fields == {"username": service.USERNAME_TAKEN}
    assert support.data_counts() == before


def test_it_records_the_accepted_conditions_version(database, frozen_clock):
    user_id = helpers.register("lenalead")

    [acceptance] = db.run(lambda s: list(s.exec(select(ConditionsAcceptance)).all()))
    assert acceptance.user_id == user_id
    assert acceptance.version == VERSION
    assert acceptance.accepted_at == frozen_clock
    assert acceptance.client_ip == helpers.IP


def test_it_audits_the_registration_without_secrets(database, frozen_clock):
    user_id = helpers.register("lenalead")

    [event] = helpers.audit_events()
    assert event.event == "USER_REGISTERED"
    assert event.actor_user_id == user_id
    assert (event.subject_type, event.subject_id) == ("user", str(user_id))
    assert event.before is None
    assert event.after == {"username": "lenalead", "email": "lenalead@example.com"}
    assert event.client_ip == helpers.IP
    assert event.at == frozen_clock


def test_it_emails_a_single_use_activation_link_valid_for_48_hours(database, frozen_clock):
    user_id = helpers.register("lenalead")

    [message] = helpers.emails()
    assert message.kind == "activation"
    assert message.to_address == "lenalead@example.com"
    assert message.user_id == user_id
    assert message.subject == "Activate your OpenCERS account"
    assert message.status == "sent"
    support.assert_email_contains(
        message,
        "Hello Lena,",
        "username lenalead",
        "The link works once and expires in 48 hours.",
        "http://testserver/activate?token=",
    )
    raw = helpers.token_from(message)
    [token] = db.run(lambda s: list(s.exec(select(AccountToken)).all()))
    assert token.purpose == "activation"
    assert token.token_hash == hash_token(raw)
    assert raw not in repr(token.model_dump())
    assert token.expires_at == frozen_clock + dt.timedelta(hours=48)
    assert token.used_at is None


def test_it_sends_nothing_when_the_registration_is_refused(database):
    _refusal(replace(helpers.registration(), password_confirm="nope"))

    assert helpers.emails() == []


def test_it_lets_only_one_of_two_simultaneous_sign_ups_have_a_username(database, monkeypatch):
    # Both sign-ups pass the "is it taken?" check before either inserts: a real race,
    # decided by the unique index, whose loser gets the ordinary field message.
    both_checked = threading.Barrier(2, timeout=10)
    real_check = service._username_taken

    def check_then_wait(session, username, except_user_id=None):
        taken = real_check(session, username, except_user_id)
        both_checked.wait()
        return taken

    monkeypatch.setattr(service, "_username_taken", check_then_wait)
    outcomes: list[object] = []

    def sign_up(email: str) -> None:
        try:
            outcomes.append(helpers.register("lenalead", email=email))
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever was raised
            outcomes.append(exc)

    threads = [threading.Thread(target=sign_up, args=(f"lena{n}@example.com",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    [winner] = [o for o in outcomes if isinstance(o, int)]
    [loser] = [o for o in outcomes if not isinstance(o, int)]
    assert isinstance(loser, ValidationFailed), repr(loser)
    assert loser.fields == {"username": service.USERNAME_TAKEN}
    assert support.count(User) == 1
    assert [m.user_id for m in helpers.emails()] == [winner]
