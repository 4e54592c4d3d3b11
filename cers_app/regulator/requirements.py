"""A regulator's decision that an element does not apply to a facility, as CERS applies it.

Two doors lead here (a review action "Not Applicable" and the facility page's reporting
requirements), and both must do the same: the inventory and the plans move together, the
choice sticks against later Business Activities answers, and the questions that made the
elements applicable are answered No in the open Facility Information draft (submitted
versions never change), the requirements those answers drive following.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from cers_app.core import clock
from cers_app.core.codes import DRAFT, FACILITY_INFORMATION, NOT_REQUIRED, REQUIRED
from cers_app.facilities import business_activities
from cers_app.facilities.models import ElementVersion, FacilityElement

HMI, ERTP = 2, 3
MOVES_TOGETHER = {HMI: (HMI, ERTP), ERTP: (HMI, ERTP)}
REGULATOR = "regulator"


def together(element: int) -> tuple[int, ...]:
    """The elements that change applicability with `element` (itself included)."""
    return MOVES_TOGETHER.get(element, (element,))


def answer_no_for(session: Session, facility_id: int, elements: tuple[int, ...]) -> dict[str, Any]:
    """Answer No to the Business Activities questions that make `elements` applicable, in
    the facility's Facility Information draft, and let the other elements whose requirement
    comes from the answers follow. Runs inside the caller's transaction; returns what
    changed, for the audit."""
    keys = [q.key for q in business_activities.QUESTIONS if set(q.elements) & set(elements)]
    fi = session.exec(
        select(FacilityElement)
        .where(
            FacilityElement.facility_id == facility_id,
            FacilityElement.element == FACILITY_INFORMATION,
        )
        .with_for_update()
    ).one()
    draft = session.get(ElementVersion, fi.draft_version_id or 0)
    source = draft if draft is not None and draft.status == DRAFT else None
    latest = source or session.get(ElementVersion, fi.last_submitted_version_id or 0)
    answers = dict((latest.data if latest else {}).get("business_activities", {}))
    reset = [key for key in keys if answers.get(key) == "Y"]
    for key in keys:
        answers[key] = "N"
    if source is not None and reset:
        source.data = {**source.data, "business_activities": answers}
        source.version += 1
        source.updated_at = clock.now()
        session.add(source)
    followed = []
    if latest is not None:
        required = set(business_activities.required_elements(answers))
        for slot in session.exec(
            select(FacilityElement).where(
                FacilityElement.facility_id == facility_id,
                FacilityElement.requirement_source == "business_activities",
            )
        ):
            wanted = REQUIRED if slot.element in required else NOT_REQUIRED
            if slot.requirement != wanted:
                slot.requirement = wanted
                session.add(slot)
                followed.append(slot.element)
    return {
        "answers_reset": reset if source is not None else [],
        "draft_id": source.id if source is not None else None,
        "requirements_followed": followed,
    }


def pin(slots: list[FacilityElement], requirement: int) -> list[FacilityElement]:
    """Set the slots' requirement as the regulator's choice; the ones that changed."""
    changed = [
        s for s in slots if (s.requirement, s.requirement_source) != (requirement, REGULATOR)
    ]
    for slot in changed:
        slot.requirement, slot.requirement_source = requirement, REGULATOR
    return changed
