"""Demo data for `make run`: idempotent, built through the real services.

Every feature adds what it built here, so a fresh `make run` shows all of it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import select

from cers_app.accounts import service as account_service
from cers_app.accounts.models import User
from cers_app.accounts.rules import username_key
from cers_app.accounts.views import Registration
from cers_app.agencies import demo_admin, demo_assistance, demo_notices
from cers_app.agencies import service as agency_service
from cers_app.agencies.jurisdiction import RuleRow, city_key
from cers_app.agencies.models import AgencyKind, RegulatorRole
from cers_app.agencies.rules import AgencyRecord
from cers_app.core import db
from cers_app.core.codes import ACCEPTED, ELEMENTS, FACILITY_INFORMATION, county_code
from cers_app.core.errors import Conflict
from cers_app.core.permissions import Actor, Permission, Portal
from cers_app.facilities import business_activities, owner_operator
from cers_app.facilities import requests as facility_requests
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import (
    ElementVersion,
    Facility,
    FacilityRequest,
    FacilityStatus,
    RequestKind,
)
from cers_app.facilities.service import SiteInput
from cers_app.organizations import service as org_service
from cers_app.organizations.models import OrgOrigin
from cers_app.organizations.roles import OrgRole

DEMO_AGENCY_CODE = 9001
DEMO_AGENCY_NAME = "Demo County Environmental Health (CUPA)"
DEMO_AGENCY_COUNTY = "Yolo"
YOLO = county_code(DEMO_AGENCY_COUNTY) or 57
# The demo CUPA regulates every element in Yolo County's ZIP codes.
YOLO_ZIPS = (
    "95605",
    "95606",
    "95607",
    "95612",
    "95615",
    "95616",
    "95617",
    "95618",
    "95627",
    "95637",
    "95645",
    "95653",
    "95679",
    "95691",
    "95694",
    "95695",
    "95697",
    "95698",
    "95776",
    "95798",
    "95799",
    "95937",
)
DEMO_AGENCY = AgencyRecord(
    code=DEMO_AGENCY_CODE,
    name=DEMO_AGENCY_NAME,
    kind=AgencyKind.CUPA.value,
    county=YOLO,
    phone="(530) 555-0110",
    email="hazmat@demo-county.example.org",
    website="https://demo-county.example.org/environmental-health",
    address="625 Court Street, Room 202, Woodland, CA 95695",
)
DEMO_CONTACT = {
    "name": "Hazel Moreno",
    "title": "Hazardous Materials Specialist",
    "phone": "(530) 555-0111",
    "email": "hazel.moreno@demo-county.example.org",
}
# A participating agency takes the Hazardous Materials Inventory in the city of Woodland.
DEMO_PA_CODE = 9002
DEMO_PA = AgencyRecord(
    code=DEMO_PA_CODE,
    name="Woodland Fire Department (PA)",
    kind=AgencyKind.PA.value,
    county=YOLO,
    parent_code=DEMO_AGENCY_CODE,
    phone="(530) 555-0130",
    email="fire.prevention@woodland-fire.example.org",
    website="https://woodland-fire.example.org",
    address="300 First Street, Woodland, CA 95695",
)
DEMO_PA_ZIPS = ("95695", "95776")
DEMO_PA_CITY = "Woodland"
HAZARDOUS_MATERIALS_INVENTORY = 2


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
REVIEWER = DemoUser(
    "demorev",
    "Granite-Harbor-63",
    "Omar",
    "Reyes",
    "omar.reyes@example.org",
    "Regulator Portal",
    "Reviewer at the demo CUPA",
)
PA_REVIEWER = DemoUser(
    "demopa",
    "Juniper-Signal-85",
    "Paula",
    "Ambrose",
    "paula.ambrose@example.org",
    "Regulator Portal",
    "Reviewer at Woodland Fire Department (PA): only the inventories it regulates",
)
RESPONDER = DemoUser(
    "demoresp",
    "Siren-Maple-57",
    "Rosa",
    "Espinoza",
    "rosa.espinoza@example.org",
    "Regulator Portal",
    "Emergency Responder at the demo CUPA: read-only facility view, confidential locations",
)
REGULATOR_STAFF = (
    (REGULATOR, DEMO_AGENCY_CODE, RegulatorRole.ADMIN),
    (REVIEWER, DEMO_AGENCY_CODE, RegulatorRole.REVIEWER),
    (PA_REVIEWER, DEMO_PA_CODE, RegulatorRole.REVIEWER),
    (RESPONDER, DEMO_AGENCY_CODE, RegulatorRole.RESPONDER),
)
DEMO_USERS = (
    BUSINESS,
    EDITOR,
    VIEWER,
    CONSULTANT,
    SECOND_LEAD,
    REGULATOR,
    REVIEWER,
    PA_REVIEWER,
    RESPONDER,
)


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


@dataclass(frozen=True)
class SeededFacility:
    cers_id: int
    name: str
    address: str
    business: str


@dataclass(frozen=True)
class Seeded:
    users: list[DemoUser]
    facilities: list[SeededFacility]
    inventory: SeededFacility | None = None  # the facility with the demo inventory
    inventory_rows: int = 0
    uploaded: SeededFacility | None = None  # the facility whose inventory came as a workbook
    uploaded_rows: int = 0
    submitted: SeededFacility | None = None  # the facility with an accepted HMBP and a draft
    overdue: SeededFacility | None = None  # accepted HMBP, no draft, annual due date past
    in_review: SeededFacility | None = None  # an HMBP submitted, waiting in the review queue
    delete_requested: SeededFacility | None = None  # a deletion waiting for the regulator


def seed() -> Seeded:
    """Create the demo agencies, users, businesses and facilities that are missing; returns
    the demo sign-ins and facilities."""
    _ensure_agencies()
    demo_admin.seed(DEMO_AGENCY_CODE)  # local requirements (HMI) and two public contacts
    user_ids = {demo.username: _ensure_user(demo) for demo in DEMO_USERS}
    for person, code, role in REGULATOR_STAFF:
        agency_id = db.run(agency_service.find_agency_id, code)
        db.run(
            agency_service.set_member_role,
            actor_user_id=None,
            agency_id=agency_id,
            user_id=user_ids[person.username],
            role=role.value,
        )
    demo_notices.ensure_demo_notice(DEMO_AGENCY_CODE, user_ids[REGULATOR.username])
    demo_assistance.ensure_request(DEMO_AGENCY_CODE)  # a question from the public
    accept = _acceptance_by(_regulator_actor(REGULATOR, user_ids[REGULATOR.username]))
    organizations = {business.name: _ensure_business(business, user_ids) for business in BUSINESSES}
    facilities = [
        _ensure_facility(facility, organizations[facility.business.name], user_ids)
        for facility in FACILITIES
    ]
    shown = facilities[FACILITIES.index(INVENTORY_FACILITY)]
    rows = _ensure_inventory(shown, user_ids)
    uploaded = facilities[FACILITIES.index(UPLOAD_FACILITY)]
    uploaded_rows = _ensure_uploaded_inventory(uploaded, user_ids)
    submitted = facilities[FACILITIES.index(SUBMITTED_FACILITY)]
    _ensure_submitted_hmbp(submitted, user_ids, accept)
    overdue = facilities[FACILITIES.index(OVERDUE_FACILITY)]
    _ensure_overdue_hmbp(overdue, user_ids, accept)
    _ensure_apsa_draft(shown, user_ids)
    _ensure_ust_draft(shown, user_ids)
    in_review = facilities[FACILITIES.index(IN_REVIEW_FACILITY)]
    _ensure_hmbp_in_review(in_review, user_ids)
    delete_requested = facilities[FACILITIES.index(DELETE_FACILITY)]
    _ensure_delete_request(delete_requested, user_ids)
    return Seeded(
        users=list(DEMO_USERS),
        facilities=facilities,
        inventory=shown,
        inventory_rows=rows,
        uploaded=uploaded,
        uploaded_rows=uploaded_rows,
        submitted=submitted,
        overdue=overdue,
        in_review=in_review,
        delete_requested=delete_requested,
    )


def _ensure_agencies() -> int:
    """The demo CUPA and its PA with their contact details, contact person and ZIP codes.

    Loading the same agencies and rules again changes nothing (and audits nothing)."""
    db.run(agency_service.load_agencies, actor_user_id=None, records=[DEMO_AGENCY, DEMO_PA])
    agency_id = db.run(agency_service.find_agency_id, DEMO_AGENCY_CODE)
    assert agency_id is not None
    contacts = db.run(agency_service.agency_contacts, agency_id)
    if all(contact.name != DEMO_CONTACT["name"] for contact in contacts):
        db.run(
            agency_service.add_agency_contact,
            actor_user_id=None,
            agency_id=agency_id,
            **DEMO_CONTACT,
        )
    rules = [
        RuleRow(DEMO_AGENCY_CODE, element, zip_code, "")
        for zip_code in YOLO_ZIPS
        for element in ELEMENTS
    ]
    rules += [
        RuleRow(DEMO_PA_CODE, HAZARDOUS_MATERIALS_INVENTORY, zip_code, city_key(DEMO_PA_CITY))
        for zip_code in DEMO_PA_ZIPS
    ]
    db.run(agency_service.load_jurisdictions, actor_user_id=None, rules=rules)
    return agency_id


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


def _regulator_actor(demo: DemoUser, user_id: int) -> Actor:
    """A demo regulator acting through the services (the demo acceptances are theirs)."""
    return Actor(
        user_id=user_id,
        session_id=0,
        username=demo.username,
        display_name=f"{demo.first_name} {demo.last_name}",
        email=demo.email,
        portal=Portal.REGULATOR,
        permissions=frozenset(
            {Permission.SIGNED_IN, Permission.ACCOUNT, Permission.REGULATOR_PORTAL}
        ),
        agency_ids=db.run(agency_service.active_agency_ids, user_id),
    )


def _acceptance_by(reviewer: Actor) -> Callable[[int], None]:
    """The regulator accepting every element of a submittal through the review service."""
    from cers_app.regulator import review
    from cers_app.submittals import demo_hmbp

    def accept(submittal_id: int) -> None:
        version_ids = db.run(
            lambda s: s.exec(
                select(ElementVersion.id)
                .where(ElementVersion.submittal_id == submittal_id)
                .order_by(ElementVersion.element)
            ).all()
        )
        for version_id in version_ids:
            db.run(review.set_status, reviewer, version_id, ACCEPTED, demo_hmbp.REVIEW_COMMENT)

    return accept


def _ensure_business(business: DemoBusiness, user_ids: dict[str, int]) -> int:
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
    return organization_id


# ------------------------------------------------------------------ facilities


def _owner_operator(
    business: str, phone: str, mailing: tuple[str, str, str], owner: str, contact: str, email: str
) -> dict[str, str]:
    """A complete Owner/Operator form whose addresses are all the business's mailing address."""
    street, city, zip_code = mailing
    address = {"street": street, "city": city, "state": "CA", "zip": zip_code}
    return {
        "Phone": phone,
        "MailingAddress": address["street"],
        "MailingAddressCity": address["city"],
        "MailingAddressState": address["state"],
        "MailingAddressZipCode": address["zip"],
        "OperatorName": business,
        "OperatorPhone": phone,
        "OwnerName": owner,
        "OwnerPhone": phone,
        "OwnerMailAddress": address["street"],
        "OwnerCity": address["city"],
        "OwnerState": address["state"],
        "OwnerZipCode": address["zip"],
        "EContactName": contact,
        "EContactPhone": phone,
        "EContactEmailAddress": email,
        "EContactMailingAddress": address["street"],
        "EContactCity": address["city"],
        "EContactState": address["state"],
        "EContactZipCode": address["zip"],
        "PECName": contact,
        "PECTitle": "Environmental Manager",
        "PECBusinessPhone": phone,
        "PEC24HrPhone": "(530) 555-0199",
        "SECName": owner,
        "SECTitle": "Owner",
        "SECBusinessPhone": phone,
        "SEC24HrPhone": "(530) 555-0198",
        "BillingContactName": contact,
        "BillingContactPhone": phone,
        "BillingContactEmail": email,
        "BillingAddress": address["street"],
        "BillingAddressCity": address["city"],
        "BillingAddressState": address["state"],
        "BillingAddressZipCode": address["zip"],
        "DocumentPreparerName": contact,
        "IdentificationSignerName": owner,
        "IdentificationSignerTitle": "Owner",
    }


