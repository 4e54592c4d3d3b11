"""Upload fuzzing: thousands of generated and damaged spreadsheets and documents through the
real upload paths, and the big hostile files measured in a process of their own.

Spreadsheets go through the HTTP upload route (`POST /inventory/upload`: stream, sniff, check,
keep, queue), then the job the route starts (`importing.run_import`: read, preview), and a
ready job is confirmed (`importing.confirm_import`). Every case must end in a clear refusal
(the route's 400 with a message, or the job refused with its problems) or in an import of
exactly the rows its preview listed; never an unhandled error, a failed job, a change to the
inventory tables on refusal, or a file left in the staging or temporary folders. Element
documents go through `documents.attach_file`, the service behind the document route.

The cases: workbooks written cell by cell (text, numbers, dates and booleans in any column,
error values, formulas such as =HYPERLINK and DDE-like =cmd|..., long and odd text) as xlsx
with shared or inline strings, ods and CSV in several encodings; real workbooks (openpyxl's,
the app's own export, hand-written ones, documents of other kinds) damaged byte by byte,
truncated at zip boundaries, with entries removed, doubled, renamed or replaced, with huge or
many shared strings, missing parts, entity declarations or a dimension claiming a million
rows. SQLite for the bulk, PostgreSQL and SQLite for a share. Hypothesis runs derandomized
without its example database, so a CI run tries the same cases every time.

The big files (a million empty rows, a million-row dimension, a long string copied into many
cells, many shared strings, the farthest cell allowed) are uploaded by a child process whose
peak memory (its resident set's high-water mark) must stay under 1 GB.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from cers_app import http_api
from cers_app.core import db, routes, storage
from cers_app.core.codes import REQUIRED as REQUIRED_ELEMENT
from cers_app.core.errors import DomainError
from cers_app.core.storage import StoredFile
from cers_app.facilities.models import Facility
from cers_app.inventory import http_routes, importing, service, sheet_read, sheet_write
from cers_app.inventory.import_models import InventoryImportRow
from cers_app.inventory.models import InventoryFinding, InventoryItem
from cers_app.submittals import documents
from tests import document_samples as samples
from tests.security import fuzz_workbooks as books
from tests.security.report import tally
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.organizations import world as acme_world
from tests.unit.submittals.document_world import ER_PLAN, ERTP, start_draft

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

SUITE = "upload-fuzz"
ORIGIN = "http://testserver"
MB = 1024 * 1024
PEAK_LIMIT_MB = 1024
# The examples share the test's database on purpose: each compares the tables before and
# after itself, so nothing carries over between them that could hide a partial write.
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

_cases: Counter[str] = Counter()


def _count(outcome: str) -> str:
    tally(SUITE, outcome)
    _cases[outcome] += 1
    return outcome


@pytest.fixture(scope="module", autouse=True)
def _print_cases() -> Iterator[None]:
    yield
    total = sum(_cases.values())
    if total:
        print(f"\nupload fuzzing: {total} cases ({dict(sorted(_cases.items()))})")


# ------------------------------------------------------------------ the world


@pytest.fixture
def world(database) -> acme_world.World:
    return acme_world.build()


@pytest.fixture
def yard(world: acme_world.World) -> int:
    yolo.build()
    facility_id = yolo.add_facility(world.lena, world.acme)
    db.run(service.start_draft, world.lena.actor(), facility_id)
    return facility_id


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The jobs the route started (run here, in order, instead of in a thread)."""
    jobs: list[int] = []
    monkeypatch.setattr(http_routes, "_start_job", jobs.append)
    return jobs


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The process's temporary folder, for this test alone (it must stay empty)."""
    folder = tmp_path / "system-tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def client(database) -> Iterator[TestClient]:
    with TestClient(http_api.build_api(), follow_redirects=False) as test_client:
        yield test_client


def cers_id_of(facility_id: int) -> str:
    return str(db.run(lambda s: s.get(Facility, facility_id).cers_id))


# ------------------------------------------------------------------ what must hold


