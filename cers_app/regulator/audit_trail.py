"""A facility's history for the regulator: the audit events of a facility in the agency's reach.

Reviewers and Agency Admins (the REVIEW right) read it; Viewers and Request Handlers are
refused, and an Emergency Responder or anyone outside the reach gets "not found". Staff of a
CUPA reach a facility whole and read its events except those another agency recorded (an
agency outside their reach, e.g. before the facility changed regulator). Staff of a
participating agency read only what concerns their agency: events recorded for it and events
on the element versions submitted to it.

A business's work on its drafts (Facility Information, inventory, documents, element forms)
shows who did what and when, but not the values: regulators see only what was submitted.
Inventory locations a business marked confidential are masked as the submittal view masks
them (`submittal_view.CONFIDENTIAL`) for a reader who does not see the facility's inventory
with REVIEW; secrets are never shown (`core.audit_labels`).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col, or_, select

from cers_app.core import audit_labels as labels
from cers_app.core.audit import AuditEvent
from cers_app.core.db import transaction
from cers_app.core.errors import DomainError, PermissionDenied
from cers_app.core.permissions import Actor
from cers_app.facilities.audit_trail import (
    Shown,
    Trail,
    TrailFilter,
    as_recorded,
    read_page,
)
from cers_app.facilities.models import ElementVersion, FacilityElement
from cers_app.inventory.models import InventoryItem
from cers_app.regulator import scope
from cers_app.regulator.scope import Reach, Right
from cers_app.regulator.submittal_view import CONFIDENTIAL, LOCATION_TAGS, is_confidential

REFUSED = "Only a Reviewer or Agency Admin can read a facility's history."
HMI = 2
# Keys of an inventory event that tell where a material is.
LOCATION_KEYS = frozenset({*LOCATION_TAGS, "location"})


def _reach_clauses(session: Session, reach: Reach, facility_id: int) -> list[ColumnElement[bool]]:
    agencies = set(
        session.exec(
            select(FacilityElement.agency_id).where(FacilityElement.facility_id == facility_id)
        ).all()
    )
    if agencies & reach.whole:
        return [
            or_(
                col(AuditEvent.agency_id).is_(None),
                col(AuditEvent.agency_id).in_(sorted(reach.agencies)),
            )
        ]
    own = sorted(reach.elements)
    submitted_to_them = select(sa.cast(ElementVersion.id, sa.String)).where(
        ElementVersion.facility_id == facility_id, col(ElementVersion.agency_id).in_(own)
    )
    return [
        or_(
            col(AuditEvent.agency_id).in_(own),
            (AuditEvent.subject_type == "element_version")
            & col(AuditEvent.subject_id).in_(submitted_to_them),
        )
    ]


def sees_confidential(session: Session, actor: Actor, facility_id: int) -> bool:
    """Whether the actor reads the facility's inventory with REVIEW (its confidential
    locations too), as `submittal_view.sees_confidential` decides for one version."""
    return HMI in scope.visible_elements(session, actor, facility_id, Right.REVIEW)


def masked(event: AuditEvent, open_items: set[str]) -> tuple[Any, Any]:
    """The event's recorded values with an inventory row's location fields withheld, unless
    the row is known not to be confidential: neither side flags it, and either a side states
    its flag or the row still exists unflagged (`open_items`, ids as recorded)."""
    before, after = event.before, event.after
    if event.subject_type != "inventory_item":
        return before, after
    sides = [side for side in (before, after) if isinstance(side, dict)]
    flagged = any(is_confidential(side) for side in sides)
    stated = any("CLConfidential" in side for side in sides)
    if not flagged and (stated or event.subject_id in open_items):
        return before, after

    def hide(side: Any) -> Any:
        if not isinstance(side, dict):
            return side
        return {k: CONFIDENTIAL if k in LOCATION_KEYS else v for k, v in side.items()}

    return hide(before), hide(after)


def submitted_only(event: AuditEvent, then: Shown) -> tuple[Any, Any]:
    """The values of an event as `then` shows them, unless it is a business's work on a
    draft: a regulator reads who did what and when, and the values once they are submitted
    (in the submittal view)."""
    if event.event in labels.DRAFT_EDITS:
        return None, {labels.WITHHELD: labels.DRAFT_WITHHELD}
    return then(event)


def open_items(session: Session, facility_id: int) -> set[str]:
    """Ids (as recorded) of the facility's inventory rows that exist and are not confidential."""
    rows = session.exec(
        select(InventoryItem.id, InventoryItem.data).where(InventoryItem.facility_id == facility_id)
    ).all()
    return {str(item_id) for item_id, data in rows if not is_confidential(data)}


def facility_trail(
    session: Session, actor: Actor, facility_id: object, filters: TrailFilter, page: object = 1
) -> Trail:
    """A page of the facility's history (REVIEW right over a facility in the reach)."""
    with transaction(session):
        try:
            facility = scope.load_facility(session, actor, facility_id, Right.REVIEW)
        except PermissionDenied:
            raise PermissionDenied(REFUSED) from None
        assert facility.id is not None
        reach = scope.reach_of(session, actor, Right.REVIEW)
        clauses = [
            AuditEvent.facility_id == facility.id,
            *_reach_clauses(session, reach, facility.id),
        ]
        if sees_confidential(session, actor, facility.id):
            shown = partial(submitted_only, then=as_recorded)
        else:
            known = open_items(session, facility.id)
            shown = partial(submitted_only, then=partial(masked, open_items=known))
        return Trail(
            title=facility.name,
            subtitle=f"CERS ID {facility.cers_id}",
            facility_id=facility.id,
            page=read_page(session, clauses, filters, page, shown),
        )


def may_read(session: Session, actor: Actor, facility_id: int) -> bool:
    """Whether the facility page should offer its history to the actor."""
    try:
        with transaction(session):
            scope.load_facility(session, actor, facility_id, Right.REVIEW)
    except DomainError:
        return False
    return True
