"""The regulator's view of one submitted element version: who submitted what, its forms,
inventory, documents, what changed since the submittal before it, and the element's history.

Every function loads the version through `scope.load_version(..., Right.VIEW)`, so a draft, a
version outside the actor's agencies (or, for a participating agency, one not submitted to
it) and any business user's request are all "not found". The content is read with the
business side's own definitions: the Business Activities questions and Owner/Operator fields,
the inventory list (`inventory.listing`), the document slots (`submittals.documents`) and the
change view (`submittals.change_view`).

Inventory locations a business marked confidential (EPCRA, CLConfidential Y) are shown only to
Reviewers and Agency Admins (REVIEW) and Emergency Responders (RESPOND); the other roles read
"Confidential" in the list and the change view, and cannot search or sort by them. A site map
is also downloadable with RESPOND (the responder's view, `regulator.responder`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, select

from cers_app.accounts.models import User
from cers_app.agencies.models import Agency
from cers_app.core import clock, file_kinds, storage
from cers_app.core.codes import FACILITY_INFORMATION, county_label, element_label, status_label
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.core.storage import StoredFile
from cers_app.facilities import business_activities, owner_operator
from cers_app.facilities.models import ElementVersion, Facility
from cers_app.facilities.service import is_id
from cers_app.inventory import codes as inventory_codes
from cers_app.inventory.fields import FIELD_BY_TAG
from cers_app.inventory.listing import ItemPage, ItemQuery, check_query, page_of
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.models import Organization
from cers_app.regulator import scope
from cers_app.regulator.scope import Right
from cers_app.submittals import change_view, document_rules, documents, element_forms
from cers_app.submittals import element_records as records
from cers_app.submittals.change_view import ChangeView
from cers_app.submittals.changes import Changes
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from cers_app.submittals.document_views import Download, SlotView, slot_summary
from cers_app.submittals.element_forms import DATA_KEY
from cers_app.submittals.models import Submittal

HMI = 2
SITE_MAP = 5  # the Annotated Site Map slot of the inventory (document_rules.CATALOGUE)
CONFIDENTIAL = "Confidential"
# An inventory row's location fields, and their labels in the change view
LOCATION_TAGS = ("ChemicalLocation", "MapNumber", "GridNumber")
NO_INVENTORY = "This submittal element has no inventory. Open its Hazardous Materials Inventory."
ANSWERS = {"Y": "Yes", "N": "No"}


@dataclass(frozen=True)
class FieldLine:
    label: str
    value: str


@dataclass(frozen=True)
class FormSection:
    title: str
    fields: tuple[FieldLine, ...]


@dataclass(frozen=True)
class DocumentFile:
    id: int
    name: str
    title: str
    kind_label: str
    size: int


@dataclass(frozen=True)
class DocumentSlot:
    code: int
    label: str
    required: bool
    source_label: str  # "Not chosen" when the slot was left unanswered
    detail: str  # the answer in one sentence
    files: tuple[DocumentFile, ...]


@dataclass(frozen=True)
class OtherElement:
    """Another element sent in the same Submit press (one the actor may see)."""

    version_id: int
    label: str
    status: str


@dataclass(frozen=True)
class SubmittedElement:
    version_id: int
    facility_id: int
    cers_id: int
    facility_name: str
    address: str
    business_name: str
    element: int
    element_label: str
    agency_name: str
    status: int
    status_label: str
    submitted_at: str
    submitted_by: str
    submitter_email: str
    certifier_name: str
    certifier_title: str
    comments: str  # the submitter's comments
    review_comments: str
    others: tuple[OtherElement, ...]
    forms: tuple[FormSection, ...]  # Facility Information (empty for other elements)
    inventory_rows: int | None  # the Hazardous Materials Inventory's row count, else None
    documents: tuple[DocumentSlot, ...]


@dataclass(frozen=True)
class HistoryRow:
    version_id: int
    submitted_at: str
    status: str


def _address(facility: Facility) -> str:
    street = ", ".join(part for part in (facility.street, facility.supplemental) if part)
    return f"{street}, {facility.city} {facility.zip_code}".strip()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _site_value(key: str, value: Any) -> str:
    if key == "county" and isinstance(value, int):
        return county_label(value)
    return _text(value)


def facility_information(data: dict[str, Any]) -> tuple[FormSection, ...]:
    """A Facility Information version's forms (the site's identification, Business Activities,
    Owner/Operator) with the business side's labels."""
    answers = data.get("business_activities") or {}
    activities = [
        FieldLine(
            f"{q.number}. {q.text}",
            ANSWERS.get(_text(answers.get(q.key)), _text(answers.get(q.key))),
        )
        for q in business_activities.QUESTIONS
    ]
    activities.append(FieldLine("Comments", _text(answers.get("Comments"))))
    site = [
        FieldLine(label, _site_value(key, answers.get(key)))
        for key, label in business_activities.SITE_LABELS.items()
        if key in answers
    ]
    sections = [FormSection("Site identification", tuple(site))] if site else []
    sections.append(FormSection("Business Activities", tuple(activities)))
    owner = data.get("owner_operator") or {}
    for group in owner_operator.GROUPS:
        fields = tuple(FieldLine(f.label, _text(owner.get(f.key))) for f in group.fields)
        sections.append(FormSection(f"Owner/Operator: {group.title}", fields))
    return tuple(sections)


