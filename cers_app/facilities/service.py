"""Facility use cases: create facilities, keep their Facility Information draft, find them.

Every function loads a facility through `access_facility`, which finds it only in a business
the actor belongs to (NotFound otherwise) and checks the role with the organizations' role x
action table (PermissionDenied). Submitted element versions are never changed here.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, func, or_, select

from cers_app.agencies.jurisdiction import regulators_for, uncovered_message
from cers_app.agencies.models import Agency
from cers_app.agencies.service import notification_addresses
from cers_app.core import audit, clock, db, idempotency
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import (
    ALWAYS_REQUIRED,
    COUNTIES,
    DRAFT,
    ELEMENTS,
    FACILITY_INFORMATION,
    NOT_REQUIRED,
    REQUIRED,
    county_label,
    element_label,
    status_label,
)
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.permissions import Actor
from cers_app.facilities import business_activities, cers_ids, emails, owner_operator
from cers_app.facilities.addresses import name_key, normalise
from cers_app.facilities.models import (
    ElementVersion,
    Facility,
    FacilityElement,
    FacilityStatus,
)
from cers_app.facilities.views import (
    DraftForms,
    ElementRow,
    FacilityRow,
    FacilityView,
    SearchRow,
)
from cers_app.organizations.models import Organization, OrgMember
from cers_app.organizations.roles import ROLE_ACTIONS, ROLE_LABELS, OrgAction, parse_role
from cers_app.organizations.service import access_organization

NOT_FOUND = "That facility was not found among your businesses' facilities."
SUBMITTED_UNCHANGEABLE = "Submitted information cannot be changed. Start a new draft instead."
MAX_ID = 2**31 - 1
_ZIP = re.compile(r"\d{5}(-\d{4})?", re.ASCII)
SITE_FIELDS = ("name", "street", "supplemental", "city", "zip_code", "county", "epa_id")
REQUIREMENT_LABELS = {
    NOT_REQUIRED: "Not required",
    REQUIRED: "Required",
    ALWAYS_REQUIRED: "Always required",
}
SOURCE_LABELS = {
    "always": "Every facility reports it",
    "business_activities": "From your Business Activities answers",
    "regulator": "Set by your regulator",
}


def is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def access_facility(
    session: Session, actor: Actor, facility_id: object, action: OrgAction
) -> tuple[Facility, OrgMember]:
    """The active facility and the actor's membership of its business, if the role allows."""
    facility = session.get(Facility, facility_id) if is_id(facility_id) else None
    if facility is None or facility.status != FacilityStatus.ACTIVE:
        raise NotFound(NOT_FOUND)
    try:
        _, member = access_organization(session, actor, facility.organization_id, action)
    except NotFound as exc:
        raise NotFound(NOT_FOUND) from exc
    return facility, member


@dataclass(frozen=True)
class SiteInput:
    """The site's identity as typed (Business Activities fields 3, 103-105a, 2, 1)."""

    name: str
    street: str
    supplemental: str
    city: str
    zip_code: str
    county: str
    epa_id: str = ""
    local_facility_id: str = ""


@dataclass(frozen=True)
class CheckedSite:
    name: str
    street: str
    supplemental: str
    city: str
    zip_code: str
    county: int
    epa_id: str
    local_facility_id: str
    address_key: str
    name_key: str


