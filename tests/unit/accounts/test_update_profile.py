"""Edit My Profile: each field, who must confirm what, stale edits, audit and notices."""

from __future__ import annotations

import threading
from dataclasses import asdict, replace

import pytest

from cers_app.accounts import service
from cers_app.accounts.views import ProfileChange
from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.passwords import verify_secret
from tests import helpers
from tests.unit import support

NEEDS_PASSWORD = "Enter your current password to change your email address or security question."


@pytest.fixture
def actor(lena):
    return helpers.sign_in("lenalead")


def _form(actor, **overrides) -> ProfileChange:
    """The form as the page shows it for `actor`, with `overrides` typed in."""
    view = db.run(service.get_profile, actor)
    fields = {
        "username": view.username,
        "first_name": view.first_name,
        "last_name": view.last_name,
        "email": view.email,
        "security_question": view.security_question,
        "security_answer": "",
        "phrase": view.phrase,
        "current_password": "",
        "version": view.version,
    }
    fields.update(overrides)
    return ProfileChange(**fields)


def _save(actor, change: ProfileChange):
    return db.run(service.update_profile, actor, change)


def _refusal(actor, change: ProfileChange) -> dict[str, str]:
    before = support.table_counts()
    with pytest.raises(ValidationFailed) as caught:
        _save(actor, change)
    assert support.table_counts() == before
    return caught.value.fields


def test_it_shows_the_users_own_profile(frozen_clock, lena, actor):
    view = db.run(service.get_profile, actor)

    assert asdict(view) == {
        "username": "lenalead",
        "first_name": "Lena",
        "last_name": "Lopez",
        "email": "lenalead@example.com",
        "pending_email": "",
        "security_question": "first_pet",
        "phrase": "sunflowers by the window",
        "version": 2,
        "member_since": "Nov 20, 2026 9:00 AM PST",
        "last_sign_in": "Nov 20, 2026 9:00 AM PST",
    }


@pytest.mark.parametrize(
    ("field", "value", "label"),
    [
        ("first_name", "Elena", "first name"),
        ("last_name", "Lopez-Garcia", "last name"),
        ("phrase", "tulips on the porch", "password protection phrase"),
        ("username", "lenalopez", "username"),
    ],
)
def test_it_saves_each_plain_field_with_audit_and_notice(lena, actor, field, value, label):
    old = getattr(helpers.user(lena.id), field)

    view = _save(actor, _form(actor, **{field: f"  {value} "}))

    assert getattr(view, field) == value
    assert view.version == 3
    assert getattr(helpers.user(lena.id), field) == value
    [event] = helpers.audit_events("USER_PROFILE_CHANGED")
    assert (event.actor_user_id, event.subject_id) == (lena.id, str(lena.id))
    assert event.before == {field: old}
    assert event.after == {field: value}
    assert event.client_ip == helpers.IP
    [notice] = helpers.emails("profile_changed")
    assert notice.to_address == "lenalead@example.com"
    support.assert_email_contains(
        notice, f"These details of your OpenCERS account were changed: {label}."
    )


def test_it_signs_in_with_the_new_username_only(lena, actor):
    _save(actor, _form(actor, username="LenaLopez"))

    assert helpers.sign_in("lenalopez").user_id == lena.id
    assert helpers.user(lena.id).username_key == "lenalopez"
    with pytest.raises(ValidationFailed):
        helpers.sign_in("lenalead")


def test_it_saves_several_fields_in_one_audit_row_and_one_notice(lena, actor):
    _save(actor, _form(actor, first_name="Elena", phrase="tulips on the porch"))

    [event] = helpers.audit_events("USER_PROFILE_CHANGED")
    assert event.before == {"first_name": "Lena", "phrase": "sunflowers by the window"}
    assert event.after == {"first_name": "Elena", "phrase": "tulips on the porch"}
    [notice] = helpers.emails("profile_changed")
    support.assert_email_contains(notice, "first name; password protection phrase.")


def test_it_writes_nothing_when_nothing_changed(lena, actor):
    before = support.table_counts()

    view = _save(actor, _form(actor))

    assert view.version == 2
    assert support.table_counts() == before