ACME_OWNER_OPERATOR = _owner_operator(
    "Acme Plating Co.",
    "(530) 555-0100",
    ("1200 Main St", "Woodland", "95695"),
    "Alan Acme",
    "Lena Lopez",
    BUSINESS.email,
)
VALLEY_OWNER_OPERATOR = _owner_operator(
    "Valley Fuel Depot",
    "(530) 555-0150",
    ("400 County Road 98", "Woodland", "95776"),
    "Victor Diaz",
    "Victor Diaz",
    SECOND_LEAD.email,
)


@dataclass(frozen=True)
class DemoFacility:
    key: str  # the idempotency key of create_facility: seeding again returns the same facility
    business: DemoBusiness
    name: str
    street: str
    city: str
    zip_code: str
    yes: frozenset[str]  # the Business Activities questions answered Yes (the others No)
    owner_operator: dict[str, str]


FACILITIES = (
    DemoFacility(
        "demo-seed-facility-acme-woodland-plant",
        BUSINESSES[0],
        "Acme Plating - Woodland Plant",
        "1200 Main St",
        "Woodland",
        "95695",
        frozenset({"HMOnSite", "HWGenerator"}),
        ACME_OWNER_OPERATOR,
    ),
    DemoFacility(
        "demo-seed-facility-acme-davis-warehouse",
        BUSINESSES[0],
        "Acme Plating - Davis Warehouse",
        "250 Cousteau Pl",
        "Davis",
        "95618",
        frozenset({"HMOnSite", "HWGenerator"}),
        ACME_OWNER_OPERATOR,
    ),
    DemoFacility(
        "demo-seed-facility-acme-west-sacramento-yard",
        BUSINESSES[0],
        "Acme Plating - West Sacramento Yard",
        "900 Industrial Blvd",
        "West Sacramento",
        "95691",
        frozenset({"HMOnSite", "HWGenerator"}),
        ACME_OWNER_OPERATOR,
    ),
    DemoFacility(
        "demo-seed-facility-valley-fuel-yolo-yard",
        BUSINESSES[1],
        "Valley Fuel Depot - Yolo Yard",
        "400 County Road 98",
        "Woodland",
        "95776",
        frozenset({"HMOnSite", "OwnOrOperateAPST", "OwnOrOperateUST", "HWGenerator"}),
        VALLEY_OWNER_OPERATOR,
    ),
    DemoFacility(
        "demo-seed-facility-acme-woodland-annex",
        BUSINESSES[0],
        "Acme Plating - Woodland Annex",
        "1300 Main St",
        "Woodland",
        "95695",
        frozenset({"HMOnSite", "HWGenerator"}),
        ACME_OWNER_OPERATOR,
    ),
    DemoFacility(
        "demo-seed-facility-acme-esparto-storage",
        BUSINESSES[0],
        "Acme Plating - Esparto Storage",
        "16800 Yolo Ave",
        "Esparto",
        "95627",
        frozenset({"HMOnSite"}),
        ACME_OWNER_OPERATOR,
    ),
)


