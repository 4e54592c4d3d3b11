"""Every field of a Hazardous Materials Inventory row (CERS data dictionary 201-252).

Field keys everywhere are the CERS XML tag names; stored values are CERS codes as strings.
`FIELDS` is in the order of the EDT schema (RegulatorFacilitySubmittal 1/10), `SECTIONS` in
the order of the edit form. Lengths, digits and code lists come from that schema; labels from
the CERS data dictionary; the help texts are ours.
"""

from __future__ import annotations

from dataclasses import dataclass

from cers_app.inventory import codes
from cers_app.inventory.codes import Codes

TEXT, YESNO, CODE, DECIMAL, INTEGER, FLAG = "text", "yesno", "code", "decimal", "integer", "flag"
KINDS = (TEXT, YESNO, CODE, DECIMAL, INTEGER, FLAG)


@dataclass(frozen=True)
class FieldDef:
    """One field. `codes` holds (code, label) pairs for yesno/code/flag fields; `digits` and
    `decimals` bound the numbers (total digits, digits after the point); `required` marks
    the CERS minimally required fields."""

    tag: str
    number: str
    label: str
    kind: str
    max_length: int | None
    codes: Codes
    section: str
    help: str
    required: bool
    digits: int | None = None
    decimals: int | None = None


SECTIONS: tuple[tuple[str, str], ...] = (
    ("identification", "Chemical Identification"),
    ("location", "Chemical Location"),
    ("quantities", "Inventory Quantities"),
    ("storage", "Inventory Storage Information"),
    ("fire_code", "Fire Code Hazard Classes"),
    ("physical_hazards", "Physical Hazard Categories"),
    ("health_hazards", "Health Hazard Categories"),
    ("legacy_hazards", "Federal Hazard Categories (before 2017)"),
    ("components", "Hazardous Components (mixtures)"),
    ("waste", "Hazardous Waste"),
    ("other", "Other Information"),
)
SECTION_KEYS = tuple(key for key, _ in SECTIONS)


def _text(tag, number, label, length, section, help_, *, required=False) -> FieldDef:
    return FieldDef(tag, number, label, TEXT, length, (), section, help_, required)


def _yesno(tag, number, label, section, help_, *, required=False) -> FieldDef:
    return FieldDef(tag, number, label, YESNO, 1, codes.YES_NO, section, help_, required)


def _code(tag, number, label, code_list, section, help_, *, required=False) -> FieldDef:
    length = max(len(code) for code, _ in code_list)
    return FieldDef(tag, number, label, CODE, length, code_list, section, help_, required)


def _decimal(tag, number, label, digits, section, help_, *, required=False, decimals=None):
    return FieldDef(
        tag, number, label, DECIMAL, None, (), section, help_, required, digits, decimals
    )


def _flag(tag, number, label, section, help_) -> FieldDef:
    return FieldDef(tag, number, label, FLAG, 1, codes.YES_NO, section, help_, False)


_FIRE_CODE_HELP = (
    "A hazard class of the California Fire Code that applies to this material. List up to "
    "eight; the Safety Data Sheet (sections 2 and 9) helps decide them."
)
_FIRE_CODE_TAGS = (
    ("PFCodeHazardClass", "210a", "First"),
    ("SFCodeHazardClass", "210b", "Second"),
    ("TFCodeHazardClass", "210c", "Third"),
    ("FFCodeHazardClass", "210d", "Fourth"),
    ("FifthFireCodeHazardClass", "210e", "Fifth"),
    ("SixthFireCodeHazardClass", "210f", "Sixth"),
    ("SeventhFireCodeHazardClass", "210g", "Seventh"),
    ("EighthFireCodeHazardClass", "210h", "Eighth"),
)
FIRE_CODE_TAGS = tuple(tag for tag, _, _ in _FIRE_CODE_TAGS)

