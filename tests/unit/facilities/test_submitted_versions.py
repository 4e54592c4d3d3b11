"""Submitted versions are never changed: saves go to a new draft, or are refused."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.codes import DRAFT, FACILITY_INFORMATION, SUBMITTED
from cers_app.core.errors import Conflict
from cers_app.facilities import service
from cers_app.facilities.models import ElementVersion
from tests import audit_hook
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.facilities.test_save_owner_operator import COMPLETE


def _submit_in_place(facility_id: int) -> ElementVersion:
    """Make the draft submitted while the element still points at it as its draft: what a
    half-done submit would leave behind."""
    draft = yolo.fi_draft(facility_id)

    def change(session):
        with db.transaction(session):
            version = session.get(ElementVersion, draft.id)
            version.status = SUBMITTED
            session.add(version)

    with audit_hook.exempt("leaves a half-done submit behind by hand"):
        db.run(change)
    return draft


@pytest.mark.parametrize(
    "save",
    [service.save_business_activities, service.save_owner_operator],
    ids=["business_activities", "owner_operator"],
)
def test_it_refuses_to_save_into_a_submitted_version(plant, small_world, save):
    draft = _submit_in_place(plant)
    before = support.table_snapshot()

    with pytest.raises(Conflict) as caught:
        db.run(save, small_world.lena.actor(), plant, yolo.answers("HMOnSite"), draft.version)

    assert caught.value.message == (
        "Submitted information cannot be changed. Start a new draft instead."
    )
    assert support.table_snapshot() == before


def test_it_refuses_to_open_a_submitted_version_as_the_draft(plant, small_world):
    _submit_in_place(plant)

    with pytest.raises(Conflict):
        db.run(service.facility_information, small_world.lena.actor(), plant)


def test_it_starts_a_new_draft_from_the_last_submitted_version(plant, small_world):
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite"))
    db.run(
        service.save_owner_operator,
        small_world.lena.actor(),
        plant,
        COMPLETE,
        yolo.fi_draft(plant).version,
    )
    submitted = yolo.fi_draft(plant)
    yolo.mark_submitted(submitted.id)

    forms = db.run(service.facility_information, small_world.lena.actor(), plant)

    assert forms.version_id != submitted.id
    assert forms.version == 1
    assert forms.business_activities["HMOnSite"] == "Y"
    assert forms.owner_operator["OwnerName"] == "Alan Acme"
    draft = yolo.fi_draft(plant)
    assert (draft.id, draft.status) == (forms.version_id, DRAFT)


def test_it_saves_into_the_new_draft_and_leaves_the_submitted_version_as_it_was(plant, small_world):
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite"))
    submitted = yolo.fi_draft(plant)
    yolo.mark_submitted(submitted.id)

    forms, _ = db.run(
        service.save_business_activities,
        small_world.lena.actor(),
        plant,
        yolo.answers("OwnOrOperateUST"),
        1,
    )

    kept = db.run(lambda s: s.get(ElementVersion, submitted.id))
    assert (kept.status, kept.version, kept.data, kept.updated_at) == (
        SUBMITTED,
        submitted.version,
        submitted.data,
        submitted.updated_at,
    )
    assert forms.version_id != submitted.id
    slot = yolo.elements(plant)[FACILITY_INFORMATION]
    assert (slot.draft_version_id, slot.last_submitted_version_id) == (
        forms.version_id,
        submitted.id,
    )


def test_it_keeps_one_draft_per_element(plant, small_world):
    yolo.mark_submitted(yolo.fi_draft(plant).id)

    db.run(service.facility_information, small_world.lena.actor(), plant)
    db.run(service.facility_information, small_world.lena.actor(), plant)

    assert [v.status for v in yolo.versions(plant)] == [SUBMITTED, DRAFT]
