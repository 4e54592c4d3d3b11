"""Accepting the conditions of use: the current version only, recorded once."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from cers_app.accounts import service
from cers_app.accounts.conditions import VERSION
from cers_app.accounts.models import ConditionsAcceptance
from cers_app.core import db
from cers_app.core.errors import ValidationFailed
from cers_app.core.permissions import Permission
from tests import helpers
from tests.unit import support


@pytest.fixture
def newcomer(database):
    """An administrator made by the CLI, who has not accepted the conditions yet."""
    persona = support.make_admin(accept_conditions=False)
    return helpers.sign_in(persona.username)


def _acceptances(user_id: int) -> list[ConditionsAcceptance]:
    return db.run(
        lambda s: list(
            s.exec(select(ConditionsAcceptance).where(ConditionsAcceptance.user_id == user_id))
        )
    )


def test_it_records_the_acceptance_of_the_current_version(newcomer, frozen_clock):
    db.run(service.accept_conditions, newcomer, VERSION)

    [row] = _acceptances(newcomer.user_id)
    assert (row.version, row.accepted_at, row.client_ip) == (VERSION, frozen_clock, helpers.IP)
    assert db.run(service.has_accepted_current_conditions, newcomer.user_id)
    [event] = helpers.audit_events("USER_CONDITIONS_ACCEPTED")
    assert event.actor_user_id == newcomer.user_id
    assert event.after == {"version": VERSION}


def test_it_records_an_acceptance_only_once(newcomer):
    db.run(service.accept_conditions, newcomer, VERSION)

    db.run(service.accept_conditions, newcomer, VERSION)

    assert len(_acceptances(newcomer.user_id)) == 1
    assert len(helpers.audit_events("USER_CONDITIONS_ACCEPTED")) == 1


@pytest.mark.parametrize("version", ["", "2020-01", "latest"])
def test_it_refuses_conditions_that_changed_while_being_read(newcomer, version):
    with pytest.raises(ValidationFailed) as caught:
        db.run(service.accept_conditions, newcomer, version)

    assert caught.value.fields == {
        "accept": "The conditions of use changed while you were reading. Read them again."
    }
    assert _acceptances(newcomer.user_id) == []
    assert not newcomer.can(Permission.ACCOUNT)


def test_it_asks_for_a_new_acceptance_when_the_version_changes(lena, monkeypatch):
    actor = helpers.sign_in("lenalead")
    monkeypatch.setattr(service, "CONDITIONS_VERSION", "2027-06")
    assert not db.run(service.has_accepted_current_conditions, lena.id)

    db.run(service.accept_conditions, actor, "2027-06")

    assert [row.version for row in _acceptances(lena.id)] == [VERSION, "2027-06"]


def test_it_records_a_double_click_on_accept_once(newcomer, monkeypatch):
    # Both requests see "not accepted yet" before either writes.
    both_checked = threading.Barrier(2, timeout=10)
    real_check = service.has_accepted_current_conditions

    def check_then_wait(session, user_id):
        accepted = real_check(session, user_id)
        both_checked.wait()
        return accepted

    monkeypatch.setattr(service, "has_accepted_current_conditions", check_then_wait)
    outcomes: list[object] = []

    def accept() -> None:
        try:
            outcomes.append(db.run(service.accept_conditions, newcomer, VERSION))
        except Exception as exc:  # noqa: BLE001 - the test inspects whatever was raised
            outcomes.append(exc)

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes == [None, None]
    assert len(_acceptances(newcomer.user_id)) == 1
    assert len(helpers.audit_events("USER_CONDITIONS_ACCEPTED")) == 1