def _digest(session, statement) -> str:
    rows = session.execute(statement).all()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@dataclass(frozen=True)
class State:
    """Checksums of the inventory tables and the facility's draft rows, the draft's
    materials (common name, location, CAS number) in id order, and the stored files."""

    checksums: tuple[str, str, str]
    rows: list[tuple[str, str, str]]
    stored_files: int


def state(facility_id: int) -> State:
    """The inventory and storage as they are now, read in one transaction."""

    def read(session) -> State:
        version_id = session.execute(
            sa.text(
                "SELECT draft_version_id FROM facility_element WHERE facility_id = :f "
                "AND element = :e"
            ).bindparams(f=facility_id, e=service.HMI)
        ).scalar_one()
        items = session.execute(
            sa.select(
                InventoryItem.id,
                InventoryItem.element_version_id,
                InventoryItem.version,
                InventoryItem.data,
            ).order_by(InventoryItem.id)
        ).all()
        rows = [
            (
                data.get("CommonName", ""),
                data.get("ChemicalLocation", ""),
                data.get("CASNumber", ""),
            )
            for _id, version, _row_version, data in items
            if version == version_id
        ]
        return State(
            (
                hashlib.sha256(repr(items).encode()).hexdigest(),
                _digest(session, sa.select(InventoryFinding).order_by(InventoryFinding.id)),
                _digest(
                    session,
                    sa.text(
                        "SELECT id, status, version FROM element_version WHERE facility_id = :f "
                        "ORDER BY id"
                    ).bindparams(f=facility_id),
                ),
            ),
            rows,
            session.execute(sa.select(sa.func.count()).select_from(StoredFile)).scalar_one(),
        )

    return db.run(read)


def stored_count() -> int:
    return db.run(
        lambda s: s.execute(sa.select(sa.func.count()).select_from(StoredFile)).scalar_one()
    )


def leftovers(temp: Path) -> list[Path]:
    """Files left in the staging folder or the process's temporary folder."""
    incoming = storage.files_dir() / "incoming"
    found = list(incoming.iterdir()) if incoming.exists() else []
    return found + list(temp.iterdir())


class Uploads:
    """Uploads a file the way a browser does and follows its job to the end, checking
    everything the fuzzing promises; returns "refused" or "allowed"."""

    def __init__(self, client: TestClient, person, facility_id: int, started: list[int], temp):
        self.client, self.person, self.facility_id = client, person, facility_id
        self.started, self.temp = started, temp
        self.actor = person.actor()

    def post(self, content: bytes, name: str, mode: str, valid_only: bool):
        return self.client.post(
            routes.with_query(routes.INVENTORY_UPLOAD, id=str(self.facility_id)),
            data={"mode": mode, "valid_rows_only": "1" if valid_only else ""},
            files={"file": (name, content)},
            headers={"cookie": self.person.cookie, "origin": ORIGIN},
        )

    def run(self, content: bytes, name: str, mode: str = "replace", valid_only: bool = False):
        try:
            outcome = self._run(content, name, mode, valid_only, state(self.facility_id))
        except BaseException:
            _count("crashed")
            raise
        assert leftovers(self.temp) == [], "a staged or temporary file was left behind"
        return _count(outcome)

    def _run(self, content: bytes, name: str, mode: str, valid_only: bool, before: State) -> str:
        response = self.post(content, name, mode, valid_only)
        if response.status_code != 303:
            assert response.status_code in (400, 413), (response.status_code, response.text)
            assert len(response.text) > 20 and "Traceback" not in response.text, response.text
            assert self.started == []
            assert state(self.facility_id) == before, "a refused upload changed something"
            return "refused"
        (job,) = self.started
        self.started.clear()
        assert importing.run_import(job) is True
        view = db.run(importing.import_view, self.actor, self.facility_id, job)
        assert view.status in (importing.READY, importing.REFUSED), (view.status, view.message)
        now = state(self.facility_id)
        assert now.checksums == before.checksums, "reading the file changed the inventory"
        if view.status == importing.REFUSED:
            assert view.message
            staged = db.run(
                lambda s: s.execute(
                    sa.select(sa.func.count()).where(InventoryImportRow.import_id == job)
                ).scalar_one()
            )
            assert staged == 0, "a refused job kept staged rows"
            if view.problem_count:
                problems = db.run(importing.problems_page, self.actor, self.facility_id, job, 1, 5)
                assert problems.total == view.problem_count
                assert all(p.message for p in problems.rows)
            return "refused"
        preview = db.run(importing.preview_page, self.actor, self.facility_id, job, "", 1, 100)
        assert preview.total == view.added + view.updated == len(preview.rows)
        done = db.run(importing.confirm_import, self.actor, self.facility_id, job)
        assert done.status == importing.IMPORTED
        shown = [(row.common_name, row.location, row.cas) for row in preview.rows]
        after = state(self.facility_id).rows
        expected = shown if mode == importing.REPLACE else before.rows + shown
        assert after == expected, "the import differs from its preview"
        return "allowed"