def _ensure_facility(
    facility: DemoFacility, organization_id: int, user_ids: dict[str, int]
) -> SeededFacility:
    """The facility with its Business Activities and Owner/Operator forms filled in; forms
    already holding these answers are not saved again (their version stays as it is)."""
    lead = facility.business.lead
    actor = _seeding_actor(lead, user_ids[lead.username])
    site = SiteInput(
        name=facility.name,
        street=facility.street,
        supplemental="",
        city=facility.city,
        zip_code=facility.zip_code,
        county=str(YOLO),
    )
    facility_id = db.run(
        facility_service.create_facility,
        actor,
        organization_id,
        site,
        idempotency_key=facility.key,
    )
    made = db.run(lambda session: session.get(Facility, facility_id))
    assert made is not None
    # A demo facility someone deleted, merged or moved through the portal stays as it is.
    active = made.status == FacilityStatus.ACTIVE and made.organization_id == organization_id
    if active and not _submitted_without_draft(facility_id):
        _fill_forms(facility, actor, facility_id)
    return SeededFacility(
        cers_id=made.cers_id,
        name=made.name,
        address=f"{made.street}, {made.city} {made.zip_code}",
        business=facility.business.name,
    )


def _submitted_without_draft(facility_id: int) -> bool:
    # Reading the forms would start a Facility Information draft, and an open draft is what
    # the overdue demo facility must not have.
    slot = db.run(facility_service.element_slot, facility_id, FACILITY_INFORMATION)
    return slot.draft_version_id is None and slot.last_submitted_version_id is not None


