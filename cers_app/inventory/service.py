"""Hazardous Materials Inventory use cases: the draft, its rows, the list, validation.

Every function loads the facility through `facilities.service.access_facility` (NotFound
outside the actor's businesses; PermissionDenied when the role may not do it): VIEW to read,
EDIT_DRAFT to change. Rows are changed only in the facility's inventory draft; a row of a
submitted version refuses every change. Findings never block saving; they are recomputed on
every save, by `validate_inventory` and when the agency's settings change, and Required ones
block submitting the element (`blocking_findings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from cers_app.chemicals.models import Chemical
from cers_app.core import audit, clock, db, idempotency
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, status_label
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityStatus
from cers_app.facilities.service import (
    SUBMITTED_UNCHANGEABLE,
    access_facility,
    element_slot,
    is_id,
    open_element_draft,
)
from cers_app.inventory import codes, copying, findings, values
from cers_app.inventory.fields import FIRE_CODE_TAGS, HAZARD_TAGS
from cers_app.inventory.listing import (  # noqa: F401  (part of this module's interface)
    SORTABLE,
    ItemPage,
    ItemQuery,
    ItemRow,
    check_query,
    page_of,
)
from cers_app.inventory.models import InventoryFinding, InventoryItem
from cers_app.inventory.rules import LEVELS, REQUIRED, Finding, validate
from cers_app.organizations.roles import OrgAction, allows
from cers_app.submittals import drafts

HMI = 2
NOT_FOUND = "That material was not found in this facility's inventory."
NO_DRAFT = (
    "This facility has no Hazardous Materials Inventory draft to change. Start a new draft first."
)
STALE = (
    "This material was changed by someone else meanwhile. Reload it to see their changes, "
    "then make yours again."
)
NO_NAME = "Enter the material's common name: a material cannot be saved without one."
MAX_DELETE = 1000


@dataclass(frozen=True)
class InventoryHeader:
    facility_id: int
    cers_id: int
    facility_name: str
    version_id: int | None
    status: int | None
    status_label: str
    editable: bool  # a draft exists and the actor may edit it
    can_edit: bool  # the actor's role may edit drafts
    row_count: int
    counts: dict[str, int]  # findings per level
    rows_with_findings: int
    can_upload: bool = False  # the actor's role may upload spreadsheets


@dataclass(frozen=True)
class ItemForm:
    id: int | None
    version: int | None
    values: dict[str, str]
    findings: tuple[Finding, ...]
    threshold: str
    chemical_id: int | None = None  # the library entry the row was started from
    editable: bool = field(default=False)


# ---------------------------------------------------------------- loading


def _slot_versions(
    session: Session, facility: Facility
) -> tuple[ElementVersion | None, ElementVersion | None]:
    """(the inventory draft, the version shown when there is no draft)."""
    assert facility.id is not None
    slot = element_slot(session, facility.id, HMI)
    draft = session.get(ElementVersion, slot.draft_version_id) if slot.draft_version_id else None
    if draft is not None and draft.status != DRAFT:
        draft = None  # a half-done submit: the version is read-only whatever points at it
    shown_id = slot.draft_version_id or slot.last_submitted_version_id
    shown_id = shown_id or slot.last_accepted_version_id
    shown = session.get(ElementVersion, shown_id) if shown_id else None
    return draft, shown


def _locked_version(session: Session, version_id: int) -> ElementVersion | None:
    """The version, its row locked until the transaction ends (PostgreSQL; SQLite has one
    writer, taken here): edits of an inventory wait while an import's final step holds it."""
    db.write_lock(session)
    return session.get(ElementVersion, version_id, with_for_update=True, populate_existing=True)


def _editable_draft(session: Session, facility: Facility) -> ElementVersion:
    assert facility.id is not None
    slot = element_slot(session, facility.id, HMI)
    if slot.draft_version_id is None:
        raise Conflict(NO_DRAFT)
    draft = _locked_version(session, slot.draft_version_id)
    if draft is None or draft.status != DRAFT:
        raise Conflict(SUBMITTED_UNCHANGEABLE)
    return draft


def _item_of(session: Session, facility: Facility, item_id: object) -> InventoryItem:
    item = session.get(InventoryItem, item_id) if is_id(item_id) else None
    if item is None or item.facility_id != facility.id:
        raise NotFound(NOT_FOUND)
    return item


