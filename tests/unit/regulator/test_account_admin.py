"""Account administration: a system administrator acts on every account, an Agency Admin on
their agency's staff only; disabling signs the account out at once, unlocking lets a locked-out
person sign in again, and nobody disables themselves."""

from __future__ import annotations

import pytest

from cers_app.access import identity
from cers_app.accounts import sessions
from cers_app.core import db
from cers_app.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    Throttled,
    ValidationFailed,
)
from cers_app.core.permissions import Portal
from cers_app.regulator import account_admin
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


rita, hank, rex = cast.staff_fixtures("rita", "hank", "rex")  # hank is one of rita's staff


@pytest.fixture
def sam(database) -> Person:
    """The system administrator, signed in through the Regulator Portal."""
    return cast.system_admin()


@pytest.fixture
def lena(database) -> Person:
    return acme_world.person("lenalead", "Lena", "Lopez")


def _rows(person, text=""):
    return db.run(account_admin.account_rows, person.actor(), text)


def _resolves(person: Person) -> bool:
    return db.run(identity.resolve_actor, person.cookie, helpers.IP) is not None


def _sign_in(username: str, password: str = helpers.PASSWORD):
    return db.run(
        sessions.check_password,
        username,
        password,
        Portal.REGULATOR,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
    )


def test_the_system_administrator_sees_every_account_and_an_agency_admin_their_staff(
    sam, rita, hank, rex, lena
):
    assert {r.username for r in _rows(sam)} == {
        "adminsam",
        "ritaramos",
        "hankhill",
        "rexroth",
        "lenalead",
    }
    staff = _rows(rita)
    assert {r.username for r in staff} == {"ritaramos", "hankhill"}
    mine = next(r for r in staff if r.username == "ritaramos")
    assert mine.is_self and "Agency Admin, Yolo County Environmental Health" in mine.roles
    assert [r.username for r in _rows(rita, "HANK")] == ["hankhill"]
    assert _rows(rita, "lena") == []
    assert {r.username for r in _rows(rex)} == {"rexroth"}


def test_only_administrators_administer_accounts(rita, hank, lena, county):
    rob = cast.regulator(county, "rob")
    before = support.table_snapshot()
    for person in (hank, rob, lena):
        with pytest.raises(PermissionDenied):
            _rows(person)
        with pytest.raises(PermissionDenied):
            db.run(account_admin.disable_account, person.actor(), rita.id)
    assert support.table_snapshot() == before


def test_an_agency_admin_finds_no_account_outside_their_staff(rita, rex, lena, sam):
    before = support.table_snapshot()
    for other in (rex, lena):
        with pytest.raises(NotFound):
            db.run(account_admin.disable_account, rita.actor(), other.id)
        with pytest.raises(NotFound):
            db.run(account_admin.end_sessions, rita.actor(), other.id)
    for junk in (None, "abc", 0, 99_999):
        with pytest.raises(NotFound):
            db.run(account_admin.unlock_account, rita.actor(), junk)
    assert support.table_snapshot() == before


def test_an_agency_admin_cannot_touch_a_system_administrator_on_their_staff(rita, sam, county):
    from cers_app.agencies import service as agencies

    db.run(
        agencies.set_member_role,
        actor_user_id=None,
        agency_id=county.cupa,
        user_id=sam.id,
        role="viewer",
    )
    with pytest.raises(PermissionDenied):
        db.run(account_admin.disable_account, rita.actor(), sam.id)


def test_nobody_disables_themselves(rita, sam):
    for person in (rita, sam):
        with pytest.raises(ValidationFailed) as caught:
            db.run(account_admin.disable_account, person.actor(), person.id)
        assert "your own account" in caught.value.fields["account"]
    assert _resolves(rita) and _resolves(sam)


def test_disabling_signs_out_at_once_and_refuses_sign_in_until_enabled(rita, hank):
    other_browser = hank.another_session()
    db.run(account_admin.disable_account, rita.actor(), hank.id)

    assert not _resolves(hank) and not _resolves(other_browser)
    with pytest.raises(PermissionDenied) as caught:
        _sign_in("hankhill")
    assert "disabled" in caught.value.message
    [row] = _rows(rita, "hank")
    assert (row.status, row.live_sessions) == ("disabled", 0)
    [event] = helpers.audit_events("USER_DISABLED")
    assert (event.actor_user_id, event.subject_id, event.after) == (
        rita.id,
        str(hank.id),
        {"status": "disabled", "sessions_ended": 2},
    )
    [told] = helpers.emails("account_disabled")
    assert (told.to_address, told.user_id) == (hank.email, hank.id)
    with pytest.raises(Conflict):  # a second click
        db.run(account_admin.disable_account, rita.actor(), hank.id)

    db.run(account_admin.enable_account, rita.actor(), hank.id)

    assert _sign_in("hankhill").user_id == hank.id
    [told] = helpers.emails("account_enabled")
    assert told.to_address == hank.email
    assert len(helpers.audit_events("USER_ENABLED")) == 1
    with pytest.raises(Conflict):
        db.run(account_admin.enable_account, rita.actor(), hank.id)


def test_unlocking_lets_a_locked_out_person_sign_in_again(rita, hank, frozen_clock):
    for _ in range(5):
        with pytest.raises(ValidationFailed):
            _sign_in("hankhill", "Wrong-Password-1")
    with pytest.raises(Throttled):
        _sign_in("hankhill")
    [row] = _rows(rita, "hank")
    assert row.locked

    cleared = db.run(account_admin.unlock_account, rita.actor(), hank.id)

    assert cleared == 10  # five hits per address and five per username
    assert _sign_in("hankhill").user_id == hank.id
    [row] = _rows(rita, "hank")
    assert not row.locked
    [event] = helpers.audit_events("USER_UNLOCKED")
    assert (event.actor_user_id, event.after) == (rita.id, {"hits_cleared": 10})


def test_ending_sessions_signs_the_person_out_everywhere(sam, hank):
    other_browser = hank.another_session()

    ended = db.run(account_admin.end_sessions, sam.actor(), hank.id)

    assert ended == 2
    assert not _resolves(hank) and not _resolves(other_browser)
    [event] = helpers.audit_events("USER_SESSIONS_ENDED")
    assert (event.actor_user_id, event.after) == (sam.id, {"sessions": 2})
    assert _sign_in("hankhill").user_id == hank.id  # the account itself still works


def test_ending_ones_own_sessions_keeps_the_current_one(rita):
    other_browser = rita.another_session()

    assert db.run(account_admin.end_sessions, rita.actor(), rita.id) == 1

    assert _resolves(rita) and not _resolves(other_browser)
