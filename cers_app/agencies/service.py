"""Agency use cases: create and load agencies and their jurisdiction rules, give regulator
users their roles."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, insert
from sqlmodel import Session, col, func, select

from cers_app.accounts.models import User
from cers_app.agencies.jurisdiction import RuleRow
from cers_app.agencies.models import (
    AGENCY_KIND_LABELS,
    REGULATOR_ROLE_LABELS,
    Agency,
    AgencyContact,
    AgencyKind,
    AgencyMember,
    JurisdictionRule,
    RegulatorRole,
)
from cers_app.agencies.rules import (
    CODE_MAX,
    CODE_MIN,
    AgencyRecord,
    at_line,
    check_contact_details,
    check_record,
    problems_message,
)
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import COUNTIES, county_label
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed

CONTACT_NAME_MAX = 80


@dataclass(frozen=True)
class AgencyRow:
    id: int
    code: int
    name: str
    kind: str
    county: str
    staff: int


@dataclass(frozen=True)
class MembershipRow:
    agency_id: int
    agency_code: int
    agency_name: str
    role: str
    role_label: str


def _check_agency(code: int, name: str, county: int, kind: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not CODE_MIN <= code <= CODE_MAX:
        errors["code"] = f"The regulator code must be a number from {CODE_MIN} to {CODE_MAX}."
    if not name.strip() or len(name.strip()) > 100:
        errors["name"] = "Enter the agency name (at most 100 characters)."
    if county not in COUNTIES:
        errors["county"] = "Choose one of California's 58 counties."
    if kind not in {k.value for k in AgencyKind}:
        errors["kind"] = "The agency type must be CUPA or PA."
    return errors


def create_agency(
    session: Session,
    *,
    actor_user_id: int | None,
    code: int,
    name: str,
    county: int,
    kind: str = AgencyKind.CUPA.value,
) -> int:
    """Create an agency; its regulator code must be unused. Returns its id."""
    with transaction(session):
        errors = _check_agency(code, name, county, kind)
        if errors:
            raise ValidationFailed(errors)
        if session.exec(select(Agency.id).where(Agency.code == code)).first() is not None:
            raise Conflict(f"An agency with regulator code {code} already exists.")
        agency = Agency(
            code=code, name=name.strip(), county=county, kind=kind, created_at=clock.now()
        )
        session.add(agency)
        session.flush()
        assert agency.id is not None
        audit.record(
            session,
            actor_user_id=actor_user_id,
            event=AuditEventType.AGENCY_CREATED,
            subject_type="agency",
            subject_id=agency.id,
            agency_id=agency.id,
            after={"code": code, "name": agency.name, "county": county, "kind": kind},
        )
        return agency.id


def find_agency_id(session: Session, code: int) -> int | None:
    return session.exec(select(Agency.id).where(Agency.code == code)).first()


def set_member_role(
    session: Session, *, actor_user_id: int | None, agency_id: int, user_id: int, role: str
) -> None:
    """Give `user_id` `role` in the agency (adding them, or changing their role)."""
    if role not in {r.value for r in RegulatorRole}:
        allowed = ", ".join(r.value for r in RegulatorRole)
        raise ValidationFailed({"role": f"Unknown regulator role {role!r}; use one of {allowed}."})
    with transaction(session):
        if session.get(Agency, agency_id) is None:
            raise NotFound("That agency does not exist.")
        if session.get(User, user_id) is None:
            raise NotFound("That user does not exist.")
        member = session.exec(
            select(AgencyMember).where(
                AgencyMember.agency_id == agency_id, AgencyMember.user_id == user_id
            )
        ).first()
        if member is None:
            member = AgencyMember(
                agency_id=agency_id,
                user_id=user_id,
                role=role,
                added_at=clock.now(),
                added_by_user_id=actor_user_id,
            )
            session.add(member)
            session.flush()
            audit.record(
                session,
                actor_user_id=actor_user_id,
                event=AuditEventType.AGENCY_MEMBER_ADDED,
                subject_type="agency_member",
                subject_id=member.id or 0,
                agency_id=agency_id,
                after={"agency_id": agency_id, "user_id": user_id, "role": role},
            )
        elif member.role != role or not member.active:
            before = {"role": member.role, "active": member.active}
            member.role, member.active = role, True
            session.add(member)
            audit.record(
                session,
                actor_user_id=actor_user_id,
                event=AuditEventType.AGENCY_MEMBER_ROLE_CHANGED,
                subject_type="agency_member",
                subject_id=member.id or 0,
                agency_id=agency_id,
                before=before,
                after={"role": role, "active": True},
            )


def active_agency_ids(session: Session, user_id: int) -> tuple[int, ...]:
    """The agencies in which `user_id` holds an active role."""
    return tuple(
        session.exec(
            select(AgencyMember.agency_id)
            .where(AgencyMember.user_id == user_id, col(AgencyMember.active).is_(True))
            .order_by(AgencyMember.agency_id)
        ).all()
    )


def memberships(session: Session, user_id: int) -> list[MembershipRow]:
    """The user's active agency roles, for the regulator home page."""
    rows = session.exec(
        select(AgencyMember, Agency)
        .join(Agency, col(Agency.id) == AgencyMember.agency_id)
        .where(AgencyMember.user_id == user_id, col(AgencyMember.active).is_(True))
        .order_by(Agency.name)
    ).all()
    return [
        MembershipRow(
            agency_id=agency.id or 0,
            agency_code=agency.code,
            agency_name=agency.name,
            role=member.role,
            role_label=REGULATOR_ROLE_LABELS.get(RegulatorRole(member.role), member.role),
        )
        for member, agency in rows
    ]


