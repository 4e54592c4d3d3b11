"""The workbooks we write: the template, the inventory export and the marked upload, read
back with openpyxl (and python-calamine, which reads uploads)."""

from __future__ import annotations

import io

import openpyxl
from python_calamine import CalamineWorkbook

from cers_app.inventory import sheet_write
from cers_app.inventory.fields import CODE, FIELD_BY_TAG, FLAG, YESNO
from cers_app.inventory.sheet_columns import (
    COLUMNS,
    HEADINGS,
    INSTRUCTION_LINES,
    REQUIRED_HEADINGS,
    column_letter,
)
from cers_app.inventory.sheet_read import SheetProblem

HEADER_ROW = len(INSTRUCTION_LINES) + 1
LETTER = {column.tag: column_letter(index) for index, column in enumerate(COLUMNS)}
LETTER_INDEX = {column.tag: index for index, column in enumerate(COLUMNS)}


def _template() -> openpyxl.Workbook:
    out = io.BytesIO()
    sheet_write.template_workbook(out)
    out.seek(0)
    return openpyxl.load_workbook(out)


def _export(rows, cers_id="10123456") -> io.BytesIO:
    out = io.BytesIO()
    sheet_write.inventory_workbook(out, cers_id, rows)
    out.seek(0)
    return out


def _coded(tag: str) -> bool:
    field = FIELD_BY_TAG.get(tag)
    return field is not None and field.kind in (CODE, YESNO, FLAG)


def _list_choices(wb: openpyxl.Workbook, formula: str) -> list[str]:
    sheet, cells = formula.split("!")
    return [cell.value for (cell,) in wb[sheet][cells.replace("$", "")]]


def _validation_by_column(ws) -> dict[str, str]:
    """Column letter -> the list formula of the validation covering its first data cell."""
    found: dict[str, str] = {}
    for validation in ws.data_validations.dataValidation:
        assert validation.type == "list"
        for cells in validation.sqref.ranges:
            assert cells.min_col == cells.max_col
            assert cells.min_row == HEADER_ROW + 1
            assert cells.max_row == 1_048_576
            found[column_letter(cells.min_col - 1)] = validation.formula1
    return found


def test_template_has_instructions_then_the_headings_with_cersid_first() -> None:
    wb = _template()
    assert wb.sheetnames == ["Inventory", "Lists", "Instructions"]
    ws = wb["Inventory"]
    assert [ws.cell(row, 1).value for row in range(1, HEADER_ROW)] == list(INSTRUCTION_LINES)
    headings = [cell.value for cell in ws[HEADER_ROW]]
    assert headings == list(HEADINGS)
    assert headings[0] == "CERSID"
    assert ws.max_row == HEADER_ROW
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}"
    assert ws.cell(HEADER_ROW, 1).font.bold


def test_template_lists_are_hidden_and_feed_a_drop_down_for_every_coded_column() -> None:
    wb = _template()
    assert wb["Lists"].sheet_state == "hidden"
    formulas = _validation_by_column(wb["Inventory"])
    coded = {LETTER[column.tag] for column in COLUMNS if _coded(column.tag)}
    assert set(formulas) == coded
    for column in COLUMNS:
        if not _coded(column.tag):
            continue
        labels = [label for _, label in FIELD_BY_TAG[column.tag].codes]
        assert _list_choices(wb, formulas[LETTER[column.tag]]) == labels, column.tag
    units = _list_choices(wb, formulas[LETTER["Units"]])
    assert units == ["Gallons", "Cubic feet", "Pounds", "Tons"]
    assert _list_choices(wb, formulas[LETTER["EHS"]]) == ["Yes", "No"]


def test_instructions_sheet_describes_every_column() -> None:
    ws = _template()["Instructions"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:5] == ("Column", "Heading", "Also accepted", "CERS field", "Required")
    by_heading = {row[1]: row for row in rows[1:]}
    assert list(by_heading) == list(HEADINGS)
    for column in COLUMNS:
        letter, _, aliases, _, required, what, choices = by_heading[column.heading]
        assert letter == LETTER[column.tag]
        assert (required == "Yes") == (column.heading in REQUIRED_HEADINGS)
        assert what
        for alias in column.aliases:
            assert alias in aliases
        if _coded(column.tag):
            for code, label in FIELD_BY_TAG[column.tag].codes:
                assert f"{code} = {label}" in choices
    assert by_heading["Units"][3] == "221 Units"
    assert by_heading["MapNumber"][5].startswith("Text, up to 15 characters.")
    assert by_heading["DOTHazClassID"][2] == "DOTHazardClassificationID, DOT hazard class"


