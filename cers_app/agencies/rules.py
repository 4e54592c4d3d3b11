"""Pure checks for agency data: the fields of an agency and the rows of an agencies CSV file.

An agencies file has one agency a line: code, name, kind (CUPA or PA), county (a name or
1-58), parent_code (for a PA, the code of its CUPA), phone, email, website, address and
verify_lead_access (yes or no). Every problem is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from cers_app.accounts.rules import normalise_email
from cers_app.agencies.models import AgencyKind
from cers_app.core.codes import COUNTIES, county_code
from cers_app.core.errors import ValidationFailed
from cers_app.core.phones import normalise_phone

CODE_MIN, CODE_MAX = 1001, 9999
NAME_MAX, WEBSITE_MAX, ADDRESS_MAX = 100, 200, 200
PROBLEMS_SHOWN = 20
AGENCY_COLUMNS = (
    "code",
    "name",
    "kind",
    "county",
    "parent_code",
    "phone",
    "email",
    "website",
    "address",
    "verify_lead_access",
)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


@dataclass(frozen=True)
class AgencyRecord:
    """One agency as a file (or the demo seed) describes it; `line` 0 when not from a file."""

    code: int
    name: str
    kind: str
    county: int
    parent_code: int | None = None
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    verify_lead_access: bool = False
    line: int = 0


def at_line(line: int, message: str) -> str:
    return f"line {line}: {message}" if line else message


def problems_message(problems: list[str]) -> str:
    """Problems as one line: the first PROBLEMS_SHOWN, then how many more there are."""
    shown = "; ".join(problems[:PROBLEMS_SHOWN])
    hidden = len(problems) - PROBLEMS_SHOWN
    return f"{shown}; and {hidden} more problem(s)" if hidden > 0 else shown


def parse_county(text: str) -> int | None:
    """A county code from a name ("Yolo") or a number ("57"); None if it is neither."""
    text = text.strip()
    if text.isdigit():
        return int(text) if int(text) in COUNTIES else None
    return county_code(text)


def check_contact_details(
    phone: str, email: str, website: str, address: str
) -> tuple[dict[str, str], dict[str, str]]:
    """(cleaned values, field errors) for an agency's public contact details (all optional)."""
    cleaned = {"phone": "", "email": "", "website": "", "address": " ".join(address.split())}
    errors: dict[str, str] = {}
    if phone.strip():
        formatted, problem = normalise_phone(phone)
        if problem:
            errors["phone"] = problem
        cleaned["phone"] = formatted
    if email.strip():
        normalised, problem = normalise_email(email)
        if problem:
            errors["email"] = problem
        cleaned["email"] = normalised or ""
    site = website.strip()
    if site:
        if not site.lower().startswith(("https://", "http://")) or " " in site:
            errors["website"] = "The website must be a web address starting with https://."
        elif len(site) > WEBSITE_MAX:
            errors["website"] = f"The website must be at most {WEBSITE_MAX} characters."
        cleaned["website"] = site
    if len(cleaned["address"]) > ADDRESS_MAX:
        errors["address"] = f"The address must be at most {ADDRESS_MAX} characters."
    return cleaned, errors


def _record(line: int, raw: dict[str, str]) -> tuple[AgencyRecord | None, list[str]]:
    problems: list[str] = []
    code_text = raw.get("code", "")
    code = int(code_text) if code_text.isdigit() else 0
    if not CODE_MIN <= code <= CODE_MAX:
        problems.append(f"code must be a number from {CODE_MIN} to {CODE_MAX}")
    name = " ".join(raw.get("name", "").split())
    if not name or len(name) > NAME_MAX:
        problems.append(f"name is needed (at most {NAME_MAX} characters)")
    kind = raw.get("kind", "").upper()
    if kind not in {k.value for k in AgencyKind}:
        problems.append("kind must be CUPA or PA")
    county = parse_county(raw.get("county", ""))
    if county is None:
        problems.append("county must be a California county name or a number from 1 to 58")
    parent_text = raw.get("parent_code", "")
    parent_code = int(parent_text) if parent_text.isdigit() else None
    if kind == AgencyKind.PA and parent_code is None:
        problems.append("parent_code must be the code of the PA's CUPA")
    elif kind == AgencyKind.CUPA and parent_text:
        problems.append("a CUPA has no parent_code")
    elif parent_code is not None and parent_code == code:
        problems.append("an agency cannot be its own parent")
    verify_text = raw.get("verify_lead_access", "").lower()
    if verify_text not in _YES | _NO:
        problems.append("verify_lead_access must be yes or no")
    details, errors = check_contact_details(
        raw.get("phone", ""), raw.get("email", ""), raw.get("website", ""), raw.get("address", "")
    )
    problems += [f"{field}: {message}" for field, message in errors.items()]
    if problems:
        return None, [at_line(line, problem) for problem in problems]
    assert county is not None
    return (
        AgencyRecord(
            code=code,
            name=name,
            kind=kind,
            county=county,
            parent_code=parent_code,
            verify_lead_access=verify_text in _YES,
            line=line,
            **details,
        ),
        [],
    )


def check_record(record: AgencyRecord) -> tuple[AgencyRecord | None, list[str]]:
    """The record checked and cleaned exactly as a file's line would be, or its problems."""
    raw = {
        "code": str(record.code),
        "name": record.name,
        "kind": record.kind,
        "county": str(record.county),
        "parent_code": "" if record.parent_code is None else str(record.parent_code),
        "phone": record.phone,
        "email": record.email,
        "website": record.website,
        "address": record.address,
        "verify_lead_access": "yes" if record.verify_lead_access else "no",
    }
    return _record(record.line, {key: value.strip() for key, value in raw.items()})


def parse_agencies_csv(text: str) -> list[AgencyRecord]:
    """The agencies of a CSV file, or ValidationFailed listing every problem by line."""
    reader = csv.DictReader(io.StringIO(text))
    header = {name.strip().lower() for name in reader.fieldnames or [] if name}
    missing = [column for column in ("code", "name", "kind", "county") if column not in header]
    if missing:
        raise ValidationFailed(
            message="The file needs a header row with "
            + ", ".join(AGENCY_COLUMNS)
            + f" (missing: {', '.join(missing)})."
        )
    records: list[AgencyRecord] = []
    problems: list[str] = []
    first_line: dict[int, int] = {}
    for raw in reader:
        line = reader.line_num
        fields = {
            key.strip().lower(): (value or "").strip()
            for key, value in raw.items()
            if isinstance(key, str)  # extra values beyond the header come under None
        }
        record, found = _record(line, fields)
        problems += found
        if record is None:
            continue
        if record.code in first_line:
            problems.append(
                at_line(line, f"code {record.code} is already on line {first_line[record.code]}")
            )
            continue
        first_line[record.code] = line
        records.append(record)
    if problems:
        raise ValidationFailed(message=problems_message(problems))
    if not records:
        raise ValidationFailed(message="The file has no agencies.")
    return records