def _editable_item(session: Session, facility: Facility, item_id: object) -> InventoryItem:
    """A row of the facility's draft; a row of a submitted version is refused."""
    item = _item_of(session, facility, item_id)
    version = _locked_version(session, item.element_version_id)
    if version is None or version.status != DRAFT:
        raise Conflict(SUBMITTED_UNCHANGEABLE)
    # Read again under the lock: an import that held it may have changed or removed the row.
    fresh = session.get(InventoryItem, item.id, populate_existing=True)
    if fresh is None:
        raise NotFound(NOT_FOUND)
    return fresh


def _settings(session: Session, version: ElementVersion):
    return copying.version_settings(session, version)


# ---------------------------------------------------------------- header


def _header(session: Session, facility: Facility, member_role: str) -> InventoryHeader:
    draft, shown = _slot_versions(session, facility)
    can_edit = allows(member_role, OrgAction.EDIT_DRAFT)
    counts = dict.fromkeys(LEVELS, 0)
    row_count = flagged = 0
    if shown is not None:
        for level, number in session.execute(
            sa.select(InventoryFinding.level, func.count())
            .where(InventoryFinding.element_version_id == shown.id)
            .group_by(InventoryFinding.level)
        ):
            counts[level] = int(number)
        row_count, flagged = session.execute(
            sa.select(
                func.count(),
                func.coalesce(func.sum(sa.case((InventoryItem.finding_count > 0, 1), else_=0)), 0),
            ).where(InventoryItem.element_version_id == shown.id)
        ).one()
    return InventoryHeader(
        facility_id=facility.id or 0,
        cers_id=facility.cers_id,
        facility_name=facility.name,
        version_id=shown.id if shown else None,
        status=shown.status if shown else None,
        status_label=status_label(shown.status) if shown else "Not started",
        editable=draft is not None and can_edit,
        can_edit=can_edit,
        row_count=int(row_count),
        counts=counts,
        rows_with_findings=int(flagged),
        can_upload=allows(member_role, OrgAction.UPLOAD),
    )


def inventory(session: Session, actor: Actor, facility_id: object) -> InventoryHeader:
    """The facility's inventory: its draft, else its last submitted version, with counts."""
    with transaction(session):
        facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
        _refresh_if_stale(session, _slot_versions(session, facility)[0])
        return _header(session, facility, member.role)


def _refresh_if_stale(session: Session, draft: ElementVersion | None) -> None:
    """Validate the draft again when its findings came from an older rule catalogue (an
    upgrade changed the rules); submitted versions keep the findings they were sent with."""
    if draft is not None and draft.id is not None and not findings.findings_are_current(draft):
        settings, local = _settings(session, draft)
        findings.recompute_version(session, draft.id, settings, local)
        session.flush()


def start_draft(session: Session, actor: Actor, facility_id: object) -> InventoryHeader:
    """Start the Hazardous Materials Inventory draft, copying the rows of the last submitted
    version, unless a draft exists already (then nothing changes)."""
    with transaction(session):
        facility, member = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        draft, previous, started = open_element_draft(session, actor, facility, HMI)
        if started:
            assert draft.id is not None
            copied = drafts.fill(session, actor, previous, draft)
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.INVENTORY_DRAFT_STARTED,
                subject_type="element_version",
                subject_id=draft.id,
                facility_id=facility.id,
                organization_id=facility.organization_id,
                after={
                    "facility_id": facility.id,
                    "from_version_id": previous.id if previous else None,
                    "rows": copied,
                },
                client_ip=actor.client_ip,
            )
        session.flush()
        return _header(session, facility, member.role)


# ---------------------------------------------------------------- the list


def list_items(session: Session, actor: Actor, facility_id: object, query: ItemQuery) -> ItemPage:
    """One page of the inventory shown (the draft, else the last submitted version), sorted
    and filtered in SQL. A sort or filter outside the fixed choices is refused."""
    problems = check_query(query)
    if problems:
        raise ValidationFailed(problems)
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        draft, shown = _slot_versions(session, facility)
        _refresh_if_stale(session, draft)
        if shown is None:
            return ItemPage(rows=[], total=0, page=1, pages=1)
        return page_of(session, shown.id or 0, query)


