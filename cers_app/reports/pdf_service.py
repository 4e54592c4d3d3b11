"""Who may print which PDF, and the PDF: the inventory report of an inventory version, the
packet of a submittal, and its public copy. Each returns (file name, PDF bytes).

A Business Portal actor reaches the facilities of their businesses with the VIEW action
(`access_facility`), drafts included; a Regulator Portal actor reaches only submitted versions
within their agencies' reach (`regulator.scope`, VIEW right), and a packet shows only the
elements they see. Anything out of reach is "not found". The `*_by_cers_id` functions are for
the operator's command line, which has no actor.

Each service makes its PDF in its own transaction; report jobs (`jobs.py`) call them in a
background worker thread, and the operator's command line calls the `*_by_cers_id` ones.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from cers_app.core.codes import DRAFT
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.permissions import Actor, Portal
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement, FacilityStatus
from cers_app.facilities.service import access_facility, is_id
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.roles import OrgAction
from cers_app.regulator import scope, submittal_view
from cers_app.regulator.scope import Right
from cers_app.reports.pdf_inventory import InventoryFilter, inventory_pdf
from cers_app.reports.pdf_packet import build_packet
from cers_app.submittals.models import Submittal

HMI = 2
NO_INVENTORY = "This facility has no Hazardous Materials Inventory to print yet."
NO_SUBMITTAL = "This facility has no submittal to print yet. Submit its elements first."
SUBMITTAL_NOT_FOUND = "That submittal was not found for this facility."
INVENTORY_NOT_FOUND = "That inventory was not found for this facility."
NO_FACILITY = "No active facility has CERS ID {cers_id}."
WRONG_PORTAL = "Sign in through the Business Portal or the Regulator Portal to print."


def reachable_facility(session: Session, actor: Actor, facility_id: object) -> Facility:
    """The facility if the actor may print it: a business member with VIEW, or a regulator
    whose agencies reach it (VIEW); NotFound otherwise. Runs in the caller's transaction."""
    if actor.portal == Portal.BUSINESS:
        return access_facility(session, actor, facility_id, OrgAction.VIEW)[0]
    if actor.portal == Portal.REGULATOR:
        return scope.load_facility(session, actor, facility_id, Right.VIEW)
    raise NotFound(WRONG_PORTAL)


def _visible(session: Session, actor: Actor | None):
    """A WHERE clause on ElementVersion: what the actor may print (None: the operator)."""
    if actor is not None and actor.portal == Portal.REGULATOR:
        return scope.version_clause(scope.reach_of(session, actor, Right.VIEW))
    return col(ElementVersion.id).is_not(None)


def _latest_inventory(session: Session, actor: Actor | None, facility: Facility) -> ElementVersion:
    """The draft inventory for the business, else the last submitted one."""
    slot = session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility.id, FacilityElement.element == HMI
        )
    ).first()
    if actor is not None and actor.portal == Portal.BUSINESS and slot and slot.draft_version_id:
        draft = session.get(ElementVersion, slot.draft_version_id)
        if draft is not None:
            return draft
    found = session.exec(
        select(ElementVersion)
        .where(
            ElementVersion.facility_id == facility.id,
            ElementVersion.element == HMI,
            ElementVersion.status != DRAFT,
            _visible(session, actor),
        )
        .order_by(col(ElementVersion.submitted_at).desc(), col(ElementVersion.id).desc())
    ).first()
    if found is None and actor is None and slot and slot.draft_version_id:
        found = session.get(ElementVersion, slot.draft_version_id)
    if found is None:
        raise NotFound(NO_INVENTORY)
    return found


def _inventory_version(
    session: Session, actor: Actor, facility: Facility, version_id: object
) -> ElementVersion:
    if version_id is None:
        return _latest_inventory(session, actor, facility)
    if actor.portal == Portal.REGULATOR:
        try:
            version = scope.load_version(session, actor, version_id, Right.VIEW)
        except NotFound as exc:
            raise NotFound(INVENTORY_NOT_FOUND) from exc
    else:
        version = session.get(ElementVersion, version_id) if is_id(version_id) else None
    if version is None or version.facility_id != facility.id or version.element != HMI:
        raise NotFound(INVENTORY_NOT_FOUND)
    return version


def _rows(session: Session, version: ElementVersion) -> list[dict]:
    found = session.exec(
        select(InventoryItem.data)
        .where(InventoryItem.element_version_id == version.id)
        .order_by(col(InventoryItem.id))
    ).all()
    return [dict(data or {}) for data in found]


def _shows_confidential(
    session: Session, actor: Actor | None, versions: list[ElementVersion]
) -> bool:
    """Whether the report shows locations marked confidential: to the business and the
    operator, and to regulators who may see them (`submittal_view.sees_confidential`)."""
    if actor is None or actor.portal != Portal.REGULATOR:
        return True
    return all(
        submittal_view.sees_confidential(session, actor, v) for v in versions if v.element == HMI
    )


