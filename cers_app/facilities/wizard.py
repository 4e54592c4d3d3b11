"""The add-facility wizard, saved to the database at every step.

1 site address -> 2 possible duplicates -> 3 name and business (creates the facility and its
CERS ID) -> 4 Business Activities -> 5 Owner/Operator Identification -> 6 summary. Back,
refresh and coming back later resume from the saved row; confirming step 3 twice (a double
click, the Back button) returns the facility made the first time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from cers_app.agencies.jurisdiction import regulators_for, uncovered_message
from cers_app.core import clock
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.facilities import requests as facility_requests
from cers_app.facilities import service
from cers_app.facilities.models import FacilityWizard
from cers_app.facilities.service import SiteInput, check_site, is_id
from cers_app.facilities.views import SearchRow
from cers_app.organizations import service as org_service
from cers_app.organizations.roles import OrgAction, allows

LAST_STEP = 6
NEW_BUSINESS = "new"


@dataclass(frozen=True)
class BusinessChoice:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class WizardView:
    id: int
    step: int
    site: dict[str, str]
    duplicates: list[SearchRow] = field(default_factory=list)
    businesses: list[BusinessChoice] = field(default_factory=list)
    facility_id: int | None = None
    outcome: str = ""
    finished: bool = False


def _own(session: Session, actor: Actor, wizard_id: object) -> FacilityWizard:
    wizard = session.get(FacilityWizard, wizard_id) if is_id(wizard_id) else None
    if wizard is None or wizard.user_id != actor.user_id:
        raise NotFound("That add-facility wizard was not found. Start again from your home page.")
    return wizard


def _open(session: Session, actor: Actor, wizard_id: object) -> FacilityWizard:
    wizard = _own(session, actor, wizard_id)
    # A wizard that ended with a request is closed. One that created its facility stays open
    # for its form steps: Back from the summary, then forward again.
    if wizard.finished_at is not None and wizard.facility_id is None:
        raise Conflict("This wizard is finished. Start a new one to add another facility.")
    return wizard


def _without_facility(wizard: FacilityWizard) -> None:
    if wizard.facility_id is not None:
        raise Conflict(
            "This wizard already added its facility. Start a new one to find another facility."
        )


def _site_input(data: dict) -> SiteInput:
    site = data.get("site", {})
    return SiteInput(
        name=str(site.get("name", "")),
        street=str(site.get("street", "")),
        supplemental=str(site.get("supplemental", "")),
        city=str(site.get("city", "")),
        zip_code=str(site.get("zip_code", "")),
        county=str(site.get("county", "")),
        epa_id=str(site.get("epa_id", "")),
    )


def _businesses(session: Session, actor: Actor) -> list[BusinessChoice]:
    return [
        BusinessChoice(id=row.id, name=row.name, role=row.role_label)
        for row in org_service.list_my_organizations(session, actor)
        if allows(row.role, OrgAction.ADD_FACILITY)
    ]


def _view(session: Session, actor: Actor, wizard: FacilityWizard) -> WizardView:
    duplicates: list[SearchRow] = []
    if wizard.step == 2:
        try:
            duplicates = service.possible_duplicates(session, check_site(_site_input(wizard.data)))
        except ValidationFailed:
            duplicates = []
    return WizardView(
        id=wizard.id or 0,
        step=wizard.step,
        site={k: str(v) for k, v in wizard.data.get("site", {}).items()},
        duplicates=duplicates,
        businesses=_businesses(session, actor) if wizard.step == 3 else [],
        facility_id=wizard.facility_id,
        outcome=wizard.outcome,
        finished=wizard.finished_at is not None,
    )


def start(session: Session, actor: Actor) -> int:
    """A new wizard for the actor, at step 1."""
    with transaction(session):
        now = clock.now()
        wizard = FacilityWizard(user_id=actor.user_id, created_at=now, updated_at=now)
        session.add(wizard)
        session.flush()
        return wizard.id or 0


def load(session: Session, actor: Actor, wizard_id: object) -> WizardView:
    return _view(session, actor, _own(session, actor, wizard_id))


@dataclass(frozen=True)
class UnfinishedRow:
    id: int
    step: int
    name: str
    updated: str


def unfinished(session: Session, actor: Actor) -> list[UnfinishedRow]:
    """The actor's wizards not yet finished, to resume them."""
    rows = session.exec(
        select(FacilityWizard)
        .where(FacilityWizard.user_id == actor.user_id, col(FacilityWizard.finished_at).is_(None))
        .order_by(col(FacilityWizard.updated_at).desc())
        .limit(10)
    ).all()
    return [
        UnfinishedRow(
            id=row.id or 0,
            step=row.step,
            name=str(row.data.get("site", {}).get("name", "")) or "(no name yet)",
            updated=clock.format_local(row.updated_at),
        )
        for row in rows
    ]


def _advance(wizard: FacilityWizard, step: int, session: Session) -> None:
    wizard.step = step
    wizard.updated_at = clock.now()
    wizard.version += 1
    session.add(wizard)


