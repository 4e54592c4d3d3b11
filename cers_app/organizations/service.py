"""Organization use cases: create and select businesses, manage their people and invitations.

Every function loads the organization through `access_organization`, which finds it only
among the actor's own memberships (NotFound otherwise) and checks the role against the
role x action table (PermissionDenied). Nothing about roles is cached between calls.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from cers_app.accounts.models import User, UserSession, UserStatus
from cers_app.accounts.rules import normalise_email, username_key
from cers_app.core import audit, clock, db, idempotency
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.permissions import Actor
from cers_app.core.phones import normalise_phone
from cers_app.core.tokens import hash_token, new_token
from cers_app.organizations import emails
from cers_app.organizations.models import (
    Organization,
    OrgInvitation,
    OrgMember,
    OrgOrigin,
    OrgStatus,
)
from cers_app.organizations.roles import (
    ACTION_LABELS,
    ROLE_ACTIONS,
    ROLE_LABELS,
    OrgAction,
    OrgRole,
    allows,
    parse_role,
)
from cers_app.organizations.views import (
    InvitationRow,
    InvitationView,
    OrgDetails,
    OrgSummary,
    People,
    PersonRow,
)

CODE_MIN, CODE_MAX = 100_000_001, 999_999_999
NAME_MAX, HEADQUARTERS_MAX, TITLE_MAX = 100, 75, 100
INVITATION_LIFETIME = dt.timedelta(days=14)
NOT_FOUND = "That business was not found among yours."
LAST_LEAD = (
    "A business needs at least one Lead User. Make someone else Lead User before you "
    "change or remove this one."
)
STALE = "This was changed by someone else meanwhile. Reload the page and try again."
# Ids and versions are 32-bit integer columns. PostgreSQL answers a larger number with an
# error (SQLite with an overflow past 64 bits) instead of finding nothing, so such a number
# from a client is refused before a query sees it.
ID_MAX = 2**31 - 1


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= ID_MAX


def _label(role: str) -> str:
    parsed = parse_role(role)
    return ROLE_LABELS[parsed] if parsed else role


ROLE_GONE = (
    "Your role in {name} was removed or changed while this was being saved, and it no longer "
    "allows you to {action}: nothing was saved. Reload the page."
)
# Tests set this to pause a service between its role check and the work the check allows
# (called with the actor, the organization's id and the action); None in production.
after_role_check: Callable[[Actor, int, OrgAction], None] | None = None


def access_organization(
    session: Session, actor: Actor, organization_id: object, action: OrgAction
) -> tuple[Organization, OrgMember]:
    """The organization and the actor's membership, if the actor's role allows `action`.

    Raises NotFound when the actor does not belong to it (whether or not it exists) and
    PermissionDenied when the role does not allow the action. Inside `transaction`, an
    action that changes data is checked again just before the commit
    (`confirm_role_still_held`).
    """
    if not _is_id(organization_id):
        raise NotFound(NOT_FOUND)
    found = session.exec(
        select(Organization, OrgMember)
        .join(OrgMember, col(OrgMember.organization_id) == Organization.id)
        .where(
            Organization.id == organization_id,
            Organization.status == OrgStatus.ACTIVE.value,
            OrgMember.user_id == actor.user_id,
        )
    ).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    organization, member = found
    if not allows(member.role, action):
        raise PermissionDenied(
            f"Your role in {organization.name} ({_label(member.role)}) does not allow you to "
            f"{ACTION_LABELS[action]}."
        )
    if action is not OrgAction.VIEW:
        db.before_commit(
            session,
            ("org_role", member.id, action),
            lambda: confirm_role_still_held(session, organization, member, action),
        )
    if after_role_check is not None:
        after_role_check(actor, organization.id or 0, action)
    return organization, member


def confirm_role_still_held(
    session: Session, organization: Organization, member: OrgMember, action: OrgAction
) -> None:
    """Refuse the transaction if the membership that allowed `action` was removed, or its
    role lowered, by someone else since it was checked.

    Why: a removal that commits while an edit is in flight must not let the edit commit
    afterwards. The row is read FOR SHARE as the transaction's last step (PostgreSQL): a
    removal committed before it is seen and the edit refused; a removal that comes later
    waits for the edit's commit, so the edit happened while the role was held. Reading it
    only then keeps the lock short. SQLite has one writer: an edit that wrote holds it, so a
    removal cannot commit in between. The transaction's own change of the row (a Lead User
    stepping down or leaving) is not someone else's: its version is the one this session
    wrote.
    """
    found = session.exec(
        select(OrgMember.role, OrgMember.version)
        .where(OrgMember.id == member.id)
        .with_for_update(read=True)
    ).first()
    if found is None:
        if sa_inspect(member).was_deleted:
            return
    elif allows(found[0], action) or found[1] == member.version:
        return
    raise PermissionDenied(ROLE_GONE.format(name=organization.name, action=ACTION_LABELS[action]))


def _details(organization: Organization, member: OrgMember) -> OrgDetails:
    role = parse_role(member.role)
    return OrgDetails(
        id=organization.id or 0,
        code=organization.code,
        name=organization.name,
        headquarters=organization.headquarters,
        version=organization.version,
        role=member.role,
        role_label=_label(member.role),
        actions=frozenset(a.value for a in ROLE_ACTIONS[role]) if role else frozenset(),
    )


def _check_org_fields(name: str, headquarters: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the business's name."
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = f"The name must be at most {NAME_MAX} characters."
    if len(headquarters.strip()) > HEADQUARTERS_MAX:
        errors["headquarters"] = f"Headquarters must be at most {HEADQUARTERS_MAX} characters."
    return errors


def _new_code(session: Session) -> int:
    while True:
        code = CODE_MIN + secrets.randbelow(CODE_MAX - CODE_MIN + 1)
        if session.exec(select(Organization.id).where(Organization.code == code)).first() is None:
            return code


def _select(session: Session, actor: Actor, organization_id: int | None) -> None:
    session.exec(
        update(UserSession)
        .where(UserSession.id == actor.session_id, UserSession.user_id == actor.user_id)
        .values(organization_id=organization_id)
    )


def create_organization(
    session: Session,
    actor: Actor,
    name: str,
    headquarters: str,
    *,
    idempotency_key: str,
    origin: OrgOrigin = OrgOrigin.BUSINESS,
) -> int:
    """Create a business with the actor as its Lead User, and select it. Returns its id.

    The same idempotency key returns the business created the first time.
    """
    key = idempotency.check_key(idempotency_key)
    errors = _check_org_fields(name, headquarters)
    if errors:
        raise ValidationFailed(errors)
    with transaction(session):
        done = idempotency.recall(session, actor.user_id, key, "create_organization")
        if done is not None:
            return done
        organization = Organization(
            code=_new_code(session),
            name=name.strip(),
            headquarters=headquarters.strip(),
            origin=origin.value,
            created_at=clock.now(),
            created_by_user_id=actor.user_id,
        )
        session.add(organization)
        session.flush()
        assert organization.id is not None
        session.add(
            OrgMember(
                organization_id=organization.id,
                user_id=actor.user_id,
                role=OrgRole.LEAD.value,
                added_at=clock.now(),
                added_by_user_id=actor.user_id,
            )
        )
        idempotency.remember(session, actor.user_id, key, "create_organization", organization.id)
        _select(session, actor, organization.id)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ORGANIZATION_CREATED,
            subject_type="organization",
            subject_id=organization.id,
            organization_id=organization.id,
            after={
                "code": organization.code,
                "name": organization.name,
                "headquarters": organization.headquarters,
            },
            client_ip=actor.client_ip,
        )
        return organization.id


def list_my_organizations(session: Session, actor: Actor) -> list[OrgSummary]:
    """Every active business the actor belongs to, by name, with their role."""
    people = (
        select(OrgMember.organization_id, func.count().label("n"))
        .group_by(OrgMember.organization_id)
        .subquery()
    )
    rows = session.exec(
        select(Organization, OrgMember, people.c.n)
        .join(OrgMember, col(OrgMember.organization_id) == Organization.id)
        .join(people, people.c.organization_id == Organization.id)
        .where(OrgMember.user_id == actor.user_id, Organization.status == OrgStatus.ACTIVE.value)
        .order_by(func.lower(Organization.name), Organization.id)
    ).all()
    return [
        OrgSummary(
            id=organization.id or 0,
            code=organization.code,
            name=organization.name,
            headquarters=organization.headquarters,
            role=member.role,
            role_label=_label(member.role),
            people=int(count),
        )
        for organization, member, count in rows
    ]


def select_organization(session: Session, actor: Actor, organization_id: object) -> OrgDetails:
    """Make `organization_id` the business this session works in (Select Business)."""
    with transaction(session):
        organization, member = access_organization(session, actor, organization_id, OrgAction.VIEW)
        _select(session, actor, organization.id)
        return _details(organization, member)


def current_organization(session: Session, actor: Actor) -> OrgDetails | None:
    """The business selected in this session; a user with exactly one gets it selected.

    None when the user belongs to none, or to several and has not chosen yet.
    """
    if actor.organization_id is not None:
        try:
            return _details(
                *access_organization(session, actor, actor.organization_id, OrgAction.VIEW)
            )
        except NotFound:
            pass
    mine = list_my_organizations(session, actor)
    session.rollback()
    if len(mine) != 1:
        return None
    return select_organization(session, actor, mine[0].id)


def get_organization(session: Session, actor: Actor, organization_id: object) -> OrgDetails:
    return _details(*access_organization(session, actor, organization_id, OrgAction.VIEW))


def edit_organization(
    session: Session,
    actor: Actor,
    organization_id: object,
    name: str,
    headquarters: str,
    version: int,
) -> OrgDetails:
    """Change the business's name and headquarters (Lead User). Refuses a stale form."""
    errors = _check_org_fields(name, headquarters)
    if errors:
        raise ValidationFailed(errors)
    with transaction(session):
        organization, member = access_organization(
            session, actor, organization_id, OrgAction.EDIT_ORGANIZATION
        )
        old = {"name": organization.name, "headquarters": organization.headquarters}
        new = {"name": name.strip(), "headquarters": headquarters.strip()}
        before, after = audit.changed_fields(old, new)
        if not after:
            return _details(organization, member)
        if not _is_id(version):
            raise Conflict(STALE)
        result = session.exec(
            update(Organization)
            .where(Organization.id == organization.id, Organization.version == version)
            .values(**new, version=version + 1)
        )
        if result.rowcount != 1:
            raise Conflict(STALE)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ORGANIZATION_CHANGED,
            subject_type="organization",
            subject_id=organization.id or 0,
            organization_id=organization.id,
            before=before,
            after=after,
            client_ip=actor.client_ip,
        )
        session.refresh(organization)
        return _details(organization, member)


