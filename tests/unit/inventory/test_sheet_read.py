"""Reading an uploaded inventory spreadsheet: columns, headings, values and every problem.

The workbooks are built here with openpyxl (xlsx), the csv module and zipfile; reading is
pure, so no database is needed.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import zipfile
from pathlib import Path

import openpyxl
import pytest

from cers_app.inventory import fields
from cers_app.inventory.sheet_columns import (
    COLUMNS,
    HEADINGS,
    INSTRUCTION_LINES,
    REQUIRED_HEADINGS,
    column_for,
    column_letter,
)
from cers_app.inventory.sheet_read import (
    MAX_INFLATED_BYTES,
    SheetReading,
    UnreadableFile,
    cell_text,
    check_file,
    raw_rows,
    read_inventory,
    sniff_kind,
)

CERS_ID = "10123456"
LETTER = {column.tag: column_letter(index) for index, column in enumerate(COLUMNS)}
GOOD = {
    "CERSID": CERS_ID,
    "CommonName": "Sulfuric acid 93%",
    "EHS": "Y",
    "PhysicalState": "b",
    "MaximumDailyAmount": 55,
    "Units": "a",
}


def line(headings, **by_tag) -> list:
    """A sheet row with `by_tag` values under `headings` (tags not given are empty)."""
    return [by_tag.get(column_for(heading).tag) for heading in headings]


def good(**changes) -> dict:
    return {**GOOD, **changes}


def xlsx(tmp_path: Path, rows, *, headings=HEADINGS, above=(), name="inventory.xlsx") -> Path:
    """A workbook: `above` lines (instructions), the heading row, then `rows` (dicts by tag
    or ready lists)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for text in above:
        sheet.append([text])
    sheet.append(list(headings))
    for row in rows:
        sheet.append(line(headings, **row) if isinstance(row, dict) else list(row))
    path = tmp_path / name
    workbook.save(path)
    return path


def codes_of(reading: SheetReading) -> list[tuple[int, str, str, str]]:
    return [(p.row, p.column, p.heading, p.code) for p in reading.problems]


# --- the columns ------------------------------------------------------------------------


def test_columns_cover_cersid_and_every_field_once_in_template_order():
    tags = [column.tag for column in COLUMNS]
    assert sorted(tags) == sorted(("CERSID", *fields.TAGS))
    assert len(set(tags)) == len(tags)
    assert HEADINGS[:3] == ("CERSID", "ChemicalLocation", "CLConfidential")
    assert HEADINGS[-3:] == ("CCLID", "USEPASRSNumber", "DOTHazClassID")
    assert "FHCPhysContWaterEmitsFlamGas" in HEADINGS
    assert REQUIRED_HEADINGS == (
        "CERSID",
        "CommonName",
        "EHS",
        "PhysicalState",
        "MaximumDailyAmount",
        "Units",
    )
    assert all(text and len(text) < 200 for text in INSTRUCTION_LINES)


def test_headings_match_in_either_spelling_any_case_and_spacing():
    assert column_for("DOTHazardClassificationID").tag == "DOTHazardClassificationID"
    assert column_for("dot_haz_class_id").tag == "DOTHazardClassificationID"
    assert column_for(" Common Name ").tag == "CommonName"
    assert column_for("FHCPhysicalContactWaterEmitsFlammableGas").heading == (
        "FHCPhysContWaterEmitsFlamGas"
    )
    assert column_for("Notes") is None


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
    with pytest.raises(ValueError):
        column_letter(-1)


# --- reading good rows ------------------------------------------------------------------


