"""Every rule of the catalogue has a row that triggers it (naming its fields) and one that
does not; the catalogue itself is well formed."""

from __future__ import annotations

import pytest

from cers_app.inventory import rules
from cers_app.inventory.fields import CONTAINER_TAGS, FIELD_BY_TAG, HAZARD_TAGS
from cers_app.inventory.rules import ADVISORY, REQUIRED, WARNING, RuleSettings, validate
from tests.unit.inventory.stock import BASE, row

# code -> (a row that triggers the rule, the fields its finding names, a row that does not)
CASES: dict[str, tuple[dict[str, str], tuple[str, ...], dict[str, str]]] = {
    "1028": (row(Units=""), ("Units",), row()),
    "1027": (row(PhysicalState="liquid"), ("PhysicalState",), row(PhysicalState="b")),
    "1029": (
        row(MaximumDailyAmount="about 40"),
        ("MaximumDailyAmount",),
        row(MaximumDailyAmount="40.5"),
    ),
    "HMI-LENGTH": (row(MapNumber="M" * 16), ("MapNumber",), row(MapNumber="M" * 15)),
    "1037": (
        row(AverageDailyAmount="1200", MaximumDailyAmount="1000"),
        ("AverageDailyAmount", "MaximumDailyAmount"),
        row(AverageDailyAmount="1000", MaximumDailyAmount="1000"),
    ),
    "HMI-LARGEST-CONTAINER": (
        row(LargestContainer="1500", MaximumDailyAmount="1000"),
        ("LargestContainer", "MaximumDailyAmount"),
        row(LargestContainer="1000", MaximumDailyAmount="1000"),
    ),
    "HMI-COMPONENT-PERCENT": (
        row(HC2Name="Benzene", HC2PercentByWeight="0"),
        ("HC2PercentByWeight",),
        row(HC2Name="Benzene", HC2PercentByWeight="0.01"),
    ),
    "HMI-COMPONENT-SUM": (
        row(HC1Name="A", HC1PercentByWeight="60", HC2Name="B", HC2PercentByWeight="45"),
        ("HC1PercentByWeight", "HC2PercentByWeight"),
        row(HC1Name="A", HC1PercentByWeight="60", HC2Name="B", HC2PercentByWeight="40"),
    ),
    "HMI-COMPONENT-NAME": (
        row(HC3PercentByWeight="12"),
        ("HC3Name",),
        row(HC3PercentByWeight="12", HC3Name="Toluene"),
    ),
    "HMI-CAS": (row(CASNumber="7664-93-8"), ("CASNumber",), row(CASNumber="7664-93-9")),
    "1069": (
        row(EHS="Y", Units="a"),
        ("EHS", "Units"),
        row(EHS="Y", Units="c"),
    ),
    "HMI-GAS-GALLONS": (
        row(CommonName="Nitrogen", CASNumber="7727-37-9", PhysicalState="c", Units="a"),
        ("PhysicalState", "Units"),
        row(
            CommonName="Nitrogen",
            CASNumber="7727-37-9",
            PhysicalState="c",
            Units="a",
            StorageTemperature="d",
        ),
    ),
    "1078": (row(TradeSecret="Y"), ("TradeSecret",), row(TradeSecret="N")),
    "HMI-DAYS-ON-SITE": (row(DaysOnSite="366"), ("DaysOnSite",), row(DaysOnSite="1")),
    "HMI-WASTE-CODE": (
        row(HMType="c", AnnualWasteAmount="500"),
        ("HMType", "StateWasteCode"),
        row(HMType="c", AnnualWasteAmount="500", StateWasteCode="221"),
    ),
    "HMI-WASTE-AMOUNT": (
        row(HMType="c", StateWasteCode="221"),
        ("HMType", "AnnualWasteAmount"),
        row(HMType="c", StateWasteCode="221", AnnualWasteAmount="500"),
    ),
    "HMI-CURIES": (
        row(RadioActive="Y"),
        ("RadioActive", "Curies"),
        row(RadioActive="Y", Curies="0.5"),
    ),
    "HMI-HAZARD-CATEGORY": (
        row(FHCPhysicalFlammable="N", FHCHealthAspirationHazard=""),
        HAZARD_TAGS,
        row(FHCPhysicalFlammable="N", FHCHealthAspirationHazard="", FHCChronicHealth="Y"),
    ),
    "HMI-STORAGE-CONTAINER": (
        row(SCAboveGroundTank="N"),
        CONTAINER_TAGS,
        row(SCAboveGroundTank="N", SCSteelDrum="Y"),
    ),
    "HMI-OTHER-CONTAINER": (
        row(SCOther="Y"),
        ("SCOther", "OtherStorageContainer"),
        row(SCOther="Y", OtherStorageContainer="Intermediate bulk bag"),
    ),
    "HMI-LOCATION": (
        row(ChemicalLocation=""),
        ("ChemicalLocation",),
        row(ChemicalLocation="Yard"),
    ),
}


def _codes(values, settings=rules.DEFAULT_SETTINGS) -> set[str]:
    return {finding.code for finding in validate(values, settings)}


def test_the_base_row_has_no_findings():
    assert validate(BASE) == []


def test_every_rule_has_a_case_and_every_case_a_rule():
    assert set(CASES) == {rule.code for rule in rules.RULES}


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.code)
def test_the_rule_flags_its_fixture_naming_its_fields(rule):
    triggering, fields, _ = CASES[rule.code]

    found = [f for f in validate(triggering) if f.code == rule.code]

    assert [f.fields for f in found] == [fields]
    assert found[0].level == rule.level_for(rules.DEFAULT_SETTINGS)
    assert set(found[0].fields) <= set(rule.fields)
    assert found[0].message.endswith(".") and len(found[0].message) > 30


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.code)
def test_the_rule_passes_its_counterpart(rule):
    _, _, passing = CASES[rule.code]

    assert rule.code not in _codes(passing)


