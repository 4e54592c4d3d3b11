"""The page of every OpenCERS PDF report (fpdf2): US Letter, a core font, the facility's name
and CERS ID at the top of every page, "Page N of M" at the bottom, and tables whose cells wrap.

Reports are printed and photocopied, so nothing is told by colour alone: headings are bold,
tables have black rules, withheld values say "Withheld". The core fonts (Helvetica) only cover
Latin-1, so every text passes through `latin1`, which writes other characters readably
("≥" as ">=", curly quotes as straight ones) instead of failing.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from fpdf import FPDF

FONT = "Helvetica"
BODY_PT = 9
SMALL_PT = 7.5
MARGIN = 15  # mm, left and right
TOP = 24  # mm: room for the running header
BOTTOM = 16  # mm: room for the running footer
WITHHELD = "Withheld"
PUBLIC_COPY = "PUBLIC COPY"
TOTAL_ALIAS = "{pages}"  # replaced by the page count; room for up to 7 digits
LINE_FACTOR = 0.45  # line height in mm per point of font size
PAD_X, PAD_Y = 1.2, 0.8  # cell padding, mm
BASELINE = 0.75  # where a line's text sits, as a share of the line height

_REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u2022": "*",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2260": "!=",
    "\u2122": "(TM)",
    "\u20ac": "EUR",
    "\u00a0": " ",
    "\u2009": " ",
    "\u200b": "",
    "\u0141": "L",
    "\u0142": "l",
    "\u0110": "D",
    "\u0111": "d",
    "\u0152": "OE",
    "\u0153": "oe",
}


def latin1(text: object) -> str:
    """`text` written with Latin-1 characters only: known symbols get a readable stand-in,
    accented letters outside Latin-1 lose their accent, anything else becomes "?"."""
    value = "" if text is None else str(text)
    if value.isascii():
        return value
    out: list[str] = []
    for char in value:
        if ord(char) < 256:
            out.append(char)
        elif char in _REPLACEMENTS:
            out.append(_REPLACEMENTS[char])
        else:
            plain = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(plain if plain and all(ord(c) < 256 for c in plain) else "?")
    return "".join(out)


class ReportPDF(FPDF):
    """A Letter-size report of one facility. With `stamped`, the running header and footer
    are left out (room is kept for them): the packet stamps them on every page after the
    uploaded documents are appended, so the page count includes those."""

    def __init__(
        self,
        facility_name: str,
        cers_id: int,
        *,
        title: str,
        stamped: bool = False,
        note: str = "",
    ):
        super().__init__(orientation="P", unit="mm", format="letter")
        self.facility_name = facility_name
        self.cers_id = cers_id
        self.note = note
        self.stamped = stamped
        self.set_margins(MARGIN, TOP, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM)
        self.set_title(latin1(f"{title} - {facility_name} (CERS ID {cers_id})"))
        self.set_creator("OpenCERS")
        self.set_font(FONT, size=BODY_PT)
        self.alias_nb_pages(TOTAL_ALIAS)

    def normalize_text(self, text: str) -> str:
        """Every text drawn goes through here: keep it within the core font."""
        return super().normalize_text(latin1(text))

    def header(self) -> None:
        if not self.stamped:
            draw_running_header(self, self.facility_name, self.cers_id, self.note)

    def footer(self) -> None:
        if not self.stamped:
            draw_running_footer(self, f"Page {self.page_no()} of {TOTAL_ALIAS}")

    def output_bytes(self) -> bytes:
        """The finished document."""
        return bytes(self.output())


def draw_running_header(pdf: FPDF, facility_name: str, cers_id: int, note: str = "") -> None:
    """Facility name on the left, `note` (e.g. PUBLIC COPY) in the middle, CERS ID on the
    right, a rule under them."""
    style, size = pdf.font_style, pdf.font_size_pt
    pdf.set_font(FONT, "B", 9)
    pdf.set_xy(MARGIN, 9)
    width = pdf.w - 2 * MARGIN
    pdf.cell(width * 0.55, 5, facility_name, align="L")
    pdf.cell(width * 0.2, 5, note, align="C")
    pdf.cell(width * 0.25, 5, f"CERS ID {cers_id}", align="R")
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    pdf.line(MARGIN, 15, pdf.w - MARGIN, 15)
    pdf.set_font(FONT, style, size)
    pdf.set_xy(MARGIN, TOP)


def draw_running_footer(pdf: FPDF, text: str) -> None:
    """The page number, centred at the bottom."""
    style, size = pdf.font_style, pdf.font_size_pt
    pdf.set_font(FONT, "", 8)
    pdf.set_xy(MARGIN, pdf.h - 11)
    pdf.cell(pdf.w - 2 * MARGIN, 5, text, align="C")
    pdf.set_font(FONT, style, size)


def heading(pdf: FPDF, text: str, level: int = 1) -> None:
    """A bold heading (level 1 largest); keeps a little room after it."""
    size = {1: 15, 2: 12, 3: 10}.get(level, 10)
    if pdf.get_y() > pdf.h - BOTTOM - 25:  # never a heading alone at the foot of a page
        pdf.add_page(orientation=pdf.cur_orientation)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5 if level > 1 else 3)
    pdf.set_font(FONT, "", BODY_PT)


def paragraph(pdf: FPDF, text: str, *, bold: bool = False, size: float = BODY_PT) -> None:
    """A wrapped paragraph."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    pdf.set_font(FONT, "", BODY_PT)