def _inventory_file(
    session: Session,
    facility: Facility,
    version: ElementVersion,
    chosen: InventoryFilter,
    public: bool,
    actor: Actor | None = None,
) -> tuple[str, bytes]:
    content = inventory_pdf(
        facility.name,
        facility.cers_id,
        _rows(session, version),
        chosen,
        public=public,
        confidential_locations=_shows_confidential(session, actor, [version]),
    )
    suffix = "-public" if public else ""
    return f"CERS-{facility.cers_id}-inventory-{version.id}{suffix}.pdf", content


def _checked(chosen: InventoryFilter, public: bool) -> InventoryFilter:
    problems = chosen.problems()
    if problems:
        raise ValidationFailed(problems)
    if public and chosen.location.strip():
        # Choosing materials by a location the public copy withholds would reveal it.
        raise ValidationFailed({"location": "A public copy cannot be chosen by location."})
    return chosen


def inventory_report(
    session: Session,
    actor: Actor,
    facility_id: object,
    version_id: object = None,
    chosen: InventoryFilter | None = None,
    *,
    public: bool = False,
) -> tuple[str, bytes]:
    """The inventory report of one inventory version of the facility (default: the
    business's draft, else the last submitted version), filtered as `chosen` says."""
    chosen = _checked(chosen or InventoryFilter(), public)
    with transaction(session):
        facility = reachable_facility(session, actor, facility_id)
        version = _inventory_version(session, actor, facility, version_id)
        return _inventory_file(session, facility, version, chosen, public, actor)


def _submittal(
    session: Session, actor: Actor | None, facility: Facility, submittal_id: object
) -> tuple[Submittal, list[ElementVersion]]:
    """The submittal (default: the facility's latest the actor sees) and its versions the
    actor sees."""
    query = select(Submittal).where(Submittal.facility_id == facility.id)
    if submittal_id is not None:
        if not is_id(submittal_id):
            raise NotFound(SUBMITTAL_NOT_FOUND)
        query = query.where(Submittal.id == submittal_id)
    query = query.order_by(col(Submittal.submitted_at).desc(), col(Submittal.id).desc())
    visible = _visible(session, actor)
    for submittal in session.exec(query):
        versions = list(
            session.exec(
                select(ElementVersion).where(ElementVersion.submittal_id == submittal.id, visible)
            )
        )
        if versions:
            return submittal, versions
    raise NotFound(SUBMITTAL_NOT_FOUND if submittal_id is not None else NO_SUBMITTAL)


def _packet_file(
    session: Session, actor: Actor | None, facility: Facility, submittal_id: object, public: bool
) -> tuple[str, bytes]:
    submittal, versions = _submittal(session, actor, facility, submittal_id)
    content = build_packet(
        session,
        facility,
        submittal,
        versions,
        public=public,
        confidential_locations=_shows_confidential(session, actor, versions),
    )
    suffix = "-public" if public else ""
    return f"CERS-{facility.cers_id}-submittal-{submittal.id}{suffix}.pdf", content


def submittal_packet(
    session: Session,
    actor: Actor,
    facility_id: object,
    submittal_id: object = None,
    *,
    public: bool = False,
) -> tuple[str, bytes]:
    """The packet of one submittal of the facility (default: its latest)."""
    with transaction(session):
        facility = reachable_facility(session, actor, facility_id)
        return _packet_file(session, actor, facility, submittal_id, public)


def public_copy(
    session: Session, actor: Actor, facility_id: object, submittal_id: object = None
) -> tuple[str, bytes]:
    """The packet with chemical locations, trade secrets and the site map withheld."""
    return submittal_packet(session, actor, facility_id, submittal_id, public=True)


def _by_cers_id(session: Session, cers_id: int) -> Facility:
    facility = session.exec(select(Facility).where(Facility.cers_id == cers_id)).first()
    if facility is None or facility.status != FacilityStatus.ACTIVE:
        raise NotFound(NO_FACILITY.format(cers_id=cers_id))
    return facility


def inventory_by_cers_id(session: Session, cers_id: int, *, public: bool = False):
    """The operator's inventory report: the last submitted inventory, else the draft."""
    with transaction(session):
        facility = _by_cers_id(session, cers_id)
        version = _latest_inventory(session, None, facility)
        return _inventory_file(session, facility, version, InventoryFilter(), public)


def packet_by_cers_id(session: Session, cers_id: int, *, public: bool = False):
    """The operator's packet of the facility's latest submittal."""
    with transaction(session):
        facility = _by_cers_id(session, cers_id)
        return _packet_file(session, None, facility, None, public)
