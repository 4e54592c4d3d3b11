"""The Emergency Responder's read-only view: the facilities in their agency's reach, and one
facility as a responder needs it on the way to an incident.

Everything loads through `regulator.scope` with the RESPOND right (the Emergency Responder
role holds only that one), so an id of another agency's facility is "not found" and a portal
role without RESPOND is refused. Only submitted versions are read, never a business's draft.
The responder sees every chemical location, including the ones a business marked
confidential (EPCRA); those are flagged so the page can say so. Nothing here changes data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from cers_app.core import clock
from cers_app.core.codes import FACILITY_INFORMATION, county_label, status_label
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.paging import Page
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion
from cers_app.inventory.fields import HEALTH_HAZARDS, LEGACY_HAZARDS, PHYSICAL_HAZARDS
from cers_app.inventory.listing import ItemQuery, check_query, page_of
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.models import Organization
from cers_app.regulator import facility_search, scope
from cers_app.regulator.facility_search import FacilitySearchRow, address_line
from cers_app.regulator.scope import Right
from cers_app.regulator.submittal_view import HMI, NO_INVENTORY, SITE_MAP, is_confidential
from cers_app.submittals import documents

HAZARD_LABELS = {tag: label for tag, _, label in LEGACY_HAZARDS + PHYSICAL_HAZARDS + HEALTH_HAZARDS}
# The Owner/Operator fields a responder calls: (group title, name field, phone fields)
CONTACTS = (
    ("Business", "", ("Phone",)),
    ("Operator", "OperatorName", ("OperatorPhone",)),
    ("Owner", "OwnerName", ("OwnerPhone",)),
    ("Primary emergency contact", "PECName", ("PEC24HrPhone", "PECBusinessPhone", "PECPager")),
    ("Secondary emergency contact", "SECName", ("SEC24HrPhone", "SECBusinessPhone", "SECPager")),
    ("Environmental contact", "EContactName", ("EContactPhone",)),
)
PHONE_LABELS = {
    "Phone": "business",
    "OperatorPhone": "phone",
    "OwnerPhone": "phone",
    "PEC24HrPhone": "24-hour",
    "PECBusinessPhone": "business",
    "PECPager": "pager",
    "SEC24HrPhone": "24-hour",
    "SECBusinessPhone": "business",
    "SECPager": "pager",
    "EContactPhone": "phone",
}
TITLES = {"PECName": "PECTitle", "SECName": "SECTitle"}


@dataclass(frozen=True)
class Contact:
    role: str  # "Primary emergency contact", ...
    name: str
    phones: str  # "24-hour (530) 555-0101 · business (530) 555-0100"


@dataclass(frozen=True)
class SiteMapFile:
    id: int
    name: str
    title: str
    kind_label: str
    size: int


@dataclass(frozen=True)
class ResponderFacility:
    id: int
    cers_id: int
    name: str
    address: str
    county: str
    business: str
    contacts: tuple[Contact, ...]
    contacts_from: str  # when the Facility Information they come from was submitted, or ""
    inventory_version_id: int | None  # the latest submitted inventory, None when none
    inventory_status: str
    inventory_submitted: str
    inventory_rows: int
    site_maps: tuple[SiteMapFile, ...]


@dataclass(frozen=True)
class ResponderItem:
    id: int
    name: str
    cas: str
    location: str
    confidential: bool
    hazards: str  # "Flammable, Acute toxicity (any route of exposure)"
    amount: str  # maximum daily amount and unit
    physical_state: str
    ehs: bool


@dataclass(frozen=True)
class ResponderItemPage:
    rows: list[ResponderItem]
    total: int
    page: int
    pages: int


def search(
    session: Session, actor: Actor, text: object, page: int = 1, page_size: int = 25
) -> Page[FacilitySearchRow]:
    """One page of the facilities in the responder's reach matching `text` (name, CERS ID,
    Facility ID, address or business)."""
    return facility_search.search_facilities(
        session, actor, text, page, page_size, right=Right.RESPOND
    )


def _latest(session: Session, actor: Actor, facility_id: int, element: int):
    reach = scope.reach_of(session, actor, Right.RESPOND)
    return session.exec(
        select(ElementVersion)
        .where(
            ElementVersion.facility_id == facility_id,
            ElementVersion.element == element,
            scope.version_clause(reach),
        )
        .order_by(col(ElementVersion.submitted_at).desc(), col(ElementVersion.id).desc())
    ).first()


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def contacts_of(data: dict[str, Any] | None) -> tuple[Contact, ...]:
    """The names and phone numbers of a Facility Information version's Owner/Operator form."""
    owner = (data or {}).get("owner_operator") or {}
    found = []
    for role, name_key, phone_keys in CONTACTS:
        name = _text(owner.get(name_key)) if name_key else ""
        title = _text(owner.get(TITLES.get(name_key, "")))
        phones = " · ".join(
            f"{PHONE_LABELS[key]} {_text(owner.get(key))}"
            for key in phone_keys
            if _text(owner.get(key))
        )
        if name or phones:
            shown = f"{name}, {title}" if name and title else name
            found.append(Contact(role, shown, phones))
    return tuple(found)