def test_inventory_keeps_text_as_text_and_numbers_as_numbers() -> None:
    row = {
        "CommonName": "=SUM(A1) & <tag>",
        "ChemicalLocation": "  Bay 3  ",
        "MapNumber": "007",
        "GridNumber": "0012",
        "CASNumber": "7664-93-9",
        "EHS": "Y",
        "PhysicalState": "b",
        "Units": "a",
        "MaximumDailyAmount": "1500",
        "AverageDailyAmount": "12.25",
        "DaysOnSite": "365",
        "CCLID": "1234567890",
        "PFCodeHazardClass": "7",
        "DOTHazardClassificationID": "2.1",
        "SCOther": "N",
    }
    wb = openpyxl.load_workbook(_export([row, {"CommonName": "Second"}]))
    ws = wb["Inventory"]
    assert ws.max_row == HEADER_ROW + 2
    assert [cell.value for cell in ws[HEADER_ROW]] == list(HEADINGS)
    cells = {column.tag: ws.cell(HEADER_ROW + 1, index + 1) for index, column in enumerate(COLUMNS)}
    assert cells["CERSID"].value == "10123456"
    for tag in ("CommonName", "ChemicalLocation", "MapNumber", "GridNumber", "CASNumber"):
        assert cells[tag].data_type == "s", tag
        assert cells[tag].value == row[tag], tag
    for tag in ("EHS", "PhysicalState", "Units", "PFCodeHazardClass", "DOTHazardClassificationID"):
        assert cells[tag].value == row[tag], tag
        assert cells[tag].data_type == "s", tag
    assert cells["MaximumDailyAmount"].value == 1500
    assert cells["AverageDailyAmount"].value == 12.25
    assert cells["DaysOnSite"].value == 365
    assert cells["CCLID"].value == 1234567890
    assert cells["Curies"].value is None
    second = [cell.value for cell in ws[HEADER_ROW + 2]]
    assert second[0] == "10123456"
    assert second[LETTER_INDEX["CommonName"]] == "Second"
    assert sum(value is not None for value in second) == 2
    # The export has the template's drop-downs and sheets too.
    assert wb.sheetnames == ["Inventory", "Lists", "Instructions"]
    assert _validation_by_column(ws).keys() == {
        LETTER[column.tag] for column in COLUMNS if _coded(column.tag)
    }


def test_inventory_reads_back_with_calamine_as_written() -> None:
    rows = [
        {"CommonName": f"Material {n} — ✓ ü", "MapNumber": f"{n:03d}", "MaximumDailyAmount": "2.5"}
        for n in range(300)
    ]
    out = _export(rows)
    sheet = CalamineWorkbook.from_filelike(out).get_sheet_by_index(0).to_python()
    data = sheet[HEADER_ROW:]
    assert len(data) == 300
    assert data[7][LETTER_INDEX["CommonName"]] == "Material 7 — ✓ ü"
    assert data[7][LETTER_INDEX["MapNumber"]] == "007"
    assert data[7][LETTER_INDEX["MaximumDailyAmount"]] == 2.5


def test_inventory_to_a_path(tmp_path) -> None:
    path = tmp_path / "inventory.xlsx"
    sheet_write.inventory_workbook(path, "10000001", [{"CommonName": "Acetone"}])
    ws = openpyxl.load_workbook(path)["Inventory"]
    assert ws.cell(HEADER_ROW + 1, LETTER_INDEX["CommonName"] + 1).value == "Acetone"


def _marked(rows, problems) -> openpyxl.Workbook:
    out = io.BytesIO()
    sheet_write.marked_workbook(out, rows, problems)
    out.seek(0)
    return openpyxl.load_workbook(out)


