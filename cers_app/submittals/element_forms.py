"""Structured forms of submittal elements (APSA Facility Information, UST Facility
Information, and the forms of an element's records such as a UST tank).

Each form is a FormDef: its fields keyed by their CERS XML tag, with the CERS data
dictionary number, a label, a kind and its limits. `check` cleans what was typed and says,
per field, what to fix. Pure: no database, no Reflex. The definitions live in their own
modules (`apsa.py`, `ust_facility_form.py`, ...) and register here when imported.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from cers_app.core import clock

YESNO = "yesno"
DATE = "date"
WHOLE = "whole"
DECIMAL = "decimal"
TEXT = "text"
CHOICE = "choice"  # one code of a CERS code list
KINDS = (YESNO, DATE, WHOLE, DECIMAL, TEXT, CHOICE)
# The guidance code of a required field left blank (CERS 1002 RequiredFieldMissingValue).
MISSING_VALUE = "1002"
# The guidance code of any other field problem, unless the field names its own.
FORM_PROBLEM = "form"
EARLIEST = dt.date(1900, 1, 1)
# Where the form's values live in ElementVersion.data.
DATA_KEY = "form"
# The modules that define element forms; each registers its FormDef on import.
_DEFINITIONS = (
    "cers_app.submittals.apsa",
    "cers_app.submittals.ust_facility_form",
    "cers_app.submittals.ust_records",
)


@dataclass(frozen=True)
class FormField:
    """One field of an element form."""

    key: str  # the CERS XML tag
    number: str  # the CERS data dictionary number
    label: str
    kind: str  # yesno | date | whole | decimal | text
    required: bool = False
    help: str = ""
    minimum: Decimal | None = None  # whole / decimal
    maximum: Decimal | None = None
    max_length: int = 0  # text; 0: no limit
    not_future: bool = False  # date: on or before today
    choices: tuple[tuple[str, str], ...] = ()  # choice: (code, label) in CERS order
    section: str = ""  # the heading the page groups the field under
    code: str = ""  # the CERS guidance code of a problem with this field ("" -> generic)

    def choice_label(self, code: str) -> str:
        """The label of one of the field's codes ("" for an unknown code)."""
        return next((label for value, label in self.choices if value == code), "")


# A cross-field rule: (cleaned values, errors so far) -> more errors, by field key.
Rule = Callable[[Mapping[str, str], Mapping[str, str]], dict[str, str]]


@dataclass(frozen=True)
class FormDef:
    """The structured form of one element."""

    element: int
    title: str  # "APSA Facility Information"
    short: str  # "APSA": prefixes labels in the change view and readiness messages
    fields: tuple[FormField, ...]
    rules: tuple[Rule, ...] = ()

    def field(self, key: str) -> FormField | None:
        """The field with XML tag `key`, if the form has one."""
        return next((f for f in self.fields if f.key == key), None)


_FORMS: dict[int, FormDef] = {}


def validated(form: FormDef) -> FormDef:
    """`form`, after checking its definition is sound (known kinds, choices where needed,
    unique keys); a definition module's mistake fails on import, not in front of a user."""
    kinds = {field.kind for field in form.fields}
    assert kinds <= set(KINDS), f"unknown field kind in {form.title}: {kinds - set(KINDS)}"
    keys = [field.key for field in form.fields]
    assert len(keys) == len(set(keys)), f"repeated field key in {form.title}"
    for field in form.fields:
        assert (field.kind == CHOICE) == bool(field.choices), f"{form.title}: {field.key}"
    return form


def register(form: FormDef) -> FormDef:
    """Make `form` the form of its element (a definition module calls this on import)."""
    _FORMS[form.element] = validated(form)
    return form


def _loaded() -> dict[int, FormDef]:
    for module in _DEFINITIONS:
        importlib.import_module(module)
    return _FORMS


def form_for(element: object) -> FormDef | None:
    """The form of `element`, or None when it has no structured form."""
    forms = _loaded()
    return forms.get(element) if isinstance(element, int) else None


def elements_with_forms() -> frozenset[int]:
    """Every element number that has a structured form."""
    return frozenset(_loaded())


def phrase(label: str) -> str:
    """`label` inside a sentence: first letter lower-cased unless it starts an acronym."""
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def _amount(value: Decimal) -> str:
    return f"{value:,}"


def _range_error(field: FormField, number: Decimal, what: str) -> str | None:
    low, high = field.minimum, field.maximum
    if (low is None or number >= low) and (high is None or number <= high):
        return None
    if low is not None and high is not None:
        return f"Enter {what} from {_amount(low)} to {_amount(high)}."
    if low is not None:
        return f"Enter {what} of at least {_amount(low)}."
    return f"Enter {what} of at most {_amount(high or Decimal(0))}."


def _yesno(value: str) -> tuple[str, str | None]:
    upper = value.upper()
    if upper in ("Y", "YES"):
        return "Y", None
    if upper in ("N", "NO"):
        return "N", None
    return value, "Answer Yes or No."


def _choice(field: FormField, value: str) -> tuple[str, str | None]:
    """A code of the field's list, typed as its code or its label (any letter case)."""
    folded = value.casefold()
    for code, label in field.choices:
        if folded in (code.casefold(), label.casefold()):
            return code, None
    return value, "Choose one of the listed options."


