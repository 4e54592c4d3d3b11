"""The elements beyond the HMBP (except UST): which Business Activities answer makes each one
required, starting it, its document slots, what blocks submitting it, submitting it with
Facility Information, and the regulator seeing its documents. Tiered Permitting and Remote
Waste Consolidation carry an Advisory that their forms come later, which never blocks."""

from __future__ import annotations

import pytest

from cers_app.core import db, routes
from cers_app.core.codes import NOT_REQUIRED, REQUIRED, SUBMITTED
from cers_app.core.errors import Conflict, ValidationFailed
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import ElementVersion
from cers_app.facilities.state import element_page
from cers_app.regulator import submittal_view
from cers_app.submittals import change_view, document_routes, documents, drafts, readiness
from cers_app.submittals import element_form_service as form_service
from cers_app.submittals.document_rules import ADVISORY
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person
from tests.unit.submittals import hmbp
from tests.unit.submittals.test_apsa_form import COMPLETE as APSA_FORM

FI = 1
TP, RMR, RWC, HWTC, APSA, CALARP = 5, 6, 7, 8, 9, 10
# The Business Activities question whose Yes makes the element required.
ANSWER = {
    TP: "OnsiteHWTreatment",
    RMR: "Recycle",
    RWC: "RWConsolidationSite",
    HWTC: "HWTankClosure",
    APSA: "OwnOrOperateAPST",
    CALARP: "CalARPRegulatedSubstances",
}
# The element's slots in page order: (resource type, required).
SLOTS = {
    TP: [
        (14, True),
        (15, False),
        (16, False),
        (17, False),
        (18, False),
        (19, False),
        (20, False),
        (38, False),
        (55, False),
    ],
    RMR: [(48, True), (21, False), (39, False), (56, False)],
    RWC: [(40, False), (57, False)],
    HWTC: [(22, True), (41, False), (58, False)],
    APSA: [(49, True), (42, False), (59, False)],
    CALARP: [(43, True), (60, False)],
}
ALL = sorted(ANSWER)


def _answered(person: Person, facility_id: int, *yes: str) -> None:
    """Facility Information ready to submit, with Yes to the questions `yes` only."""
    if yolo.elements(facility_id)[FI].draft_version_id is None:
        db.run(drafts.start_element, person.actor(), facility_id, FI, "")
    forms, errors = yolo.save_answers(person, facility_id, yolo.answers(*yes))
    assert not errors, errors
    _, errors = db.run(
        facility_service.save_owner_operator, person.actor(), facility_id, yolo.OWNER, forms.version
    )
    assert not errors, errors


def _started(person: Person, facility_id: int, element: int) -> int:
    _answered(person, facility_id, ANSWER[element])
    return db.run(drafts.start_element, person.actor(), facility_id, element, drafts.BLANK)


def _blockers(version_id: int) -> list[readiness.Blocker]:
    """The version's document blockers (APSA's form has its own: test_apsa_form)."""
    found = db.run(lambda s: readiness.blockers(s, s.get(ElementVersion, version_id)))
    return [blocker for blocker in found if blocker.code != "form"]


def _form_filled(person: Person, facility_id: int, element: int) -> None:
    """APSA's form answered (the other elements have no form yet)."""
    if element != APSA:
        return
    version = db.run(form_service.element_form, person.actor(), facility_id, APSA).version
    _, errors = db.run(
        form_service.save_element_form, person.actor(), facility_id, APSA, APSA_FORM, version
    )
    assert not errors, errors


@pytest.mark.parametrize("element", ALL)
def test_its_business_activities_answer_makes_it_required_and_startable(plant, world, element):
    _answered(world.lena, plant)
    assert yolo.elements(plant)[element].requirement == NOT_REQUIRED
    with pytest.raises(Conflict, match="not required"):
        db.run(drafts.start_element, world.lena.actor(), plant, element, drafts.BLANK)

    version_id = _started(world.lena, plant, element)

    row = yolo.elements(plant)[element]
    assert row.requirement == REQUIRED
    assert row.draft_version_id == version_id
    others = set(ALL) - {element}
    if element == TP:  # question 12 (financial assurance) is about the same element
        others.discard(TP)
    assert all(yolo.elements(plant)[e].requirement == NOT_REQUIRED for e in others)


