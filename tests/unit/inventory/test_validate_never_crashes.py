"""Property: validation never raises, whatever a row holds, and its findings are well formed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cers_app.inventory import rules, thresholds
from cers_app.inventory.fields import FIELDS
from cers_app.inventory.values import clean

_codes = [code for field in FIELDS for code, _ in field.codes]
_values = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="0123456789.,-+eE ", max_size=25),
    st.sampled_from([*_codes, "", "Y", "N", "y", "yes", "0", "-0", "NaN", "1e999", "∞"]),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(min_size=480, max_size=2100),
)
_rows = st.dictionaries(
    st.sampled_from([*(field.tag for field in FIELDS), "Unknown", ""]), _values, max_size=40
)
_levels = st.sampled_from([*rules.LEVELS, "", "bogus"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(row=_rows, location=_levels, container=_levels, gas=_levels)
def test_random_rows_never_crash_validation(row, location, container, gas):
    chosen = rules.RuleSettings(location, container, gas)

    found = rules.validate(row, chosen)

    tags = {field.tag for field in FIELDS}
    for finding in found:
        assert finding.code in rules.RULE_BY_CODE
        assert finding.level in rules.LEVELS
        assert finding.fields and set(finding.fields) <= tags
        assert finding.message


@settings(max_examples=300, deadline=None)
@given(row=_rows)
def test_cleaning_never_crashes_and_clean_rows_stay_clean(row):
    cleaned, errors = clean(row)

    assert set(cleaned) == {field.tag for field in FIELDS}
    assert set(errors) <= set(cleaned)
    if not errors:
        # What can be stored is judged without any 1027/1029/length finding.
        codes = {f.code for f in rules.validate(cleaned)}
        assert not codes & {"1027", "HMI-LENGTH"}
        again, still = clean(cleaned)
        assert (again, still) == (cleaned, {})


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(_rows, max_size=6))
def test_threshold_sentences_never_crash(rows):
    materials = [thresholds.material_of(n, row) for n, row in enumerate(rows, 1)]

    sentences = thresholds.assess(materials)

    assert set(sentences) == {n for n in range(1, len(rows) + 1)}
    assert all(
        s.startswith((thresholds.REPORTABLE, thresholds.NOT_REPORTABLE, thresholds.UNKNOWN))
        for s in sentences.values()
    )
