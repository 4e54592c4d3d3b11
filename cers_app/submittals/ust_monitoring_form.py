"""The Monitoring Plan form of a UST tank record (CERS fields 490-3a ... 490-79, XSD
USTMonitoringPlanType).

The schema nests each monitoring method (automatic tank gauging, line leak detectors, ...) as
an element of its own holding the method's details. Here each method is a Yes/No field keyed by
the method's tag ("uses this method"), followed by its details keyed by their own tags; a rule
says which details a chosen method needs. An export writes a method's element, with its
details, only when the method is Yes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import (
    CHOICE,
    DATE,
    TEXT,
    YESNO,
    FormDef,
    FormField,
    Rule,
)

UST = 4
OTHER = "99"
NAME, TITLE = 80, 50

_SERVICE = "Equipment servicing and site plan"
_TANK = "Tank monitoring"
_PIPING = "Piping monitoring"
_UDC = "Under-dispenser containment monitoring"
_TESTING = "Periodic testing"
_RECORDS = "Records kept on site"
_TRAINING = "Training"
_PEOPLE = "Responsible persons and signature"


@dataclass(frozen=True)
class Method:
    """A monitoring method the schema nests: its Yes/No field and its details."""

    key: str  # the method's XML tag: the Yes/No field
    number: str
    label: str
    section: str
    details: tuple[FormField, ...]
    needs: tuple[str, ...] = ()  # details a chosen method must have
    help: str = ""

    def flag(self) -> FormField:
        """The Yes/No field "uses this method"."""
        return FormField(
            self.key, self.number, self.label, YESNO, help=self.help, section=self.section
        )


def _text(
    key: str, number: str, label: str, length: int, section: str, help: str = ""
) -> FormField:
    return FormField(key, number, label, TEXT, help=help, max_length=length, section=section)


def _choice(
    key: str,
    number: str,
    label: str,
    choices: tuple[tuple[str, str], ...],
    section: str,
    required: bool = False,
) -> FormField:
    return FormField(key, number, label, CHOICE, required, choices=choices, section=section)


def _flag(key: str, number: str, label: str, section: str, help: str = "") -> FormField:
    return FormField(key, number, label, YESNO, help=help, section=section)


CONTAINMENT = (
    ("01", "Dry"),
    ("02", "Liquid-filled"),
    ("03", "Pressurized"),
    ("04", "Under vacuum"),
)
PIPE_CONTAINMENT = (("01", "Dry"), ("02", "Liquid"), ("03", "Pressurized"), ("04", "Under vacuum"))

METHODS = (
    Method(
        "ContinuousElectronicTankMonitoring",
        "490-5",
        "Continuous electronic monitoring of the tank's secondary containment",
        _TANK,
        (
            _choice(
                "TankSecondaryContainmentSystem",
                "490-6",
                "Tank secondary containment (interstitial space) is",
                CONTAINMENT,
                _TANK,
            ),
            _text("EMPManufacturer", "490-7", "Monitoring panel manufacturer", 25, _TANK),
            _text("EMPModelNumber", "490-8", "Monitoring panel model number", 35, _TANK),
            _text("LeakSensorManufacturer", "490-9", "Leak sensor manufacturer", 20, _TANK),
            _text("LeakSensorModelNum", "490-10", "Leak sensor model number", 35, _TANK),
        ),
        needs=("TankSecondaryContainmentSystem",),
        help="Sensors in the space between the tank's walls, wired to a monitoring panel.",
    ),
    Method(
        "AutomaticTankGauging",
        "490-11",
        "Automatic tank gauging (ATG)",
        _TANK,
        (
            _text("ATGPanelManufacturer", "490-12", "ATG panel manufacturer", 25, _TANK),
            _text("ATGModelNum", "490-13", "ATG panel model number", 35, _TANK),
            _text("InTankProbManufacturer", "490-14", "In-tank probe manufacturer", 25, _TANK),
            _text("InTankProbeModelNum", "490-15", "In-tank probe model number", 35, _TANK),
            _choice(
                "TankLeakTestFrequency",
                "490-16",
                "ATG leak test frequency",
                (
                    ("01", "Continuous"),
                    ("02", "Daily/nightly"),
                    ("03", "Weekly"),
                    ("04", "Monthly"),
                    (OTHER, "Other"),
                ),
                _TANK,
            ),
            _text(
                "TankLeakTestFrequencyOther", "490-17", "Other ATG leak test frequency", 10, _TANK
            ),
            _choice(
                "ProgrammedTankTest",
                "490-18",
                "ATG programmed tank test",
                (("01", "0.1 gph"), ("02", "0.2 gph"), (OTHER, "Other")),
                _TANK,
            ),
            _text("ProgrammedTankTestOther", "490-19", "Other programmed tank test", 15, _TANK),
        ),
        needs=("TankLeakTestFrequency", "ProgrammedTankTest"),
    ),
    Method(
        "WeeklyManualTankGauging",
        "490-21",
        "Weekly manual tank gauging",
        _TANK,
        (
            _choice(
                "TankGaugingTestPeriod",
                "490-22",
                "Manual tank gauging test period",
                (("01", "36 hours"), ("02", "60 hours")),
                _TANK,
            ),
        ),
        needs=("TankGaugingTestPeriod",),
    ),
    Method(
        "TankIntegrityTesting",
        "490-23",
        "Periodic tank integrity testing",
        _TANK,
        (
            _choice(
                "TankIntegrityTestingFrequency",
                "490-24",
                "Tank integrity testing frequency",
                (("01", "Annually"), ("02", "Biennially"), (OTHER, "Other")),
                _TANK,
            ),
            _text(
                "TankIntegrityTestingFrequencyOther",
                "490-25",
                "Other tank integrity testing frequency",
                15,
                _TANK,
            ),
        ),
        needs=("TankIntegrityTestingFrequency",),
    ),
    Method(
        "TankMonitoringOtherType",
        "490-26",
        "Other tank monitoring method",
        _TANK,
        (
            _text(
                "OtherMonitoring",
                "490-27",
                "Description of the other tank monitoring method",
                100,
                _TANK,
            ),
        ),
        needs=("OtherMonitoring",),
    ),
    Method(
        "PipeContinuousMonitoring",
        "490-28",
        "Continuous electronic monitoring of the piping's secondary containment",
        _PIPING,
        (
            _choice(
                "PipingSecondaryContainment",
                "490-29",
                "Piping secondary containment is",
                PIPE_CONTAINMENT,
                _PIPING,
            ),
            _text(
                "PanelManufacturer", "490-30", "Piping monitoring panel manufacturer", 25, _PIPING
            ),
            _text("PanelModelNum", "490-31", "Piping monitoring panel model number", 35, _PIPING),
            _text(
                "PipeLeakSensorManufacturer",
                "490-32",
                "Piping leak sensor manufacturer",
                20,
                _PIPING,
            ),
            _text("PipeLeakSensorModel", "490-33", "Piping leak sensor model number", 35, _PIPING),
            _flag(
                "LeakAlarmTriggPumpShutdown",
                "490-34",
                "A piping leak alarm shuts down the turbine pump",
                _PIPING,
            ),
            _flag(
                "FailureTriggPumpShutdown",
                "490-35",
                "A failure or disconnection of the monitoring system shuts down the turbine pump",
                _PIPING,
            ),
        ),
        needs=("PipingSecondaryContainment",),
    ),
    Method(
        "MechanicalLineLeakDetector",
        "490-36",
        "Mechanical line leak detector (MLLD)",
        _PIPING,
        (
            _text("MLLDManufacturer", "490-37", "MLLD manufacturer", 25, _PIPING),
            _text("MLLDModel", "490-38", "MLLD model number", 35, _PIPING),
        ),
    ),
    Method(
        "ElectronicLineLeakDetector",
        "490-39",
        "Electronic line leak detector (ELLD)",
        _PIPING,
        (
            _text("ELLDManufacturer", "490-40", "ELLD manufacturer", 25, _PIPING),
            _text("ELLDModel", "490-41", "ELLD model number", 35, _PIPING),
            _choice(
                "ELLDProgrammedInLineTesting",
                "490-42",
                "ELLD programmed in-line testing",
                (("01", "0.2 gph"), ("02", "0.1 gph")),
                _PIPING,
            ),
            _flag(
                "ELLDTriggersPumpShutdown",
                "490-43",
                "A leak detected by the ELLD shuts down the turbine pump",
                _PIPING,
            ),
            _flag(
                "ELLDFailureTriggShutdown",
                "490-44",
                "A failure or disconnection of the ELLD shuts down the turbine pump",
                _PIPING,
            ),
        ),
        needs=("ELLDProgrammedInLineTesting",),
    ),
    Method(
        "PipeIntegrityTesting",
        "490-45",
        "Periodic piping integrity testing",
        _PIPING,
        (
            _choice(
                "PipelineIntegrityTestingFrequency",
                "490-46",
                "Piping integrity testing frequency",
                (("01", "Annually"), ("02", "Every 3 years"), ("03", "Other")),
                _PIPING,
            ),
            _text(
                "PipelineIntegrityTestingFrequencyOther",
                "490-47",
                "Other piping integrity testing frequency",
                10,
                _PIPING,
            ),
        ),
        needs=("PipelineIntegrityTestingFrequency",),
    ),
    Method(
        "PipeVisualPipeMonitoring",
        "490-48",
        "Visual piping monitoring",
        _PIPING,
        (
            _choice(
                "VisualPipelineMonitoringFrequency",
                "490-49",
                "Visual piping monitoring frequency",
                (("01", "Daily"), ("02", "Weekly"), ("03", "At least monthly")),
                _PIPING,
            ),
        ),
        needs=("VisualPipelineMonitoringFrequency",),
    ),
    Method(
        "PipeMonitoringOther",
        "490-52",
        "Other piping monitoring method",
        _PIPING,
        (
            _text(
                "OtherPipelineMonitoring",
                "490-53",
                "Description of the other piping monitoring method",
                100,
                _PIPING,
            ),
        ),
        needs=("OtherPipelineMonitoring",),
    ),
)
_BY_KEY = {method.key: method for method in METHODS}


def _method_fields(*keys: str) -> tuple[FormField, ...]:
    """Each method's Yes/No field followed by its details, in schema order."""
    return tuple(field for key in keys for field in (_BY_KEY[key].flag(), *_BY_KEY[key].details))