@pytest.mark.parametrize("element", ALL)
def test_its_document_slots_are_listed_on_its_draft(plant, world, element):
    version_id = _started(world.lena, plant, element)

    shown = db.run(documents.element_documents, world.val.actor(), plant, element)

    assert (shown.version_id, shown.is_draft) == (version_id, True)
    assert [(slot.code, slot.required) for slot in shown.slots] == SLOTS[element]
    assert all(slot.label and len(slot.help) > 40 for slot in shown.slots)
    assert all(slot.answer is None for slot in shown.slots)


@pytest.mark.parametrize("element", ALL)
def test_a_missing_required_document_blocks_until_it_is_provided(plant, world, element):
    version_id = _started(world.lena, plant, element)
    _form_filled(world.lena, plant, element)
    required = [code for code, needed in SLOTS[element] if needed]

    assert [b.code for b in _blockers(version_id)] == ["1003"] * len(required)
    if required:
        with pytest.raises(ValidationFailed, match="missing"):
            hmbp.submitted(world.connie, plant, FI, element)
        assert yolo.elements(plant)[element].last_submitted_version_id is None

    for code in required:
        hmbp.stored_at_facility(world.lena, plant, element, code)
    assert _blockers(version_id) == []
    hmbp.submitted(world.connie, plant, FI, element)

    version = db.run(lambda s: s.get(ElementVersion, version_id))
    assert version.status == SUBMITTED
    assert yolo.elements(plant)[element].last_submitted_version_id == version_id


@pytest.mark.parametrize("element", [TP, APSA, CALARP])
def test_the_change_view_and_the_regulator_show_its_documents(plant, world, county, element):
    rita = yolo.regulator("ritareyes", "Rita", "Reyes", county.cupa, "admin")
    version_id = _started(world.lena, plant, element)
    _form_filled(world.lena, plant, element)
    first = SLOTS[element][0][0]
    hmbp.stored_at_facility(world.lena, plant, element, first)
    hmbp.submitted(world.connie, plant, FI, element)

    changes = db.run(change_view.element_changes, world.val.actor(), plant, element)
    seen = db.run(submittal_view.submitted_element, rita.actor(), version_id)

    assert changes.version_id == version_id
    assert [slot.code for slot in seen.documents] == [code for code, _ in SLOTS[element]]
    [answered] = [slot for slot in seen.documents if slot.code == first]
    assert answered.source_label == "Stored at Facility"
    assert str(yolo.facility(plant).cers_id) in answered.detail


@pytest.mark.parametrize("element", [TP, RWC])
def test_an_advisory_says_the_forms_come_later_and_does_not_block(plant, world, element):
    version_id = _started(world.lena, plant, element)
    for code, needed in SLOTS[element]:
        if needed:
            hmbp.stored_at_facility(world.lena, plant, element, code)

    shown = db.run(documents.element_documents, world.lena.actor(), plant, element)

    [advisory] = shown.advisories
    assert (advisory.level, advisory.code) == (ADVISORY, "1004")
    assert "later release" in advisory.message
    assert _blockers(version_id) == []
    hmbp.submitted(world.connie, plant, FI, element)
    assert yolo.elements(plant)[element].last_submitted_version_id == version_id


@pytest.mark.parametrize("element", [RMR, HWTC, APSA, CALARP])
def test_elements_with_their_forms_or_only_documents_have_no_advisory(plant, world, element):
    _started(world.lena, plant, element)

    shown = db.run(documents.element_documents, world.lena.actor(), plant, element)

    assert shown.advisories == ()


@pytest.mark.parametrize("element", ALL)
def test_its_documents_page_is_where_its_draft_and_uploads_lead(element):
    page = routes.with_query(routes.FACILITY_PLANS, id="7", element=str(element))
    first = SLOTS[element][0][0]

    assert element_page(element, 7) == page
    assert document_routes.page_url(7, first, "uploaded") == (
        f"{routes.FACILITY_PLANS}?id=7&doc_result=uploaded&element={element}&doc_slot={first}"
    )
