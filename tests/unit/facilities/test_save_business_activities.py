"""save_business_activities: answers kept even when incomplete, stale saves refused, audited."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import service
from cers_app.facilities.business_activities import QUESTION_KEYS
from cers_app.organizations.roles import OrgAction, OrgRole, allows
from tests import helpers
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
