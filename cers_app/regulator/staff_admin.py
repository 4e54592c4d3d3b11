"""Staff and roles: an Agency Admin lists their agency's members, invites a regulator by email
with a role, changes a member's role, and deactivates or reactivates a membership.

Scoped like account administration (`account_admin._admin_agencies`): only the agencies where
the actor's own role holds Right.ADMIN; a member id of any other agency is NotFound. An agency
always keeps one active Agency Admin. A deactivated member loses the Regulator Portal at their
very next event (the gate re-reads their memberships on every event).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from cers_app.accounts import setup as account_setup
from cers_app.accounts.models import User, UserStatus
from cers_app.accounts.rules import check_name, normalise_email
from cers_app.agencies.models import REGULATOR_ROLE_LABELS, Agency, AgencyMember, RegulatorRole
from cers_app.core import audit, clock, routes
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import Rendered, queue_email, render
from cers_app.core.permissions import Actor
from cers_app.facilities.service import is_id
from cers_app.regulator.account_admin import _admin_agencies

NOT_FOUND = "That staff member was not found in the agencies you administer."
LAST_ADMIN = (
    "{agency} must keep at least one active Agency Admin: make someone else Agency Admin first."
)
ROLES = [r.value for r in RegulatorRole]


def role_label(role: str) -> str:
    return REGULATOR_ROLE_LABELS.get(role, role)  # type: ignore[call-overload]


@dataclass(frozen=True)
class StaffRow:
    member_id: int
    user_id: int
    agency_id: int
    agency: str
    name: str
    username: str
    email: str
    role: str
    role_label: str
    active: bool
    account_status: str
    is_self: bool


@dataclass(frozen=True)
class AgencyChoice:
    id: int
    name: str


def _agencies(session: Session, actor: Actor) -> list[int]:
    agencies = _admin_agencies(session, actor)
    if not agencies:
        raise PermissionDenied("Only an Agency Admin can manage the agency's staff.")
    return agencies


def admin_agencies(session: Session, actor: Actor) -> list[AgencyChoice]:
    """The agencies whose staff the actor manages, by name."""
    ids = _agencies(session, actor)
    rows = session.exec(select(Agency).where(col(Agency.id).in_(ids)).order_by(Agency.name)).all()
    return [AgencyChoice(a.id or 0, a.name) for a in rows]


def staff_rows(session: Session, actor: Actor) -> list[StaffRow]:
    """Every member (active or not) of the agencies the actor administers."""
    ids = _agencies(session, actor)
    rows = session.exec(
        select(AgencyMember, User, Agency)
        .join(User, col(User.id) == AgencyMember.user_id)
        .join(Agency, col(Agency.id) == AgencyMember.agency_id)
        .where(col(AgencyMember.agency_id).in_(ids))
        .order_by(Agency.name, col(AgencyMember.active).desc(), User.last_name, User.first_name)
    ).all()
    return [
        StaffRow(
            member_id=member.id or 0,
            user_id=user.id or 0,
            agency_id=agency.id or 0,
            agency=agency.name,
            name=user.display_name,
            username=user.username,
            email=user.email,
            role=member.role,
            role_label=role_label(member.role),
            active=member.active,
            account_status=user.status,
            is_self=user.id == actor.user_id,
        )
        for member, user, agency in rows
    ]


def _member(session: Session, actor: Actor, member_id: object) -> tuple[AgencyMember, Agency]:
    """The membership `member_id` in one of the actor's agencies, row-locked; else NotFound."""
    ids = _agencies(session, actor)
    member = session.get(AgencyMember, member_id) if is_id(member_id) else None
    if member is None or member.agency_id not in ids:
        raise NotFound(NOT_FOUND)
    session.refresh(member, with_for_update=True)
    agency = session.get(Agency, member.agency_id)
    assert agency is not None
    return member, agency


def _other_active_admins(session: Session, member: AgencyMember) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(AgencyMember)
            .where(
                AgencyMember.agency_id == member.agency_id,
                AgencyMember.role == RegulatorRole.ADMIN.value,
                col(AgencyMember.active).is_(True),
                AgencyMember.id != member.id,
            )
        ).one()
    )


def _keeps_an_admin(session: Session, member: AgencyMember, agency: Agency) -> None:
    is_admin = member.active and member.role == RegulatorRole.ADMIN.value
    if is_admin and _other_active_admins(session, member) == 0:
        raise Conflict(LAST_ADMIN.format(agency=agency.name))


def _check_role(role: object) -> str:
    if not isinstance(role, str) or role not in ROLES:
        raise ValidationFailed({"role": "Choose a role from the list."})
    return role


def _added_email(first_name: str, agency: str, role: str, inviter: str) -> Rendered:
    return render(
        f"You have a role at {agency} in OpenCERS",
        f"Hello {first_name},",
        [
            f"{inviter} gave you the role {role} at {agency}. Sign in to the Regulator Portal "
            "with your usual username to use it."
        ],
        action=("Sign in", routes.absolute(routes.SIGN_IN, portal="regulator")),
    )


