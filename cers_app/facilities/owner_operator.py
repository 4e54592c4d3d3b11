"""The Business Owner/Operator Identification form (CERS fields 100-147) and its checks."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from cers_app.accounts.rules import normalise_email
from cers_app.core.phones import normalise_phone

US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
        "GU",
        "VI",
        "AS",
        "MP",
    ]
)
_ZIP = re.compile(r"\d{5}(-\d{4})?")


@dataclass(frozen=True)
class Field:
    key: str  # the CERS XML tag
    number: str
    label: str
    kind: str  # text | phone | email | state | zip | country | date | digits
    max_length: int
    required: bool = False
    digits: tuple[int, int] = (0, 0)  # for kind "digits": (fewest, most)


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    fields: tuple[Field, ...]


def _address(numbers: tuple[str, str, str, str, str | None], keys: tuple) -> tuple:
    street, city, state, zip_code, country = keys
    fields = [
        Field(street, numbers[0], "Mailing address", "text", 70, True),
        Field(city, numbers[1], "City", "text", 60, True),
        Field(state, numbers[2], "State", "state", 2),
        Field(zip_code, numbers[3], "ZIP code", "zip", 10),
    ]
    if country and numbers[4]:
        fields.append(Field(country, numbers[4], "Country", "country", 45))
    return tuple(fields)


GROUPS: tuple[Group, ...] = (
    Group(
        "business",
        "Business",
        (
            Field("Phone", "102", "Business phone", "phone", 25, True),
            Field("Fax", "102a", "Business fax", "phone", 25),
            Field("DunAndBradstreet", "106", "Dun & Bradstreet number", "digits", 9, False, (9, 9)),
            Field("SICCode", "107", "Primary SIC code", "digits", 4, False, (4, 4)),
            Field("NAICSCode", "107a", "Primary NAICS code", "digits", 6, False, (2, 6)),
            Field("BeginningDate", "100", "Beginning date", "date", 10),
            Field("EndingDate", "101", "Ending date", "date", 10),
        ),
    ),
    Group(
        "mailing",
        "Business mailing address",
        _address(
            ("108a", "108b", "108c", "108d", None),
            (
                "MailingAddress",
                "MailingAddressCity",
                "MailingAddressState",
                "MailingAddressZipCode",
                None,
            ),
        ),
    ),
    Group(
        "operator",
        "Business operator",
        (
            Field("OperatorName", "109", "Operator name", "text", 80, True),
            Field("OperatorPhone", "110", "Operator phone", "phone", 25, True),
        ),
    ),
    Group(
        "owner",
        "Business owner",
        (
            Field("OwnerName", "111", "Owner name", "text", 80, True),
            Field("OwnerPhone", "112", "Owner phone", "phone", 25, True),
            *_address(
                ("113", "114", "115", "116", "116a"),
                ("OwnerMailAddress", "OwnerCity", "OwnerState", "OwnerZipCode", "OwnerCountry"),
            ),
        ),
    ),
    Group(
        "environmental",
        "Environmental contact",
        (
            Field("EContactName", "117", "Contact name", "text", 80, True),
            Field("EContactPhone", "118", "Contact phone", "phone", 25, True),
            Field("EContactEmailAddress", "119a", "Contact email", "email", 254),
            *_address(
                ("119", "120", "121", "122", "122a"),
                (
                    "EContactMailingAddress",
                    "EContactCity",
                    "EContactState",
                    "EContactZipCode",
                    "EContactCountry",
                ),
            ),
        ),
    ),
    Group(
        "primary_emergency",
        "Primary emergency contact",
        (
            Field("PECName", "123", "Name", "text", 80, True),
            Field("PECTitle", "124", "Title", "text", 50, True),
            Field("PECBusinessPhone", "125", "Business phone", "phone", 25, True),
            Field("PEC24HrPhone", "126", "24-hour phone", "phone", 25, True),
            Field("PECPager", "127", "Pager", "phone", 25),
        ),
    ),
    Group(
        "secondary_emergency",
        "Secondary emergency contact",
        (
            Field("SECName", "128", "Name", "text", 80),
            Field("SECTitle", "129", "Title", "text", 50),
            Field("SECBusinessPhone", "130", "Business phone", "phone", 25),
            Field("SEC24HrPhone", "131", "24-hour phone", "phone", 25),
            Field("SECPager", "132", "Pager", "phone", 25),
        ),
    ),
    Group(
        "billing",
        "Billing contact",
        (
            Field("BillingContactName", "140", "Billing contact name", "text", 80, True),
            Field("BillingContactPhone", "141", "Billing contact phone", "phone", 25, True),
            Field("BillingContactEmail", "142", "Billing contact email", "email", 254),
            *_address(
                ("143", "144", "145", "146", "147"),
                (
                    "BillingAddress",
                    "BillingAddressCity",
                    "BillingAddressState",
                    "BillingAddressZipCode",
                    "BillingAddressCountry",
                ),
            ),
        ),
    ),
    Group(
        "certification",
        "Certification and local information",
        (
            Field("DocumentPreparerName", "135", "Name of document preparer", "text", 80),
            Field("IdentificationSignerName", "136", "Name of signer", "text", 80),
            Field("IdentificationSignerTitle", "137", "Title of signer", "text", 50),
            Field("IdentificationSignedDate", "134", "Date signed", "date", 10),
            Field(
                "ALCollectedInformation",
                "133",
                "Additional locally collected information",
                "text",
                255,
            ),
        ),
    ),
)

FIELDS: dict[str, Field] = {field.key: field for group in GROUPS for field in group.fields}
REQUIRED: tuple[str, ...] = tuple(key for key, field in FIELDS.items() if field.required)

# "Same as" shortcuts: copy the source fields into the target fields, in order.
MAILING = ("MailingAddress", "MailingAddressCity", "MailingAddressState", "MailingAddressZipCode")
SAME_AS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "owner_address": (
        "Owner address same as business mailing address",
        MAILING,
        ("OwnerMailAddress", "OwnerCity", "OwnerState", "OwnerZipCode"),
    ),
    "econtact_address": (
        "Environmental contact address same as business mailing address",
        MAILING,
        ("EContactMailingAddress", "EContactCity", "EContactState", "EContactZipCode"),
    ),
    "billing_address": (
        "Billing address same as business mailing address",
        MAILING,
        ("BillingAddress", "BillingAddressCity", "BillingAddressState", "BillingAddressZipCode"),
    ),
    "operator_is_owner": (
        "Operator same as owner",
        ("OwnerName", "OwnerPhone"),
        ("OperatorName", "OperatorPhone"),
    ),
    "billing_is_econtact": (
        "Billing contact same as environmental contact",
        ("EContactName", "EContactPhone", "EContactEmailAddress"),
        ("BillingContactName", "BillingContactPhone", "BillingContactEmail"),
    ),
}


def apply_same_as(values: dict[str, str], shortcut: str) -> dict[str, str]:
    """`values` with the shortcut's source fields copied over its target fields."""
    if shortcut not in SAME_AS:
        return dict(values)
    _, sources, targets = SAME_AS[shortcut]
    copied = dict(values)
    for source, target in zip(sources, targets, strict=True):
        copied[target] = values.get(source, "")
    return copied


