"""Writing inventory workbooks: the blank template, the current inventory, and an uploaded
file marked with its problems.

openpyxl (write-only mode) writes the workbooks: styles, frozen panes, drop-downs, hidden
sheets and comments. Plain data rows do not go through it, though: openpyxl spends some 30 µs
on every cell, half a minute for a full 10,000-row inventory. They are written as XML here
(a few µs a row), to a temporary file, while openpyxl writes an empty row in their place;
saving splices them in. Styled rows (headings, marked problems) stay with openpyxl.

The template and the inventory share one layout: instruction rows, the heading row (CERSID in
column A, frozen), drop-down lists for coded and Yes/No columns (fed from a hidden "Lists"
sheet) and an "Instructions" sheet describing every column. The data sheet is always the
first sheet, because an upload reads the first sheet only.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from cers_app.inventory.fields import (
    CODE,
    DECIMAL,
    FIELD_BY_TAG,
    FLAG,
    INTEGER,
    TEXT,
    YESNO,
    FieldDef,
)
from cers_app.inventory.sheet_columns import CERSID, COLUMNS, INSTRUCTION_LINES, column_letter
from cers_app.inventory.sheet_columns import REQUIRED_COLUMN_TAGS as _REQUIRED
from cers_app.inventory.values import parse_number

if TYPE_CHECKING:
    from cers_app.inventory.sheet_read import SheetProblem

Out = str | Path | IO[bytes]

DATA_SHEET = "Inventory"
LISTS_SHEET = "Lists"
INSTRUCTIONS_SHEET = "Instructions"
PROBLEMS_SHEET = "Problems"
MAX_CELL_TEXT = 32_767  # Excel's limit on the characters in one cell
_LAST_ROW = 1_048_576  # Excel's last row: drop-downs cover every row below the headings
_EXACT_DIGITS = 15  # a spreadsheet number (a double) keeps 15 significant digits exactly

_HEADING_FONT = Font(bold=True)
_HEADING_FILL = PatternFill("solid", fgColor="FFD9E1F2")
_REQUIRED_FILL = PatternFill("solid", fgColor="FFFCE4D6")
_NOTE_FONT = Font(italic=True, color="FF595959")
_PROBLEM_FILL = PatternFill("solid", fgColor="FFFFC7CE")
_PROBLEM_FONT = Font(color="FF9C0006")
_WRAP = Alignment(wrap_text=True, vertical="top")
_COMMENT_AUTHOR = "OpenCERS"
# Characters XML 1.0 cannot hold (tab, newline and carriage return it can).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _field(tag: str) -> FieldDef | None:
    return FIELD_BY_TAG.get(tag)


def _safe_text(text: str) -> str:
    """Text a workbook can hold: characters XML forbids become U+FFFD, and it is cut to the
    length of a cell (only an uploaded file being marked can hold such text)."""
    text = _ILLEGAL.sub("\ufffd", text)
    return text[:MAX_CELL_TEXT]


def _text_cell(ws, text: str, **style) -> object:
    """`text` as a text cell. A plain str would do, except that openpyxl stores text
    starting with "=" as a formula; that must stay text (it is data, never a formula)."""
    cell = WriteOnlyCell(ws, _safe_text(text))
    cell.data_type = "s"
    for name, value in style.items():
        setattr(cell, name, value)
    return cell


def _plain_text(ws, text: str) -> object:
    """`text` for a data cell: a bare str (the fast path) unless it needs a text cell."""
    if text.startswith("=") or _ILLEGAL.search(text) or len(text) > MAX_CELL_TEXT:
        return _text_cell(ws, text)
    return text


def _number(text: str) -> int | float | None:
    """A stored number as a spreadsheet number, or None when it would not come back the same
    (not a number, or more digits than a double keeps)."""
    number = parse_number(text)
    if number is None:
        return None
    digits = len(number.normalize().as_tuple().digits)
    if digits > _EXACT_DIGITS:
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)


# --- Plain rows, written as XML and spliced in on saving ---------------------------------

_DATA_SHEET_PATH = "xl/worksheets/sheet1.xml"  # the first sheet
_EMPTY_ROW = re.compile(rb'<row r="\d+"></row>')  # how openpyxl writes a row without cells
_NEEDS_ESCAPING = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_letter = lru_cache(maxsize=None)(column_letter)


def _xml_text(text: str) -> str:
    if _NEEDS_ESCAPING.search(text) is None and len(text) <= MAX_CELL_TEXT:
        return text
    return _safe_text(text).translate(_ESCAPES)


def _row_xml(number: int, values: Iterable[object]) -> str:
    """Row `number` as sheet XML: text as inline strings, int and float as numbers."""
    parts = [f'<row r="{number}">']
    for index, value in enumerate(values):
        if value is None or value == "":
            continue
        if value.__class__ is str:
            keep = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
            parts.append(
                f'<c r="{_letter(index)}{number}" t="inlineStr"><is><t{keep}>'
                f"{_xml_text(value)}</t></is></c>"
            )
        else:
            parts.append(f'<c r="{_letter(index)}{number}"><v>{value!r}</v></c>')
    parts.append("</row>")
    return "".join(parts)


class _PlainRows:
    """The plain rows of the data sheet, kept in a temporary file until the workbook is
    saved; each leaves an empty row in openpyxl's sheet to be replaced."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by save()
        self.sizes: list[int] = []
        self.number = 0

    def append_styled(self, cells: list[object]) -> None:
        """A row written by openpyxl (headings, marked cells)."""
        self.ws.append(cells)
        self.number += 1

    def append(self, values: Iterable[object]) -> None:
        """A plain row: None, str, int or float values."""
        self.number += 1
        data = _row_xml(self.number, values).encode()
        self.file.write(data)
        self.sizes.append(len(data))
        self.ws.append([])

    def save(self, wb: Workbook, out: Out) -> None:
        """Save `wb` to `out` with the plain rows in place of openpyxl's empty rows."""
        with self.file, tempfile.TemporaryFile() as raw:
            wb.save(raw)
            raw.seek(0)
            target = str(out) if isinstance(out, Path) else out
            with (
                zipfile.ZipFile(raw) as source,
                zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as made,
            ):
                for info in source.infolist():
                    if info.filename == _DATA_SHEET_PATH:
                        self._splice(source.read(info.filename), made)
                    else:
                        made.writestr(info, source.read(info.filename))

    def _splice(self, sheet: bytes, made: zipfile.ZipFile) -> None:
        pieces = _EMPTY_ROW.split(sheet)
        if len(pieces) != len(self.sizes) + 1:
            raise RuntimeError("the data sheet's placeholder rows do not match its rows")
        self.file.seek(0)
        with made.open(_DATA_SHEET_PATH, "w", force_zip64=True) as stream:
            stream.write(pieces[0])
            for size, piece in zip(self.sizes, pieces[1:], strict=True):
                stream.write(self.file.read(size))
                stream.write(piece)


