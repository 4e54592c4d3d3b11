"""The change view of a draft against the last submittal, and of a submitted version
against the one before it."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import NotFound
from cers_app.submittals import change_view, drafts
from cers_app.submittals.changes import CHANGES, NO_CHANGE, SIGNIFICANT
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3


def _first_submittal(world, plant) -> None:
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)


def test_a_first_submittal_is_significant(plant, world):
    hmbp.prepare(world.lena, plant)

    view = db.run(change_view.element_changes, world.val.actor(), plant, HMI)

    assert (view.changes.first, view.changes.level, view.compared_with) == (True, SIGNIFICANT, "")
    assert [(r.kind, r.material) for r in view.changes.rows] == [("added", "Diesel Fuel")]
    assert [d.label for d in view.changes.documents] == ["Annotated Site Map (Official Use Only)"]


def test_an_unchanged_copy_has_no_change(plant, world):
    _first_submittal(world, plant)
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")

    view = db.run(change_view.element_changes, world.val.actor(), plant, HMI)

    assert view.version_status == "Draft"
    assert view.compared_with.startswith("the submittal of ")
    assert (view.changes.level, view.changes.rows, view.changes.documents) == (NO_CHANGE, (), ())


def test_an_edited_row_and_a_new_document_source_are_listed(plant, world):
    _first_submittal(world, plant)
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    [item_id] = hmbp.item_ids(plant)
    stock.edit(world.ed, plant, item_id, {"AverageDailyAmount": "700"})
    db.run(
        hmbp.documents.set_source,
        world.ed.actor(),
        plant,
        hmbp.draft_id(plant, HMI),
        hmbp.SITE_MAP,
        {"source": "4", "url": "https://example.com/site-map.pdf"},
    )

    view = db.run(change_view.element_changes, world.val.actor(), plant, HMI)

    [row] = view.changes.rows
    assert (row.kind, row.material) == ("changed", "Diesel Fuel")
    assert [(f.label, f.before, f.after) for f in row.fields] == [
        ("Average daily amount", "600", "700")
    ]
    [document] = view.changes.documents
    assert (document.kind, document.detail) == (
        "changed",
        "Stored at Facility -> Public Internet URL",
    )
    assert view.changes.level == CHANGES


def test_a_submitted_version_is_compared_with_the_submittal_before_it(plant, world):
    _first_submittal(world, plant)
    first_fi = yolo.elements(plant)[FI].last_submitted_version_id
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    stock.added(world.ed, plant, stock.row(CommonName="Propane", CASNumber="74-98-6"))
    hmbp.prepare(world.lena, plant, rows=())
    hmbp.submitted(world.connie, plant)
    second = yolo.elements(plant)[HMI].last_submitted_version_id

    view = db.run(change_view.element_changes, world.val.actor(), plant, HMI, second)
    first_view = db.run(change_view.element_changes, world.val.actor(), plant, FI, first_fi)

    assert view.version_status == "Submitted"
    assert view.changes.level == SIGNIFICANT
    assert view.changes.reasons == ("New material: Propane",)
    assert first_view.changes.first is True


def test_who_may_see_changes(plant, world):
    hmbp.prepare(world.lena, plant)
    with pytest.raises(NotFound):
        db.run(change_view.element_changes, world.otto.actor(), plant, HMI)
    with pytest.raises(NotFound):
        db.run(change_view.element_changes, world.val.actor(), plant, 4)
    with pytest.raises(NotFound):
        db.run(change_view.element_changes, world.val.actor(), plant, HMI, 10**6)
    fi_version = hmbp.draft_id(plant, FI)
    with pytest.raises(NotFound):
        db.run(change_view.element_changes, world.val.actor(), plant, HMI, fi_version)