UDC_MONITORING = (
    ("1", "Continuous"),
    ("2", "Float-and-chain assembly"),
    ("3", "Electronic stand-alone"),
    ("4", "No dispensers"),
    (OTHER, "Other"),
)

FIELDS = (
    _choice(
        "MonitoringEquipmentServiced",
        "490-3a",
        "Monitoring equipment is serviced",
        (("01", "Annually"), (OTHER, "Other")),
        _SERVICE,
        required=True,
    ),
    _text("MonitoringEquipmentServicedOther", "490-3b", "Other servicing interval", 15, _SERVICE),
    _choice(
        "SitePlotPlanSubmitted",
        "490-4",
        "Monitoring site plan",
        (("1", "New plan submitted"), ("2", "Plan previously submitted")),
        _SERVICE,
        required=True,
    ),
    *_method_fields("ContinuousElectronicTankMonitoring", "AutomaticTankGauging"),
    _flag(
        "MonthlyStatisticalInventoryReconciliation",
        "490-20",
        "Monthly statistical inventory reconciliation (SIR)",
        _TANK,
    ),
    *_method_fields("WeeklyManualTankGauging", "TankIntegrityTesting", "TankMonitoringOtherType"),
    *_method_fields(
        "PipeContinuousMonitoring",
        "MechanicalLineLeakDetector",
        "ElectronicLineLeakDetector",
        "PipeIntegrityTesting",
        "PipeVisualPipeMonitoring",
    ),
    _flag(
        "SuctionPipingExemptionCriteria",
        "490-50",
        "Suction piping meets the exemption criteria",
        _PIPING,
    ),
    _flag(
        "NoRegulatedPipingPerHealthSafetyCode",
        "490-51",
        "No regulated piping is connected to the tank",
        _PIPING,
    ),
    *_method_fields("PipeMonitoringOther"),
    _choice(
        "UDCMonitoring",
        "490-54a",
        "Under-dispenser containment monitoring",
        UDC_MONITORING,
        _UDC,
        required=True,
    ),
    _text("UDCMonitoringOther", "490-54b", "Other under-dispenser monitoring", 15, _UDC),
    _text(
        "UnderDispenserPanelManufacturer", "490-55", "UDC monitoring panel manufacturer", 25, _UDC
    ),
    _text(
        "UnderDispenserModelPanelModelNum", "490-56", "UDC monitoring panel model number", 35, _UDC
    ),
    _text(
        "UnderDispenserLeakSensorManufacturer", "490-57", "UDC leak sensor manufacturer", 20, _UDC
    ),
    _text("UnderDispenserModelOfLeakSensor", "490-58", "UDC leak sensor model number", 35, _UDC),
    _flag(
        "UDCDetectionOfLeak",
        "490-59",
        "A leak in the UDC triggers an audible and visual alarm",
        _UDC,
    ),
    _flag(
        "UDCLeakAlarmTriggShutdown", "490-60", "A leak in the UDC shuts down the turbine pump", _UDC
    ),
    _flag(
        "UDCFailureTriggShutdown",
        "490-61",
        "A failure or disconnection of the UDC monitoring shuts down the turbine pump",
        _UDC,
    ),
    _flag(
        "UDCMonitoringStopFlow", "490-62", "UDC monitoring stops the flow at the dispenser", _UDC
    ),
    _choice(
        "UDCConstruction",
        "490-63",
        "UDC construction",
        (("1", "Single-walled"), ("2", "Double-walled")),
        _UDC,
    ),
    _choice(
        "UDCSecondaryContainmentMonitoring",
        "490-64a",
        "UDC secondary containment monitoring",
        (("01", "Liquid"), ("02", "Pressure"), ("03", "Vacuum")),
        _UDC,
    ),
    _flag(
        "LeakWithinSecondaryContainmentOfUDC",
        "490-64b",
        "A leak in the UDC's secondary containment triggers an alarm",
        _UDC,
    ),
    _flag("ELDTesting", "490-65", "Enhanced leak detection (ELD) testing", _TESTING),
    _flag(
        "SecondaryContainmentTesting",
        "490-66",
        "Secondary containment is tested every 36 months",
        _TESTING,
    ),
    _flag("SpillBucketTesting", "490-67", "Spill buckets are tested annually", _TESTING),
    _flag("AlarmLogs", "490-68a", "Alarm logs", _RECORDS),
    _flag("VisualInspectionRecords", "490-68b", "Visual inspection records", _RECORDS),
    _flag("TankIntegrityTestingResults", "490-68c", "Tank integrity test results", _RECORDS),
    _flag("SIRTestingResults", "490-68d", "SIR results", _RECORDS),
    _flag("TankGaugingResults", "490-68e", "Tank gauging results", _RECORDS),
    _flag("ATGTestingResults", "490-68f", "ATG test results", _RECORDS),
    _flag("CorrosionProtectionLogs", "490-68g", "Corrosion protection 60-day logs", _RECORDS),
    _flag(
        "EquipmentMaintenanceCalibrationRecords",
        "490-68h",
        "Equipment maintenance and calibration records",
        _RECORDS,
    ),
    _flag(
        "USTPersonnelFamiliarTraining",
        "490-69a",
        "Personnel are familiar with the monitoring equipment",
        _TRAINING,
    ),
    _flag("USTMonitoringPlan", "490-69b", "UST monitoring plan on hand", _TRAINING),
    _flag("OperatingManuals", "490-69c", "Equipment operating manuals on hand", _TRAINING),
    _flag("CAUSTRegulations", "490-69d", "California UST regulations on hand", _TRAINING),
    _flag("CAUSTLaw", "490-69e", "California UST law on hand", _TRAINING),
    _flag("SWRCBHandbook", "490-69f", "State Water Board UST handbook on hand", _TRAINING),
    _flag(
        "SWRCBPublicationAutomaticTankGauging",
        "490-69g",
        "State Water Board publication on automatic tank gauging on hand",
        _TRAINING,
    ),
    _flag("TrainingOther", "490-69h", "Other training material", _TRAINING),
    _text(
        "SpecifyTrainingOther",
        "490-69i",
        "Description of the other training material",
        100,
        _TRAINING,
    ),
    _flag(
        "DesignatedOperatorTraining",
        "490-70",
        "Training is given by the designated UST operator",
        _TRAINING,
    ),
    _text(
        "CommentsAdditionalInformation",
        "490-71",
        "Comments and additional information",
        300,
        _TRAINING,
    ),
    FormField(
        "FirstNameResponsibility",
        "490-72",
        "Person responsible for monitoring: name",
        TEXT,
        True,
        max_length=NAME,
        section=_PEOPLE,
    ),
    FormField(
        "FirstTitleResponsibility",
        "490-73",
        "Person responsible for monitoring: title",
        TEXT,
        True,
        max_length=TITLE,
        section=_PEOPLE,
    ),
    _text("SecondNameResponsibility", "490-74", "Second responsible person: name", NAME, _PEOPLE),
    _text(
        "SecondTitleResponsibility", "490-75", "Second responsible person: title", TITLE, _PEOPLE
    ),
    _choice(
        "SignatureRepresentation",
        "490-76",
        "Signed by",
        (
            ("01", "Tank owner/operator"),
            ("02", "Facility owner/operator"),
            ("03", "Authorized representative of the owner"),
        ),
        _PEOPLE,
    ),
    FormField("SignatureDate", "490-77", "Date signed", DATE, not_future=True, section=_PEOPLE),
    _text("ApplicantName", "490-78", "Signer name", NAME, _PEOPLE),
    _text("ApplicantTitle", "490-79", "Signer title", TITLE, _PEOPLE),
)