def list_agencies(session: Session) -> list[AgencyRow]:
    """Every agency with its number of active staff (system administration)."""
    staff = (
        select(AgencyMember.agency_id, func.count().label("n"))
        .where(col(AgencyMember.active).is_(True))
        .group_by(AgencyMember.agency_id)
        .subquery()
    )
    rows = session.exec(
        select(Agency, staff.c.n)
        .outerjoin(staff, staff.c.agency_id == Agency.id)
        .order_by(Agency.name)
    ).all()
    return [
        AgencyRow(
            id=agency.id or 0,
            code=agency.code,
            name=agency.name,
            kind=AGENCY_KIND_LABELS.get(AgencyKind(agency.kind), agency.kind),
            county=county_label(agency.county),
            staff=int(n or 0),
        )
        for agency, n in rows
    ]


def notification_addresses(session: Session, agency_id: int) -> list[str]:
    """Where to tell an agency about facility events: its public address, else its staff who
    handle requests (Agency Admins and Request Handlers)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        return []
    if agency.email:
        return [agency.email]
    rows = session.exec(
        select(User.email)
        .join(AgencyMember, col(AgencyMember.user_id) == User.id)
        .where(
            AgencyMember.agency_id == agency_id,
            col(AgencyMember.active).is_(True),
            col(AgencyMember.role).in_(
                [RegulatorRole.ADMIN.value, RegulatorRole.REQUEST_HANDLER.value]
            ),
        )
        .order_by(User.email)
    ).all()
    return sorted(set(rows))


# ------------------------------------------------------------------ loading agencies from a file

_DETAIL_FIELDS = ("name", "kind", "county", "parent_agency_id", "phone", "email", "website")
_DETAIL_FIELDS += ("address", "verify_lead_access")


@dataclass(frozen=True)
class AgencyLoad:
    """What `load_agencies` did, by regulator code."""

    created: tuple[int, ...]
    changed: tuple[int, ...]
    unchanged: tuple[int, ...]


def _details(agency: Agency) -> dict[str, object]:
    return {name: getattr(agency, name) for name in _DETAIL_FIELDS}


def _check_parents(
    session: Session, records: Sequence[AgencyRecord]
) -> tuple[dict[int, Agency], list[str]]:
    """The agencies already stored under the records' codes, and the problems with parents."""
    codes = {record.code for record in records} | {
        record.parent_code for record in records if record.parent_code is not None
    }
    stored = {
        agency.code: agency
        for agency in session.exec(select(Agency).where(col(Agency.code).in_(codes))).all()
    }
    kind_after = {code: agency.kind for code, agency in stored.items()}
    kind_after.update({record.code: record.kind for record in records})
    problems: list[str] = []
    for record in records:
        if record.parent_code is None:
            continue
        parent_kind = kind_after.get(record.parent_code)
        if parent_kind is None:
            problems.append(at_line(record.line, f"no agency has code {record.parent_code}"))
        elif parent_kind != AgencyKind.CUPA:
            problems.append(at_line(record.line, f"agency {record.parent_code} is not a CUPA"))
    becoming_pa = {
        stored[r.code].id: r for r in records if r.code in stored and r.kind == AgencyKind.PA
    }
    if becoming_pa:
        children = session.exec(
            select(Agency).where(col(Agency.parent_agency_id).in_(list(becoming_pa)))
        ).all()
        new_parents = {record.code: record.parent_code for record in records}
        for child in children:
            record = becoming_pa[child.parent_agency_id or 0]
            if new_parents.get(child.code, record.code) != record.code:
                continue  # the same file moves the child to another CUPA
            problems.append(
                at_line(
                    record.line,
                    f"agency {record.code} must stay a CUPA: {child.name} works under it",
                )
            )
    return stored, problems