def test_reads_rows_below_instruction_lines_as_stored_values(tmp_path):
    path = xlsx(
        tmp_path,
        [
            good(
                CommonName="  Diesel  ",
                EHS="No",
                PhysicalState="Liquid",
                Units="gallons",
                MaximumDailyAmount=1500.0,
                AverageDailyAmount=12.5,
                MapNumber="007",
                CASNumber="7664939",
                TradeSecret=True,
                SCSteelDrum="Yes",
                SCCan=1,
                SCCarboy="TRUE",
                FHCPhysicalFlammable="x",
                PFCodeHazardClass="07",
                DOTHazardClassificationID="Class 3" if False else "3",
                HMType="mixture",
            ),
        ],
        above=INSTRUCTION_LINES,
    )
    reading = read_inventory(path, CERS_ID)
    assert reading.problems == []
    assert reading.header_row == len(INSTRUCTION_LINES) + 1
    assert reading.data_rows == 1
    [row] = reading.rows
    assert row.row == len(INSTRUCTION_LINES) + 2
    v = row.values
    assert v["CommonName"] == "Diesel"
    assert (v["EHS"], v["PhysicalState"], v["Units"], v["HMType"]) == ("N", "b", "a", "b")
    assert (v["MaximumDailyAmount"], v["AverageDailyAmount"]) == ("1500", "12.5")
    assert v["MapNumber"] == "007"
    assert v["CASNumber"] == "7664-93-9"
    assert (v["TradeSecret"], v["SCSteelDrum"], v["SCCan"], v["SCCarboy"]) == ("Y",) * 4
    assert v["FHCPhysicalFlammable"] == "Y"
    assert v["SCBox"] == "N"  # an empty check box
    assert v["PFCodeHazardClass"] == "7"
    assert v["DOTHazardClassificationID"] == "3"
    assert set(v) == set(fields.TAGS)
    assert row.present == frozenset(fields.TAGS)
    assert reading.headings["DOTHazardClassificationID"] == "DOTHazClassID"


def test_xml_tag_headings_and_only_required_columns_are_accepted(tmp_path):
    headings = ["CERSID", "Common Name", "ehs", "physical_state", "MaximumDailyAmount"]
    headings += ["UNITS", "FHCPhysicalContactWaterEmitsFlammableGas", "DOTHazardClassificationID"]
    headings += ["Notes"]  # a column of ours is ignored
    path = xlsx(
        tmp_path,
        [
            [
                CERS_ID,
                "Calcium carbide",
                "N",
                "Solid",
                "2,000",
                "Pounds",
                "Y",
                "4.3",
                "keep dry",
            ]
        ],
        headings=headings,
    )
    reading = read_inventory(path, CERS_ID)
    assert reading.problems == []
    [row] = reading.rows
    assert row.values["FHCPhysicalContactWaterEmitsFlammableGas"] == "Y"
    assert row.values["MaximumDailyAmount"] == "2000"
    assert row.values["Units"] == "c"
    assert row.values["ChemicalLocation"] == ""
    assert row.present == frozenset(
        {
            "CommonName",
            "EHS",
            "PhysicalState",
            "MaximumDailyAmount",
            "Units",
            "FHCPhysicalContactWaterEmitsFlammableGas",
            "DOTHazardClassificationID",
        }
    )
    assert reading.headings["CommonName"] == "Common Name"


def test_blank_rows_and_rows_without_cersid_or_name_are_skipped(tmp_path):
    path = xlsx(
        tmp_path,
        [
            good(),
            [],
            [None, "  ", None],
            {"ChemicalLocation": "Yard", "MaximumDailyAmount": 5},  # no CERSID, no name
            good(CommonName="Acetone"),
        ],
    )
    reading = read_inventory(path, CERS_ID)
    assert reading.problems == []
    assert [row.row for row in reading.rows] == [2, 6]
    assert reading.data_rows == 2


def test_a_stored_file_without_extension_is_read_by_its_content(tmp_path):
    path = xlsx(tmp_path, [good()])
    stored = tmp_path / "0f3a9c1d2b4e5f60718293a4b5c6d7e8"
    stored.write_bytes(path.read_bytes())
    assert check_file(stored) == "xlsx"
    assert len(read_inventory(stored, CERS_ID).rows) == 1


def test_cersid_typed_as_number_matches(tmp_path):
    path = xlsx(tmp_path, [good(CERSID=int(CERS_ID)), good(CERSID=float(CERS_ID))])
    reading = read_inventory(path, f" {CERS_ID} ")
    assert reading.problems == []
    assert len(reading.rows) == 2


# --- problems ---------------------------------------------------------------------------


