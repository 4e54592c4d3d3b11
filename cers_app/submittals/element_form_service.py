"""Loading and saving the structured form of an element's draft (APSA or UST Facility
Information).

The values live in the draft's `data["form"]`. What was typed is always kept (cleaned where
possible); the returned errors say what to fix, and readiness blocks submitting until none
is left. Submitted versions never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, element_label
from cers_app.core.db import transaction, write_lock
from cers_app.core.errors import Conflict, NotFound
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.facilities.service import (
    SUBMITTED_UNCHANGEABLE,
    access_facility,
    is_id,
    store_in_draft,
)
from cers_app.organizations.roles import OrgAction, allows
from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import DATA_KEY, FormDef

NO_FORM = "That element has no form to fill in here. Open it from the facility page."


@dataclass(frozen=True)
class ElementFormView:
    """An element draft's form as the page shows it."""

    facility_id: int
    facility_name: str
    cers_id: int
    element: int
    element_label: str
    title: str
    version_id: int
    version: int  # the draft's optimistic version, sent back when saving
    can_edit: bool
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # of the stored values, once saved


def _form(element: object) -> FormDef:
    form = element_forms.form_for(element) if is_id(element) else None
    if form is None:
        raise NotFound(NO_FORM)
    return form


def _slot(session: Session, facility: Facility, element: int) -> FacilityElement:
    slot = session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility.id, FacilityElement.element == element
        )
    ).first()
    if slot is None:
        raise NotFound(NO_FORM)
    return slot


def _no_draft(element: int) -> str:
    return (
        f"{element_label(element)} has no draft. Start a draft on the facility page first, "
        "then fill in its form."
    )


def shown_draft(session: Session, facility: Facility, element: int) -> ElementVersion:
    """The element's open draft, to show; NotFound when none was started."""
    slot = _slot(session, facility, element)
    draft = session.get(ElementVersion, slot.draft_version_id) if slot.draft_version_id else None
    if draft is None:
        raise NotFound(_no_draft(element))
    return draft


def editable_draft(
    session: Session, facility: Facility, element: int, version: object
) -> ElementVersion:
    """The element's open draft, to change, if it is still at `version` (the one the page
    showed). Conflict when it was submitted, discarded or changed by someone else meanwhile."""
    slot = _slot(session, facility, element)
    label = element_label(element)
    if slot.draft_version_id is None:
        raise Conflict(
            f"{label} has no open draft any more: it was submitted or discarded. Start a "
            "new draft on the facility page to make changes."
        )
    # Locked and read afresh: two saves of one version must not both pass the check below.
    write_lock(session)
    draft = session.get(
        ElementVersion, slot.draft_version_id, with_for_update=True, populate_existing=True
    )
    assert draft is not None
    if draft.status != DRAFT:  # submitted versions never change, whatever points at them
        raise Conflict(SUBMITTED_UNCHANGEABLE)
    if draft.version != version:
        raise Conflict(
            f"The {label} draft was changed by someone else meanwhile. Reload the page to "
            "see their changes, then make yours again."
        )
    return draft


def _view(
    facility: Facility, form: FormDef, draft: ElementVersion, can_edit: bool
) -> ElementFormView:
    values = element_forms.stored_values(form, draft.data)
    errors: dict[str, str] = {}
    if DATA_KEY in (draft.data or {}):
        _, errors = element_forms.check(form, values)
    return ElementFormView(
        facility_id=facility.id or 0,
        facility_name=facility.name,
        cers_id=facility.cers_id,
        element=form.element,
        element_label=element_label(form.element),
        title=form.title,
        version_id=draft.id or 0,
        version=draft.version,
        can_edit=can_edit,
        values=values,
        errors=errors,
    )


def element_form(
    session: Session, actor: Actor, facility_id: object, element: object
) -> ElementFormView:
    """The form of the element's open draft. A form needs a started draft: NotFound
    otherwise (and for an element without a form)."""
    facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
    form = _form(element)
    draft = shown_draft(session, facility, form.element)
    can_edit = draft.status == DRAFT and allows(member.role, OrgAction.EDIT_DRAFT)
    return _view(facility, form, draft, can_edit)


def save_element_form(
    session: Session,
    actor: Actor,
    facility_id: object,
    element: object,
    values: dict[str, str],
    version: int,
) -> tuple[ElementFormView, dict[str, str]]:
    """Save the form into the element's draft at `version` (the one the page showed).

    What was typed is kept (cleaned where possible); the returned errors say what to fix.
    A draft changed meanwhile, or one no longer open, is refused with Conflict.
    """
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        form = _form(element)
        cleaned, errors = element_forms.check(form, values)
        draft = editable_draft(session, facility, form.element, version)
        store_in_draft(
            session,
            actor,
            draft,
            DATA_KEY,
            cleaned,
            AuditEventType.ELEMENT_FORM_SAVED,
            element=form.element,
        )
        session.flush()
        return _view(facility, form, draft, True), errors
