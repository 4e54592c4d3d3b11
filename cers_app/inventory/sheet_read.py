"""Reading an uploaded inventory spreadsheet (xlsx, xls, ods or csv) into checked rows.

Nothing here touches the database: `read_inventory` turns a file into the rows it would add,
as stored values, and every problem found, each at the sheet's own row, column letter and
heading. File-level failures (not a spreadsheet, empty, password-protected, a decompression
bomb) raise `UnreadableFile` with a message for people.

Hostile files are refused before the spreadsheet library sees them: zip entries are judged
from the central directory, and worksheet XML is scanned for cells placed far away, which
would make the reader allocate every cell in between.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import io
import re
import zipfile
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from cers_app.inventory import values
from cers_app.inventory.fields import (
    CODE,
    DECIMAL,
    FIELD_BY_TAG,
    FLAG,
    INTEGER,
    TAGS,
    TEXT,
    YESNO,
    FieldDef,
)
from cers_app.inventory.sheet_columns import (
    CERSID,
    COLUMNS,
    REQUIRED_COLUMN_TAGS,
    column_for,
    column_letter,
    heading_key,
)
from cers_app.inventory.values import clean_value

HEAD_BYTES = 8192
# A 25 MB upload of a fully filled inventory inflates to about 0.6 GB of sheet XML; the
# ratio check below is what catches a bomb.
MAX_INFLATED_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR_BYTES = 10 * 1024 * 1024  # small entries may compress well; only big ones count
# The reader holds the sheet's whole rectangle, so a stray far cell must not make it huge;
# a 25 MB upload cannot hold more rows than this anyway.
MAX_ROW = 199_999
MAX_COLUMNS = 130  # column DZ: the template has 104 columns
PROGRESS_EVERY = 500

XLSX, XLS, ODS, CSV = "xlsx", "xls", "ods", "csv"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_NUMBER_KINDS = (DECIMAL, INTEGER)
# XML 1.0 forbids these; CERS refuses them too. Tab, newline and carriage return are fine.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell or row reference past row 199,999 or column DZ (EA..., or three letters), or an
# attribute spelled with spaces or quotes XML allows (then the slower full pattern decides).
_FAR_OR_ODD = re.compile(
    rb"""r(?:="(?:[E-Z][A-Z]\d|[A-Z]{3}|[A-Z]{0,2}+(?:[2-9]\d{5}|\d{7}))"""
    rb"""|[ \t\r\n]+=|=[ \t\r\n']+)"""
)
_FAR_CELL_ANY = re.compile(
    rb"""\br\s*=\s*["'](?:[A-Z]{0,3}(?:[2-9]\d{5}|\d{7})|[E-Z][A-Z]\d|[A-Z]{3})"""
)

_EMPTY = (
    "The file is empty. Choose the inventory spreadsheet (.xlsx, .xls, .ods or .csv) and "
    "upload it again."
)
_NOT_SHEET = (
    "This file is not a spreadsheet. Upload an Excel workbook (.xlsx or .xls), an "
    "OpenDocument spreadsheet (.ods) or a CSV file."
)
_ENCRYPTED = (
    "The workbook is protected with a password, so it cannot be read. Remove the password "
    "in Excel (File, Info, Protect Workbook), save, and upload it again."
)
_BOMB = (
    "The file would expand to far more data than an inventory holds (a decompression "
    "bomb), so it was not opened. Upload the inventory workbook as saved by your "
    "spreadsheet program."
)
_TOO_WIDE = (
    f"The sheet has cells beyond row {MAX_ROW:,} or column {column_letter(MAX_COLUMNS - 1)}, "
    "further than an inventory reaches. Delete the stray cells below or to the right of the "
    "table and upload it again."
)
_NO_SHEET = "The workbook has no worksheet. Put the inventory on the first worksheet."
_DAMAGED = (
    "The spreadsheet could not be read; it may be damaged. Open it in your spreadsheet "
    "program, save it again as .xlsx, and upload that."
)


class UnreadableFile(ValueError):
    """The file cannot be read as an inventory spreadsheet; str() says why and what to do."""


@dataclass(frozen=True)
class SheetProblem:
    """One problem: the sheet's 1-based `row` (0 for the whole file), the column `letter`
    ("" when none), the file's `heading` of it, a `code` and a message saying the fix."""

    row: int
    column: str
    heading: str
    code: str
    message: str


@dataclass(frozen=True)
class SheetRow:
    """A row without problems: its sheet `row` number, stored `values` of every field and
    the tags whose column the sheet has (`present`)."""

    row: int
    values: dict[str, str]
    present: frozenset[str]


@dataclass
class SheetReading:
    """What a sheet holds for one facility. `rows` are the rows without problems;
    `bad_rows` the sheet row numbers with one; `data_rows` counts the material rows read
    (rows with a CERSID or a common name); `headings` maps tags to the file's headings."""

    rows: list[SheetRow] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    bad_rows: frozenset[int] = frozenset()
    header_row: int = 0
    data_rows: int = 0
    headings: dict[str, str] = field(default_factory=dict)


# --- finding out what the file is -------------------------------------------------------


