"""What an agency asks of businesses per submittal element beyond the state's rules: its
local requirements (shown on the element's draft) and whether the element's "Locally
Required Document" must be provided (it then blocks submitting until it is).

A participating agency without a setting of its own for an element follows its CUPA's.
Only the agency's Agency Admins change them (see `admin_profile.administered`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, select

from cers_app.agencies.admin_profile import administered
from cers_app.agencies.models import Agency, AgencyElementSetting
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, ELEMENTS, element_label
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, FacilityElement

TEXT_MAX = 4000
STALE = (
    "The settings of this element were changed by someone else meanwhile. Reload the page "
    "and try again."
)


@dataclass(frozen=True)
class ElementSettingView:
    element: int
    label: str
    local_requirements: str
    local_document_required: bool
    version: int  # 0 until the agency saves a setting of its own for the element
    inherited_from: str  # the CUPA whose setting applies, "" when the agency has its own


@dataclass(frozen=True)
class LocalRequirements:
    agency_name: str
    text: str
    document_required: bool


def _own(session: Session, agency_id: int, element: int) -> AgencyElementSetting | None:
    return session.exec(
        select(AgencyElementSetting).where(
            AgencyElementSetting.agency_id == agency_id, AgencyElementSetting.element == element
        )
    ).first()


def effective_setting(
    session: Session, agency_id: int | None, element: int
) -> tuple[AgencyElementSetting | None, Agency | None]:
    """The setting that applies to the agency's element and the agency it belongs to: its
    own, else its CUPA's (for a participating agency), else none."""
    agency = session.get(Agency, agency_id) if agency_id else None
    if agency is None or agency.id is None:
        return None, None
    own = _own(session, agency.id, element)
    if own is not None:
        return own, agency
    if agency.parent_agency_id:
        parent = session.get(Agency, agency.parent_agency_id)
        inherited = _own(session, agency.parent_agency_id, element) if parent else None
        if inherited is not None:
            return inherited, parent
    return None, None


def regulating_agency_id(session: Session, version: ElementVersion) -> int | None:
    """The agency whose settings apply to the version: for a draft, the agency regulating the
    element of the facility now; for a submitted version, the agency it was submitted to."""
    if version.status != DRAFT and version.agency_id:
        return version.agency_id
    slot_agency = session.exec(
        select(FacilityElement.agency_id).where(
            FacilityElement.facility_id == version.facility_id,
            FacilityElement.element == version.element,
        )
    ).first()
    return slot_agency or version.agency_id


def local_requirements(session: Session, version: ElementVersion) -> LocalRequirements:
    """What the regulating agency asks for the version's element (empty when nothing)."""
    setting, owner = effective_setting(
        session, regulating_agency_id(session, version), version.element
    )
    if setting is None or owner is None:
        return LocalRequirements("", "", False)
    return LocalRequirements(
        owner.name, setting.local_requirements, setting.local_document_required
    )


def local_requirements_of_slot(
    session: Session, agency_id: int | None, element: int
) -> LocalRequirements:
    """What `agency_id` asks for `element` (for a page showing no version yet)."""
    setting, owner = effective_setting(session, agency_id, element)
    if setting is None or owner is None:
        return LocalRequirements("", "", False)
    return LocalRequirements(
        owner.name, setting.local_requirements, setting.local_document_required
    )


# ------------------------------------------------------------------ the admin's page


def _views(session: Session, agency: Agency) -> list[ElementSettingView]:
    views = []
    for element in ELEMENTS:
        setting, owner = effective_setting(session, agency.id, element)
        own = setting is not None and owner is not None and owner.id == agency.id
        views.append(
            ElementSettingView(
                element=element,
                label=element_label(element),
                local_requirements=setting.local_requirements if setting else "",
                local_document_required=setting.local_document_required if setting else False,
                version=setting.version if own and setting else 0,
                inherited_from=owner.name if setting and owner and not own else "",
            )
        )
    return views


def element_settings(session: Session, actor: Actor, agency_id: object) -> list[ElementSettingView]:
    """The agency's setting of each element (its CUPA's where it has none of its own)."""
    with transaction(session):
        return _views(session, administered(session, actor, agency_id))


def _flag(value: object) -> bool:
    return str(value).strip().lower() in {"on", "yes", "true", "1"}


def save_element_setting(
    session: Session,
    actor: Actor,
    agency_id: object,
    element: object,
    given: Mapping[str, object],
    version: object,
) -> list[ElementSettingView]:
    """Save the agency's local requirements and document rule for one element.

    `version` is that of the setting the page showed (0 when the agency had none of its own);
    a stale one is refused.
    """
    given = given if isinstance(given, Mapping) else {}
    text = str(given.get("local_requirements", "")).replace("\r\n", "\n").strip()
    required = _flag(given.get("local_document_required", ""))
    errors: dict[str, str] = {}
    if len(text) > TEXT_MAX:
        errors["local_requirements"] = (
            f"The local requirements must be at most {TEXT_MAX} characters ({len(text)} now)."
        )
    with transaction(session):
        agency = administered(session, actor, agency_id)
        if not isinstance(element, int) or isinstance(element, bool) or element not in ELEMENTS:
            raise NotFound("That submittal element does not exist.")
        if errors:
            raise ValidationFailed(errors)
        assert agency.id is not None
        stored = _own(session, agency.id, element)
        if stored is not None:
            session.refresh(stored, with_for_update=True)
        if (stored.version if stored else 0) != version:
            raise Conflict(STALE)
        before = {
            "local_requirements": stored.local_requirements if stored else "",
            "local_document_required": stored.local_document_required if stored else False,
        }
        if stored is None:
            stored = AgencyElementSetting(
                agency_id=agency.id, element=element, version=0, updated_at=clock.now()
            )
        stored.local_requirements = text
        stored.local_document_required = required
        stored.version += 1
        stored.updated_at = clock.now()
        stored.updated_by_user_id = actor.user_id
        session.add(stored)
        session.flush()
        changed_before, changed_after = audit.changed_fields(
            before, {"local_requirements": text, "local_document_required": required}
        )
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.AGENCY_ELEMENT_SETTING_CHANGED,
            subject_type="agency",
            subject_id=agency.id,
            agency_id=agency.id,
            before={"element": element, **changed_before},
            after={"element": element, "version": stored.version, **changed_after},
            client_ip=actor.client_ip,
        )
        return _views(session, agency)
