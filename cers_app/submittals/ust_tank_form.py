"""The Tank Information form of a UST tank record (CERS fields 430-472, XSD USTTankType, its
monitoring plan aside: that is a form of its own, `ust_monitoring_form`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import (
    CHOICE,
    DATE,
    TEXT,
    WHOLE,
    YESNO,
    FormDef,
    FormField,
    Rule,
)

UST = 4

TYPE_OF_ACTION = "TypeOfAction"
TANK_ID = "TankIDNumber"
CAPACITY = "TankCapacityInGallons"
CONTENTS = "TankContents"
CLOSED_DATE = "USTPermanentlyClosedDate"
INSTALLED_DATE = "USTSystemInstalledDate"
CONFIGURATION = "TankConfiguration"
COMPARTMENTS = "NumberOfCompartments"
TYPE_OF_TANK = "TypeOfTank"
SECONDARY = "TankSCConstruction"
PIPING = "PipingConstruction"
PIPING_SECONDARY = "PWPipingSCConstruction"

NEW_PERMIT = "1"
# Tank actions that close the tank for good: it needs the date it was closed (430-a).
CLOSING_ACTIONS = ("7", "8")
STAND_ALONE, COMPARTMENT = "1", "2"
DOUBLE_WALL = "02"
DOUBLE_WALLED_PIPING = "2"
NONE = "90"
OTHER = "99"
OTHER_TEXT = 35  # every "Other: describe" text of the tank (maxLength 35)

TYPES_OF_ACTION = (
    ("1", "New permit"),
    ("3", "Renewal permit"),
    ("5", "Confirmed/updated information"),
    ("6", "Temporary UST closure"),
    ("7", "UST permanent closure on site"),
    ("8", "UST removal"),
)
CONFIGURATIONS = (
    (STAND_ALONE, "Stand-alone tank"),
    (COMPARTMENT, "One compartment of a compartmented unit"),
)
TANK_USES = (
    ("1a", "Motor vehicle fueling"),
    ("1b", "Marina fueling"),
    ("1c", "Aviation fueling"),
    ("03", "Chemical product storage"),
    ("04", "Hazardous waste (including used oil)"),
    ("05", "Emergency generator fuel"),
    ("06", "Other generator fuel"),
    ("95", "Unknown"),
    (OTHER, "Other"),
)
OTHER_PETROLEUM, OTHER_NON_PETROLEUM = "09", "11"
CONTENTS_CODES = (
    ("1a", "Regular unleaded"),
    ("1b", "Premium unleaded"),
    ("1c", "Midgrade unleaded"),
    ("03", "Diesel"),
    ("05", "Jet fuel"),
    ("06", "Aviation gas"),
    ("07", "Used oil"),
    ("08", "Petroleum blend fuel"),
    (OTHER_PETROLEUM, "Other petroleum"),
    ("10", "Ethanol"),
    (OTHER_NON_PETROLEUM, "Other non-petroleum"),
)
TANK_TYPES = (("01", "Single wall"), (DOUBLE_WALL, "Double wall"), ("95", "Unknown"))
PRIMARY_CONSTRUCTION = (
    ("01", "Steel"),
    ("03", "Fiberglass"),
    ("06", "Internal bladder"),
    ("07", "Steel with internal lining"),
    ("95", "Unknown"),
    (OTHER, "Other"),
)
SECONDARY_CONSTRUCTION = (
    ("01", "Steel"),
    ("03", "Fiberglass"),
    ("06", "Exterior membrane liner"),
    ("07", "Jacketed"),
    (NONE, "None"),
    ("95", "Unknown"),
    (OTHER, "Other"),
)
PIPING_SYSTEMS = (
    ("01", "Pressure"),
    ("02", "Gravity"),
    ("03", "Conventional suction"),
    ("04", '"Safe" suction (23 CCR 2636(a)(3))'),
)
PIPING_CONSTRUCTIONS = (
    ("1", "Single-walled"),
    (DOUBLE_WALLED_PIPING, "Double-walled"),
    (OTHER, "Other"),
)
PRODUCT_PIPING = (
    ("01", "Steel"),
    ("04", "Fiberglass"),
    ("08", "Flexible"),
    ("10", "Rigid plastic"),
    (NONE, "None"),
    ("95", "Unknown"),
    (OTHER, "Other"),
)
SUMPS = (("01", "Single-walled"), ("02", "Double-walled"), (NONE, "None"))
OTHER_PIPING = (
    ("01", "Steel"),
    ("04", "Fiberglass"),
    ("10", "Rigid plastic"),
    (NONE, "None"),
    (OTHER, "Other"),
)
UDC_TYPES = (("01", "Single-walled"), ("02", "Double-walled"), ("03", "No dispensers"))
UDC_MATERIALS = (
    ("01", "Steel"),
    ("04", "Fiberglass"),
    ("10", "Rigid plastic"),
    ("15", "Concrete"),
    (NONE, "None"),
    (OTHER, "Other"),
)

_TANK = "Tank"
_USE = "Use and contents"
_CONSTRUCTION = "Tank construction"
_CORROSION = "Corrosion protection"
_SPILL = "Spill and overfill prevention"
_PIPING = "Piping"
_UDC = "Under-dispenser containment"
_CERTIFICATION = "Certification"


Choices = tuple[tuple[str, str], ...]


def _choice(
    key: str,
    number: str,
    label: str,
    choices: Choices,
    section: str,
    required: bool = False,
    help: str = "",
) -> FormField:
    return FormField(
        key, number, label, CHOICE, required, help=help, choices=choices, section=section
    )


def _other(key: str, number: str, label: str, section: str) -> FormField:
    """The text that says what an "Other" answer is."""
    return FormField(key, number, label, TEXT, max_length=OTHER_TEXT, section=section)


def _flag(key: str, number: str, label: str, section: str, help: str = "") -> FormField:
    return FormField(key, number, label, YESNO, help=help, section=section)


def _piping_pair(
    keys: tuple[str, str, str, str], numbers: tuple[str, str, str, str], what: str, choices: Choices
) -> tuple[FormField, ...]:
    """Primary and secondary construction of one kind of piping, each with its Other text."""
    primary, primary_other, secondary, secondary_other = keys
    n1, n2, n3, n4 = numbers
    return (
        _choice(primary, n1, f"{what}: primary containment", choices, _PIPING),
        _other(primary_other, n2, f"{what}: other primary containment", _PIPING),
        _choice(secondary, n3, f"{what}: secondary containment", choices, _PIPING),
        _other(secondary_other, n4, f"{what}: other secondary containment", _PIPING),
    )


FIELDS = (
    _choice(
        TYPE_OF_ACTION,
        "430",
        "Type of action",
        TYPES_OF_ACTION,
        _TANK,
        required=True,
        help="New permit for a tank not yet permitted; Confirmed/updated information for the "
        "yearly update or a change; a closure or removal for a tank taken out of service.",
    ),
    FormField(
        CLOSED_DATE,
        "430-a",
        "Date the tank was permanently closed or removed",
        DATE,
        help="Needed for a permanent closure on site or a removal.",
        not_future=True,
        section=_TANK,
    ),
    FormField(
        "ExistingUSTDiscoveredDate",
        "430-b",
        "Date an existing tank was discovered",
        DATE,
        help="Only for a tank found in place that was never permitted.",
        not_future=True,
        section=_TANK,
    ),
    FormField(
        TANK_ID,
        "432",
        "Tank ID",
        TEXT,
        required=True,
        help="The name or number the facility uses for the tank; each tank has its own.",
        max_length=24,
        section=_TANK,
    ),
    FormField("TankManufacturer", "433", "Tank manufacturer", TEXT, max_length=30, section=_TANK),
    _choice(CONFIGURATION, "434", "Tank configuration", CONFIGURATIONS, _TANK, required=True),
    FormField(
        INSTALLED_DATE,
        "435",
        "Date the tank system was installed",
        DATE,
        help="If nobody knows it, enter 1900-01-01.",
        not_future=True,
        section=_TANK,
    ),
    FormField(
        CAPACITY,
        "436",
        "Tank capacity (gallons)",
        WHOLE,
        required=True,
        minimum=Decimal(1),
        maximum=Decimal(9_999_999),  # positiveInteger, at most 7 digits
        section=_TANK,
    ),
    FormField(
        COMPARTMENTS,
        "437",
        "Number of compartments in the unit",
        WHOLE,
        required=True,
        help="1 for a stand-alone tank; for a compartmented unit, all its compartments.",
        minimum=Decimal(1),
        maximum=Decimal(99),
        section=_TANK,
    ),
    FormField(
        "AdditionalDescription",
        "438",
        "Additional description",
        TEXT,
        max_length=500,
        section=_TANK,
    ),
    _choice("TankUse", "439", "Tank use", TANK_USES, _USE, required=True),
    _other("OtherTankUse", "439a", "Other tank use", _USE),
    _choice(CONTENTS, "440", "Tank contents", CONTENTS_CODES, _USE, required=True),
    _other("OtherPetroleum", "440a", "Other petroleum contents", _USE),
    _other("OtherNonPetroleum", "440b", "Other non-petroleum contents", _USE),
    _choice(TYPE_OF_TANK, "443", "Type of tank", TANK_TYPES, _CONSTRUCTION, required=True),
    _choice(
        "TankPCConstruction",
        "444",
        "Tank primary containment",
        PRIMARY_CONSTRUCTION,
        _CONSTRUCTION,
        required=True,
    ),
    _other("OtherPCConstruction", "444a", "Other tank primary containment", _CONSTRUCTION),
    _choice(
        SECONDARY,
        "445",
        "Tank secondary containment",
        SECONDARY_CONSTRUCTION,
        _CONSTRUCTION,
        required=True,
    ),
    _other("OtherSCConstruction", "445a", "Other tank secondary containment", _CONSTRUCTION),
    _flag("CPSacrificialAnode", "448a", "Sacrificial anode", _CORROSION),
    _flag("CPImpressedCurrent", "448b", "Impressed current", _CORROSION),
    _flag("CPIsolation", "448c", "Isolation", _CORROSION),
    _flag("SpillBucketInstalled", "451-a", "Spill bucket installed", _SPILL),
    _flag("StrikerPlateProtectorInstalled", "451-b", "Striker plate or bottom protector", _SPILL),
    _flag("ContainmentSump", "451-c", "Containment sump", _SPILL),
    _flag("OPAVAlarms", "452a", "Overfill prevention: audible and visual alarms", _SPILL),
    _flag("OPBallFloat", "452b", "Overfill prevention: ball float", _SPILL),
    _flag(
        "OPFillTubeShutOffValve", "452c", "Overfill prevention: fill-tube shut-off valve", _SPILL
    ),
    _flag(
        "OPExempt",
        "452d",
        "Exempt from overfill prevention",
        _SPILL,
        help="Yes only when the tank is never filled with more than 25 gallons at a time.",
    ),
    _choice(
        "PipingSystemType", "458", "Piping system type", PIPING_SYSTEMS, _PIPING, required=True
    ),
    _choice(PIPING, "460", "Piping construction", PIPING_CONSTRUCTIONS, _PIPING, required=True),
    *_piping_pair(
        (
            "PWPipingPCConstruction",
            "OtherPipingPCConstruction",
            PIPING_SECONDARY,
            "OtherPipingSCConstruction",
        ),
        ("464", "464a", "464b", "464c"),
        "Product/waste piping",
        PRODUCT_PIPING,
    ),
    _choice("PTContainmentSump", "464d", "Piping/turbine containment sump", SUMPS, _PIPING),
    *_piping_pair(
        ("VPPCConstruction", "OtherVPCConstruction", "VPSCConstruction", "OtherVSCConstruction"),
        ("464e", "464e1", "464f", "464f1"),
        "Vent piping",
        OTHER_PIPING,
    ),
    *_piping_pair(
        (
            "VRPipingPCConstruction",
            "OtherVRPCConstruction",
            "VRPipingSCConstruction",
            "OtherVRSCConstruction",
        ),
        ("464g", "464g1", "464h", "464h1"),
        "Vapor recovery piping",
        OTHER_PIPING,
    ),
    _choice("VPTransitionSumps", "464i", "Vent piping transition sump", SUMPS, _PIPING),
    *_piping_pair(
        ("RPPCConstruction", "OtherRPPCConstruction", "RPSCConstruction", "OtherRPSCConstruction"),
        ("464j", "464j1", "464k", "464k1"),
        "Riser pipe",
        OTHER_PIPING,
    ),
    _choice(
        "UDCConstructionType",
        "469a",
        "Under-dispenser containment type",
        UDC_TYPES,
        _UDC,
        required=True,
    ),
    _choice(
        "UDCConstructionMaterial",
        "469b",
        "Under-dispenser containment material",
        UDC_MATERIALS,
        _UDC,
    ),
    _other(
        "OtherUDCConstructionMaterial", "469c", "Other under-dispenser containment material", _UDC
    ),
    FormField(
        "CertifiedDate", "470", "Date certified", DATE, not_future=True, section=_CERTIFICATION
    ),
    FormField(
        "ApplicantName", "471", "Applicant name", TEXT, max_length=80, section=_CERTIFICATION
    ),
    FormField(
        "ApplicantTitle", "472", "Applicant title", TEXT, max_length=50, section=_CERTIFICATION
    ),
)

# (code field, its "Other" codes, the text field, what the text describes)
OTHER_TEXTS = (
    ("TankUse", (OTHER,), "OtherTankUse", "the other tank use"),
    (CONTENTS, (OTHER_PETROLEUM,), "OtherPetroleum", "the other petroleum the tank holds"),
    (CONTENTS, (OTHER_NON_PETROLEUM,), "OtherNonPetroleum", "the other non-petroleum contents"),
    ("TankPCConstruction", (OTHER,), "OtherPCConstruction", "the other primary containment"),
    (SECONDARY, (OTHER,), "OtherSCConstruction", "the other secondary containment"),
    (
        "PWPipingPCConstruction",
        (OTHER,),
        "OtherPipingPCConstruction",
        "the other product/waste piping primary containment",
    ),
    (
        PIPING_SECONDARY,
        (OTHER,),
        "OtherPipingSCConstruction",
        "the other product/waste piping secondary containment",
    ),
    (
        "VPPCConstruction",
        (OTHER,),
        "OtherVPCConstruction",
        "the other vent piping primary containment",
    ),
    (
        "VPSCConstruction",
        (OTHER,),
        "OtherVSCConstruction",
        "the other vent piping secondary containment",
    ),
    (
        "VRPipingPCConstruction",
        (OTHER,),
        "OtherVRPCConstruction",
        "the other vapor recovery piping primary containment",
    ),
    (
        "VRPipingSCConstruction",
        (OTHER,),
        "OtherVRSCConstruction",
        "the other vapor recovery piping secondary containment",
    ),
    (
        "RPPCConstruction",
        (OTHER,),
        "OtherRPPCConstruction",
        "the other riser pipe primary containment",
    ),
    (
        "RPSCConstruction",
        (OTHER,),
        "OtherRPSCConstruction",
        "the other riser pipe secondary containment",
    ),
    (
        "UDCConstructionMaterial",
        (OTHER,),
        "OtherUDCConstructionMaterial",
        "the other under-dispenser containment material",
    ),
)


def closed_date_rule(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
    """A tank closed for good or removed says when; it was not closed before it was installed."""
    if TYPE_OF_ACTION in errors or CLOSED_DATE in errors:
        return {}
    closed = values.get(CLOSED_DATE, "")
    action = values.get(TYPE_OF_ACTION, "")
    if action in CLOSING_ACTIONS and not closed:
        field = FORM.field(TYPE_OF_ACTION)
        assert field is not None
        what = field.choice_label(action)
        return {CLOSED_DATE: f"Enter the date the tank was closed or removed: you chose {what}."}
    installed = values.get(INSTALLED_DATE, "")
    if (
        closed
        and installed
        and INSTALLED_DATE not in errors
        and dt.date.fromisoformat(closed) < dt.date.fromisoformat(installed)
    ):
        return {
            CLOSED_DATE: f"The tank cannot be closed ({closed}) before it was installed "
            f"({installed}): correct one of the dates."
        }
    return {}


def compartments_rule(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
    """A stand-alone tank has 1 compartment; a compartmented unit has at least 2."""
    if CONFIGURATION in errors or COMPARTMENTS in errors:
        return {}
    count = values.get(COMPARTMENTS, "")
    configuration = values.get(CONFIGURATION, "")
    if not count.isdigit():
        return {}
    if configuration == STAND_ALONE and int(count) != 1:
        return {
            COMPARTMENTS: "A stand-alone tank has 1 compartment: enter 1, or choose One "
            "compartment of a compartmented unit as the tank configuration."
        }
    if configuration == COMPARTMENT and int(count) < 2:
        return {
            COMPARTMENTS: "A compartmented unit has at least 2 compartments: enter how many "
            "the unit has, or choose Stand-alone tank as the tank configuration."
        }
    return {}


def double_wall_rule(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
    """A double-walled tank or double-walled piping has a secondary containment."""
    found = {}
    if (
        values.get(TYPE_OF_TANK) == DOUBLE_WALL
        and values.get(SECONDARY) == NONE
        and not {TYPE_OF_TANK, SECONDARY} & set(errors)
    ):
        found[SECONDARY] = (
            "A double-wall tank has a secondary containment: choose what it is made of, or "
            "correct the type of tank."
        )
    if (
        values.get(PIPING) == DOUBLE_WALLED_PIPING
        and values.get(PIPING_SECONDARY) == NONE
        and not {PIPING, PIPING_SECONDARY} & set(errors)
    ):
        found[PIPING_SECONDARY] = (
            "Double-walled piping has a secondary containment: choose what it is made of, or "
            "correct the piping construction."
        )
    return found


RULES: tuple[Rule, ...] = (
    *(element_forms.other_text_rule(*item) for item in OTHER_TEXTS),
    closed_date_rule,
    compartments_rule,
    double_wall_rule,
)

FORM = element_forms.validated(
    FormDef(element=UST, title="Tank Information", short="Tank", fields=FIELDS, rules=RULES)
)