def sniff_kind(head: bytes) -> str | None:
    """The kind of file that starts with `head`: "xlsx", "ods", "xls", "csv" or None.

    Any zip that is not an OpenDocument file counts as "xlsx" here; its entries are
    checked when it is read. An OLE file counts as "xls" (password-protected xlsx files
    are OLE files too, and are refused when read).
    """
    if not head:
        return None
    if head.startswith(_ZIP):
        if head[30:38] == b"mimetype":
            return ODS if head[38:].startswith(_ODS_MIME) else None
        return XLSX
    if head.startswith(_OLE):
        return XLS
    return CSV if _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    wide = _utf16(head)
    if wide:
        text = head.decode(wide, errors="replace")
    elif b"\x00" in head or head.startswith(b"%PDF"):
        return False
    else:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 3:  # not just a character cut at the end of the head
                text = head.decode("cp1252", errors="replace")
            else:
                text = head[: exc.start].decode("utf-8")
    # A stray control character is reported at its cell; many mean a binary file.
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n\f")
    return controls * 100 <= len(text)


_UTF16_BOMS = ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _utf16(head: bytes) -> str:
    """The codec of text in UTF-16 (Excel's "Unicode Text" and some CSV exports), else "".
    With a byte order mark; without one, only little-endian text whose every other byte is
    zero (Latin letters, digits and punctuation), as such a file starts."""
    for mark, codec in _UTF16_BOMS:
        if head.startswith(mark):
            return codec
    even = head[: len(head) // 2 * 2]
    if len(even) >= 8 and not even[1::2].strip(b"\x00") and b"\x00" not in even[0::2]:
        return "utf-16-le"
    return ""


def check_file(path: Path) -> str:
    """The file's kind after every check made before opening it; raises UnreadableFile."""
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        raise UnreadableFile(_EMPTY)
    kind = sniff_kind(head)
    if kind is None:
        raise UnreadableFile(_NOT_SHEET)
    if kind in (XLSX, ODS):
        _check_zip(path, kind)
    elif kind == XLS and _is_encrypted_ole(path):
        raise UnreadableFile(_ENCRYPTED)
    return kind


def _is_encrypted_ole(path: Path) -> bool:
    # An encrypted xlsx is an OLE file holding an "EncryptedPackage" stream.
    return "EncryptedPackage".encode("utf-16-le") in path.read_bytes()


def _check_zip(path: Path, kind: str) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if kind == XLSX and "xl/workbook.xml" not in names:
                raise UnreadableFile(_NOT_SHEET)
            if kind == ODS and "content.xml" not in names:
                raise UnreadableFile(_NOT_SHEET)
            if any(entry.flag_bits & 0x1 for entry in entries):  # zip-encrypted: unreadable
                raise UnreadableFile(_DAMAGED)
            if sum(entry.file_size for entry in entries) > MAX_INFLATED_BYTES:
                raise UnreadableFile(_BOMB)
            for entry in entries:
                if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > MAX_RATIO * max(
                    entry.compress_size, 1
                ):
                    raise UnreadableFile(_BOMB)
            if kind == XLSX:
                sheets = [e for e in entries if e.filename.startswith("xl/worksheets/")]
                strings = _SharedStrings(archive, entries, sheets)
                for entry in sheets:
                    _scan_far_cells(archive, entry, strings)
                strings.check()
            else:
                _scan_ods(archive)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        EOFError,
        zlib.error,
    ) as exc:
        raise UnreadableFile(_DAMAGED) from exc


_SCAN_CHUNK = 4 * 1024 * 1024


def _scan_far_cells(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, strings: _SharedStrings | None = None
) -> None:
    with archive.open(entry) as stream:
        if entry.file_size <= _SCAN_CHUNK:
            _scan_chunks(iter(lambda: stream.read(_SCAN_CHUNK), b""), strings)
            return
        # A big sheet: the next chunk is inflated by a thread of its own while this one
        # is scanned (zlib lets go of Python's lock meanwhile). Leaving the pool waits for
        # a read still running, before the stream is closed.
        with ThreadPoolExecutor(1, thread_name_prefix="sheet-scan") as pool:
            _scan_chunks(_read_ahead(stream, pool), strings)


def _read_ahead(stream: IO[bytes], pool: ThreadPoolExecutor) -> Iterator[bytes]:
    """The stream's chunks until it ends, each read while the one before is used; a
    failure reading a chunk is raised where that chunk is asked for."""
    ahead = pool.submit(stream.read, _SCAN_CHUNK)
    while chunk := ahead.result():
        ahead = pool.submit(stream.read, _SCAN_CHUNK)
        yield chunk


def _scan_chunks(chunks: Iterator[bytes], strings: _SharedStrings | None = None) -> None:
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        found = _FAR_OR_ODD.search(data)
        if found and (found.group().startswith(b'r="') or _FAR_CELL_ANY.search(data)):
            raise UnreadableFile(_TOO_WIDE)
        tail = data[-24:]
        if strings is not None and strings.counting:
            strings.count(chunk)
    if strings is not None and strings.counting:
        strings.count(b"", last=True)