# (code field, its "Other" codes, the text field, what the text describes)
OTHER_TEXTS = (
    (
        "MonitoringEquipmentServiced",
        (OTHER,),
        "MonitoringEquipmentServicedOther",
        "how often the equipment is serviced",
    ),
    (
        "TankLeakTestFrequency",
        (OTHER,),
        "TankLeakTestFrequencyOther",
        "the ATG leak test frequency",
    ),
    ("ProgrammedTankTest", (OTHER,), "ProgrammedTankTestOther", "the programmed tank test"),
    (
        "TankIntegrityTestingFrequency",
        (OTHER,),
        "TankIntegrityTestingFrequencyOther",
        "how often the tank integrity is tested",
    ),
    (
        "PipelineIntegrityTestingFrequency",
        ("03",),
        "PipelineIntegrityTestingFrequencyOther",
        "how often the piping integrity is tested",
    ),
    ("UDCMonitoring", (OTHER,), "UDCMonitoringOther", "the under-dispenser containment monitoring"),
    ("TrainingOther", ("Y",), "SpecifyTrainingOther", "the other training material"),
)


def method_rule(method: Method) -> Rule:
    """A rule: when `method` is used (Yes), the details it needs are filled in."""

    def rule(values: Mapping[str, str], errors: Mapping[str, str]) -> dict[str, str]:
        if method.key in errors or values.get(method.key) != "Y":
            return {}
        found = {}
        for field in method.details:
            if field.key in method.needs and not values.get(field.key) and field.key not in errors:
                verb = "Choose" if field.kind == CHOICE else "Enter"
                what = element_forms.phrase(field.label)
                found[field.key] = f"{verb} the {what}: you answered Yes to {method.label}."
        return found

    return rule


RULES: tuple[Rule, ...] = (
    *(method_rule(method) for method in METHODS if method.needs),
    *(element_forms.other_text_rule(*item) for item in OTHER_TEXTS),
)

FORM = element_forms.validated(
    FormDef(
        element=UST, title="Monitoring Plan", short="Monitoring plan", fields=FIELDS, rules=RULES
    )
)
