"""Inventory spreadsheet imports: the job, its problems and the rows it stages.

A job reads an uploaded file in the background (status queued -> reading -> ready or
refused), staging every problem and every row it would import in small batches, and is
confirmed in one short transaction (ready -> importing -> imported). A worker holds the job
through a lease (`lease_owner`, `lease_until`) that it renews while reading; a lease that
expired (the worker was killed) lets another worker claim the job again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cers_app.core.db import UTCDateTime


class InventoryImport(SQLModel, table=True):
    """One upload of an inventory spreadsheet into a facility's inventory draft."""

    __tablename__ = "inventory_import"
    __table_args__ = (sa.Index("ix_inventory_import_facility_created", "facility_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT")
    element_version_id: int = Field(foreign_key="element_version.id", ondelete="RESTRICT")
    user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="RESTRICT")
    # None for imports run from the command line straight from a file.
    stored_file_id: int | None = Field(
        default=None, foreign_key="stored_file.id", ondelete="SET NULL"
    )
    file_name: str = Field(default="", max_length=255)
    mode: str = Field(max_length=10)  # append | replace | merge
    valid_rows_only: bool = False
    status: str = Field(default="queued", max_length=10, index=True)
    done: int = 0  # rows read so far (progress)
    total: int = 0  # rows to read (progress)
    rows: int = 0  # data rows in the file
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    problem_count: int = 0
    message: str = Field(default="", max_length=1000)
    lease_owner: str = Field(default="", max_length=80)
    lease_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1


class InventoryImportProblem(SQLModel, table=True):
    """One problem found in the file: where it is and how to fix it."""

    __tablename__ = "inventory_import_problem"
    __table_args__ = (
        sa.Index("ix_inventory_import_problem_import_position", "import_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="inventory_import.id", ondelete="CASCADE")
    position: int = 0  # order of the report (sheet order)
    row: int = 0  # the spreadsheet's own 1-based row number; 0 for the whole file
    column: str = Field(default="", max_length=4)  # "A", "AB"; "" for none
    heading: str = Field(default="", max_length=255)
    code: str = Field(default="", max_length=40)
    message: str = Field(default="", max_length=1000)


class InventoryImportRow(SQLModel, table=True):
    """One row of the file that would be imported: its cleaned values and what it does."""

    __tablename__ = "inventory_import_row"
    __table_args__ = (
        sa.Index("ix_inventory_import_row_import_action", "import_id", "action", "sheet_row"),
    )

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="inventory_import.id", ondelete="CASCADE")
    sheet_row: int = 0
    action: str = Field(max_length=10)  # add | update | unchanged (as planned when read)
    # The draft row a Merge matched when the file was read (matches are checked again on
    # confirming); no foreign key: that row may be deleted meanwhile.
    target_item_id: int | None = None
    # The values of the columns the file has (stored codes), blanks included: a list in the
    # fields' order (import_plan.staged_values; rows staged by earlier versions: a dict).
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
