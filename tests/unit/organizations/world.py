"""The Acme world of the organization tests, built through the real services.

At Acme Plating Co. `lena` is Lead User, `ed` an Editor, `val` a Viewer and `connie` (a
consultant) an Approver. `otto` is Lead User of his own business and an outsider at Acme.
Each person is signed in to the Business Portal; `Person.actor()` re-reads their session the
way the AuthGate does before every event, so a removal or a new selection shows at once.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import select

from cers_app.access import identity
from cers_app.accounts import service as account_service
from cers_app.accounts import sessions
from cers_app.accounts.models import UserSession
from cers_app.core import db
from cers_app.core.permissions import Actor, Portal
from cers_app.organizations import service
from cers_app.organizations.models import OrgInvitation, OrgMember
from cers_app.organizations.roles import OrgRole
from tests import helpers

ACME = "Acme Plating Co."
OTTOS = "Owens Oil Co."


@dataclass
class Person:
    id: int
    username: str
    email: str
    name: str
    session_cookie: str = ""  # signed in to the Business Portal at first use

    @property
    def cookie(self) -> str:
        """The Cookie header of this person's Business Portal session."""
        if not self.session_cookie:
            self.session_cookie = sign_in(self.username)
        return self.session_cookie

    def actor(self) -> Actor:
        """The actor of this session right now (re-read, as for every event)."""
        found = db.run(identity.resolve_actor, self.cookie, helpers.IP)
        assert found is not None, f"{self.username}'s session no longer resolves"
        return found

    def another_session(self) -> Person:
        """The same person signed in a second time (another browser)."""
        return dataclasses.replace(self, session_cookie=sign_in(self.username))

    def selected(self) -> int | None:
        """The business stored on this session's row."""
        return selected(self.actor())


def selected(actor: Actor) -> int | None:
    """The business stored on the row of the actor's session."""
    return db.run(lambda s: s.get(UserSession, actor.session_id).organization_id)


def sign_in(username: str, portal: Portal = Portal.BUSINESS) -> str:
    """A new session through the real two steps; returns its Cookie header."""
    grant = db.run(
        sessions.check_password,
        username,
        helpers.PASSWORD,
        portal,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
    )
    opened = db.run(sessions.open_session, grant.token, client_ip=helpers.IP, user_agent=None)
    return f"{identity.SESSION_COOKIE}={opened.cookie_value}"


def person(username: str, first: str, last: str, email: str | None = None) -> Person:
    """An active account (made as the CLI makes one, without an activation email), signed in."""
    email = email or f"{username}@example.com"
    data = helpers.registration(username, first_name=first, last_name=last, email=email)
    user_id = db.run(
        account_service.create_activated_user, data, actor_user_id=None, accept_conditions=True
    )
    made = Person(user_id, username, email, f"{first} {last}")
    assert made.cookie  # signed in now, so no test sees the sign-in as a change of its own
    return made


def new_key() -> str:
    return secrets.token_urlsafe(16)


def create_business(lead: Person, name: str, headquarters: str = "Sacramento, CA") -> int:
    return db.run(
        service.create_organization, lead.actor(), name, headquarters, idempotency_key=new_key()
    )


def add(lead: Person, organization_id: int, who: Person, role: OrgRole, title: str = "") -> int:
    """Add `who` by username; returns their membership id."""
    db.run(
        service.add_person,
        lead.actor(),
        organization_id,
        who.username,
        who.name,
        title,
        "",
        role.value,
    )
    return member_id(organization_id, who)


def member_id(organization_id: int, who: Person) -> int:
    def query(session):
        return session.exec(
            select(OrgMember.id).where(
                OrgMember.organization_id == organization_id, OrgMember.user_id == who.id
            )
        ).one()

    return db.run(query)


def membership(organization_id: int, who: Person) -> OrgMember | None:
    def query(session):
        return session.exec(
            select(OrgMember).where(
                OrgMember.organization_id == organization_id, OrgMember.user_id == who.id
            )
        ).first()

    return db.run(query)


def invitations() -> list[OrgInvitation]:
    return db.run(lambda s: list(s.exec(select(OrgInvitation).order_by(OrgInvitation.id)).all()))


def invite(lead: Person, organization_id: int, email: str, role: OrgRole = OrgRole.EDITOR) -> str:
    """Invite an address without an account; returns the raw token from the emailed link."""
    db.run(service.add_person, lead.actor(), organization_id, email, "Nina Newcomb", "", "", role)
    sent = helpers.emails("org_invitation")
    return helpers.token_from([m for m in sent if m.to_address.casefold() == email.casefold()][-1])


PEOPLE = {
    OrgRole.EDITOR: ("edortiz", "Ed", "Ortiz", "Environmental Coordinator"),
    OrgRole.VIEWER: ("valnguyen", "Val", "Nguyen", "Plant Manager"),
    OrgRole.APPROVER: ("conniechen", "Connie", "Chen", "Consultant"),
}


@dataclass(frozen=True)
class World:
    acme: int
    ottos: int
    lena: Person
    otto: Person
    members: dict[OrgRole, Person]  # Acme's people other than lena, by role

    def holder(self, role: OrgRole) -> Person:
        """Acme's person with `role`."""
        return self.lena if role is OrgRole.LEAD else self.members[role]

    @property
    def ed(self) -> Person:
        return self.members[OrgRole.EDITOR]

    @property
    def val(self) -> Person:
        return self.members[OrgRole.VIEWER]

    @property
    def connie(self) -> Person:
        return self.members[OrgRole.APPROVER]


def build(roles: Iterable[OrgRole] = tuple(PEOPLE)) -> World:
    """Acme with lena and a person for each of `roles`, and otto's business beside it."""
    lena = person("lenalead", "Lena", "Lopez")
    otto = person("ottoowens", "Otto", "Owens")
    acme = create_business(lena, ACME)
    members = {}
    lead = lena.actor()  # one actor for all the additions: nothing about lena changes meanwhile
    for role in roles:
        if role is OrgRole.LEAD:
            continue
        username, first, last, title = PEOPLE[role]
        members[role] = who = person(username, first, last)
        db.run(service.add_person, lead, acme, who.username, who.name, title, "", role.value)
    ottos = create_business(otto, OTTOS, "Woodland, CA")
    return World(acme, ottos, lena, otto, members)
