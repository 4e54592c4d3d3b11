"""Agency administration: which agencies an Agency Admin administers, the agency's public
profile (phone, email, website, address, Lead User verification) and its public contacts.

Only Agency Admins (`Right.ADMIN`) change anything, and only for the agencies in their ADMIN
reach: a CUPA's admin administers the CUPA and the participating agencies under it; a PA's
admin their PA. Anyone else is told the agency was not found. Every agency id and contact id
from the page is re-scoped here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cers_app.agencies.models import AGENCY_KIND_LABELS, Agency, AgencyContact, AgencyKind
from cers_app.agencies.rights import Right, reach_of
from cers_app.agencies.rules import check_contact_details
from cers_app.core import audit
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities.service import is_id

NOT_FOUND = "That agency was not found among the agencies you administer."
CONTACT_NOT_FOUND = "That contact was not found among your agency's contacts."
STALE_PROFILE = (
    "The agency's profile was changed by someone else meanwhile. Reload the page and try again."
)
CONTACT_NAME_MAX = 80
PROFILE_FIELDS = ("phone", "email", "website", "address", "verify_lead_access")


@dataclass(frozen=True)
class AgencyChoice:
    id: int
    code: int
    name: str
    kind: str
    kind_label: str
    parent_id: int | None


@dataclass(frozen=True)
class ContactView:
    id: int
    name: str
    title: str
    phone: str
    email: str
    public: bool


@dataclass(frozen=True)
class ProfileView:
    agency: AgencyChoice
    parent_name: str
    values: dict[str, object]  # PROFILE_FIELDS
    contacts: tuple[ContactView, ...]


# ------------------------------------------------------------------ scope


def agency_choice(agency: Agency) -> AgencyChoice:
    kind = AgencyKind(agency.kind) if agency.kind in {k.value for k in AgencyKind} else None
    return AgencyChoice(
        id=agency.id or 0,
        code=agency.code,
        name=agency.name,
        kind=agency.kind,
        kind_label=AGENCY_KIND_LABELS.get(kind, agency.kind) if kind else agency.kind,
        parent_id=agency.parent_agency_id,
    )


def admin_agency_ids(session: Session, actor: Actor) -> frozenset[int]:
    """The agencies the actor administers (empty for anyone but an Agency Admin)."""
    return reach_of(session, actor, Right.ADMIN).agencies


def administered_agencies(session: Session, actor: Actor) -> list[AgencyChoice]:
    """The agencies the actor administers: CUPAs first, then by name."""
    ids = admin_agency_ids(session, actor)
    if not ids:
        return []
    agencies = session.exec(select(Agency).where(col(Agency.id).in_(sorted(ids)))).all()
    ordered = sorted(agencies, key=lambda a: (a.kind != AgencyKind.CUPA.value, a.name, a.id))
    return [agency_choice(agency) for agency in ordered]


def administered(session: Session, actor: Actor, agency_id: object) -> Agency:
    """The agency `agency_id` if the actor administers it; NotFound otherwise."""
    if not is_id(agency_id) or agency_id not in admin_agency_ids(session, actor):
        raise NotFound(NOT_FOUND)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(NOT_FOUND)
    return agency


def family_of(session: Session, agency: Agency) -> list[Agency]:
    """The agency and, for a CUPA, the participating agencies under it."""
    found = [agency]
    if agency.kind == AgencyKind.CUPA.value:
        found += list(
            session.exec(
                select(Agency).where(Agency.parent_agency_id == agency.id).order_by(Agency.name)
            ).all()
        )
    return found


# ------------------------------------------------------------------ profile


def _values(agency: Agency) -> dict[str, object]:
    return {name: getattr(agency, name) for name in PROFILE_FIELDS}


def _contacts(session: Session, agency_id: int) -> tuple[ContactView, ...]:
    rows = session.exec(
        select(AgencyContact)
        .where(AgencyContact.agency_id == agency_id)
        .order_by(AgencyContact.name, col(AgencyContact.id))
    ).all()
    return tuple(ContactView(c.id or 0, c.name, c.title, c.phone, c.email, c.public) for c in rows)


def _profile(session: Session, agency: Agency) -> ProfileView:
    parent = session.get(Agency, agency.parent_agency_id) if agency.parent_agency_id else None
    return ProfileView(
        agency=agency_choice(agency),
        parent_name=parent.name if parent else "",
        values=_values(agency),
        contacts=_contacts(session, agency.id or 0),
    )


def agency_profile(session: Session, actor: Actor, agency_id: object) -> ProfileView:
    """The agency's public profile and contacts, for its Agency Admin."""
    with transaction(session):
        return _profile(session, administered(session, actor, agency_id))


def _flag(value: object) -> bool:
    return str(value).strip().lower() in {"on", "yes", "true", "1"}


