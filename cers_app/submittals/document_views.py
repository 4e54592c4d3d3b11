"""What the documents service hands out: a slot's answer, files and findings, read from the
element_document and element_document_file rows of one version."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from cers_app.agencies.element_settings import local_requirements
from cers_app.core import clock, file_kinds
from cers_app.core.codes import element_label
from cers_app.facilities.models import ElementVersion
from cers_app.submittals import document_rules as rules
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from cers_app.submittals.document_rules import Answer, DocumentFinding, SlotDef

ANSWER_FIELDS = (
    "source",
    "exempt_reason",
    "provided_on",
    "other_element",
    "comment",
    "url",
    "stored_at_cers_id",
)


@dataclass(frozen=True)
class FileView:
    id: int
    title: str
    description: str
    date_authored: dt.date | None
    original_name: str
    kind: str
    kind_label: str
    size: int
    sha256: str


@dataclass(frozen=True)
class SlotView:
    code: int
    label: str
    help: str
    required: bool
    answer: Answer | None
    files: tuple[FileView, ...]
    findings: tuple[DocumentFinding, ...]
    row_version: int  # 0: not answered yet (for the optimistic check of set_source)

    @property
    def source(self) -> int | None:
        return self.answer.source if self.answer else None


@dataclass(frozen=True)
class ElementDocuments:
    facility_id: int
    cers_id: int
    facility_name: str
    element: int
    version_id: int | None
    status: int | None
    status_label: str
    is_draft: bool
    can_edit: bool  # the role may answer slots of drafts
    can_upload: bool  # the role may attach files
    slots: tuple[SlotView, ...]
    advisories: tuple[DocumentFinding, ...] = ()  # element-wide guidance; never blocks
    local_agency: str = ""  # the agency whose local requirements apply ("" when none)
    local_requirements: str = ""  # what it asks for this element beyond the state's rules

    @property
    def editable(self) -> bool:
        return self.is_draft and self.can_edit


@dataclass(frozen=True)
class Download:
    path: Path
    filename: str
    media_type: str
    size: int


def locally_required(session: Session, version: ElementVersion) -> bool:
    """Whether the agency regulating the version's element asks for its locally required
    document (its element setting, or its CUPA's; optional when neither says so)."""
    return local_requirements(session, version).document_required


def answer_of(doc: ElementDocument) -> Answer:
    """A stored answer as the rules read it."""
    return Answer(
        source=doc.source,
        exempt_reason=doc.exempt_reason,
        provided_on=doc.provided_on,
        other_element=doc.other_element,
        comment=doc.comment,
        url=doc.url,
        stored_at_cers_id=doc.stored_at_cers_id,
    )


def file_view(row: ElementDocumentFile) -> FileView:
    """One uploaded file as the pages show it."""
    return FileView(
        id=row.id or 0,
        title=row.title,
        description=row.description,
        date_authored=row.date_authored,
        original_name=row.original_name,
        kind=row.kind,
        kind_label=file_kinds.kind_label(row.kind),
        size=row.size,
        sha256=row.sha256,
    )


def documents_of(session: Session, version_id: int) -> dict[int, ElementDocument]:
    """The version's answered slots by resource type code."""
    rows = session.exec(
        select(ElementDocument).where(ElementDocument.element_version_id == version_id)
    )
    return {doc.slot: doc for doc in rows}


def files_of(session: Session, version_id: int) -> dict[int, list[ElementDocumentFile]]:
    """The version's files by document id, in upload order."""
    found: dict[int, list[ElementDocumentFile]] = defaultdict(list)
    rows = session.exec(
        select(ElementDocumentFile)
        .where(ElementDocumentFile.element_version_id == version_id)
        .order_by(col(ElementDocumentFile.id))
    )
    for row in rows:
        found[row.document_id].append(row)
    return found


def slot_view(
    slot: SlotDef, doc: ElementDocument | None, files: list[ElementDocumentFile], today: dt.date
) -> SlotView:
    """One slot with its answer, files and findings."""
    answer = answer_of(doc) if doc else None
    return SlotView(
        code=slot.code,
        label=slot.label,
        help=slot.help,
        required=slot.required,
        answer=answer,
        files=tuple(file_view(row) for row in files),
        findings=tuple(rules.slot_findings(slot, answer, len(files), today=today)),
        row_version=doc.version if doc else 0,
    )


def slot_views(session: Session, version: ElementVersion) -> tuple[SlotView, ...]:
    """Every slot of the version's element, in catalogue order."""
    assert version.id is not None
    docs = documents_of(session, version.id)
    files = files_of(session, version.id)
    today = clock.today()
    slots = rules.slots_for(
        version.element,
        locally_required=locally_required(session, version),
        data=version.data,
    )
    return tuple(
        slot_view(
            slot,
            docs.get(slot.code),
            files.get(docs[slot.code].id or 0, []) if slot.code in docs else [],
            today,
        )
        for slot in slots
    )


def answer_values(doc: ElementDocument | None) -> dict[str, Any]:
    """A stored answer's fields as plain values (for audit events and snapshots)."""
    if doc is None:
        return {}
    values = {name: getattr(doc, name) for name in ANSWER_FIELDS}
    values["provided_on"] = doc.provided_on.isoformat() if doc.provided_on else None
    return values


def size_label(size: int) -> str:
    """A file size as people read it: bytes, KB or MB."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def day_label(day: dt.date | None) -> str:
    """A date as people read it ("Mar 4, 2026"); "" for none."""
    return day.strftime("%b %d, %Y").replace(" 0", " ") if day else ""


def slot_summary(view: SlotView, *, submitted: bool = False) -> str:
    """A slot's answer in one sentence.

    On the business's draft page the address of a public URL follows the sentence as a link;
    for a submitted version (the regulator's view) the sentence holds it, and a slot without
    an answer stays without one.
    """
    answer = view.answer
    if answer is None:
        return "No document provided." if submitted else "No document provided yet."
    source = answer.source
    if source == rules.EXEMPT:
        return f"Exempt: {answer.exempt_reason}"
    if source == rules.TO_REGULATOR:
        return f"Provided to the regulator on {day_label(answer.provided_on) or 'an unknown date'}."
    if source == rules.OTHER_ELEMENT:
        where = element_label(answer.other_element or 0)
        return f"Provided in {where}." + (f" {answer.comment}" if answer.comment else "")
    if source == rules.PUBLIC_URL:
        return f"On the internet at {answer.url}" if submitted else "On the internet at:"
    if source == rules.AT_FACILITY:
        return f"Stored at the facility with CERS ID {answer.stored_at_cers_id}."
    count = len(view.files)
    return f"Uploaded: {count} file{'s' if count != 1 else ''}."
