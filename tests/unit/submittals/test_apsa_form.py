"""Saving and loading the APSA Facility Information form of an APSA draft, its readiness,
copying it into a new draft, and how the change view and the regulator label it."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.codes import SUBMITTED
from cers_app.core.errors import Conflict, NotFound, PermissionDenied
from cers_app.facilities.models import ElementVersion
from cers_app.regulator import submittal_view
from cers_app.submittals import change_view, drafts, readiness
from cers_app.submittals import element_form_service as service
from tests import audit_hook
from tests.unit import support
from tests.unit.facilities import county as yolo

APSA, HMI = 9, 2
COMPLETE = {
    "ConditionallyExempt": "N",
    "SPCCPlanCertificationOrFiveYearReview": "2024-03-01",
    "TotalAbovegroundStorageCapacityOfPetroleum": "25,000",
    "NumberOfTanksInUndergroundAreas": "0",
}


def _apsa_draft(world, plant) -> int:
    """Business Activities say the facility stores petroleum aboveground; a blank APSA draft."""
    _, errors = yolo.save_answers(world.lena, plant, yolo.answers("OwnOrOperateAPST"))
    assert not errors, errors
    return db.run(drafts.start_element, world.lena.actor(), plant, APSA, drafts.BLANK)


def _load(person, plant, element=APSA):
    return db.run(service.element_form, person.actor(), plant, element)


def _save(person, plant, values, version=None):
    if version is None:
        version = _load(person, plant).version
    return db.run(service.save_element_form, person.actor(), plant, APSA, values, version)


def _version(version_id: int) -> ElementVersion:
    return db.run(lambda s: s.get(ElementVersion, version_id))


def _form_blockers(version_id: int, *codes: str) -> list[str]:
    found = db.run(lambda s: readiness.blockers(s, s.get(ElementVersion, version_id)))
    return [b.message for b in found if b.code in (codes or ("form",))]


def test_a_new_draft_has_a_blank_form(world, plant):
    draft_id = _apsa_draft(world, plant)
    view = _load(world.ed, plant)
    assert (view.version_id, view.element, view.title) == (
        draft_id,
        APSA,
        "APSA Facility Information",
    )
    assert view.can_edit
    assert set(view.values.values()) == {""}
    assert view.errors == {}  # nothing saved yet: no complaints


def test_saving_keeps_cleaned_values_and_audits(world, plant):
    draft_id = _apsa_draft(world, plant)
    before = _load(world.ed, plant).version

    view, errors = _save(world.ed, plant, {**COMPLETE, "Unknown": "x"}, before)

    assert errors == {}
    assert view.version == before + 1
    stored = _version(draft_id).data["form"]
    assert stored["TotalAbovegroundStorageCapacityOfPetroleum"] == "25000"
    assert "Unknown" not in stored
    assert _load(world.val, plant).values == {**COMPLETE, **stored}
    events = support.audit_events("ELEMENT_FORM_SAVED")
    assert len(events) == 1 and events[0].subject_id == str(draft_id)
    assert events[0].after["element"] == APSA


def test_what_was_typed_is_kept_with_its_errors(world, plant):
    draft_id = _apsa_draft(world, plant)
    typed = {
        **COMPLETE,
        "TotalAbovegroundStorageCapacityOfPetroleum": "lots",
        "ConditionallyExempt": "",
    }

    view, errors = _save(world.ed, plant, typed)

    assert set(errors) == {"TotalAbovegroundStorageCapacityOfPetroleum", "ConditionallyExempt"}
    assert _version(draft_id).data["form"]["TotalAbovegroundStorageCapacityOfPetroleum"] == "lots"
    assert view.errors == errors
    assert _load(world.ed, plant).errors == errors


def test_a_stale_version_is_refused(world, plant):
    _apsa_draft(world, plant)
    old = _load(world.ed, plant).version
    _save(world.lena, plant, COMPLETE, old)
    with pytest.raises(Conflict, match="changed by someone else"):
        _save(world.ed, plant, {**COMPLETE, "ConditionallyExempt": "Y"}, old)


def test_a_submitted_version_is_never_changed(world, plant):
    draft_id = _apsa_draft(world, plant)
    version = _load(world.ed, plant).version

    def submit_in_place(session):  # defensive path: the element row still points at it
        with db.transaction(session):
            row = session.get(ElementVersion, draft_id)
            row.status = SUBMITTED
            session.add(row)

    with audit_hook.exempt("marks the version submitted by hand"):
        db.run(submit_in_place)
    with pytest.raises(Conflict, match="Submitted information cannot be changed"):
        _save(world.ed, plant, COMPLETE, version)
    assert "form" not in _version(draft_id).data


def test_without_an_open_draft_there_is_no_form(world, plant):
    draft_id = _apsa_draft(world, plant)
    version = _load(world.ed, plant).version
    yolo.mark_submitted(draft_id)
    with pytest.raises(NotFound, match="has no draft"):
        _load(world.ed, plant)
    with pytest.raises(Conflict, match="no open draft any more"):
        _save(world.ed, plant, COMPLETE, version)
    with pytest.raises(NotFound, match="no form"):
        _load(world.ed, plant, HMI)


def test_who_may_see_and_save(world, plant):
    draft_id = _apsa_draft(world, plant)
    version = _load(world.ed, plant).version
    assert not _load(world.val, plant).can_edit
    with pytest.raises(PermissionDenied):
        _save(world.val, plant, COMPLETE, version)
    with pytest.raises(NotFound):
        _load(world.otto, plant)
    with pytest.raises(NotFound):
        _save(world.otto, plant, COMPLETE, version)
    assert "form" not in _version(draft_id).data


def test_readiness_blocks_until_the_form_is_complete(world, plant):
    draft_id = _apsa_draft(world, plant)
    assert _form_blockers(draft_id, "1001") == [
        "The APSA Facility Information form is not filled in yet. Open it with Form on the "
        "facility page."
    ]
    _save(world.ed, plant, {"SPCCPlanCertificationOrFiveYearReview": "2024-03-01"})
    assert _form_blockers(draft_id, "1001", "1002") == [
        "APSA Facility Information, Conditionally exempt: Answer Yes or No: Conditionally exempt.",
        "APSA Facility Information, Total aboveground petroleum storage capacity (gallons): "
        "Enter the total aboveground petroleum storage capacity (gallons).",
    ]
    _save(world.ed, plant, {**COMPLETE, "ConditionallyExempt": "Y"})
    assert len(_form_blockers(draft_id)) == 1
    assert "not conditionally exempt" in _form_blockers(draft_id)[0]
    _save(world.ed, plant, COMPLETE)
    assert _form_blockers(draft_id) == []


def test_a_new_draft_copied_from_the_submittal_keeps_the_form(world, plant):
    first = _apsa_draft(world, plant)
    _save(world.ed, plant, COMPLETE)
    yolo.mark_submitted(first)

    second = db.run(drafts.start_element, world.ed.actor(), plant, APSA, "")

    assert second != first
    view = _load(world.ed, plant)
    assert view.version_id == second
    assert view.values["TotalAbovegroundStorageCapacityOfPetroleum"] == "25000"
    assert view.values["ConditionallyExempt"] == "N"
    assert _form_blockers(second) == []


def test_the_change_view_labels_the_form_fields(world, plant):
    first = _apsa_draft(world, plant)
    _save(world.ed, plant, COMPLETE)
    yolo.mark_submitted(first)
    db.run(drafts.start_element, world.ed.actor(), plant, APSA, "")
    _save(world.ed, plant, {**COMPLETE, "TotalAbovegroundStorageCapacityOfPetroleum": "30000"})

    view = db.run(change_view.element_changes, world.ed.actor(), plant, APSA)

    assert [(c.label, c.before, c.after) for c in view.changes.forms] == [
        ("APSA: Total aboveground petroleum storage capacity (gallons)", "25000", "30000")
    ]


def test_the_regulator_sees_the_form_with_its_labels():
    data = {
        "form": {"ConditionallyExempt": "Y", "TotalAbovegroundStorageCapacityOfPetroleum": "9000"}
    }
    (section,) = submittal_view.element_form(APSA, data)
    assert section.title == "APSA Facility Information"
    assert [(f.label, f.value) for f in section.fields] == [
        ("800. Conditionally exempt", "Yes"),
        ("801. SPCC plan certification or five-year review date", ""),
        ("802. Total aboveground petroleum storage capacity (gallons)", "9,000"),
        ("803. Number of tanks in underground areas", ""),
    ]
    assert submittal_view.element_form(HMI, data) == ()
