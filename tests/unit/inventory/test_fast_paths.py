"""Properties: the quick ways of reading, cleaning and checking rows give what the plain
ways give. The import takes the quick ways for every row of a big file; these tests hold
them to the plain ones (cell by cell, field by field) on random input."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal
from types import MappingProxyType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cers_app.inventory import rules, sheet_read, thresholds, values
from cers_app.inventory.fields import DECIMAL, FIELDS, INTEGER, TEXT
from cers_app.inventory.sheet_columns import COLUMNS
from cers_app.inventory.sheet_read import _Cleaner, _Columns, _float_number, _Mapped

_NUMBER_FIELDS = [field for field in FIELDS if field.kind in (DECIMAL, INTEGER)]
_CODES = [code for field in FIELDS for code, _ in field.codes]
_LABELS = [label for field in FIELDS for _, label in field.codes]
_TAGS = [field.tag for field in FIELDS]


@settings(max_examples=600, deadline=None)
@given(
    number=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(min_value=0, max_value=1e6).map(lambda x: round(x, 2)),
        st.integers(min_value=0, max_value=10**16).map(float),
    )
)
def test_a_number_cell_cleans_straight_from_its_float(number):
    for field in _NUMBER_FIELDS:
        quick = _float_number(field)(number)
        value, problem = values.clean_value(field, sheet_read.cell_text(number))
        if quick is not None:
            assert (quick, "") == (value, problem)


def test_common_number_cells_take_the_quick_way():
    amount = next(field for field in _NUMBER_FIELDS if field.tag == "MaximumDailyAmount")
    quick = _float_number(amount)
    assert [quick(x) for x in (1500.0, 12.5, 0.42, 30498.08, 0.0)] == [
        "1500",
        "12.5",
        "0.42",
        "30498.08",
        "0",
    ]
    assert [quick(x) for x in (-1.0, 1e-05, 1e16, float("nan"))] == [None] * 4


_cells = st.one_of(
    st.sampled_from(["", " ", "Y", "N", "yes", " no ", "TRUE", "x", "0", "1", "07", "7"]),
    st.sampled_from(_CODES + _LABELS + [label.upper() for label in _LABELS]),
    st.sampled_from(["7664-93-9", "7664939", " 64-17-5 ", "7664-93-8", "abc", "1,500", "1e3"]),
    st.text(alphabet="0123456789.,- ", max_size=18),
    st.text(max_size=12),
    st.sampled_from(["a\x01b", "\x1fY", "Y\x0b", "x\ufffe", "é", "x" * 600]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.booleans(),
    st.none(),
    st.sampled_from(
        [datetime.datetime(2024, 1, 2), datetime.date(2024, 5, 6), datetime.time(3, 4)]
    ),
)


def _mapped() -> list[_Mapped]:
    fields = {field.tag: field for field in FIELDS}
    return [
        _Mapped(index, column.tag, "", column.heading, fields.get(column.tag))
        for index, column in enumerate(COLUMNS)
    ]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(_cells, min_size=len(COLUMNS), max_size=len(COLUMNS)), max_size=12))
def test_cleaning_by_columns_agrees_with_cleaning_cell_by_cell(rows):
    mapped = _mapped()
    cleaned, doubtful = _Columns(mapped).clean(rows)
    one_by_one = _Cleaner(mapped)

    assert len(cleaned) == len(rows)
    for position, cells in enumerate(rows):
        texts, stored, errors = one_by_one.clean(cells)
        wrong = bool(errors) or bool(sheet_read._ILLEGAL.search("".join(texts.values())))
        assert (position in doubtful) == wrong
        if not wrong:
            assert cleaned[position] == stored
            assert list(cleaned[position]) == list(stored)  # the same order of fields


def test_cleaning_by_columns_fills_the_columns_a_sheet_lacks():
    kept = [item for item in _mapped() if item.tag in ("CERSID", "CommonName", "Units")]
    mapped = [_Mapped(at, item.tag, "", item.heading, item.field) for at, item in enumerate(kept)]
    cleaned, doubtful = _Columns(mapped).clean([["1", "Acetone", "gallons"]])

    assert doubtful == set()
    assert cleaned[0] == {**values.clean({})[0], "CommonName": "Acetone", "Units": "a"}


_texts = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", " ", "  Y ", "\tx\n", "7664-93-9", "1,500", "12.50"]),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
)


@settings(max_examples=300, deadline=None)
@given(row=st.dictionaries(st.sampled_from([*_TAGS, "Unknown", ""]), _texts, max_size=30))
def test_a_plain_dict_is_read_as_any_mapping_is(row):
    assert values.row_of(row) == values.row_of(MappingProxyType(row))
    assert list(values.row_of(row)) == _TAGS


@settings(max_examples=500, deadline=None)
@given(
    whole=st.text(alphabet="0123456789", min_size=1, max_size=12),
    fraction=st.one_of(st.none(), st.text(alphabet="0123456789", min_size=1, max_size=8)),
)
def test_plain_numbers_count_their_digits_as_decimal_does(whole, fraction):
    text = whole if fraction is None else f"{whole}.{fraction}"

    assert values._digits_of_plain(whole, fraction) == values.digits_of(Decimal(text))
    for field in _NUMBER_FIELDS:
        number, problem = values.read_number(field, text)
        stored, why = values.clean_value(field, text)
        assert why == problem
        if not problem:
            assert (number, stored) == (Decimal(text), values.plain(Decimal(text)))


def test_an_empty_amount_is_no_number():
    assert values.parse_number("") is None
    assert values.parse_number(" 1,500 ") == Decimal(1500)


_rule_values = st.one_of(
    st.sampled_from([*_CODES, "", "Y", "N", "x" * 600, "7664-93-9", "12", "-3", "1e3"]),
    st.text(max_size=6),
    st.none(),
    st.integers(),
)


@settings(max_examples=300, deadline=None)
@given(row=st.dictionaries(st.sampled_from(_TAGS), _rule_values, max_size=40))
def test_the_quick_checks_of_codes_and_lengths_miss_nothing(row):
    checked = rules.Row(row)
    code_wrong = any(
        (value := row.get(tag, "")) and value not in allowed
        for tag, allowed in rules._ALLOWED.items()
    )
    if rules._all_allowed(checked):
        assert not code_wrong
    texts = [field for field in FIELDS if field.kind == TEXT and field.max_length]
    if all(isinstance(row.get(field.tag, ""), str) for field in texts):
        too_long = any(len(row.get(field.tag, "")) > field.max_length for field in texts)
        assert rules._all_short(checked) == (not too_long)


def test_rule_levels_follow_the_settings_of_each_call():
    row = values.row_of({"CommonName": "Acetone"})
    lenient = rules.RuleSettings(location_level=rules.ADVISORY)

    levels = [
        {f.level for f in rules.validate_row(row, chosen) if f.code == "HMI-LOCATION"}
        for chosen in (rules.DEFAULT_SETTINGS, lenient, rules.DEFAULT_SETTINGS)
    ]

    assert levels == [{rules.REQUIRED}, {rules.ADVISORY}, {rules.REQUIRED}]


def test_material_keys_are_remembered_without_changing_them():
    first = [thresholds.material_key(f"{n}-00-5", f"Name {n}") for n in range(2, 5000)]
    again = [thresholds.material_key(f"{n}-00-5", f"Name {n}") for n in range(2, 5000)]

    assert first == again
    assert thresholds.material_key("7664-93-9", "") == "cas:7664-93-9"
    assert thresholds.material_key("7664939", "Sulfuric acid") == "cas:7664-93-9"
    assert thresholds.material_key("", "  Sulfuric Acid, 93% ") == "name:sulfuric acid 93"
    assert thresholds.material_key(None, None) == ""  # type: ignore[arg-type]


def test_lubricating_oils_are_told_apart_by_name_every_time():
    oil = values.row_of({"CommonName": "Motor oil 10W-30", "PhysicalState": "b"})
    used = values.row_of({"CommonName": "Used motor oil", "PhysicalState": "b"})

    for _ in range(2):
        assert thresholds.classify_row(oil) == thresholds.LUBRICATING_OIL
        assert thresholds.classify_row(used) == ""


def test_a_sheet_longer_than_a_chunk_hands_over_rows_and_problems_in_order(tmp_path):
    """Rows are checked a chunk at a time, yet each batch arrives with the problems of the
    rows above its last row, and of no row below it."""
    path = tmp_path / "long.csv"
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["CERSID", "CommonName", "EHS", "PhysicalState", "Units", "DaysOnSite"])
        for n in range(1, 1300):
            if n % 97 == 0:
                writer.writerow(["", "", "", "", "", ""])  # blank: skipped
            elif n % 41 == 0:
                writer.writerow(["1", f"Material {n}", "maybe", "b", "a", "30"])  # bad Yes/No
            elif n % 89 == 0:
                writer.writerow(["2", f"Material {n}", "N", "b", "a", "30"])  # another facility
            else:
                writer.writerow(["1", f"Material {n}", "N", "liquid", "gallons", str(n % 400)])
    batches: list[tuple[list[int], list[int]]] = []

    def on_batch(batch, reading):
        batches.append(([row.row for row in batch], [p.row for p in reading.problems]))

    whole = sheet_read.read_inventory(path, "1")
    reading = sheet_read.read_inventory(path, "1", on_batch=on_batch, batch_rows=128)

    assert [row for rows, _ in batches for row in rows] == [row.row for row in whole.rows]
    assert [len(rows) for rows, _ in batches[:-1]] == [128] * (len(batches) - 1)
    all_problems = [p.row for p in whole.problems if p.row]
    assert [p.row for p in reading.problems if p.row] == all_problems
    for rows, problems in batches:
        assert problems == [row for row in all_problems if row < rows[-1]]
    assert (reading.data_rows, reading.bad_rows) == (whole.data_rows, whole.bad_rows)
