"""Demo data for `make run`: idempotent, built through the real services.

Every feature adds what it built here, so a fresh `make run` shows all of it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from sqlmodel import select

from cers_app.accounts import service as account_service
from cers_app.accounts.models import User
from cers_app.accounts.rules import username_key
from cers_app.accounts.views import Registration
from cers_app.agencies import service as agency_service
from cers_app.agencies.models import AgencyKind, RegulatorRole
from cers_app.core import db
from cers_app.core.codes import county_code
from cers_app.core.errors import Conflict
from cers_app.core.permissions import Actor, Permission, Portal
from cers_app.organizations import service as org_service
from cers_app.organizations.models import OrgOrigin
from cers_app.organizations.roles import OrgRole

DEMO_AGENCY_CODE = 9001
DEMO_AGENCY_NAME = "Demo County Environmental Health (CUPA)"
DEMO_AGENCY_COUNTY = "Yolo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    first_name: str
    last_name: str
    email: str
    portal: str
    description: str


REGULATOR = DemoUser(
    "demoreg",
    "Harbor-Lantern-42",
    "Rita",
    "Ramos",
    "rita.ramos@example.org",
    "Regulator Portal",
    "Agency Admin at the demo CUPA",
)
BUSINESS = DemoUser(
    "demobiz",
    "Orchard-Copper-77",
    "Lena",
    "Lopez",
    "lena.lopez@example.com",
    "Business Portal",
    "Lead User of Acme Plating Co.",
)
EDITOR = DemoUser(
    "demoed",
    "Meadow-Pencil-58",
    "Ed",
    "Ortiz",
    "ed.ortiz@example.com",
    "Business Portal",
    "Editor at Acme Plating Co.",
)
VIEWER = DemoUser(
    "demoview",
    "Window-Harbor-36",
    "Val",
    "Nguyen",
    "val.nguyen@example.com",
    "Business Portal",
    "Viewer at Acme Plating Co.",
)
CONSULTANT = DemoUser(
    "democon",
    "Compass-River-91",
    "Connie",
    "Chen",
    "connie.chen@example.net",
    "Business Portal",
    "consultant: Approver at Acme, Editor at Valley Fuel",
)
SECOND_LEAD = DemoUser(
    "demovic",
    "Lantern-Cedar-24",
    "Victor",
    "Diaz",
    "victor.diaz@example.com",
    "Business Portal",
    "Lead User of Valley Fuel Depot",
)
DEMO_USERS = (BUSINESS, EDITOR, VIEWER, CONSULTANT, SECOND_LEAD, REGULATOR)


@dataclass(frozen=True)
class DemoBusiness:
    key: str  # the idempotency key that makes seeding it again a no-op
    name: str
    headquarters: str
    lead: DemoUser
    people: tuple[tuple[DemoUser, OrgRole, str], ...]


BUSINESSES = (
    DemoBusiness(
        "demo-seed-acme-plating-co",
        "Acme Plating Co.",
        "Sacramento, CA",
        BUSINESS,
        (
            (EDITOR, OrgRole.EDITOR, "Environmental Coordinator"),
            (VIEWER, OrgRole.VIEWER, "Plant Manager"),
            (CONSULTANT, OrgRole.APPROVER, "Consultant, Chen Compliance"),
        ),
    ),
    DemoBusiness(
        "demo-seed-valley-fuel-depot",
        "Valley Fuel Depot",
        "Woodland, CA",
        SECOND_LEAD,
        ((CONSULTANT, OrgRole.EDITOR, "Consultant, Chen Compliance"),),
    ),
)


def _ensure_user(demo: DemoUser) -> int:
    def lookup(session):
        return session.exec(
            select(User.id).where(User.username_key == username_key(demo.username))
        ).first()

    existing = db.run(lookup)
    if existing is not None:
        return existing
    registration = Registration(
        first_name=demo.first_name,
        last_name=demo.last_name,
        email=demo.email,
        username=demo.username,
        password=demo.password,
        password_confirm=demo.password,
        security_question="first_pet",
        security_answer="Biscuit",
        phrase=f"{demo.first_name}'s demo phrase: sunflowers",
        accepted_conditions_version="",
    )
    return db.run(
        account_service.create_activated_user,
        registration,
        actor_user_id=None,
        accept_conditions=True,
    )


def seed() -> list[DemoUser]:
    """Create the demo agency and users if they are missing; returns the demo sign-ins."""
    agency_id = db.run(agency_service.find_agency_id, DEMO_AGENCY_CODE)
    if agency_id is None:
        agency_id = db.run(
            agency_service.create_agency,
            actor_user_id=None,
            code=DEMO_AGENCY_CODE,
            name=DEMO_AGENCY_NAME,
            county=county_code(DEMO_AGENCY_COUNTY) or 57,
            kind=AgencyKind.CUPA.value,
        )
    regulator_id = _ensure_user(REGULATOR)
    db.run(
        agency_service.set_member_role,
        actor_user_id=None,
        agency_id=agency_id,
        user_id=regulator_id,
        role=RegulatorRole.ADMIN.value,
    )
    user_ids = {demo.username: _ensure_user(demo) for demo in DEMO_USERS if demo is not REGULATOR}
    for business in BUSINESSES:
        _ensure_business(business, user_ids)
    return list(DEMO_USERS)


def _seeding_actor(demo: DemoUser, user_id: int) -> Actor:
    """The demo person acting through the services (no browser session behind it)."""
    return Actor(
        user_id=user_id,
        session_id=0,
        username=demo.username,
        display_name=f"{demo.first_name} {demo.last_name}",
        email=demo.email,
        portal=Portal.BUSINESS,
        permissions=frozenset(
            {Permission.SIGNED_IN, Permission.ACCOUNT, Permission.BUSINESS_PORTAL}
        ),
    )


def _ensure_business(business: DemoBusiness, user_ids: dict[str, int]) -> None:
    lead = _seeding_actor(business.lead, user_ids[business.lead.username])
    organization_id = db.run(
        org_service.create_organization,
        lead,
        business.name,
        business.headquarters,
        idempotency_key=business.key,
        origin=OrgOrigin.SEEDING,
    )
    for person, role, title in business.people:
        # Already a member when seeding again: nothing changes.
        with contextlib.suppress(Conflict):
            db.run(
                org_service.add_person,
                lead,
                organization_id,
                person.username,
                f"{person.first_name} {person.last_name}",
                title,
                "(530) 555-0100",
                role.value,
            )
