"""Submitted business plans the submitting journeys start from, made through the services on
the server's database: `python -m tests.e2e.submittal_setup '<json steps>'` in the server's
environment. It adds to the steps of `inventory_setup` a whole first submittal (Facility
Information, one material, the site map and both plans), its acceptance with the due date
already past, a regulator's review of the last submittal, and a count of submittals."""

from __future__ import annotations

import datetime as dt
import secrets
import sys
from typing import Any

from sqlmodel import func, select

from cers_app.core import db
from cers_app.core.codes import ACCEPTED
from cers_app.facilities import business_activities
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.inventory import service as inventory
from cers_app.submittals import annual, documents, drafts, submit
from cers_app.submittals.models import Submittal
from tests.e2e import facility_setup, inventory_setup
from tests.unit.facilities.county import OWNER

FI, HMI, ERTP = 1, 2, 3
SITE_MAP, RESPONSE_PLAN, TRAINING_PLAN = 5, 6, 7


def _draft(facility_id: int, element: int) -> int:
    slot = db.run(facility_service.element_slot, facility_id, element)
    assert slot.draft_version_id is not None
    return slot.draft_version_id


def submitted_hmbp(lead: str, facility_id: int, material: dict[str, str]) -> dict[str, Any]:
    """`lead` fills in and submits the facility's first business plan: Facility Information,
    `material` in the inventory, the site map and response plan "Stored at Facility" and the
    training plan "Provided to Regulator"."""
    actor = facility_setup.actor_of(lead)
    forms = db.run(facility_service.facility_information, actor, facility_id)
    answers = {key: "N" for key in business_activities.QUESTION_KEYS}
    answers["HMOnSite"] = "Y"
    forms, errors = db.run(
        facility_service.save_business_activities, actor, facility_id, answers, forms.version
    )
    assert not errors, errors
    _, errors = db.run(
        facility_service.save_owner_operator, actor, facility_id, OWNER, forms.version
    )
    assert not errors, errors
    db.run(drafts.start_element, actor, facility_id, HMI, drafts.BLANK)
    _, errors = db.run(inventory.save_item, actor, facility_id, None, material, None)
    assert not errors, errors
    db.run(drafts.start_element, actor, facility_id, ERTP, drafts.BLANK)
    cers_id = db.run(facility_service.get_facility, actor, facility_id).cers_id
    stored = {"source": "6", "stored_at_cers_id": str(cers_id)}
    for element, slot, answer in (
        (HMI, SITE_MAP, stored),
        (ERTP, RESPONSE_PLAN, stored),
        (ERTP, TRAINING_PLAN, {"source": "2", "provided_on": "2026-01-20"}),
    ):
        db.run(documents.set_source, actor, facility_id, _draft(facility_id, element), slot, answer)
    request = submit.SubmitRequest(
        version_ids=[_draft(facility_id, e) for e in (FI, HMI, ERTP)],
        certifier_name=actor.display_name,
        certifier_title="Owner",
        certified=True,
        key=secrets.token_urlsafe(24),
    )
    return {"submittal_id": db.run(submit.submit, actor, facility_id, request)}


def accepted_overdue(facility_id: int, days_late: int = 30) -> dict[str, Any]:
    """The regulator accepted the facility's last HMBP submittal and its due date passed
    `days_late` days ago; both written directly (there is no review service yet)."""

    def change(session) -> str:
        with db.transaction(session):
            due = annual.today_for(session, facility_id) - dt.timedelta(days=days_late)
            for slot in session.exec(
                select(FacilityElement).where(FacilityElement.facility_id == facility_id)
            ):
                if slot.element not in annual.HMBP or slot.last_submitted_version_id is None:
                    continue
                version = session.get(ElementVersion, slot.last_submitted_version_id)
                version.status = ACCEPTED
                slot.last_accepted_version_id = version.id
                slot.next_due_date = due
                session.add_all([version, slot])
            return due.isoformat()

    return {"due": db.run(change)}


def submittals(facility_id: int) -> dict[str, Any]:
    """How many times the facility was submitted."""
    count = db.run(
        lambda s: s.exec(
            select(func.count()).select_from(Submittal).where(Submittal.facility_id == facility_id)
        ).one()
    )
    return {"count": int(count)}


def facility_information(lead: str, facility_id: int, yes: list[str]) -> dict[str, Any]:
    """`lead` fills in the facility's Facility Information: Yes to the `yes` questions, No to
    the others, and a complete Owner/Operator form."""
    actor = facility_setup.actor_of(lead)
    forms = db.run(facility_service.facility_information, actor, facility_id)
    answers = {key: "Y" if key in yes else "N" for key in business_activities.QUESTION_KEYS}
    forms, errors = db.run(
        facility_service.save_business_activities, actor, facility_id, answers, forms.version
    )
    assert not errors, errors
    _, errors = db.run(
        facility_service.save_owner_operator, actor, facility_id, OWNER, forms.version
    )
    assert not errors, errors
    return {"required": list(forms.required_elements)}


def reviewed(reviewer: str, facility_id: int, status: int, comment: str = "") -> dict[str, Any]:
    """`reviewer` (a regulator) sets `status` on every element of the facility's last
    submittal, through the review service."""
    from cers_app.regulator import review

    actor = facility_setup.actor_of(reviewer, regulator=True)
    last = db.run(
        lambda s: s.exec(
            select(Submittal.id)
            .where(Submittal.facility_id == facility_id)
            .order_by(Submittal.id.desc())  # type: ignore[union-attr]
        ).first()
    )
    version_ids = db.run(
        lambda s: s.exec(select(ElementVersion.id).where(ElementVersion.submittal_id == last)).all()
    )
    for version_id in version_ids:
        db.run(review.set_status, actor, version_id, status, comment)
    return {"versions": len(version_ids)}


def facility_record(facility_id: int) -> dict[str, Any]:
    """The facility's name and EPA ID as its record holds them."""
    facility = db.run(lambda s: s.get(Facility, facility_id))
    return {"name": facility.name, "epa_id": facility.epa_id, "cers_id": facility.cers_id}


STEPS = {
    **inventory_setup.STEPS,
    "submitted_hmbp": submitted_hmbp,
    "accepted_overdue": accepted_overdue,
    "submittals": submittals,
    "reviewed": reviewed,
    "facility_information": facility_information,
    "facility_record": facility_record,
}


def setup(server: Any, *steps: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the steps in one process on the server's database; their results, in order."""
    return facility_setup.run_steps(server, "tests.e2e.submittal_setup", steps)


def new_facility(server: Any, lead: str, business: str, name: str, street: str) -> dict[str, Any]:
    """A new facility of `business` in Davis (the demo CUPA's), made by its Lead User `lead`;
    the name gets a random suffix and the street a random number, so each test has its own."""
    [organization] = setup(server, ("organization_id", {"name": business}))
    [made] = setup(
        server,
        (
            "facility",
            {
                "lead": lead,
                "organization_id": organization["id"],
                "name": f"{name} {secrets.token_hex(3)}",
                "street": f"{10000 + secrets.randbelow(89999)} {street}",
                "city": "Davis",
                "zip_code": "95616",
            },
        ),
    )
    return made


if __name__ == "__main__":
    facility_setup.main_of(STEPS, sys.argv[1:])
