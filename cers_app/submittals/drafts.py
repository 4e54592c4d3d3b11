"""Element drafts: start one (blank, or a copy of an earlier submittal), list what it can be
copied from, discard it.

At most one draft per facility and element (the element row's `draft_version_id`, changed
only under that row's lock). A copy takes the earlier version's forms, inventory rows and
documents, and is validated again with today's rules. Submitted versions never change.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import (
    DRAFT,
    ELEMENTS,
    FACILITY_INFORMATION,
    NOT_REQUIRED,
    element_label,
    status_label,
)
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.facilities.service import (
    access_facility,
    blank_data,
    default_basis_id,
    is_id,
    new_draft,
)
from cers_app.inventory import copying
from cers_app.inventory.import_models import InventoryImport
from cers_app.inventory.models import InventoryFinding, InventoryItem
from cers_app.organizations.roles import OrgAction
from cers_app.submittals import documents

HMI = 2
BLANK = "blank"
MAX_CHOICES = 25
BASIS_NOT_FOUND = "That earlier submittal was not found for this element. Reload the page."
UNKNOWN_ELEMENT = "That is not a submittal element."
RUNNING_IMPORT = (
    "An inventory upload is still being prepared for this draft. Wait for it to finish or "
    "cancel it on the Upload Inventory page, then discard the draft."
)


@dataclass(frozen=True)
class BasisChoice:
    """An earlier version a new draft can be copied from."""

    version_id: int
    label: str
    default: bool


def _element(element: object) -> int:
    if not is_id(element) or element not in ELEMENTS:
        raise ValidationFailed(message=UNKNOWN_ELEMENT)
    return int(element)  # type: ignore[arg-type]


def _locked_slot(session: Session, facility_id: int, element: int) -> FacilityElement:
    return session.exec(
        select(FacilityElement)
        .where(FacilityElement.facility_id == facility_id, FacilityElement.element == element)
        .with_for_update()
    ).one()


def fill(
    session: Session, actor: Actor, source: ElementVersion | None, draft: ElementVersion
) -> int:
    """Give a new draft the content of `source` (None: a blank draft): its forms, inventory
    rows and documents; inventory rows are validated again. Returns the rows copied."""
    assert draft.id is not None
    if source is not None:
        draft.based_on_version_id = source.id
        draft.data = copy.deepcopy(source.data or {})
        session.add(draft)
    copied = 0
    if draft.element == HMI:
        copied = copying.copy_rows(session, actor.user_id, source.id if source else None, draft)
    if source is not None and source.id is not None:
        documents.copy_documents(session, source.id, draft.id, actor.user_id)
    session.flush()
    return copied


def _label(version: ElementVersion) -> str:
    when = clock.format_local(version.submitted_at) if version.submitted_at else "never sent"
    return f"{status_label(version.status)}, submitted {when}"


def _history(session: Session, facility_id: int, element: int) -> list[ElementVersion]:
    return list(
        session.exec(
            select(ElementVersion)
            .where(
                ElementVersion.facility_id == facility_id,
                ElementVersion.element == element,
                ElementVersion.status != DRAFT,
            )
            .order_by(col(ElementVersion.submitted_at).desc(), col(ElementVersion.id).desc())
            .limit(MAX_CHOICES)
        )
    )


def basis_choices(
    session: Session, actor: Actor, facility_id: object, element: object
) -> list[BasisChoice]:
    """The earlier submittals of an element a new draft can copy, latest first; the default
    (most recent accepted, else last submitted) is marked."""
    wanted = _element(element)
    return facility_basis_choices(session, actor, facility_id).get(wanted, [])


def _basis(
    session: Session, facility: Facility, slot: FacilityElement, basis: object
) -> ElementVersion | None:
    """The version to copy: None for a blank draft; "" means the default."""
    if basis == BLANK:
        return None
    if basis in ("", None):
        default = default_basis_id(slot)
        return session.get(ElementVersion, default) if default else None
    wanted = int(basis) if isinstance(basis, str) and basis.isdigit() else basis
    version = session.get(ElementVersion, wanted) if is_id(wanted) else None
    if (
        version is None
        or version.facility_id != facility.id
        or version.element != slot.element
        or version.status == DRAFT
    ):
        raise NotFound(BASIS_NOT_FOUND)
    return version


def start_element(
    session: Session, actor: Actor, facility_id: object, element: object, basis: object = ""
) -> int:
    """Start a draft of an element: `basis` is "blank", "" (a copy of the default earlier
    submittal, blank when there is none) or the id of an earlier submitted version to copy.
    Refused when the element already has a draft or is not required for the facility."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        return start_in(session, actor, facility, element, basis)


