"""create_organization: a new business with its creator as Lead User, selected at once."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.errors import ValidationFailed
from cers_app.organizations import service
from cers_app.organizations.models import Organization, OrgMember
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world


@pytest.fixture
def lena(database) -> acme_world.Person:
    return acme_world.person("lenalead", "Lena", "Lopez")


def _create(person, name="Acme Plating Co.", headquarters="Sacramento, CA", key=None) -> int:
    return db.run(
        service.create_organization,
        person.actor(),
        name,
        headquarters,
        idempotency_key=acme_world.new_key() if key is None else key,
    )


def _organizations() -> list[Organization]:
    return db.run(lambda s: list(s.exec(select(Organization).order_by(Organization.id)).all()))


def test_it_creates_a_business_with_its_creator_as_lead_user(lena, frozen_clock):
    organization_id = _create(lena, "  Acme Plating Co. ", " Sacramento, CA ")

    [organization] = _organizations()
    assert (organization.id, organization.name, organization.headquarters) == (
        organization_id,
        "Acme Plating Co.",
        "Sacramento, CA",
    )
    assert (organization.status, organization.origin, organization.version) == (
        "active",
        "business",
        1,
    )
    assert (organization.created_at, organization.created_by_user_id) == (frozen_clock, lena.id)
    [member] = db.run(lambda s: list(s.exec(select(OrgMember)).all()))
    assert (member.organization_id, member.user_id, member.role) == (
        organization_id,
        lena.id,
        "lead",
    )
    assert (member.added_at, member.added_by_user_id) == (frozen_clock, lena.id)


def test_it_audits_the_new_business(lena):
    organization_id = _create(lena)

    [event] = helpers.audit_events("ORGANIZATION_CREATED")
    code = _organizations()[0].code
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        lena.id,
        "organization",
        str(organization_id),
    )
    assert event.before is None
    assert event.after == {
        "code": code,
        "name": "Acme Plating Co.",
        "headquarters": "Sacramento, CA",
    }
    assert event.client_ip == helpers.IP


def test_it_selects_the_new_business_in_the_creators_session_only(lena):
    other_browser = lena.another_session()
    first = _create(lena, "Acme Plating Co.")
    second = _create(lena, "Bay Coatings")

    assert lena.actor().organization_id == second
    assert lena.actor().organization_name == "Bay Coatings"
    assert other_browser.actor().organization_id is None
    assert first != second


def test_it_gives_each_business_its_own_nine_digit_code_in_range(lena):
    for number in range(5):
        _create(lena, f"Business {number}")

    codes = [organization.code for organization in _organizations()]

    assert len(set(codes)) == 5
    assert all(service.CODE_MIN <= code <= service.CODE_MAX for code in codes)
    assert all(len(str(code)) == 9 for code in codes)


def test_it_draws_another_code_when_the_first_is_taken(lena, monkeypatch):
    draws = iter([0, 0, 41])
    monkeypatch.setattr(service.secrets, "randbelow", lambda _n: next(draws))

    _create(lena, "First")
    _create(lena, "Second")

    assert [o.code for o in _organizations()] == [service.CODE_MIN, service.CODE_MIN + 41]


def test_it_can_draw_the_highest_code(lena, monkeypatch):
    monkeypatch.setattr(service.secrets, "randbelow", lambda n: n - 1)

    _create(lena)

    assert _organizations()[0].code == service.CODE_MAX == 999_999_999


def test_it_returns_the_same_business_when_the_form_is_sent_twice(lena):
    key = acme_world.new_key()

    first = _create(lena, key=key)
    before = support.table_snapshot()
    again = _create(lena, "Acme Plating Co. (double click)", key=key)

    assert again == first
    assert support.table_snapshot() == before
    assert len(_organizations()) == 1


def test_it_keeps_idempotency_keys_apart_per_person(lena):
    otto = acme_world.person("ottoowens", "Otto", "Owens")
    key = acme_world.new_key()

    mine = _create(lena, "Acme Plating Co.", key=key)
    his = _create(otto, "Owens Oil Co.", key=key)

    assert mine != his
    assert [o.name for o in _organizations()] == ["Acme Plating Co.", "Owens Oil Co."]


@pytest.mark.parametrize(
    "key",
    ["", "   ", "short-key", "x" * 65, "sixteen chars!!!", "has spaces in the key"],
    ids=["empty", "blank", "short", "long", "punctuation", "spaces"],
)
def test_it_refuses_a_junk_idempotency_key(lena, key):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed, match="This form has expired"):
        _create(lena, key=key)

    assert support.table_snapshot() == before


@pytest.mark.parametrize(
    ("name", "headquarters", "field", "message"),
    [
        ("", "Sacramento", "name", "Enter the business's name."),
        ("   ", "Sacramento", "name", "Enter the business's name."),
        ("N" * 101, "Sacramento", "name", "The name must be at most 100 characters."),
        ("Acme", "H" * 76, "headquarters", "Headquarters must be at most 75 characters."),
    ],
    ids=["empty-name", "blank-name", "long-name", "long-headquarters"],
)
def test_it_refuses_a_missing_or_too_long_name_or_headquarters(
    lena, name, headquarters, field, message
):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _create(lena, name, headquarters)

    assert caught.value.fields == {field: message}
    assert support.table_snapshot() == before


def test_it_accepts_the_longest_name_and_headquarters_and_no_headquarters(lena):
    _create(lena, "N" * 100, "H" * 75)
    _create(lena, "Nowhere Inc.", "")

    assert [(len(o.name), len(o.headquarters)) for o in _organizations()] == [(100, 75), (12, 0)]
