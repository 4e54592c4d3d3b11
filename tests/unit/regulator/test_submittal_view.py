"""The regulator's view of one submitted element: its header, forms, inventory, documents,
change view and history, and who may see it at all."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.inventory.listing import ItemQuery
from cers_app.regulator import submittal_view
from cers_app.submittals import documents, drafts
from tests import document_samples as samples
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast
from tests.unit.submittals import hmbp
from tests.unit.submittals.document_world import ER_PLAN, stage

FI, HMI, ERTP = 1, 2, 3


@pytest.fixture
def plant(world, county) -> int:
    """Acme's facility in Davis with its first HMBP submitted by connie."""
    facility_id = yolo.add_facility(world.lena, world.acme)
    cast.submitted_plan(world, facility_id)
    return facility_id


def _submitted(facility_id: int, element: int) -> int:
    version_id = yolo.elements(facility_id)[element].last_submitted_version_id
    assert version_id is not None
    return version_id


def _view(person: Person, version_id: object) -> submittal_view.SubmittedElement:
    return db.run(submittal_view.submitted_element, person.actor(), version_id)


def test_facility_information_is_shown_with_the_forms_labels(plant, world, rob) -> None:
    view = _view(rob, _submitted(plant, FI))

    facility = yolo.facility(plant)
    assert (view.facility_name, view.cers_id, view.business_name) == (
        facility.name,
        facility.cers_id,
        acme_world.ACME,
    )
    assert view.address == f"{facility.street}, Davis 95616"
    assert (view.element_label, view.status_label) == ("Facility Information", "Submitted")
    assert view.agency_name == yolo.CUPA.name
    assert (view.certifier_name, view.certifier_title) == ("Connie Approver", "EHS Manager")
    assert view.submitted_by == world.connie.name
    assert view.submitted_at
    assert [(o.label, o.status) for o in view.others] == [
        ("Hazardous Materials Inventory", "Submitted"),
        ("Emergency Response and Training Plans", "Submitted"),
    ]
    sections = {section.title: section for section in view.forms}
    site = {line.label: line.value for line in sections["Site identification"].fields}
    assert (site["Facility name"], site["County"]) == (facility.name, "Yolo")
    activities = sections["Business Activities"]
    first = activities.fields[0]
    assert first.label.startswith("4. Does the facility have hazardous materials on site")
    assert first.value == "Yes"
    assert activities.fields[1].value == "No"
    owner = {
        (section.title, line.label): line.value for section in view.forms for line in section.fields
    }
    assert owner[("Owner/Operator: Business owner", "Owner name")] == "Alan Acme"
    assert owner[("Owner/Operator: Business operator", "Operator name")] == "Acme Plating Co."
    assert view.inventory_rows is None


def test_the_inventory_is_counted_and_paged(world, county, rob) -> None:
    facility_id = yolo.add_facility(world.lena, world.acme)
    rows = (
        stock.row(),
        stock.row(CommonName="Propane", CASNumber="74-98-6"),
        stock.row(CommonName="Red Diesel", ChemicalLocation="Welding bay"),
    )
    hmbp.prepare(world.lena, facility_id, rows=rows)
    hmbp.submitted(world.connie, facility_id)
    version_id = _submitted(facility_id, HMI)

    assert _view(rob, version_id).inventory_rows == 3
    first = db.run(
        submittal_view.inventory_page, rob.actor(), version_id, ItemQuery(page=1, page_size=2)
    )
    second = db.run(
        submittal_view.inventory_page, rob.actor(), version_id, ItemQuery(page=2, page_size=2)
    )
    assert (first.total, first.pages) == (3, 2)
    assert [r.common_name for r in first.rows + second.rows] == [
        "Diesel Fuel",
        "Propane",
        "Red Diesel",
    ]
    found = db.run(submittal_view.inventory_page, rob.actor(), version_id, ItemQuery(text="weld"))
    assert [r.common_name for r in found.rows] == ["Red Diesel"]


def test_a_bad_inventory_query_or_element_is_refused(plant, rob) -> None:
    with pytest.raises(ValidationFailed):
        db.run(
            submittal_view.inventory_page,
            rob.actor(),
            _submitted(plant, HMI),
            ItemQuery(sort="id; DROP TABLE"),
        )
    with pytest.raises(NotFound):
        db.run(submittal_view.inventory_page, rob.actor(), _submitted(plant, FI), ItemQuery())


