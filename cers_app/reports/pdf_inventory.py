"""The Hazardous Materials Inventory as a PDF: a matrix of every material grouped by location
with totals by hazard category and physical state, then one "Chemical Description" page per
material with every field of the CERS data dictionary and its label.

Pure: it draws the stored rows (`InventoryItem.data`, XML tag -> CERS code) it is given; the
service decides who may print which version. `select` applies the report's filters and
`for_public` withholds what the public may not see: chemical locations (HSC 25506; the EPCRA
"location confidential" flag, or every location for the public copy) and the identity of
trade-secret materials (HSC 25511).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from fpdf import FPDF

from cers_app.inventory import codes, values
from cers_app.inventory.fields import (
    DECIMAL,
    FIELD_BY_TAG,
    FLAG,
    HAZARD_TAGS,
    SECTIONS,
    YESNO,
    component_tags,
    fields_in,
    label_of,
)
from cers_app.reports.pdf_base import (
    PUBLIC_COPY,
    WITHHELD,
    ReportPDF,
    boxed_notice,
    heading,
    pairs_table,
    paragraph,
    table,
)

ALL, WASTE_ONLY, NON_WASTE = "all", "waste", "non_waste"
WASTE_CHOICES = (ALL, WASTE_ONLY, NON_WASTE)
LOCATION_TAGS = ("ChemicalLocation", "MapNumber", "GridNumber")
IDENTITY_TAGS = (
    "CommonName",
    "ChemicalName",
    "CASNumber",
    "CCLID",
    "USEPASRSNumber",
    "AdditionalMixtureComponents",
    "ChemicalDescriptionComment",
    *(tag for n in range(1, 6) for tag in component_tags(n)[1::2]),  # names and CAS numbers
)
AMOUNT_TAGS = ("LargestContainer", "AverageDailyAmount", "MaximumDailyAmount", "AnnualWasteAmount")
LONG_TEXT = 60  # characters: a value this long is printed at full width
NO_LOCATION = "(no location given)"
CONFIDENTIAL = "Confidential"
TOTAL_UNITS = (codes.GALLONS, codes.CUBIC_FEET, codes.POUNDS, codes.TONS)
_FLAG_SECTIONS = ("physical_hazards", "health_hazards", "legacy_hazards")
_SHORT_HAZARD = {tag: FIELD_BY_TAG[tag].label for tag in HAZARD_TAGS}


@dataclass(frozen=True)
class InventoryFilter:
    """Which materials a report shows: one location (any case; "" for all), waste or not,
    and whether trade-secret materials are printed."""

    location: str = ""
    waste: str = ALL
    trade_secrets: bool = True

    def problems(self) -> dict[str, str]:
        """What is wrong with a filter from a request ({} when nothing is)."""
        found = {}
        if not isinstance(self.location, str) or len(self.location) > 140:
            found["location"] = "Give a chemical location of at most 140 characters."
        if self.waste not in WASTE_CHOICES:
            found["waste"] = "Choose all materials, waste only or non-waste only."
        if not isinstance(self.trade_secrets, bool):
            found["trade_secrets"] = "Say whether trade-secret materials are included."
        return found

    def describe(self) -> str:
        """The filter in words, for the report's first page."""
        parts = [f'location "{self.location}"' if self.location.strip() else "every location"]
        parts.append({ALL: "waste and non-waste", WASTE_ONLY: "waste only"}.get(self.waste, ""))
        if self.waste == NON_WASTE:
            parts[-1] = "non-waste materials only"
        parts.append("trade secrets included" if self.trade_secrets else "trade secrets left out")
        return "; ".join(parts)


def _text(row: Mapping[str, object], tag: str) -> str:
    return values.text_of(row.get(tag))


def _location_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def is_trade_secret(row: Mapping[str, object]) -> bool:
    return _text(row, "TradeSecret") == codes.YES


def select(rows: Iterable[Mapping[str, object]], chosen: InventoryFilter) -> list[dict]:
    """The rows the filter keeps, sorted by location then common name."""
    wanted = _location_key(chosen.location)
    kept = []
    for row in rows:
        if wanted and _location_key(_text(row, "ChemicalLocation")) != wanted:
            continue
        waste = _text(row, "HMType") == codes.WASTE
        if (chosen.waste == WASTE_ONLY and not waste) or (chosen.waste == NON_WASTE and waste):
            continue
        if not chosen.trade_secrets and is_trade_secret(row):
            continue
        kept.append(dict(row))
    return ordered(kept)


def ordered(rows: Iterable[dict]) -> list[dict]:
    """Rows sorted by location, then common name."""
    return sorted(
        rows,
        key=lambda r: (
            _location_key(_text(r, "ChemicalLocation")),
            _text(r, "CommonName").casefold(),
        ),
    )