def locations(session: Session, actor: Actor, facility_id: object) -> list[str]:
    """The distinct chemical locations of the inventory shown, for the location filter."""
    facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
    _, shown = _slot_versions(session, facility)
    if shown is None:
        return []
    found = session.execute(
        sa.select(InventoryItem.location)
        .where(InventoryItem.element_version_id == shown.id, InventoryItem.location != "")
        .distinct()
    ).scalars()
    return sorted(set(found), key=str.casefold)


# ---------------------------------------------------------------- one row


def _stored_findings(session: Session, item_id: int) -> tuple[Finding, ...]:
    return tuple(
        Finding(code, level, tuple(tags.split()), message)
        for code, level, tags, message in session.execute(
            sa.select(
                InventoryFinding.code,
                InventoryFinding.level,
                InventoryFinding.fields,
                InventoryFinding.message,
            )
            .where(InventoryFinding.item_id == item_id)
            .order_by(InventoryFinding.position)
        )
    )


def _form(session: Session, item: InventoryItem, editable: bool) -> ItemForm:
    assert item.id is not None
    return ItemForm(
        id=item.id,
        version=item.version,
        values=findings.full(item.data),
        findings=_stored_findings(session, item.id),
        threshold=item.reportable,
        chemical_id=item.chemical_id,
        editable=editable,
    )


def get_item(session: Session, actor: Actor, facility_id: object, item_id: object) -> ItemForm:
    """One row of the facility's inventory with its stored findings and threshold sentence."""
    facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
    item = _item_of(session, facility, item_id)
    version = session.get(ElementVersion, item.element_version_id)
    editable = (
        version is not None
        and version.status == DRAFT
        and allows(member.role, OrgAction.EDIT_DRAFT)
    )
    return _form(session, item, editable)


def _library_values(session: Session, chemical_id: int) -> dict[str, str]:
    from cers_app.chemicals.service import get_chemical

    chemical = get_chemical(session, chemical_id)
    if chemical is None:
        return {}
    prefilled = {
        "CommonName": chemical.name,
        "ChemicalName": chemical.chemical_name or (chemical.name if chemical.cas else ""),
        "CASNumber": chemical.cas or "",
        "EHS": codes.YES if chemical.ehs else codes.NO,
        "PhysicalState": chemical.physical_state,
        "HMType": chemical.hm_type or (codes.PURE if chemical.cas else ""),
        "DOTHazardClassificationID": chemical.dot_class,
    }
    if chemical.ehs:
        prefilled["Units"] = codes.POUNDS
    else:
        prefilled["Units"] = {
            codes.LIQUID: codes.GALLONS,
            codes.GAS: codes.CUBIC_FEET,
            codes.SOLID: codes.POUNDS,
        }.get(chemical.physical_state, "")
    for tag in chemical.hazard_suggestions:
        if tag in HAZARD_TAGS:
            prefilled[tag] = codes.YES
    prefilled.update(zip(FIRE_CODE_TAGS, chemical.fire_code_suggestions, strict=False))
    # A suggestion outside the CERS code lists is dropped rather than refused.
    cleaned, problems = values.clean(prefilled)
    return {tag: value for tag, value in cleaned.items() if tag not in problems}


def _chemical_id(session: Session, chemical_id: object) -> int | None:
    if not is_id(chemical_id):
        return None
    found = session.execute(sa.select(Chemical.id).where(Chemical.id == chemical_id)).first()
    return int(found[0]) if found else None


def blank_item(
    session: Session, actor: Actor, facility_id: object, chemical_id: int | None = None
) -> ItemForm:
    """A new row's form, prefilled from the library entry `chemical_id` when given: names,
    CAS number, EHS, physical state, type, units that suit it, DOT class and the suggested
    hazard categories and fire code classes. The person reporting completes (and may
    change) everything. CCLID stays empty: our library's ids are not CERS Chemical Library
    ids."""
    facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
    draft, _ = _slot_versions(session, facility)
    if draft is None:
        raise Conflict(NO_DRAFT)
    linked = _chemical_id(session, chemical_id)
    prefilled = _library_values(session, linked) if linked else {}
    cleaned, _ = values.clean(prefilled)
    return ItemForm(
        id=None,
        version=None,
        values=cleaned,
        findings=(),
        threshold="",
        chemical_id=linked,
        editable=True,
    )