def list_people(session: Session, actor: Actor, organization_id: object) -> People:
    """The business's people and pending invitations (Manage People, Lead User)."""
    organization, _ = access_organization(session, actor, organization_id, OrgAction.MANAGE_PEOPLE)
    rows = session.exec(
        select(OrgMember, User)
        .join(User, col(User.id) == OrgMember.user_id)
        .where(OrgMember.organization_id == organization.id)
        .order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)
    ).all()
    people = [
        PersonRow(
            member_id=member.id or 0,
            name=user.display_name,
            username=user.username,
            email=user.email,
            title=member.title,
            phone=member.phone,
            role=member.role,
            role_label=_label(member.role),
            added=clock.format_local(member.added_at),
            is_me=user.id == actor.user_id,
            version=member.version,
        )
        for member, user in rows
    ]
    invitations = session.exec(
        select(OrgInvitation)
        .where(
            OrgInvitation.organization_id == organization.id,
            col(OrgInvitation.accepted_at).is_(None),
            col(OrgInvitation.revoked_at).is_(None),
            OrgInvitation.expires_at > clock.now(),
        )
        .order_by(col(OrgInvitation.id).desc())
    ).all()
    return People(
        people=people,
        invitations=[
            InvitationRow(
                id=invitation.id or 0,
                email=invitation.email,
                name=invitation.full_name,
                role_label=_label(invitation.role),
                sent=clock.format_local(invitation.created_at),
                expires=clock.format_local(invitation.expires_at),
            )
            for invitation in invitations
        ],
    )