def start_in(
    session: Session, actor: Actor, facility: Facility, element: object, basis: object
) -> int:
    """`start_element` inside the caller's transaction, for a facility already checked."""
    wanted = _element(element)
    assert facility.id is not None
    slot = _locked_slot(session, facility.id, wanted)
    label = element_label(wanted)
    if slot.requirement == NOT_REQUIRED and wanted != FACILITY_INFORMATION:
        raise Conflict(
            f"{label} is not required for this facility by its Business Activities. "
            "Change the Business Activities answers first if it should be."
        )
    if slot.draft_version_id is not None:
        raise Conflict(f"{label} already has a draft: open it, or discard it first.")
    source = _basis(session, facility, slot, basis)
    draft = new_draft(session, actor, facility, wanted)
    draft.data = blank_data(wanted)
    fill_and_record(session, actor, facility, source, draft)
    return draft.id or 0


def _remove_content(session: Session, version_id: int) -> None:
    running = session.exec(
        select(InventoryImport.id).where(
            InventoryImport.element_version_id == version_id,
            # importing.QUEUED, READING, IMPORTING (that module builds on this one)
            col(InventoryImport.status).in_(("queued", "reading", "importing")),
        )
    ).first()
    if running is not None:
        raise Conflict(RUNNING_IMPORT)
    session.execute(
        sa.delete(InventoryImport).where(col(InventoryImport.element_version_id) == version_id)
    )
    session.execute(
        sa.delete(InventoryFinding).where(col(InventoryFinding.element_version_id) == version_id)
    )
    session.execute(
        sa.delete(InventoryItem).where(col(InventoryItem.element_version_id) == version_id)
    )
    documents.remove_documents(session, version_id)


def discard_draft(
    session: Session, actor: Actor, facility_id: object, element: object, version_id: object
) -> None:
    """Discard an element's draft with everything in it. `version_id` is the draft the page
    showed: a draft started again meanwhile, or a version already submitted, is refused."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.DISCARD_DRAFT)
        wanted = _element(element)
        assert facility.id is not None
        slot = _locked_slot(session, facility.id, wanted)
        label = element_label(wanted)
        if slot.draft_version_id is None or slot.draft_version_id != version_id:
            raise Conflict(
                f"This {label} draft was submitted or discarded meanwhile. Reload the page."
            )
        draft = session.get(ElementVersion, slot.draft_version_id, with_for_update=True)
        if draft is None or draft.status != DRAFT:
            raise Conflict(f"{label} was submitted: submitted versions cannot be discarded.")
        _remove_content(session, draft.id or 0)
        slot.draft_version_id = None
        session.add(slot)
        session.flush()
        session.delete(draft)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ELEMENT_DRAFT_DISCARDED,
            subject_type="element_version",
            subject_id=version_id if isinstance(version_id, int) else 0,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            before={"facility_id": facility.id, "element": wanted},
            client_ip=actor.client_ip,
        )


def facility_basis_choices(
    session: Session, actor: Actor, facility_id: object
) -> dict[int, list[BasisChoice]]:
    """`basis_choices` of every element of a facility that has earlier submittals."""
    facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
    assert facility.id is not None
    slots = session.exec(
        select(FacilityElement).where(FacilityElement.facility_id == facility.id)
    ).all()
    choices: dict[int, list[BasisChoice]] = {}
    for slot in slots:
        if slot.last_submitted_version_id or slot.last_accepted_version_id:
            default = default_basis_id(slot)
            choices[slot.element] = [
                BasisChoice(v.id or 0, _label(v), v.id == default)
                for v in _history(session, facility.id, slot.element)
            ]
    return choices


def fill_and_record(
    session: Session,
    actor: Actor,
    facility: Facility,
    source: ElementVersion | None,
    draft: ElementVersion,
) -> None:
    """Copy `source` into the new `draft` and record that the draft was started."""
    copied = fill(session, actor, source, draft)
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=AuditEventType.ELEMENT_DRAFT_STARTED,
        subject_type="element_version",
        subject_id=draft.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        after={
            "facility_id": facility.id,
            "element": draft.element,
            "from_version_id": source.id if source else None,
            "rows": copied,
        },
        client_ip=actor.client_ip,
    )