def for_public(row: Mapping[str, object], *, all_locations: bool = True) -> dict:
    """A row as the public may see it: its location withheld (every location with
    `all_locations`, else only one marked confidential) and a trade secret's identity."""
    shown = dict(row)
    if all_locations or _text(row, "CLConfidential") == codes.YES:
        for tag in LOCATION_TAGS:
            shown[tag] = WITHHELD
    if is_trade_secret(row):
        for tag in IDENTITY_TAGS:
            shown[tag] = WITHHELD
    return shown


def without_confidential_location(row: Mapping[str, object]) -> dict:
    """A row as a regulator without the Reviewer's rights sees it: a location the business
    marked confidential (EPCRA) reads "Confidential"."""
    shown = dict(row)
    if _text(row, "CLConfidential") == codes.YES:
        for tag in LOCATION_TAGS:
            shown[tag] = CONFIDENTIAL
    return shown


def _amount(row: Mapping[str, object], tag: str) -> str:
    text = _text(row, tag)
    number = values.parse_number(text)
    if number is None:
        return text
    unit = codes.UNIT_ABBREVIATIONS.get(_text(row, "Units"), "")
    return f"{values.grouped(number)} {unit}".strip()


def shown_value(row: Mapping[str, object], tag: str) -> str:
    """A field's value as people read it: code labels, Yes/No, grouped numbers with units."""
    definition = FIELD_BY_TAG[tag]
    text = _text(row, tag)
    if text == WITHHELD:
        return WITHHELD
    if definition.kind == FLAG:
        return "Yes" if text == codes.YES else "No"
    if tag in AMOUNT_TAGS:
        return _amount(row, tag)
    if definition.kind == DECIMAL:
        number = values.parse_number(text)
        return values.grouped(number) if number is not None else text
    if definition.kind == YESNO or definition.codes:
        return label_of(tag, text)
    return text


def _hazards(row: Mapping[str, object]) -> str:
    return ", ".join(_SHORT_HAZARD[tag] for tag in HAZARD_TAGS if _text(row, tag) == codes.YES)


# -- the matrix ---------------------------------------------------------------------------


def _matrix_line(row: Mapping[str, object]) -> tuple[str, ...]:
    name = _text(row, "CommonName")
    chemical = _text(row, "ChemicalName")
    if chemical and chemical != name:
        name = f"{name} ({chemical})"
    return (
        name,
        _text(row, "CASNumber"),
        shown_value(row, "HMType"),
        shown_value(row, "PhysicalState"),
        shown_value(row, "MaximumDailyAmount"),
        shown_value(row, "AverageDailyAmount"),
        shown_value(row, "LargestContainer"),
        _text(row, "DaysOnSite"),
        shown_value(row, "EHS"),
        "Yes" if is_trade_secret(row) else "No",
        _hazards(row),
    )


MATRIX_HEADINGS = (
    "Common name",
    "CAS number",
    "Type",
    "State",
    "Max. daily",
    "Avg. daily",
    "Largest container",
    "Days",
    "EHS",
    "Trade secret",
    "Hazard categories",
)
MATRIX_WIDTHS = (30, 14, 10, 9, 13, 13, 13, 7, 7, 9, 40)
TOTAL_HEADINGS = ("", "Materials", "Gallons", "Cubic feet", "Pounds", "Tons")


@dataclass
class _Total:
    """Materials counted and their maximum daily amounts added up per unit."""

    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=lambda: defaultdict(Decimal))

    def add(self, row: Mapping[str, object]) -> None:
        self.count += 1
        number = values.parse_number(_text(row, "MaximumDailyAmount"))
        unit = _text(row, "Units")
        if number is not None and unit in TOTAL_UNITS:
            self.amounts[unit] += number

    def line(self, label: str) -> tuple[str, ...]:
        amounts = self.amounts
        return (
            label,
            str(self.count),
            *(values.grouped(amounts[u]) if u in amounts else "" for u in TOTAL_UNITS),
        )


def totals(rows: Sequence[Mapping[str, object]]) -> dict[str, list[tuple[str, ...]]]:
    """Maximum daily amounts added up per unit, by hazard category and by physical state
    (only categories and states some material has), with the number of materials."""
    by_hazard: dict[str, _Total] = {}
    by_state: dict[str, _Total] = {}
    for row in rows:
        for tag in HAZARD_TAGS:
            if _text(row, tag) == codes.YES:
                by_hazard.setdefault(tag, _Total()).add(row)
        state = _text(row, "PhysicalState")
        by_state.setdefault(state, _Total()).add(row)
    hazard_lines = [
        by_hazard[tag].line(_SHORT_HAZARD[tag]) for tag in HAZARD_TAGS if tag in by_hazard
    ]
    state_order = [code for code, _ in codes.PHYSICAL_STATES] + sorted(
        s for s in by_state if s not in dict(codes.PHYSICAL_STATES)
    )
    state_lines = [
        by_state[s].line(label_of("PhysicalState", s) or "(not given)")
        for s in state_order
        if s in by_state
    ]
    return {"hazard": hazard_lines, "state": state_lines}


