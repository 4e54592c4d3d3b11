"""Loading versions for the change view: a draft against the element's last submittal, or a
submitted version against the submittal before it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from cers_app.core import clock
from cers_app.core.codes import DRAFT, FACILITY_INFORMATION, element_label, status_label
from cers_app.core.errors import NotFound
from cers_app.core.permissions import Actor
from cers_app.facilities import business_activities, owner_operator
from cers_app.facilities.models import ElementVersion, FacilityElement
from cers_app.facilities.service import access_facility, is_id
from cers_app.inventory.fields import FIELD_BY_TAG
from cers_app.inventory.findings import FINGERPRINT_KEY
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.roles import OrgAction
from cers_app.submittals import (
    changes,
    document_rules,
    documents,
    element_forms,
    element_records,
)
from cers_app.submittals.changes import Changes, InventoryRow, Snapshot

HMI = 2
NOTHING = "This element has no draft and no submittal to compare."
# Derived bookkeeping kept in a version's data, not something the business entered.
# ("edt": who submitted and reviewed a version imported from CERS, as CERS sent it;
# reports.edt_model.EDT_KEY.)
_DERIVED_KEYS = frozenset({FINGERPRINT_KEY, element_records.NEXT_KEY, "edt"})


def _form_labels() -> dict[str, str]:
    labels = {
        f"business_activities.{q.key}": f"Business Activities {q.number}: {q.text}"
        for q in business_activities.QUESTIONS
    }
    labels["business_activities.Comments"] = "Business Activities: comments"
    for key, label in business_activities.SITE_LABELS.items():
        labels[f"business_activities.{key}"] = f"Site identification: {label}"
    for key, field in owner_operator.FIELDS.items():
        labels[f"owner_operator.{key}"] = f"Owner/Operator: {field.label}"
    return labels


FORM_LABELS = _form_labels()


def form_labels_of(element: int, *datas: Mapping[str, Any] | None) -> dict[str, str]:
    """The labels of an element's form fields ("APSA: <label>") and of the records found in
    `datas`, the versions' data compared ("Tank T-1: Capacity"); {} when it has neither."""
    if element == FACILITY_INFORMATION:
        return FORM_LABELS
    form = element_forms.form_for(element)
    labels = element_forms.labels(form) if form is not None else {}
    return {**labels, **element_records.labels(element, *datas)}


ROW_LABELS = {tag: field.label for tag, field in FIELD_BY_TAG.items()}


@dataclass(frozen=True)
class ChangeView:
    facility_id: int
    element: int
    label: str
    version_id: int
    version_status: str
    compared_with: str  # "the submittal of <date>", or "" for a first submittal
    changes: Changes


def snapshot(session: Session, version: ElementVersion) -> Snapshot:
    """A version as the comparison sees it: its forms, inventory rows and documents."""
    assert version.id is not None
    data = {k: v for k, v in (version.data or {}).items() if k not in _DERIVED_KEYS}
    rows: tuple[InventoryRow, ...] = ()
    if version.element == HMI:
        rows = tuple(
            InventoryRow(item.material_key, item.location, item.common_name, dict(item.data))
            for item in session.exec(
                select(InventoryItem)
                .where(InventoryItem.element_version_id == version.id)
                .order_by(InventoryItem.id)  # type: ignore[arg-type]
            )
        )
    return Snapshot(data, rows, documents.documents_snapshot(session, version.id))


def compare_versions(
    session: Session, version: ElementVersion, previous: ElementVersion | None
) -> Changes:
    """The changes from `previous` (None: a first submittal) to `version`."""
    slots = {slot.code: slot.label for slot in document_rules.slots_for(version.element)}
    before = snapshot(session, previous) if previous else None
    after = snapshot(session, version)
    return changes.compare(
        version.element,
        before,
        after,
        form_labels_of(version.element, before.data if before else None, after.data),
        ROW_LABELS,
        slots,
    )


def previous_of(session: Session, version: ElementVersion) -> ElementVersion | None:
    """What a version is compared with: for a draft, the element's last submittal; for a
    submitted version, the submittal before it (recorded when it was submitted)."""
    if version.status != DRAFT:
        wanted = version.previous_version_id
    else:
        slot = session.exec(
            select(FacilityElement).where(
                FacilityElement.facility_id == version.facility_id,
                FacilityElement.element == version.element,
            )
        ).one()
        wanted = slot.last_submitted_version_id
    return session.get(ElementVersion, wanted) if wanted else None


def element_changes(
    session: Session, actor: Actor, facility_id: object, element: object, version_id: object = None
) -> ChangeView:
    """The change view of one element: of `version_id` when given (a version of this
    element of this facility), else of its draft, else of its last submittal."""
    facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
    if not is_id(element):
        raise NotFound(NOTHING)
    slot = session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility.id, FacilityElement.element == element
        )
    ).first()
    if slot is None:
        raise NotFound(NOTHING)
    wanted = version_id if is_id(version_id) else None
    wanted = wanted or slot.draft_version_id or slot.last_submitted_version_id
    version = session.get(ElementVersion, wanted) if wanted else None
    if version is None or version.facility_id != facility.id or version.element != element:
        raise NotFound(NOTHING)
    previous = previous_of(session, version)
    compared = ""
    if previous is not None and previous.submitted_at is not None:
        compared = f"the submittal of {clock.format_local(previous.submitted_at)}"
    return ChangeView(
        facility_id=facility.id or 0,
        element=version.element,
        label=element_label(version.element),
        version_id=version.id or 0,
        version_status=status_label(version.status),
        compared_with=compared,
        changes=compare_versions(session, version, previous),
    )