def test_every_value_problem_is_reported_at_its_row_column_and_heading(tmp_path):
    path = xlsx(
        tmp_path,
        [
            good(),  # row 2
            good(Units="pints"),  # 3
            good(MaximumDailyAmount="lots"),  # 4
            good(CommonName="x" * 501),  # 5
            good(EHS="maybe"),  # 6
            good(ChemicalLocation="Bay_x0001_3"),  # 7: Excel's escape of \x01
            good(CERSID=None),  # 8
            good(CERSID="99999999"),  # 9
            good(CommonName=None),  # 10
            good(AverageDailyAmount=datetime.datetime(2024, 3, 1)),  # 11
            good(DaysOnSite="12.5", PFCodeHazardClass="99"),  # 12
        ],
    )
    reading = read_inventory(path, CERS_ID)
    L = LETTER  # noqa: N806 - short, for the table below
    assert codes_of(reading) == [
        (3, L["Units"], "Units", "unknown_code"),
        (4, L["MaximumDailyAmount"], "MaximumDailyAmount", "bad_number"),
        (5, L["CommonName"], "CommonName", "too_long"),
        (6, L["EHS"], "EHS", "bad_yes_no"),
        (7, L["ChemicalLocation"], "ChemicalLocation", "illegal_characters"),
        (8, "A", "CERSID", "cersid_missing"),
        (9, "A", "CERSID", "cersid_mismatch"),
        (10, L["CommonName"], "CommonName", "no_common_name"),
        (11, L["AverageDailyAmount"], "AverageDailyAmount", "bad_number"),
        (12, L["PFCodeHazardClass"], "PFCodeHazardClass", "unknown_code"),
        (12, L["DaysOnSite"], "DaysOnSite", "bad_number"),
    ]
    assert [row.row for row in reading.rows] == [2]
    assert reading.bad_rows == frozenset(range(3, 13))
    assert reading.data_rows == 11
    by_row = {p.row: p.message for p in reading.problems}
    assert by_row[3] == (
        f'Row 3, column {L["Units"]} (Units): "pints" is not one of the choices; use '
        "Gallons (a), Cubic feet (b), Pounds (c) or Tons (d)."
    )
    assert by_row[4].startswith(f"Row 4, column {L['MaximumDailyAmount']} (MaximumDailyAmount):")
    assert "as a number" in by_row[4]
    assert "at most 500" in by_row[5]
    assert "write Y or N" in by_row[6]
    assert "99999999" in by_row[9] and CERS_ID in by_row[9]
    assert "2024-03-01" in by_row[11]


def test_problems_use_the_files_own_headings(tmp_path):
    headings = ["CERSID", "Common Name", "EHS", "Physical State", "Maximum Daily Amount"]
    headings += ["Units"]
    path = xlsx(tmp_path, [[CERS_ID, "Argon", "N", "plasma", 10, "b"]], headings=headings)
    reading = read_inventory(path, CERS_ID)
    [problem] = reading.problems
    assert (problem.row, problem.column, problem.heading) == (2, "D", "Physical State")
    assert problem.message.startswith("Row 2, column D (Physical State):")


def test_missing_required_headings_are_one_problem_naming_them_all(tmp_path):
    path = xlsx(
        tmp_path,
        [[CERS_ID, "Argon", "N"]],
        headings=["CERSID", "CommonName", "EHS", "ChemicalLocation"],
        above=["Our inventory"],
    )
    reading = read_inventory(path, CERS_ID)
    [problem] = reading.problems
    assert (problem.row, problem.column, problem.code) == (2, "", "missing_headings")
    assert "PhysicalState, MaximumDailyAmount and Units" in problem.message
    assert reading.rows == []


def test_a_repeated_heading_is_reported_at_the_second_column(tmp_path):
    headings = [*HEADINGS, "Common Name"]
    path = xlsx(tmp_path, [good()], headings=headings)
    reading = read_inventory(path, CERS_ID)
    [problem] = reading.problems
    letter = column_letter(len(HEADINGS))
    assert (problem.row, problem.column, problem.heading) == (1, letter, "Common Name")
    assert problem.code == "duplicate_heading"
    assert f"column {LETTER['CommonName']} (CommonName)" in problem.message
    assert reading.rows == []


def test_no_heading_row(tmp_path):
    path = xlsx(tmp_path, [["Facility", "CommonName"], [CERS_ID, "Argon"]], headings=["Notes"])
    reading = read_inventory(path, CERS_ID)
    assert codes_of(reading) == [(0, "", "", "no_header_row")]
    assert "CERSID in column A" in reading.problems[0].message


def test_no_rows_for_this_facility(tmp_path):
    reading = read_inventory(xlsx(tmp_path, [good(CERSID="10999999")]), CERS_ID)
    assert [p.code for p in reading.problems] == ["cersid_mismatch", "no_matching_rows"]
    empty = read_inventory(xlsx(tmp_path, [], name="empty.xlsx"), CERS_ID)
    assert codes_of(empty) == [(0, "", "", "no_matching_rows")]
    assert CERS_ID in empty.problems[0].message


