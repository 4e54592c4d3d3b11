"""Hazardous Materials Inventory tables: rows, their stored findings, agency settings.

A row belongs to one element version of element 2 (Hazardous Materials Inventory). Every
field's value is kept in `data` (XML tag -> CERS code or plain number, empty ones left out);
the fields the inventory list filters and sorts on are copied into typed columns so that
paging, sorting and filtering run in SQL. Findings are derived: recomputed on every save, by
"Validate My Inventory" and when the agency's settings change.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cers_app.core.db import UTCDateTime

NO_FINDINGS_RANK = 4  # worst_rank of a row without findings (1 required ... 3 advisory)


class InventoryItem(SQLModel, table=True):
    """One material of one inventory version (a "Chemical Description" record)."""

    __tablename__ = "inventory_item"
    __table_args__ = (
        sa.Index("ix_inventory_item_version_material", "element_version_id", "material_key"),
        sa.Index("ix_inventory_item_version_rank", "element_version_id", "worst_rank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    element_version_id: int = Field(
        foreign_key="element_version.id", ondelete="RESTRICT", index=True
    )
    # The library entry the row was started from; the library may drop or merge entries.
    chemical_id: int | None = Field(default=None, foreign_key="chemical.id", ondelete="SET NULL")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    common_name: str = Field(default="", max_length=500)
    chemical_name: str = Field(default="", max_length=500)
    cas: str = Field(default="", max_length=15)
    location: str = Field(default="", max_length=140)
    ehs: bool = False
    physical_state: str = Field(default="", max_length=1)
    units: str = Field(default="", max_length=1)
    max_daily: float | None = None
    hazards: str = Field(default="", max_length=1200)  # ";Tag;Tag;" of hazard flags set to Y
    material_key: str = Field(default="", max_length=520)  # CAS, else the normalised name
    special: str = Field(default="", max_length=20)  # thresholds.classify()
    reportable: str = Field(default="", max_length=600)
    worst_rank: int = NO_FINDINGS_RANK
    finding_count: int = 0
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    version: int = 1


class InventoryFinding(SQLModel, table=True):
    """One finding of one row, stored so the list can filter by level in SQL."""

    __tablename__ = "inventory_finding"
    __table_args__ = (
        sa.Index("ix_inventory_finding_version_level", "element_version_id", "level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="inventory_item.id", ondelete="CASCADE", index=True)
    element_version_id: int = Field(foreign_key="element_version.id", ondelete="RESTRICT")
    position: int = 0  # order within the row (catalogue order)
    code: str = Field(max_length=30)
    level: str = Field(max_length=10)
    fields: str = Field(max_length=2000)  # XML tags separated by spaces
    message: str = Field(max_length=600)


class InventorySettings(SQLModel, table=True):
    """An agency's inventory settings: the levels of three rules and lower local thresholds.

    A participating agency without a row of its own uses its CUPA's; with neither, the
    defaults of `rules.DEFAULT_SETTINGS` and the state thresholds apply.
    """

    __tablename__ = "inventory_settings"

    agency_id: int = Field(
        foreign_key="agency.id",
        ondelete="RESTRICT",
        primary_key=True,
        sa_column_kwargs={"autoincrement": False},
    )
    location_level: str = Field(default="required", max_length=10)
    container_level: str = Field(default="required", max_length=10)
    gas_gallons_level: str = Field(default="warning", max_length=10)
    local_liquid_gal: float | None = None  # lower than 55 gal
    local_solid_lb: float | None = None  # lower than 500 lb
    local_gas_ft3: float | None = None  # lower than 200 ft³
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    version: int = 1
