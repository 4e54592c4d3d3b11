"""Starting element drafts blank or as a copy, the copy choices, and discarding drafts."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.codes import ACCEPTED, DRAFT, NOT_REQUIRED, SUBMITTED
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities.models import ElementVersion
from cers_app.inventory.models import InventoryItem
from cers_app.submittals import documents, drafts
from cers_app.submittals.document_models import ElementDocument
from tests import audit_hook
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.submittals import hmbp

FI, HMI, ERTP, UST = 1, 2, 3, 4
LUBE = stock.row(CommonName="Lube Oil", CASNumber="", ChemicalLocation="Shop")
PROPANE = stock.row(CommonName="Propane", CASNumber="74-98-6", ChemicalLocation="Yard")


def _accept(version_id: int) -> None:
    """What the regulator's review will do (the review queue is a later feature)."""

    def change(session):
        with db.transaction(session):
            version = session.get(ElementVersion, version_id)
            version.status = ACCEPTED
            slot = yolo.element_row(session, version.facility_id, version.element)
            slot.last_accepted_version_id = version.id
            session.add_all([version, slot])

    with audit_hook.exempt("test helper stands in for the regulator's acceptance"):
        db.run(change)


def _items(version_id: int) -> list[InventoryItem]:
    return db.run(
        lambda s: list(
            s.exec(select(InventoryItem).where(InventoryItem.element_version_id == version_id))
        )
    )


def _submitted_hmbp(world, plant) -> int:
    hmbp.prepare(world.lena, plant)
    return hmbp.submitted(world.connie, plant)


def test_a_blank_draft_has_nothing_and_opens_the_element(plant, world):
    hmbp.answer_facility_information(world.lena, plant)

    draft_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, drafts.BLANK)

    draft = db.run(lambda s: s.get(ElementVersion, draft_id))
    assert (draft.status, draft.element, draft.based_on_version_id) == (DRAFT, HMI, None)
    assert yolo.elements(plant)[HMI].draft_version_id == draft_id
    assert _items(draft_id) == []
    [event] = support.audit_events("ELEMENT_DRAFT_STARTED")
    assert event.subject_id == str(draft_id)


def test_a_copy_takes_rows_documents_and_forms_of_the_last_submittal(plant, world):
    _submitted_hmbp(world, plant)
    submitted_hmi = yolo.elements(plant)[HMI].last_submitted_version_id

    draft_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")

    draft = db.run(lambda s: s.get(ElementVersion, draft_id))
    assert draft.based_on_version_id == submitted_hmi
    assert [i.common_name for i in _items(draft_id)] == ["Diesel Fuel"]
    assert [i.id for i in _items(draft_id)] != [i.id for i in _items(submitted_hmi)]
    snapshot = db.run(documents.documents_snapshot, draft_id)
    assert snapshot == db.run(documents.documents_snapshot, submitted_hmi)
    assert snapshot[hmbp.SITE_MAP]["source_label"] == "Stored at Facility"


def test_the_default_copy_is_the_most_recent_accepted_submittal(plant, world):
    _submitted_hmbp(world, plant)
    accepted = yolo.elements(plant)[HMI].last_submitted_version_id
    _accept(accepted)
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    stock.added(world.ed, plant, LUBE)
    hmbp.prepare(world.lena, plant, rows=(PROPANE,))
    hmbp.submitted(world.connie, plant)
    latest = yolo.elements(plant)[HMI].last_submitted_version_id

    choices = db.run(drafts.basis_choices, world.ed.actor(), plant, HMI)
    draft_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")

    assert [(c.version_id, c.default) for c in choices] == [(latest, False), (accepted, True)]
    assert choices[0].label.startswith("Submitted, submitted ")
    assert choices[1].label.startswith("Accepted, submitted ")
    assert [i.common_name for i in _items(draft_id)] == ["Diesel Fuel"]


def test_a_chosen_earlier_submittal_is_copied(plant, world):
    _submitted_hmbp(world, plant)
    first = yolo.elements(plant)[HMI].last_submitted_version_id
    _accept(first)
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    stock.added(world.ed, plant, LUBE)
    hmbp.prepare(world.lena, plant, rows=(PROPANE,))
    hmbp.submitted(world.connie, plant)
    latest = yolo.elements(plant)[HMI].last_submitted_version_id

    draft_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, str(latest))

    names = sorted(i.common_name for i in _items(draft_id))
    assert names == ["Diesel Fuel", "Lube Oil", "Propane"]