def save_item(
    session: Session,
    actor: Actor,
    facility_id: object,
    item_id: int | None,
    given: dict[str, str],
    version: int | None,
    *,
    idempotency_key: str | None = None,
    chemical_id: int | None = None,
) -> tuple[ItemForm, dict[str, str]]:
    """Add a row to the draft (item_id None) or change one.

    Input that cannot be stored (no common name, not a number, an unknown code, too long)
    comes back as errors by tag and nothing is saved. Otherwise the row is saved whatever
    the rules find; its findings and the threshold sentences of its material are
    recomputed. A stale
    `version` raises Conflict. A new row with an idempotency key already used returns the
    row that key created. `chemical_id` links a new row to its library entry.
    """
    key = idempotency.check_key(idempotency_key) if idempotency_key else None
    cleaned, errors = values.clean(given if isinstance(given, dict) else {})
    if not cleaned["CommonName"]:
        # A row without a name cannot be listed, found or reported (CERS skips such rows).
        errors = {"CommonName": NO_NAME, **errors}
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        if item_id is None:
            draft = _editable_draft(session, facility)
            if key and (done := idempotency.recall(session, actor.user_id, key, "add_material")):
                return _form(session, _item_of(session, facility, done), True), {}
            item = None
        else:
            item = _editable_item(session, facility, item_id)
            if version != item.version:
                raise Conflict(STALE)
            draft = session.get(ElementVersion, item.element_version_id)
            assert draft is not None
        if errors:
            form = ItemForm(
                id=item.id if item else None,
                version=version,
                values=cleaned,
                findings=(),
                threshold=item.reportable if item else "",
                chemical_id=item.chemical_id if item else _chemical_id(session, chemical_id),
                editable=True,
            )
            return form, errors
        return _store(session, actor, facility, draft, item, cleaned, key, chemical_id), {}


def _store(
    session: Session,
    actor: Actor,
    facility: Facility,
    draft: ElementVersion,
    item: InventoryItem | None,
    cleaned: dict[str, str],
    key: str | None,
    chemical_id: object,
) -> ItemForm:
    now = clock.now()
    settings, local = _settings(session, draft)
    if item is None:
        item = InventoryItem(
            facility_id=facility.id or 0,
            element_version_id=draft.id or 0,
            chemical_id=_chemical_id(session, chemical_id),
            created_at=now,
            created_by_user_id=actor.user_id,
            updated_at=now,
            updated_by_user_id=actor.user_id,
        )
        findings.sync_columns(item, cleaned)
        session.add(item)
        session.flush()
        assert item.id is not None
        if key:
            idempotency.remember(session, actor.user_id, key, "add_material", item.id)
        event, before, after = AuditEventType.INVENTORY_ITEM_ADDED, None, dict(item.data)
        old_key = ""
    else:
        old_values = findings.full(item.data)
        before, after = audit.changed_fields(old_values, cleaned)
        if not after:
            return _form(session, item, True)
        old_key = item.material_key
        findings.sync_columns(item, cleaned)
        item.version += 1
        item.updated_at = now
        item.updated_by_user_id = actor.user_id
        session.add(item)
        event = AuditEventType.INVENTORY_ITEM_CHANGED
    findings.store_findings(session, item, settings)
    findings.refresh_thresholds(
        session, draft.id or 0, {old_key, item.material_key}, local, item_ids=[item.id or 0]
    )
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=event,
        subject_type="inventory_item",
        subject_id=item.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        before=before,
        after={"CommonName": item.common_name, **(after or {})},
        client_ip=actor.client_ip,
    )
    session.flush()
    return _form(session, item, True)


