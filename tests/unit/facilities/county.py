"""The regulators around Acme's facilities, and helpers to add facilities, for the facility tests.

Yolo County Environmental Health (CUPA 1234) regulates every element in four Yolo ZIP codes.
The Woodland Fire Department (PA 1235, under that CUPA) takes the Hazardous Materials
Inventory in ZIP 95695 for the city of Woodland only. Bay City Environmental Health (CUPA 4321)
regulates ZIP 94102. Everything is loaded through the agencies services, the way the CLI does.

The regulators' staff: `rita` is Agency Admin of the Yolo CUPA, `hank` its Request Handler,
`rob` its Reviewer, `pam` Agency Admin of the Woodland PA and `rex` Agency Admin of Bay City.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import select

from cers_app.accounts import service as account_service
from cers_app.agencies import service as agencies
from cers_app.agencies.jurisdiction import RuleRow
from cers_app.agencies.rules import AgencyRecord
from cers_app.core import db
from cers_app.core.codes import ELEMENTS, FACILITY_INFORMATION
from cers_app.core.permissions import Portal
from cers_app.facilities import service
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.facilities.service import SiteInput
from tests import audit_hook, helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person

YOLO = 57
CUPA_CODE, PA_CODE, OTHER_CODE = support.ACME_CUPA_CODE, 1235, support.OTHER_CUPA_CODE
CUPA_ZIPS = ("95616", "95618", "95695", "95776")
PA_ZIP, PA_CITY = "95695", "woodland"
OTHER_ZIP = "94102"
HMI = 2

CUPA = AgencyRecord(CUPA_CODE, "Yolo County Environmental Health", "CUPA", YOLO)
PA = AgencyRecord(PA_CODE, "Woodland Fire Department", "PA", YOLO, parent_code=CUPA_CODE)
OTHER = AgencyRecord(OTHER_CODE, "Bay City Environmental Health", "CUPA", 38)


@dataclass(frozen=True)
class County:
    cupa: int
    pa: int
    other: int


def build() -> County:
    """The three agencies and their rules (no staff)."""
    db.run(agencies.load_agencies, actor_user_id=None, records=[CUPA, PA, OTHER])
    rules = [RuleRow(CUPA_CODE, e, zip_code, "") for zip_code in CUPA_ZIPS for e in ELEMENTS]
    rules += [RuleRow(PA_CODE, HMI, PA_ZIP, PA_CITY)]
    rules += [RuleRow(OTHER_CODE, e, OTHER_ZIP, "") for e in ELEMENTS]
    db.run(agencies.load_jurisdictions, actor_user_id=None, rules=rules)
    ids = {code: db.run(agencies.find_agency_id, code) for code in (CUPA_CODE, PA_CODE, OTHER_CODE)}
    return County(ids[CUPA_CODE], ids[PA_CODE], ids[OTHER_CODE])


def regulator(username: str, first: str, last: str, agency_id: int, role: str) -> Person:
    """An account with `role` in the agency, signed in to the Regulator Portal."""
    data = helpers.registration(username, first_name=first, last_name=last)
    user_id = db.run(
        account_service.create_activated_user, data, actor_user_id=None, accept_conditions=True
    )
    db.run(
        agencies.set_member_role,
        actor_user_id=None,
        agency_id=agency_id,
        user_id=user_id,
        role=role,
    )
    person = Person(user_id, username, f"{username}@example.com", f"{first} {last}")
    person.session_cookie = acme_world.sign_in(username, Portal.REGULATOR)
    return person


def site(**overrides: str) -> SiteInput:
    """A site in Davis (ZIP 95616, the Yolo CUPA's); any field can be changed."""
    fields = {
        "name": "Acme Plating - Davis Works",
        "street": "1200 Main St",
        "supplemental": "",
        "city": "Davis",
        "zip_code": "95616",
        "county": str(YOLO),
        "epa_id": "",
        "local_facility_id": "",
    }
    fields.update(overrides)
    return SiteInput(**fields)


def new_key() -> str:
    return secrets.token_urlsafe(16)


def add_facility(person: Person, organization_id: int, **overrides: str) -> int:
    """A new facility of the business, created by `person` with a fresh idempotency key."""
    return db.run(
        service.create_facility,
        person.actor(),
        organization_id,
        site(**overrides),
        idempotency_key=new_key(),
    )


def facility(facility_id: int) -> Facility:
    return db.run(lambda s: s.get(Facility, facility_id))


def elements(facility_id: int) -> dict[int, FacilityElement]:
    """The facility's element rows, by element number."""

    def query(session):
        rows = session.exec(
            select(FacilityElement).where(FacilityElement.facility_id == facility_id)
        ).all()
        return {row.element: row for row in rows}

    return db.run(query)


def versions(facility_id: int) -> list[ElementVersion]:
    def query(session):
        return list(
            session.exec(
                select(ElementVersion)
                .where(ElementVersion.facility_id == facility_id)
                .order_by(ElementVersion.id)
            ).all()
        )

    return db.run(query)


def fi_draft(facility_id: int) -> ElementVersion:
    """The Facility Information draft the element row points at."""
    slot = elements(facility_id)[FACILITY_INFORMATION]
    return db.run(lambda s: s.get(ElementVersion, slot.draft_version_id))


def mark_submitted(version_id: int) -> None:
    """Make a version submitted the way submitting will (the element row then points at it as
    the last submitted version and has no draft). No service submits yet."""

    def change(session):
        with db.transaction(session):
            version = session.get(ElementVersion, version_id)
            version.status = 2
            session.add(version)
            slot = session.exec(
                select(FacilityElement).where(
                    FacilityElement.facility_id == version.facility_id,
                    FacilityElement.element == version.element,
                )
            ).one()
            slot.last_submitted_version_id, slot.draft_version_id = version.id, None
            session.add(slot)

    with audit_hook.exempt("test helper stands in for a regulator or submit step"):
        db.run(change)


def set_by_regulator(facility_id: int, element: int, requirement: int) -> None:
    """The regulator decides whether an element is required (no service does this yet)."""

    def change(session):
        with db.transaction(session):
            slot = session.exec(
                select(FacilityElement).where(
                    FacilityElement.facility_id == facility_id, FacilityElement.element == element
                )
            ).one()
            slot.requirement, slot.requirement_source = requirement, "regulator"
            session.add(slot)

    with audit_hook.exempt("test helper stands in for a regulator or submit step"):
        db.run(change)


def answers(*yes: str, **overrides: str) -> dict[str, str]:
    """Business Activities answers: Yes to the keys in `yes`, No to every other question."""
    from cers_app.facilities.business_activities import QUESTION_KEYS

    given = {key: "Y" if key in yes else "N" for key in QUESTION_KEYS}
    given.update(overrides)
    return given


def save_answers(person: Person, facility_id: int, given: dict[str, str]):
    """Save Business Activities answers at the draft's current version; (forms, errors)."""
    version = fi_draft(facility_id).version
    return db.run(service.save_business_activities, person.actor(), facility_id, given, version)


def requests() -> list:
    """Every facility request, oldest first."""
    from cers_app.facilities.models import FacilityRequest

    return db.run(
        lambda s: list(s.exec(select(FacilityRequest).order_by(FacilityRequest.id)).all())
    )


def make_leaderless(organization_id: int) -> None:
    """The business's Lead Users become Approvers: a business imported from CERS may have no
    Lead User (the organizations service never lets the last one go)."""
    from sqlalchemy import update

    from cers_app.organizations.models import OrgMember

    def change(session):
        with db.transaction(session):
            session.exec(
                update(OrgMember)
                .where(OrgMember.organization_id == organization_id, OrgMember.role == "lead")
                .values(role="approver")
            )

    with audit_hook.exempt("test helper removes the Lead Users directly"):
        db.run(change)


def set_verify_lead_access(record: AgencyRecord, verify: bool = True) -> None:
    """The agency verifies who becomes a Lead User (loaded as the CLI loads agencies)."""
    from dataclasses import replace

    db.run(
        agencies.load_agencies,
        actor_user_id=None,
        records=[replace(record, verify_lead_access=verify)],
    )


# A complete, valid Owner/Operator Identification form.
OWNER = {
    "Phone": "530-555-0142",
    "MailingAddress": "1200 Main St",
    "MailingAddressCity": "Davis",
    "MailingAddressState": "ca",
    "MailingAddressZipCode": "95616",
    "OperatorName": "Acme Plating Co.",
    "OperatorPhone": "(530) 555-0142",
    "OwnerName": "Alan Acme",
    "OwnerPhone": "(530) 555-0143",
    "OwnerMailAddress": "1200 Main St",
    "OwnerCity": "Davis",
    "EContactName": "Lena Lopez",
    "EContactPhone": "(530) 555-0144",
    "EContactMailingAddress": "1200 Main St",
    "EContactCity": "Davis",
    "PECName": "Lena Lopez",
    "PECTitle": "Environmental Manager",
    "PECBusinessPhone": "(530) 555-0144",
    "PEC24HrPhone": "(530) 555-0199",
    "BillingContactName": "Lena Lopez",
    "BillingContactPhone": "(530) 555-0144",
    "BillingAddress": "1200 Main St",
    "BillingAddressCity": "Davis",
}


def element_row(session, facility_id: int, element: int) -> FacilityElement:
    """The facility's row of `element`, in the caller's session."""
    return session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility_id, FacilityElement.element == element
        )
    ).one()