# --- Layout shared by the template and the inventory -------------------------------------


def _code_lists() -> list[tuple[str, tuple[tuple[str, str], ...], list[str]]]:
    """(list name, code list, tags using it) for each distinct code list of the columns."""
    lists: dict[int, tuple[str, tuple[tuple[str, str], ...], list[str]]] = {}
    for column in COLUMNS:
        field = _field(column.tag)
        if field is None or field.kind not in (CODE, YESNO, FLAG):
            continue
        key = id(field.codes)
        if key not in lists:
            name = "Yes/No" if field.kind in (YESNO, FLAG) else field.label
            lists[key] = (name, field.codes, [])
        lists[key][2].append(column.tag)
    return list(lists.values())


def _write_lists(wb: Workbook) -> dict[str, str]:
    """The hidden Lists sheet (one column of labels per code list); returns the formula of
    each coded column's drop-down, by tag."""
    ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    lists = _code_lists()
    longest = max(len(codes) for _, codes, _ in lists)
    ws.append([_text_cell(ws, name) for name, _, _ in lists])
    for index in range(longest):
        ws.append(
            [
                _text_cell(ws, codes[index][1]) if index < len(codes) else None
                for _, codes, _ in lists
            ]
        )
    formulas: dict[str, str] = {}
    for position, (_, codes, tags) in enumerate(lists):
        letter = column_letter(position)
        for tag in tags:
            formulas[tag] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(codes) + 1}"
    return formulas


