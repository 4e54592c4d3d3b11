"""Agency use cases: create agencies and give regulator users their roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cers_app.accounts.models import User
from cers_app.agencies.models import (
    AGENCY_KIND_LABELS,
    REGULATOR_ROLE_LABELS,
    Agency,
    AgencyKind,
    AgencyMember,
    RegulatorRole,
)
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import COUNTIES, county_label
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed

CODE_MIN, CODE_MAX = 1001, 9999


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
