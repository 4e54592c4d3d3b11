"""Cleaning typed input into stored values, and refusing what cannot be stored."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cers_app.inventory.values import clean, digits_of, grouped, parse_number, plain


def test_it_reads_codes_and_yes_no_in_any_case_and_by_label():
    cleaned, errors = clean(
        {
            "EHS": " yes ",
            "TradeSecret": "no",
            "Units": "GALLONS",
            "PhysicalState": "B",
            "PFCodeHazardClass": "07",
            "DOTHazardClassificationID": "2.1",
            "SCSteelDrum": "on",
            "SCCan": "",
        }
    )

    assert errors == {}
    assert (cleaned["EHS"], cleaned["TradeSecret"], cleaned["Units"]) == ("Y", "N", "a")
    assert (cleaned["PhysicalState"], cleaned["PFCodeHazardClass"]) == ("b", "7")
    assert cleaned["DOTHazardClassificationID"] == "2.1"
    assert (cleaned["SCSteelDrum"], cleaned["SCCan"], cleaned["CLConfidential"]) == ("Y", "N", "")


def test_it_cleans_numbers_and_cas_numbers():
    cleaned, errors = clean(
        {
            "MaximumDailyAmount": " 1,500.50 ",
            "AverageDailyAmount": "0012",
            "DaysOnSite": "365",
            "CASNumber": "7732185",
            "HC1CAS": "7664\u201193\u20119",
        }
    )

    assert errors == {}
    assert (cleaned["MaximumDailyAmount"], cleaned["AverageDailyAmount"]) == ("1500.5", "12")
    assert (cleaned["CASNumber"], cleaned["HC1CAS"]) == ("7732-18-5", "7664-93-9")


def test_it_keeps_a_wrong_cas_number_as_typed_for_the_rules_to_flag():
    cleaned, errors = clean({"CASNumber": "7664-93-8"})

    assert (cleaned["CASNumber"], errors) == ("7664-93-8", {})


def test_it_names_every_field_that_cannot_be_stored():
    cleaned, errors = clean(
        {
            "Units": "litres",
            "EHS": "maybe",
            "MaximumDailyAmount": "lots",
            "DaysOnSite": "12.5",
            "HC1PercentByWeight": "12.345",
            "MapNumber": "M" * 16,
            "LargestContainer": "9" * 14,
        }
    )

    assert errors == {
        "Units": '"litres" is not one of the choices for units.',
        "EHS": "Choose Yes or No for Extremely Hazardous Substance.",
        "MaximumDailyAmount": "Enter the maximum daily amount as a number, such as 1500 or 12.5.",
        "DaysOnSite": "Enter the days on site as a whole number.",
        "HC1PercentByWeight": "Give the component 1 % by weight with at most 2 digits after "
        "the point.",
        "MapNumber": "Map # is 16 characters long; it can be at most 15.",
        "LargestContainer": "The largest container has too many digits: at most 13 are allowed.",
    }
    assert cleaned["Units"] == "litres"  # what was typed is kept for the form


@pytest.mark.parametrize("text", ["NaN", "Infinity", "1e5", "", "-", ".", "1.2.3", "12 lb"])
def test_it_reads_only_plain_numbers(text):
    assert parse_number(text) is None


def test_number_helpers():
    assert parse_number("-1,000.25") == Decimal("-1000.25")
    assert plain(Decimal("12.500")) == "12.5" and plain(Decimal("-0.0")) == "0"
    assert grouped(Decimal("1234567.50")) == "1,234,567.5"
    assert digits_of(Decimal("0.005")) == (3, 3)
    assert digits_of(Decimal("1200")) == (4, 0)