def draw_matrix(pdf: FPDF, rows: Sequence[Mapping[str, object]]) -> None:
    """The matrix report on landscape pages: a table per location, then the totals."""
    pdf.add_page(orientation="L")
    heading(pdf, "Hazardous Materials Inventory: Matrix Report")
    if not rows:
        paragraph(pdf, "No materials match this report.")
        return
    groups: dict[str, list[Mapping[str, object]]] = {}
    for row in rows:
        place = _text(row, "ChemicalLocation")
        groups.setdefault(place or NO_LOCATION, []).append(row)
    for place, members in groups.items():
        heading(pdf, f"Location: {place}", level=3)
        table(pdf, MATRIX_HEADINGS, [_matrix_line(r) for r in members], MATRIX_WIDTHS, size=7.5)
    found = totals(rows)
    heading(pdf, "Totals by hazard category (maximum daily amounts)", level=2)
    if found["hazard"]:
        table(
            pdf, ("Hazard category", *TOTAL_HEADINGS[1:]), found["hazard"], (40, 12, 15, 15, 15, 15)
        )
    else:
        paragraph(pdf, "No hazard category is marked on these materials.")
    heading(pdf, "Totals by physical state (maximum daily amounts)", level=2)
    table(pdf, ("Physical state", *TOTAL_HEADINGS[1:]), found["state"], (40, 12, 15, 15, 15, 15))


# -- one page per material ----------------------------------------------------------------


def _components(pdf: FPDF, row: Mapping[str, object]) -> None:
    lines = []
    for n in range(1, 6):
        percent, name, ehs, cas = component_tags(n)
        lines.append(
            (
                str(n),
                shown_value(row, name),
                shown_value(row, cas),
                shown_value(row, percent),
                shown_value(row, ehs),
            )
        )
    table(
        pdf,
        ("Component", "Name", "CAS number", "% by weight", "EHS"),
        lines,
        (12, 60, 22, 18, 12),
        size=8,
    )
    pairs_table(
        pdf,
        [
            (
                FIELD_BY_TAG["AdditionalMixtureComponents"].label,
                shown_value(row, "AdditionalMixtureComponents"),
            )
        ],
        size=8,
    )


def draw_material(pdf: FPDF, row: Mapping[str, object], number: int, count: int) -> None:
    """One material's Chemical Description page(s): every field with its label."""
    pdf.add_page(orientation="P")
    heading(pdf, "Hazardous Materials Inventory: Chemical Description")
    paragraph(pdf, f"Material {number} of {count}: {_text(row, 'CommonName')}", bold=True)
    if is_trade_secret(row):
        boxed_notice(
            pdf, "TRADE SECRET (HSC 25511): handle this material's identity as confidential."
        )
    for key, title in SECTIONS:
        heading(pdf, title, level=3)
        if key == "components":
            _components(pdf, row)
            continue
        fields = [f for f in fields_in(key) if f.tag != "AdditionalMixtureComponents"]
        pairs = [(f.label, shown_value(row, f.tag)) for f in fields]
        columns = 3 if key in _FLAG_SECTIONS or key == "storage" else 2
        # Long texts (comments) get a line of their own, at full width.
        pairs_table(pdf, [p for p in pairs if len(p[1]) <= LONG_TEXT], columns=columns, size=8)
        pairs_table(pdf, [p for p in pairs if len(p[1]) > LONG_TEXT], size=8)


def draw_inventory(
    pdf: FPDF, rows: Sequence[Mapping[str, object]], chosen: InventoryFilter, *, public: bool
) -> None:
    """The inventory's opening page, its matrix and a page per material."""
    pdf.add_page(orientation="P")
    heading(pdf, "Hazardous Materials Inventory")
    paragraph(pdf, f"Materials: {len(rows)}. Shown: {chosen.describe()}.")
    if public:
        paragraph(
            pdf,
            f"PUBLIC COPY: chemical locations and the identity of trade-secret materials are "
            f'marked "{WITHHELD}".',
            bold=True,
        )
    draw_matrix(pdf, rows)
    for number, row in enumerate(rows, start=1):
        draw_material(pdf, row, number, len(rows))


def inventory_pdf(
    facility_name: str,
    cers_id: int,
    rows: Iterable[Mapping[str, object]],
    chosen: InventoryFilter,
    *,
    public: bool = False,
    confidential_locations: bool = True,
) -> bytes:
    """The whole inventory report as PDF bytes; without `confidential_locations` the
    locations marked confidential read "Confidential" (and cannot be chosen by)."""
    if not confidential_locations:
        rows = [without_confidential_location(row) for row in rows]
    kept = select(rows, chosen)
    if public:
        kept = ordered(for_public(row) for row in kept)
    pdf = ReportPDF(
        facility_name,
        cers_id,
        title="Hazardous Materials Inventory",
        note=PUBLIC_COPY if public else "",
    )
    draw_inventory(pdf, kept, chosen, public=public)
    return pdf.output_bytes()