# The text the reader makes of shared strings: it copies a shared string for every cell
# that refers to it, so a few long strings referred to by many cells would take gigabytes
# from a small file. A full inventory's cells hold about 0.15 GB of text.
MAX_CELL_TEXT_BYTES = 256 * 1024 * 1024
# The reader keeps every shared string; 199,999 rows of 20 text fields each are 4 million.
MAX_SHARED_STRINGS = 5_000_000
_PREFIX = rb"(?:[^\s<>/:]{1,64}:)?"
_SI_TAG = re.compile(rb"<" + _PREFIX + rb"si[\s/>]")
# Every value tag of a cell: its content an index the reader parses ("007", "+7"), other
# text (which the reader takes as string 0), or anything else (counted as the longest).
_V_TAG = re.compile(rb"<" + _PREFIX + rb"v(?:>\+?0*(\d{1,18})<|(>[+\d]*[^<+\d])|[\s>/])")
_PLAIN_V = re.compile(rb"<v>\+?0*(\d{1,18})<")
_TAG_ROOM = 256  # bytes after a tag's "<" that always hold the parts matched above


class _SharedStrings:
    """The byte size of every shared string of a workbook, and the text the reader would
    make of them for the cells of its worksheets: refused past MAX_CELL_TEXT_BYTES.

    Cells are only counted when the sheets are big enough to matter (their size over the
    smallest value tag, <v/>, times the longest string, above the limit)."""

    def __init__(
        self,
        archive: zipfile.ZipFile,
        entries: list[zipfile.ZipInfo],
        sheets: list[zipfile.ZipInfo],
    ) -> None:
        self.sizes = array("q")
        for entry in entries:
            if entry.filename.lower().endswith("sharedstrings.xml"):
                found = _string_sizes(archive, entry)
                if self.sizes:  # several candidates: each index as long as its longest
                    found.extend([0] * max(0, len(self.sizes) - len(found)))
                    for at, size in enumerate(self.sizes):
                        found[at] = max(found[at], size)
                self.sizes = found
        self.longest = max(self.sizes, default=0)
        sheet_bytes = sum(entry.file_size for entry in sheets)
        self.counting = self.longest * (sheet_bytes // 4 + 1) > MAX_CELL_TEXT_BYTES
        self.total = 0
        self.carry = b""

    def count(self, chunk: bytes, last: bool = False) -> None:
        """Add the text of the cells whose value tags are in `chunk` (the sheet read on
        from the chunk before); `last` at the sheet's end."""
        data = self.carry + chunk
        cut = len(data) if last else data.rfind(b"<")
        if cut < 0:
            cut = len(data)
        elif not last and len(data) - cut > _TAG_ROOM:
            # A long run without a tag: the tag before it is complete within the room.
            cut = len(data)
        end = min(len(data), cut + 1)
        sizes, first = self.sizes, self.sizes[0] if self.sizes else 0
        plain = data.count(b"<v>", 0, end)
        if data.count(b"<v", 0, end) != plain or data.find(b":v", 0, end) >= 0:
            total = 0
            for (index, other), times in Counter(_V_TAG.findall(data, 0, end)).items():
                if index:
                    at = int(index)
                    total += times * (sizes[at] if at < len(sizes) else 0)
                else:
                    total += times * (first if other else self.longest)
        else:
            # Only plain <v> tags (what spreadsheet programs write; else a prefix, spaces or
            # attributes): any value but an index is text the reader takes as string 0.
            indexes = list(map(int, _PLAIN_V.findall(data, 0, end)))
            try:
                total = sum(map(sizes.__getitem__, indexes))
            except IndexError:  # an index past the strings: the reader refuses the file
                total = sum(sizes[at] for at in indexes if at < len(sizes))
            total += (plain - len(indexes)) * first
        self.total += total
        self.carry = b"" if last else data[cut:]
        if self.total > MAX_CELL_TEXT_BYTES:
            raise UnreadableFile(_BOMB)

    def check(self) -> None:
        """Raise when the cells' text would pass the limit."""
        if self.total > MAX_CELL_TEXT_BYTES:
            raise UnreadableFile(_BOMB)


def _string_sizes(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> array[int]:
    """The size in bytes of the XML of each shared string of `entry`, in order (at least
    the size of its text); refuses more strings than an inventory can hold."""
    starts = array("q")
    offset = 0  # where `data` starts in the part
    carry = b""
    with archive.open(entry) as stream:
        while True:
            chunk = stream.read(_SCAN_CHUNK)
            data = carry + chunk
            cut = len(data) if not chunk else data.rfind(b"<")
            if cut < 0 or len(data) - cut > _TAG_ROOM:
                cut = len(data)
            starts.extend(offset + m.start() for m in _SI_TAG.finditer(data, 0, cut))
            if len(starts) > MAX_SHARED_STRINGS:
                raise UnreadableFile(_BOMB)
            if not chunk:
                break
            offset += cut
            carry = data[cut:]
    starts.append(offset + len(data))
    return array("q", (starts[at + 1] - starts[at] for at in range(len(starts) - 1)))


_ODS_TAG = re.compile(
    rb"<table:(table-row|table-cell|covered-table-cell)\b([^>]*)>|</table:table-row>"
)
_REPEAT = re.compile(rb'number-(?:rows|columns)-repeated\s*=\s*["\'](\d+)')


def _scan_ods(archive: zipfile.ZipFile) -> None:
    """Refuse an OpenDocument sheet whose repeated rows or cells holding values reach past
    MAX_ROW or MAX_COLUMNS; repeated empty rows and cells (which LibreOffice writes to
    the sheet's end) cost nothing."""
    data = archive.read("content.xml")
    rows = 0
    row_repeat = 1
    column = 0
    # The reader copies a repeated value cell's text into every cell it covers: what lies
    # between the cell's tag and the next tag, times its repeats, is counted.
    copies, text_end, text = 0, 0, 0
    for match in _ODS_TAG.finditer(data):
        text += copies * (match.start() - text_end)
        copies, text_end = 0, match.end()
        name, attributes = match.group(1), match.group(2) or b""
        if name is None:  # </table:table-row>
            rows += row_repeat
            continue
        repeat = _REPEAT.search(attributes)
        count = int(repeat.group(1)) if repeat else 1
        if name == b"table-row":
            row_repeat, column = count, 0
            continue
        column += count
        if b"value-type" not in attributes:
            continue  # read as empty, whatever it holds
        if column > MAX_COLUMNS or rows + row_repeat > MAX_ROW:
            raise UnreadableFile(_TOO_WIDE)
        copies = count * row_repeat
    if text + copies * (len(data) - text_end) > MAX_CELL_TEXT_BYTES:
        raise UnreadableFile(_BOMB)


# --- cells as text ----------------------------------------------------------------------


def _number_text(number: float) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    shortest = repr(number)  # plain already ("12.5") unless an exponent or nan/inf
    if "e" in shortest or "n" in shortest:
        return values.plain(Decimal(shortest))
    return shortest


def cell_text(cell: object) -> str:
    """A cell's value as text: numbers plainly ("12", not "12.0"), True as "Y", dates as
    ISO text, text trimmed."""
    if cell.__class__ is str:
        return cell.strip()  # type: ignore[union-attr]
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "Y" if cell else "N"
    if isinstance(cell, float):
        return _number_text(cell)
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        return cell.date().isoformat()
    if isinstance(cell, (datetime.date, datetime.time)):
        return cell.isoformat()
    return values.text_of(cell)


def _is_date(cell: object) -> bool:
    return isinstance(cell, (datetime.date, datetime.time, datetime.timedelta))


# --- opening ----------------------------------------------------------------------------


def _sheet_rows(path: Path) -> tuple[int, Iterator[list[object]]]:
    """(row count, every row of the first worksheet from row 1 and column A, as cell
    values), read one row at a time."""
    kind = check_file(path)
    if kind == CSV:
        rows = _csv_rows(path)
        return len(rows), iter(rows)
    return _calamine_rows(path)


def _csv_rows(path: Path) -> list[list[object]]:
    raw = path.read_bytes()
    wide = _utf16(raw[:HEAD_BYTES])
    try:
        text = raw.decode(wide or "utf-8-sig")
    except UnicodeDecodeError:
        # An odd byte count or a lone surrogate in UTF-16; a byte no UTF-8 has otherwise.
        text = raw.decode(wide or "cp1252", errors="replace")
    delimiter = _csv_delimiter(text)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise UnreadableFile(
            f"The CSV file could not be read ({exc}). Save it again from your spreadsheet "
            "program as CSV and upload it again."
        ) from exc


_CSV_HEADER = re.compile(r'^"?CERSID"?\s*([,;\t])', re.IGNORECASE | re.MULTILINE)


def _csv_delimiter(text: str) -> str:
    """The delimiter after CERSID on the heading line; else the likeliest of , ; and tab."""
    found = _CSV_HEADER.search(text, 0, 1024 * 1024)
    if found:
        return found.group(1)
    try:
        return csv.Sniffer().sniff(text[:HEAD_BYTES], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _calamine_rows(path: Path) -> tuple[int, Iterator[list[object]]]:
    from python_calamine import CalamineWorkbook, PasswordError, SheetTypeEnum, SheetVisibleEnum

    with _reader_failures(PasswordError):
        workbook = CalamineWorkbook.from_path(str(path))
        try:
            sheets = [
                (index, meta)
                for index, meta in enumerate(workbook.sheets_metadata)
                if meta.typ == SheetTypeEnum.WorkSheet
            ]
            if not sheets:
                raise UnreadableFile(_NO_SHEET)
            visible = [index for index, meta in sheets if meta.visible == SheetVisibleEnum.Visible]
            sheet = workbook.get_sheet_by_index(visible[0] if visible else sheets[0][0])
            end = sheet.end
            if end is not None and (end[0] >= MAX_ROW or end[1] >= MAX_COLUMNS):
                raise UnreadableFile(_TOO_WIDE)
        except BaseException:
            workbook.close()
            raise
    if end is None:
        workbook.close()
        return 0, iter(())
    return end[0] + 1, _calamine_iter(workbook, sheet, PasswordError)


def _calamine_iter(workbook: Any, sheet: Any, password_error: type) -> Iterator[list[object]]:
    # iter_rows starts at row 1 but at the sheet's first used column: pad to column A.
    pad: list[object] = [""] * sheet.start[1] if sheet.start else []
    with workbook, _reader_failures(password_error):
        for cells in sheet.iter_rows():
            yield [*pad, *cells] if pad else cells


@contextlib.contextmanager
def _reader_failures(password_error: type) -> Iterator[None]:
    """Turn the spreadsheet reader's failures into UnreadableFile."""
    try:
        yield
    except UnreadableFile:
        raise
    except password_error as exc:
        raise UnreadableFile(_ENCRYPTED) from exc
    except Exception as exc:  # any reader failure means a damaged file
        raise UnreadableFile(_DAMAGED) from exc
    except GeneratorExit:
        raise
    except BaseException as exc:
        if type(exc).__name__ == "PanicException":  # the Rust reader gave up on the file
            raise UnreadableFile(_DAMAGED) from exc
        raise


def raw_rows(path: Path) -> Iterator[list[str]]:
    """Every row of the first worksheet as text (for the marked workbook); raises
    UnreadableFile as `read_inventory` does."""
    for cells in _sheet_rows(path)[1]:
        yield [cell_text(cell) for cell in cells]


# --- checking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mapped:
    index: int
    tag: str
    letter: str
    heading: str
    field: FieldDef | None


def _find_header(sheet: Iterator[list[object]]) -> tuple[int, list[object]] | None:
    """(0-based index, cells) of the heading row, consuming the rows up to it."""
    for index, cells in enumerate(sheet):
        if cells and cell_text(cells[0]) and heading_key(cell_text(cells[0])) == "cersid":
            return index, cells
    return None


def _map_headings(cells: list[object], header_row: int) -> tuple[list[_Mapped], list[SheetProblem]]:
    mapped: dict[str, _Mapped] = {}
    problems: list[SheetProblem] = []
    for index, cell in enumerate(cells):
        text = cell_text(cell)
        column = column_for(text) if text else None
        if column is None:
            continue
        letter = column_letter(index)
        first = mapped.get(column.tag)
        if first is not None:
            problems.append(
                SheetProblem(
                    header_row,
                    letter,
                    text,
                    "duplicate_heading",
                    f"Row {header_row}, column {letter} ({text}): this column repeats column "
                    f"{first.letter} ({first.heading}). Delete one of the two columns.",
                )
            )
            continue
        mapped[column.tag] = _Mapped(index, column.tag, letter, text, FIELD_BY_TAG.get(column.tag))
    missing = [
        column.heading
        for column in COLUMNS
        if column.tag in REQUIRED_COLUMN_TAGS and column.tag not in mapped
    ]
    if missing:
        problems.append(
            SheetProblem(
                header_row,
                "",
                "",
                "missing_headings",
                f"Row {header_row}: the sheet has no column headed {_and_list(missing)}. "
                f"Add {'these headings' if len(missing) > 1 else 'this heading'} to the "
                "heading row (the row that starts with CERSID), or copy your rows into the "
                "template.",
            )
        )
    return list(mapped.values()), problems


def _and_list(words: list[str], last: str = "and") -> str:
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def _choices(definition: FieldDef) -> str:
    if len(definition.codes) > 10:
        return "see the Instructions sheet of the template for the choices"
    named = [f"{label} ({code})" for code, label in definition.codes]
    return "use " + _and_list(named, "or")


def _value_problem(mapped: _Mapped, text: str, why: str) -> tuple[str, str]:
    """(code, message without the row/column prefix) for a value `values.clean` refused."""
    definition = mapped.field
    assert definition is not None
    shown = text if len(text) <= 40 else text[:40] + "..."
    if definition.kind == TEXT:
        return "too_long", why
    if definition.kind in (YESNO, FLAG):
        return "bad_yes_no", f'"{shown}" is not Yes or No; write Y or N (or leave it empty).'
    if definition.kind == CODE:
        return "unknown_code", f'"{shown}" is not one of the choices; {_choices(definition)}.'
    return "bad_number", f'"{shown}" is not allowed here. {why}'


def _problem(row: int, mapped: _Mapped, code: str, message: str) -> SheetProblem:
    return SheetProblem(
        row,
        mapped.letter,
        mapped.heading,
        code,
        f"Row {row}, column {mapped.letter} ({mapped.heading}): {message}",
    )


BATCH_ROWS = 1000


def read_inventory(
    path: Path,
    cers_id: str,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    on_batch: Callable[[list[SheetRow], SheetReading], None] | None = None,
    batch_rows: int = BATCH_ROWS,
) -> SheetReading:
    """The rows of the first worksheet of `path` for facility `cers_id`, checked.

    The heading row is the first whose column A says CERSID; rows above it are ignored,
    as are blank rows and rows with neither a CERSID nor a common name. Headings are
    matched in any case, with or without spaces and underscores, in the template's or the
    CERS XML spelling. Codes may be given as codes or labels. Raises UnreadableFile when
    the file is not a readable spreadsheet.

    The sheet is read one row at a time. With `on_batch`, the rows without problems are
    handed to it in lists of up to `batch_rows` (with the reading so far: its problems
    up to there) instead of being kept in `rows`, so a big file never has all its rows
    in memory at once.
    """
    total, sheet = _sheet_rows(path)
    reading = SheetReading()
    found = _find_header(sheet)
    if found is None:
        reading.problems.append(
            SheetProblem(
                0,
                "",
                "",
                "no_header_row",
                "No heading row was found: the heading row must have CERSID in column A, "
                "followed by the other column headings. Download the template and copy your "
                "rows into it.",
            )
        )
        return reading
    header, cells = found
    reading.header_row = header + 1
    mapped, problems = _map_headings(cells, reading.header_row)
    reading.headings = {item.tag: item.heading for item in mapped}
    reading.problems.extend(problems)
    if problems:
        return reading
    if on_batch is None:
        on_batch = _keep_rows
    sheet_rows = _RowReader(mapped, cers_id.strip(), header, reading)
    sheet_rows.read(sheet, total - header - 1, on_progress, on_batch, batch_rows)
    return reading


def _keep_rows(batch: list[SheetRow], reading: SheetReading) -> None:
    reading.rows.extend(batch)


_CHUNK_ROWS = 500  # rows checked together, a column at a time


class _RowReader:
    """Checks the rows below the heading row into `reading`, a chunk of rows at a time:
    their cells are cleaned column by column, and only a row with a problem is looked at
    again cell by cell, which says what is wrong."""

    def __init__(
        self, mapped: list[_Mapped], cers_id: str, header: int, reading: SheetReading
    ) -> None:
        self.by_tag = {item.tag: item for item in mapped}
        self.need = max(item.index for item in mapped) + 1
        self.cleaner = _Cleaner(mapped)
        self.columns = _Columns(mapped)
        self.cers_id = cers_id
        self.header = header
        self.reading = reading
        self.bad: set[int] = set()
        self.matched = 0
        self.batch: list[SheetRow] = []

    def read(
        self,
        sheet: Iterator[list[object]],
        total: int,
        on_progress: Callable[[int, int], None] | None,
        on_batch: Callable[[list[SheetRow], SheetReading], None],
        batch_rows: int,
    ) -> None:
        """Read every remaining row of `sheet`, handing good rows to `on_batch`."""
        reading = self.reading
        chunk: list[list[object]] = []
        first = 1
        offset = 0
        for offset, cells in enumerate(sheet, start=1):
            if on_progress is not None and offset % PROGRESS_EVERY == 0:
                on_progress(offset, total)
            chunk.append(cells)
            if len(chunk) >= _CHUNK_ROWS:
                self.check(first, chunk, on_batch, batch_rows)
                first, chunk = offset + 1, []
        self.check(first, chunk, on_batch, batch_rows)
        if self.batch:
            on_batch(self.batch, reading)
            self.batch = []
        total = max(total, offset)
        if on_progress is not None:
            on_progress(total, total)
        if not self.matched:
            reading.problems.append(
                SheetProblem(
                    0,
                    "",
                    "",
                    "no_matching_rows",
                    f"No row of the sheet is for this facility (CERSID {self.cers_id}). Fill "
                    "the CERSID column with the facility's CERS ID on every material's row.",
                )
            )
        reading.bad_rows = frozenset(self.bad)

    def check(
        self,
        first: int,
        chunk: list[list[object]],
        on_batch: Callable[[list[SheetRow], SheetReading], None],
        batch_rows: int,
    ) -> None:
        """Check the rows `chunk` (from the `first`th row below the heading row on), in
        order: good rows go to `on_batch` in lists of `batch_rows`, problems to the
        reading."""
        need, cers_id = self.need, self.cers_id
        cersid_col, name_col = self.by_tag[CERSID], self.by_tag["CommonName"]
        cersid_at, name_at = cersid_col.index, name_col.index
        # (sheet row, cells, CERSID or common name, position among this facility's rows)
        seen: list[tuple[int, list[object], str, int]] = []
        mine: list[list[object]] = []
        for row, cells in enumerate(chunk, start=self.header + 1 + first):
            if len(cells) < need:
                cells = [*cells, *[""] * (need - len(cells))]
            cell, named = cells[cersid_at], cells[name_at]
            cersid = cell.strip() if cell.__class__ is str else cell_text(cell)  # type: ignore[union-attr]
            name = named.strip() if named.__class__ is str else cell_text(named)  # type: ignore[union-attr]
            if not cersid and not name:
                continue
            if cersid != cers_id:
                seen.append((row, cells, cersid, -1))
            else:
                seen.append((row, cells, name, len(mine)))
                mine.append(cells)
        cleaned, doubtful = self.columns.clean(mine)
        reading, batch, present = self.reading, self.batch, self.columns.present
        for row, cells, text, position in seen:
            reading.data_rows += 1
            if position < 0:
                self.bad.add(row)
                reading.problems.append(_cersid_problem(row, cersid_col, text, cers_id))
                continue
            self.matched += 1
            values = cleaned[position]
            if not text or position in doubtful:
                values = self.checked(row, cells)
                if values is None:
                    continue
            batch.append(SheetRow(row, values, present))
            if len(batch) >= batch_rows:
                on_batch(batch, reading)
                self.batch = batch = []

    def checked(self, row: int, cells: list[object]) -> dict[str, str] | None:
        """A row's stored values checked cell by cell; None when it has problems (recorded
        in the reading)."""
        texts, cleaned, errors = self.cleaner.clean(cells)
        if errors or not texts.get("CommonName") or _ILLEGAL.search("".join(texts.values())):
            self.bad.add(row)
            self.reading.problems.extend(_row_problems(row, cells, texts, errors, self.by_tag))
            return None
        return cleaned


def _cersid_problem(row: int, column: _Mapped, cersid: str, cers_id: str) -> SheetProblem:
    if not cersid:
        return _problem(
            row,
            column,
            "cersid_missing",
            f"the row has no CERSID. Write the facility's CERS ID ({cers_id}) here.",
        )
    return _problem(
        row,
        column,
        "cersid_mismatch",
        f'CERSID "{cersid[:40]}" is not this facility\'s CERS ID ({cers_id}). Correct it, '
        "or upload that facility's rows on its own inventory.",
    )


_CACHE_LIMIT = 4096


def _is_plain_text(item: _Mapped) -> bool:
    """Whether the column holds text that is stored as typed (only its length is checked)."""
    assert item.field is not None
    return item.field.kind == TEXT and not (item.tag == "CASNumber" or item.tag.endswith("CAS"))


class _Cleaner:
    """`values.clean` for the columns a sheet has, cell by cell. Coded, Yes/No, numeric
    and CAS values repeat down a sheet, so their cleaned form is remembered (up to a
    limit per column); other text only has its length checked, as `clean` does."""

    def __init__(self, mapped: list[_Mapped]) -> None:
        present = [item for item in mapped if item.field is not None]
        self.present = frozenset(item.tag for item in present)
        self.base = values.clean({})[0]  # absent columns: empty on every row
        self.specs: list[tuple[int, str, FieldDef, int, dict[str, tuple[str, str]] | None]] = []
        for item in present:
            definition = item.field
            assert definition is not None
            limit = definition.max_length or 1 << 30
            cache = None if _is_plain_text(item) else {}
            self.specs.append((item.index, item.tag, definition, limit, cache))

    def clean(
        self, cells: list[object]
    ) -> tuple[dict[str, str], dict[str, str], list[tuple[str, str]]]:
        """(texts by tag, stored values of every field, [(tag, why)] for values that
        cannot be stored)."""
        texts: dict[str, str] = {}
        cleaned = dict(self.base)
        errors: list[tuple[str, str]] = []
        for index, tag, definition, limit, cache in self.specs:
            cell = cells[index]
            text = cell.strip() if cell.__class__ is str else cell_text(cell)  # type: ignore[union-attr]
            texts[tag] = text
            if cache is None:
                if len(text) <= limit:
                    cleaned[tag] = text
                    continue
                value, why = clean_value(definition, text)
            else:
                hit = cache.get(text)
                if hit is None:
                    hit = clean_value(definition, text)
                    if len(cache) < _CACHE_LIMIT:
                        cache[text] = hit
                value, why = hit
            cleaned[tag] = value
            if why:
                errors.append((tag, why))
        return texts, cleaned, errors


class _Columns:
    """`values.clean` of the columns a sheet has, for a chunk of rows a column at a time.
    `clean` gives every row's stored values and the rows it cannot vouch for: those with
    a value that cannot be stored, a forbidden character, or a text too long. Those rows
    are checked again cell by cell (`_Cleaner`), which says what is wrong."""

    def __init__(self, mapped: list[_Mapped]) -> None:
        order = {tag: position for position, tag in enumerate(TAGS)}
        present = sorted(
            (item for item in mapped if item.field is not None), key=lambda item: order[item.tag]
        )
        self.present = frozenset(item.tag for item in present)
        self.tags = tuple(item.tag for item in present)
        # Absent columns are empty on every row; with every column there is nothing to add.
        self.base = values.clean({})[0] if len(present) < len(TAGS) else None
        self.cleaners = [(item.index, _column_cleaner(item)) for item in present]

    def clean(self, rows: list[list[object]]) -> tuple[list[dict[str, str]], set[int]]:
        """(the stored values of every field, by row; the positions of the rows to check
        cell by cell). Every row has a cell in every column the sheet maps."""
        if not rows:
            return [], set()
        doubtful: set[int] = set()
        columns = list(zip(*rows, strict=False))
        stored = [clean(columns[index], doubtful) for index, clean in self.cleaners]
        tags, base = self.tags, self.base
        if base is None:
            made = [dict(zip(tags, row, strict=True)) for row in zip(*stored, strict=True)]
            return made, doubtful
        made = []
        for row in zip(*stored, strict=True):
            row_values = base.copy()
            row_values.update(zip(tags, row, strict=True))
            made.append(row_values)
        return made, doubtful


_ColumnClean = Callable[[Sequence[object], set[int]], list[str]]


def _float_number(definition: FieldDef) -> Callable[[float], str | None]:
    """`clean_value` of a number cell for a number field, straight from the float: its
    stored value when it fits the field, else None (then `clean_value` says why).

    A float's text (`cell_text`) is already as stored: no sign, no zeros leading (but
    "0.") or trailing, the shortest digits that give the float back. Only floats below
    1e15 are taken: their text has no exponent.
    """
    integer = definition.kind == INTEGER
    decimals, digits = definition.decimals, definition.digits

    def number(cell: float) -> str | None:
        if not 0 <= cell < 1e15:  # negative, big, or not a number at all
            return None
        if cell.is_integer():
            text = str(int(cell))
            total, after = len(text), 0
        else:
            text = repr(cell)
            if "e" in text:  # below 1e-4
                return None
            whole, _, fraction = text.partition(".")
            after = len(fraction)
            total = len(whole) + after if whole != "0" else after
        if (
            (integer and after)
            or (decimals is not None and after > decimals)
            or (digits is not None and total > digits)
        ):
            return None
        return text

    return number


def _float_column(definition: FieldDef) -> Callable[[Sequence[object]], list[str] | None]:
    """`_float_number` of a whole column of float cells at once: their stored values, or
    None when it cannot vouch for every cell that way (then each is cleaned on its own).

    Every cell's shortest text (`repr`) is matched at once, joined by newlines: digits, a
    point and digits after it within the field's decimals (".0" for a whole number, whose
    stored text drops it). Negative numbers, exponents, nan and inf do not match. A stored
    text may be no longer than the field's digits (counting a point as one: never fewer
    than `_float_number` counts)."""
    if definition.kind == INTEGER:
        line = r"\d+\.0"
    elif definition.decimals is None:
        line = r"\d+\.\d+"
    elif definition.decimals:
        line = rf"\d+\.\d{{1,{definition.decimals}}}"
    else:
        line = r"\d+\.0"
    match = re.compile(rf"{line}(?:\n{line})*", re.ASCII).fullmatch
    # A stored text is never shorter than its digits; 15 digits keep a number below 1e15.
    limit = min(definition.digits or 15, 15)

    def numbers(cells: Sequence[object]) -> list[str] | None:
        joined = "\n".join(map(repr, cells))
        if match(joined) is None:
            return None
        stored = (joined + "\n").replace(".0\n", "\n")[:-1].split("\n")
        return None if max(map(len, stored)) > limit else stored

    return numbers


def _column_cleaner(item: _Mapped) -> _ColumnClean:
    """The function cleaning one column's cells (a chunk of rows), adding the positions of
    the cells it cannot vouch for to the set it is given."""
    definition = item.field
    assert definition is not None
    if _is_plain_text(item):
        return _text_cleaner(definition.max_length or 1 << 30)
    return _coded_cleaner(definition)


def _text_cleaner(limit: int) -> _ColumnClean:
    def clean(cells: Sequence[object], doubtful: set[int]) -> list[str]:
        texts = [c.strip() if c.__class__ is str else cell_text(c) for c in cells]  # type: ignore[union-attr]
        if max(map(len, texts)) > limit:
            doubtful.update(at for at, text in enumerate(texts) if len(text) > limit)
        if _ILLEGAL.search("".join(texts)):
            doubtful.update(at for at, text in enumerate(texts) if _ILLEGAL.search(text))
        return texts

    return clean


def _coded_cleaner(definition: FieldDef) -> _ColumnClean:
    # Cells (as given) that were cleaned without a problem, and every text cleaned so far.
    # Only text cells are remembered as given: True, 1 and 1.0 are equal as dict keys.
    good: dict[str, str] = {}
    seen: dict[str, tuple[str, str]] = {}
    number = _float_number(definition) if definition.kind in _NUMBER_KINDS else None
    numbers = _float_column(definition) if number is not None else None

    def clean(cells: Sequence[object], doubtful: set[int]) -> list[str]:
        if numbers is not None and cells and set(map(type, cells)) == {float}:
            quick = numbers(cells)
            if quick is not None:
                return quick
        stored = list(map(good.get, cells))
        if None not in stored:
            return stored  # type: ignore[return-value]
        for at, value in enumerate(stored):
            if value is not None:
                continue
            cell = cells[at]
            if number is not None and cell.__class__ is float:
                value = number(cell)  # type: ignore[arg-type]
                if value is not None:
                    stored[at] = value
                    continue
            text = cell.strip() if cell.__class__ is str else cell_text(cell)  # type: ignore[union-attr]
            hit = seen.get(text)
            if hit is None:
                hit = clean_value(definition, text)
                if len(seen) < _CACHE_LIMIT:
                    seen[text] = hit
            stored[at], why = hit
            # A number's text has no control characters; other cells' text may.
            if why or (cell.__class__ is not float and _ILLEGAL.search(text)):
                doubtful.add(at)
            elif cell.__class__ is str and len(good) < _CACHE_LIMIT:
                good[cell] = hit[0]  # type: ignore[index]
        return stored  # type: ignore[return-value]

    return clean


def _column_order(letter: str) -> tuple[int, str]:
    return len(letter), letter


def _row_problems(
    row: int,
    cells: list[object],
    texts: dict[str, str],
    errors: list[tuple[str, str]],
    by_tag: dict[str, _Mapped],
) -> list[SheetProblem]:
    """The problems of a row for this facility, in column order: no common name,
    forbidden characters, dates in number columns and values that cannot be stored."""
    found: list[SheetProblem] = []
    if not texts.get("CommonName"):
        found.append(
            _problem(
                row,
                by_tag["CommonName"],
                "no_common_name",
                "the material has no common name. Write the name it is known by on site.",
            )
        )
    reported: set[str] = set()
    for tag, text in texts.items():
        if _ILLEGAL.search(text):
            reported.add(tag)
            found.append(
                _problem(
                    row,
                    by_tag[tag],
                    "illegal_characters",
                    "the cell holds control characters that CERS cannot store. Retype its text.",
                )
            )
    for tag, why in errors:
        if tag in reported:
            continue
        item = by_tag[tag]
        if _is_date(cells[item.index]) and item.field and item.field.kind in _NUMBER_KINDS:
            found.append(
                _problem(
                    row,
                    item,
                    "bad_number",
                    f"the cell holds a date ({texts[tag]}), not a number. Format the cell "
                    "as a number and enter the amount.",
                )
            )
            continue
        code, message = _value_problem(item, texts[tag], why)
        found.append(_problem(row, item, code, message))
    return sorted(found, key=lambda problem: _column_order(problem.column))