def load_agencies(
    session: Session, *, actor_user_id: int | None, records: Sequence[AgencyRecord]
) -> AgencyLoad:
    """Create or update agencies by regulator code, all or nothing.

    A PA's parent may be an agency already stored or one in `records`. Problems are reported
    together, each with its line. Changes are audited field by field; unchanged agencies are
    left alone.
    """
    created: list[int] = []
    changed: list[int] = []
    unchanged: list[int] = []
    problems: list[str] = []
    cleaned: list[AgencyRecord] = []
    seen: set[int] = set()
    for given in records:
        record, found = check_record(given)
        problems += found
        if record is not None and record.code in seen:
            problems.append(at_line(record.line, f"code {record.code} is given twice"))
        elif record is not None:
            seen.add(record.code)
            cleaned.append(record)
    if problems or not cleaned:
        raise ValidationFailed(message=problems_message(problems or ["No agencies to load."]))
    records = cleaned
    with transaction(session):
        stored, problems = _check_parents(session, records)
        if problems:
            raise ValidationFailed(message=problems_message(problems))
        # CUPAs first, so a PA's parent exists when the PA is written.
        for record in sorted(records, key=lambda r: (r.kind != AgencyKind.CUPA, r.line, r.code)):
            parent = stored.get(record.parent_code) if record.parent_code else None
            wanted = {
                "name": record.name,
                "kind": record.kind,
                "county": record.county,
                "parent_agency_id": parent.id if parent else None,
                "phone": record.phone,
                "email": record.email,
                "website": record.website,
                "address": record.address,
                "verify_lead_access": record.verify_lead_access,
            }
            agency = stored.get(record.code)
            if agency is None:
                agency = Agency(code=record.code, created_at=clock.now(), **wanted)
                session.add(agency)
                session.flush()
                stored[record.code] = agency
                created.append(record.code)
                audit.record(
                    session,
                    actor_user_id=actor_user_id,
                    event=AuditEventType.AGENCY_CREATED,
                    subject_type="agency",
                    subject_id=agency.id or 0,
                    agency_id=agency.id,
                    after={"code": record.code, **wanted},
                )
                continue
            before, after = audit.changed_fields(_details(agency), wanted)
            if not after:
                unchanged.append(record.code)
                continue
            for name, value in after.items():
                setattr(agency, name, value)
            session.add(agency)
            changed.append(record.code)
            audit.record(
                session,
                actor_user_id=actor_user_id,
                event=AuditEventType.AGENCY_CHANGED,
                subject_type="agency",
                subject_id=agency.id or 0,
                agency_id=agency.id,
                before=before,
                after=after,
            )
    return AgencyLoad(tuple(created), tuple(changed), tuple(unchanged))


