"""Reading and cleaning the values of an inventory row: numbers, codes, Y/N and text.

Rows arrive from forms and (later) spreadsheets as loose strings; they are stored as CERS
codes and plain numbers. `clean` turns typed input into stored values and names the fields
that cannot be stored at all; the rules judge what is stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from cers_app.inventory.codes import FIRE_CODE_CLASSES
from cers_app.inventory.fields import (
    CODE,
    FIELDS,
    FLAG,
    INTEGER,
    TAGS,
    TEXT,
    YESNO,
    FieldDef,
    noun,
)

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)
_YES = {"y", "yes", "true", "on", "1", "x"}
_NO = {"n", "no", "false", "off", "0"}


def text_of(value: object) -> str:
    """Any value as stripped text ("" for None); never raises."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "Y" if value else "N"
    try:
        return str(value).strip()
    except Exception:  # noqa: BLE001 - a hostile __str__ must not break validation
        return ""


_EMPTY_ROW: dict[str, str] = dict.fromkeys(TAGS, "")


def row_of(values: object) -> dict[str, str]:
    """Every known field of `values` as stripped text; anything that is not a mapping is
    an empty row."""
    if values.__class__ is dict:
        # A plain dict (a stored row, a form): visit the fields it has, not every field.
        row = _EMPTY_ROW.copy()
        for tag, raw in values.items():  # type: ignore[attr-defined]
            if tag in row:
                row[tag] = raw.strip() if raw.__class__ is str else text_of(raw)
        return row
    if not isinstance(values, Mapping):
        return {}
    try:
        get = values.get
        row = {}
        for tag in TAGS:
            raw = get(tag)
            if raw is None:  # most fields of a stored row are left out: the common case
                row[tag] = ""
            else:
                row[tag] = raw.strip() if raw.__class__ is str else text_of(raw)
        return row
    except Exception:  # noqa: BLE001 - a broken mapping reads as empty fields
        return {tag: _safe_get(values, tag) for tag in TAGS}


def _safe_get(values: Mapping, tag: str) -> str:
    try:
        return text_of(values.get(tag))
    except Exception:  # noqa: BLE001
        return ""


def parse_number(text: str) -> Decimal | None:
    """A decimal number written plainly ("1,500", "12.5", "-3"); None when it is not one.

    Exponents, NaN and infinities are not numbers here: people do not type them, and they
    have no place in an inventory.
    """
    if text == "":  # most optional amounts are empty
        return None
    bare = text.replace(",", "").replace(" ", "").replace("_", "")
    if not _NUMBER.fullmatch(bare):
        return None
    try:
        return Decimal(bare)
    except InvalidOperation:
        return None


def digits_of(number: Decimal) -> tuple[int, int]:
    """(total digits, digits after the point) as an XML schema counts them."""
    if not number:
        return 1, 0
    _sign, digits, exponent = number.as_tuple()
    if digits[-1] == 0:  # trailing zeros do not count: normalize only when there are some
        _sign, digits, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0:
        return len(digits) + exponent, 0
    return max(len(digits), -exponent), -exponent