def test_problems_are_not_capped(tmp_path):
    path = xlsx(tmp_path, [good(Units="pints")] * 60)
    reading = read_inventory(path, CERS_ID)
    assert len(reading.problems) == 60
    assert reading.rows == []


def test_progress_is_reported(tmp_path):
    rows = [good(CommonName=f"Material {n}") for n in range(1200)]
    path = xlsx(tmp_path, rows, headings=REQUIRED_HEADINGS)
    seen: list[tuple[int, int]] = []
    reading = read_inventory(
        path, CERS_ID, on_progress=lambda done, total: seen.append((done, total))
    )
    assert len(reading.rows) == 1200
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]


# --- csv, ods, raw rows -----------------------------------------------------------------


def write_csv(path: Path, rows, *, encoding="utf-8-sig", delimiter=",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8-sig", ","),
        ("utf-8", ";"),
        ("cp1252", "\t"),
        # Excel's "Unicode Text" (UTF-16 with a byte order mark, tabs), and UTF-16 without one.
        ("utf-16", "\t"),
        ("utf-16-be", ","),
        ("utf-16-le", ";"),
    ],
)
def test_csv_files_are_read(tmp_path, encoding, delimiter):
    headings = [*REQUIRED_HEADINGS, "ChemicalLocation"]
    rows = [
        ["Acme inventory"],
        headings,
        [CERS_ID, "Café solvent", "N", "Liquid", "1,500", "Gallons", "Bay 3; rack 2"],
        [],
        [CERS_ID, "Argon", "no", "gas", "200", "b", ""],
    ]
    path = write_csv(tmp_path / "inv.csv", rows, encoding=encoding, delimiter=delimiter)
    if encoding == "utf-16-be":  # big-endian is read by its byte order mark only
        path.write_bytes(codecs.BOM_UTF16_BE + path.read_bytes())
    reading = read_inventory(path, CERS_ID)
    assert reading.problems == []
    assert reading.header_row == 2
    assert [row.row for row in reading.rows] == [3, 5]
    first = reading.rows[0].values
    assert (first["CommonName"], first["MaximumDailyAmount"]) == ("Café solvent", "1500")
    assert first["ChemicalLocation"] == "Bay 3; rack 2"


_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_cell(text: str) -> str:
    if not text:
        return "<table:table-cell/>"
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def _ods(path: Path, rows: list[list[str]], *, last_repeated: int = 1) -> Path:
    """A minimal OpenDocument spreadsheet; its last row repeated `last_repeated` times."""
    body = ""
    for number, row in enumerate(rows, start=1):
        repeat = last_repeated if number == len(rows) else 1
        attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
        cells = "".join(_ods_cell(text) for text in row)
        body += f"<table:table-row{attribute}>{cells}</table:table-row>"
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NAMESPACES} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Inventory">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", _MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def test_ods_files_are_read(tmp_path):
    rows = [list(REQUIRED_HEADINGS), [CERS_ID, "Argon", "N", "Gas", "200", "Cubic feet"]]
    path = _ods(tmp_path / "inv.ods", rows)
    assert sniff_kind(path.read_bytes()[:8192]) == "ods"
    reading = read_inventory(path, CERS_ID)
    assert reading.problems == []
    assert reading.rows[0].values["Units"] == "b"


def test_ods_with_a_value_repeated_over_a_million_rows_is_refused(tmp_path):
    rows = [list(REQUIRED_HEADINGS), [CERS_ID, "Argon", "N", "Gas", "200", "b"]]
    path = _ods(tmp_path / "bomb.ods", rows, last_repeated=1_000_000)
    with pytest.raises(UnreadableFile, match="beyond row"):
        read_inventory(path, CERS_ID)


def test_raw_rows_are_the_sheet_as_text(tmp_path):
    path = xlsx(
        tmp_path,
        [[CERS_ID, None, True, 12.0, 2.5, datetime.date(2024, 1, 2), " pad "]],
        headings=["CERSID", "A", "B", "C", "D", "E", "F"],
        above=["Read me"],
    )
    rows = list(raw_rows(path))
    assert rows[0][0] == "Read me"
    assert rows[1][:2] == ["CERSID", "A"]
    assert rows[2] == [CERS_ID, "", "Y", "12", "2.5", "2024-01-02", "pad"]


