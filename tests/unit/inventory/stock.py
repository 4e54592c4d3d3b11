"""Inventory rows for the tests, and helpers that add them through the real services.

`row(...)` is a complete, valid row (no findings under the default settings) that a test
changes only where it matters; the named rows are the materials of a small fuel yard.
"""

from __future__ import annotations

import secrets

from cers_app.core import db
from cers_app.inventory import service
from tests.unit.organizations.world import Person

BASE = {
    "CommonName": "Diesel Fuel",
    "ChemicalName": "",
    "CASNumber": "68476-34-6",
    "EHS": "N",
    "PhysicalState": "b",
    "HMType": "b",
    "MaximumDailyAmount": "1000",
    "AverageDailyAmount": "600",
    "LargestContainer": "1000",
    "Units": "a",
    "DaysOnSite": "365",
    "ChemicalLocation": "Fuel island",
    "SCAboveGroundTank": "Y",
    "StoragePressure": "a",
    "StorageTemperature": "a",
    "FHCPhysicalFlammable": "Y",
    "FHCHealthAspirationHazard": "Y",
    "PFCodeHazardClass": "2",
}


def row(**changes: str) -> dict[str, str]:
    """A complete valid row with `changes` applied ("" clears a field)."""
    return {**BASE, **changes}


MOTOR_OIL = row(
    CommonName="Motor Oil",
    CASNumber="",
    MaximumDailyAmount="110",
    AverageDailyAmount="80",
    LargestContainer="55",
    ChemicalLocation="Maintenance shop",
    SCAboveGroundTank="",
    PFCodeHazardClass="4",
    FHCPhysicalFlammable="",
)
NITROGEN = row(
    CommonName="Nitrogen",
    CASNumber="7727-37-9",
    HMType="a",
    PhysicalState="c",
    MaximumDailyAmount="60",
    AverageDailyAmount="40",
    LargestContainer="10",
    Units="a",
    ChemicalLocation="Welding bay",
    SCAboveGroundTank="",
    SCCylinder="Y",
    StoragePressure="b",
    FHCPhysicalFlammable="",
    FHCHealthAspirationHazard="",
    FHCPhysicalGasUnderPressure="Y",
    FHCHealthSimpleAsphyxiant="Y",
    PFCodeHazardClass="",
)
GASOLINE = row(
    CommonName="Gasoline",
    CASNumber="86290-81-5",
    MaximumDailyAmount="12000",
    AverageDailyAmount="8000",
    LargestContainer="12000",
    PFCodeHazardClass="10",
    FHCHealthCarcinogenicity="Y",
)
SULFURIC_ACID = row(
    CommonName="Sulfuric Acid",
    ChemicalName="Sulfuric acid",
    CASNumber="7664-93-9",
    EHS="Y",
    HMType="a",
    Units="c",
    MaximumDailyAmount="1200",
    AverageDailyAmount="900",
    LargestContainer="400",
    ChemicalLocation="Battery room",
    SCAboveGroundTank="",
    SCPlasticNonMetallicDrum="Y",
    FHCPhysicalFlammable="",
    FHCHealthAspirationHazard="",
    FHCPhysicalCorrosiveToMetal="Y",
    FHCHealthSkinCorrosionIrritation="Y",
    PFCodeHazardClass="5",
)


def new_key() -> str:
    return secrets.token_urlsafe(16)


def add(person: Person, facility_id: int, values: dict[str, str], **kwargs):
    """Add a row as `person` (a fresh idempotency key); returns (form, errors)."""
    kwargs.setdefault("idempotency_key", new_key())
    return db.run(service.save_item, person.actor(), facility_id, None, values, None, **kwargs)


def added(person: Person, facility_id: int, values: dict[str, str], **kwargs) -> int:
    """Add a row that must be storable; returns its id."""
    form, errors = add(person, facility_id, values, **kwargs)
    assert errors == {}, errors
    assert form.id is not None
    return form.id


def edit(person: Person, facility_id: int, item_id: int, changes: dict[str, str]):
    """Change a row at its current version; returns (form, errors)."""
    current = db.run(service.get_item, person.actor(), facility_id, item_id)
    return db.run(
        service.save_item,
        person.actor(),
        facility_id,
        item_id,
        {**current.values, **changes},
        current.version,
    )


def page(person: Person, facility_id: int, **query):
    return db.run(service.list_items, person.actor(), facility_id, service.ItemQuery(**query))


def names(person: Person, facility_id: int, **query) -> list[str]:
    return [r.common_name for r in page(person, facility_id, **query).rows]
