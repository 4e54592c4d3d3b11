"""Adding, filling in and removing the records of an element's draft: a UST facility's tanks
(each with its monitoring plan) and its certifications of installation or modification.

Every change names the draft version the page showed and is refused with Conflict when the
draft moved on meanwhile; what was typed is kept (cleaned where possible) and the returned
errors say what to fix. Readiness blocks submitting until every record is complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, element_label
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility
from cers_app.facilities.service import access_facility, is_id, store_in_draft
from cers_app.organizations.roles import OrgAction, allows
from cers_app.submittals import element_forms, element_records
from cers_app.submittals.element_form_service import editable_draft, shown_draft
from cers_app.submittals.element_records import (
    RECORDS,
    RecordFinding,
    RecordKind,
    RecordPart,
)

NO_KIND = "That element keeps no such records. Open it from the facility page."
NO_RECORD = (
    "That record is not in this draft any more: someone may have removed it. Reload the list."
)
NO_PART = "That record has no such form. Reload the page."


@dataclass(frozen=True)
class PartStatus:
    """How far one part of a record is filled in."""

    name: str
    title: str
    status: str  # "missing" | "to fix" | "complete"
    problems: int


@dataclass(frozen=True)
class RecordRow:
    """One record in the list."""

    key: str
    label: str
    summary: tuple[tuple[str, str], ...]  # (label, value as people read it)
    parts: tuple[PartStatus, ...]
    problems: int  # findings of this record (its parts, a shared ID)


@dataclass(frozen=True)
class KindView:
    """One kind of record of the element, with its records."""

    name: str
    title: str
    plural: str
    help: str
    rows: tuple[RecordRow, ...]
    findings: tuple[RecordFinding, ...]  # of the kind as a whole (too few records)


@dataclass(frozen=True)
class RecordsView:
    """An element draft's records, as the list page shows them."""

    facility_id: int
    facility_name: str
    cers_id: int
    element: int
    element_label: str
    version_id: int
    version: int  # the draft's optimistic version, sent back with every change
    can_edit: bool
    kinds: tuple[KindView, ...]
    findings: tuple[RecordFinding, ...]  # every finding of the records


@dataclass(frozen=True)
class PartView:
    """One form of a record, as its page shows it."""

    name: str
    title: str
    saved: bool
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)  # of the stored values, once saved


@dataclass(frozen=True)
class RecordView:
    """One record and its forms."""

    facility_id: int
    facility_name: str
    cers_id: int
    element: int
    element_label: str
    kind: str
    kind_title: str
    key: str
    label: str
    version: int
    can_edit: bool
    parts: tuple[PartView, ...]
    findings: tuple[RecordFinding, ...]  # of this record (a shared ID, a missing part, ...)


def _kind(element: object, name: object) -> RecordKind:
    kind = element_records.kind_for(element, name) if is_id(element) else None
    if kind is None:
        raise NotFound(NO_KIND)
    return kind


def _part(kind: RecordKind, name: object) -> RecordPart:
    part = kind.part(name) if isinstance(name, str) else None
    if part is None:
        raise NotFound(NO_PART)
    return part


def _record(kind: RecordKind, draft: ElementVersion, key: object) -> dict[str, Any]:
    record = element_records.records_of(kind, draft.data).get(str(key))
    if record is None:
        raise NotFound(NO_RECORD)
    return record


def _status(part: RecordPart, record: dict[str, Any], problems: int) -> PartStatus:
    if not element_records.part_saved(part, record):
        return PartStatus(part.name, part.form.title, "missing", 1)
    return PartStatus(part.name, part.form.title, "to fix" if problems else "complete", problems)


def _row(
    kind: RecordKind, key: str, record: dict[str, Any], found: list[RecordFinding]
) -> RecordRow:
    first = element_records.part_values(kind.parts[0], record)
    summary = []
    for name in kind.summary_keys:
        summary_field = kind.parts[0].form.field(name)
        assert summary_field is not None
        summary.append((summary_field.label, element_forms.display(summary_field, first[name])))
    mine = [f for f in found if f.kind == kind.name and f.key == key]
    parts = tuple(
        _status(part, record, sum(1 for f in mine if f.part == part.name and f.field))
        for part in kind.parts
    )
    return RecordRow(
        key=key,
        label=element_records.record_label(kind, key, record),
        summary=tuple(summary),
        parts=parts,
        problems=len(mine),
    )


def _records_view(
    facility: Facility, element: int, draft: ElementVersion, can_edit: bool
) -> RecordsView:
    found = element_records.findings(element, draft.data)
    kinds = tuple(
        KindView(
            name=kind.name,
            title=kind.title,
            plural=kind.plural,
            help=kind.help,
            rows=tuple(
                _row(kind, key, record, found)
                for key, record in element_records.records_of(kind, draft.data).items()
            ),
            findings=tuple(f for f in found if f.kind == kind.name and not f.key),
        )
        for kind in element_records.kinds_for(element)
    )
    return RecordsView(
        facility_id=facility.id or 0,
        facility_name=facility.name,
        cers_id=facility.cers_id,
        element=element,
        element_label=element_label(element),
        version_id=draft.id or 0,
        version=draft.version,
        can_edit=can_edit,
        kinds=kinds,
        findings=tuple(found),
    )


