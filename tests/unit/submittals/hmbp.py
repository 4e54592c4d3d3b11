"""A facility's Hazardous Materials Business Plan made ready to submit through the real
services: Facility Information answered, a valid material (Diesel Fuel) in the inventory,
every document slot answered "Stored at Facility"."""

from __future__ import annotations

import secrets

from sqlmodel import select

from cers_app.core import db
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import ElementVersion, FacilityElement
from cers_app.inventory.models import InventoryItem
from cers_app.submittals import documents, drafts, submit
from tests import audit_hook
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.organizations.world import Person

FI, HMI, ERTP = 1, 2, 3
SITE_MAP, RESPONSE_PLAN, TRAINING_PLAN = 5, 6, 7


def draft_id(facility_id: int, element: int) -> int:
    version_id = yolo.elements(facility_id)[element].draft_version_id
    assert version_id is not None, f"element {element} has no draft"
    return version_id


def stored_at_facility(person: Person, facility_id: int, element: int, slot: int) -> None:
    """Answer a document slot of the element's draft: kept at this facility."""
    cers_id = yolo.facility(facility_id).cers_id
    db.run(
        documents.set_source,
        person.actor(),
        facility_id,
        draft_id(facility_id, element),
        slot,
        {"source": "6", "stored_at_cers_id": str(cers_id)},
    )


def answer_facility_information(person: Person, facility_id: int) -> None:
    """Business Activities (hazardous materials on site: inventory and plans required) and a
    complete Owner/Operator form in the Facility Information draft (started as a copy of the
    last submittal when there is none)."""
    if yolo.elements(facility_id)[FI].draft_version_id is None:
        db.run(drafts.start_element, person.actor(), facility_id, FI, "")
    forms, errors = yolo.save_answers(person, facility_id, yolo.answers("HMOnSite"))
    assert not errors, errors
    _, errors = db.run(
        facility_service.save_owner_operator,
        person.actor(),
        facility_id,
        yolo.OWNER,
        forms.version,
    )
    assert not errors, errors


def prepare(
    person: Person, facility_id: int, rows: tuple[dict[str, str], ...] | None = None
) -> None:
    """Facility Information, inventory and plans drafts, all ready to submit; `rows` are
    added to the inventory draft (default: one Diesel Fuel row)."""
    answer_facility_information(person, facility_id)
    if yolo.elements(facility_id)[HMI].draft_version_id is None:
        db.run(drafts.start_element, person.actor(), facility_id, HMI, drafts.BLANK)
    for values in (stock.row(),) if rows is None else rows:
        stock.added(person, facility_id, values)
    stored_at_facility(person, facility_id, HMI, SITE_MAP)
    if yolo.elements(facility_id)[ERTP].draft_version_id is None:
        db.run(drafts.start_element, person.actor(), facility_id, ERTP, drafts.BLANK)
    stored_at_facility(person, facility_id, ERTP, RESPONSE_PLAN)
    stored_at_facility(person, facility_id, ERTP, TRAINING_PLAN)


def request(facility_id: int, *elements: int, key: str | None = None, **changes):
    """A complete submit request for the drafts of `elements` (default FI, HMI and ERTP)."""
    version_ids = [draft_id(facility_id, e) for e in elements or (FI, HMI, ERTP)]
    values = {
        "version_ids": version_ids,
        "certifier_name": "Connie Approver",
        "certifier_title": "EHS Manager",
        "certified": True,
        "key": key or secrets.token_urlsafe(24),
        **changes,
    }
    return submit.SubmitRequest(**values)


def submitted(person: Person, facility_id: int, *elements: int) -> int:
    """Submit the drafts of `elements`; returns the submittal's id."""
    return db.run(submit.submit, person.actor(), facility_id, request(facility_id, *elements))


def item_ids(facility_id: int, element: int = HMI) -> list[int]:
    """The ids of the inventory rows of the element's draft."""
    version_id = draft_id(facility_id, element)
    return db.run(
        lambda s: list(
            s.exec(
                select(InventoryItem.id)
                .where(InventoryItem.element_version_id == version_id)
                .order_by(InventoryItem.id)
            )
        )
    )


def reviewed(facility_id: int, status: int = 4, comments: str = "") -> None:
    """The regulator's decision on the last submitted HMBP (no review service yet): Accepted
    (4) makes each version the element's last accepted one; Not Accepted (5) keeps `comments`."""

    def change(session):
        with db.transaction(session):
            for slot in yolo.elements(facility_id).values():
                version_id = slot.last_submitted_version_id
                if slot.element not in (FI, HMI, ERTP) or version_id is None:
                    continue
                version = session.get(ElementVersion, version_id)
                version.status, version.review_comments = status, comments
                session.add(version)
                row = session.get(FacilityElement, slot.id)
                row.regulator_comments = comments
                if status == 4:
                    row.last_accepted_version_id = version_id
                session.add(row)

    with audit_hook.exempt("test helper stands in for a review or due-date step"):
        db.run(change)


def accepted_plan(lead: Person, approver: Person, facility_id: int) -> int:
    """A facility whose first HMBP was submitted and accepted; returns the submittal's id."""
    prepare(lead, facility_id)
    submittal_id = submitted(approver, facility_id)
    reviewed(facility_id)
    return submittal_id


def set_due(facility_id: int, due) -> None:
    """Give the facility's FI, HMI and ERTP this due date directly (tests of what reads it)."""

    def change(session):
        with db.transaction(session):
            for slot in session.exec(
                select(FacilityElement).where(FacilityElement.facility_id == facility_id)
            ):
                if slot.element in (FI, HMI, ERTP):
                    slot.next_due_date = due
                    session.add(slot)

    with audit_hook.exempt("test helper stands in for a review or due-date step"):
        db.run(change)