def test_it_lets_the_user_change_the_case_of_their_own_username(lena, actor):
    view = _save(actor, _form(actor, username="LenaLead"))

    assert view.username == "LenaLead"


def test_it_refuses_a_username_taken_by_someone_else(lena, otto, actor):
    fields = _refusal(actor, _form(actor, username="OttoOwens"))

    assert fields == {"username": service.USERNAME_TAKEN}


def test_it_turns_a_lost_race_for_a_username_into_a_field_error(lena, otto, actor, monkeypatch):
    monkeypatch.setattr(service, "_username_taken", lambda *args, **kwargs: False)

    fields = _refusal(actor, _form(actor, username="ottoowens"))

    assert fields == {"username": service.USERNAME_TAKEN}
    assert helpers.user(lena.id).username == "lenalead"


def test_it_reports_every_problem_at_once(lena, actor):
    change = _form(
        actor,
        username="no",
        first_name="",
        last_name="",
        email="nowhere",
        security_question="shoe_size",
        phrase="",
    )

    fields = _refusal(actor, change)

    assert set(fields) == {
        "username",
        "first_name",
        "last_name",
        "email",
        "security_question",
        "security_answer",
        "current_password",
        "phrase",
    }


def test_it_needs_an_answer_for_a_new_security_question(lena, actor):
    fields = _refusal(
        actor, _form(actor, security_question="first_car", current_password=helpers.PASSWORD)
    )

    assert fields == {"security_answer": "Enter the answer to your new security question."}


def test_it_needs_the_current_password_for_a_new_security_question(lena, actor):
    fields = _refusal(
        actor,
        _form(actor, security_question="first_car", security_answer="Volvo", current_password=""),
    )

    assert fields == {"current_password": NEEDS_PASSWORD}


def test_it_needs_the_current_password_for_a_new_answer(lena, actor):
    fields = _refusal(
        actor, _form(actor, security_answer="Rover", current_password="Wrong-Password-1")
    )

    assert fields == {"current_password": NEEDS_PASSWORD}


def test_it_changes_the_security_question_without_auditing_the_answer(lena, actor):
    old_hash = helpers.user(lena.id).security_answer_hash

    _save(
        actor,
        _form(
            actor,
            security_question="first_car",
            security_answer=" VOLVO ",
            current_password=helpers.PASSWORD,
        ),
    )

    user = helpers.user(lena.id)
    assert user.security_question == "first_car"
    assert verify_secret("volvo", user.security_answer_hash)
    [event] = helpers.audit_events("USER_PROFILE_CHANGED")
    assert event.before == {"security_question": "first_pet", "security_answer": "(hidden)"}
    assert event.after == {"security_question": "first_car", "security_answer": "(changed)"}
    recorded = support.audit_values(event)
    assert old_hash not in recorded and user.security_answer_hash not in recorded
    assert "$2b$" not in recorded and "volvo" not in recorded.lower()
    [notice] = helpers.emails("profile_changed")
    support.assert_email_contains(notice, "security question; security answer.")


def test_it_never_writes_a_hash_or_secret_into_the_audit_trail(lena, actor):
    _save(actor, _form(actor, security_answer="Rover", current_password=helpers.PASSWORD))
    _save(
        actor,
        _form(actor, email="lena@new.example.com", current_password=helpers.PASSWORD),
    )
    user = helpers.user(lena.id)

    for event in helpers.audit_events():
        recorded = support.audit_values(event)
        assert "$2b$" not in recorded
        assert user.password_hash not in recorded
        assert helpers.PASSWORD not in recorded
        assert "Rover" not in recorded


def test_it_needs_the_current_password_for_a_new_email_address(lena, actor):
    fields = _refusal(actor, _form(actor, email="lena@new.example.com"))

    assert fields == {"current_password": NEEDS_PASSWORD}


