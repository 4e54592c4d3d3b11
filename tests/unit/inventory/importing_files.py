"""Spreadsheets built in the tests and helpers that upload them through the real services."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from pathlib import Path

import sqlalchemy as sa

from cers_app.core import db, storage
from cers_app.inventory import findings, importing, sheet_write
from cers_app.inventory.models import InventoryItem
from cers_app.inventory.service import HMI
from cers_app.inventory.sheet_columns import COLUMNS
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person


def cers_id(facility_id: int) -> str:
    return str(yolo.facility(facility_id).cers_id)


def workbook(
    folder: Path, facility_id: int, rows: Iterable[Mapping[str, str]], name: str = "inv.xlsx"
) -> Path:
    """An xlsx in the template's layout holding `rows` (stored values)."""
    path = folder / name
    sheet_write.inventory_workbook(path, cers_id(facility_id), rows)
    return path


def csv_file(folder: Path, headings: list[str], rows: Iterable[list[str]], name: str) -> Path:
    """A csv file with a header row (`headings`, CERSID first) and the given rows."""
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(headings)
        writer.writerows(rows)
    return path


def csv_of(
    folder: Path, facility_id: int, rows: Iterable[Mapping[str, str]], name: str = "inv.csv"
) -> Path:
    """A csv with every template column, one line per row of stored values."""
    the_id = cers_id(facility_id)
    headings = [column.heading for column in COLUMNS]
    lines = (
        [the_id if column.tag == "CERSID" else row.get(column.tag, "") for column in COLUMNS]
        for row in rows
    )
    return csv_file(folder, headings, lines, name)


def store(person: Person, path: Path) -> int:
    stored = db.run(storage.store_path, person.id, path.name, path)
    assert stored.id is not None
    return stored.id


def upload(
    person: Person,
    facility_id: int,
    path: Path,
    mode: str,
    *,
    valid_rows_only: bool = False,
) -> importing.ImportView:
    """Upload `path` and read it (the background job, run here): the job's view."""
    created = db.run(
        importing.create_import,
        person.actor(),
        facility_id,
        store(person, path),
        mode,
        valid_rows_only,
    )
    assert created.status == importing.QUEUED
    assert importing.run_import(created.id)
    return view(person, facility_id, created.id)


def view(person: Person, facility_id: int, import_id: int) -> importing.ImportView:
    return db.run(importing.import_view, person.actor(), facility_id, import_id)


def confirm(person: Person, facility_id: int, import_id: int) -> importing.ImportView:
    return db.run(importing.confirm_import, person.actor(), facility_id, import_id)


def draft_id(facility_id: int) -> int:
    version_id = yolo.elements(facility_id)[HMI].draft_version_id
    assert version_id is not None
    return version_id


def draft_items(facility_id: int) -> list[InventoryItem]:
    """The draft's rows in id order."""
    version_id = draft_id(facility_id)
    with db.new_session() as session:
        return list(
            session.scalars(
                sa.select(InventoryItem)
                .where(InventoryItem.element_version_id == version_id)
                .order_by(InventoryItem.id)
            )
        )


def contents(facility_id: int) -> list[dict[str, str]]:
    """Every field of every draft row, in id order."""
    return [findings.full(item.data) for item in draft_items(facility_id)]


def names(facility_id: int) -> list[str]:
    return [item.common_name for item in draft_items(facility_id)]
