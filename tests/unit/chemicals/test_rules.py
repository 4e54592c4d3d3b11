"""CAS numbers, search keys, regulatory quantities and derived states: pure rules."""

from __future__ import annotations

import pytest

from cers_app.chemicals import hazards, rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7732-18-5", "7732-18-5"),
        ("7732185", "7732-18-5"),
        ("  7664-93-9 ", "7664-93-9"),
        ("7664\u201193\u20109", "7664-93-9"),  # non-breaking and Unicode hyphens from a PDF
        ("7664 \u2013 93 \u2013 9", "7664-93-9"),
        ("0007732-18-5", "7732-18-5"),  # zero-padded, as some exports print it
        ("50-00-0", "50-00-0"),
        ("50000", "50-00-0"),
        ("1330-20-7", "1330-20-7"),
    ],
)
def test_it_normalises_a_cas_number_written_any_usual_way(text, expected):
    assert rules.normalise_cas(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "7732-18-4",  # wrong check digit
        "64-17-6",
        "00-00-0",  # all zeros passes the arithmetic but is no number
        "7732-1-85",
        "7-18-5",
        "1234",  # too short to hold a CAS number
        "12345678901",  # too long
        "water",
        "",
        "7732_18_5",
    ],
)
def test_it_refuses_a_malformed_cas_number(text):
    assert rules.normalise_cas(text) is None


def test_it_refuses_a_value_that_is_not_text():
    assert rules.normalise_cas(None) is None  # type: ignore[arg-type]
    assert rules.normalise_cas(7732185) is None  # type: ignore[arg-type]


def test_the_check_digit_needs_the_dashed_form():
    assert rules.cas_check_digit_ok("7732-18-5")
    assert not rules.cas_check_digit_ok("7732-18-6")
    assert not rules.cas_check_digit_ok("7732185")
    assert not rules.cas_check_digit_ok("")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sodium Hydroxide, 50% Solution", "sodium hydroxide 50 solution"),
        ("\u03b1-Pinene", "alpha pinene"),
        ("2,4-D", "2 4 d"),
        ("  Motor   OIL ", "motor oil"),
        ("Caf\u00e9ine", "cafeine"),
        ("%_", ""),  # wildcard characters never reach a LIKE or range query
        ("", ""),
    ],
)
def test_a_search_key_is_lower_case_ascii_words(text, expected):
    assert rules.normalise_name(text) == expected


def test_word_keys_start_at_each_later_word_worth_typing():
    assert rules.word_keys("sodium hypochlorite solution") == ["hypochlorite solution", "solution"]
    assert rules.word_keys("2 methyl 1 propanol") == ["methyl 1 propanol", "propanol"]
    assert rules.word_keys("motor oil") == ["oil"]
    assert rules.word_keys("acetone") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500", (500.0, None)),
        ("500/10,000", (500.0, 10000.0)),
        ("10 / 10,000", (10.0, 10000.0)),
        ("1,000", (1000.0, None)),
        ("1 lb", (1.0, None)),
        ("0.5", (0.5, None)),
        ("", (None, None)),
        ("X", (None, None)),
        ("/10,000", (None, None)),
    ],
)
def test_it_reads_a_list_quantity_as_one_or_two_numbers(text, expected):
    assert rules.parse_quantity_pair(text) == expected


@pytest.mark.parametrize(
    ("melting", "boiling", "state"),
    [
        (-94.9, 56.1, "b"),  # acetone
        (318.0, 1388.0, "a"),  # sodium hydroxide
        (-77.7, -33.3, "c"),  # ammonia
        (None, -42.1, "c"),  # boiling point alone shows a gas
        (80.0, None, "a"),  # melting point alone shows a solid
        (-10.0, None, ""),  # below 25 °C melting, unknown boiling: not known
        (None, None, ""),
    ],
)
def test_the_state_at_25_c_follows_melting_and_boiling_points(melting, boiling, state):
    assert rules.state_at_25c(melting, boiling) == state


@pytest.mark.parametrize(
    ("flash", "boiling", "fire_class"),
    [
        (-45.0, 34.6, "9"),  # diethyl ether: IA
        (-20.0, 56.1, "10"),  # acetone: IB
        (-20.0, None, ""),  # IA or IB cannot be told apart without the boiling point
        (27.0, 140.0, "11"),  # xylene: IC
        (43.0, 180.0, "2"),  # kerosene: II
        (74.0, 300.0, "3"),  # IIIA
        (111.0, 197.0, "4"),  # ethylene glycol: IIIB
        (None, 100.0, ""),
    ],
)
def test_a_liquid_gets_its_nfpa_30_class_from_flash_and_boiling_points(flash, boiling, fire_class):
    assert rules.flammable_liquid_class(flash, boiling) == fire_class


def test_measured_data_suggest_only_what_they_prove():
    assert hazards.derived_suggestions("b", -20.0, 56.1, True) == (["FHCPhysicalFlammable"], ["10"])
    assert hazards.derived_suggestions("b", 111.0, 197.0, False) == ([], ["4"])
    assert hazards.derived_suggestions("c", None, -42.0, True) == (
        ["FHCPhysicalFlammable", "FHCPhysicalGasUnderPressure"],
        ["8"],
    )
    assert hazards.derived_suggestions("c", None, -196.0, False) == (
        ["FHCPhysicalGasUnderPressure"],
        [],
    )
    assert hazards.derived_suggestions("a", 30.0, None, True) == ([], [])
    assert hazards.derived_suggestions("", None, None, False) == ([], [])
