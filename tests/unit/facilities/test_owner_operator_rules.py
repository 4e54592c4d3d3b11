"""The Owner/Operator Identification form's checks and "same as" shortcuts (no database)."""

from __future__ import annotations

import pytest

from cers_app.facilities import owner_operator
from cers_app.facilities.owner_operator import FIELDS, REQUIRED, SAME_AS
from tests.unit.facilities.test_save_owner_operator import COMPLETE


def _errors(**values: str) -> dict[str, str]:
    return owner_operator.check({**COMPLETE, **values})[1]


def _cleaned(**values: str) -> dict[str, str]:
    return owner_operator.check({**COMPLETE, **values})[0]


def test_it_accepts_a_complete_form():
    assert _errors() == {}


def test_it_requires_exactly_the_fields_cers_requires():
    assert set(REQUIRED) == {
        "Phone",
        "MailingAddress",
        "MailingAddressCity",
        "OperatorName",
        "OperatorPhone",
        "OwnerName",
        "OwnerPhone",
        "OwnerMailAddress",
        "OwnerCity",
        "EContactName",
        "EContactPhone",
        "EContactMailingAddress",
        "EContactCity",
        "PECName",
        "PECTitle",
        "PECBusinessPhone",
        "PEC24HrPhone",
        "BillingContactName",
        "BillingContactPhone",
        "BillingAddress",
        "BillingAddressCity",
    }


@pytest.mark.parametrize("key", REQUIRED)
def test_it_asks_for_each_required_field_left_blank(key):
    assert _errors(**{key: "   "}) == {key: f"Enter the {FIELDS[key].label.lower()}."}


def test_it_leaves_the_secondary_emergency_contact_optional():
    blank = {key: "" for key in FIELDS if key.startswith("SEC")}

    assert _errors(**blank) == {}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("Phone", "12", "Enter a valid phone number, such as (916) 555-0142 or 916-555-0142 x12."),
        ("Fax", "555", "Enter a valid phone number, such as (916) 555-0142 or 916-555-0142 x12."),
        ("Phone", "9" * 41, "At most 25 characters."),
        ("EContactEmailAddress", "lena@", None),
        ("BillingContactEmail", "no-at-sign", None),
        ("MailingAddressState", "XX", "Use the two-letter state code, such as CA."),
        ("OwnerState", "Cal", "Use the two-letter state code, such as CA."),
        ("MailingAddressZipCode", "9561", "Enter a 5-digit ZIP code (or ZIP+4)."),
        ("OwnerZipCode", "95616-12", "Enter a 5-digit ZIP code (or ZIP+4)."),
        ("BeginningDate", "2026-02-30", "Enter a date as YYYY-MM-DD."),
        ("IdentificationSignedDate", "11/20/2026", "Enter a date as YYYY-MM-DD."),
        ("DunAndBradstreet", "12345678", "Enter 9 digits."),
        ("DunAndBradstreet", "12345678X", "Enter 9 digits."),
        ("SICCode", "34711", "Enter 4 digits."),
        ("NAICSCode", "3", "Enter 2 to 6 digits."),
        ("NAICSCode", "3328130", "Enter 2 to 6 digits."),
        ("OwnerName", "O" * 81, "At most 80 characters."),
        ("PECTitle", "T" * 51, "At most 50 characters."),
        ("MailingAddress", "M" * 71, "At most 70 characters."),
        ("OwnerCountry", "C" * 46, "At most 45 characters."),
        ("ALCollectedInformation", "A" * 256, "At most 255 characters."),
    ],
)
def test_it_explains_a_value_of_the_wrong_kind(key, value, message):
    errors = _errors(**{key: value})

    assert list(errors) == [key]
    if message is None:
        assert errors[key].startswith("Enter a valid email address")
    else:
        assert errors[key] == message


@pytest.mark.parametrize(
    ("key", "typed", "kept"),
    [
        ("Phone", " 916.555.0142 ", "(916) 555-0142"),
        ("PEC24HrPhone", "+44 20 7946 0958", "+44 20 7946 0958"),
        ("EContactEmailAddress", "Lena.Lopez@EXAMPLE.com", "Lena.Lopez@example.com"),
        ("MailingAddressState", "ca", "CA"),
        ("OwnerZipCode", "95616-1234", "95616-1234"),
        ("NAICSCode", "332813", "332813"),
        ("BeginningDate", "2026-01-01", "2026-01-01"),
        ("OwnerName", "  Alan Acme  ", "Alan Acme"),
    ],
)
def test_it_keeps_a_good_value_cleaned(key, typed, kept):
    assert _cleaned(**{key: typed})[key] == kept


def test_it_refuses_an_ending_date_before_the_beginning_date():
    assert _errors(BeginningDate="2026-06-01", EndingDate="2026-05-31") == {
        "EndingDate": "The ending date must be on or after the beginning date."
    }
    assert _errors(BeginningDate="2026-06-01", EndingDate="2026-06-01") == {}


def test_it_fills_in_the_united_states_for_a_country_left_blank():
    cleaned = _cleaned(OwnerCountry="", EContactCountry=" ", BillingAddressCountry="Canada")

    assert (
        cleaned["OwnerCountry"],
        cleaned["EContactCountry"],
        cleaned["BillingAddressCountry"],
    ) == ("United States", "United States", "Canada")


def test_it_keeps_only_the_forms_fields():
    cleaned = _cleaned(admin="yes", regulator_key="x")

    assert set(cleaned) == set(FIELDS)


def test_it_keeps_a_value_with_an_error_as_typed():
    cleaned, errors = owner_operator.check({**COMPLETE, "Phone": " call me "})

    assert cleaned["Phone"] == "call me"
    assert "Phone" in errors


@pytest.mark.parametrize("shortcut", list(SAME_AS))
def test_it_copies_the_fields_of_a_same_as_shortcut(shortcut):
    _, sources, targets = SAME_AS[shortcut]
    values = {**COMPLETE, **{target: "old" for target in targets}}

    copied = owner_operator.apply_same_as(values, shortcut)

    assert [copied[t] for t in targets] == [values.get(s, "") for s in sources]
    assert {k: v for k, v in copied.items() if k not in targets} == {
        k: v for k, v in values.items() if k not in targets
    }
    assert values[targets[0]] == "old"  # the values given are not changed in place


def test_it_makes_a_billing_contact_from_the_environmental_contact_in_one_step():
    values = {**COMPLETE, "EContactEmailAddress": "lena@example.com"}
    values = owner_operator.apply_same_as(values, "billing_is_econtact")
    values = owner_operator.apply_same_as(values, "billing_address")

    cleaned, errors = owner_operator.check(values)

    assert errors == {}
    assert (cleaned["BillingContactName"], cleaned["BillingContactEmail"]) == (
        "Lena Lopez",
        "lena@example.com",
    )
    assert (cleaned["BillingAddress"], cleaned["BillingAddressState"]) == ("1200 Main St", "CA")


def test_it_ignores_an_unknown_shortcut():
    assert owner_operator.apply_same_as(COMPLETE, "owner_is_president") == COMPLETE


def test_it_labels_every_shortcut_and_targets_only_fields_of_the_form():
    for label, sources, targets in SAME_AS.values():
        assert label
        assert len(sources) == len(targets)
        assert set(sources) | set(targets) <= set(FIELDS)
