"""The demo inventory of Acme Plating - Woodland Plant, brought in the way most businesses
bring theirs: a spreadsheet in the template layout, uploaded and imported.

`seed(actor, cers_id, facility_id)` writes the workbook and imports it through the import
job, once: a draft that already has rows is left alone. The finished import stays on the
facility's Upload Inventory page.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from cers_app.core import db
from cers_app.core.permissions import Actor
from cers_app.inventory import importing, service, sheet_write
from cers_app.inventory.demo_rows import (
    ACUTE,
    ASPHYXIANT,
    CARCINOGEN,
    CORROSIVE_METAL,
    EYE,
    GAS_PRESSURE,
    OXIDIZER,
    SKIN,
    material,
)

PLATING_LINE = "Plating line (building A)"
ACID_ROOM = "Acid storage room"
CYANIDE_ROOM = "Cyanide storage room"
CYLINDERS = "Gas cylinder rack"
WASTE = "Hazardous waste storage area"
GAL, FT3, LB = "a", "b", "c"
SOLID, LIQUID, GAS = "a", "b", "c"
CORROSIVE = (CORROSIVE_METAL, SKIN, EYE)
FILE_NAME = "Acme_Woodland_inventory.xlsx"

ROWS: tuple[dict[str, str], ...] = (
    material(
        "Sulfuric acid 93%",
        ACID_ROOM,
        LIQUID,
        "330",
        GAL,
        ("tote",),
        CORROSIVE,
        ("5",),
        cas="7664-93-9",
        ehs="Y",
        kind="a",
        average="220",
        largest="275",
        DOTHazardClassificationID="8",
    ),
    material(
        "Sulfuric acid 93%",
        PLATING_LINE,
        LIQUID,
        "60",
        GAL,
        ("tank",),
        CORROSIVE,
        ("5",),
        cas="7664-93-9",
        ehs="Y",
        kind="a",
        average="55",
    ),
    material(
        "Hydrochloric acid 31%",
        ACID_ROOM,
        LIQUID,
        "110",
        GAL,
        ("poly",),
        CORROSIVE,
        ("5",),
        cas="7647-01-0",
        average="80",
        largest="55",
        DOTHazardClassificationID="8",
    ),
    material(
        "Nitric acid 70%",
        ACID_ROOM,
        LIQUID,
        "55",
        GAL,
        ("poly",),
        (OXIDIZER, *CORROSIVE, ACUTE),
        ("5", "17"),
        cas="7697-37-2",
        ehs="Y",
        average="40",
        DOTHazardClassificationID="8",
    ),
    material(
        "Sodium hydroxide 50%",
        ACID_ROOM,
        LIQUID,
        "275",
        GAL,
        ("tote",),
        CORROSIVE,
        ("5",),
        cas="1310-73-2",
        average="200",
        DOTHazardClassificationID="8",
    ),
    material(
        "Nickel sulfate plating solution",
        PLATING_LINE,
        LIQUID,
        "800",
        GAL,
        ("tank",),
        (CARCINOGEN, SKIN, EYE),
        ("1",),
        average="800",
        HC1PercentByWeight="25",
        HC1Name="Nickel sulfate hexahydrate",
        HC1CAS="10101-97-0",
    ),
    material(
        "Sodium cyanide",
        CYANIDE_ROOM,
        SOLID,
        "200",
        LB,
        ("drum",),
        (ACUTE,),
        ("13",),
        cas="143-33-9",
        ehs="Y",
        kind="a",
        average="100",
        largest="100",
        DOTHazardClassificationID="6.1",
    ),
    material(
        "Nitrogen",
        CYLINDERS,
        GAS,
        "1200",
        FT3,
        ("cylinder",),
        (GAS_PRESSURE, ASPHYXIANT),
        cas="7727-37-9",
        kind="a",
        average="900",
        largest="300",
        pressure="b",
        DOTHazardClassificationID="2.2",
    ),
    material(
        "Spent acid waste",
        WASTE,
        LIQUID,
        "110",
        GAL,
        ("poly",),
        CORROSIVE,
        ("5",),
        kind="c",
        average="55",
        largest="55",
        DaysOnSite="90",
        StateWasteCode="791",
        AnnualWasteAmount="1200",
        DOTHazardClassificationID="8",
    ),
)


def seed(actor: Actor, cers_id: int, facility_id: int) -> int:
    """Start the facility's inventory draft and import the demo workbook into it, unless it
    has rows already; returns how many rows the inventory has."""
    header = db.run(service.start_draft, actor, facility_id)
    if header.row_count:
        return header.row_count
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / FILE_NAME
        sheet_write.inventory_workbook(path, str(cers_id), ROWS)
        report = importing.import_file(actor, cers_id, path, "append")
    assert report.imported, report.problems
    return db.run(service.inventory, actor, facility_id).row_count
