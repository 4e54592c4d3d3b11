"""Data the facility request journeys start from, made through the services on the server's
database: `python -m tests.e2e.facility_setup '<json steps>'` in the server's environment.

The journeys test the pages; what they stand on (people, businesses, facilities, agencies and
their ZIP codes, a regulator's decision) is made here, the way the CLI and the demo seed make
theirs. Every step makes something new, so journeys never share what they change.
Run from a journey with `setup(app_server, ("step", {...}), ...)`; each step's result comes back.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import uuid
from typing import Any

from sqlmodel import Session, select, update

import cers_app.models  # noqa: F401  (every table, before anything touches the database)
from cers_app.accounts import service as account_service
from cers_app.accounts.models import User
from cers_app.accounts.rules import username_key
from cers_app.accounts.views import Registration
from cers_app.agencies import service as agency_service
from cers_app.agencies.models import Agency, JurisdictionRule, RegulatorRole
from cers_app.core import db
from cers_app.core.codes import ELEMENTS, FACILITY_INFORMATION, county_code
from cers_app.core.permissions import Actor, Permission, Portal
from cers_app.demo import DEMO_AGENCY_CODE
from cers_app.facilities import requests as facility_requests
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import Facility, FacilityRequest
from cers_app.facilities.service import SiteInput
from cers_app.organizations import service as org_service
from cers_app.organizations.models import Organization
from tests.e2e.server import PROJECT

YOLO = county_code("Yolo") or 57


def _user(session: Session, username: str) -> User:
    user = session.exec(select(User).where(User.username_key == username_key(username))).one()
    return user


def actor_of(username: str, *, regulator: bool = False) -> Actor:
    """The actor the services see for `username` (as if signed in to the given portal)."""
    user = db.run(_user, username)
    assert user.id is not None
    permissions = {Permission.SIGNED_IN, Permission.ACCOUNT}
    permissions.add(Permission.REGULATOR_PORTAL if regulator else Permission.BUSINESS_PORTAL)
    if user.is_system_admin:
        permissions.add(Permission.SYSTEM_ADMIN)
    return Actor(
        user_id=user.id,
        session_id=0,
        username=user.username,
        display_name=f"{user.first_name} {user.last_name}",
        email=user.email,
        portal=Portal.REGULATOR if regulator else Portal.BUSINESS,
        permissions=frozenset(permissions),
        agency_ids=db.run(agency_service.active_agency_ids, user.id) if regulator else (),
    )


def user(
    username: str,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    phrase: str,
    security_answer: str,
    system_admin: bool = False,
) -> dict[str, Any]:
    """An active account that accepted the conditions of use."""
    registration = Registration(
        first_name=first_name,
        last_name=last_name,
        email=email,
        username=username,
        password=password,
        password_confirm=password,
        security_question="first_pet",
        security_answer=security_answer,
        phrase=phrase,
        accepted_conditions_version="",
    )
    user_id = db.run(
        account_service.create_activated_user,
        registration,
        actor_user_id=None,
        system_admin=system_admin,
        accept_conditions=True,
    )
    return {"id": user_id}


def business(lead: str, name: str) -> dict[str, Any]:
    """A business with `lead` as its Lead User."""
    organization_id = db.run(
        org_service.create_organization,
        actor_of(lead),
        name,
        "Woodland, CA",
        idempotency_key=uuid.uuid4().hex,
    )
    code = db.run(lambda s: s.get(Organization, organization_id).code)
    return {"id": organization_id, "code": code}


def _unused_zip(session: Session) -> str:
    taken = set(session.exec(select(JurisdictionRule.zip_code)).all())
    while True:
        candidate = str(93000 + secrets.randbelow(1000))
        if candidate not in taken:
            return candidate


def _cover(session: Session, agency_id: int, zip_code: str) -> None:
    with db.transaction(session):
        for element in ELEMENTS:
            session.add(JurisdictionRule(agency_id=agency_id, element=element, zip_code=zip_code))


def agency(verify_lead_access: bool = False, email: str = "") -> dict[str, Any]:
    """A new CUPA with its own ZIP code; `email` receives its notifications."""
    codes = set(db.run(lambda s: s.exec(select(Agency.code)).all()))
    code = next(c for c in iter(lambda: 1001 + secrets.randbelow(7998), None) if c not in codes)
    agency_id = db.run(
        agency_service.create_agency,
        actor_user_id=None,
        code=code,
        name=f"E2E County Environmental Health {code}",
        county=YOLO,
    )

    def configure(session: Session) -> str:
        zip_code = _unused_zip(session)
        session.rollback()
        with db.transaction(session):
            session.exec(
                update(Agency)
                .where(Agency.id == agency_id)
                .values(verify_lead_access=verify_lead_access, email=email)
            )
        _cover(session, agency_id, zip_code)
        return zip_code

    return {"id": agency_id, "code": code, "zip": db.run(configure)}


def _ensure_demo_coverage(session: Session, zip_code: str) -> None:
    """The demo CUPA takes a ZIP code nobody covers yet (the demo seed may cover it already)."""
    covered = session.exec(
        select(JurisdictionRule.id).where(
            JurisdictionRule.zip_code == zip_code[:5],
            JurisdictionRule.element == FACILITY_INFORMATION,
        )
    ).first()
    if covered is not None:
        return
    agency_id = agency_service.find_agency_id(session, DEMO_AGENCY_CODE)
    session.rollback()
    assert agency_id is not None
    _cover(session, agency_id, zip_code[:5])


def facility(
    lead: str,
    organization_id: int,
    name: str,
    street: str,
    city: str,
    zip_code: str,
    find_existing: bool = False,
) -> dict[str, Any]:
    """A facility of the business (in the demo CUPA's area unless an agency covers the ZIP).

    With `find_existing`, an active facility of that name and ZIP is returned instead when the
    demo seed already made it.
    """
    if find_existing:
        found = db.run(
            lambda s: s.exec(
                select(Facility).where(
                    Facility.name == name,
                    Facility.zip_code == zip_code,
                    Facility.status == "active",
                )
            ).first()
        )
        if found is not None:
            return {"id": found.id, "cers_id": found.cers_id, "street": found.street}
    db.run(_ensure_demo_coverage, zip_code)
    site = SiteInput(
        name=name, street=street, supplemental="", city=city, zip_code=zip_code, county=str(YOLO)
    )
    facility_id = db.run(
        facility_service.create_facility,
        actor_of(lead),
        organization_id,
        site,
        idempotency_key=uuid.uuid4().hex,
    )
    made = db.run(lambda s: s.get(Facility, facility_id))
    return {"id": facility_id, "cers_id": made.cers_id, "street": made.street}


def organization_id(name: str) -> dict[str, Any]:
    found = db.run(lambda s: s.exec(select(Organization.id).where(Organization.name == name)).one())
    return {"id": found}


def regulator(username: str, agency_id: int) -> dict[str, Any]:
    """Make an existing account an Agency Admin of the agency (it decides its requests)."""
    db.run(
        agency_service.set_member_role,
        actor_user_id=None,
        agency_id=agency_id,
        user_id=db.run(_user, username).id,
        role=RegulatorRole.ADMIN.value,
    )
    return {}


def decide(username: str, facility_id: int, approve: bool, comment: str = "") -> dict[str, Any]:
    """The regulator `username` decides the pending request about the facility."""
    request_id = db.run(
        lambda s: s.exec(
            select(FacilityRequest.id).where(
                FacilityRequest.facility_id == facility_id, FacilityRequest.status == "pending"
            )
        ).one()
    )
    db.run(
        facility_requests.decide, actor_of(username, regulator=True), request_id, approve, comment
    )
    return {"request_id": request_id}


def request_access(username: str, facility_id: int, role: str, note: str) -> dict[str, Any]:
    """`username` asks to join the facility's business (as the search page would)."""
    request_id = db.run(
        facility_requests.request_access, actor_of(username), facility_id, role, note
    )
    return {"id": request_id}


STEPS = {
    "request_access": request_access,
    "user": user,
    "business": business,
    "agency": agency,
    "facility": facility,
    "organization_id": organization_id,
    "regulator": regulator,
    "decide": decide,
}


def run_steps(server: Any, module: str, steps: tuple) -> list[dict[str, Any]]:
    """Run `steps` with `python -m <module>` in one process on the server's database; their
    results, in order."""
    done = subprocess.run(
        [sys.executable, "-m", module, json.dumps(steps)],
        cwd=str(PROJECT),
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"{module} failed:\n{done.stdout}{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main_of(steps: dict[str, Any], argv: list[str]) -> None:
    """The command line of a setup module: run the JSON steps, print their results."""
    results = [steps[name](**arguments) for name, arguments in json.loads(argv[0])]
    print(json.dumps(results))


def setup(server: Any, *steps: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the steps in one process on the server's database; their results, in order."""
    return run_steps(server, "tests.e2e.facility_setup", steps)


if __name__ == "__main__":
    main_of(STEPS, sys.argv[1:])