LEGACY_HAZARDS = (
    ("FHCFire", "216a", "Fire"),
    ("FHCReactive", "216b", "Reactive"),
    ("FHCPressureRelease", "216c", "Sudden release of pressure"),
    ("FHCAcuteHealth", "216d", "Acute (immediate) health"),
    ("FHCChronicHealth", "216e", "Chronic (delayed) health"),
)
PHYSICAL_HAZARDS = (
    ("FHCPhysicalFlammable", "216f", "Flammable"),
    ("FHCPhysicalGasUnderPressure", "216g", "Gas under pressure"),
    ("FHCPhysicalExplosive", "216h", "Explosive"),
    ("FHCPhysicalSelfHeating", "216i", "Self-heating"),
    ("FHCPhysicalPyrophoric", "216j", "Pyrophoric (liquid or solid)"),
    ("FHCPhysicalOxidizer", "216k", "Oxidizer"),
    ("FHCPhysicalOrganicPeroxide", "216l", "Organic peroxide"),
    ("FHCPhysicalSelfReactive", "216m", "Self-reactive"),
    ("FHCPhysicalPyrophoricGas", "216n", "Pyrophoric gas"),
    ("FHCPhysicalCorrosiveToMetal", "216o", "Corrosive to metal"),
    (
        "FHCPhysicalContactWaterEmitsFlammableGas",
        "216p",
        "In contact with water emits flammable gas",
    ),
    ("FHCPhysicalCombustibleDust", "216q", "Combustible dust"),
    ("FHCPhysicalHazardNotOtherwiseClassified", "216r", "Physical hazard not otherwise classified"),
)
HEALTH_HAZARDS = (
    ("FHCHealthCarcinogenicity", "216s", "Carcinogenicity"),
    ("FHCHealthAcuteToxicity", "216t", "Acute toxicity (any route of exposure)"),
    ("FHCHealthReproductiveToxicity", "216u", "Reproductive toxicity"),
    ("FHCHealthSkinCorrosionIrritation", "216v", "Skin corrosion or irritation"),
    ("FHCHealthRespiratorySkinSensitization", "216w", "Respiratory or skin sensitization"),
    ("FHCHealthSeriousEyeDamageEyeIrritation", "216x", "Serious eye damage or eye irritation"),
    (
        "FHCHealthSpecificTargetOrganToxicity",
        "216y",
        "Specific target organ toxicity (single or repeated exposure)",
    ),
    ("FHCHealthAspirationHazard", "216z", "Aspiration hazard"),
    ("FHCHealthGermCellMutagenicity", "216aa", "Germ cell mutagenicity"),
    ("FHCHealthSimpleAsphyxiant", "216bb", "Simple asphyxiant"),
    ("FHCHealthHazardNotOtherwiseClassified", "216cc", "Health hazard not otherwise classified"),
)
HAZARD_TAGS = tuple(tag for tag, _, _ in LEGACY_HAZARDS + PHYSICAL_HAZARDS + HEALTH_HAZARDS)
GHS_HAZARD_TAGS = tuple(tag for tag, _, _ in PHYSICAL_HAZARDS + HEALTH_HAZARDS)

STORAGE_CONTAINERS = (
    ("SCAboveGroundTank", "223a", "Aboveground tank"),
    ("SCUnderGroundTank", "223b", "Underground tank"),
    ("SCTankInsideBuilding", "223c", "Tank inside building"),
    ("SCSteelDrum", "223d", "Steel drum"),
    ("SCPlasticNonMetallicDrum", "223e", "Plastic/non-metallic drum"),
    ("SCCan", "223f", "Can"),
    ("SCCarboy", "223g", "Carboy"),
    ("SCSilo", "223h", "Silo"),
    ("SCFiberDrum", "223i", "Fiber drum"),
    ("SCBag", "223j", "Bag"),
    ("SCBox", "223k", "Box"),
    ("SCCylinder", "223l", "Cylinder"),
    ("SCGlassBottle", "223m", "Glass bottle"),
    ("SCPlasticBottle", "223n", "Plastic bottle"),
    ("SCToteBin", "223o", "Tote bin"),
    ("SCTankTruckTankWagon", "223p", "Tank truck/tank wagon"),
    ("SCTankCarRailCar", "223q", "Tank car/rail car"),
    ("SCOther", "223r", "Other"),
)
CONTAINER_TAGS = tuple(tag for tag, _, _ in STORAGE_CONTAINERS)

COMPONENTS = (1, 2, 3, 4, 5)
_COMPONENT_NUMBERS = {1: 226, 2: 230, 3: 234, 4: 238, 5: 242}


def component_tags(n: int) -> tuple[str, str, str, str]:
    """The (percent, name, EHS, CAS) tags of hazardous component `n` (1-5)."""
    return (f"HC{n}PercentByWeight", f"HC{n}Name", f"HC{n}EHS", f"HC{n}CAS")