def test_one_draft_per_element(plant, world):
    hmbp.answer_facility_information(world.lena, plant)
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, drafts.BLANK)
    before = support.table_snapshot()

    with pytest.raises(Conflict) as caught:
        db.run(drafts.start_element, world.ed.actor(), plant, HMI, drafts.BLANK)

    assert "already has a draft" in caught.value.message
    assert support.table_snapshot() == before


def test_an_element_the_business_activities_do_not_require_cannot_start(plant, world):
    hmbp.answer_facility_information(world.lena, plant)
    assert yolo.elements(plant)[UST].requirement == NOT_REQUIRED

    with pytest.raises(Conflict) as caught:
        db.run(drafts.start_element, world.ed.actor(), plant, UST, drafts.BLANK)

    assert "not required" in caught.value.message


@pytest.mark.parametrize("basis", ["999999", "-1", "x", 3.5])
def test_an_unknown_basis_is_refused(plant, world, basis):
    _submitted_hmbp(world, plant)

    with pytest.raises((NotFound, ValidationFailed)):
        db.run(drafts.start_element, world.ed.actor(), plant, HMI, basis)
    assert yolo.elements(plant)[HMI].draft_version_id is None


def test_a_basis_of_another_element_or_facility_is_refused(plant, world):
    _submitted_hmbp(world, plant)
    fi_version = yolo.elements(plant)[FI].last_submitted_version_id
    other = yolo.add_facility(world.lena, world.acme, name="Acme Two", street="9 Oak St")

    with pytest.raises(NotFound):
        db.run(drafts.start_element, world.ed.actor(), plant, HMI, str(fi_version))
    hmbp.answer_facility_information(world.lena, other)
    with pytest.raises(NotFound):
        db.run(drafts.start_element, world.ed.actor(), other, HMI, str(fi_version))


@pytest.mark.parametrize("element", [0, 11, "2", None, True])
def test_an_unknown_element_is_refused(plant, world, element):
    with pytest.raises(ValidationFailed):
        db.run(drafts.start_element, world.ed.actor(), plant, element, drafts.BLANK)


def test_who_may_start_and_discard(plant, world):
    hmbp.answer_facility_information(world.lena, plant)
    with pytest.raises(PermissionDenied):
        db.run(drafts.start_element, world.val.actor(), plant, HMI, drafts.BLANK)
    with pytest.raises(NotFound):
        db.run(drafts.start_element, world.otto.actor(), plant, HMI, drafts.BLANK)
    draft_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, drafts.BLANK)
    with pytest.raises(PermissionDenied):
        db.run(drafts.discard_draft, world.val.actor(), plant, HMI, draft_id)
    with pytest.raises(NotFound):
        db.run(drafts.discard_draft, world.otto.actor(), plant, HMI, draft_id)
    assert yolo.elements(plant)[HMI].draft_version_id == draft_id


def test_discarding_removes_the_draft_with_its_rows_and_documents(plant, world):
    _submitted_hmbp(world, plant)
    submitted_id = yolo.elements(plant)[HMI].last_submitted_version_id
    draft_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    stock.added(world.ed, plant, LUBE)

    db.run(drafts.discard_draft, world.ed.actor(), plant, HMI, draft_id)

    slot = yolo.elements(plant)[HMI]
    assert (slot.draft_version_id, slot.last_submitted_version_id) == (None, submitted_id)
    assert db.run(lambda s: s.get(ElementVersion, draft_id)) is None
    assert _items(draft_id) == []
    docs = db.run(
        lambda s: s.exec(
            select(ElementDocument).where(ElementDocument.element_version_id == draft_id)
        ).all()
    )
    assert docs == []
    assert [i.common_name for i in _items(submitted_id)] == ["Diesel Fuel"]
    assert support.audit_events("ELEMENT_DRAFT_DISCARDED")


def test_a_stale_or_submitted_draft_is_not_discarded(plant, world):
    hmbp.prepare(world.lena, plant)
    draft_id = hmbp.draft_id(plant, HMI)
    hmbp.submitted(world.connie, plant)
    before = support.table_snapshot()

    with pytest.raises(Conflict):
        db.run(drafts.discard_draft, world.ed.actor(), plant, HMI, draft_id)
    new_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    with pytest.raises(Conflict):
        db.run(drafts.discard_draft, world.ed.actor(), plant, HMI, draft_id)

    version = db.run(lambda s: s.get(ElementVersion, draft_id))
    assert version.status == SUBMITTED
    assert yolo.elements(plant)[HMI].draft_version_id == new_id
    assert before["element_version"] != support.table_snapshot()["element_version"]