def _person_fields(full_name: str, title: str, phone: str, role: str) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    if parse_role(role) is None:
        errors["role"] = "Choose a permission group."
    if not full_name.strip():
        errors["full_name"] = "Enter the person's full name."
    elif len(full_name.strip()) > 101:
        errors["full_name"] = "The name must be at most 101 characters."
    if len(title.strip()) > TITLE_MAX:
        errors["title"] = f"The title must be at most {TITLE_MAX} characters."
    formatted_phone, phone_error = normalise_phone(phone)
    if phone_error:
        errors["phone"] = phone_error
    clean = {"full_name": full_name.strip(), "title": title.strip(), "phone": formatted_phone}
    return clean, errors


def _find_account(session: Session, who: str) -> tuple[User | None, str | None]:
    """(active account, None), (None, normalised email) to invite, or ValidationFailed."""
    who = who.strip()
    if "@" not in who:
        if not who:
            raise ValidationFailed({"who": "Enter the person's email address (or username)."})
        user = session.exec(select(User).where(User.username_key == username_key(who))).first()
        if user is None or user.status != UserStatus.ACTIVE:
            raise ValidationFailed({"who": "No active account has that username."})
        return user, None
    address, error = normalise_email(who)
    if error or address is None:
        raise ValidationFailed({"who": error or "Enter a valid email address."})
    users = session.exec(
        select(User).where(
            func.lower(User.email) == address.casefold(), User.status == UserStatus.ACTIVE.value
        )
    ).all()
    if len(users) > 1:
        raise ValidationFailed(
            {"who": "Several accounts use this address. Enter the person's username instead."}
        )
    return (users[0], None) if users else (None, address)