def copy_item(session: Session, actor: Actor, facility_id: object, item_id: object) -> int:
    """A copy of a draft row (e.g. the same material in another location); returns its id."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        item = _editable_item(session, facility, item_id)
        draft = session.get(ElementVersion, item.element_version_id)
        assert draft is not None and draft.id is not None
        copy = copying.duplicate(item, draft.id, actor.user_id, clock.now())
        session.add(copy)
        session.flush()
        settings, local = _settings(session, draft)
        findings.store_findings(session, copy, settings)
        findings.refresh_thresholds(
            session, draft.id, {copy.material_key}, local, item_ids=[copy.id or 0]
        )
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.INVENTORY_ITEM_COPIED,
            subject_type="inventory_item",
            subject_id=copy.id or 0,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            after={"from_item_id": item.id, "CommonName": copy.common_name},
            client_ip=actor.client_ip,
        )
        return copy.id or 0


def delete_items(session: Session, actor: Actor, facility_id: object, item_ids: list[int]) -> int:
    """Delete rows of the draft; returns how many. If any id is not a row of this
    facility's draft, nothing is deleted."""
    if not isinstance(item_ids, list | tuple) or len(item_ids) > MAX_DELETE:
        raise ValidationFailed(message=f"Choose at most {MAX_DELETE} materials to delete.")
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        if not item_ids:
            return 0
        if not all(is_id(item_id) for item_id in item_ids):
            raise NotFound(NOT_FOUND)
        draft = _editable_draft(session, facility)  # locked first: the rows are read after
        wanted = set(item_ids)
        items = list(session.exec(select(InventoryItem).where(col(InventoryItem.id).in_(wanted))))
        if len(items) != len(wanted) or any(i.facility_id != facility.id for i in items):
            raise NotFound(NOT_FOUND)
        version_ids = {item.element_version_id for item in items}
        if version_ids != {draft.id}:
            raise Conflict(SUBMITTED_UNCHANGEABLE)
        session.execute(
            sa.delete(InventoryFinding).where(col(InventoryFinding.item_id).in_(wanted))
        )
        for item in items:
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.INVENTORY_ITEM_DELETED,
                subject_type="inventory_item",
                subject_id=item.id or 0,
                facility_id=facility.id,
                organization_id=facility.organization_id,
                before=dict(item.data),
                client_ip=actor.client_ip,
            )
            session.delete(item)
        session.flush()
        _, local = _settings(session, draft)
        findings.refresh_thresholds(
            session, draft.id or 0, {item.material_key for item in items}, local
        )
        return len(items)


def validate_inventory(session: Session, actor: Actor, facility_id: object) -> InventoryHeader:
    """Validate every row of the draft again ("Validate My Inventory") and refresh every
    threshold sentence. Only derived data changes, so viewing the inventory is enough; a
    submitted version keeps the findings it was submitted with."""
    with transaction(session):
        facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
        draft, _ = _slot_versions(session, facility)
        if draft is not None:
            settings, local = _settings(session, draft)
            findings.recompute_version(session, draft.id or 0, settings, local)
            session.flush()
        return _header(session, facility, member.role)


def blocking_findings(session: Session, facility_id: int) -> int:
    """How many Required findings the facility's inventory draft has (they block submitting
    it). 0 when there is no draft. The caller checks who is asking."""
    facility = session.get(Facility, facility_id) if is_id(facility_id) else None
    if facility is None:
        return 0
    draft, _ = _slot_versions(session, facility)
    if draft is None:
        return 0
    return int(
        session.execute(
            sa.select(func.count()).where(
                InventoryFinding.element_version_id == draft.id,
                InventoryFinding.level == REQUIRED,
            )
        ).scalar_one()
    )


# ---------------------------------------------------------------- staff tools


@dataclass(frozen=True)
class ReportedFinding:
    material: str
    location: str
    code: str
    level: str
    fields: tuple[str, ...]
    message: str


def draft_findings(session: Session, cers_id: object) -> list[ReportedFinding]:
    """Every finding of the facility's inventory draft, validated now with its agency's
    settings (for the operator CLI: no actor, read only)."""
    facility = None
    if is_id(cers_id):
        facility = session.exec(select(Facility).where(Facility.cers_id == cers_id)).first()
    if facility is None or facility.status != FacilityStatus.ACTIVE:
        raise NotFound(f"No facility has CERS ID {cers_id}.")
    draft, _ = _slot_versions(session, facility)
    if draft is None:
        raise NotFound(f"Facility {facility.cers_id} has no Hazardous Materials Inventory draft.")
    settings, _ = _settings(session, draft)
    reported: list[ReportedFinding] = []
    for item in session.exec(
        select(InventoryItem)
        .where(InventoryItem.element_version_id == draft.id)
        .order_by(func.lower(InventoryItem.common_name), InventoryItem.location, InventoryItem.id)
    ):
        for finding in validate(item.data, settings):
            reported.append(
                ReportedFinding(
                    material=item.common_name,
                    location=item.location,
                    code=finding.code,
                    level=finding.level,
                    fields=finding.fields,
                    message=finding.message,
                )
            )
    return reported