@pytest.fixture
def uploads(client, world, yard, started, temp_dir) -> Uploads:
    return Uploads(client, world.lena, yard, started, temp_dir)


# ------------------------------------------------------------------ cells


ODD_TEXT = [
    "", " ", "=1+1", "+SUM(A1)", "-2", "@cmd", "=cmd|' /C calc'!A0", "_x0001_", "\u202e",
    "NaN", "1e999", "-0", "0x10", "\u0661\u0662", "\uff39", "TRUE", "\t", "\ufeffArgon", "\x01bad",
]  # fmt: skip
ERRORS = ["#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]
FORMULAS = [
    books.Formula("=1+1", 2),
    books.Formula('=HYPERLINK("http://evil.example/x","Diesel")', "Diesel"),
    books.Formula("=cmd|' /C calc'!A0", books.Error("#N/A")),
    books.Formula("=cmd|' /C calc'!A0", "0"),
    books.Formula("=SUM(A1:A1048576)", 0),
    books.Formula("=1/0", books.Error("#DIV/0!")),
    books.Formula('=WEBSERVICE("http://evil.example")', books.Error("#VALUE!")),
]
GOOD = {
    "CommonName": ["Argon", "Diesel Fuel", "Motor Oil"],
    "EHS": ["N", "Y", "No"],
    "PhysicalState": ["c", "Gas", "Liquid", "b"],
    "MaximumDailyAmount": [200, "200", 55.5, "1,000"],
    "Units": ["b", "a", "Gallons", "Cubic feet"],
    "ChemicalLocation": ["Shed 1", "Fuel island"],
    "CASNumber": ["7440-37-1", "68476-34-6", ""],
    "AverageDailyAmount": [100, "100"],
    "DaysOnSite": [365, "365"],
    "SCSteelDrum": ["Y", "N", ""],
}
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), min_codepoint=9), max_size=30)
junk = st.one_of(
    _text,
    st.sampled_from(ODD_TEXT),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.booleans(),
    st.sampled_from(ERRORS).map(books.Error),
    st.sampled_from(FORMULAS),
    st.none(),
    st.text(alphabet="abc xyz", min_size=300, max_size=2500),
)


@st.composite
def tables(draw, cers_id: str) -> list[list[object]]:
    """A heading row (sometimes with a heading missing or doubled) over a few material rows
    whose cells are good values or anything at all."""
    headings = list(books.REQUIRED) + draw(
        st.lists(st.sampled_from(books.OPTIONAL), unique=True, max_size=5)
    )
    if draw(st.integers(0, 9)) == 0:
        headings.remove(draw(st.sampled_from(books.REQUIRED[1:])))
    if draw(st.integers(0, 14)) == 0:
        headings.append(draw(st.sampled_from(headings[1:])))
    headings = [headings[0], *draw(st.permutations(headings[1:]))]
    above = draw(st.lists(st.sampled_from(["Instructions", "", None, "CERS ID"]), max_size=2))
    rows: list[list[object]] = [[value] for value in above]
    ids = [cers_id, int(cers_id), float(cers_id), f" {cers_id} "]
    rows.append(list(headings))
    for _ in range(draw(st.integers(0, 6))):
        messy = draw(st.integers(0, 2)) == 0  # else every cell holds a good value
        line: list[object] = []
        for heading in headings:
            if messy and draw(st.integers(0, 2)) == 0:
                bad = st.sampled_from(["99999999", "", None]) if heading == "CERSID" else junk
                line.append(draw(bad))
            elif heading == "CERSID":
                line.append(draw(st.sampled_from(ids)))
            else:
                line.append(draw(st.sampled_from(GOOD[heading])))
        rows.append(line)
    return rows


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "latin-1", "cp1252", "mixed"]