@pytest.mark.parametrize("rule", rules.RULES, ids=lambda rule: rule.code)
def test_the_rule_is_well_formed(rule):
    assert rule.fields and all(tag in FIELD_BY_TAG for tag in rule.fields)
    assert (rule.level in rules.LEVELS) != bool(rule.setting)
    assert rule.summary and rule.name


def test_codes_are_unique_and_cers_ones_keep_their_cers_names():
    assert len(rules.RULE_BY_CODE) == len(rules.RULES)
    cers = {r.code: r.name for r in rules.RULES if r.code.isdigit()}
    assert cers == {
        "1027": "HMIValueOutsideAcceptableRange",
        "1028": "HMIMinimallyRequiredFieldDoesNotHaveValue",
        "1029": "HMIFieldValueDoesNotValidateAgainstRegularExpression",
        "1037": "HMIAverageDailyAmountCannotExceedMaxDailyAmount",
        "1069": "EHSMaterialsShouldBeReportedInPounds",
        "1078": "InventoryContainsTradeSecretMaterials",
    }


def test_the_agency_settings_choose_three_levels():
    settings = RuleSettings(
        location_level=ADVISORY, container_level=WARNING, gas_gallons_level=REQUIRED
    )
    gas_in_gallons = CASES["HMI-GAS-GALLONS"][0]
    found = validate({**gas_in_gallons, "ChemicalLocation": "", "SCAboveGroundTank": "N"}, settings)

    assert {(f.code, f.level) for f in found} == {
        ("HMI-LOCATION", ADVISORY),
        ("HMI-STORAGE-CONTAINER", WARNING),
        ("HMI-GAS-GALLONS", REQUIRED),
    }
    assert {(f.code, f.level) for f in validate(gas_in_gallons)} == {("HMI-GAS-GALLONS", WARNING)}


def test_every_minimally_required_field_is_named_when_empty():
    found = [f for f in validate({}) if f.code == "1028"]

    assert [f.fields for f in found] == [
        ("CommonName",),
        ("EHS",),
        ("PhysicalState",),
        ("MaximumDailyAmount",),
        ("Units",),
    ]
    assert {f.level for f in found} == {REQUIRED}


@pytest.mark.parametrize(
    "changes",
    [
        {"StorageTemperature": "d"},
        {"PFCodeHazardClass": "6"},
        {"SFCodeHazardClass": "15"},
        {"PFCodeHazardClass": "22"},
        {"CASNumber": "74-98-6", "CommonName": "Fuel gas"},
        {"CommonName": "Liquid Nitrogen"},
        {"CommonName": "LPG"},
        {"ChemicalName": "Anhydrous ammonia"},
    ],
)
def test_liquefied_and_cryogenic_gases_may_be_reported_in_gallons(changes):
    gas = row(CommonName="Industrial gas", CASNumber="", PhysicalState="c", Units="a")

    assert "HMI-GAS-GALLONS" in _codes(gas)
    assert "HMI-GAS-GALLONS" not in _codes({**gas, **changes})


def test_each_bad_component_percentage_is_named():
    found = [
        f
        for f in validate(
            row(HC1Name="A", HC1PercentByWeight="101", HC4Name="D", HC4PercentByWeight="0.001")
        )
        if f.code in ("HMI-COMPONENT-PERCENT", "1029")
    ]

    assert [(f.code, f.fields) for f in found] == [
        ("1029", ("HC4PercentByWeight",)),  # three decimals do not fit the schema's two
        ("HMI-COMPONENT-PERCENT", ("HC1PercentByWeight",)),
    ]


def test_a_malformed_cas_number_is_told_apart_from_a_mistyped_digit():
    malformed, mistyped = validate(row(CASNumber="Mixture", HC1Name="X", HC1CAS="64-17-6"))

    assert (malformed.fields, mistyped.fields) == (("CASNumber",), ("HC1CAS",))
    assert '"Mixture" is not a CAS number' in malformed.message
    assert "64-17-6 fails its check digit" in mistyped.message


def test_numbers_name_their_limits():
    messages = {
        f.fields[0]: f.message
        for f in validate(
            row(MaximumDailyAmount="1" * 16, DaysOnSite="2.5", Curies="-1", RadioActive="Y")
        )
        if f.code == "1029"
    }

    assert messages == {
        "Curies": "The curies cannot be negative.",
        "MaximumDailyAmount": "The maximum daily amount has too many digits: at most 15 are "
        "allowed.",
        "DaysOnSite": "Enter the days on site as a whole number.",
    }


def test_unknown_codes_list_the_choices_of_short_lists():
    [finding] = [f for f in validate(row(Units="litres")) if f.code == "1027"]

    assert finding.message == (
        '"litres" is not one of the choices for units. Choose one of: Gallons, Cubic feet, Pounds, '
        "Tons."
    )


@pytest.mark.parametrize("value", [None, "text", 42, ["CommonName"], {1: 2}])
def test_anything_that_is_not_a_row_is_an_empty_row(value):
    assert [f.code for f in validate(value)][:5] == ["1028"] * 5


def test_worst_level_and_blocking():
    found = validate(row(TradeSecret="Y", Units="", ChemicalLocation=""))

    assert rules.worst_level(found) == REQUIRED
    assert rules.blocking(found)
    assert rules.worst_level(validate(row(TradeSecret="Y"))) == ADVISORY
    assert not rules.blocking(validate(row(TradeSecret="Y")))
    assert rules.worst_level([]) == ""
