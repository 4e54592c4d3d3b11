"""Agency administration: the agency's jurisdiction, element by element.

A rule says "agency A takes element E in ZIP Z" (only in city C when C is set). An Agency Admin
lists, adds and removes the rules of the agency they administer and, for a CUPA, of its
participating agencies (a CUPA's admin can give one element of a ZIP to its PA). A rule never
takes a place from an agency outside that family: the place's holder is named instead. A CSV
import is all or nothing and reports every problem with its line.

Facilities keep the agencies they were given when they were created: a rule changed here
applies to facilities added afterwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import insert
from sqlmodel import Session, col, func, select

from cers_app.agencies.admin_profile import AgencyChoice, administered, agency_choice, family_of
from cers_app.agencies.jurisdiction import CITY_MAX, RuleRow, city_key, parse_rules_csv
from cers_app.agencies.models import Agency, JurisdictionRule
from cers_app.agencies.rules import at_line, problems_message
from cers_app.core import audit
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import ELEMENTS, element_label
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.service import is_id

RULES_SHOWN = 500
CSV_MAX_BYTES = 1024 * 1024
RULE_NOT_FOUND = "That rule was not found among your agency's rules."
NEW_FACILITIES_ONLY = (
    "Facilities keep the regulator they were given when they were added: a rule added or "
    "removed here applies to facilities added from now on."
)


@dataclass(frozen=True)
class RuleView:
    id: int
    element: int
    element_label: str
    zip_code: str
    city: str
    agency_id: int
    agency_name: str


@dataclass(frozen=True)
class JurisdictionView:
    agencies: tuple[AgencyChoice, ...]  # the agency and, for a CUPA, its PAs
    rules: tuple[RuleView, ...]
    total: int  # rules matching the filter (only the first RULES_SHOWN are listed)


@dataclass(frozen=True)
class ImportResult:
    added: int
    unchanged: int


def _place(element: int, zip_code: str, city: str) -> str:
    return f"{element_label(element)} in ZIP {zip_code}" + (f" (city {city})" if city else "")


def _holder(agency: Agency | None, family: set[int]) -> str:
    """The agency holding a place: by name within the admin's family; outside it by its
    regulator code only (another agency's details are not the admin's to read here)."""
    if agency is None:
        return "another agency"
    if agency.id in family:
        return f"{agency.name} (regulator code {agency.code})"
    return f"the agency with regulator code {agency.code}"


def _element(text: object) -> int | None:
    text = str(text).strip()
    return int(text) if text.isdigit() and int(text) in ELEMENTS else None


def jurisdiction(
    session: Session, actor: Actor, agency_id: object, element: object = None
) -> JurisdictionView:
    """The rules of the agency (and of its PAs, for a CUPA), of one element when given."""
    with transaction(session):
        agency = administered(session, actor, agency_id)
        family = family_of(session, agency)
        names = {a.id: a.name for a in family}
        wanted = _element(element) if element not in (None, "") else None
        where = [col(JurisdictionRule.agency_id).in_(list(names))]
        if wanted is not None:
            where.append(JurisdictionRule.element == wanted)
        total = session.exec(select(func.count()).select_from(JurisdictionRule).where(*where)).one()
        rows = session.exec(
            select(JurisdictionRule)
            .where(*where)
            .order_by(
                JurisdictionRule.element,
                JurisdictionRule.zip_code,
                JurisdictionRule.city,
                col(JurisdictionRule.id),
            )
            .limit(RULES_SHOWN)
        ).all()
        return JurisdictionView(
            agencies=tuple(agency_choice(a) for a in family),
            rules=tuple(
                RuleView(
                    id=r.id or 0,
                    element=r.element,
                    element_label=element_label(r.element),
                    zip_code=r.zip_code,
                    city=r.city,
                    agency_id=r.agency_id,
                    agency_name=names.get(r.agency_id, ""),
                )
                for r in rows
            ),
            total=int(total),
        )


def _conflicts(
    session: Session, family: set[int], agency_id: int, element: int, zip_code: str, city: str
) -> list[str]:
    """Why agency `agency_id` cannot take the place: it is held, or an agency outside the
    family regulates the element somewhere in that ZIP."""
    rules = session.exec(
        select(JurisdictionRule).where(
            JurisdictionRule.element == element, JurisdictionRule.zip_code == zip_code
        )
    ).all()
    problems: list[str] = []
    for rule in rules:
        if rule.city == city:
            if rule.agency_id == agency_id:
                problems.append(f"{_place(element, zip_code, city)} is already this agency's")
            else:
                holder = _holder(session.get(Agency, rule.agency_id), family)
                problems.append(
                    f"{_place(element, zip_code, city)} is already regulated by {holder}"
                    + ("; remove that rule first" if rule.agency_id in family else "")
                )
        elif rule.agency_id not in family:
            holder = _holder(session.get(Agency, rule.agency_id), family)
            problems.append(
                f"{holder} regulates {_place(element, zip_code, rule.city)}; "
                "ask them or the system administrator to change it"
            )
    return problems


def add_rule(
    session: Session, actor: Actor, agency_id: object, given: Mapping[str, object]
) -> RuleView:
    """Give one element of a ZIP (maybe one city of it) to the agency or one of its PAs."""
    given = given if isinstance(given, Mapping) else {}
    errors: dict[str, str] = {}
    element = _element(given.get("element", ""))
    if element is None:
        errors["element"] = "Choose the submittal element (1 to 10)."
    zip_code = str(given.get("zip_code", "")).strip()
    if not (len(zip_code) == 5 and zip_code.isascii() and zip_code.isdigit()):
        errors["zip_code"] = "Enter the ZIP code as 5 digits, such as 95616."
    city = city_key(str(given.get("city", "")))
    if len(city) > CITY_MAX:
        errors["city"] = f"The city must be at most {CITY_MAX} characters."
    target_text = str(given.get("agency", "")).strip()
    target = int(target_text) if target_text.isascii() and target_text.isdigit() else None
    with transaction(session):
        agency = administered(session, actor, agency_id)
        family = {a.id or 0: a for a in family_of(session, agency)}
        if target not in family:
            errors["agency"] = "Choose this agency or one of its participating agencies."
        if errors:
            raise ValidationFailed(errors)
        assert element is not None and target is not None
        problems = _conflicts(session, set(family), target, element, zip_code, city)
        if problems:
            raise ValidationFailed({"zip_code": problems_message(problems) + "."})
        rule = JurisdictionRule(agency_id=target, element=element, zip_code=zip_code, city=city)
        session.add(rule)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.JURISDICTION_RULE_ADDED,
            subject_type="agency",
            subject_id=target,
            agency_id=target,
            after={"rule_id": rule.id, "element": element, "zip_code": zip_code, "city": city},
            client_ip=actor.client_ip,
        )
        return RuleView(
            rule.id or 0,
            element,
            element_label(element),
            zip_code,
            city,
            target,
            family[target].name,
        )


def remove_rule(session: Session, actor: Actor, agency_id: object, rule_id: object) -> None:
    """Remove a rule of the agency (or of one of its PAs)."""
    with transaction(session):
        agency = administered(session, actor, agency_id)
        family = {a.id for a in family_of(session, agency)}
        rule = session.get(JurisdictionRule, rule_id) if is_id(rule_id) else None
        if rule is None or rule.agency_id not in family:
            raise NotFound(RULE_NOT_FOUND)
        before = {
            "rule_id": rule.id,
            "element": rule.element,
            "zip_code": rule.zip_code,
            "city": rule.city,
        }
        holder = rule.agency_id
        session.delete(rule)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.JURISDICTION_RULE_REMOVED,
            subject_type="agency",
            subject_id=holder,
            agency_id=holder,
            before=before,
            client_ip=actor.client_ip,
        )


def _check_rows(
    session: Session, family: dict[int, Agency], rows: list[RuleRow]
) -> tuple[list[dict[str, object]], int, list[str]]:
    """(new rule rows, rules already there, problems by line) for the rows of a file."""
    by_code = {a.code: a.id or 0 for a in family.values()}
    problems: list[str] = []
    wanted: dict[tuple[int, str, str], tuple[int, int]] = {}  # place -> (agency id, line)
    for row in rows:
        agency_id = by_code.get(row.agency_code)
        if agency_id is None:
            problems.append(
                at_line(
                    row.line,
                    f"agency_code {row.agency_code} is not this agency or one of its "
                    "participating agencies",
                )
            )
            continue
        place = (row.element, row.zip_code, row.city)
        first = wanted.setdefault(place, (agency_id, row.line))
        if first[0] != agency_id:
            problems.append(
                at_line(row.line, f"{_place(*place)} is given to another agency on line {first[1]}")
            )
    new_rows: list[dict[str, object]] = []
    unchanged = 0
    for (element, zip_code, city), (agency_id, line) in wanted.items():
        found = _conflicts(session, set(family), agency_id, element, zip_code, city)
        if found == [f"{_place(element, zip_code, city)} is already this agency's"]:
            unchanged += 1
            continue
        found = [p for p in found if not p.endswith("is already this agency's")]
        if found:
            problems += [at_line(line, problem) for problem in found]
            continue
        new_rows.append(
            {"agency_id": agency_id, "element": element, "zip_code": zip_code, "city": city}
        )
    return new_rows, unchanged, problems


def import_rules(session: Session, actor: Actor, agency_id: object, text: object) -> ImportResult:
    """Add the rules of a CSV text (agency_code, element, zip, city), all or nothing.

    Every row must be for the agency or, for a CUPA, one of its PAs. Rules already there are
    left alone, so importing a file twice changes nothing.
    """
    text = text if isinstance(text, str) else ""
    if len(text.encode("utf-8")) > CSV_MAX_BYTES:
        raise ValidationFailed({"csv": "The file is larger than 1 MB; split it and try again."})
    if not text.strip():
        raise ValidationFailed({"csv": "Paste the rules (or choose a .csv file) first."})
    with transaction(session):
        agency = administered(session, actor, agency_id)
        try:
            rows = parse_rules_csv(text.lstrip("\ufeff"))
        except ValidationFailed as exc:
            raise ValidationFailed({"csv": exc.message}) from None
        family = {a.id or 0: a for a in family_of(session, agency)}
        new_rows, unchanged, problems = _check_rows(session, family, rows)
        if problems:
            raise ValidationFailed({"csv": problems_message(problems)})
        before = _counts(session, set(family))
        if new_rows:
            session.execute(insert(JurisdictionRule), new_rows)
        after = _counts(session, set(family))
        added_by = Counter(int(row["agency_id"]) for row in new_rows)  # type: ignore[call-overload]
        for holder, added in sorted(added_by.items()):
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.JURISDICTION_LOADED,
                subject_type="agency",
                subject_id=holder,
                agency_id=holder,
                before={"rules": before[holder]},
                after={"rules": after[holder], "added": added, "removed": 0, "replace": False},
                client_ip=actor.client_ip,
            )
        return ImportResult(added=len(new_rows), unchanged=unchanged)


def _counts(session: Session, agency_ids: set[int]) -> Counter[int]:
    rows = session.exec(
        select(JurisdictionRule.agency_id, func.count())
        .where(col(JurisdictionRule.agency_id).in_(agency_ids))
        .group_by(JurisdictionRule.agency_id)
    ).all()
    return Counter({holder: int(n) for holder, n in rows})