def submit_site(session: Session, actor: Actor, wizard_id: object, site: SiteInput) -> WizardView:
    """Step 1: the site's name and address, checked, normalised and saved."""
    checked = check_site(site)
    with transaction(session):
        wizard = _open(session, actor, wizard_id)
        if wizard.facility_id is not None:
            raise Conflict(
                "The facility was already created; change its address in its Facility "
                "Information instead."
            )
        if not regulators_for(session, checked.zip_code, checked.city).covered:
            raise ValidationFailed({"zip_code": uncovered_message(checked.zip_code)})
        wizard.data = {
            **wizard.data,
            "site": {
                "name": checked.name,
                "street": checked.street,
                "supplemental": checked.supplemental,
                "city": checked.city,
                "zip_code": checked.zip_code,
                "county": str(checked.county),
                "epa_id": checked.epa_id,
            },
        }
        duplicates = service.possible_duplicates(session, checked)
        _advance(wizard, 2 if duplicates else 3, session)
        return _view(session, actor, wizard)


def continue_new(session: Session, actor: Actor, wizard_id: object) -> WizardView:
    """Step 2: none of the possible duplicates is this site; go on with a new facility."""
    with transaction(session):
        wizard = _open(session, actor, wizard_id)
        if wizard.step != 2:
            raise Conflict("This step is already done.")
        _advance(wizard, 3, session)
        return _view(session, actor, wizard)


def _finish(session: Session, wizard: FacilityWizard, outcome: str) -> None:
    wizard.finished_at = clock.now()
    wizard.outcome = outcome
    _advance(wizard, wizard.step, session)


def request_access(
    session: Session, actor: Actor, wizard_id: object, facility_id: object, role: str, note: str
) -> WizardView:
    """Step 2: ask for access to an existing facility instead of adding a new one."""
    wizard = _open(session, actor, wizard_id)
    _without_facility(wizard)
    session.rollback()
    facility_requests.request_access(session, actor, facility_id, role, note)
    with transaction(session):
        wizard = _own(session, actor, wizard.id)
        _finish(session, wizard, "access_requested")
        return _view(session, actor, wizard)


def take_ownership(
    session: Session,
    actor: Actor,
    wizard_id: object,
    facility_id: object,
    organization_id: object,
    note: str,
) -> WizardView:
    """Step 2: ask to move an existing facility into one of the actor's businesses."""
    wizard = _open(session, actor, wizard_id)
    _without_facility(wizard)
    session.rollback()
    outcome = facility_requests.take_ownership(session, actor, facility_id, organization_id, note)
    with transaction(session):
        wizard = _own(session, actor, wizard.id)
        _finish(
            session, wizard, "transferred" if outcome == "transferred" else "transfer_requested"
        )
        return _view(session, actor, wizard)


def confirm_facility(
    session: Session,
    actor: Actor,
    wizard_id: object,
    name: str,
    business: str,
    new_business_name: str = "",
    new_business_headquarters: str = "",
) -> WizardView:
    """Step 3: the facility's name and business; creates the facility and its CERS ID.

    `business` is the id of one of the actor's businesses (Lead User or Approver there), or
    "new" to create a business with the actor as Lead User. Repeating this step returns the
    facility made the first time.
    """
    wizard = _open(session, actor, wizard_id)
    session.rollback()
    if wizard.facility_id is not None:
        return load(session, actor, wizard.id)
    if wizard.step < 3:
        raise Conflict("Enter the site's address first.")
    site = _site_input(wizard.data)
    site = SiteInput(**{**site.__dict__, "name": name})
    check_site(site)
    if business == NEW_BUSINESS:
        business_key = f"wizard-{wizard.id:08d}-business"
        session.rollback()  # reading the wizard began a transaction; the service owns its own
        organization_id = org_service.create_organization(
            session,
            actor,
            new_business_name,
            new_business_headquarters,
            idempotency_key=business_key,
        )
    elif business.isascii() and business.isdigit() and len(business) < 11:
        organization_id = int(business)
    else:
        raise ValidationFailed({"business": "Choose the business this facility belongs to."})
    facility_id = service.create_facility(
        session, actor, organization_id, site, idempotency_key=f"wizard-{wizard.id:08d}-facility"
    )
    with transaction(session):
        wizard = _own(session, actor, wizard.id)
        wizard.facility_id = facility_id
        wizard.data = {**wizard.data, "site": {**wizard.data.get("site", {}), "name": site.name}}
        _advance(wizard, 4, session)
        return _view(session, actor, wizard)


def go_to(session: Session, actor: Actor, wizard_id: object, step: int) -> WizardView:
    """Back to an earlier step (the steps after it are then done again). Steps 1-3 close once
    the facility exists; its address and name then live in its Facility Information."""
    with transaction(session):
        wizard = _open(session, actor, wizard_id)
        lowest = 4 if wizard.facility_id is not None else 1
        if type(step) is not int or not lowest <= step <= LAST_STEP:  # True is not step 1
            raise ValidationFailed(message="That step cannot be opened now.")
        if step > wizard.step:
            raise ValidationFailed(message="Finish the current step first.")
        _advance(wizard, step, session)
        return _view(session, actor, wizard)


def step_done(session: Session, actor: Actor, wizard_id: object, step: int) -> WizardView:
    """Steps 4 and 5 were saved without problems: move on (step 6 finishes the wizard)."""
    with transaction(session):
        wizard = _open(session, actor, wizard_id)
        if wizard.facility_id is None or step not in (4, 5) or wizard.step != step:
            raise Conflict("This step is already done.")
        _advance(wizard, step + 1, session)
        if wizard.step == LAST_STEP:
            _finish(session, wizard, "created")
        return _view(session, actor, wizard)