def test_raw_rows_start_at_a1_when_the_sheet_starts_further_in(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active["C3"] = "x"
    workbook.active["D5"] = 2
    path = tmp_path / "offset.xlsx"
    workbook.save(path)
    rows = list(raw_rows(path))
    assert rows == [
        ["", "", "", ""],
        ["", "", "", ""],
        ["", "", "x", ""],
        ["", "", "", ""],
        ["", "", "", "2"],
    ]


def test_cell_text():
    assert cell_text(12.0) == "12"
    assert cell_text(0.1 + 0.2) == "0.30000000000000004"
    assert cell_text(1e-05) == "0.00001"
    assert cell_text(7) == "7"
    assert cell_text(False) == "N"
    assert cell_text(None) == ""
    assert cell_text(datetime.datetime(2024, 1, 2, 13, 5)) == "2024-01-02T13:05:00"
    assert cell_text(datetime.datetime(2024, 1, 2)) == "2024-01-02"


# --- refusing files ---------------------------------------------------------------------


def test_sniffing_by_content(tmp_path):
    path = xlsx(tmp_path, [good()])
    assert sniff_kind(path.read_bytes()[:8192]) == "xlsx"
    assert sniff_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)) == "xls"
    assert sniff_kind("CERSID,CommonName\r\n1,Café\r\n".encode()) == "csv"
    assert sniff_kind("CERSID;CommonName\r\n1;Caf\xe9\r\n".encode("cp1252")) == "csv"
    assert sniff_kind("é".encode()[:1] + b"x" * 10 + "é".encode()[:1]) == "csv"  # cut at the end
    assert sniff_kind(b"") is None
    assert sniff_kind(b"\x89PNG\r\n\x1a\n" + bytes(100)) is None
    assert sniff_kind(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n") is None
    assert sniff_kind(bytes(range(1, 32)) * 10) is None  # control characters, not text
    assert sniff_kind("CERSID\tCommonName\r\n1\tCafé\r\n".encode("utf-16")) == "csv"
    assert sniff_kind("CERSID,CommonName\r\n".encode("utf-16-le")) == "csv"
    controls = "".join(map(chr, range(1, 32))) * 10
    assert sniff_kind(codecs.BOM_UTF16_LE + controls.encode("utf-16-le")) is None
    assert sniff_kind(b"\x00" * 64) is None  # zeros are not UTF-16 text


def test_a_utf16_file_with_a_stray_last_byte_is_read_and_the_byte_reported(tmp_path):
    headings = [*REQUIRED_HEADINGS]
    rows = [headings, [CERS_ID, "Argon", "N", "Gas", "200", "Cubic Feet"]]
    path = write_csv(tmp_path / "inv.csv", rows, encoding="utf-16", delimiter="\t")
    path.write_bytes(path.read_bytes() + b"A")  # an odd byte count: half a character

    reading = read_inventory(path, CERS_ID)

    assert [row.values["CommonName"] for row in reading.rows] == ["Argon"]
    [problem] = reading.problems
    assert (problem.row, problem.column, problem.code) == (3, "A", "cersid_mismatch")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(300), "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "damaged"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + bytes(600)
            + "EncryptedPackage".encode("utf-16-le"),
            "password",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile, match=message):
        read_inventory(path, CERS_ID)
    with pytest.raises(UnreadableFile, match=message):
        list(raw_rows(path))


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "letter.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(UnreadableFile, match="not a spreadsheet"):
        read_inventory(path, CERS_ID)


def test_a_damaged_workbook_is_refused(tmp_path):
    path = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not a workbook")
    with pytest.raises(UnreadableFile, match="damaged"):
        read_inventory(path, CERS_ID)


def test_a_decompression_bomb_is_refused_from_the_central_directory(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + bytes(40 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    with pytest.raises(UnreadableFile, match="decompression bomb"):
        read_inventory(path, CERS_ID)


def test_a_zip_claiming_more_than_the_limit_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr("cers_app.inventory.sheet_read.MAX_INFLATED_BYTES", 1000)
    path = xlsx(tmp_path, [good()])
    with pytest.raises(UnreadableFile, match="decompression bomb"):
        read_inventory(path, CERS_ID)
    assert MAX_INFLATED_BYTES == 1024 * 1024 * 1024


@pytest.mark.parametrize("far_cell", ["A200000", "B1000000", "EA2", "AAA1"])
def test_a_stray_cell_far_away_is_refused_before_reading(tmp_path, far_cell):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADINGS))
    sheet.append(line(HEADINGS, **good()))
    sheet[far_cell] = "x"
    path = tmp_path / "far.xlsx"
    workbook.save(path)
    with pytest.raises(UnreadableFile, match="beyond row 199,999 or column DZ"):
        read_inventory(path, CERS_ID)