def _check_field(field: Field, raw: str) -> tuple[str, str | None]:
    """(cleaned value, error) for one field."""
    value = raw.strip()
    if not value:
        return "", (f"Enter the {field.label.lower()}." if field.required else None)
    if len(value) > max(field.max_length, 40):
        return value, f"At most {field.max_length} characters."
    if field.kind == "phone":
        formatted, error = normalise_phone(value)
        return (formatted or value), error
    if field.kind == "email":
        address, error = normalise_email(value)
        return (address or value), error
    if field.kind == "state":
        upper = value.upper()
        return upper, None if upper in US_STATES else "Use the two-letter state code, such as CA."
    if field.kind == "zip":
        return value, None if _ZIP.fullmatch(value) else "Enter a 5-digit ZIP code (or ZIP+4)."
    if field.kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return value, "Enter a date as YYYY-MM-DD."
        return value, None
    if field.kind == "digits":
        fewest, most = field.digits
        ok = value.isdigit() and fewest <= len(value) <= most
        need = f"{most}" if fewest == most else f"{fewest} to {most}"
        return value, None if ok else f"Enter {need} digits."
    if len(value) > field.max_length:
        return value, f"At most {field.max_length} characters."
    return value, None


def check(values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(cleaned values, field errors) for the whole form; unknown keys are dropped."""
    cleaned: dict[str, str] = {}
    errors: dict[str, str] = {}
    for key, field in FIELDS.items():
        value, error = _check_field(field, str(values.get(key, "")))
        cleaned[key] = value
        if error:
            errors[key] = error
    for country_key in ("OwnerCountry", "EContactCountry", "BillingAddressCountry"):
        if not cleaned.get(country_key):
            cleaned[country_key] = "United States"
    begin, end = cleaned.get("BeginningDate"), cleaned.get("EndingDate")
    if (
        begin
        and end
        and "BeginningDate" not in errors
        and "EndingDate" not in errors
        and end < begin
    ):
        errors["EndingDate"] = "The ending date must be on or after the beginning date."
    return cleaned, errors