def invite_member(
    session: Session,
    actor: Actor,
    *,
    agency_id: object,
    email: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
) -> str:
    """Give the account using `email` `role` in the agency and tell them; with no account for
    the address, create one (pending, finished by its holder from the emailed link).

    Returns a sentence saying what happened.
    """
    try:
        return _invite(session, actor, agency_id, email, role, first_name, last_name)
    except IntegrityError as exc:  # two admins invited the same person at once
        raise Conflict("That person was just added to the agency by someone else.") from exc


def _invite(
    session: Session,
    actor: Actor,
    agency_id: object,
    email: str,
    role: str,
    first_name: str,
    last_name: str,
) -> str:
    with transaction(session):
        ids = _agencies(session, actor)
        if not is_id(agency_id) or agency_id not in ids:
            raise NotFound("That agency is not one you administer.")
        agency = session.get(Agency, agency_id)
        assert agency is not None
        errors: dict[str, str] = {}
        address, email_error = normalise_email(str(email or ""))
        if email_error or address is None:
            errors["email"] = email_error or "Enter the person's email address."
        if not isinstance(role, str) or role not in ROLES:
            errors["role"] = "Choose a role from the list."
        if errors:
            raise ValidationFailed(errors)
        assert address is not None
        users = session.exec(
            select(User).where(
                func.lower(User.email) == address.casefold(),
                User.status != UserStatus.DISABLED.value,
            )
        ).all()
        if len(users) > 1:
            raise ValidationFailed(
                {"email": "Several accounts use this address; ask a system administrator."}
            )
        label = role_label(role)
        if users:
            user = users[0]
            existing = session.exec(
                select(AgencyMember).where(
                    AgencyMember.agency_id == agency.id, AgencyMember.user_id == user.id
                )
            ).first()
            if existing is not None:
                state = "a member" if existing.active else "an inactive member; reactivate them"
                raise Conflict(f"{user.display_name} is already {state} of {agency.name}.")
            if account_setup.awaits_setup(user):  # invited elsewhere, not set up yet
                raw = account_setup.new_setup_token(session, user)
                message = account_setup.invitation_email(
                    user.first_name, user.username, agency.name, label, actor.display_name, raw
                )
            else:
                message = _added_email(user.first_name, agency.name, label, actor.display_name)
            new_account = False
        else:
            names = {
                "first_name": check_name(first_name or "", "first name"),
                "last_name": check_name(last_name or "", "last name"),
            }
            missing = {f: m for f, m in names.items() if m}
            if missing:
                missing = {
                    f: m + " No account uses this address, so a new one is made."
                    for f, m in missing.items()
                }
                raise ValidationFailed(missing)
            user, raw = account_setup.create_invited_user(
                session,
                actor_user_id=actor.user_id,
                email=address,
                first_name=first_name,
                last_name=last_name,
            )
            message = account_setup.invitation_email(
                user.first_name, user.username, agency.name, label, actor.display_name, raw
            )
            new_account = True
        member = AgencyMember(
            agency_id=agency.id or 0,
            user_id=user.id or 0,
            role=role,
            added_at=clock.now(),
            added_by_user_id=actor.user_id,
        )
        session.add(member)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.AGENCY_MEMBER_INVITED,
            subject_type="agency_member",
            subject_id=member.id or 0,
            agency_id=member.agency_id,
            after={
                "agency_id": agency.id,
                "user_id": user.id,
                "email": address,
                "role": role,
                "new_account": new_account,
            },
            client_ip=actor.client_ip,
        )
        queue_email(
            session, to=user.email, message=message, kind="agency_member_invited", user_id=user.id
        )
        if new_account:
            return (
                f"An account {user.username} was created for {address} with the role {label}; "
                "the set-up link was emailed."
            )
        return f"{user.display_name} was given the role {label} and told by email."


def change_role(session: Session, actor: Actor, member_id: object, role: object) -> str:
    """Give a member another role; the agency keeps one active Agency Admin."""
    wanted = _check_role(role)
    with transaction(session):
        member, agency = _member(session, actor, member_id)
        if member.role == wanted:
            return role_label(wanted)
        if wanted != RegulatorRole.ADMIN.value:
            _keeps_an_admin(session, member, agency)
        before = member.role
        member.role = wanted
        session.add(member)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.AGENCY_MEMBER_ROLE_CHANGED,
            subject_type="agency_member",
            subject_id=member.id or 0,
            agency_id=member.agency_id,
            before={"role": before},
            after={"role": wanted},
            client_ip=actor.client_ip,
        )
        return role_label(wanted)


def set_active(session: Session, actor: Actor, member_id: object, active: bool) -> None:
    """Deactivate (the member loses the agency's role at their next event) or reactivate."""
    with transaction(session):
        member, agency = _member(session, actor, member_id)
        if member.active == active:
            raise Conflict(f"That membership is already {'active' if active else 'inactive'}.")
        if not active:
            _keeps_an_admin(session, member, agency)
        member.active = active
        session.add(member)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=(
                AuditEventType.AGENCY_MEMBER_REACTIVATED
                if active
                else AuditEventType.AGENCY_MEMBER_DEACTIVATED
            ),
            subject_type="agency_member",
            subject_id=member.id or 0,
            agency_id=member.agency_id,
            before={"active": not active, "role": member.role},
            after={"active": active, "role": member.role},
            client_ip=actor.client_ip,
        )
