"""Export then read back: every field of every row comes back as stored, edge values too."""

from __future__ import annotations

from cers_app.inventory import sheet_write
from cers_app.inventory.fields import (
    CODE,
    CONTAINER_TAGS,
    FIELDS,
    FIRE_CODE_TAGS,
    FLAG,
    HAZARD_TAGS,
    TEXT,
    YESNO,
)
from cers_app.inventory.sheet_read import read_inventory
from cers_app.inventory.values import clean

CERS_ID = "10123456"


def _longest(tag: str) -> str:
    """Text of the field's maximum length, unicode included."""
    length = next(field.max_length for field in FIELDS if field.tag == tag)
    assert length is not None
    return ("Ü—✓ 硫酸 " * length)[: length - 1] + "Z"


def _full_row() -> dict[str, str]:
    """Every field filled: text at its maximum length, the last code of each list, every
    flag and Yes/No set, numbers with two decimals."""
    row: dict[str, str] = {}
    for field in FIELDS:
        if field.kind == TEXT:
            row[field.tag] = _longest(field.tag)
        elif field.kind in (YESNO, FLAG):
            row[field.tag] = "Y"
        elif field.kind == CODE:
            row[field.tag] = field.codes[-1][0]
    row.update(
        CASNumber="7664-93-9",
        **{f"HC{n}CAS": "64-17-5" for n in range(1, 6)},
        **{f"HC{n}PercentByWeight": "19.99" for n in range(1, 6)},
        MapNumber="007",
        GridNumber="000000000000015",
        CCLID="1234567890",
        Curies="12345678.25",
        LargestContainer="99999999999.99",
        AverageDailyAmount="1234567890123.45",
        MaximumDailyAmount="1234567890123.45",
        AnnualWasteAmount="0.01",
        DaysOnSite="365",
    )
    return row


EDGE_ROWS: list[dict[str, str]] = [
    _full_row(),
    {  # as typed: CAS numbers without dashes, labels and loose Yes/No
        "CommonName": "Sulfuric acid 98 %",
        "CASNumber": "7664939",
        "HC1CAS": "64175",
        "EHS": "Y",
        "PhysicalState": "b",
        "MaximumDailyAmount": "0.5",
        "Units": "a",
        "MapNumber": "0",
        "GridNumber": "A-01",
    },
    {  # the least a row can be, every flag left N
        "CommonName": "=SUM(A1) <not a formula> & more",
        "EHS": "N",
        "PhysicalState": "a",
        "MaximumDailyAmount": "500",
        "Units": "c",
        **{tag: "N" for tag in HAZARD_TAGS + CONTAINER_TAGS},
    },
    {  # first codes of every list, multi-line text and unicode names
        **{field.tag: field.codes[0][0] for field in FIELDS if field.kind == CODE},
        **{tag: str(n) for n, tag in enumerate(FIRE_CODE_TAGS, start=1)},
        "CommonName": "Ácido clorhídrico — 塩酸 ✓ 🧪",
        "ChemicalLocation": "Building 1\nBay 3",
        "ChemicalDescriptionComment": "Line one\nLine two\twith a tab",
        "EHS": "N",
        "MaximumDailyAmount": "1,500",
        "AverageDailyAmount": "12.5",
        "DaysOnSite": "1",
    },
]


def test_export_then_read_gives_every_field_back(tmp_path) -> None:
    path = tmp_path / "inventory.xlsx"
    sheet_write.inventory_workbook(path, CERS_ID, EDGE_ROWS)
    reading = read_inventory(path, CERS_ID)

    assert reading.problems == []
    assert reading.data_rows == len(EDGE_ROWS)
    assert len(reading.rows) == len(EDGE_ROWS)
    for typed, read in zip(EDGE_ROWS, reading.rows, strict=True):
        stored, errors = clean(typed)
        assert errors == {}
        for field in FIELDS:
            assert read.values[field.tag] == stored[field.tag], (read.row, field.tag)
        assert read.present >= {field.tag for field in FIELDS}

    first, typed, least, _ = reading.rows
    assert first.values["MapNumber"] == "007"
    assert first.values["CommonName"] == _longest("CommonName")
    assert len(first.values["AdditionalMixtureComponents"]) == 2000
    assert first.values["MaximumDailyAmount"] == "1234567890123.45"
    assert first.values["HC3PercentByWeight"] == "19.99"
    assert typed.values["CASNumber"] == "7664-93-9"
    assert typed.values["HC1CAS"] == "64-17-5"
    assert least.values["CommonName"] == "=SUM(A1) <not a formula> & more"


def test_a_stored_inventory_round_trips_twice_unchanged(tmp_path) -> None:
    """Export, read, export what was read, read again: the same values both times."""
    stored = [clean(row)[0] for row in EDGE_ROWS]
    first = tmp_path / "first.xlsx"
    sheet_write.inventory_workbook(first, CERS_ID, stored)
    once = [row.values for row in read_inventory(first, CERS_ID).rows]
    second = tmp_path / "second.xlsx"
    sheet_write.inventory_workbook(second, CERS_ID, once)
    twice = [row.values for row in read_inventory(second, CERS_ID).rows]
    assert once == stored
    assert twice == stored


def test_template_reads_as_an_empty_inventory(tmp_path) -> None:
    path = tmp_path / "template.xlsx"
    sheet_write.template_workbook(path)
    reading = read_inventory(path, CERS_ID)
    assert reading.rows == []
    assert all(problem.code == "no_matching_rows" for problem in reading.problems)