def check_site(site: SiteInput) -> CheckedSite:
    """The site cleaned and normalised, or ValidationFailed naming every field at fault."""
    errors: dict[str, str] = {}
    name = " ".join(site.name.split())
    if not name:
        errors["name"] = "Enter the facility's name (its legal or DBA name)."
    elif len(name) > 70:
        errors["name"] = "The facility name must be at most 70 characters."
    zip_code = site.zip_code.strip()
    if not _ZIP.fullmatch(zip_code):
        errors["zip_code"] = "Enter the site's 5-digit ZIP code (or ZIP+4)."
    address, problem = normalise(site.street, zip_code)
    if problem:
        errors["street"] = problem
    city = " ".join(site.city.split())
    if not city:
        errors["city"] = "Enter the site's city."
    elif len(city) > 60:
        errors["city"] = "The city must be at most 60 characters."
    try:
        county = int(site.county)
    except ValueError:
        county = 0
    if county not in COUNTIES:
        errors["county"] = "Choose the county the site is in."
    supplemental = " ".join(site.supplemental.split())
    if address and address.unit and not supplemental:
        supplemental = address.unit
    if len(supplemental) > 30:
        errors["supplemental"] = "The supplemental location must be at most 30 characters."
    epa_id = site.epa_id.strip().upper()
    if epa_id and (len(epa_id) != 12 or not epa_id.isalnum()):
        errors["epa_id"] = "An EPA ID number has 12 letters and digits, such as CAL000123456."
    local_id = site.local_facility_id.strip()
    if len(local_id) > 13:
        errors["local_facility_id"] = "The Facility ID must be at most 13 characters."
    if errors:
        raise ValidationFailed(errors)
    assert address is not None
    return CheckedSite(
        name=name,
        street=address.line,
        supplemental=supplemental,
        city=city,
        zip_code=zip_code,
        county=county,
        epa_id=epa_id,
        local_facility_id=local_id,
        address_key=address.match_key,
        name_key=name_key(name),
    )


def _site_data(site: CheckedSite) -> dict[str, Any]:
    return {
        "name": site.name,
        "street": site.street,
        "supplemental": site.supplemental,
        "city": site.city,
        "zip_code": site.zip_code,
        "county": site.county,
        "epa_id": site.epa_id,
    }


def _record_site(facility: Facility) -> CheckedSite:
    return CheckedSite(
        name=facility.name,
        street=facility.street,
        supplemental=facility.supplemental,
        city=facility.city,
        zip_code=facility.zip_code,
        county=facility.county,
        epa_id=facility.epa_id,
        local_facility_id=facility.local_facility_id,
        address_key=facility.address_key,
        name_key=facility.name_key,
    )


def _typed_site(facility: Facility, answers: dict[str, Any]) -> SiteInput:
    """The site identification typed in the Business Activities editor; the county and the
    CUPA's Facility ID are not on that form and stay as they are."""
    return SiteInput(
        name=str(answers.get("name", "")),
        street=str(answers.get("street", "")),
        supplemental=str(answers.get("supplemental", "")),
        city=str(answers.get("city", "")),
        zip_code=str(answers.get("zip_code", "")),
        county=str(answers.get("county") or facility.county),
        epa_id=str(answers.get("epa_id", "")),
        local_facility_id=facility.local_facility_id,
    )