def test_a_cell_within_the_row_limit_is_read(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADINGS))
    sheet.append(line(HEADINGS, **good()))
    sheet["A199999"] = CERS_ID
    sheet["H199999"] = "Far but allowed"
    path = tmp_path / "tall.xlsx"
    workbook.save(path)
    reading = read_inventory(path, CERS_ID)
    assert [row.row for row in reading.rows] == [2, 199_999]


def test_the_first_visible_worksheet_is_read(tmp_path):
    workbook = openpyxl.Workbook()
    hidden = workbook.active
    hidden.title = "Old"
    hidden.append(["nothing here"])
    hidden.sheet_state = "hidden"
    sheet = workbook.create_sheet("Inventory")
    sheet.append(list(HEADINGS))
    sheet.append(line(HEADINGS, **good()))
    other = workbook.create_sheet("Lists")
    other.append(["CERSID"])
    path = tmp_path / "sheets.xlsx"
    workbook.save(path)
    reading = read_inventory(path, CERS_ID)
    assert reading.problems == []
    assert len(reading.rows) == 1


# --- text the reader would copy into many cells ------------------------------------------


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _with_long_text(tmp_path: Path, text: str, copies: int) -> Path:
    """A workbook whose shared string 0 is `text`, in `copies` cells below two good rows
    (written by hand: openpyxl writes inline strings)."""
    names = list(REQUIRED_HEADINGS)
    heading = "".join(
        f'<c r="{column_letter(at)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for at, name in enumerate(names)
    )
    material = "".join(
        f'<c r="{column_letter(at)}2" t="inlineStr"><is><t>{good()[column_for(name).tag]}</t>'
        "</is></c>"
        for at, name in enumerate(names)
    )
    far = "".join(
        f'<row r="{10 + n // 50}">'
        + "".join(
            f'<c r="{column_letter(70 + c)}{10 + n // 50}" t="s"><v>0</v></c>' for c in range(50)
        )
        + "</row>"
        for n in range(0, copies, 50)
    )
    sheet = (
        f'<worksheet xmlns="{_MAIN}"><sheetData><row r="1">{heading}</row>'
        f'<row r="2">{material}</row>{far}</sheetData></worksheet>'
    )
    path = tmp_path / "long.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
            '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
            'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
            f'Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr(
            "xl/sharedStrings.xml", f'<sst xmlns="{_MAIN}"><si><t>{text}</t></si></sst>'
        )
    return path


def test_a_long_shared_string_in_many_cells_is_refused_as_a_bomb(tmp_path):
    # 1 MB of text in 300 cells: a small file the reader would make 300 MB of text from.
    path = _with_long_text(tmp_path, "abcdefghijklmnopqrstuvwxyz" * 40_330, 300)
    assert path.stat().st_size < 100_000
    with pytest.raises(UnreadableFile, match="decompression bomb"):
        check_file(path)


def test_long_shared_strings_within_the_limit_are_read(tmp_path):
    path = _with_long_text(tmp_path, "x" * 5000, 200)
    assert check_file(path) == "xlsx"
    assert read_inventory(path, CERS_ID).problems == []


def test_an_ods_cell_repeated_with_long_text_is_refused_as_a_bomb(tmp_path):
    text = "abcdefghijklmnopqrstuvwxyz" * 40_330
    path = _ods(tmp_path / "bomb.ods", [list(REQUIRED_HEADINGS), ["x", text]], last_repeated=300)
    with pytest.raises(UnreadableFile, match="decompression bomb"):
        check_file(path)


def test_a_workbook_with_a_zip_encrypted_part_is_refused_as_damaged(tmp_path):
    data = bytearray(_with_long_text(tmp_path, "x", 1).read_bytes())
    header = data.find(b"PK\x01\x02")
    data[header + 8] |= 1  # the central directory says the first part is encrypted
    path = tmp_path / "encrypted.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="could not be read"):
        check_file(path)