def _form_sections(form: element_forms.FormDef, title: str, saved: Any) -> list[FormSection]:
    """One form's fields with their display values, a section per heading of the form."""
    values = element_forms.values_of(form, saved if isinstance(saved, dict) else None)
    sections: dict[str, list[FieldLine]] = {}
    for f in form.fields:
        line = FieldLine(f"{f.number}. {f.label}", element_forms.display(f, values[f.key]))
        sections.setdefault(f.section, []).append(line)
    return [
        FormSection(f"{title}: {section}" if section else title, tuple(lines))
        for section, lines in sorted(sections.items(), key=lambda item: item[0] != "")
    ]


def element_records(element: int, data: dict[str, Any]) -> list[FormSection]:
    """The records of an element version (UST tanks, ...): each record's forms under its
    label; a form never filled in says so."""
    sections: list[FormSection] = []
    for kind in records.kinds_for(element):
        found = records.records_of(kind, data)
        if not found:
            sections.append(FormSection(kind.plural, (FieldLine(kind.plural, "None"),)))
        for key, record in found.items():
            label = records.record_label(kind, key, record)
            for part in kind.parts:
                title = label if part is kind.parts[0] else f"{label}, {part.form.title}"
                if records.part_saved(part, record):
                    sections += _form_sections(part.form, title, record.get(part.name))
                else:
                    sections.append(
                        FormSection(title, (FieldLine(part.form.title, "Not filled in"),))
                    )
    return sections


def element_form(element: int, data: dict[str, Any]) -> tuple[FormSection, ...]:
    """The structured form of an element version (APSA or UST Facility Information) with its
    labels, then its records (UST tanks); () for an element without either."""
    form = element_forms.form_for(element)
    sections = [] if form is None else _form_sections(form, form.title, data.get(DATA_KEY))
    return (*sections, *element_records(element, data))


def _version_forms(version: ElementVersion) -> tuple[FormSection, ...]:
    data = version.data or {}
    if version.element == FACILITY_INFORMATION:
        return facility_information(data)
    return element_form(version.element, data)


def _document_slot(view: SlotView) -> DocumentSlot:
    return DocumentSlot(
        code=view.code,
        label=view.label,
        required=view.required,
        source_label=document_rules.source_label(view.source),
        detail=slot_summary(view, submitted=True),
        files=tuple(
            DocumentFile(f.id, f.original_name, f.title, f.kind_label, f.size) for f in view.files
        ),
    )


def _others(session: Session, actor: Actor, version: ElementVersion) -> tuple[OtherElement, ...]:
    if version.submittal_id is None:
        return ()
    reach = scope.reach_of(session, actor, Right.VIEW)
    rows = session.exec(
        select(ElementVersion)
        .where(
            ElementVersion.submittal_id == version.submittal_id,
            ElementVersion.id != version.id,
            scope.version_clause(reach),
        )
        .order_by(col(ElementVersion.element))
    )
    return tuple(
        OtherElement(row.id or 0, element_label(row.element), status_label(row.status))
        for row in rows
    )


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.display_name if user else ""


def _inventory_rows(session: Session, version: ElementVersion) -> int | None:
    if version.element != HMI:
        return None
    return len(
        session.exec(
            select(InventoryItem.id).where(InventoryItem.element_version_id == version.id)
        ).all()
    )