def accept_site_identity(
    session: Session, facility: Facility, data: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Apply the site identification (name, address, county, EPA ID) of an ACCEPTED Facility
    Information version to the facility record: the only way these change after the facility
    was created. Runs inside the caller's transaction; returns the changed fields as
    {field: (before, after)}. A version without a site identification changes nothing."""
    activities = data.get("business_activities") or {}
    if not activities.get("name") or not activities.get("street"):
        return {}
    checked = check_site(_typed_site(facility, activities))
    changed: dict[str, tuple[Any, Any]] = {}
    for field in ("name", "street", "supplemental", "city", "zip_code", "county", "epa_id"):
        before, after = getattr(facility, field), getattr(checked, field)
        if before != after:
            changed[field] = (before, after)
            setattr(facility, field, after)
    if changed:
        facility.address_key, facility.name_key = checked.address_key, checked.name_key
        facility.version += 1
        session.add(facility)
    return changed


def create_facility(
    session: Session,
    actor: Actor,
    organization_id: object,
    site: SiteInput,
    *,
    idempotency_key: str,
) -> int:
    """Create a facility of the business with its CERS ID, elements and Facility Information
    draft. Returns its id; the same idempotency key returns the same facility."""
    key = idempotency.check_key(idempotency_key)
    checked = check_site(site)
    access_organization(session, actor, organization_id, OrgAction.ADD_FACILITY)
    jurisdiction = regulators_for(session, checked.zip_code, checked.city)
    if not jurisdiction.covered:
        raise ValidationFailed({"zip_code": uncovered_message(checked.zip_code)})
    done = idempotency.recall(session, actor.user_id, key, "create_facility")
    session.rollback()
    if done is not None:
        return done
    cers_id = cers_ids.allocate()  # committed on its own: never reused, even if we fail below
    with transaction(session):
        organization, _ = access_organization(
            session, actor, organization_id, OrgAction.ADD_FACILITY
        )
        done = idempotency.recall(session, actor.user_id, key, "create_facility")
        if done is not None:
            return done
        now = clock.now()
        facility = Facility(
            cers_id=cers_id,
            regulator_key=str(uuid.uuid4()),
            local_facility_id=checked.local_facility_id,
            name=checked.name,
            street=checked.street,
            supplemental=checked.supplemental,
            city=checked.city,
            zip_code=checked.zip_code,
            county=checked.county,
            epa_id=checked.epa_id,
            address_key=checked.address_key,
            name_key=checked.name_key,
            organization_id=organization.id or 0,
            created_at=now,
            created_by_user_id=actor.user_id,
        )
        session.add(facility)
        session.flush()
        assert facility.id is not None
        for element in ELEMENTS:
            always = element == FACILITY_INFORMATION
            session.add(
                FacilityElement(
                    facility_id=facility.id,
                    element=element,
                    requirement=ALWAYS_REQUIRED if always else NOT_REQUIRED,
                    requirement_source="always" if always else "business_activities",
                    agency_id=jurisdiction.agencies.get(element),
                )
            )
        session.flush()
        draft = new_draft(session, actor, facility, FACILITY_INFORMATION)
        draft.data = {
            "business_activities": {**_site_data(checked), "regulator_key": str(uuid.uuid4())},
            "owner_operator": {"regulator_key": str(uuid.uuid4())},
        }
        idempotency.remember(session, actor.user_id, key, "create_facility", facility.id)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.FACILITY_CREATED,
            subject_type="facility",
            subject_id=facility.id,
            facility_id=facility.id,
            organization_id=organization.id,
            after={"cers_id": cers_id, "organization_id": organization.id, **_site_data(checked)},
            client_ip=actor.client_ip,
        )
        return facility.id


def _element_row(session: Session, facility_id: int, element: int) -> FacilityElement:
    row = session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility_id, FacilityElement.element == element
        )
    ).one()
    return row


def new_draft(session: Session, actor: Actor, facility: Facility, element: int) -> ElementVersion:
    """A new empty draft of `element` (at most one draft per facility and element); the
    caller holds the element row's lock."""
    assert facility.id is not None
    slot = _element_row(session, facility.id, element)
    if slot.draft_version_id is not None:
        raise Conflict(f"{element_label(element)} already has a draft.")
    now = clock.now()
    draft = ElementVersion(
        facility_id=facility.id,
        element=element,
        status=DRAFT,
        regulator_key=str(uuid.uuid4()),
        organization_id=facility.organization_id,
        agency_id=slot.agency_id,
        created_at=now,
        created_by_user_id=actor.user_id,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    slot.draft_version_id = draft.id
    session.add(slot)
    return draft


def blank_data(element: int) -> dict[str, Any]:
    """The form data of a new blank draft of `element`."""
    if element == FACILITY_INFORMATION:
        return {"business_activities": {}, "owner_operator": {}}
    return {}


def default_basis_id(slot: FacilityElement) -> int | None:
    """The version a new draft copies unless the user chooses otherwise: the most recent
    accepted submittal, else the last submitted one."""
    return slot.last_accepted_version_id or slot.last_submitted_version_id


def element_slot(session: Session, facility_id: int, element: int) -> FacilityElement:
    """The facility's row of `element`: its requirement, agency and version pointers."""
    return _element_row(session, facility_id, element)


def open_element_draft(
    session: Session, actor: Actor, facility: Facility, element: int
) -> tuple[ElementVersion, ElementVersion | None, bool]:
    """The element's draft: (draft, the version it was started from, whether it is new).

    With no draft, a new empty one is started and the last submitted (else accepted)
    version is returned beside it for the caller to copy from. A draft pointer that leads to
    a submitted version is refused: submitted versions never change.
    """
    assert facility.id is not None
    # Two editors starting the same draft at once: the second waits and finds the first's.
    slot = session.exec(
        select(FacilityElement)
        .where(FacilityElement.facility_id == facility.id, FacilityElement.element == element)
        .with_for_update()
    ).one()
    if slot.draft_version_id is not None:
        draft = session.get(ElementVersion, slot.draft_version_id)
        if draft is None or draft.status != DRAFT:
            raise Conflict(SUBMITTED_UNCHANGEABLE)
        return draft, None, False
    previous_id = default_basis_id(slot)
    previous = session.get(ElementVersion, previous_id) if previous_id else None
    return new_draft(session, actor, facility, element), previous, True


def _facility_information_draft(
    session: Session, actor: Actor, facility: Facility
) -> ElementVersion:
    """The Facility Information draft, started from the last submitted one when there is none."""
    assert facility.id is not None
    slot = _element_row(session, facility.id, FACILITY_INFORMATION)
    if slot.draft_version_id is not None:
        draft = session.get(ElementVersion, slot.draft_version_id)
        assert draft is not None
        if draft.status != DRAFT:  # submitted versions never change, whatever points at them
            raise Conflict(SUBMITTED_UNCHANGEABLE)
        return draft
    previous_id = default_basis_id(slot)
    previous = session.get(ElementVersion, previous_id) if previous_id else None
    draft = new_draft(session, actor, facility, FACILITY_INFORMATION)
    draft.data = blank_data(FACILITY_INFORMATION)
    # Imported here: submittals builds on this module (it starts drafts of every element).
    from cers_app.submittals import drafts

    drafts.fill_and_record(session, actor, facility, previous, draft)
    return draft


def _forms(facility: Facility, draft: ElementVersion) -> DraftForms:
    activities = dict(draft.data.get("business_activities", {}))
    shown = {**_site_data(_record_site(facility)), **activities}
    return DraftForms(
        facility_id=facility.id or 0,
        version_id=draft.id or 0,
        version=draft.version,
        business_activities={k: str(v) for k, v in shown.items()},
        owner_operator={k: str(v) for k, v in draft.data.get("owner_operator", {}).items()},
        required_elements=business_activities.required_elements(activities),
    )


def facility_information(session: Session, actor: Actor, facility_id: object) -> DraftForms:
    """The Facility Information draft's forms (started if there is no draft yet)."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        return _forms(facility, _facility_information_draft(session, actor, facility))


def _editable(session: Session, actor: Actor, facility: Facility, version: int) -> ElementVersion:
    draft = _facility_information_draft(session, actor, facility)
    # Locked and read afresh: two saves of one version must not both pass the check below.
    db.write_lock(session)
    session.refresh(draft, with_for_update=True)
    if draft.status != DRAFT:  # defensive: submitted versions never change
        raise Conflict(SUBMITTED_UNCHANGEABLE)
    if draft.version != version:
        raise Conflict(
            "The Facility Information draft was changed by someone else meanwhile. Reload the "
            "page to see their changes, then make yours again."
        )
    return draft


def _apply_requirements(
    session: Session, facility: Facility, answers: dict[str, str]
) -> list[FacilityElement]:
    """Set each element's requirement from the answers, except where the regulator decided;
    returns the elements that were required and no longer are."""
    assert facility.id is not None
    required = set(business_activities.required_elements(answers))
    slots = session.exec(
        select(FacilityElement).where(FacilityElement.facility_id == facility.id)
    ).all()
    dropped = []
    for slot in slots:
        if slot.requirement_source != "business_activities":
            continue
        wanted = REQUIRED if slot.element in required else NOT_REQUIRED
        if slot.requirement == REQUIRED and wanted == NOT_REQUIRED:
            dropped.append(slot)
        slot.requirement = wanted
        session.add(slot)
    return dropped


def _notify_not_applicable(
    session: Session, actor: Actor, facility: Facility, dropped: list[FacilityElement]
) -> None:
    """CERS event 15: the business made elements not applicable. One email per agency to its
    notification addresses, listing its elements, and an audit event."""
    if not dropped:
        return
    assert facility.id is not None
    elements = sorted(slot.element for slot in dropped)
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=AuditEventType.ELEMENTS_MADE_NOT_APPLICABLE_BY_BUSINESS,
        subject_type="facility",
        subject_id=facility.id,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        after={"cers_id": facility.cers_id, "elements": elements},
        client_ip=actor.client_ip,
    )
    by_agency: dict[int, list[int]] = {}
    for slot in sorted(dropped, key=lambda row: row.element):
        if slot.agency_id is not None:
            by_agency.setdefault(slot.agency_id, []).append(slot.element)
    for agency_id, codes in by_agency.items():
        message = emails.elements_not_applicable(
            facility.name,
            facility.cers_id,
            actor.display_name,
            [element_label(code) for code in codes],
        )
        for address in notification_addresses(session, agency_id):
            queue_email(
                session,
                to=address,
                message=message,
                kind="facility_elements_not_applicable",
                user_id=None,
            )


def save_business_activities(
    session: Session,
    actor: Actor,
    facility_id: object,
    answers: dict[str, str],
    version: int,
) -> tuple[DraftForms, dict[str, str]]:
    """Save the Business Activities answers into the Facility Information draft.

    What was typed is always kept; the returned errors name what still needs an answer. The
    answers decide which elements are required at once. All "No" marks the facility as having
    no regulated activities and tells its regulator. When `answers` carries the site
    identification (name, address, EPA ID) it is kept in the draft too; the facility record
    itself changes only when a regulator accepts the submitted Facility Information.
    """
    cleaned = {
        key: str(answers.get(key, "")).strip().upper()[:1]
        for key in business_activities.QUESTION_KEYS
    }
    cleaned["Comments"] = str(answers.get("Comments", "")).strip()
    errors = business_activities.check_answers(cleaned)
    if "Comments" in errors:
        raise ValidationFailed({"Comments": errors["Comments"]})
    site_given = any(key in answers for key in SITE_FIELDS)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        if site_given:
            cleaned.update(_site_data(check_site(_typed_site(facility, answers))))
        draft = _editable(session, actor, facility, version)
        store_in_draft(
            session,
            actor,
            draft,
            "business_activities",
            cleaned,
            AuditEventType.FACILITY_INFORMATION_DRAFT_SAVED,
        )
        dropped = _apply_requirements(session, facility, cleaned)
        none_regulated = business_activities.no_regulated_activities(cleaned)
        newly_none = none_regulated and not facility.no_regulated_activities
        if none_regulated != facility.no_regulated_activities:
            facility.no_regulated_activities = none_regulated
            session.add(facility)
            if none_regulated:
                _notify_no_regulated_activities(session, actor, facility)
        if not newly_none:  # that email already says the elements are no longer required
            _notify_not_applicable(session, actor, facility, dropped)
        return _forms(facility, draft), errors


def store_in_draft(
    session: Session,
    actor: Actor,
    draft: ElementVersion,
    key: str,
    values: dict[str, Any],
    event: AuditEventType,
    **details: Any,
) -> None:
    """Merge `values` into the draft's form `key`, count a new draft version and audit the
    fields that changed (with `details`); nothing when no field changed. Inside the caller's
    transaction."""
    data = draft.data or {}
    before = dict(data.get(key) or {})
    merged = {**before, **values}
    changed_before, changed_after = audit.changed_fields(before, merged)
    if not changed_after:
        return  # saved again as it was: not a change, so neither a new version nor an event
    draft.data = {**data, key: merged}
    draft.version += 1
    draft.updated_at = clock.now()
    session.add(draft)
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=event,
        subject_type="element_version",
        subject_id=draft.id or 0,
        facility_id=draft.facility_id,
        organization_id=draft.organization_id,
        before=changed_before,
        after={**details, **changed_after},
        client_ip=actor.client_ip,
    )


def _notify_no_regulated_activities(session: Session, actor: Actor, facility: Facility) -> None:
    assert facility.id is not None
    slot = _element_row(session, facility.id, FACILITY_INFORMATION)
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=AuditEventType.FACILITY_NO_REGULATED_ACTIVITIES,
        subject_type="facility",
        subject_id=facility.id,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        agency_id=slot.agency_id,
        after={"cers_id": facility.cers_id},
        client_ip=actor.client_ip,
    )
    if slot.agency_id is None:
        return
    for address in notification_addresses(session, slot.agency_id):
        queue_email(
            session,
            to=address,
            message=emails.no_regulated_activities(
                facility.name, facility.cers_id, actor.display_name
            ),
            kind="facility_no_regulated_activities",
            user_id=None,
        )


def save_owner_operator(
    session: Session,
    actor: Actor,
    facility_id: object,
    values: dict[str, str],
    version: int,
) -> tuple[DraftForms, dict[str, str]]:
    """Save the Owner/Operator Identification form into the Facility Information draft.

    What was typed is kept (cleaned where possible); the returned errors say what to fix.
    """
    cleaned, errors = owner_operator.check(values)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        draft = _editable(session, actor, facility, version)
        store_in_draft(
            session,
            actor,
            draft,
            "owner_operator",
            cleaned,
            AuditEventType.FACILITY_INFORMATION_DRAFT_SAVED,
        )
        return _forms(facility, draft), errors


def list_facilities(session: Session, actor: Actor, organization_id: object) -> list[FacilityRow]:
    """The business's active facilities, by name."""
    organization, _ = access_organization(session, actor, organization_id, OrgAction.VIEW)
    drafts = (
        select(FacilityElement.facility_id, func.count().label("n"))
        .where(col(FacilityElement.draft_version_id).is_not(None))
        .group_by(FacilityElement.facility_id)
        .subquery()
    )
    required = (
        select(FacilityElement.facility_id, func.count().label("n"))
        .where(FacilityElement.requirement != NOT_REQUIRED)
        .group_by(FacilityElement.facility_id)
        .subquery()
    )
    rows = session.exec(
        select(Facility, drafts.c.n, required.c.n)
        .outerjoin(drafts, drafts.c.facility_id == Facility.id)
        .outerjoin(required, required.c.facility_id == Facility.id)
        .where(
            Facility.organization_id == organization.id,
            Facility.status == FacilityStatus.ACTIVE.value,
        )
        .order_by(func.lower(Facility.name), Facility.cers_id)
    ).all()
    return [
        FacilityRow(
            id=facility.id or 0,
            cers_id=facility.cers_id,
            name=facility.name,
            address=" ".join(p for p in (facility.street, facility.supplemental) if p),
            city=facility.city,
            drafts=int(draft_count or 0),
            required=int(required_count or 0),
        )
        for facility, draft_count, required_count in rows
    ]


def _when(version: ElementVersion | None) -> str:
    if version is None or version.submitted_at is None:
        return ""
    return clock.format_local(version.submitted_at)


def get_facility(session: Session, actor: Actor, facility_id: object) -> FacilityView:
    """The facility page: identity, business, and each element's requirement and status."""
    facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
    organization = session.get(Organization, facility.organization_id)
    assert organization is not None and facility.id is not None
    slots = session.exec(
        select(FacilityElement)
        .where(FacilityElement.facility_id == facility.id)
        .order_by(FacilityElement.element)
    ).all()
    version_ids = {
        v
        for s in slots
        for v in (s.draft_version_id, s.last_submitted_version_id, s.last_accepted_version_id)
        if v
    }
    versions = {
        v.id: v
        for v in session.exec(
            select(ElementVersion).where(col(ElementVersion.id).in_(version_ids or {0}))
        ).all()
    }
    agency_ids = {s.agency_id for s in slots if s.agency_id}
    agencies = {
        a.id: a.name
        for a in session.exec(select(Agency).where(col(Agency.id).in_(agency_ids or {0}))).all()
    }
    role = parse_role(member.role)
    elements = []
    for slot in slots:
        submitted = versions.get(slot.last_submitted_version_id)
        accepted = versions.get(slot.last_accepted_version_id)
        if slot.draft_version_id:
            status = "Draft"
        elif submitted is not None:
            status = status_label(submitted.status)
        else:
            status = "Not started"
        elements.append(
            ElementRow(
                element=slot.element,
                label=element_label(slot.element),
                required=slot.requirement != NOT_REQUIRED,
                requirement_label=REQUIREMENT_LABELS.get(slot.requirement, ""),
                source=SOURCE_LABELS.get(slot.requirement_source, ""),
                status=status,
                draft_version_id=slot.draft_version_id,
                last_submitted=_when(submitted),
                last_submitted_status=status_label(submitted.status) if submitted else "",
                last_accepted=_when(accepted),
                next_due=slot.next_due_date.isoformat() if slot.next_due_date else "",
                regulator=agencies.get(slot.agency_id, "") if slot.agency_id else "",
                comments=slot.regulator_comments,
            )
        )
    return FacilityView(
        id=facility.id,
        cers_id=facility.cers_id,
        name=facility.name,
        street=facility.street,
        supplemental=facility.supplemental,
        city=facility.city,
        zip_code=facility.zip_code,
        county=county_label(facility.county),
        epa_id=facility.epa_id,
        local_facility_id=facility.local_facility_id,
        organization_id=organization.id or 0,
        organization=organization.name,
        role=ROLE_LABELS[role] if role else member.role,
        actions=frozenset(a.value for a in ROLE_ACTIONS[role]) if role else frozenset(),
        no_regulated_activities=facility.no_regulated_activities,
        elements=elements,
    )


def search(session: Session, query: str, limit: int = 25) -> list[SearchRow]:
    """Facilities of this site matching a CERS ID, a name or a street address.

    Shows only what a business needs to recognise a site (no business, no people). A CERS ID
    that was merged into another facility finds the surviving one.
    """
    text = " ".join(query.split())[:100]
    if len(text) < 3 and not text.isdigit():
        raise ValidationFailed(
            {"query": "Enter a CERS ID, or at least 3 letters of a name or address."}
        )
    conditions = [
        func.upper(Facility.name).contains(text.upper(), autoescape=True),
        func.upper(Facility.street).contains(text.upper(), autoescape=True),
    ]
    if text.isdigit() and len(text) <= 9:
        conditions.append(Facility.cers_id == int(text))
    found = session.exec(
        select(Facility).where(or_(*conditions)).order_by(Facility.name).limit(limit * 2)
    ).all()
    rows: list[SearchRow] = []
    seen: set[int] = set()
    for facility in found:
        note = ""
        target = facility
        if facility.status == FacilityStatus.MERGED and facility.merged_into_id:
            survivor = session.get(Facility, facility.merged_into_id)
            if survivor is None:
                continue
            note = f"CERS ID {facility.cers_id} was merged into this facility."
            target = survivor
        elif facility.status != FacilityStatus.ACTIVE:
            continue
        if target.id in seen:
            continue
        seen.add(target.id or 0)
        rows.append(
            SearchRow(
                facility_id=target.id or 0,
                cers_id=target.cers_id,
                name=target.name,
                address=target.street,
                city=target.city,
                zip_code=target.zip_code,
                note=note,
            )
        )
    return rows[:limit]


def possible_duplicates(session: Session, site: CheckedSite) -> list[SearchRow]:
    """Active facilities at the same normalised address, or with the same name in the ZIP."""
    found = session.exec(
        select(Facility)
        .where(
            Facility.status == FacilityStatus.ACTIVE.value,
            or_(
                Facility.address_key == site.address_key,
                (Facility.name_key == site.name_key)
                & (func.substr(Facility.zip_code, 1, 5) == site.zip_code[:5]),
            ),
        )
        .order_by(Facility.cers_id)
        .limit(20)
    ).all()
    return [
        SearchRow(
            facility_id=f.id or 0,
            cers_id=f.cers_id,
            name=f.name,
            address=f.street,
            city=f.city,
            zip_code=f.zip_code,
            note="Same address" if f.address_key == site.address_key else "Same name in this ZIP",
        )
        for f in found
    ]
