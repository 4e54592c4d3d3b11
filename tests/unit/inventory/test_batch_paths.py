"""Properties: the import's ways of doing a batch of rows at once give what the row-by-row
ways give. Checking rows a column at a time (`rules.validate_rows`), reading a row's
stored columns without a loop (`findings.columns_of_items`), cleaning a column of number
cells at once and writing staged rows as JSON text are held to the plain ways on random
input. The staging writer's shorter switch interval is set back afterwards."""

from __future__ import annotations

import gc
import json
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cers_app.inventory import findings, import_plan, importing, rules, sheet_read, values
from cers_app.inventory.fields import CODE, DECIMAL, FIELDS, INTEGER, TAGS, YESNO
from cers_app.inventory.values import text_of

_NUMBER_FIELDS = [field for field in FIELDS if field.kind in (DECIMAL, INTEGER)]
_NUMBER_TAGS = [field.tag for field in _NUMBER_FIELDS]
_CODED = [field for field in FIELDS if field.kind in (CODE, YESNO)]

# Values near every bound a rule draws: percentages around 0.01, 100 and their sum, days
# around 1 and 365, amounts equal or just over one another, numbers that are not plain.
_numbers = st.one_of(
    st.sampled_from(
        ["", "0", "0.01", "0.009", "0.0100", "100", "100.00", "100.001", "99.99", "50", "50.01"]
    ),
    st.sampled_from(["1", "0.5", "365", "366", "364.9", "45", "1,500", "-3", "1e3", "12.5.1"]),
    st.sampled_from(["33.34", "33.33", "0.1", "0.10000000000000001", "9" * 16, "007", " 5"]),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(str),
    st.integers(min_value=0, max_value=400).map(str),
    st.text(alphabet="0123456789.,- \n", max_size=8),
)
_other = st.one_of(
    st.sampled_from(["", "Y", "N", "y", "x", "a", "b", "c", "3", "7664-93-9", "7664-93-8"]),
    st.sampled_from(["124-38-9", "Propane", "Liquid nitrogen", "x" * 600, "Warehouse"]),
    st.text(max_size=5),
)


@st.composite
def _rows(draw) -> dict[str, str]:
    """A row as `values.row_of` reads it (every field as text), mostly valid."""
    row = dict.fromkeys(TAGS, "")
    for tag in draw(st.sets(st.sampled_from(TAGS), max_size=40)):
        row[tag] = draw(_numbers if tag in _NUMBER_TAGS else _other)
    for field in _CODED:
        if draw(st.booleans()):
            row[field.tag] = draw(st.sampled_from([code for code, _ in field.codes]))
    return row


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_rows(), max_size=8), lenient=st.booleans())
def test_rows_checked_together_get_the_findings_each_gets_alone(rows, lenient):
    chosen = (
        rules.RuleSettings(rules.ADVISORY, rules.WARNING, rules.REQUIRED)
        if lenient
        else rules.DEFAULT_SETTINGS
    )

    assert rules.validate_rows(rows, chosen) == [rules.validate_row(row, chosen) for row in rows]


def test_rows_without_every_field_are_checked_one_by_one():
    rows = [values.row_of({"CommonName": "Acetone"}), {"CommonName": "Acetone"}, {}]

    assert rules.validate_rows(rows) == [rules.validate_row(row) for row in rows]
    assert rules.validate_rows([]) == []


def test_every_rule_has_a_quick_look_and_findings_keep_catalogue_order():
    empty = values.row_of({})

    assert set(rules._suspects([empty])) == {rule.code for rule in rules.RULES}
    found = rules.validate_rows([empty, empty])
    assert [f.code for f in found[1]] == [f.code for f in rules.validate_row(empty)]


_loose = st.one_of(
    st.sampled_from(["", " ", "N", "Y", " N", "n", "x ", "\u00a0y\u2028", "12.5"]),
    st.text(max_size=4),
    st.integers(),
    st.none(),
)


def _columns_by_loop(given: dict) -> tuple[dict, dict]:
    """`findings.columns_of` as it was written first: one field at a time."""
    data: dict = {}
    row = dict.fromkeys(TAGS, "")
    for tag, value in given.items():
        if value and tag in row and not (value == "N" and tag in findings._FLAGS):
            data[tag] = value
            row[tag] = value.strip() if value.__class__ is str else text_of(value)
    return {"data": data, **findings._typed_columns(row)}, row


@settings(max_examples=400, deadline=None)
@given(given_values=st.dictionaries(st.sampled_from([*TAGS, "Unknown"]), _loose, max_size=60))
def test_stored_columns_are_read_as_field_by_field(given_values):
    columns, row = findings.columns_of(given_values)
    expected_columns, expected_row = _columns_by_loop(given_values)

    assert (columns, row) == (expected_columns, expected_row)
    assert list(columns["data"]) == list(expected_columns["data"])
    assert list(row) == list(expected_row)


@settings(max_examples=300, deadline=None)
@given(
    cells=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.floats(min_value=0, max_value=1e16).map(lambda x: round(x, 2)),
            st.integers(min_value=0, max_value=10**16).map(float),
            st.sampled_from([0.0, -0.0, 0.01, 1e-05, 1e15, 999999999999999.9, 9999.99]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_a_column_of_number_cells_cleans_as_each_cell_does(cells):
    for field in _NUMBER_FIELDS:
        quick = sheet_read._float_column(field)(cells)
        if quick is not None:
            assert quick == [sheet_read._float_number(field)(cell) for cell in cells]


def test_common_number_columns_take_the_quick_way():
    amount = next(field for field in _NUMBER_FIELDS if field.tag == "MaximumDailyAmount")
    days = next(field for field in _NUMBER_FIELDS if field.tag == "DaysOnSite")

    assert sheet_read._float_column(amount)([1500.0, 12.5, 0.42, 0.0]) == [
        "1500",
        "12.5",
        "0.42",
        "0",
    ]
    assert sheet_read._float_column(days)([30.0, 365.0]) == ["30", "365"]
    assert sheet_read._float_column(days)([30.5]) is None
    assert sheet_read._float_column(amount)([-1.0]) is None


@settings(max_examples=200, deadline=None)
@given(
    given_values=st.one_of(
        st.dictionaries(st.sampled_from(TAGS), st.text(max_size=6), max_size=20),
        st.lists(st.text(max_size=6), min_size=len(TAGS), max_size=len(TAGS)).map(
            lambda texts: dict(zip(TAGS, texts, strict=True))
        ),
    )
)
def test_a_staged_row_is_the_json_its_values_make(given_values):
    staged = import_plan.staged_json(given_values)

    assert staged == json.dumps(import_plan.staged_values(given_values))
    data = json.loads(staged)
    assert import_plan._added_columns(data) == findings.columns_of(import_plan.staged_given(data))


def test_the_switch_interval_is_set_back_after_the_last_staging_ends():
    before = sys.getswitchinterval()
    quick = min(before, importing.QUICK_SWITCH_SECONDS)

    with importing._quick_handover():
        with importing._quick_handover():
            assert sys.getswitchinterval() == quick
        assert sys.getswitchinterval() == quick
    assert sys.getswitchinterval() == before


def test_the_collector_is_paused_while_any_import_runs_and_resumed_only_if_it_ran():
    assert gc.isenabled()
    with importing._collector_paused():
        with importing._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()

    gc.disable()
    try:
        with importing._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # it was off before: left off
    finally:
        gc.enable()