def submitted_element(session: Session, actor: Actor, version_id: object) -> SubmittedElement:
    """One submitted element version as its regulator reviews it (VIEW right)."""
    with transaction(session):
        version = scope.load_version(session, actor, version_id, Right.VIEW)
        facility = session.get(Facility, version.facility_id)
        assert version.id is not None and facility is not None and facility.id is not None
        business = session.get(Organization, version.organization_id)
        agency = session.get(Agency, version.agency_id) if version.agency_id else None
        submittal = session.get(Submittal, version.submittal_id) if version.submittal_id else None
        return SubmittedElement(
            version_id=version.id,
            facility_id=facility.id,
            cers_id=facility.cers_id,
            facility_name=facility.name,
            address=_address(facility),
            business_name=business.name if business else "",
            element=version.element,
            element_label=element_label(version.element),
            agency_name=agency.name if agency else "No regulator assigned",
            status=version.status,
            status_label=status_label(version.status),
            submitted_at=clock.format_local(version.submitted_at),
            submitted_by=_name(session, version.submitted_by_user_id),
            submitter_email=submittal.submitter_email if submittal else "",
            certifier_name=submittal.certifier_name if submittal else "",
            certifier_title=submittal.certifier_title if submittal else "",
            comments=version.submitted_comments,
            review_comments=version.review_comments,
            others=_others(session, actor, version),
            forms=_version_forms(version),
            inventory_rows=_inventory_rows(session, version),
            documents=tuple(_document_slot(v) for v in documents.slot_views(session, version)),
        )


def inventory_page(
    session: Session, actor: Actor, version_id: object, query: ItemQuery
) -> ItemPage:
    """One page of a submitted inventory's rows, sorted and filtered in SQL (VIEW right)."""
    problems = check_query(query)
    with transaction(session):
        version = scope.load_version(session, actor, version_id, Right.VIEW)
        if version.element != HMI:
            raise NotFound(NO_INVENTORY)
        if problems:
            raise ValidationFailed(problems)
        if sees_confidential(session, actor, version):
            return page_of(session, version.id or 0, query)
        # Neither searching nor sorting by location may give a confidential one away.
        sort = "CommonName" if query.sort == "ChemicalLocation" else query.sort
        hidden = replace(query, sort=sort, hide_confidential=True)
        return masked_page(session, page_of(session, version.id or 0, hidden))


def sees_confidential(session: Session, actor: Actor, version: ElementVersion) -> bool:
    """Whether the actor sees the inventory locations a business marked confidential (EPCRA):
    reviewers and Agency Admins (REVIEW) and Emergency Responders (RESPOND) of the version's
    agencies; other regulator roles see "Confidential" instead."""
    return scope.reaches_version(session, actor, version, Right.REVIEW) or (
        scope.reaches_version(session, actor, version, Right.RESPOND)
    )


def is_confidential(data: dict[str, Any] | None) -> bool:
    """Whether an inventory row's location is marked confidential (CLConfidential Y)."""
    return (data or {}).get("CLConfidential") == inventory_codes.YES


def confidential_items(session: Session, item_ids: list[int]) -> set[int]:
    """The ids among `item_ids` (one page of rows) whose location is confidential."""
    if not item_ids:
        return set()
    rows = session.exec(
        select(InventoryItem.id, InventoryItem.data).where(col(InventoryItem.id).in_(item_ids))
    ).all()
    return {item_id for item_id, data in rows if item_id is not None and is_confidential(data)}


def masked_page(session: Session, found: ItemPage) -> ItemPage:
    """The page with each confidential row's location replaced by "Confidential"."""
    hidden = confidential_items(session, [row.id for row in found.rows])
    if not hidden:
        return found
    rows = [replace(r, location=CONFIDENTIAL) if r.id in hidden else r for r in found.rows]
    return replace(found, rows=rows)


def _confidential_locations(session: Session, version_ids: list[int]) -> set[str]:
    rows = session.exec(
        select(InventoryItem.location, InventoryItem.data).where(
            col(InventoryItem.element_version_id).in_(version_ids)
        )
    ).all()
    return {location for location, data in rows if is_confidential(data)}