def _site_maps(session: Session, version: ElementVersion | None) -> tuple[SiteMapFile, ...]:
    if version is None:
        return ()
    return tuple(
        SiteMapFile(f.id, f.original_name, f.title, f.kind_label, f.size)
        for view in documents.slot_views(session, version)
        if view.code == SITE_MAP
        for f in view.files
    )


def _count(session: Session, version: ElementVersion | None) -> int:
    if version is None:
        return 0
    return len(
        session.exec(
            select(InventoryItem.id).where(InventoryItem.element_version_id == version.id)
        ).all()
    )


def facility_view(session: Session, actor: Actor, facility_id: object) -> ResponderFacility:
    """The facility as its Emergency Responder sees it: where it is, whom to call, the
    latest submitted inventory and its site map (RESPOND right)."""
    with transaction(session):
        facility = scope.load_facility(session, actor, facility_id, Right.RESPOND)
        assert facility.id is not None
        business = session.get(Organization, facility.organization_id)
        information = _latest(session, actor, facility.id, FACILITY_INFORMATION)
        inventory = _latest(session, actor, facility.id, HMI)
        return ResponderFacility(
            id=facility.id,
            cers_id=facility.cers_id,
            name=facility.name,
            address=address_line(facility),
            county=county_label(facility.county),
            business=business.name if business else "",
            contacts=contacts_of(information.data if information else None),
            contacts_from=clock.format_local(information.submitted_at) if information else "",
            inventory_version_id=inventory.id if inventory else None,
            inventory_status=status_label(inventory.status) if inventory else "",
            inventory_submitted=clock.format_local(inventory.submitted_at) if inventory else "",
            inventory_rows=_count(session, inventory),
            site_maps=_site_maps(session, inventory),
        )


def inventory_page(
    session: Session, actor: Actor, version_id: object, query: ItemQuery
) -> ResponderItemPage:
    """One page of a submitted inventory in the responder's reach, every location shown
    (confidential ones flagged), with hazard categories; sorted and filtered in SQL."""
    problems = check_query(query)
    with transaction(session):
        version = scope.load_version(session, actor, version_id, Right.RESPOND)
        if version.element != HMI:
            raise NotFound(NO_INVENTORY)
        if problems:
            raise ValidationFailed(problems)
        found = page_of(session, version.id or 0, query)
        ids = [row.id for row in found.rows]
        extra = {
            item_id: (hazards, data)
            for item_id, hazards, data in session.exec(
                select(InventoryItem.id, InventoryItem.hazards, InventoryItem.data).where(
                    col(InventoryItem.id).in_(ids or [0])
                )
            ).all()
        }
        rows = []
        for row in found.rows:
            hazards, data = extra.get(row.id, ("", {}))
            tags = [tag for tag in hazards.split(";") if tag]
            rows.append(
                ResponderItem(
                    id=row.id,
                    name=row.common_name or row.chemical_name or "(no name)",
                    cas=row.cas,
                    location=row.location,
                    confidential=is_confidential(data),
                    hazards=", ".join(HAZARD_LABELS.get(tag, tag) for tag in tags),
                    amount=row.amount,
                    physical_state=row.physical_state,
                    ehs=row.ehs,
                )
            )
        return ResponderItemPage(rows=rows, total=found.total, page=found.page, pages=found.pages)