def add_person(
    session: Session,
    actor: Actor,
    organization_id: object,
    who: str,
    full_name: str,
    title: str,
    phone: str,
    role: str,
) -> str:
    """Add someone by email (or username) to the business; invite them if they have no account.

    Returns a sentence saying what happened, for the page to show.
    """
    clean, errors = _person_fields(full_name, title, phone, role)
    try:
        return _add_person(session, actor, organization_id, who, clean, errors, role)
    except IntegrityError as exc:
        # Two Lead Users added the same person at the same moment; the first one did it.
        raise Conflict("That person was just added to this business by someone else.") from exc


def _add_person(
    session: Session,
    actor: Actor,
    organization_id: object,
    who: str,
    clean: dict[str, str],
    errors: dict[str, str],
    role: str,
) -> str:
    with transaction(session):
        organization, _ = access_organization(
            session, actor, organization_id, OrgAction.MANAGE_PEOPLE
        )
        if errors:
            raise ValidationFailed(errors)
        user, invite_address = _find_account(session, who)
        if user is None:
            assert invite_address is not None
            _invite(session, actor, organization, invite_address, clean, role)
            return (
                f"{invite_address} has no active account yet: an invitation was emailed. They "
                "join once they create and activate their account."
            )
        assert user.id is not None and organization.id is not None
        existing = session.exec(
            select(OrgMember).where(
                OrgMember.organization_id == organization.id, OrgMember.user_id == user.id
            )
        ).first()
        if existing is not None:
            raise Conflict(f"{user.display_name} is already a member of {organization.name}.")
        member = OrgMember(
            organization_id=organization.id,
            user_id=user.id,
            role=role,
            title=clean["title"],
            phone=clean["phone"],
            added_at=clock.now(),
            added_by_user_id=actor.user_id,
        )
        session.add(member)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ORG_MEMBER_ADDED,
            subject_type="org_member",
            subject_id=member.id or 0,
            organization_id=organization.id,
            after={"organization_id": organization.id, "user_id": user.id, "role": role},
            client_ip=actor.client_ip,
        )
        queue_email(
            session,
            to=user.email,
            message=emails.added(
                user.first_name, organization.name, _label(role), actor.display_name
            ),
            kind="org_member_added",
            user_id=user.id,
        )
        return f"{user.display_name} was added as {_label(role)} and told by email."


