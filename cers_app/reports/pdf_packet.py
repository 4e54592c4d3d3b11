"""The submittal packet: a cover page (facility, CERS ID, elements, submitter, certification,
status and review comments), each element's forms and inventory, the document index, then the
uploaded PDF documents appended; every page stamped with the facility's name, CERS ID and
"Page N of M" (appended pages are shrunk a little so the stamp never covers their content).

`build_packet` is handed the element versions the caller may see (the service checks that);
it reads their content and files. A public copy withholds chemical locations, the identity of
trade-secret materials and the annotated site map (official use only), marked "Withheld".
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter, Transformation
from sqlmodel import Session, col, select

from cers_app.accounts.models import User
from cers_app.core import clock, storage
from cers_app.core.codes import FACILITY_INFORMATION, county_label, element_label, status_label
from cers_app.core.storage import StoredFile
from cers_app.facilities.models import ElementVersion, Facility
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.models import Organization
from cers_app.regulator.models import ReviewAction
from cers_app.reports import pdf_forms, pdf_inventory
from cers_app.reports.pdf_base import (
    MARGIN,
    PUBLIC_COPY,
    WITHHELD,
    ReportPDF,
    boxed_notice,
    draw_running_footer,
    draw_running_header,
    heading,
    pairs_table,
    table,
)
from cers_app.reports.pdf_inventory import InventoryFilter, draw_inventory, for_public
from cers_app.submittals import documents
from cers_app.submittals.document_models import ElementDocumentFile
from cers_app.submittals.models import Submittal

log = logging.getLogger("cers_app.reports.packet")

HMI = 2
SITE_MAP = 5  # the Annotated Site Map (Official Use Only)
MAX_APPENDED_PAGES = 1500  # beyond this a packet is listed, not appended (stays printable)
SHRINK = 0.9  # appended pages: room for the stamp above and below their content
MM_PER_PT = 25.4 / 72
KIND_LABELS = {"annual": "Annual certification", "change": "Change"}


@dataclass(frozen=True)
class Appendix:
    """An uploaded PDF to append: where it comes from and its opened reader."""

    title: str
    reader: PdfReader


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.display_name if user else ""


def _address(facility: Facility) -> str:
    street = ", ".join(part for part in (facility.street, facility.supplemental) if part)
    county = county_label(facility.county)
    return f"{street}, {facility.city} {facility.zip_code}" + (
        f" ({county} County)" if county else ""
    )


def draw_cover(
    pdf: FPDF,
    session: Session,
    facility: Facility,
    submittal: Submittal,
    versions: list[ElementVersion],
    *,
    public: bool,
) -> None:
    """The cover page: who submitted what and where each element stands."""
    pdf.add_page(orientation="P")
    heading(pdf, "Unified Program Submittal")
    if public:
        boxed_notice(pdf, f'{PUBLIC_COPY}: confidential information is marked "{WITHHELD}".')
    business = session.get(Organization, submittal.organization_id)
    submitter = _name(session, submittal.submitted_by_user_id)
    if not public and submittal.submitter_email:
        submitter = f"{submitter} ({submittal.submitter_email})"
    pairs_table(
        pdf,
        [
            ("Facility", facility.name),
            ("CERS ID", str(facility.cers_id)),
            ("Address", _address(facility)),
            ("Business", business.name if business else ""),
            ("Submitted", clock.format_local(submittal.submitted_at)),
            ("Kind of submittal", KIND_LABELS.get(submittal.kind, submittal.kind)),
            ("Submitted by", submitter),
            ("Certified by", f"{submittal.certifier_name}, {submittal.certifier_title}"),
            ("Certification", submittal.certification_statement),
        ],
    )
    heading(pdf, "Elements", level=2)
    table(
        pdf,
        ("Element", "Status", "Submitter's comments", "Regulator's comments"),
        [
            (
                element_label(v.element),
                status_label(v.status),
                v.submitted_comments,
                v.review_comments,
            )
            for v in versions
        ],
        (30, 15, 25, 30),
    )
    _draw_review_history(pdf, session, versions)


def _draw_review_history(pdf: FPDF, session: Session, versions: list[ElementVersion]) -> None:
    ids = [v.id for v in versions]
    actions = session.exec(
        select(ReviewAction)
        .where(col(ReviewAction.version_id).in_(ids))
        .order_by(col(ReviewAction.element), col(ReviewAction.acted_at), col(ReviewAction.id))
    ).all()
    if not actions:
        return
    heading(pdf, "Review history", level=2)
    table(
        pdf,
        ("Element", "Status", "Date", "Reviewer", "Comment"),
        [
            (
                element_label(a.element),
                status_label(a.status),
                clock.format_local(a.acted_at),
                a.reviewer_name,
                a.comment,
            )
            for a in actions
        ],
        (25, 14, 18, 16, 35),
    )


def _inventory_rows(session: Session, version: ElementVersion) -> list[dict]:
    rows = session.exec(
        select(InventoryItem.data)
        .where(InventoryItem.element_version_id == version.id)
        .order_by(col(InventoryItem.id))
    ).all()
    return [dict(data or {}) for data in rows]


def _open_pdf(path: Path) -> PdfReader | None:
    """The uploaded file opened as a PDF with at least one page, or None."""
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        return reader if len(reader.pages) else None
    except Exception:  # noqa: BLE001 - any broken upload is listed, never fatal to the packet
        log.warning("uploaded file %s could not be read as a PDF", path.name)
        return None


def _documents(
    session: Session, versions: list[ElementVersion], *, public: bool
) -> tuple[list[pdf_forms.IndexSlot], list[Appendix]]:
    """The document index of the versions, and the uploaded PDFs to append in its order."""
    slots: list[pdf_forms.IndexSlot] = []
    appendices: list[Appendix] = []
    appended_pages = 0
    for version in versions:
        for view in documents.slot_views(session, version):
            notes: dict[int, str] = {}
            for shown in view.files:
                if public and view.code == SITE_MAP:
                    notes[shown.id] = pdf_forms.OFFICIAL_USE
                    continue
                if shown.kind != "pdf":
                    notes[shown.id] = pdf_forms.NOT_PDF
                    continue
                row = session.get(ElementDocumentFile, shown.id)
                stored = session.get(StoredFile, row.stored_file_id) if row else None
                path = storage.open_path(stored) if stored else None
                if path is None or not path.is_file():
                    notes[shown.id] = pdf_forms.MISSING
                    continue
                reader = _open_pdf(path)
                if reader is None:
                    notes[shown.id] = pdf_forms.UNREADABLE
                    continue
                if appended_pages + len(reader.pages) > MAX_APPENDED_PAGES:
                    notes[shown.id] = pdf_forms.TOO_LONG
                    continue
                appended_pages += len(reader.pages)
                notes[shown.id] = f"{pdf_forms.APPENDED} (appendix {len(appendices) + 1})"
                title = f"{element_label(version.element)}: {view.label}: {shown.original_name}"
                appendices.append(Appendix(title, reader))
            slots.append(pdf_forms.index_slot(version.element, view, notes))
    return slots, appendices


def _draw_elements(
    pdf: FPDF,
    session: Session,
    versions: list[ElementVersion],
    *,
    public: bool,
    confidential_locations: bool = True,
) -> None:
    for version in versions:
        data = version.data or {}
        if version.element == FACILITY_INFORMATION:
            pdf_forms.draw_facility_information(pdf, data)
        elif version.element == HMI:
            chosen = InventoryFilter()
            rows = pdf_inventory.select(_inventory_rows(session, version), chosen)
            if public:
                rows = [for_public(row) for row in rows]
            elif not confidential_locations:
                rows = [pdf_inventory.without_confidential_location(row) for row in rows]
            draw_inventory(pdf, rows, chosen, public=public)
        elif pdf_forms.has_form(version.element, data):
            pdf_forms.draw_element_form(pdf, version.element, data)


def stamp(
    writer: PdfWriter, facility_name: str, cers_id: int, first_appended: int, note: str = ""
) -> None:
    """Put the running header and "Page N of M" on every page; pages from `first_appended`
    on (uploaded documents) are first shrunk about their centre to make room."""
    total = len(writer.pages)
    overlay = FPDF(unit="mm")
    overlay.set_auto_page_break(False)
    boxes = []
    for index, page in enumerate(writer.pages):
        if index >= first_appended:
            page.transfer_rotation_to_content()
        box = page.cropbox
        left, bottom = float(box.left), float(box.bottom)
        width, height = float(box.width), float(box.height)
        if index >= first_appended:
            page.add_transformation(
                Transformation()
                .translate(-left - width / 2, -bottom - height / 2)
                .scale(SHRINK, SHRINK)
                .translate(left + width / 2, bottom + height / 2)
            )
        boxes.append((left, bottom))
        overlay.add_page(format=(width * MM_PER_PT, height * MM_PER_PT))
        overlay.set_margins(MARGIN, MARGIN, MARGIN)
        draw_running_header(overlay, facility_name, cers_id, note)
        draw_running_footer(overlay, f"Page {index + 1} of {total}")
    stamps = PdfReader(io.BytesIO(bytes(overlay.output())))
    for page, over, (left, bottom) in zip(writer.pages, stamps.pages, boxes, strict=True):
        page.merge_transformed_page(over, Transformation().translate(left, bottom))


def build_packet(
    session: Session,
    facility: Facility,
    submittal: Submittal,
    versions: list[ElementVersion],
    *,
    public: bool = False,
    confidential_locations: bool = True,
) -> bytes:
    """The packet of `versions` (of `submittal`) as PDF bytes; without
    `confidential_locations` the inventory's confidential locations read "Confidential"."""
    versions = sorted(versions, key=lambda v: v.element)
    pdf = ReportPDF(facility.name, facility.cers_id, title="Submittal", stamped=True)
    draw_cover(pdf, session, facility, submittal, versions, public=public)
    _draw_elements(
        pdf, session, versions, public=public, confidential_locations=confidential_locations
    )
    slots, appendices = _documents(session, versions, public=public)
    pdf_forms.draw_document_index(pdf, slots)
    if appendices:
        heading(pdf, "Appended documents", level=2)
        table(
            pdf,
            ("Appendix", "Document", "Pages"),
            [(str(n), a.title, str(len(a.reader.pages))) for n, a in enumerate(appendices, 1)],
            (12, 70, 12),
        )
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf.output_bytes())))
    first_appended = len(writer.pages)
    for number, appendix in enumerate(appendices, start=1):
        start = len(writer.pages)
        try:
            writer.append(appendix.reader)
        except Exception:  # noqa: BLE001 - a document pypdf cannot copy is left out
            log.warning("appendix %s could not be appended", number)
            continue
        writer.add_outline_item(title=f"Appendix {number}: {appendix.title}", page_number=start)
    stamp(writer, facility.name, facility.cers_id, first_appended, PUBLIC_COPY if public else "")
    writer.add_metadata({"/Title": f"Submittal - {facility.name} (CERS ID {facility.cers_id})"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
