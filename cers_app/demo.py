"""Demo data for `make run`: idempotent, built through the real services.

Every feature adds what it built here, so a fresh `make run` shows all of it.
"""

from __future__ import annotations

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
    "activated business user",
)
DEMO_USERS = (BUSINESS, REGULATOR)


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
    _ensure_user(BUSINESS)
    return list(DEMO_USERS)