def save_profile(
    session: Session,
    actor: Actor,
    agency_id: object,
    given: Mapping[str, object],
    shown: Mapping[str, object],
) -> ProfileView:
    """Save the agency's phone, email, website, address and Lead User verification.

    `shown` are the values the admin's page loaded: when the stored ones differ, someone else
    changed the profile meanwhile and the save is refused (nothing is overwritten).
    """
    given = given if isinstance(given, Mapping) else {}
    shown = shown if isinstance(shown, Mapping) else {}
    details, errors = check_contact_details(
        str(given.get("phone", "")),
        str(given.get("email", "")),
        str(given.get("website", "")),
        str(given.get("address", "")),
    )
    with transaction(session):
        agency = administered(session, actor, agency_id)
        if errors:
            raise ValidationFailed(errors)
        session.refresh(agency, with_for_update=True)
        stored = _values(agency)
        if any(shown.get(name) != stored[name] for name in PROFILE_FIELDS):
            raise Conflict(STALE_PROFILE)
        wanted = {**details, "verify_lead_access": _flag(given.get("verify_lead_access", ""))}
        before, after = audit.changed_fields(stored, wanted)
        if after:
            for name, value in after.items():
                setattr(agency, name, value)
            session.add(agency)
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.AGENCY_PROFILE_CHANGED,
                subject_type="agency",
                subject_id=agency.id or 0,
                agency_id=agency.id,
                before=before,
                after=after,
                client_ip=actor.client_ip,
            )
        session.flush()
        return _profile(session, agency)


# ------------------------------------------------------------------ contacts


def _check_contact(given: Mapping[str, object]) -> tuple[dict[str, object], dict[str, str]]:
    given = given if isinstance(given, Mapping) else {}
    name = " ".join(str(given.get("name", "")).split())
    title = " ".join(str(given.get("title", "")).split())
    details, errors = check_contact_details(
        str(given.get("phone", "")), str(given.get("email", "")), "", ""
    )
    if not name or len(name) > CONTACT_NAME_MAX:
        errors["name"] = f"Enter the contact's name (at most {CONTACT_NAME_MAX} characters)."
    if len(title) > CONTACT_NAME_MAX:
        errors["title"] = f"The title must be at most {CONTACT_NAME_MAX} characters."
    values: dict[str, object] = {
        "name": name,
        "title": title,
        "phone": details["phone"],
        "email": details["email"],
        "public": _flag(given.get("public", "")),
    }
    return values, errors


def _contact_values(contact: AgencyContact) -> dict[str, object]:
    return {
        "name": contact.name,
        "title": contact.title,
        "phone": contact.phone,
        "email": contact.email,
        "public": contact.public,
    }


def _contact(session: Session, actor: Actor, agency_id: object, contact_id: object):
    agency = administered(session, actor, agency_id)
    contact = session.get(AgencyContact, contact_id) if is_id(contact_id) else None
    if contact is None or contact.agency_id != agency.id:
        raise NotFound(CONTACT_NOT_FOUND)
    session.refresh(contact, with_for_update=True)
    return agency, contact


def add_contact(
    session: Session, actor: Actor, agency_id: object, given: Mapping[str, object]
) -> ProfileView:
    """Add a contact person (public ones are listed in the regulators directory)."""
    values, errors = _check_contact(given)
    with transaction(session):
        agency = administered(session, actor, agency_id)
        if errors:
            raise ValidationFailed(errors)
        contact = AgencyContact(agency_id=agency.id or 0, **values)  # type: ignore[arg-type]
        session.add(contact)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.AGENCY_CONTACT_ADDED,
            subject_type="agency_contact",
            subject_id=contact.id or 0,
            agency_id=agency.id,
            after={"agency_id": agency.id, **values},
            client_ip=actor.client_ip,
        )
        return _profile(session, agency)


def save_contact(
    session: Session,
    actor: Actor,
    agency_id: object,
    contact_id: object,
    given: Mapping[str, object],
    shown: Mapping[str, object],
) -> ProfileView:
    """Change a contact; refused when it changed since the page loaded it (`shown`)."""
    values, errors = _check_contact(given)
    shown = shown if isinstance(shown, Mapping) else {}
    with transaction(session):
        agency, contact = _contact(session, actor, agency_id, contact_id)
        if errors:
            raise ValidationFailed(errors)
        stored = _contact_values(contact)
        if any(shown.get(name) != value for name, value in stored.items()):
            raise Conflict(
                "This contact was changed by someone else meanwhile. Reload the page and try again."
            )
        before, after = audit.changed_fields(stored, values)
        if after:
            for name, value in after.items():
                setattr(contact, name, value)
            session.add(contact)
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.AGENCY_CONTACT_CHANGED,
                subject_type="agency_contact",
                subject_id=contact.id or 0,
                agency_id=agency.id,
                before=before,
                after=after,
                client_ip=actor.client_ip,
            )
        session.flush()
        return _profile(session, agency)


def remove_contact(
    session: Session, actor: Actor, agency_id: object, contact_id: object
) -> ProfileView:
    """Remove a contact person."""
    with transaction(session):
        agency, contact = _contact(session, actor, agency_id, contact_id)
        before = {"agency_id": agency.id, **_contact_values(contact)}
        session.delete(contact)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.AGENCY_CONTACT_REMOVED,
            subject_type="agency_contact",
            subject_id=contact_id if isinstance(contact_id, int) else 0,
            agency_id=agency.id,
            before=before,
            client_ip=actor.client_ip,
        )
        return _profile(session, agency)
