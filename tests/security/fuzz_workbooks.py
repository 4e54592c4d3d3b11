"""Spreadsheets and documents for the upload fuzzing, written here byte by byte, and the ways
`test_upload_fuzz.py` damages them.

`xlsx_parts` writes the parts of an Excel workbook straight from rows of Python values (text
as shared or inline strings, numbers, dates, booleans, error values, formulas with their
cached values), so a test controls every byte a spreadsheet program would write. `ods` and
`csv_bytes` do the same for OpenDocument and CSV. The big files (a million rows, a sheet
claiming a million rows, strings copied into many cells) are streamed to disk.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from cers_app.inventory.sheet_columns import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
REQUIRED = ["CERSID", "CommonName", "EHS", "PhysicalState", "MaximumDailyAmount", "Units"]
OPTIONAL = ["ChemicalLocation", "CASNumber", "AverageDailyAmount", "DaysOnSite", "SCSteelDrum"]


@dataclass(frozen=True)
class Error:
    """An Excel error value in a cell (#DIV/0!, #N/A...)."""

    code: str


@dataclass(frozen=True)
class Formula:
    """A formula with the value a spreadsheet program cached for it."""

    text: str
    cached: object


# ------------------------------------------------------------------ xlsx


def _content_types(shared: bool, styles: bool) -> bytes:
    overrides = [
        ("/xl/workbook.xml", f"{_OFFICE}.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", f"{_OFFICE}.worksheet+xml"),
    ]
    if shared:
        overrides.append(("/xl/sharedStrings.xml", f"{_OFFICE}.sharedStrings+xml"))
    if styles:
        overrides.append(("/xl/styles.xml", f"{_OFFICE}.styles+xml"))
    body = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{body}</Types>"
    ).encode()


def _relationships(targets: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f'<Relationship Id="rId{n}" Type="{_REL}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
        f"{body}</Relationships>"
    ).encode()


_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_REL}">'
    '<sheets><sheet name="Inventory" sheetId="1" r:id="rId1"/></sheets></workbook>'
).encode()
# Style 1 is a date (number format 14), as a spreadsheet program marks a date cell.
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
    "</styleSheet>"
).encode()
_EPOCH = dt.datetime(1899, 12, 30)


def _serial(value: dt.date) -> float:
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return (value - _EPOCH).total_seconds() / 86400


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


class _Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def add(self, text: str) -> int:
        return self.index.setdefault(text, len(self.index))

    def xml(self) -> bytes:
        items = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in self.index)
        count = len(self.index)
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" '
            f'uniqueCount="{count}">{items}</sst>'
        ).encode()


