"""The generic element-form checks, and the APSA Facility Information form's rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cers_app.submittals import apsa, element_forms
from cers_app.submittals.element_forms import FormDef, FormField

TODAY = dt.date(2026, 6, 15)
SAMPLE = FormDef(
    element=99,
    title="Sample form",
    short="Sample",
    fields=(
        FormField("Flag", "1", "Flag", "yesno", required=True),
        FormField("Day", "2", "Inspection date", "date", not_future=True),
        FormField("AnyDay", "3", "Planned date", "date"),
        FormField("Count", "4", "Tank count", "whole", minimum=Decimal(0), maximum=Decimal(99)),
        FormField("Rate", "5", "Rate", "decimal", minimum=Decimal("0.5"), maximum=Decimal(10)),
        FormField("Note", "6", "Note", "text", max_length=5),
    ),
)


def _check(**values: str):
    return element_forms.check(SAMPLE, values, TODAY)


def test_a_required_field_left_blank_is_named_and_optional_blanks_are_fine():
    cleaned, errors = _check()
    assert errors == {"Flag": "Answer Yes or No: Flag."}
    assert cleaned == {"Flag": "", "Day": "", "AnyDay": "", "Count": "", "Rate": "", "Note": ""}


def test_yes_no_accepts_words_and_letters_and_refuses_anything_else():
    assert _check(Flag="yes")[0]["Flag"] == "Y"
    assert _check(Flag=" n ")[0]["Flag"] == "N"
    cleaned, errors = _check(Flag="maybe")
    assert errors == {"Flag": "Answer Yes or No."}
    assert cleaned["Flag"] == "maybe"  # kept as typed


def test_dates_must_be_real_not_ancient_and_not_in_the_future_where_that_matters():
    assert _check(Flag="Y", Day="2026-06-15")[1] == {}
    assert _check(Flag="Y", Day="15/06/2026")[1] == {"Day": "Enter a date as YYYY-MM-DD."}
    assert _check(Flag="Y", Day="2026-02-30")[1] == {"Day": "Enter a date as YYYY-MM-DD."}
    assert _check(Flag="Y", Day="1899-12-31")[1] == {"Day": "Enter a date on or after 1900-01-01."}
    future = _check(Flag="Y", Day="2026-06-16")[1]
    assert future == {"Day": "The inspection date cannot be in the future (today is 2026-06-15)."}
    assert _check(Flag="Y", AnyDay="2030-01-01")[1] == {}


def test_whole_numbers_drop_grouping_and_stay_in_range():
    cleaned, errors = _check(Flag="Y", Count="1,2")
    assert (cleaned["Count"], errors) == ("12", {})
    assert _check(Flag="Y", Count="007")[0]["Count"] == "7"
    assert _check(Flag="Y", Count="2.5")[1] == {
        "Count": "Enter a whole number (digits only, no decimals or units)."
    }
    assert _check(Flag="Y", Count="-1")[1]["Count"].startswith("Enter a whole number (digits")
    assert _check(Flag="Y", Count="100")[1] == {"Count": "Enter a whole number from 0 to 99."}


def test_decimals_parse_and_stay_in_range():
    assert _check(Flag="Y", Rate="2.50")[0]["Rate"] == "2.5"
    assert _check(Flag="Y", Rate="abc")[1] == {"Rate": "Enter a number, such as 12.5."}
    assert _check(Flag="Y", Rate="nan")[1] == {"Rate": "Enter a number, such as 12.5."}
    assert _check(Flag="Y", Rate="0.1")[1] == {"Rate": "Enter a number from 0.5 to 10."}


def test_text_is_trimmed_and_limited():
    assert _check(Flag="Y", Note="  abc ")[0]["Note"] == "abc"
    assert _check(Flag="Y", Note="abcdef")[1] == {"Note": "At most 5 characters (this has 6)."}


def test_unknown_keys_are_dropped():
    cleaned, _ = _check(Flag="Y", Sneaky="x")
    assert "Sneaky" not in cleaned


def _apsa(**values: str):
    return element_forms.check(apsa.FORM, values, TODAY)


def test_apsa_is_registered_for_element_9_with_the_xsd_tags_and_numbers():
    form = element_forms.form_for(9)
    assert form is apsa.FORM
    assert [(f.key, f.number) for f in form.fields] == [
        ("ConditionallyExempt", "800"),
        ("SPCCPlanCertificationOrFiveYearReview", "801"),
        ("TotalAbovegroundStorageCapacityOfPetroleum", "802"),
        ("NumberOfTanksInUndergroundAreas", "803"),
    ]
    assert element_forms.form_for(2) is None
    assert element_forms.form_for("9") is None
    assert 9 in element_forms.elements_with_forms()


def test_apsa_needs_the_exemption_answer_and_the_capacity():
    _, errors = _apsa()
    assert errors == {
        "ConditionallyExempt": "Answer Yes or No: Conditionally exempt.",
        "TotalAbovegroundStorageCapacityOfPetroleum": (
            "Enter the total aboveground petroleum storage capacity (gallons)."
        ),
    }


def test_apsa_limits_follow_the_schema():
    _, errors = _apsa(
        ConditionallyExempt="N",
        TotalAbovegroundStorageCapacityOfPetroleum="0",
        NumberOfTanksInUndergroundAreas="100000",
        SPCCPlanCertificationOrFiveYearReview="2027-01-01",
    )
    assert errors == {
        "TotalAbovegroundStorageCapacityOfPetroleum": (
            "Enter a whole number from 1 to 999,999,999,999."
        ),
        "NumberOfTanksInUndergroundAreas": "Enter a whole number from 0 to 99,999.",
        "SPCCPlanCertificationOrFiveYearReview": (
            "The SPCC plan certification or five-year review date cannot be in the future "
            "(today is 2026-06-15)."
        ),
    }


def test_a_conditionally_exempt_facility_stores_less_than_10000_gallons_and_reports_it():
    _, errors = _apsa(ConditionallyExempt="Y", TotalAbovegroundStorageCapacityOfPetroleum="9,999")
    assert errors == {}
    _, errors = _apsa(ConditionallyExempt="Y", TotalAbovegroundStorageCapacityOfPetroleum="10000")
    assert errors == {
        "ConditionallyExempt": (
            "A facility storing 10,000 gallons is not conditionally exempt (the exemption is "
            "for less than 10,000 gallons). Answer No, or correct the capacity."
        )
    }
    _, errors = _apsa(ConditionallyExempt="Y")
    assert list(errors) == ["TotalAbovegroundStorageCapacityOfPetroleum"]
    _, errors = _apsa(ConditionallyExempt="N", TotalAbovegroundStorageCapacityOfPetroleum="25000")
    assert errors == {}


def test_labels_and_display():
    labels = element_forms.labels(apsa.FORM)
    assert labels["form.ConditionallyExempt"] == "APSA: Conditionally exempt"
    capacity = apsa.FORM.field("TotalAbovegroundStorageCapacityOfPetroleum")
    assert element_forms.display(capacity, "25000") == "25,000"
    assert element_forms.display(apsa.FORM.field("ConditionallyExempt"), "Y") == "Yes"