def plain(number: Decimal) -> str:
    """A number as stored: no exponent, no trailing zeros after the point, no "-0"."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def grouped(number: Decimal) -> str:
    """A number for people: thousands separated, no trailing zeros ("1,500", "12.5")."""
    return f"{number.normalize():,f}"


_PLAIN_NUMBER = re.compile(r"(\d+)(?:\.(\d+))?", re.ASCII)


def _plain_digits(whole: str, fraction: str | None) -> tuple[int, int]:
    """`digits_of` a number written as digits with an optional fraction, from its text."""
    fraction = fraction.rstrip("0") if fraction else ""
    if fraction:
        return max(len((whole + fraction).lstrip("0")), len(fraction)), len(fraction)
    whole = whole.lstrip("0")
    return (len(whole), 0) if whole else (1, 0)


def _digits_of_plain(whole: str, fraction: str | None) -> tuple[int, int]:
    """`_plain_digits`, counted straight from the text when no zero leads or trails."""
    if whole[0] != "0" and (fraction is None or fraction[-1] != "0"):
        after = len(fraction) if fraction else 0
        return len(whole) + after, after
    return _plain_digits(whole, fraction)


def read_number(field: FieldDef, text: str) -> tuple[Decimal | None, str]:
    """(the number, "") when `text` can be stored in the number field, else (None, why)."""
    plain_text = _PLAIN_NUMBER.fullmatch(text)
    if plain_text is not None:  # the common case (stored values are plain): no re-parsing
        number = Decimal(text)
        total, after = _digits_of_plain(*plain_text.groups())
    else:
        number = parse_number(text)
        if number is None:
            example = "45" if field.kind == INTEGER else "1500 or 12.5"
            kind = "a whole number" if field.kind == INTEGER else "a number"
            return None, f"Enter the {noun(field.tag)} as {kind}, such as {example}."
        total, after = digits_of(number)
    problem = _digits_problem(field, total, after)
    return (None, problem) if problem else (number, "")


def _digits_problem(field: FieldDef, total: int, after: int) -> str:
    """Why a number of `total` digits, `after` of them after the point, does not fit the
    field ("" when it does)."""
    if field.kind == INTEGER and after:
        return f"Enter the {noun(field.tag)} as a whole number."
    if field.decimals is not None and after > field.decimals:
        return f"Give the {noun(field.tag)} with at most {field.decimals} digits after the point."
    if field.digits is not None and total > field.digits:
        return f"The {noun(field.tag)} has too many digits: at most {field.digits} are allowed."
    return ""


def _stored_number(field: FieldDef, text: str) -> tuple[str, str]:
    """`clean_value` of a number field: (`plain` of the number, "") or (text, why). A number
    written plainly is cleaned by its digits alone, without making a Decimal of it."""
    plain_text = _PLAIN_NUMBER.fullmatch(text)
    if plain_text is None:
        number, problem = read_number(field, text)
        return (text, problem) if number is None else (plain(number), "")
    whole, fraction = plain_text.groups()
    problem = _digits_problem(field, *_digits_of_plain(whole, fraction))
    if problem:
        return text, problem
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0") if fraction else ""
    return (f"{whole}.{fraction}" if fraction else whole), ""


def number_problem(field: FieldDef, text: str) -> str:
    """Why `text` cannot be stored in a number field ("" when it can)."""
    return read_number(field, text)[1]


def _code_for(field: FieldDef, text: str) -> str | None:
    """The code that `text` stands for (a code or a label, in any case), or None."""
    wanted = text.casefold()
    if field.codes is FIRE_CODE_CLASSES:
        wanted = wanted.lstrip("0")  # "07" is class 7
    for code, label in field.codes:
        if code.casefold() == wanted or label.casefold() == wanted:
            return code
    return None


def clean_value(field: FieldDef, text: str) -> tuple[str, str]:
    """(stored value, problem) for one field; the problem is "" when it can be stored."""
    if field.kind == TEXT:
        if text and (field.tag == "CASNumber" or field.tag.endswith("CAS")):
            from cers_app.chemicals.rules import normalise_cas

            text = normalise_cas(text) or text
        if field.max_length is not None and len(text) > field.max_length:
            return text, (
                f"{field.label} is {len(text)} characters long; it can be at most "
                f"{field.max_length}."
            )
        return text, ""
    if field.kind in (YESNO, FLAG):
        folded = text.casefold()
        if folded in _YES:
            return "Y", ""
        if folded in _NO:
            return "N", ""
        if not folded:
            return ("N" if field.kind == FLAG else ""), ""
        return text, f"Choose Yes or No for {noun(field.tag)}."
    if not text:
        return "", ""
    if field.kind == CODE:
        code = _code_for(field, text)
        if code is None:
            return text, f'"{text[:40]}" is not one of the choices for {noun(field.tag)}.'
        return code, ""
    return _stored_number(field, text)


def clean(values: Mapping[str, object]) -> tuple[dict[str, str], dict[str, str]]:
    """Typed input as it would be stored, and the problems that stop it being stored.

    Returns (cleaned values of every field, errors by tag). Yes/No and codes are matched in
    any case and by label too ("gallons" is "a"); an empty check box is "N"; numbers lose
    thousands separators; a CAS number typed without dashes gets them. Unknown keys are
    ignored.
    """
    row = row_of(values)
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        cleaned[field.tag], problem = clean_value(field, row.get(field.tag, ""))
        if problem:
            errors[field.tag] = problem
    return cleaned, errors