def _fill_forms(facility: DemoFacility, actor: Actor, facility_id: int) -> None:
    forms = db.run(facility_service.facility_information, actor, facility_id)
    answers = {
        key: "Y" if key in facility.yes else "N" for key in business_activities.QUESTION_KEYS
    }
    answers["Comments"] = ""
    if any(forms.business_activities.get(key) != value for key, value in answers.items()):
        forms, errors = db.run(
            facility_service.save_business_activities, actor, facility_id, answers, forms.version
        )
        assert not errors, errors
    wanted, errors = owner_operator.check(facility.owner_operator)
    assert not errors, errors
    if any(forms.owner_operator.get(key) != value for key, value in wanted.items()):
        forms, errors = db.run(
            facility_service.save_owner_operator, actor, facility_id, wanted, forms.version
        )
        assert not errors, errors


# ------------------------------------------------------------------ inventory

INVENTORY_FACILITY = FACILITIES[3]  # Valley Fuel Depot - Yolo Yard: a fuel yard's inventory
UPLOAD_FACILITY = FACILITIES[0]  # Acme Plating - Woodland Plant: an inventory from a workbook
SUBMITTED_FACILITY = FACILITIES[1]  # Acme Plating - Davis Warehouse: an accepted HMBP
OVERDUE_FACILITY = FACILITIES[2]  # Acme Plating - West Sacramento Yard: its HMBP overdue
IN_REVIEW_FACILITY = FACILITIES[4]  # Acme Plating - Woodland Annex: an HMBP in the queue
DELETE_FACILITY = FACILITIES[5]  # Acme Plating - Esparto Storage: its deletion requested


