"""An agency's inventory settings: the levels of three rules and its lower local thresholds.

Any regulator of the agency may read them; only its Agency Admins change them. A change
re-validates every inventory draft the agency regulates (and those of its participating
agencies that have no settings of their own), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import Session, col, select

from cers_app.agencies.models import Agency, AgencyMember, RegulatorRole
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.permissions import Actor, Permission
from cers_app.facilities.models import ElementVersion, FacilityElement
from cers_app.facilities.service import is_id
from cers_app.inventory import findings
from cers_app.inventory.codes import CUBIC_FEET, GALLONS, GAS, LIQUID, POUNDS, SOLID
from cers_app.inventory.models import InventorySettings
from cers_app.inventory.rules import DEFAULT_SETTINGS, LEVEL_LABELS, LEVELS
from cers_app.inventory.thresholds import BASE_THRESHOLDS
from cers_app.inventory.units import abbreviation
from cers_app.inventory.values import grouped, parse_number, plain

HMI = 2
NOT_FOUND = "That agency was not found among yours."
STALE = "The settings were changed by someone else meanwhile. Reload them and try again."
LEVEL_KEYS = ("location_level", "container_level", "gas_gallons_level")
THRESHOLD_KEYS = {
    "local_liquid_gal": (LIQUID, GALLONS),
    "local_solid_lb": (SOLID, POUNDS),
    "local_gas_ft3": (GAS, CUBIC_FEET),
}
_WHAT = {
    "location_level": "a missing chemical location",
    "container_level": "a missing storage container",
    "gas_gallons_level": "a gas reported in gallons",
}


@dataclass(frozen=True)
class SettingsView:
    agency_id: int
    agency_name: str
    values: dict[str, str]  # the level keys and the local threshold keys
    inherited_from: str  # "" when the agency has its own settings
    version: int | None  # None until the agency saves settings of its own
    can_edit: bool


def _agency(session: Session, actor: Actor, agency_id: object) -> tuple[Agency, str]:
    """The agency and the actor's role in it; NotFound for anyone not on its staff."""
    if not actor.can(Permission.REGULATOR_PORTAL) or not is_id(agency_id):
        raise NotFound(NOT_FOUND)
    role = session.exec(
        select(AgencyMember.role).where(
            AgencyMember.agency_id == agency_id,
            AgencyMember.user_id == actor.user_id,
            col(AgencyMember.active).is_(True),
        )
    ).first()
    agency = session.get(Agency, agency_id)
    if role is None or agency is None:
        raise NotFound(NOT_FOUND)
    return agency, role


def _number(value: float | None) -> str:
    return plain(Decimal(str(value))) if value is not None else ""


def _view(session: Session, agency: Agency, role: str) -> SettingsView:
    assert agency.id is not None
    own = session.get(InventorySettings, agency.id)
    inherited_from = ""
    shown = own
    if own is None:
        parent = session.get(Agency, agency.parent_agency_id) if agency.parent_agency_id else None
        shown = session.get(InventorySettings, parent.id) if parent else None
        inherited_from = parent.name if shown is not None and parent else "the state defaults"
    values = {
        "location_level": shown.location_level if shown else DEFAULT_SETTINGS.location_level,
        "container_level": shown.container_level if shown else DEFAULT_SETTINGS.container_level,
        "gas_gallons_level": (
            shown.gas_gallons_level if shown else DEFAULT_SETTINGS.gas_gallons_level
        ),
        "local_liquid_gal": _number(shown.local_liquid_gal) if shown else "",
        "local_solid_lb": _number(shown.local_solid_lb) if shown else "",
        "local_gas_ft3": _number(shown.local_gas_ft3) if shown else "",
    }
    return SettingsView(
        agency_id=agency.id,
        agency_name=agency.name,
        values=values,
        inherited_from=inherited_from,
        version=own.version if own else None,
        can_edit=role == RegulatorRole.ADMIN,
    )


def inventory_settings(session: Session, actor: Actor, agency_id: object) -> SettingsView:
    """The inventory settings that apply to the agency's facilities."""
    agency, role = _agency(session, actor, agency_id)
    return _view(session, agency, role)


def _check(given: dict[str, str]) -> tuple[dict[str, object], dict[str, str]]:
    checked: dict[str, object] = {}
    errors: dict[str, str] = {}
    for key in LEVEL_KEYS:
        level = str(given.get(key, "")).strip().lower()
        if level not in LEVELS:
            errors[key] = f"Choose the level of {_WHAT[key]}: Required, Warning or Advisory."
        checked[key] = level
    for key, (state, unit) in THRESHOLD_KEYS.items():
        text = str(given.get(key, "")).strip()
        if not text:
            checked[key] = None
            continue
        number = parse_number(text)
        base, _ = BASE_THRESHOLDS[state]
        shown = f"{grouped(base)} {abbreviation(unit)}"
        if number is None or not 0 < number < base:
            errors[key] = f"A local threshold is a number above 0 and below the state's {shown}."
            continue
        checked[key] = float(number)
    return checked, errors


def save_inventory_settings(
    session: Session,
    actor: Actor,
    agency_id: object,
    given: dict[str, str],
    version: int | None,
) -> SettingsView:
    """Save the agency's settings (Agency Admins only) and re-validate the inventory drafts
    they apply to. `version` is that of the settings shown (None when they were inherited).
    """
    checked, errors = _check(given if isinstance(given, dict) else {})
    with transaction(session):
        agency, role = _agency(session, actor, agency_id)
        if role != RegulatorRole.ADMIN:
            raise PermissionDenied("Only an Agency Admin can change the inventory settings.")
        if errors:
            raise ValidationFailed(errors)
        assert agency.id is not None
        stored = session.get(InventorySettings, agency.id)
        if (stored.version if stored else None) != version:
            raise Conflict(STALE)
        before = _view(session, agency, role).values
        if stored is None:
            stored = InventorySettings(agency_id=agency.id, updated_at=clock.now(), version=0)
        for key, value in checked.items():
            setattr(stored, key, value)
        stored.version += 1
        stored.updated_at = clock.now()
        stored.updated_by_user_id = actor.user_id
        session.add(stored)
        session.flush()
        after = _view(session, agency, role).values
        changed_before, changed_after = audit.changed_fields(before, after)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.INVENTORY_SETTINGS_CHANGED,
            subject_type="agency",
            subject_id=agency.id,
            agency_id=agency.id,
            before=changed_before,
            after=changed_after,
            client_ip=actor.client_ip,
        )
        _revalidate_drafts(session, agency.id)
        return _view(session, agency, role)


def _revalidate_drafts(session: Session, agency_id: int) -> None:
    """Re-validate the inventory drafts whose settings come from this agency."""
    children = session.exec(select(Agency.id).where(Agency.parent_agency_id == agency_id)).all()
    inheriting = [
        child
        for child in children
        if child is not None and session.get(InventorySettings, child) is None
    ]
    drafts = session.exec(
        select(FacilityElement.agency_id, ElementVersion.id)
        .join(ElementVersion, ElementVersion.id == FacilityElement.draft_version_id)
        .where(
            FacilityElement.element == HMI,
            col(FacilityElement.agency_id).in_([agency_id, *inheriting]),
            ElementVersion.status == DRAFT,
        )
    ).all()
    for slot_agency_id, version_id in drafts:
        settings, local = findings.settings_for(session, slot_agency_id)
        findings.recompute_version(session, version_id or 0, settings, local)


def level_choices() -> tuple[tuple[str, str], ...]:
    """(level, label) pairs for the settings form."""
    return tuple((level, LEVEL_LABELS[level]) for level in LEVELS)