def _invite(
    session: Session,
    actor: Actor,
    organization: Organization,
    address: str,
    clean: dict[str, str],
    role: str,
) -> None:
    assert organization.id is not None
    now = clock.now()
    # A new invitation to the same address replaces the earlier one.
    session.exec(
        update(OrgInvitation)
        .where(
            OrgInvitation.organization_id == organization.id,
            func.lower(OrgInvitation.email) == address.casefold(),
            col(OrgInvitation.accepted_at).is_(None),
            col(OrgInvitation.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    raw, digest = new_token()
    invitation = OrgInvitation(
        organization_id=organization.id,
        email=address,
        full_name=clean["full_name"],
        title=clean["title"],
        phone=clean["phone"],
        role=role,
        token_hash=digest,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
        invited_by_user_id=actor.user_id,
    )
    session.add(invitation)
    session.flush()
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=AuditEventType.ORG_INVITATION_SENT,
        subject_type="org_invitation",
        subject_id=invitation.id or 0,
        organization_id=organization.id,
        after={"organization_id": organization.id, "email": address, "role": role},
        client_ip=actor.client_ip,
    )
    queue_email(
        session,
        to=address,
        message=emails.invitation(
            clean["full_name"],
            organization.name,
            _label(role),
            actor.display_name,
            raw,
            INVITATION_LIFETIME.days,
        ),
        kind="org_invitation",
        user_id=None,
    )


def _member_of(session: Session, organization: Organization, member_id: object) -> OrgMember:
    if not _is_id(member_id):
        raise NotFound("That person was not found in this business.")
    member = session.exec(
        select(OrgMember).where(
            OrgMember.id == member_id, OrgMember.organization_id == organization.id
        )
    ).first()
    if member is None:
        raise NotFound("That person was not found in this business.")
    return member


def _other_leads(session: Session, organization: Organization, member: OrgMember) -> int:
    return len(
        session.exec(
            select(OrgMember.id).where(
                OrgMember.organization_id == organization.id,
                OrgMember.role == OrgRole.LEAD.value,
                OrgMember.id != member.id,
            )
        ).all()
    )


def _lock_people(session: Session, organization: Organization) -> None:
    # Two Lead Users demoting each other at once could both see "another Lead exists";
    # locking the organization row makes such changes take turns (PostgreSQL; on SQLite
    # the write lock, taken before the checks read anything).
    db.write_lock(session)
    session.exec(
        select(Organization.id).where(Organization.id == organization.id).with_for_update()
    ).first()


def change_person(
    session: Session,
    actor: Actor,
    organization_id: object,
    member_id: object,
    role: str,
    title: str,
    phone: str,
    version: int,
) -> None:
    """Change a person's permission group, title or phone. The last Lead User stays Lead."""
    formatted_phone, phone_error = normalise_phone(phone)
    errors: dict[str, str] = {}
    if parse_role(role) is None:
        errors["role"] = "Choose a permission group."
    if len(title.strip()) > TITLE_MAX:
        errors["title"] = f"The title must be at most {TITLE_MAX} characters."
    if phone_error:
        errors["phone"] = phone_error
    with transaction(session):
        organization, _ = access_organization(
            session, actor, organization_id, OrgAction.MANAGE_PEOPLE
        )
        if errors:
            raise ValidationFailed(errors)
        _lock_people(session, organization)
        member = _member_of(session, organization, member_id)
        if member.version != version:
            raise Conflict(STALE)
        demoting_lead = member.role == OrgRole.LEAD.value and role != OrgRole.LEAD.value
        if demoting_lead and _other_leads(session, organization, member) == 0:
            raise Conflict(LAST_LEAD)
        old = {"role": member.role, "title": member.title, "phone": member.phone}
        new = {"role": role, "title": title.strip(), "phone": formatted_phone}
        before, after = audit.changed_fields(old, new)
        if not after:
            return
        for field, value in new.items():
            setattr(member, field, value)
        member.version += 1
        session.add(member)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ORG_MEMBER_CHANGED,
            subject_type="org_member",
            subject_id=member.id or 0,
            organization_id=organization.id,
            before=before,
            after=after,
            client_ip=actor.client_ip,
        )
        user = session.get(User, member.user_id)
        assert user is not None
        queue_email(
            session,
            to=user.email,
            message=emails.membership_changed(
                user.first_name, organization.name, _describe(before, after), actor.display_name
            ),
            kind="org_member_changed",
            user_id=user.id,
        )


def _describe(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Plain sentences for the changed fields of a membership, for its email."""
    names = {"role": "permission group", "title": "title", "phone": "phone"}
    shown = {
        field: (_label(value) if field == "role" else value or "(none)")
        for field, value in after.items()
    }
    earlier = {
        field: (_label(value) if field == "role" else value or "(none)")
        for field, value in before.items()
    }
    return [f"{names[f]} from {earlier[f]} to {shown[f]}" for f in after]


def remove_person(
    session: Session, actor: Actor, organization_id: object, member_id: object
) -> None:
    """Take a person out of the business; their very next action there is refused."""
    with transaction(session):
        organization, _ = access_organization(
            session, actor, organization_id, OrgAction.MANAGE_PEOPLE
        )
        _lock_people(session, organization)
        member = _member_of(session, organization, member_id)
        if member.role == OrgRole.LEAD.value and _other_leads(session, organization, member) == 0:
            raise Conflict(LAST_LEAD)
        user = session.get(User, member.user_id)
        assert user is not None
        session.delete(member)
        session.exec(
            update(UserSession)
            .where(
                UserSession.user_id == member.user_id,
                UserSession.organization_id == organization.id,
            )
            .values(organization_id=None)
        )
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ORG_MEMBER_REMOVED,
            subject_type="org_member",
            subject_id=member.id or 0,
            organization_id=organization.id,
            before={"organization_id": organization.id, "user_id": user.id, "role": member.role},
            client_ip=actor.client_ip,
        )
        queue_email(
            session,
            to=user.email,
            message=emails.removed(user.first_name, organization.name, actor.display_name),
            kind="org_member_removed",
            user_id=user.id,
        )


def revoke_invitation(
    session: Session, actor: Actor, organization_id: object, invitation_id: object
) -> None:
    """Withdraw a pending invitation of the business."""
    with transaction(session):
        organization, _ = access_organization(
            session, actor, organization_id, OrgAction.MANAGE_PEOPLE
        )
        if not _is_id(invitation_id):
            raise NotFound("That invitation was not found.")
        result = session.exec(
            update(OrgInvitation)
            .where(
                OrgInvitation.id == invitation_id,
                OrgInvitation.organization_id == organization.id,
                col(OrgInvitation.accepted_at).is_(None),
                col(OrgInvitation.revoked_at).is_(None),
            )
            .values(revoked_at=clock.now())
        )
        if result.rowcount != 1:
            raise NotFound("That invitation was not found, or was already used or withdrawn.")
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.ORG_INVITATION_REVOKED,
            subject_type="org_invitation",
            subject_id=invitation_id,
            organization_id=organization.id,
            client_ip=actor.client_ip,
        )


def _live_invitation(session: Session, raw_token: str) -> OrgInvitation:
    if not isinstance(raw_token, str) or not 20 <= len(raw_token) <= 100:
        raise NotFound("This invitation link is not valid. Check that you copied all of it.")
    invitation = session.exec(
        select(OrgInvitation).where(OrgInvitation.token_hash == hash_token(raw_token))
    ).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid. Check that you copied all of it.")
    if invitation.accepted_at is not None:
        raise Conflict("This invitation was already accepted.")
    if invitation.revoked_at is not None:
        raise Conflict("This invitation was withdrawn. Ask the business's Lead User for a new one.")
    if invitation.expires_at <= clock.now():
        raise Conflict("This invitation has expired. Ask the business's Lead User for a new one.")
    return invitation


def preview_invitation(session: Session, raw_token: str) -> InvitationView:
    """What an invitation link offers, for the public invitation page."""
    invitation = _live_invitation(session, raw_token)
    organization = session.get(Organization, invitation.organization_id)
    inviter = session.get(User, invitation.invited_by_user_id)
    assert organization is not None and inviter is not None
    return InvitationView(
        business=organization.name,
        invited_by=inviter.display_name,
        role_label=_label(invitation.role),
        email=invitation.email,
        full_name=invitation.full_name,
    )


def _join(session: Session, invitation: OrgInvitation, user_id: int) -> None:
    """Accept `invitation` for `user_id` (inside the caller's transaction)."""
    exists = session.exec(
        select(OrgMember.id).where(
            OrgMember.organization_id == invitation.organization_id,
            OrgMember.user_id == user_id,
        )
    ).first()
    if exists is None:
        session.add(
            OrgMember(
                organization_id=invitation.organization_id,
                user_id=user_id,
                role=invitation.role,
                title=invitation.title,
                phone=invitation.phone,
                added_at=clock.now(),
                added_by_user_id=invitation.invited_by_user_id,
            )
        )
    invitation.accepted_at = clock.now()
    invitation.accepted_user_id = user_id
    session.add(invitation)
    audit.record(
        session,
        actor_user_id=user_id,
        event=AuditEventType.ORG_INVITATION_ACCEPTED,
        subject_type="org_invitation",
        subject_id=invitation.id or 0,
        organization_id=invitation.organization_id,
        after={"organization_id": invitation.organization_id, "role": invitation.role},
    )


def accept_invitation(session: Session, actor: Actor, raw_token: str) -> OrgDetails:
    """Join the business of an invitation link as the signed-in user, and select it."""
    try:
        with transaction(session):
            invitation = _live_invitation(session, raw_token)
            _join(session, invitation, actor.user_id)
            _select(session, actor, invitation.organization_id)
            organization_id = invitation.organization_id
    except IntegrityError as exc:
        raise Conflict("This invitation was already accepted.") from exc
    return get_organization(session, actor, organization_id)


def claim_invitations(session: Session, user_id: int) -> int:
    """Accept every live invitation sent to the user's (verified) email address.

    Called when a session opens: an invited person who has just created and activated their
    account is in the business from their first sign-in. Returns how many were accepted.
    """
    with transaction(session):
        user = session.get(User, user_id)
        if user is None or user.status != UserStatus.ACTIVE:
            return 0
        invitations = session.exec(
            select(OrgInvitation).where(
                func.lower(OrgInvitation.email) == user.email.casefold(),
                col(OrgInvitation.accepted_at).is_(None),
                col(OrgInvitation.revoked_at).is_(None),
                OrgInvitation.expires_at > clock.now(),
            )
        ).all()
        for invitation in invitations:
            _join(session, invitation, user_id)
        return len(invitations)
