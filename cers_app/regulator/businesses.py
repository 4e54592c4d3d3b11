"""A business as its regulator sees it: details, people, facilities in reach, email history.

A regulator reaches a business through its facilities: the business must own at least one
active facility in the actor's jurisdiction, and only those facilities are listed (a
participating agency sees the facilities where it regulates an element).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, or_, select

from cers_app.accounts.models import User
from cers_app.core import clock
from cers_app.core.errors import NotFound
from cers_app.core.mail import EmailMessage
from cers_app.core.permissions import Actor
from cers_app.facilities.models import Facility, FacilityStatus
from cers_app.facilities.service import is_id
from cers_app.organizations.models import Organization, OrgMember
from cers_app.organizations.roles import ROLE_LABELS, parse_role
from cers_app.regulator import scope
from cers_app.regulator.facility_search import address_line
from cers_app.regulator.scope import Right

BUSINESS_NOT_FOUND = "That business was not found among the businesses in your jurisdiction."
EMAILS_SHOWN = 200
USER_STATUS_LABELS = {"pending": "Not activated", "active": "Active", "disabled": "Disabled"}


@dataclass(frozen=True)
class PersonLine:
    name: str
    email: str
    role: str
    title: str
    phone: str
    status: str


@dataclass(frozen=True)
class BusinessFacility:
    id: int
    cers_id: int
    name: str
    address: str


@dataclass(frozen=True)
class EmailLine:
    id: int
    sent: str
    subject: str
    to_address: str
    status: str


@dataclass(frozen=True)
class BusinessView:
    id: int
    code: int
    name: str
    headquarters: str
    status: str
    created: str
    people: list[PersonLine]
    facilities: list[BusinessFacility]
    emails: list[EmailLine]
    emails_total: int  # "showing len(emails) of emails_total"


def business_view(session: Session, actor: Actor, organization_id: object) -> BusinessView:
    """The business page of the Regulator Portal; NotFound unless it has a facility in reach."""
    if not is_id(organization_id):
        raise NotFound(BUSINESS_NOT_FOUND)
    reach = scope.reach_of(session, actor, Right.VIEW)
    facilities = session.exec(
        select(Facility)
        .where(
            Facility.organization_id == organization_id,
            Facility.status == FacilityStatus.ACTIVE.value,
            scope.facility_clause(reach),
        )
        .order_by(func.lower(Facility.name), col(Facility.id))
    ).all()
    organization = session.get(Organization, organization_id)
    if not facilities or organization is None:
        raise NotFound(BUSINESS_NOT_FOUND)
    members = session.exec(
        select(OrgMember, User)
        .join(User, col(User.id) == OrgMember.user_id)
        .where(OrgMember.organization_id == organization_id)
        .order_by(func.lower(User.last_name), func.lower(User.first_name), col(User.id))
    ).all()
    people = []
    for member, user in members:
        role = parse_role(member.role)
        people.append(
            PersonLine(
                name=f"{user.first_name} {user.last_name}",
                email=user.email,
                role=ROLE_LABELS[role] if role else member.role,
                title=member.title,
                phone=member.phone,
                status=USER_STATUS_LABELS.get(user.status, user.status),
            )
        )
    emails, total = _emails(session, [u for _, u in members])
    return BusinessView(
        id=organization.id or 0,
        code=organization.code,
        name=organization.name,
        headquarters=organization.headquarters,
        status=organization.status.capitalize(),
        created=clock.format_local(organization.created_at),
        people=people,
        facilities=[
            BusinessFacility(id=f.id or 0, cers_id=f.cers_id, name=f.name, address=address_line(f))
            for f in facilities
        ],
        emails=emails,
        emails_total=total,
    )


def _emails(session: Session, users: list[User]) -> tuple[list[EmailLine], int]:
    """The newest messages sent to the business's people (by account or address) and how
    many there are in all."""
    if not users:
        return [], 0
    ids = [u.id for u in users if u.id is not None]
    addresses = sorted({u.email.casefold() for u in users})
    sent_to_them = or_(
        col(EmailMessage.user_id).in_(ids),
        func.lower(EmailMessage.to_address).in_(addresses),
    )
    total = session.exec(select(func.count()).select_from(EmailMessage).where(sent_to_them)).one()
    rows = session.exec(
        select(EmailMessage)
        .where(sent_to_them)
        .order_by(col(EmailMessage.created_at).desc(), col(EmailMessage.id).desc())
        .limit(EMAILS_SHOWN)
    ).all()
    lines = [
        EmailLine(
            id=m.id or 0,
            sent=clock.format_local(m.sent_at or m.created_at),
            subject=m.subject,
            to_address=m.to_address,
            status=m.status,
        )
        for m in rows
    ]
    return lines, int(total)
