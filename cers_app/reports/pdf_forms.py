"""The forms of a submittal as PDF pages: Facility Information (Business Activities and
Owner/Operator Identification), the APSA form, the UST facility form with each tank and its
monitoring plan, and the document index (each slot, its source and its files).

The labels and display values are the regulator's own (`regulator.submittal_view`), which
reads them from the business side's definitions, so the printout says what the screens say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from cers_app.core.codes import FACILITY_INFORMATION, element_label
from cers_app.regulator.submittal_view import FormSection, element_form, facility_information
from cers_app.reports.pdf_base import heading, pairs_table, paragraph, table
from cers_app.submittals import apsa, document_rules, ust_facility_form, ust_records
from cers_app.submittals.document_views import SlotView, size_label, slot_summary

# Imported for their side effect: the APSA and UST forms and records register themselves.
REGISTERED = (apsa, ust_facility_form, ust_records)
APPENDED = "Appended at the end of this packet."
NOT_PDF = "Not a PDF: listed here, not appended."
UNREADABLE = "Could not be read as a PDF: listed here, not appended."
MISSING = "The stored file is missing: listed here, not appended."
TOO_LONG = "Too many pages to append to this packet: listed here; download it separately."
OFFICIAL_USE = "Official use only: withheld from the public copy."


@dataclass(frozen=True)
class IndexFile:
    """One uploaded file as the index lists it; `note` says whether it was appended."""

    name: str
    title: str
    kind_label: str
    size: int
    note: str


@dataclass(frozen=True)
class IndexSlot:
    """One document slot of one element version."""

    element: str
    label: str
    required: bool
    source: str
    detail: str
    files: tuple[IndexFile, ...]


def index_slot(element: int, view: SlotView, notes: Mapping[int, str]) -> IndexSlot:
    """A slot of `element` for the index; `notes` by file id say what became of each file."""
    return IndexSlot(
        element=element_label(element),
        label=view.label,
        required=view.required,
        source=document_rules.source_label(view.source) if view.answer else "Not chosen",
        detail=slot_summary(view, submitted=True),
        files=tuple(
            IndexFile(f.original_name, f.title, f.kind_label, f.size, notes.get(f.id, ""))
            for f in view.files
        ),
    )


def draw_sections(pdf: FPDF, sections: Sequence[FormSection]) -> None:
    """Form sections as label/value tables under their titles."""
    for section in sections:
        heading(pdf, section.title, level=3)
        pairs_table(pdf, [(line.label, line.value) for line in section.fields], size=8)


def draw_facility_information(pdf: FPDF, data: Mapping[str, Any]) -> None:
    """Business Activities and Owner/Operator Identification of a Facility Information
    version."""
    pdf.add_page(orientation="P")
    heading(pdf, "Facility Information")
    paragraph(pdf, "Business Activities and Business Owner/Operator Identification.")
    draw_sections(pdf, facility_information(dict(data)))


def has_form(element: int, data: Mapping[str, Any]) -> bool:
    """Whether an element version has a form or records to print (APSA, UST, ...)."""
    return element != FACILITY_INFORMATION and bool(element_form(element, dict(data)))


def draw_element_form(pdf: FPDF, element: int, data: Mapping[str, Any]) -> None:
    """An element's structured form and its records (the UST facility form, then each tank
    with its monitoring plan, then installation certifications)."""
    pdf.add_page(orientation="P")
    heading(pdf, element_label(element))
    draw_sections(pdf, element_form(element, dict(data)))


def _file_lines(slot: IndexSlot) -> str:
    if not slot.files:
        return ""
    return "\n".join(
        f"{f.name} ({f.kind_label}, {size_label(f.size)})"
        + (f' - "{f.title}"' if f.title and f.title != f.name else "")
        + (f". {f.note}" if f.note else "")
        for f in slot.files
    )


def draw_document_index(pdf: FPDF, slots: Sequence[IndexSlot]) -> None:
    """Every document slot of the printed elements: its source, its answer and its files."""
    pdf.add_page(orientation="P")
    heading(pdf, "Document Index")
    if not slots:
        paragraph(pdf, "These elements have no document slots.")
        return
    rows = [
        (
            slot.element,
            slot.label + (" (required)" if slot.required else ""),
            slot.source,
            slot.detail,
            _file_lines(slot),
        )
        for slot in slots
    ]
    table(
        pdf,
        ("Element", "Document", "Source", "Answer", "Files"),
        rows,
        (22, 28, 20, 30, 45),
        size=8,
    )