def _ensure_inventory(seeded: SeededFacility, user_ids: dict[str, int]) -> int:
    """About fifty materials in the fuel yard's inventory draft (added once)."""
    from cers_app.inventory import demo_rows

    lead = INVENTORY_FACILITY.business.lead
    actor = _seeding_actor(lead, user_ids[lead.username])
    facility_id = db.run(
        lambda s: s.exec(select(Facility.id).where(Facility.cers_id == seeded.cers_id)).one()
    )
    return demo_rows.seed(actor, facility_id)


def _ensure_uploaded_inventory(seeded: SeededFacility, user_ids: dict[str, int]) -> int:
    """The plating shop's inventory, imported from a workbook through the import job (once)."""
    from cers_app.inventory import demo_upload

    lead = UPLOAD_FACILITY.business.lead
    actor = _seeding_actor(lead, user_ids[lead.username])
    facility_id = db.run(
        lambda s: s.exec(select(Facility.id).where(Facility.cers_id == seeded.cers_id)).one()
    )
    return demo_upload.seed(actor, seeded.cers_id, facility_id)


def _lead_and_facility(
    facility: DemoFacility, seeded: SeededFacility, user_ids: dict[str, int]
) -> tuple[Actor, int]:
    lead = facility.business.lead
    actor = _seeding_actor(lead, user_ids[lead.username])
    facility_id = db.run(
        lambda s: s.exec(select(Facility.id).where(Facility.cers_id == seeded.cers_id)).one()
    )
    return actor, facility_id