def _validations(formulas: dict[str, str], first_row: int) -> list[DataValidation]:
    """One list validation per code list, covering its columns from `first_row` down."""
    by_formula: dict[str, list[str]] = defaultdict(list)
    for index, column in enumerate(COLUMNS):
        if column.tag in formulas:
            letter = column_letter(index)
            by_formula[formulas[column.tag]].append(f"{letter}{first_row}:{letter}{_LAST_ROW}")
    made = []
    for formula, ranges in by_formula.items():
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            # A warning, not a stop: the codes themselves (b, Y, 3) are accepted as well.
            errorStyle="warning",
            errorTitle="Not one of the choices",
            error="Choose from the list, or type the CERS code (see the Instructions sheet).",
        )
        for cells in ranges:
            validation.add(cells)
        made.append(validation)
    return made


def _width(tag: str, heading: str) -> float:
    field = _field(tag)
    wide = field is not None and field.kind == TEXT and (field.max_length or 0) > 100
    return max(len(heading) + 2, 30 if wide else 12)


def _data_sheet(wb: Workbook, formulas: dict[str, str]) -> _PlainRows:
    """The Inventory sheet with its instruction rows and heading row written."""
    ws = wb.create_sheet(DATA_SHEET, 0)
    header_row = len(INSTRUCTION_LINES) + 1
    ws.freeze_panes = f"A{header_row + 1}"
    for index, column in enumerate(COLUMNS):
        dimension = ws.column_dimensions[column_letter(index)]
        dimension.width = _width(column.tag, column.heading)
        field = _field(column.tag)
        if column.tag == CERSID or (field is not None and field.kind == TEXT):
            # Typed entries stay text: "007" keeps its zeros, a CAS number is not a date.
            dimension.number_format = "@"
    for validation in _validations(formulas, header_row + 1):
        ws.data_validations.append(validation)
    rows = _PlainRows(ws)
    for line in INSTRUCTION_LINES:
        rows.append_styled([_text_cell(ws, line, font=_NOTE_FONT)])
    rows.append_styled(
        [
            _text_cell(
                ws,
                column.heading,
                font=_HEADING_FONT,
                fill=_REQUIRED_FILL if column.tag in _REQUIRED else _HEADING_FILL,
            )
            for column in COLUMNS
        ]
    )
    return rows


def _what_to_enter(field: FieldDef | None) -> str:
    if field is None:
        return "The facility's CERS ID, on every row."
    if field.kind == TEXT:
        kind = f"Text, up to {field.max_length} characters."
    elif field.kind == INTEGER:
        kind = "A whole number."
    elif field.kind == DECIMAL:
        after = f", at most {field.decimals} after the point" if field.decimals else ""
        kind = f"A number of at most {field.digits} digits{after}."
    elif field.kind == FLAG:
        kind = "Y or N (blank is N)."
    elif field.kind == YESNO:
        kind = "Y or N."
    else:
        kind = "One of the choices: its code or its label."
    return f"{kind} {field.help}"


def _write_instructions(wb: Workbook) -> None:
    ws = wb.create_sheet(INSTRUCTIONS_SHEET)
    for letter, width in zip("ABCDEFG", (8, 34, 40, 36, 10, 60, 60), strict=True):
        ws.column_dimensions[letter].width = width
    headings = (
        "Column",
        "Heading",
        "Also accepted",
        "CERS field",
        "Required",
        "What to enter",
        "Choices (code = label)",
    )
    ws.append([_text_cell(ws, text, font=_HEADING_FONT, fill=_HEADING_FILL) for text in headings])
    for index, column in enumerate(COLUMNS):
        field = _field(column.tag)
        name = "CERS ID" if field is None else f"{field.number} {field.label}"
        choices = "\n".join(f"{code} = {label}" for code, label in field.codes) if field else ""
        cells = (
            column_letter(index),
            column.heading,
            ", ".join(column.aliases),
            name,
            "Yes" if column.tag in _REQUIRED else "",
            _what_to_enter(field),
            choices,
        )
        ws.append([_text_cell(ws, text, alignment=_WRAP) for text in cells])