def boxed_notice(pdf: FPDF, text: str) -> None:
    """A bold notice inside a black frame (e.g. TRADE SECRET), readable without colour."""
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(0, 6, text, border=1, align="C", new_x="LMARGIN", new_y="NEXT", padding=1)
    pdf.ln(2)
    pdf.set_font(FONT, "", BODY_PT)


def _cell_lines(pdf: FPDF, text: str, width: float, bold: bool) -> list[str]:
    """The lines `text` wraps into within `width` (mm) in the current size (labels repeat
    on every material, so their wrapping is remembered per document)."""
    key = (text, round(width, 2), bold, pdf.font_size_pt)
    cache = pdf.__dict__.setdefault("_cers_wrapped", {})
    if key in cache:
        return cache[key]
    pdf.set_font(FONT, "B" if bold else "", pdf.font_size_pt)
    if "\n" not in text and pdf.get_string_width(text) <= width:
        lines = [text]  # the common case, without the line breaker's cost
    else:
        found = pdf.multi_cell(width, 1, text, dry_run=True, output="LINES", align="L")
        lines = [str(line) for line in found] or [""]
    if len(cache) < 20_000:
        cache[key] = lines
    return lines


Wrapped = tuple[list[list[str]], float]


def _measure(
    pdf: FPDF, cells: Sequence[str], widths: Sequence[float], bold: Sequence[bool], size: float
) -> Wrapped:
    """Each cell's lines and the row's height."""
    pdf.set_font(FONT, "", size)
    wrapped = [
        _cell_lines(pdf, text or "", w - 2 * PAD_X, b)
        for text, w, b in zip(cells, widths, bold, strict=True)
    ]
    return wrapped, max(len(lines) for lines in wrapped) * size * LINE_FACTOR + 2 * PAD_Y


def _paint(
    pdf: FPDF, row: Wrapped, widths: Sequence[float], bold: Sequence[bool], size: float
) -> None:
    """One measured row at the current height, in bordered cells."""
    wrapped, height = row
    x, y = pdf.l_margin, pdf.get_y()
    line = size * LINE_FACTOR
    for lines, w, b in zip(wrapped, widths, bold, strict=True):
        pdf.rect(x, y, w, height)
        pdf.set_font(FONT, "B" if b else "", size)
        for number, text in enumerate(lines):
            # text() rather than cell(): 10x cheaper, and the line is known to fit.
            pdf.text(x + PAD_X, y + PAD_Y + (number + BASELINE) * line, text)
        x += w
    pdf.set_xy(pdf.l_margin, y + height)


def _stacked_row(pdf: FPDF, cells: Sequence[str], bold: Sequence[bool], size: float) -> None:
    """A row too tall for one page: its cells one under the other at full width, each free
    to run onto the next page."""
    for text, b in zip(cells, bold, strict=True):
        if not text:
            continue
        pdf.set_font(FONT, "B" if b else "", size)
        pdf.multi_cell(
            0,
            size * LINE_FACTOR,
            text,
            border=1,
            align="L",
            new_x="LMARGIN",
            new_y="NEXT",
            padding=(PAD_Y, PAD_X),
        )


def table(
    pdf: FPDF,
    headings: Sequence[str] | None,
    rows: Iterable[Sequence[str]],
    widths: Sequence[float],
    *,
    size: float = BODY_PT,
    bold_columns: Sequence[int] = (),
) -> None:
    """A bordered table whose cells wrap; the heading row (bold) repeats on every page it
    spans. `widths` are relative; `bold_columns` (e.g. the labels of a label/value table)
    are bold. Drawn row by row: fpdf2's own table costs ~10x more on long inventories
    and cannot split a row taller than a page."""
    rows = [tuple(row) for row in rows]
    if not rows and not headings:
        return
    scale = pdf.epw / sum(widths)
    absolute = [w * scale for w in widths]
    bold = [index in bold_columns for index in range(len(widths))]
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    head = _measure(pdf, headings, absolute, [True] * len(absolute), size) if headings else None
    usable = pdf.page_break_trigger - pdf.t_margin - (head[1] if head else 0)
    for index, cells in enumerate(rows):
        row = _measure(pdf, cells, absolute, bold, size)
        if row[1] > usable:  # taller than a page: stacked, and split where the page ends
            _stacked_row(pdf, cells, bold, size)
            continue
        needed = row[1] + (head[1] if head and index == 0 else 0)
        if pdf.get_y() + needed > pdf.page_break_trigger:
            pdf.add_page(orientation=pdf.cur_orientation)
            if head:
                _paint(pdf, head, absolute, [True] * len(absolute), size)
        elif head and index == 0:
            _paint(pdf, head, absolute, [True] * len(absolute), size)
        _paint(pdf, row, absolute, bold, size)
    if head and not rows:
        _paint(pdf, head, absolute, [True] * len(absolute), size)
    pdf.ln(3)
    pdf.set_font(FONT, "", BODY_PT)


def pairs_table(
    pdf: FPDF, pairs: Sequence[tuple[str, str]], *, columns: int = 1, size: float = BODY_PT
) -> None:
    """Label/value pairs, `columns` pairs to a line; labels bold."""
    if not pairs:
        return
    rows: list[list[str]] = []
    for start in range(0, len(pairs), columns):
        chunk = list(pairs[start : start + columns])
        chunk += [("", "")] * (columns - len(chunk))
        rows.append([text for pair in chunk for text in pair])
    label, value = (2, 3) if columns == 1 else (3, 2)
    table(
        pdf,
        None,
        rows,
        (label, value) * columns,
        size=size,
        bold_columns=tuple(range(0, 2 * columns, 2)),
    )
