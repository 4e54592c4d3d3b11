"""save_owner_operator: the form kept (cleaned) even with errors, stale saves refused, audited."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied
from cers_app.facilities import owner_operator, service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo

COMPLETE = yolo.OWNER


def _save(person, facility_id, values, version=None):
    version = yolo.fi_draft(facility_id).version if version is None else version
    return db.run(service.save_owner_operator, person.actor(), facility_id, values, version)


def test_it_saves_a_complete_form_cleaned(plant, small_world):
    forms, errors = _save(small_world.lena, plant, COMPLETE)

    assert errors == {}
    saved = yolo.fi_draft(plant).data["owner_operator"]
    assert (saved["Phone"], saved["MailingAddressState"], saved["OwnerCountry"]) == (
        "(530) 555-0142",
        "CA",
        "United States",
    )
    assert forms.owner_operator["OwnerName"] == "Alan Acme"
    assert forms.version == 2


def test_it_keeps_the_guid_key_of_the_form(plant, small_world):
    key = yolo.fi_draft(plant).data["owner_operator"]["regulator_key"]

    _save(small_world.lena, plant, COMPLETE)

    assert yolo.fi_draft(plant).data["owner_operator"]["regulator_key"] == key


def test_it_keeps_what_was_typed_even_with_errors(plant, small_world):
    typed = {**COMPLETE, "Phone": "not a phone", "OwnerName": ""}

    forms, errors = _save(small_world.lena, plant, typed)

    assert set(errors) == {"Phone", "OwnerName"}
    saved = yolo.fi_draft(plant).data["owner_operator"]
    assert (saved["Phone"], saved["OwnerName"], saved["OperatorName"]) == (
        "not a phone",
        "",
        "Acme Plating Co.",
    )
    assert forms.version == 2


def test_it_names_every_required_field_of_an_empty_form(plant, small_world):
    _, errors = _save(small_world.lena, plant, {})

    assert set(errors) == set(owner_operator.REQUIRED)


def test_it_drops_fields_the_form_does_not_have(plant, small_world):
    _save(small_world.lena, plant, {**COMPLETE, "is_admin": "yes", "regulator_key": "mine"})

    saved = yolo.fi_draft(plant).data["owner_operator"]
    assert "is_admin" not in saved
    assert saved["regulator_key"] != "mine"


def test_it_audits_the_fields_that_changed(plant, small_world):
    _save(small_world.lena, plant, COMPLETE)
    _save(small_world.lena, plant, {**COMPLETE, "OwnerName": "Alma Acme"})

    *_, event = helpers.audit_events("FACILITY_INFORMATION_DRAFT_SAVED")
    assert (event.before, event.after) == ({"OwnerName": "Alan Acme"}, {"OwnerName": "Alma Acme"})
    assert event.actor_user_id == small_world.lena.id


def test_it_refuses_a_stale_version_and_changes_nothing(plant, small_world):
    _save(small_world.lena, plant, COMPLETE)
    before = support.table_snapshot()

    with pytest.raises(Conflict):
        _save(small_world.lena, plant, {**COMPLETE, "OwnerName": "Alma Acme"}, version=1)

    assert support.table_snapshot() == before


def test_it_refuses_a_viewer_and_hides_the_facility_from_an_outsider(world, county):
    facility_id = yolo.add_facility(world.lena, world.acme)

    with pytest.raises(PermissionDenied):
        _save(world.holder(OrgRole.VIEWER), facility_id, COMPLETE)
    with pytest.raises(NotFound):
        _save(world.otto, facility_id, COMPLETE)
    _save(world.holder(OrgRole.EDITOR), facility_id, COMPLETE)