def csv_bytes(rows: list[list[object]], encoding: str, delimiter: str, extra: str) -> bytes:
    text = books.csv_text(rows, delimiter)
    if extra == "nul":
        text = text.replace("\r\n", "\x00\r\n", 2)
    elif extra == "long":
        text += "x" * 300_000 + "\r\n"
    elif extra == "cr":
        text = text.replace("\r\n", "\r")
    if encoding == "mixed":
        half = len(text) // 2
        return text[:half].encode("utf-8", "replace") + text[half:].encode("latin-1", "replace")
    return text.encode(encoding, "replace")


@st.composite
def sheets(draw, cers_id: str) -> tuple[bytes, str]:
    """(content, file name) of a generated sheet in one of the formats."""
    rows = draw(tables(cers_id))
    kind = draw(st.sampled_from(["xlsx-shared", "xlsx-inline", "xlsx-bare", "ods", "csv"]))
    if kind == "ods":
        return books.ods(rows), "inventory.ods"
    if kind == "csv":
        encoding = draw(st.sampled_from(ENCODINGS))
        delimiter = draw(st.sampled_from([",", ";", "\t"]))
        extra = draw(st.sampled_from(["", "", "", "nul", "long", "cr"]))
        return csv_bytes(rows, encoding, delimiter, extra), "inventory.csv"
    return (
        books.xlsx(rows, shared=kind == "xlsx-shared", styles=kind != "xlsx-bare"),
        draw(st.sampled_from(["inventory.xlsx", "Inventory.XLSX", "inventory", "inv.xls"])),
    )


modes = st.sampled_from([importing.REPLACE, importing.REPLACE, importing.APPEND])


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_generated_sheets_are_imported_as_previewed_or_refused(uploads, yard) -> None:
    cers_id = cers_id_of(yard)
    before = Counter(_cases)

    @settings(FUZZ, max_examples=450)
    @given(sheet=sheets(cers_id), mode=modes, valid_only=st.booleans())
    def case(sheet, mode, valid_only) -> None:
        content, name = sheet
        uploads.run(content, name, mode, valid_only)

    case()
    tried = _cases - before
    assert tried["allowed"] >= 40 and tried["refused"] >= 40, tried


# ------------------------------------------------------------------ damaged files


