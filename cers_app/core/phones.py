"""Phone numbers: parsed as US numbers unless written with a country code."""

from __future__ import annotations

import phonenumbers

MAX_INPUT = 40


def normalise_phone(text: str) -> tuple[str, str | None]:
    """(formatted number, None), ("", None) for an empty input, or ("", error message)."""
    text = text.strip()
    if not text:
        return "", None
    problem = "Enter a valid phone number, such as (916) 555-0142 or 916-555-0142 x12."
    if len(text) > MAX_INPUT:
        return "", problem
    try:
        number = phonenumbers.parse(text, "US")
    except phonenumbers.NumberParseException:
        return "", problem
    if not phonenumbers.is_valid_number(number):
        return "", problem
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style), None