def masked_changes(
    session: Session, changes: Changes, version: ElementVersion, previous: ElementVersion | None
) -> Changes:
    """The inventory changes with confidential locations (of either version) withheld."""
    if version.element != HMI or not changes.rows:
        return changes
    ids = [v.id for v in (version, previous) if v is not None and v.id is not None]
    hidden = _confidential_locations(session, ids)
    if not hidden:
        return changes
    labels = {label_of_tag(tag) for tag in LOCATION_TAGS}
    rows = []
    for row in changes.rows:
        if row.location in hidden:
            fields = tuple(
                replace(f, before=CONFIDENTIAL, after=CONFIDENTIAL)
                if f.key in LOCATION_TAGS or f.label in labels
                else f
                for f in row.fields
            )
            row = replace(row, location=CONFIDENTIAL, fields=fields)
        rows.append(row)
    return replace(changes, rows=tuple(rows))


def label_of_tag(tag: str) -> str:
    field = FIELD_BY_TAG.get(tag)
    return field.label if field is not None else tag


def changes(session: Session, actor: Actor, version_id: object) -> ChangeView:
    """What this submitted version changed since the element's submittal before it (its
    first submittal is compared with nothing and says so)."""
    with transaction(session):
        version = scope.load_version(session, actor, version_id, Right.VIEW)
        # The element's own previous submittal, even when another agency took it then: what
        # changed is part of reviewing this version.
        previous = change_view.previous_of(session, version)
        compared = ""
        if previous is not None and previous.submitted_at is not None:
            compared = f"the submittal of {clock.format_local(previous.submitted_at)}"
        return ChangeView(
            facility_id=version.facility_id,
            element=version.element,
            label=element_label(version.element),
            version_id=version.id or 0,
            version_status=status_label(version.status),
            compared_with=compared,
            changes=_shown_changes(session, actor, version, previous),
        )


def _shown_changes(
    session: Session, actor: Actor, version: ElementVersion, previous: ElementVersion | None
) -> Changes:
    found = change_view.compare_versions(session, version, previous)
    if sees_confidential(session, actor, version):
        return found
    return masked_changes(session, found, version, previous)


def element_versions(
    session: Session, actor: Actor, facility_id: object, element: object
) -> list[HistoryRow]:
    """The element's submitted versions the actor sees, newest first (VIEW right)."""
    with transaction(session):
        facility = scope.load_facility(session, actor, facility_id, Right.VIEW)
        if not is_id(element):
            return []
        reach = scope.reach_of(session, actor, Right.VIEW)
        rows = session.exec(
            select(ElementVersion)
            .where(
                ElementVersion.facility_id == facility.id,
                ElementVersion.element == element,
                scope.version_clause(reach),
            )
            .order_by(col(ElementVersion.submitted_at).desc(), col(ElementVersion.id).desc())
        )
        return [
            HistoryRow(row.id or 0, clock.format_local(row.submitted_at), status_label(row.status))
            for row in rows
        ]


def _file_version(session: Session, actor: Actor, row: ElementDocumentFile) -> ElementVersion:
    """The submitted version of a file the actor may download: any file with VIEW; only a
    site map with RESPOND (the Emergency Responder); NotFound otherwise."""
    try:
        return scope.load_version(session, actor, row.element_version_id, Right.VIEW)
    except NotFound:
        slot = session.exec(
            select(ElementDocument.slot).where(ElementDocument.id == row.document_id)
        ).first()
        if slot != SITE_MAP:
            raise
        return scope.load_version(session, actor, row.element_version_id, Right.RESPOND)


def download_file(session: Session, actor: Actor, facility_id: object, file_id: object) -> Download:
    """An uploaded file of a submitted version the regulator sees (VIEW right), or a site map
    the Emergency Responder sees (RESPOND); never a draft's. `facility_id` must be the file's
    facility, as the download link names it."""
    with transaction(session):
        row = session.get(ElementDocumentFile, file_id) if is_id(file_id) else None
        if row is None:
            raise NotFound(documents.FILE_NOT_FOUND)
        try:
            version = _file_version(session, actor, row)
        except NotFound as exc:
            raise NotFound(documents.FILE_NOT_FOUND) from exc
        stored = session.get(StoredFile, row.stored_file_id)
        if stored is None or version.facility_id != facility_id:
            raise NotFound(documents.FILE_NOT_FOUND)
        path = storage.open_path(stored)
        if not path.is_file():
            raise NotFound(documents.FILE_MISSING)
        return Download(path, row.original_name, file_kinds.media_type(row.kind), row.size)