def _ensure_submitted_hmbp(
    seeded: SeededFacility, user_ids: dict[str, int], accept: Callable[[int], None]
) -> None:
    """The warehouse's accepted business plan and its open inventory draft (once)."""
    from cers_app.submittals import demo_hmbp

    actor, facility_id = _lead_and_facility(SUBMITTED_FACILITY, seeded, user_ids)
    demo_hmbp.seed(actor, facility_id, accept)


def _ensure_overdue_hmbp(
    seeded: SeededFacility, user_ids: dict[str, int], accept: Callable[[int], None]
) -> None:
    """The yard's accepted business plan, due on a March 1 already past (once)."""
    from cers_app.submittals import demo_hmbp

    actor, facility_id = _lead_and_facility(OVERDUE_FACILITY, seeded, user_ids)
    demo_hmbp.seed_overdue(actor, facility_id, accept)


def _ensure_hmbp_in_review(seeded: SeededFacility, user_ids: dict[str, int]) -> None:
    """The annex's business plan, submitted and not yet reviewed (once): its Facility
    Information and plans wait for the CUPA, its inventory for the Woodland PA."""
    from cers_app.submittals import demo_hmbp

    actor, facility_id = _lead_and_facility(IN_REVIEW_FACILITY, seeded, user_ids)
    demo_hmbp.seed_in_review(actor, facility_id)


APSA = 9
APSA_DOCUMENT = 49
# The fuel yard's APSA Facility Information: not conditionally exempt, 18,500 gallons.
APSA_FORM = {
    "ConditionallyExempt": "N",
    "SPCCPlanCertificationOrFiveYearReview": "2025-04-15",
    "TotalAbovegroundStorageCapacityOfPetroleum": "18500",
    "NumberOfTanksInUndergroundAreas": "0",
}


def _ensure_apsa_draft(seeded: SeededFacility, user_ids: dict[str, int]) -> None:
    """The fuel yard's Aboveground Petroleum Storage draft: its form filled in and its
    SPCC plan kept at the yard (once: an existing draft or submittal is left as it is)."""
    from cers_app.submittals import documents, drafts, element_form_service

    actor, facility_id = _lead_and_facility(INVENTORY_FACILITY, seeded, user_ids)
    slot = db.run(facility_service.element_slot, facility_id, APSA)
    if slot.draft_version_id is not None or slot.last_submitted_version_id is not None:
        return
    draft_id = db.run(drafts.start_element, actor, facility_id, APSA, drafts.BLANK)
    form = db.run(element_form_service.element_form, actor, facility_id, APSA)
    _, errors = db.run(
        element_form_service.save_element_form, actor, facility_id, APSA, APSA_FORM, form.version
    )
    assert not errors, errors
    db.run(
        documents.set_source,
        actor,
        facility_id,
        draft_id,
        APSA_DOCUMENT,
        {"source": "6", "stored_at_cers_id": str(seeded.cers_id)},
    )


def _ensure_ust_draft(seeded: SeededFacility, user_ids: dict[str, int]) -> None:
    """The fuel yard's Underground Storage Tanks draft: two tanks with their monitoring plans,
    ready to submit (once)."""
    from cers_app.submittals import demo_ust

    actor, facility_id = _lead_and_facility(INVENTORY_FACILITY, seeded, user_ids)
    demo_ust.seed_ust_draft(actor, facility_id, seeded.cers_id)


DELETE_NOTE = "We closed this storage site in 2025 and moved the stock to the Davis Warehouse."


def _ensure_delete_request(seeded: SeededFacility, user_ids: dict[str, int]) -> None:
    """Acme's request to delete its closed Esparto site, for the regulator's inbox (once:
    not again while one is pending, nor after the regulator decided)."""
    actor, facility_id = _lead_and_facility(DELETE_FACILITY, seeded, user_ids)

    def asked(session) -> bool:
        return (
            session.exec(
                select(FacilityRequest.id).where(
                    FacilityRequest.facility_id == facility_id,
                    FacilityRequest.kind == RequestKind.DELETE.value,
                )
            ).first()
            is not None
        )

    if not db.run(asked):
        db.run(facility_requests.request_delete, actor, facility_id, DELETE_NOTE)