def test_marked_workbook_fills_and_comments_each_problem_cell() -> None:
    rows = [
        ["Instructions"],
        ["CERSID", "CommonName", "Units", "MaximumDailyAmount"],
        ["10123456", "Acetone", "pints", "12"],
        ["10123456", "Bleach", "Gallons", "lots"],
        ["99999999", "Diesel", "a", "5"],
        ["10123456", "=SUM(A1)", "a", "  7 "],
    ]
    problems = [
        SheetProblem(0, "", "", "no_matching_rows", "A file-level problem."),
        SheetProblem(3, "C", "Units", "unknown_code", 'Row 3, column C (Units): "pints".'),
        SheetProblem(4, "D", "MaximumDailyAmount", "bad_number", "Row 4, column D: a number."),
        SheetProblem(4, "D", "MaximumDailyAmount", "too_long", "Row 4, column D: too long."),
        SheetProblem(5, "", "", "cersid_mismatch", "Row 5: CERSID 99999999 is not this one."),
        SheetProblem(6, "F", "Extra", "illegal_characters", "Row 6, column F: past the end."),
    ]
    wb = _marked(rows, problems)
    assert wb.sheetnames == ["Inventory", "Problems"]
    ws = wb["Inventory"]
    assert [[cell.value for cell in row] for row in ws.iter_rows(max_row=5, max_col=4)] == [
        ["Instructions", None, None, None],
        ["CERSID", "CommonName", "Units", "MaximumDailyAmount"],
        ["10123456", "Acetone", "pints", "12"],
        ["10123456", "Bleach", "Gallons", "lots"],
        ["99999999", "Diesel", "a", "5"],
    ]
    commented = {
        cell.coordinate: cell.comment.text
        for row in ws.iter_rows()
        for cell in row
        if cell.comment is not None
    }
    assert commented == {
        "C3": 'Row 3, column C (Units): "pints".',
        "D4": "Row 4, column D: a number.\nRow 4, column D: too long.",
        "A5": "Row 5: CERSID 99999999 is not this one.",
        "F6": "Row 6, column F: past the end.",
    }
    for coordinate in commented:
        assert ws[coordinate].fill.fgColor.rgb == "FFFFC7CE", coordinate
    assert ws["B3"].fill.fill_type is None
    assert ws["C4"].fill.fill_type is None
    assert ws["B6"].value == "=SUM(A1)"
    assert ws["B6"].data_type == "s"
    assert ws["D6"].value == "  7 "

    listed = list(wb["Problems"].iter_rows(values_only=True))
    assert listed[0] == ("Row", "Column", "Heading", "Problem", "Message")
    assert len(listed) == len(problems) + 1
    assert listed[1] == (None, None, None, "no_matching_rows", "A file-level problem.")
    assert listed[2] == (3, "C", "Units", "unknown_code", 'Row 3, column C (Units): "pints".')


def test_marked_workbook_writes_text_a_workbook_cannot_hold() -> None:
    rows = [
        ["CERSID", "CommonName"],
        ["10123456", "Bad\x01name"],
        ["10123456", "Also\x02bad\uffff"],
        ["10123456", "Two\r\nlines & <more>"],
    ]
    problems = [SheetProblem(2, "B", "CommonName", "illegal_characters", "Row 2: a control.")]
    ws = _marked(rows, problems)["Inventory"]
    assert ws["B2"].value == "Bad\ufffdname"
    assert ws["B3"].value == "Also\ufffdbad\ufffd"
    assert ws["B4"].value == "Two\r\nlines & <more>"
    assert ws["B2"].comment.text == "Row 2: a control."


def test_marked_workbook_keeps_every_row_in_place_with_calamine() -> None:
    rows = [["CERSID", "CommonName"]] + [["10123456", f"{n:05d}"] for n in range(2000)]
    problems = [SheetProblem(1500, "B", "CommonName", "too_long", "Row 1500: too long.")]
    out = io.BytesIO()
    sheet_write.marked_workbook(out, iter(rows), problems)
    out.seek(0)
    read = CalamineWorkbook.from_filelike(out).get_sheet_by_index(0).to_python()
    assert read == rows
