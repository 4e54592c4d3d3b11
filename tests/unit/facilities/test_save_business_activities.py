"""save_business_activities: answers kept even when incomplete, stale saves refused, audited."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import service
from cers_app.facilities.business_activities import QUESTION_KEYS
from cers_app.facilities.models import Facility
from cers_app.organizations.roles import OrgAction, OrgRole, allows
from tests import audit_hook, helpers
from tests.unit import support
from tests.unit.facilities import county as yolo


def _save(person, facility_id, given, version=None):
    version = yolo.fi_draft(facility_id).version if version is None else version
    return db.run(service.save_business_activities, person.actor(), facility_id, given, version)


def test_it_saves_the_answers_into_the_facility_information_draft(plant, small_world):
    forms, errors = _save(small_world.lena, plant, yolo.answers("HMOnSite", Comments=" Plating "))

    assert errors == {}
    draft = yolo.fi_draft(plant)
    activities = draft.data["business_activities"]
    assert {key: activities[key] for key in QUESTION_KEYS} == yolo.answers("HMOnSite")
    assert activities["Comments"] == "Plating"
    assert activities["name"] == "Acme Plating - Davis Works"  # the site is kept beside them
    assert (draft.version, forms.version, forms.version_id) == (2, 2, draft.id)
    assert forms.business_activities["HMOnSite"] == "Y"


def test_it_reads_yes_and_no_in_any_case(plant, small_world):
    _save(small_world.lena, plant, yolo.answers(HMOnSite=" yes ", OwnOrOperateUST="n"))

    activities = yolo.fi_draft(plant).data["business_activities"]
    assert (activities["HMOnSite"], activities["OwnOrOperateUST"]) == ("Y", "N")


def test_it_keeps_incomplete_answers_and_names_the_questions_still_open(plant, small_world):
    forms, errors = _save(small_world.lena, plant, {"HMOnSite": "Y", "Recycle": "N"})

    assert errors == {
        key: "Answer Yes or No." for key in QUESTION_KEYS if key not in ("HMOnSite", "Recycle")
    }
    activities = yolo.fi_draft(plant).data["business_activities"]
    assert (activities["HMOnSite"], activities["Recycle"], activities["HHWCollection"]) == (
        "Y",
        "N",
        "",
    )
    assert forms.required_elements == (1, 2, 3)


def test_it_refuses_overlong_comments_and_saves_nothing(plant, small_world):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _save(small_world.lena, plant, yolo.answers(Comments="c" * 501))

    assert caught.value.fields == {"Comments": "Comments must be at most 500 characters."}
    assert support.table_snapshot() == before


def test_it_audits_only_the_answers_that_changed(plant, small_world):
    _save(small_world.lena, plant, yolo.answers("HMOnSite"))
    _save(small_world.lena, plant, yolo.answers("HMOnSite", "Recycle"))

    first, second = helpers.audit_events("FACILITY_INFORMATION_DRAFT_SAVED")
    draft = yolo.fi_draft(plant)
    assert (second.actor_user_id, second.subject_type, second.subject_id) == (
        small_world.lena.id,
        "element_version",
        str(draft.id),
    )
    assert first.before == {key: None for key in [*QUESTION_KEYS, "Comments"]}
    assert (second.before, second.after) == ({"Recycle": "N"}, {"Recycle": "Y"})
    assert second.client_ip == helpers.IP


def test_it_refuses_a_stale_version_and_changes_nothing(plant, small_world):
    _save(small_world.lena, plant, yolo.answers("HMOnSite"))
    before = support.table_snapshot()

    with pytest.raises(Conflict) as caught:
        _save(small_world.lena, plant, yolo.answers(), version=1)

    assert "changed by someone else meanwhile" in caught.value.message
    assert support.table_snapshot() == before


@pytest.mark.parametrize("role", list(OrgRole))
def test_it_lets_exactly_the_roles_that_edit_drafts_save(world, county, role):
    facility_id = yolo.add_facility(world.lena, world.acme)
    person = world.holder(role)

    if allows(role, OrgAction.EDIT_DRAFT):
        _save(person, facility_id, yolo.answers("HMOnSite"))
        assert yolo.fi_draft(facility_id).data["business_activities"]["HMOnSite"] == "Y"
        return
    before = support.table_snapshot()
    with pytest.raises(PermissionDenied):
        _save(person, facility_id, yolo.answers("HMOnSite"))
    assert support.table_snapshot() == before


def test_it_hides_the_facility_from_an_outsider(plant, small_world):
    with pytest.raises(NotFound):
        _save(small_world.otto, plant, yolo.answers())


@pytest.mark.parametrize("junk", [None, "1", True, 0, 2**31])
def test_it_refuses_a_facility_id_that_is_not_an_id(plant, small_world, junk):
    with pytest.raises(NotFound):
        _save(small_world.lena, junk, yolo.answers(), version=1)


SITE = {
    "name": "  Acme   Plating - Davis Annex ",
    "street": "250 Cousteau Place",
    "supplemental": "Bldg 2",
    "city": "Davis",
    "zip_code": "95618",
    "epa_id": "cal000123456",
}


def _facility(facility_id):
    return db.run(lambda s: s.get(Facility, facility_id))


def test_the_editor_keeps_a_changed_site_in_the_draft_and_not_on_the_facility(plant, small_world):
    before = _facility(plant)

    forms, errors = _save(small_world.lena, plant, yolo.answers("HMOnSite", **SITE))

    assert errors == {}
    activities = yolo.fi_draft(plant).data["business_activities"]
    assert (activities["name"], activities["epa_id"], activities["supplemental"]) == (
        "Acme Plating - Davis Annex",
        "CAL000123456",
        "Bldg 2",
    )
    assert forms.business_activities["name"] == "Acme Plating - Davis Annex"
    after = _facility(plant)
    assert (after.name, after.epa_id, after.version) == (before.name, before.epa_id, 1)


def test_the_forms_show_the_facility_record_where_the_draft_has_no_site(plant, small_world):
    def drop_site(session):
        with db.transaction(session):
            draft = session.get(type(yolo.fi_draft(plant)), yolo.fi_draft(plant).id)
            activities = {
                k: v for k, v in draft.data["business_activities"].items() if k not in SITE
            }
            draft.data = {**draft.data, "business_activities": activities}
            session.add(draft)

    with audit_hook.exempt("drops the site fields from the draft by hand"):
        db.run(drop_site)

    forms = db.run(service.facility_information, small_world.lena.actor(), plant)

    assert forms.business_activities["name"] == "Acme Plating - Davis Works"
    assert forms.business_activities["zip_code"] == _facility(plant).zip_code


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter the facility's name (its legal or DBA name)."),
        ("zip_code", "9561", "Enter the site's 5-digit ZIP code (or ZIP+4)."),
        ("epa_id", "CA12", "An EPA ID number has 12 letters and digits, such as CAL000123456."),
        ("city", "x" * 61, "The city must be at most 60 characters."),
    ],
)
def test_a_bad_site_field_is_refused_by_name_and_nothing_is_saved(
    plant, small_world, field, value, message
):
    snapshot = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _save(small_world.lena, plant, yolo.answers("HMOnSite", **{**SITE, field: value}))

    assert caught.value.fields == {field: message}
    assert support.table_snapshot() == snapshot


def test_accepting_applies_the_site_identification_to_the_facility(plant, small_world):
    _save(small_world.lena, plant, yolo.answers("HMOnSite", **SITE))
    data = yolo.fi_draft(plant).data

    def accept(session):
        with db.transaction(session):
            facility = session.get(Facility, plant)
            return service.accept_site_identity(session, facility, data)

    with audit_hook.exempt("calls the review's inner step alone; the review audits it"):
        changed = db.run(accept)

    after = _facility(plant)
    assert changed["name"] == ("Acme Plating - Davis Works", "Acme Plating - Davis Annex")
    assert (after.name, after.street, after.epa_id, after.supplemental) == (
        "Acme Plating - Davis Annex",
        "250 COUSTEAU PL",  # normalised as the add-facility wizard does
        "CAL000123456",
        "Bldg 2",
    )
    assert after.name_key != "" and after.version == 2
    assert db.run(accept) == {}  # the same identity again changes nothing