def _record_view(
    facility: Facility, kind: RecordKind, draft: ElementVersion, key: str, can_edit: bool
) -> RecordView:
    record = _record(kind, draft, key)
    parts = []
    for part in kind.parts:
        values = element_records.part_values(part, record)
        saved = element_records.part_saved(part, record)
        errors = element_forms.check(part.form, values)[1] if saved else {}
        parts.append(PartView(part.name, part.form.title, saved, values, errors))
    mine = [f for f in element_records.kind_findings(kind, draft.data) if f.key == key]
    return RecordView(
        facility_id=facility.id or 0,
        facility_name=facility.name,
        cers_id=facility.cers_id,
        element=kind.element,
        element_label=element_label(kind.element),
        kind=kind.name,
        kind_title=kind.title,
        key=key,
        label=element_records.record_label(kind, key, record),
        version=draft.version,
        can_edit=can_edit,
        parts=tuple(parts),
        findings=tuple(mine),
    )


def _can_edit(draft: ElementVersion, role: Any) -> bool:
    return draft.status == DRAFT and allows(role, OrgAction.EDIT_DRAFT)


def element_records_view(
    session: Session, actor: Actor, facility_id: object, element: object
) -> RecordsView:
    """The records of the element's open draft (NotFound without a started draft, or for an
    element that keeps no records)."""
    facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
    if not is_id(element) or element not in element_records.elements_with_records():
        raise NotFound(NO_KIND)
    assert isinstance(element, int)
    draft = shown_draft(session, facility, element)
    return _records_view(facility, element, draft, _can_edit(draft, member.role))


def record_view(
    session: Session, actor: Actor, facility_id: object, element: object, kind: object, key: object
) -> RecordView:
    """One record of the element's open draft with its forms."""
    facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
    record_kind = _kind(element, kind)
    draft = shown_draft(session, facility, record_kind.element)
    return _record_view(facility, record_kind, draft, str(key), _can_edit(draft, member.role))


def _store(
    session: Session,
    actor: Actor,
    draft: ElementVersion,
    kind: RecordKind,
    records: dict[str, dict[str, Any]],
    event: AuditEventType,
    key: str,
) -> None:
    store_in_draft(
        session,
        actor,
        draft,
        RECORDS,
        {kind.name: records},
        event,
        element=kind.element,
        record=f"{kind.name} {key}",
    )
    session.flush()


def add_record(
    session: Session,
    actor: Actor,
    facility_id: object,
    element: object,
    kind: object,
    values: dict[str, str],
    version: int,
) -> tuple[RecordView, dict[str, str]]:
    """Add a record to the draft at `version` with its first part filled from `values` (what
    was typed is kept; the errors say what to fix). Returns the new record and the errors."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        record_kind = _kind(element, kind)
        first = record_kind.parts[0]
        cleaned, errors = element_forms.check(first.form, values)
        draft = editable_draft(session, facility, record_kind.element, version)
        key = element_records.next_key(draft.data)
        draft.data = {**(draft.data or {}), element_records.NEXT_KEY: int(key) + 1}
        records = element_records.records_of(record_kind, draft.data)
        records[key] = {first.name: cleaned}
        _store(
            session, actor, draft, record_kind, records, AuditEventType.ELEMENT_RECORD_ADDED, key
        )
        return _record_view(facility, record_kind, draft, key, True), errors


def save_record_part(
    session: Session,
    actor: Actor,
    facility_id: object,
    element: object,
    kind: object,
    key: object,
    part: object,
    values: dict[str, str],
    version: int,
) -> tuple[RecordView, dict[str, str]]:
    """Save one form of a record into the draft at `version`; returns the record and the
    errors of what was saved."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        record_kind = _kind(element, kind)
        record_part = _part(record_kind, part)
        cleaned, errors = element_forms.check(record_part.form, values)
        draft = editable_draft(session, facility, record_kind.element, version)
        record = _record(record_kind, draft, key)
        records = element_records.records_of(record_kind, draft.data)
        records[str(key)] = {**record, record_part.name: cleaned}
        _store(
            session,
            actor,
            draft,
            record_kind,
            records,
            AuditEventType.ELEMENT_RECORD_SAVED,
            str(key),
        )
        return _record_view(facility, record_kind, draft, str(key), True), errors


def delete_record(
    session: Session,
    actor: Actor,
    facility_id: object,
    element: object,
    kind: object,
    key: object,
    version: int,
) -> RecordsView:
    """Remove a record (and all its forms) from the draft at `version`."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        record_kind = _kind(element, kind)
        draft = editable_draft(session, facility, record_kind.element, version)
        _record(record_kind, draft, key)
        records = element_records.records_of(record_kind, draft.data)
        del records[str(key)]
        _store(
            session,
            actor,
            draft,
            record_kind,
            records,
            AuditEventType.ELEMENT_RECORD_DELETED,
            str(key),
        )
        return _records_view(facility, record_kind.element, draft, True)