def _components() -> list[FieldDef]:
    made: list[FieldDef] = []
    for n in COMPONENTS:
        percent, name, ehs, cas = component_tags(n)
        first = _COMPONENT_NUMBERS[n]
        made += [
            _decimal(
                percent,
                str(first),
                f"Component {n} % by weight",
                6,
                "components",
                "The component's share of the mixture by weight, from 0.01 to 100.",
                decimals=2,
            ),
            _text(
                name,
                str(first + 1),
                f"Component {n} name",
                500,
                "components",
                "The chemical name of a hazardous component of the mixture.",
            ),
            _yesno(
                ehs,
                str(first + 2),
                f"Component {n} EHS",
                "components",
                "Yes if this component is an Extremely Hazardous Substance (40 CFR 355).",
            ),
            _text(
                cas,
                str(first + 3),
                f"Component {n} CAS number",
                15,
                "components",
                "The component's Chemical Abstracts Service number, such as 7664-93-9.",
            ),
        ]
    return made


FIELDS: tuple[FieldDef, ...] = (
    FieldDef(
        "CCLID",
        "250",
        "CERS Chemical Library ID",
        INTEGER,
        None,
        (),
        "other",
        "The number of the matching entry in the CERS Chemical Library, if known.",
        False,
        digits=10,
    ),
    _text(
        "ChemicalLocation",
        "201",
        "Chemical location",
        140,
        "location",
        'The building or outside area where the material is kept, such as "Warehouse, '
        'bay 3". One row may cover several places in a building at the same pressure and '
        "temperature. Not shown to the public.",
    ),
    _yesno(
        "CLConfidential",
        "202",
        "Location confidential (EPCRA)",
        "location",
        "Yes if the business is subject to EPCRA and wants this location kept confidential.",
    ),
    _text("MapNumber", "203", "Map #", 15, "location", "The site map that shows this location."),
    _text(
        "GridNumber", "204", "Grid #", 15, "location", "The grid square of the annotated site map."
    ),
    _text(
        "ChemicalName",
        "205",
        "Chemical name",
        500,
        "identification",
        "The scientific name of a pure chemical (leave blank for a mixture).",
    ),
    _yesno(
        "TradeSecret",
        "206",
        "Trade secret",
        "identification",
        "Yes only if the identity of the material is a trade secret under HSC 25511; the "
        "regulator is told to handle it specially.",
    ),
    _text(
        "CommonName",
        "207",
        "Common name",
        500,
        "identification",
        "The name the material is known by on site, such as its product or trade name. A "
        "mixture is named as a whole.",
        required=True,
    ),
    _yesno(
        "EHS",
        "208",
        "Extremely Hazardous Substance",
        "identification",
        "Yes if the material is, or contains, an Extremely Hazardous Substance listed in "
        "40 CFR 355. EHS amounts are reported in pounds.",
        required=True,
    ),
    _text(
        "CASNumber",
        "209",
        "CAS number",
        15,
        "identification",
        "The Chemical Abstracts Service number of a pure chemical, such as 7664-93-9. Leave "
        "blank for a mixture and list its components instead.",
    ),
    *(
        _code(
            tag,
            number,
            f"{ordinal} fire code hazard class",
            codes.FIRE_CODE_CLASSES,
            "fire_code",
            _FIRE_CODE_HELP,
        )
        for tag, number, ordinal in _FIRE_CODE_TAGS
    ),
    _code(
        "HMType",
        "211",
        "Hazardous material type",
        codes.HM_TYPES,
        "identification",
        "Pure (one chemical), Mixture (several) or Waste.",
    ),
    _yesno(
        "RadioActive",
        "212",
        "Radioactive",
        "identification",
        "Yes if the material is radioactive; then give its activity in curies.",
    ),
    _decimal(
        "Curies",
        "213",
        "Curies",
        10,
        "identification",
        "The amount of radioactivity, in curies, when the material is radioactive.",
    ),
    _code(
        "PhysicalState",
        "214",
        "Physical state",
        codes.PHYSICAL_STATES,
        "identification",
        "Solid, liquid or gas, as the material is stored. A mixture is judged as a whole.",
        required=True,
    ),
    _decimal(
        "LargestContainer",
        "215",
        "Largest container",
        13,
        "quantities",
        "The size of the largest single container, in the row's units.",
    ),
    *(
        _flag(
            tag,
            number,
            label,
            "legacy_hazards",
            f"The material presents a {label.lower()} "
            "hazard (the five categories used before reporting year 2017).",
        )
        for tag, number, label in LEGACY_HAZARDS
    ),
    *(
        _flag(tag, number, label, "physical_hazards", f"Physical hazard: {label.lower()}.")
        for tag, number, label in PHYSICAL_HAZARDS
    ),
    *(
        _flag(tag, number, label, "health_hazards", f"Health hazard: {label.lower()}.")
        for tag, number, label in HEALTH_HAZARDS
    ),
    _decimal(
        "AverageDailyAmount",
        "217",
        "Average daily amount",
        15,
        "quantities",
        "The average amount on site during the year, in the row's units; not more than the "
        "maximum daily amount.",
    ),
    _decimal(
        "MaximumDailyAmount",
        "218",
        "Maximum daily amount",
        15,
        "quantities",
        "The largest amount on site at any one time during the year, in the row's units.",
        required=True,
    ),
    _decimal(
        "AnnualWasteAmount",
        "219",
        "Annual waste amount",
        15,
        "waste",
        "For a waste: the amount generated in a year, in the row's units.",
    ),
    _code(
        "StateWasteCode",
        "220",
        "State waste code",
        codes.STATE_WASTE_CODES,
        "waste",
        "For a waste: the California three-digit waste code that best describes it.",
    ),
    _code(
        "Units",
        "221",
        "Units",
        codes.UNITS,
        "quantities",
        "Gallons for liquids, cubic feet for gases, pounds or tons for solids. Extremely "
        "Hazardous Substances are always reported in pounds.",
        required=True,
    ),
    FieldDef(
        "DaysOnSite",
        "222",
        "Days on site",
        INTEGER,
        None,
        (),
        "quantities",
        "How many days of the year the material is on site, from 1 to 365.",
        False,
        digits=3,
    ),
    *(
        _flag(tag, number, label, "storage", f"The material is stored in: {label.lower()}.")
        for tag, number, label in STORAGE_CONTAINERS
    ),
    _text(
        "OtherStorageContainer",
        "223r-1",
        "Other container (specify)",
        30,
        "storage",
        'What the other container is, when "Other" is ticked.',
    ),
    _code(
        "StoragePressure",
        "224",
        "Storage pressure",
        codes.STORAGE_PRESSURES,
        "storage",
        "The pressure the material is stored at.",
    ),
    _code(
        "StorageTemperature",
        "225",
        "Storage temperature",
        codes.STORAGE_TEMPERATURES,
        "storage",
        "The temperature the material is stored at; cryogenic is -130 °F or colder.",
    ),
    *_components(),
    FieldDef(
        "ChemicalDescriptionComment",
        "246",
        "Chemical description comment",
        TEXT,
        1000,
        (),
        "other",
        "Anything else the regulator should know about this material.",
        False,
    ),
    _text(
        "AdditionalMixtureComponents",
        "247",
        "Additional mixture components",
        2000,
        "components",
        "Hazardous components beyond the first five: name, CAS number and % by weight.",
    ),
    _text(
        "USEPASRSNumber",
        "251",
        "US EPA SRS ID",
        50,
        "other",
        "The material's identifier in the US EPA Substance Registry Services.",
    ),
    _code(
        "DOTHazardClassificationID",
        "252",
        "DOT hazard class",
        codes.DOT_CLASSES,
        "identification",
        "The US Department of Transportation hazard class on the shipping papers.",
    ),
)

FIELD_BY_TAG: dict[str, FieldDef] = {field.tag: field for field in FIELDS}
TAGS: tuple[str, ...] = tuple(field.tag for field in FIELDS)
REQUIRED_TAGS: tuple[str, ...] = tuple(field.tag for field in FIELDS if field.required)
_CODE_LABELS: dict[str, dict[str, str]] = {field.tag: dict(field.codes) for field in FIELDS}


def label_of(tag: str, code: str) -> str:
    """The label of `code` in field `tag`'s code list; the code itself when it has no label
    (free text, numbers, or an unknown code)."""
    return _CODE_LABELS.get(tag, {}).get(code, code)


def noun(tag: str) -> str:
    """The field's label to use inside a sentence ("the chemical location", "the CAS
    number"): the first letter is lowered unless the label holds other capitals."""
    label = FIELD_BY_TAG[tag].label if tag in FIELD_BY_TAG else tag
    if any(ch.isupper() for ch in label[1:]):
        return label
    return label[:1].lower() + label[1:]


def fields_in(section: str) -> tuple[FieldDef, ...]:
    """The fields of one form section, in schema order."""
    return tuple(field for field in FIELDS if field.section == section)
