"""The columns of the inventory spreadsheet (CERS "HazMat Inventory" upload template).

The order is the post-GHS CERS template's (CERSID first, DOT class last; cers-domain.md
§2.2). That template abbreviates some GHS headings (`FHCPhysContWaterEmitsFlamGas`) and the
DOT column (`DOTHazClassID`); CERS 2 used the XML tag names. We write the template's spelling
and accept either, plus our own field labels, ignoring case, spaces and underscores.
"""

from __future__ import annotations

from dataclasses import dataclass

from cers_app.inventory import fields
from cers_app.inventory.fields import FIELD_BY_TAG

CERSID = "CERSID"


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the field `tag` it fills ("CERSID" for the facility's CERS
    ID), the `heading` our workbooks write, and other accepted spellings of it."""

    tag: str
    heading: str
    aliases: tuple[str, ...] = ()


# Headings of the CERS template that differ from the XML tag names.
_ABBREVIATED = {
    "FHCPhysicalContactWaterEmitsFlammableGas": "FHCPhysContWaterEmitsFlamGas",
    "FHCPhysicalHazardNotOtherwiseClassified": "FHCPhysHazardNotClassified",
    "FHCHealthSkinCorrosionIrritation": "FHCHealthSkinCorrIrritation",
    "FHCHealthRespiratorySkinSensitization": "FHCHealthRespiratorySkinSens",
    "FHCHealthSeriousEyeDamageEyeIrritation": "FHCHealthSeriousEyeDmgEyeIrr",
    "FHCHealthSpecificTargetOrganToxicity": "FHCHealthSpecTargetOrganTox",
    "FHCHealthHazardNotOtherwiseClassified": "FHCHealthHazNotClassified",
    "DOTHazardClassificationID": "DOTHazClassID",
}

_ORDER: tuple[str, ...] = (
    "ChemicalLocation",
    "CLConfidential",
    "MapNumber",
    "GridNumber",
    "ChemicalName",
    "TradeSecret",
    "CommonName",
    "EHS",
    "CASNumber",
    *fields.FIRE_CODE_TAGS,
    "HMType",
    "RadioActive",
    "Curies",
    "PhysicalState",
    "LargestContainer",
    *fields.HAZARD_TAGS,
    "AverageDailyAmount",
    "MaximumDailyAmount",
    "AnnualWasteAmount",
    "StateWasteCode",
    "Units",
    "DaysOnSite",
    *fields.CONTAINER_TAGS,
    "OtherStorageContainer",
    "StoragePressure",
    "StorageTemperature",
    *(tag for n in fields.COMPONENTS for tag in fields.component_tags(n)),
    "ChemicalDescriptionComment",
    "AdditionalMixtureComponents",
    "CCLID",
    "USEPASRSNumber",
    "DOTHazardClassificationID",
)


def _column(tag: str) -> Column:
    heading = _ABBREVIATED.get(tag, tag)
    aliases = tuple(
        dict.fromkeys(
            spelling for spelling in (tag, FIELD_BY_TAG[tag].label) if spelling != heading
        )
    )
    return Column(tag, heading, aliases)


COLUMNS: tuple[Column, ...] = (
    Column(CERSID, CERSID, ("CERS ID",)),
    *(_column(tag) for tag in _ORDER),
)
COLUMN_BY_TAG: dict[str, Column] = {column.tag: column for column in COLUMNS}
HEADINGS: tuple[str, ...] = tuple(column.heading for column in COLUMNS)

REQUIRED_COLUMN_TAGS: tuple[str, ...] = tuple(
    dict.fromkeys((CERSID, "CommonName", *fields.REQUIRED_TAGS))
)
REQUIRED_HEADINGS: tuple[str, ...] = tuple(
    COLUMN_BY_TAG[tag].heading for tag in REQUIRED_COLUMN_TAGS
)


def heading_key(text: str) -> str:
    """A heading as matched: case, spaces and underscores do not count."""
    return "".join(text.split()).replace("_", "").casefold()


def _spellings() -> dict[str, Column]:
    found: dict[str, Column] = {}
    for column in COLUMNS:
        for spelling in (column.heading, *column.aliases):
            key = heading_key(spelling)
            other = found.setdefault(key, column)
            if other is not column:
                raise AssertionError(f"heading {spelling!r} names two columns")
    return found


COLUMN_BY_KEY: dict[str, Column] = _spellings()


def column_for(heading: str) -> Column | None:
    """The column a heading of an uploaded file names, or None when it names none."""
    return COLUMN_BY_KEY.get(heading_key(heading))


def column_letter(index0: int) -> str:
    """The spreadsheet letter of a 0-based column index: 0 is "A", 25 "Z", 26 "AA"."""
    if index0 < 0:
        raise ValueError("column index must be 0 or more")
    letters = ""
    n = index0 + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


INSTRUCTION_LINES: tuple[str, ...] = (
    "OpenCERS Hazardous Materials Inventory upload template.",
    "One row per material, below the heading row that starts with CERSID. "
    "Rows above the headings are ignored.",
    "Fill CERSID with the facility's CERS ID on every row. Required: CERSID, CommonName, EHS, "
    "PhysicalState, MaximumDailyAmount, Units.",
    "Coded columns take the code or its label (b or Liquid); Yes/No columns take Y or N "
    "(Yes, No, TRUE, 1 also work). The Instructions sheet lists every column and its choices.",
)