def _openpyxl_book(cers_id: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Instructions: one row per material."])
    sheet.append([*books.REQUIRED, "ChemicalLocation"])
    sheet.append([cers_id, "Argon", "N", "Gas", 200, "Cubic feet", "Shed"])
    sheet.append([int(cers_id), "Motor Oil", "N", "Liquid", 55, "Gallons", "Shop"])
    sheet.append([cers_id, "Odd", dt.date(2024, 1, 2), True, "=1+1", "#DIV/0!", None])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _export_book(cers_id: str) -> bytes:
    out = io.BytesIO()
    sheet_write.inventory_workbook(out, cers_id, [stock.BASE, stock.MOTOR_OIL, stock.NITROGEN])
    return out.getvalue()


def bases(cers_id: str) -> dict[str, bytes]:
    """Real files to damage: workbooks from openpyxl, the app's export and written here, an
    ods, a CSV, and documents of other kinds."""
    good = [[*books.REQUIRED], [cers_id, "Argon", "N", "c", 200, "b"]]
    return {
        "openpyxl.xlsx": _openpyxl_book(cers_id),
        "export.xlsx": _export_book(cers_id),
        "written.xlsx": books.xlsx(good),
        "inline.xlsx": books.xlsx(good, shared=False),
        "sheet.ods": books.ods(good),
        "sheet.csv": books.csv_text(good).encode(),
        "document.pdf": samples.pdf(),
        "image.png": samples.png(),
        "word.docx": samples.docx(),
        "macros.docx": samples.docx(macros=True),
        "slides.pptx": samples.pptx(),
        "plain.zip": samples.plain_zip(),
        "old.xls": samples.xls(),
        "old.doc": samples.doc(),
        "program.exe": samples.exe(),
    }


ZIP_EDITS = [
    "drop", "double", "rename", "replace", "shuffle", "huge_strings", "many_strings",
    "drop_strings", "drop_styles", "dimension", "insert", "empty",
]  # fmt: skip
RENAMES = [
    "XL/WORKBOOK.XML", "xl/worksheets/sheet2.xml", "xl/sharedstrings.xml", "../evil.xml",
    "/abs/sheet.xml", "xl\\worksheets\\sheet1.xml", "xl/worksheets/", "mimetype", "content.xml",
]  # fmt: skip
INSERTS = [
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    b"<!-- comment -->",
    b"\x00\xff\xfe",
    b'<c r="A1000000"><v>1</v></c>',
    b'<row r="5"><c r="B5" t="s"><v>999999</v></c></row>',
    b'<c r="Z9" t="s"><v>-1</v></c>',
    b"]]><![CDATA[",
]


@st.composite
def zip_edits(draw, parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The entries of a zip, changed: removed, doubled, renamed, replaced, reordered,
    given huge or many shared strings, a million-row dimension or odd XML."""
    parts = list(parts)
    for _ in range(draw(st.integers(1, 3))):
        if not parts:
            break
        at = draw(st.integers(0, len(parts) - 1))
        name, content = parts[at]
        edit = draw(st.sampled_from(ZIP_EDITS))
        if edit == "drop":
            del parts[at]
        elif edit == "double":
            parts.insert(at, (name, content))
        elif edit == "rename":
            parts[at] = (draw(st.sampled_from(RENAMES)), content)
        elif edit == "replace":
            parts[at] = (name, draw(st.binary(max_size=200)))
        elif edit == "empty":
            parts[at] = (name, b"")
        elif edit == "shuffle":
            parts = draw(st.permutations(parts))
        elif edit in ("drop_strings", "drop_styles"):
            word = "sharedstrings" if edit == "drop_strings" else "styles"
            parts = [p for p in parts if word not in p[0].lower()]
        elif edit in ("huge_strings", "many_strings"):
            if edit == "huge_strings":
                items = b"<si><t>" + b"Argon " * draw(st.integers(1, 400_000)) + b"</t></si>"
            else:
                count = draw(st.integers(1, 200_000))
                items = b"".join(b"<si><t>%d</t></si>" % n for n in range(count))
            sst = b'<sst xmlns="%s">' % books.MAIN.encode() + items + b"</sst>"
            parts = [p for p in parts if "sharedstrings" not in p[0].lower()]
            parts.append(("xl/sharedStrings.xml", sst))
        elif edit == "dimension":
            ref = draw(st.sampled_from([b"A1:DZ1000000", b"A1:XFD1048576", b"A1:A1"]))
            sheet = content.replace(b"<sheetData", b'<dimension ref="%s"/><sheetData' % ref, 1)
            parts[at] = (name, sheet)
        else:
            snippet = draw(st.sampled_from(INSERTS))
            where = draw(st.integers(0, len(content)))
            parts[at] = (name, content[:where] + snippet + content[where:])
    return parts


PREFIXES = [b"%PDF-1.7\n", b"\xef\xbb\xbf", b"PK\x03\x04"]
SUFFIXES = [b"\x00" * 100, b"PK\x05\x06" + b"\x00" * 18, b"junk"]


def _central_headers(content: bytes) -> list[int]:
    """Offsets of a zip's central directory headers."""
    found = []
    start = content.find(b"PK\x01\x02")
    while 0 <= start <= len(content) - 46:
        found.append(start)
        start = content.find(b"PK\x01\x02", start + 1)
    return found


def _zip_boundaries(content: bytes) -> list[int]:
    """Offsets where a zip's structures start: local headers, the central directory, its
    end record."""
    marks = [b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06", b"PK\x07\x08"]
    found = {0, len(content)}
    for mark in marks:
        start = content.find(mark)
        while start >= 0:
            found.update({start, start + 2, start + 30})
            start = content.find(mark, start + 1)
    return sorted(at for at in found if 0 <= at <= len(content))


@st.composite
def byte_edits(draw, content: bytes) -> bytes:
    """The bytes changed: flipped, truncated (anywhere or at a zip boundary), with bytes
    put in front or behind."""
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(["flip", "flip", "cut", "cut_boundary", "flags", "prepend",
                                     "append"]))  # fmt: skip
        headers = _central_headers(content)
        if edit == "flags" and headers:
            # The general purpose flags of an entry: encrypted, data descriptor, UTF-8 name...
            at = draw(st.sampled_from(headers)) + 8
            value = content[at] ^ draw(st.sampled_from([1, 8, 9, 64]))
            content = content[:at] + bytes([value]) + content[at + 1 :]
        elif edit == "flip" and content:
            at = draw(st.integers(0, len(content) - 1))
            value = content[at] ^ draw(st.integers(1, 255))
            content = content[:at] + bytes([value]) + content[at + 1 :]
        elif edit == "cut":
            content = content[: draw(st.integers(0, len(content)))]
        elif edit == "cut_boundary":
            at = draw(st.sampled_from(_zip_boundaries(content)))
            content = content[: max(0, at + draw(st.integers(-3, 3)))]
        elif edit == "prepend":
            content = draw(st.sampled_from(PREFIXES)) + content
        else:
            content += draw(st.sampled_from(SUFFIXES))
    return content


NAMES = [
    "inventory.xlsx", "inventory.csv", "inventory.ods", "inventory.xls", "inventory.pdf",
    "no extension", "../../etc/passwd.xlsx", "Ünïcödé inventory.xlsx", "x" * 300 + ".xlsx",
]  # fmt: skip


@st.composite
def damaged(draw, originals: dict[str, bytes]) -> tuple[bytes, str]:
    base = draw(st.sampled_from(sorted(originals)))
    content = originals[base]
    if content.startswith(b"PK\x03\x04") and draw(st.booleans()):
        parts = draw(zip_edits(books.parts_of(content)))
        stored = draw(st.booleans())
        content = books.zip_bytes(parts, zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        if draw(st.booleans()):
            content = draw(byte_edits(content))
    else:
        content = draw(byte_edits(content))
    return content, draw(st.sampled_from([base.replace(".", "-fuzz."), *NAMES]))


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_damaged_files_are_refused_clearly_or_read(uploads, yard) -> None:
    originals = bases(cers_id_of(yard))
    before = Counter(_cases)

    @settings(FUZZ, max_examples=1200)
    @given(file=damaged(originals), mode=modes)
    def case(file, mode) -> None:
        content, name = file
        uploads.run(content, name, mode)

    case()
    assert (_cases - before)["refused"] > 100


def test_the_reader_alone_refuses_or_reads_every_damaged_file(tmp_path, temp_dir) -> None:
    """More damaged files straight through what the route and the job run on a file: the
    kind check, `check_file`, `read_inventory` and `raw_rows` (the marked workbook's
    reading), without a database: a refusal is always UnreadableFile with its message."""
    cers_id = "10000001"
    originals = bases(cers_id)
    path = tmp_path / "upload"

    @settings(FUZZ, max_examples=700)
    @given(file=st.one_of(damaged(originals), sheets(cers_id)))
    def case(file) -> None:
        content, _name = file
        path.write_bytes(content)
        try:
            kind = sheet_read.sniff_kind(content[: sheet_read.HEAD_BYTES])
            try:
                if kind is None:
                    raise sheet_read.UnreadableFile("not a spreadsheet: the route refuses it")
                sheet_read.check_file(path)
                reading = sheet_read.read_inventory(path, cers_id)
                rows = sum(1 for _ in sheet_read.raw_rows(path))
            except sheet_read.UnreadableFile as refusal:
                assert len(str(refusal)) > 20
                outcome = "refused"
            else:
                assert rows >= reading.header_row
                assert all(problem.message for problem in reading.problems)
                outcome = "refused" if reading.problems else "allowed"
        except BaseException:
            _count("crashed")
            raise
        assert list(temp_dir.iterdir()) == []
        _count(outcome)

    case()


def test_both_databases_take_generated_and_damaged_files(uploads, yard) -> None:
    """A share of both kinds on SQLite and PostgreSQL."""
    cers_id = cers_id_of(yard)
    originals = bases(cers_id)

    @settings(FUZZ, max_examples=60)
    @given(file=st.one_of(sheets(cers_id), damaged(originals)), mode=modes)
    def case(file, mode) -> None:
        content, name = file
        uploads.run(content, name, mode)

    case()


# ------------------------------------------------------------------ documents


@pytest.fixture
def plan_draft(world) -> tuple[int, int]:
    yolo.build()
    facility_id = yolo.add_facility(world.lena, world.acme)
    yolo.set_by_regulator(facility_id, ERTP, REQUIRED_ELEMENT)
    return facility_id, start_draft(world.lena, facility_id, ERTP)


DOCUMENTS = {
    "plan.pdf": samples.pdf(),
    "map.png": samples.png(),
    "photo.jpg": samples.jpeg(),
    "plan.docx": samples.docx(),
    "macros.docx": samples.docx(macros=True),
    "sheet.xlsx": samples.xlsx(),
    "slides.pptx": samples.pptx(),
    "bundle.zip": samples.plain_zip(),
    "old.doc": samples.doc(),
    "old.xls": samples.xls(),
    "setup.exe": samples.exe(),
    "tool.elf": samples.elf(),
}
DOCUMENT_NAMES = [
    "plan.pdf", "map.png", "photo.jpg", "photo.jpeg", "plan.docx", "sheet.xlsx", "old.doc",
    "old.xls", "plan", "plan.PDF", "plan.pdf.exe", "x" * 300 + ".pdf", "../plan.pdf",
]  # fmt: skip


@st.composite
def documents_to_upload(draw) -> tuple[bytes, str]:
    base = draw(st.sampled_from(sorted(DOCUMENTS)))
    content = DOCUMENTS[base]
    if content.startswith(b"PK\x03\x04") and draw(st.booleans()):
        content = books.zip_bytes(draw(zip_edits(books.parts_of(content))))
    elif draw(st.integers(0, 3)):
        content = draw(byte_edits(content))
    return content, draw(st.sampled_from([base, *DOCUMENT_NAMES]))


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
def test_damaged_documents_are_refused_or_kept_whole(world, plan_draft, tmp_path, temp_dir):
    facility_id, version_id = plan_draft
    actor = world.lena.actor()

    @settings(FUZZ, max_examples=300)
    @given(document=documents_to_upload())
    def case(document) -> None:
        content, name = document
        source = tmp_path / "source"
        source.write_bytes(content)
        files_before = stored_count()
        try:
            staged = storage.stage_path(source, name)
            try:
                view = db.run(
                    documents.attach_file, actor, facility_id, version_id, ER_PLAN, staged
                )
            except DomainError as refusal:
                assert refusal.message and len(refusal.message) > 15, refusal
                assert stored_count() == files_before
                outcome = "refused"
            else:
                kept = db.run(lambda s: s.exec(select(StoredFile).order_by(StoredFile.id)).all())
                assert len(kept) == files_before + 1
                newest = kept[-1]
                assert storage.open_path(newest).read_bytes() == content
                assert newest.sha256 == hashlib.sha256(content).hexdigest()
                db.run(documents.remove_file, actor, facility_id, version_id, view.files[-1].id)
                outcome = "allowed"
        except BaseException:
            _count("crashed")
            raise
        assert leftovers(temp_dir) == []
        _count(outcome)

    case()


# ------------------------------------------------------------------ big files, peak memory


BIG = {
    "a million empty numbered rows": lambda p, c: books.empty_rows_xlsx(
        p, c, 1_000_000, numbered=True
    ),
    "a million empty rows without numbers": lambda p, c: books.empty_rows_xlsx(
        p, c, 1_000_000, numbered=False
    ),
    "a dimension claiming a million rows": lambda p, c: books.dimension_claim_xlsx(p, c),
    "a 1 MB shared string in 3,000 cells": lambda p, c: books.repeated_string_xlsx(p, c, MB, 3000),
    "a 64 KB shared string in 20,000 cells": lambda p, c: books.repeated_string_xlsx(
        p, c, 64 * 1024, 20_000
    ),
    "a million shared strings": lambda p, c: books.many_strings_xlsx(p, c, 1_000_000),
    "six million shared strings": lambda p, c: books.many_strings_xlsx(p, c, 6_000_000),
    "a 1 MB ods cell repeated 2,000 times": lambda p, c: books.repeated_text_ods(p, c, MB, 100, 20),
    "cells at A1 and the farthest allowed": lambda p, c: books.far_corner_xlsx(p, c),
}
CHILD = """
import json, resource, sys, warnings
resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient
from cers_app import http_api
from cers_app.core import routes
from cers_app.inventory import http_routes, importing
cookie, facility, path = sys.argv[1:4]
jobs = []
http_routes._start_job = jobs.append
with TestClient(http_api.build_api(), follow_redirects=False) as client, open(path, "rb") as f:
    response = client.post(
        routes.with_query(routes.INVENTORY_UPLOAD, id=facility),
        data={"mode": "replace"},
        files={"file": ("big.xlsx", f)},
        headers={"cookie": cookie, "origin": "http://testserver"},
    )
for job in jobs:
    importing.run_import(job)
# This process's own peak (ru_maxrss would keep the parent's peak across fork and exec).
with open("/proc/self/status") as status:
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
print(json.dumps({"status": response.status_code, "text": response.text[:300], "jobs": jobs,
                  "peak_mb": peak}))
"""


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
@pytest.mark.parametrize("case", sorted(BIG))
def test_big_hostile_files_stay_under_a_gigabyte(world, yard, tmp_path, case, capsys) -> None:
    cers_id = cers_id_of(yard)
    path = tmp_path / "big-upload"
    BIG[case](path, cers_id)
    assert path.stat().st_size < storage.MAX_UPLOAD_BYTES, path.stat().st_size
    before = state(yard)
    env = {**os.environ, "TMPDIR": str(tmp_path / "child-tmp")}
    (tmp_path / "child-tmp").mkdir()
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run(
        [sys.executable, "-c", CHILD, world.lena.cookie, str(yard), str(path)],
        cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if ran.returncode != 0:
        _count("crashed")
    assert ran.returncode == 0, ran.stderr[-3000:]
    result = json.loads(ran.stdout.strip().splitlines()[-1])
    with capsys.disabled():
        print(
            f"\n{case}: {path.stat().st_size // 1024:,} KB file, HTTP {result['status']}, "
            f"peak {result['peak_mb']:.0f} MB"
        )
    assert result["peak_mb"] < PEAK_LIMIT_MB, result
    assert list((tmp_path / "child-tmp").iterdir()) == []
    assert leftovers(tmp_path / "child-tmp") == []
    if result["status"] != 303:
        assert result["status"] == 400 and len(result["text"]) > 20, result
        assert state(yard) == before
        _count("refused")
        return
    (job,) = result["jobs"]
    view = db.run(importing.import_view, world.lena.actor(), yard, job)
    assert view.status in (importing.READY, importing.REFUSED), view
    assert state(yard).checksums == before.checksums
    _count("allowed" if view.status == importing.READY else "refused")