def _cell(ref: str, value: object, strings: _Strings | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Formula):
        cached = value.cached
        formula = f"<f>{escape(value.text.lstrip('='))}</f>"
        if isinstance(cached, str):
            return f'<c r="{ref}" t="str">{formula}<v>{escape(cached)}</v></c>'
        if isinstance(cached, Error):
            return f'<c r="{ref}" t="e">{formula}<v>{escape(cached.code)}</v></c>'
        return f'<c r="{ref}">{formula}<v>{_number(cached or 0)}</v></c>'  # type: ignore[arg-type]
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{_number(value)}</v></c>'
    if isinstance(value, (dt.date, dt.datetime)):
        return f'<c r="{ref}" s="1"><v>{_serial(value)!r}</v></c>'
    if isinstance(value, Error):
        return f'<c r="{ref}" t="e"><v>{escape(value.code)}</v></c>'
    text = str(value)
    if strings is not None:
        return f'<c r="{ref}" t="s"><v>{strings.add(text)}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def sheet_xml(rows: Sequence[Sequence[object]], strings: _Strings | None, dimension: str) -> bytes:
    """The XML of a worksheet holding `rows` from A1 (None leaves a cell out)."""
    out = [f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">']
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            _cell(f"{column_letter(at)}{number}", value, strings) for at, value in enumerate(row)
        )
        out.append(f'<row r="{number}">{cells}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8", "surrogatepass")


def xlsx_parts(
    rows: Sequence[Sequence[object]],
    *,
    shared: bool = True,
    styles: bool = True,
    dimension: str = "",
) -> dict[str, bytes]:
    """The parts of a workbook whose one worksheet holds `rows`, by part name."""
    strings = _Strings() if shared else None
    sheet = sheet_xml(rows, strings, dimension)
    targets = [("worksheet", "worksheets/sheet1.xml")]
    if shared:
        targets.append(("sharedStrings", "sharedStrings.xml"))
    if styles:
        targets.append(("styles", "styles.xml"))
    parts = {
        "[Content_Types].xml": _content_types(shared, styles),
        "_rels/.rels": _relationships([("officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _relationships(targets),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings.xml()
    if styles:
        parts["xl/styles.xml"] = _STYLES
    return parts


def zip_bytes(parts: Iterable[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding `parts` in order (a name given twice is written twice)."""
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", compression) as archive:
        warnings.filterwarnings("ignore", "Duplicate name", UserWarning)  # wanted here
        for name, content in parts:
            info = zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0))
            info.compress_type = compression
            archive.writestr(info, content)
    return out.getvalue()


def xlsx(rows: Sequence[Sequence[object]], **options) -> bytes:
    """A whole workbook as bytes (see `xlsx_parts`)."""
    return zip_bytes(xlsx_parts(rows, **options).items())


def parts_of(content: bytes) -> list[tuple[str, bytes]]:
    """The (name, content) of every entry of a zip, in order."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


# ------------------------------------------------------------------ ods and csv

_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
    'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
    f'manifest:media-type="{_ODS_MIME}"/><manifest:file-entry manifest:full-path='
    '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
).encode()


def _ods_cell(value: object, repeat: int = 1) -> str:
    repeated = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
    if value is None or value == "":
        return f"<table:table-cell{repeated}/>"
    if isinstance(value, bool):
        flag = "true" if value else "false"
        return (
            f'<table:table-cell{repeated} office:value-type="boolean" '
            f'office:boolean-value="{flag}"><text:p>{flag.upper()}</text:p></table:table-cell>'
        )
    if isinstance(value, (int, float)):
        return (
            f'<table:table-cell{repeated} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, (dt.date, dt.datetime)):
        return (
            f'<table:table-cell{repeated} office:value-type="date" '
            f'office:date-value="{value.isoformat()}"><text:p>{value}</text:p>'
            "</table:table-cell>"
        )
    text = escape(str(value.code if isinstance(value, Error) else value))
    return (
        f'<table:table-cell{repeated} office:value-type="string"><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def ods_content(rows: Sequence[Sequence[object]], row_repeat: Sequence[int] = ()) -> bytes:
    """content.xml of a spreadsheet holding `rows`; `row_repeat[n]` repeats row n."""
    out = [
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">'
    ]
    for number, row in enumerate(rows):
        times = row_repeat[number] if number < len(row_repeat) else 1
        repeated = f' table:number-rows-repeated="{times}"' if times > 1 else ""
        cells = "".join(_ods_cell(value) for value in row)
        out.append(f"<table:table-row{repeated}>{cells}</table:table-row>")
    out.append("</table:table></office:spreadsheet></office:body></office:document-content>")
    return "".join(out).encode("utf-8", "surrogatepass")


def ods(rows: Sequence[Sequence[object]], row_repeat: Sequence[int] = ()) -> bytes:
    """An OpenDocument spreadsheet (mimetype first and stored, as the format requires)."""
    return ods_from_content(ods_content(rows, row_repeat))


def ods_from_content(content: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", _ODS_MIME, zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def csv_text(rows: Sequence[Sequence[object]], delimiter: str = ",") -> str:
    """Rows as CSV text (quoted where needed, CRLF line ends as Excel writes)."""
    lines = []
    for row in rows:
        cells = []
        for value in row:
            text = "" if value is None else str(value)
            if any(ch in text for ch in (delimiter, '"', "\n", "\r")):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        lines.append(delimiter.join(cells))
    return "\r\n".join(lines) + "\r\n"


# ------------------------------------------------------------------ big files, streamed


def _write_xlsx_streamed(
    path: Path, sheet: Iterator[bytes], strings: Iterator[bytes] | None = None
) -> None:
    parts = xlsx_parts([], shared=strings is not None)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            if name == "xl/worksheets/sheet1.xml":
                with archive.open(name, "w", force_zip64=True) as out:
                    for piece in sheet:
                        out.write(piece)
            elif name == "xl/sharedStrings.xml" and strings is not None:
                with archive.open(name, "w", force_zip64=True) as out:
                    for piece in strings:
                        out.write(piece)
            else:
                archive.writestr(name, content)


def _head_rows(cers_id: str) -> bytes:
    heading = "".join(
        f'<c r="{column_letter(at)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for at, name in enumerate(REQUIRED)
    )
    values = [cers_id, "Argon", "N", "c", "200", "b"]
    good = "".join(
        f'<c r="{column_letter(at)}2" t="inlineStr"><is><t>{value}</t></is></c>'
        for at, value in enumerate(values)
    )
    return f'<row r="1">{heading}</row><row r="2">{good}</row>'.encode()


def empty_rows_xlsx(path: Path, cers_id: str, rows: int, *, numbered: bool) -> None:
    """A good heading row and material, then `rows` empty rows really present in the XML
    (`<row r="n"/>` when `numbered`, else `<row/>`, which a reader numbers itself)."""

    def sheet() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
        yield _head_rows(cers_id)
        batch = 10_000
        for start in range(3, rows + 3, batch):
            stop = min(start + batch, rows + 3)
            if numbered:
                yield b"".join(b'<row r="%d"/>' % n for n in range(start, stop))
            else:
                yield b"<row/>" * (stop - start)
        yield b"</sheetData></worksheet>"

    _write_xlsx_streamed(path, sheet())


def dimension_claim_xlsx(path: Path, cers_id: str, ref: str = "A1:DZ1000000") -> None:
    """Two real rows under a dimension claiming a million rows."""

    def sheet() -> Iterator[bytes]:
        yield (
            f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><dimension ref="{ref}"/><sheetData>'
        ).encode()
        yield _head_rows(cers_id)
        yield b"</sheetData></worksheet>"

    _write_xlsx_streamed(path, sheet())


def repeated_string_xlsx(path: Path, cers_id: str, text_bytes: int, cells: int) -> None:
    """One long shared string (`text_bytes` of varied letters) referred to by `cells` cells:
    a small file the reader would copy into gigabytes."""
    letters = bytes(range(97, 123))
    text = (letters * (text_bytes // 26 + 1))[:text_bytes]

    def strings() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>'.encode()
        yield text
        yield b"</t></si></sst>"

    def sheet() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
        yield _head_rows(cers_id)
        row = 3
        left = cells
        while left > 0:
            width = min(left, 100)
            yield (
                b'<row r="%d">' % row
                + b"".join(
                    b'<c r="%s%d" t="s"><v>0</v></c>' % (column_letter(7 + c).encode(), row)
                    for c in range(width)
                )
                + b"</row>"
            )
            left -= width
            row += 1
        yield b"</sheetData></worksheet>"

    _write_xlsx_streamed(path, sheet(), strings())


def many_strings_xlsx(path: Path, cers_id: str, count: int) -> None:
    """A shared-strings part with `count` short strings no cell uses."""

    def strings() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><sst xmlns="{MAIN}">'.encode()
        for start in range(0, count, 10_000):
            stop = min(count, start + 10_000)
            yield b"".join(b"<si><t>%d</t></si>" % n for n in range(start, stop))
        yield b"</sst>"

    def sheet() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
        yield _head_rows(cers_id)
        yield b"</sheetData></worksheet>"

    _write_xlsx_streamed(path, sheet(), strings())


def repeated_text_ods(path: Path, cers_id: str, text_bytes: int, columns: int, rows: int) -> None:
    """A long text in one cell repeated over `columns` columns of `rows` repeated rows."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    text = (letters * (text_bytes // 26 + 1))[:text_bytes]
    head = [REQUIRED, [cers_id, "Argon", "N", "c", "200", "b"]]
    content = ods_content(head).decode()
    cell = (
        f'<table:table-cell table:number-columns-repeated="{columns}" '
        f'office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )
    extra = f'<table:table-row table:number-rows-repeated="{rows}">{cell}</table:table-row>'
    content = content.replace("</table:table>", extra + "</table:table>")
    path.write_bytes(ods_from_content(content.encode()))


def far_corner_xlsx(path: Path, cers_id: str) -> None:
    """Cells at A1 and at the last row and column the reader allows."""

    def sheet() -> Iterator[bytes]:
        yield f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode()
        yield _head_rows(cers_id)
        yield b'<row r="199998"><c r="DY199998"><v>1</v></c></row></sheetData></worksheet>'

    _write_xlsx_streamed(path, sheet())