# ------------------------------------------------------------------ contacts


@dataclass(frozen=True)
class ContactRow:
    id: int
    name: str
    title: str
    phone: str
    email: str
    public: bool


def agency_contacts(session: Session, agency_id: int) -> list[ContactRow]:
    """The agency's contact people, by name."""
    rows = session.exec(
        select(AgencyContact)
        .where(AgencyContact.agency_id == agency_id)
        .order_by(AgencyContact.name, AgencyContact.id)
    ).all()
    return [ContactRow(c.id or 0, c.name, c.title, c.phone, c.email, c.public) for c in rows]


def add_agency_contact(
    session: Session,
    *,
    actor_user_id: int | None,
    agency_id: int,
    name: str,
    title: str = "",
    phone: str = "",
    email: str = "",
    public: bool = True,
) -> int:
    """Add a person businesses can contact at the agency. Returns the contact's id."""
    name, title = " ".join(name.split()), " ".join(title.split())
    details, errors = check_contact_details(phone, email, "", "")
    if not name or len(name) > CONTACT_NAME_MAX:
        errors["name"] = f"Enter the contact's name (at most {CONTACT_NAME_MAX} characters)."
    if len(title) > CONTACT_NAME_MAX:
        errors["title"] = f"The title must be at most {CONTACT_NAME_MAX} characters."
    if errors:
        raise ValidationFailed(errors)
    with transaction(session):
        if session.get(Agency, agency_id) is None:
            raise NotFound("That agency does not exist.")
        contact = AgencyContact(
            agency_id=agency_id,
            name=name,
            title=title,
            phone=details["phone"],
            email=details["email"],
            public=public,
        )
        session.add(contact)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor_user_id,
            event=AuditEventType.AGENCY_CHANGED,
            subject_type="agency",
            subject_id=agency_id,
            agency_id=agency_id,
            after={
                "contact_added": {"id": contact.id, "name": name, "title": title, "public": public}
            },
        )
        return contact.id or 0


# ------------------------------------------------------------------ jurisdiction rules


@dataclass(frozen=True)
class JurisdictionLoad:
    """What `load_jurisdictions` did: rule counts, and the agencies whose rules changed."""

    added: int
    removed: int
    unchanged: int
    agencies: tuple[int, ...]  # regulator codes named in the file


def _rule_text(element: int, zip_code: str, city: str) -> str:
    where = f"ZIP {zip_code}" + (f" (city {city})" if city else "")
    return f"element {element} in {where}"


def _stored_rules(session: Session, zip_codes: set[str]) -> list[JurisdictionRule]:
    found: list[JurisdictionRule] = []
    ordered = sorted(zip_codes)
    for start in range(0, len(ordered), 500):  # keep each IN list well under driver limits
        chunk = ordered[start : start + 500]
        found += session.exec(
            select(JurisdictionRule).where(col(JurisdictionRule.zip_code).in_(chunk))
        ).all()
    return found