def _layout_workbook() -> tuple[Workbook, _PlainRows]:
    wb = Workbook(write_only=True)
    formulas = _write_lists(wb)
    rows = _data_sheet(wb, formulas)
    _write_instructions(wb)
    return wb, rows


def template_workbook(out: Out) -> None:
    """Write the blank upload template (instructions, headings, drop-downs, Instructions
    sheet) to `out`, a path or a binary file object."""
    wb, rows = _layout_workbook()
    rows.save(wb, out)


def inventory_workbook(out: Out, cers_id: str, rows: Iterable[Mapping[str, str]]) -> None:
    """Write an inventory in the template's layout to `out`, one row per material, with
    values as stored (codes, Y/N); numbers of number fields as numbers, everything else as
    text so map numbers like "007" and CAS numbers come back unchanged."""
    wb, sheet = _layout_workbook()
    columns = [(column.tag, _field(column.tag)) for column in COLUMNS[1:]]
    numbers = {tag for tag, field in columns if field and field.kind in (DECIMAL, INTEGER)}
    tags = [tag for tag, _ in columns]
    for row in rows:
        line: list[object] = [cers_id]
        for tag in tags:
            value = row.get(tag)
            if value.__class__ is not str or not value:
                line.append(None)
            elif tag in numbers:
                number = _number(value)
                line.append(value if number is None else number)
            else:
                line.append(value)
        sheet.append(line)
    sheet.save(wb, out)


# --- The uploaded file, marked --------------------------------------------------------


def _column_index(letter: str) -> int:
    """The 0-based index of a column letter ("A" is 0); -1 when there is none."""
    index = 0
    for char in letter.strip().upper():
        if not "A" <= char <= "Z":
            return -1
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def marked_workbook(out: Out, rows: Iterable[list[str]], problems: Iterable[SheetProblem]) -> None:
    """Write the uploaded sheet's rows (as text, row n of the file on row n) to `out` with
    every problem cell filled red and commented with its message; a problem of a whole row
    marks its column A. A second sheet, "Problems", lists every problem."""
    listed = list(problems)
    marks: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for problem in listed:
        if problem.row <= 0:
            continue
        index = _column_index(problem.column) if problem.column else 0
        marks[problem.row][max(index, 0)].append(problem.message)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET)
    sheet = _PlainRows(ws)
    for number, row in enumerate(rows, start=1):
        marked = marks.get(number)
        if not marked:
            sheet.append(row)
            continue
        width = max(len(row), max(marked) + 1)
        line: list[object] = []
        for index in range(width):
            text = row[index] if index < len(row) else ""
            messages = marked.get(index)
            if messages is None:
                line.append(_plain_text(ws, text) if text else None)
                continue
            cell = _text_cell(ws, text, fill=_PROBLEM_FILL, font=_PROBLEM_FONT)
            cell.comment = Comment(_safe_text("\n".join(messages)), _COMMENT_AUTHOR)
            line.append(cell)
        sheet.append_styled(line)

    problems_ws = wb.create_sheet(PROBLEMS_SHEET)
    for letter, width in zip("ABCDE", (8, 8, 30, 18, 100), strict=True):
        problems_ws.column_dimensions[letter].width = width
    headings = ("Row", "Column", "Heading", "Problem", "Message")
    problems_ws.append(
        [_text_cell(problems_ws, text, font=_HEADING_FONT, fill=_HEADING_FILL) for text in headings]
    )
    for problem in listed:
        problems_ws.append(
            [
                problem.row or None,
                _text_cell(problems_ws, problem.column),
                _text_cell(problems_ws, problem.heading),
                _text_cell(problems_ws, problem.code),
                _text_cell(problems_ws, problem.message),
            ]
        )
    sheet.save(wb, out)
