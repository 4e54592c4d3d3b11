"""Which agency regulates which submittal element at an address: ZIP code rules, with city.

A rule says "agency A takes element E in ZIP Z" (optionally only in city C of that ZIP). For
each element the most specific rule wins: one naming the city, else one for the whole ZIP.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlmodel import Session, select

from cers_app.agencies.models import Agency, JurisdictionRule
from cers_app.agencies.rules import problems_message
from cers_app.core.codes import ELEMENTS, FACILITY_INFORMATION
from cers_app.core.errors import ValidationFailed

STATEWIDE_DIRECTORY = "https://cersapps.calepa.ca.gov/Public/Directory/"
CITY_MAX = 60


def zip5(zip_code: str) -> str:
    return zip_code.strip()[:5]


def city_key(city: str) -> str:
    return " ".join(city.split()).casefold()


@dataclass(frozen=True)
class Jurisdiction:
    agencies: dict[int, int]  # element -> agency id

    @property
    def covered(self) -> bool:
        """This install regulates the address (someone takes Facility Information there)."""
        return FACILITY_INFORMATION in self.agencies


def regulators_for(session: Session, zip_code: str, city: str) -> Jurisdiction:
    """The agency of each element at `zip_code` / `city`, from this install's rules."""
    rules = session.exec(
        select(JurisdictionRule).where(JurisdictionRule.zip_code == zip5(zip_code))
    ).all()
    wanted_city = city_key(city)
    chosen: dict[int, tuple[int, int]] = {}  # element -> (specificity, agency id)
    for rule in rules:
        if rule.city and rule.city != wanted_city:
            continue
        specificity = 1 if rule.city else 0
        current = chosen.get(rule.element)
        if current is None or specificity > current[0]:
            chosen[rule.element] = (specificity, rule.agency_id)
    return Jurisdiction(agencies={element: agency for element, (_, agency) in chosen.items()})


def uncovered_message(zip_code: str) -> str:
    return (
        f"No regulator of this OpenCERS site covers ZIP code {zip5(zip_code)}. Check the ZIP code, "
        f"or find the regulator for this address in the statewide directory at "
        f"{STATEWIDE_DIRECTORY} and report through the portal it uses."
    )


@dataclass(frozen=True)
class RuleRow:
    agency_code: int
    element: int
    zip_code: str
    city: str
    line: int = 0  # where the rule is in its file (0 when it comes from elsewhere)


def parse_rules_csv(text: str) -> list[RuleRow]:
    """Rows of a jurisdiction CSV: agency_code, element, zip, city (city may be empty).

    `element` is 1-10 or "all". Every problem is reported with its line number.
    """
    reader = csv.DictReader(io.StringIO(text))
    needed = {"agency_code", "element", "zip"}
    if not reader.fieldnames or not needed <= {name.strip() for name in reader.fieldnames}:
        raise ValidationFailed(
            message="The file needs a header row with agency_code, element, zip (and city)."
        )
    rows: list[RuleRow] = []
    problems: list[str] = []
    for raw in reader:
        line = reader.line_num  # blank lines are skipped, so count what the reader read
        record = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        try:
            code = int(record["agency_code"])
        except ValueError:
            problems.append(f"line {line}: agency_code must be a number")
            continue
        zip_code = record["zip"]
        if not (len(zip_code) == 5 and zip_code.isdigit()):
            problems.append(f"line {line}: zip must be 5 digits")
            continue
        element_text = record["element"].lower()
        if element_text == "all":
            elements = list(ELEMENTS)
        elif element_text.isdigit() and int(element_text) in ELEMENTS:
            elements = [int(element_text)]
        else:
            problems.append(f"line {line}: element must be 1-10 or all")
            continue
        city = city_key(record.get("city", ""))
        if len(city) > CITY_MAX:
            problems.append(f"line {line}: city must be at most {CITY_MAX} characters")
            continue
        rows += [RuleRow(code, e, zip_code, city, line) for e in elements]
    if problems:
        raise ValidationFailed(message=problems_message(problems))
    if not rows:
        raise ValidationFailed(message="The file has no rules.")
    return rows


def agency_ids_by_code(session: Session) -> dict[int, int]:
    return {code: agency_id for agency_id, code in session.exec(select(Agency.id, Agency.code))}