def load_jurisdictions(
    session: Session,
    *,
    actor_user_id: int | None,
    rules: Sequence[RuleRow],
    replace: bool = False,
) -> JurisdictionLoad:
    """Add jurisdiction rules (agency A takes element E in ZIP Z, maybe only in city C).

    All or nothing; every problem is reported with its line. A rule held by an agency not in
    the file is never taken from it silently. With `replace`, the agencies named in the file
    keep exactly the rules in the file (their other rules are removed). Rules already there
    are left as they are, so loading a file twice changes nothing. Facilities keep the agencies
    they were given when they were created.
    """
    if not rules:
        raise ValidationFailed(message="The file has no rules.")
    with transaction(session):
        codes = {rule.agency_code for rule in rules}
        ids = {
            agency.code: agency.id or 0
            for agency in session.exec(select(Agency).where(col(Agency.code).in_(codes))).all()
        }
        problems = [
            at_line(rule.line, f"no agency has regulator code {rule.agency_code}")
            for rule in rules
            if rule.agency_code not in ids
        ]
        wanted: dict[tuple[int, str, str], tuple[int, int]] = {}  # place -> (agency id, line)
        for rule in rules:
            if rule.agency_code not in ids:
                continue
            place = (rule.element, rule.zip_code, rule.city)
            agency_id = ids[rule.agency_code]
            first = wanted.setdefault(place, (agency_id, rule.line))
            if first[0] != agency_id:
                problems.append(
                    at_line(
                        rule.line,
                        f"{_rule_text(*place)} is given to another agency on line {first[1]}",
                    )
                )
        loading = set(ids.values())
        stored = _stored_rules(session, {zip_code for _, zip_code, _ in wanted})
        by_place = {(r.element, r.zip_code, r.city): r for r in stored}
        codes_by_id = {agency_id: code for code, agency_id in ids.items()}
        for place, (agency_id, line) in wanted.items():
            held = by_place.get(place)
            if held is None or held.agency_id == agency_id:
                continue
            if replace and held.agency_id in loading:
                continue  # its agency gives it up in this same load
            holder = session.get(Agency, held.agency_id)
            problems.append(
                at_line(
                    line,
                    f"{_rule_text(*place)} belongs to agency {holder.code if holder else '?'}; "
                    "to move it, put that agency's rules in the file too and use --replace",
                )
            )
        if problems:
            raise ValidationFailed(message=problems_message(problems))

        before = _rule_counts(session, loading)
        removed_ids: list[int] = []
        if replace:
            current = session.exec(
                select(JurisdictionRule).where(col(JurisdictionRule.agency_id).in_(loading))
            ).all()
            removed_ids = [
                r.id or 0
                for r in current
                if wanted.get((r.element, r.zip_code, r.city), (None,))[0] != r.agency_id
            ]
            for start in range(0, len(removed_ids), 500):
                session.exec(
                    delete(JurisdictionRule).where(
                        col(JurisdictionRule.id).in_(removed_ids[start : start + 500])
                    )
                )
        kept = {
            place
            for place, rule in by_place.items()
            if place in wanted and rule.agency_id == wanted[place][0]
        }
        new_rows = [
            {"agency_id": agency_id, "element": e, "zip_code": zip_code, "city": city}
            for (e, zip_code, city), (agency_id, _) in wanted.items()
            if (e, zip_code, city) not in kept
        ]
        if new_rows:
            session.execute(insert(JurisdictionRule), new_rows)
        after = _rule_counts(session, loading)
        added_by = Counter(row["agency_id"] for row in new_rows)
        for agency_id in sorted(loading):
            added = added_by[agency_id]
            removed = before[agency_id] + added - after[agency_id]
            if not added and not removed:
                continue  # nothing changed for this agency: no audit row
            audit.record(
                session,
                actor_user_id=actor_user_id,
                event=AuditEventType.JURISDICTION_LOADED,
                subject_type="agency",
                subject_id=agency_id,
                agency_id=agency_id,
                before={"rules": before[agency_id]},
                after={
                    "rules": after[agency_id],
                    "added": added,
                    "removed": removed,
                    "replace": replace,
                },
            )
        return JurisdictionLoad(
            added=len(new_rows),
            removed=len(removed_ids),
            unchanged=len(kept),
            agencies=tuple(sorted(codes_by_id[a] for a in loading)),
        )


def _rule_counts(session: Session, agency_ids: set[int]) -> Counter[int]:
    rows = session.exec(
        select(JurisdictionRule.agency_id, func.count())
        .where(col(JurisdictionRule.agency_id).in_(agency_ids))
        .group_by(JurisdictionRule.agency_id)
    ).all()
    return Counter({agency_id: int(n) for agency_id, n in rows})