def test_documents_are_listed_with_their_source_and_files(world, county, rob, tmp_path) -> None:
    facility_id = yolo.add_facility(world.lena, world.acme)
    hmbp.prepare(world.lena, facility_id)
    db.run(
        documents.attach_file,
        world.lena.actor(),
        facility_id,
        hmbp.draft_id(facility_id, ERTP),
        ER_PLAN,
        stage(tmp_path, "ER plan.pdf", samples.pdf("Evacuate")),
    )
    hmbp.submitted(world.connie, facility_id)

    view = _view(rob, _submitted(facility_id, ERTP))

    slots = {slot.code: slot for slot in view.documents}
    plan = slots[ER_PLAN]
    assert plan.source_label == "Upload Documents"
    [file] = plan.files
    assert (file.name, file.kind_label) == ("ER plan.pdf", "PDF document")
    assert file.size > 0
    training = slots[hmbp.TRAINING_PLAN]
    assert training.source_label == "Stored at Facility"
    assert str(yolo.facility(facility_id).cers_id) in training.detail


def test_the_first_submittal_says_so(plant, rob) -> None:
    view = db.run(submittal_view.changes, rob.actor(), _submitted(plant, HMI))

    assert (view.changes.first, view.compared_with) == (True, "")
    assert [(r.kind, r.material) for r in view.changes.rows] == [("added", "Diesel Fuel")]


def test_a_later_submittal_is_compared_with_the_one_before(plant, world, rob) -> None:
    first = _submitted(plant, HMI)
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    stock.added(world.ed, plant, stock.row(CommonName="Propane", CASNumber="74-98-6"))
    hmbp.prepare(world.lena, plant, rows=())
    hmbp.submitted(world.connie, plant)
    second = _submitted(plant, HMI)

    view = db.run(submittal_view.changes, rob.actor(), second)

    assert view.changes.first is False
    assert view.compared_with.startswith("the submittal of ")
    assert [(r.kind, r.material) for r in view.changes.rows] == [("added", "Propane")]
    history = db.run(submittal_view.element_versions, rob.actor(), plant, HMI)
    assert [h.version_id for h in history] == [second, first]


def test_a_participating_agency_sees_only_its_element(world, county, pam, rob) -> None:
    facility_id = yolo.add_facility(
        world.lena, world.acme, street="20 Court St", city="Woodland", zip_code="95695"
    )
    hmbp.prepare(world.lena, facility_id)
    hmbp.submitted(world.connie, facility_id)
    inventory = _submitted(facility_id, HMI)

    view = _view(pam, inventory)
    assert view.agency_name == yolo.PA.name
    assert view.others == ()  # Facility Information and the plans went to the CUPA
    for element in (FI, ERTP):
        with pytest.raises(NotFound):
            _view(pam, _submitted(facility_id, element))
    history = db.run(submittal_view.element_versions, pam.actor(), facility_id, HMI)
    assert [h.version_id for h in history] == [inventory]
    # The CUPA above it sees the facility whole.
    assert [o.label for o in _view(rob, inventory).others] == [
        "Facility Information",
        "Emergency Response and Training Plans",
    ]


def test_others_are_refused_as_not_found(plant, world, rex, rob) -> None:
    version_id = _submitted(plant, FI)
    for person in (rex, world.lena, world.connie):  # another agency; the business itself
        with pytest.raises(NotFound):
            _view(person, version_id)
        with pytest.raises(NotFound):
            db.run(submittal_view.changes, person.actor(), version_id)
    with pytest.raises(NotFound):
        db.run(submittal_view.inventory_page, rex.actor(), _submitted(plant, HMI), ItemQuery())
    with pytest.raises(NotFound):
        db.run(submittal_view.element_versions, rex.actor(), plant, HMI)
    for bad in ("1 OR 1=1", None, 999_999, -1):
        with pytest.raises(NotFound):
            _view(rob, bad)


def test_a_draft_is_never_shown(plant, world, rob) -> None:
    db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")
    draft = hmbp.draft_id(plant, HMI)

    with pytest.raises(NotFound):
        _view(rob, draft)
    with pytest.raises(NotFound):
        db.run(submittal_view.inventory_page, rob.actor(), draft, ItemQuery())
    with pytest.raises(NotFound):
        db.run(submittal_view.changes, rob.actor(), draft)
    history = db.run(submittal_view.element_versions, rob.actor(), plant, HMI)
    assert draft not in [h.version_id for h in history]
