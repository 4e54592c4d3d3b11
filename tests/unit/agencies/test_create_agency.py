"""Creating a regulator agency: its CERS code, county and kind."""

from __future__ import annotations

import pytest

from cers_app.agencies import service
from cers_app.agencies.models import Agency
from cers_app.core import db
from cers_app.core.errors import Conflict, ValidationFailed
from tests import helpers
from tests.unit import support


def _create(**overrides):
    fields = {
        "actor_user_id": None,
        "code": 1234,
        "name": "Acme County Environmental Health",
        "county": 57,
        "kind": "CUPA",
    }
    fields.update(overrides)
    return db.run(service.create_agency, **fields)


def _refusal(**overrides) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        _create(**overrides)
    assert support.count(Agency) == 0
    assert helpers.audit_events() == []
    return caught.value.fields


def test_it_creates_an_agency_and_audits_it(admin, frozen_clock):
    agency_id = _create(actor_user_id=admin.id, name="  Acme County EH  ", kind="PA")

    agency = db.run(lambda s: s.get(Agency, agency_id))
    assert (agency.code, agency.name, agency.county, agency.kind) == (
        1234,
        "Acme County EH",
        57,
        "PA",
    )
    assert agency.created_at == frozen_clock
    [event] = helpers.audit_events("AGENCY_CREATED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        admin.id,
        "agency",
        str(agency_id),
    )
    assert event.after == {"code": 1234, "name": "Acme County EH", "county": 57, "kind": "PA"}


@pytest.mark.parametrize("code", [1001, 9999])
def test_it_accepts_the_ends_of_the_code_range(database, code):
    assert db.run(service.find_agency_id, code) is None

    agency_id = _create(code=code)

    assert db.run(service.find_agency_id, code) == agency_id


@pytest.mark.parametrize("code", [0, 1000, 10000, -1234])
def test_it_refuses_a_code_outside_1001_to_9999(database, code):
    assert _refusal(code=code) == {"code": "The regulator code must be a number from 1001 to 9999."}


@pytest.mark.parametrize("county", [1, 58])
def test_it_accepts_the_first_and_last_county(database, county):
    _create(county=county)


@pytest.mark.parametrize("county", [0, 59, -1])
def test_it_refuses_a_county_outside_1_to_58(database, county):
    assert _refusal(county=county) == {"county": "Choose one of California's 58 counties."}


@pytest.mark.parametrize("name", ["", "   ", "N" * 101])
def test_it_refuses_a_missing_or_overlong_name(database, name):
    assert _refusal(name=name) == {"name": "Enter the agency name (at most 100 characters)."}


@pytest.mark.parametrize("kind", ["", "cupa", "STATE"])
def test_it_refuses_an_unknown_kind(database, kind):
    assert _refusal(kind=kind) == {"kind": "The agency type must be CUPA or PA."}


def test_it_reports_every_problem_at_once(database):
    fields = _refusal(code=1, name="", county=0, kind="X")

    assert set(fields) == {"code", "name", "county", "kind"}


def test_it_refuses_a_code_already_in_use(database):
    _create(code=1234)

    with pytest.raises(Conflict) as caught:
        _create(code=1234, name="Another agency")

    assert caught.value.message == "An agency with regulator code 1234 already exists."
    assert support.count(Agency) == 1
    assert len(helpers.audit_events("AGENCY_CREATED")) == 1