def test_it_keeps_the_old_address_until_the_new_one_is_confirmed(lena, actor):
    view = _save(
        actor, _form(actor, email=" lena@NEW.example.com ", current_password=helpers.PASSWORD)
    )

    assert view.email == "lenalead@example.com"
    assert view.pending_email == "lena@new.example.com"
    assert helpers.user(lena.id).email == "lenalead@example.com"
    [confirm] = helpers.emails("email_change")
    assert confirm.to_address == "lena@new.example.com"
    support.assert_email_contains(
        confirm, "http://testserver/account/confirm-email?token=", "expires in 24 hours"
    )
    [warning] = helpers.emails("email_change_requested")
    assert warning.to_address == "lenalead@example.com"
    support.assert_email_contains(warning, "asked to move it to lena@new.example.com")
    [event] = helpers.audit_events("USER_EMAIL_CHANGE_REQUESTED")
    assert event.after == {"email": "lena@new.example.com"}
    assert helpers.audit_events("USER_PROFILE_CHANGED") == []


def test_it_changes_the_address_once_confirmed_from_the_new_inbox(lena, actor):
    _save(actor, _form(actor, email="lena@new.example.com", current_password=helpers.PASSWORD))
    token = helpers.token_from(helpers.emails("email_change")[-1])

    assert db.run(service.confirm_email_change, token) == "lena@new.example.com"

    user = helpers.user(lena.id)
    assert user.email == "lena@new.example.com"
    assert user.version == 3
    [event] = helpers.audit_events("USER_EMAIL_CHANGED")
    assert event.before == {"email": "lenalead@example.com"}
    assert event.after == {"email": "lena@new.example.com"}
    [notice] = helpers.emails("email_changed")
    assert notice.to_address == "lenalead@example.com"
    support.assert_email_contains(notice, "now go to lena@new.example.com")
    assert db.run(service.get_profile, actor).pending_email == ""
    with pytest.raises(Conflict):
        db.run(service.confirm_email_change, token)


def test_it_refuses_an_unknown_confirmation_link(lena):
    with pytest.raises(NotFound):
        db.run(service.confirm_email_change, "B" * 43)


def test_it_refuses_a_stale_edit(lena, actor):
    first_tab = _form(actor, first_name="Elena")
    second_tab = _form(actor, last_name="Garcia")
    _save(actor, first_tab)
    before = support.table_counts()

    with pytest.raises(Conflict) as caught:
        _save(actor, second_tab)

    assert caught.value.message == service.STALE_ACCOUNT
    assert support.table_counts() == before
    user = helpers.user(lena.id)
    assert (user.first_name, user.last_name) == ("Elena", "Lopez")


def test_it_refuses_a_profile_for_an_account_that_is_gone(lena, actor):
    ghost = replace(actor, user_id=9999)

    with pytest.raises(NotFound):
        db.run(service.get_profile, ghost)
    with pytest.raises(NotFound):
        _save(ghost, _form(actor))


def test_it_refuses_the_second_of_two_simultaneous_saves_of_one_form(lena, actor, monkeypatch):
    # Two tabs save the same version at the same moment: both pass the version check
    # before either writes. The first save wins; the second must not overwrite it.
    both_checked = threading.Barrier(2, timeout=10)
    real_check = service._username_taken

    def check_then_wait(session, username, except_user_id=None):
        taken = real_check(session, username, except_user_id)
        both_checked.wait()
        return taken

    first_tab = _form(actor, first_name="Elena")
    second_tab = _form(actor, last_name="Garcia")
    monkeypatch.setattr(service, "_username_taken", check_then_wait)
    outcomes: dict[str, object] = {}

    def save(name: str, change: ProfileChange) -> None:
        try:
            outcomes[name] = _save(actor, change)
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever was raised
            outcomes[name] = exc

    threads = [
        threading.Thread(target=save, args=("first", first_tab)),
        threading.Thread(target=save, args=("second", second_tab)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    refused = [o for o in outcomes.values() if isinstance(o, Exception)]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], Conflict) and refused[0].message == service.STALE_ACCOUNT
    user = helpers.user(lena.id)
    assert user.version == 3
    assert (user.first_name, user.last_name) in {("Elena", "Lopez"), ("Lena", "Garcia")}
    assert len(helpers.audit_events("USER_PROFILE_CHANGED")) == 1
    assert len(helpers.emails("profile_changed")) == 1