def _date(field: FormField, value: str, today: dt.date) -> tuple[str, str | None]:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return value, "Enter a date as YYYY-MM-DD."
    if day < EARLIEST:
        return value, f"Enter a date on or after {EARLIEST.isoformat()}."
    if field.not_future and day > today:
        return value, f"The {phrase(field.label)} cannot be in the future (today is {today})."
    return day.isoformat(), None


def _whole(field: FormField, value: str) -> tuple[str, str | None]:
    digits = value.replace(",", "").replace(" ", "")
    if not digits.isdigit():
        return value, "Enter a whole number (digits only, no decimals or units)."
    number = Decimal(digits)
    cleaned = str(int(number))
    return cleaned, _range_error(field, number, "a whole number")


def _decimal(field: FormField, value: str) -> tuple[str, str | None]:
    try:
        number = Decimal(value.replace(",", ""))
    except InvalidOperation:
        return value, "Enter a number, such as 12.5."
    if not number.is_finite():
        return value, "Enter a number, such as 12.5."
    return format(number.normalize(), "f"), _range_error(field, number, "a number")


def check_field(field: FormField, raw: object, today: dt.date) -> tuple[str, str | None]:
    """(cleaned value, error or None) of one field; what was typed is kept when invalid."""
    value = str(raw if raw is not None else "").strip()
    if not value:
        if not field.required:
            return "", None
        if field.kind == YESNO:
            return "", f"Answer Yes or No: {field.label}."
        if field.kind == CHOICE:
            return "", f"Choose the {phrase(field.label)}."
        return "", f"Enter the {phrase(field.label)}."
    if field.kind == YESNO:
        return _yesno(value)
    if field.kind == DATE:
        return _date(field, value, today)
    if field.kind == WHOLE:
        return _whole(field, value)
    if field.kind == DECIMAL:
        return _decimal(field, value)
    if field.kind == CHOICE:
        return _choice(field, value)
    if field.max_length and len(value) > field.max_length:
        return value, f"At most {field.max_length} characters (this has {len(value)})."
    return value, None


def check(
    form: FormDef, values: Mapping[str, object], today: dt.date | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """(cleaned values, field errors) of the whole form; unknown keys are dropped. A field
    that failed its own check is not judged again by the cross-field rules."""
    day = today or clock.today()
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field in form.fields:
        value, error = check_field(field, values.get(field.key, ""), day)
        cleaned[field.key] = value
        if error:
            errors[field.key] = error
    for rule in form.rules:
        for key, error in rule(cleaned, errors).items():
            errors.setdefault(key, error)
    return cleaned, errors


def values_of(form: FormDef, saved: Mapping[str, object] | None) -> dict[str, str]:
    """The form's values out of a saved mapping (blank for a field never saved)."""
    saved = saved or {}
    return {field.key: str(saved.get(field.key, "") or "") for field in form.fields}


def stored_values(form: FormDef, data: Mapping[str, object] | None) -> dict[str, str]:
    """The form's values as kept in a version's data (blank for a field never saved)."""
    saved = (data or {}).get(DATA_KEY) or {}
    assert isinstance(saved, Mapping)
    return values_of(form, saved)


def problem_code(field: FormField, value: str) -> str:
    """The CERS guidance code of a problem with `field` holding `value`: the field's own code,
    else 1002 for a blank value, else the generic form code."""
    if field.code:
        return field.code
    return MISSING_VALUE if not value else FORM_PROBLEM


def labels(form: FormDef, prefix: str = DATA_KEY, short: str = "") -> dict[str, str]:
    """Change-view labels of the form's fields, keyed as the version data flattens them
    (`prefix`.`key`), each led by `short` (default: the form's short name)."""
    lead = short or form.short
    return {f"{prefix}.{field.key}": f"{lead}: {field.label}" for field in form.fields}


def display(field: FormField, value: str) -> str:
    """A stored value as people read it (Yes/No, grouped digits)."""
    if not value:
        return ""
    if field.kind == YESNO:
        return {"Y": "Yes", "N": "No"}.get(value, value)
    if field.kind == WHOLE and value.isdigit():
        return f"{int(value):,}"
    if field.kind == CHOICE:
        return field.choice_label(value) or value
    return value


def other_text_rule(code_key: str, other_codes: tuple[str, ...], text_key: str, what: str) -> Rule:
    """A rule: when `code_key` holds one of `other_codes` (an "Other" answer), `text_key`
    must say what it is (`what`: "the other tank use")."""

    def rule(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
        if code_key in errors or values.get(code_key) not in other_codes:
            return {}
        if values.get(text_key, ""):
            return {}
        return {text_key: f"Describe {what}: you chose Other."}

    return rule


def at_least_one_yes_rule(keys: tuple[str, ...], message: str) -> Rule:
    """A rule: at least one of the Yes/No fields `keys` is Yes; else `message` on the first."""

    def rule(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
        if any(key in errors for key in keys) or any(values.get(key) == "Y" for key in keys):
            return {}
        return {keys[0]: message}

    return rule
