"""Threshold awareness: the same material summed over every location, the thresholds that
apply to it, and the sentence each row shows."""

from __future__ import annotations

from decimal import Decimal

from cers_app.inventory import thresholds
from cers_app.inventory.thresholds import LocalThresholds, assess, material_of
from tests.unit.inventory.stock import row


def _sentences(*rows: dict[str, str], local=thresholds.NO_LOCAL_THRESHOLDS, **facts):
    """The sentence of each row, in order; `facts` (by row number) come from the library."""
    materials = [
        material_of(n, values, **facts.get(f"r{n}", {})) for n, values in enumerate(rows, 1)
    ]
    found = assess(materials, local)
    return [found[n] for n in range(1, len(rows) + 1)]


def _liquid(name: str, amount: str, location: str, **changes: str) -> dict[str, str]:
    defaults = {
        "CommonName": name,
        "CASNumber": "",
        "MaximumDailyAmount": amount,
        "AverageDailyAmount": "",
        "LargestContainer": "",
        "ChemicalLocation": location,
    }
    return row(**{**defaults, **changes})


def test_the_same_material_is_summed_over_every_location():
    first, second, third = _sentences(
        _liquid("Xylene", "30", "Paint booth"),
        _liquid(" xylene ", "20", "Warehouse"),
        _liquid("XYLENE", "10", "paint booth"),
    )

    assert (
        first
        == second
        == third
        == (
            "Reportable because the facility has 60 gal in 2 locations, at or above the 55 gal "
            "threshold for liquids."
        )
    )


def test_below_the_threshold_it_may_not_need_reporting():
    one, other = _sentences(_liquid("Xylene", "30", "A"), _liquid("Acetone", "50", "A"))

    assert one == (
        "May not need reporting because the facility has 30 gal in 1 location, below the "
        "55 gal threshold for liquids."
    )
    assert other.startswith("May not need reporting because the facility has 50 gal")


def test_the_cas_number_makes_two_names_one_material():
    sentences = _sentences(
        row(CommonName="Diesel", CASNumber="68476-34-6", MaximumDailyAmount="30"),
        row(
            CommonName="Dyed diesel",
            CASNumber="68476-34-6",
            MaximumDailyAmount="30",
            ChemicalLocation="Tank farm",
        ),
    )

    assert set(sentences) == {
        "Reportable because the facility has 60 gal in 2 locations, at or above the 55 gal "
        "threshold for liquids."
    }


def test_pounds_and_gallons_are_summed_through_the_density():
    gallons, pounds = _sentences(
        _liquid("Acetone", "40", "A", CASNumber="67-64-1"),
        _liquid("Acetone", "120", "B", CASNumber="67-64-1", Units="c"),
        r1={"density_kg_per_l": 0.7845},
        r2={"density_kg_per_l": 0.7845},
    )

    # 120 lb of acetone are 18.33 gal: 58.33 gal in all.
    assert (
        gallons
        == pounds
        == (
            "Reportable because the facility has 58.33 gal in 2 locations, at or above the 55 gal "
            "threshold for liquids."
        )
    )


def test_an_amount_that_cannot_be_converted_is_named():
    counted, uncounted = _sentences(
        _liquid("Mystery solvent", "60", "A"),
        _liquid("Mystery solvent", "100", "B", Units="c"),
    )

    assert (
        counted
        == uncounted
        == (
            "Reportable because the facility has 60 gal in 2 locations, at or above the 55 gal "
            "threshold for liquids. Not counted: 100 lb, as its density is not known."
        )
    )
    [alone] = _sentences(_liquid("Mystery solvent", "100", "B", Units="c"))
    assert alone == (
        "Check whether it needs reporting: 100 lb cannot be compared with the 55 gal threshold "
        "for liquids without its density."
    )


def test_solids_and_gases_have_their_own_thresholds():
    solid, gas = _sentences(
        row(
            CommonName="Calcium hypochlorite",
            CASNumber="7778-54-3",
            PhysicalState="a",
            Units="d",
            MaximumDailyAmount="0.25",
        ),
        row(
            CommonName="Hydrogen",
            CASNumber="1333-74-0",
            PhysicalState="c",
            Units="b",
            MaximumDailyAmount="199",
        ),
    )

    assert solid == (
        "Reportable because the facility has 500 lb in 1 location, at or above the 500 lb "
        "threshold for solids."
    )
    assert gas == (
        "May not need reporting because the facility has 199 ft³ in 1 location, below the "
        "200 ft³ threshold for compressed gases."
    )


def _ehs(amount: str, **changes: str) -> dict[str, str]:
    defaults = {
        "CommonName": "Chlorine",
        "CASNumber": "7782-50-5",
        "EHS": "Y",
        "PhysicalState": "c",
        "Units": "c",
        "MaximumDailyAmount": amount,
    }
    return row(**{**defaults, **changes})


def test_an_ehs_is_reportable_at_its_tpq_when_that_is_below_500_lb():
    [reportable] = _sentences(_ehs("100"), r1={"tpq_lb": 100})
    [below] = _sentences(_ehs("99"), r1={"tpq_lb": 100})

    assert reportable == (
        "Reportable because it is an Extremely Hazardous Substance and the facility has 100 lb "
        "in 1 location, at or above its threshold of 100 lb (its threshold planning quantity)."
    )
    assert below == (
        "May not need reporting because the facility has 99 lb in 1 location, below its "
        "threshold of 100 lb as an Extremely Hazardous Substance (its threshold planning "
        "quantity)."
    )


def test_an_ehs_with_a_higher_tpq_is_reportable_at_500_lb():
    [sentence] = _sentences(_ehs("500"), r1={"tpq_lb": 1000})

    assert sentence == (
        "Reportable because it is an Extremely Hazardous Substance and the facility has 500 lb "
        "in 1 location, at or above its threshold of 500 lb (500 lb, as its threshold planning "
        "quantity, 1,000 lb, is more)."
    )


def test_an_ehs_without_a_known_tpq_asks_to_check_below_500_lb():
    [below] = _sentences(_ehs("20"))
    [above] = _sentences(_ehs("600"))

    assert below.startswith("Check whether it needs reporting: it is an Extremely Hazardous")
    assert "not known here" in below
    assert above.startswith("Reportable because it is an Extremely Hazardous Substance")


def test_ehs_amounts_are_summed_in_pounds():
    sentences = _sentences(
        _ehs("300", ChemicalLocation="A"),
        _ehs("0.15", ChemicalLocation="B", Units="d"),
        r1={"tpq_lb": 100},
        r2={"tpq_lb": 100},
    )

    assert set(sentences) == {
        "Reportable because it is an Extremely Hazardous Substance and the facility has 600 lb "
        "in 2 locations, at or above its threshold of 100 lb (its threshold planning "
        "quantity)."
    }


def _gas(name: str, cas: str, amount: str, location: str = "Cage") -> dict[str, str]:
    return row(
        CommonName=name,
        CASNumber=cas,
        PhysicalState="c",
        Units="b",
        MaximumDailyAmount=amount,
        ChemicalLocation=location,
    )


def test_simple_asphyxiants_and_carbon_dioxide_have_1000_cubic_feet():
    nitrogen, argon, co2 = _sentences(
        _gas("Nitrogen", "7727-37-9", "900"),
        _gas("Argon", "7440-37-1", "1000"),
        _gas("Carbon dioxide", "124-38-9", "999"),
    )

    assert nitrogen == (
        "May not need reporting because the facility has 900 ft³ in 1 location, below the "
        "1,000 ft³ threshold for simple asphyxiants."
    )
    assert argon.startswith("Reportable because the facility has 1,000 ft³")
    assert co2.endswith("below the 1,000 ft³ threshold for carbon dioxide.")


def test_a_liquefied_gas_in_gallons_is_converted_to_cubic_feet_of_gas():
    [propane] = _sentences(
        row(
            CommonName="Propane",
            CASNumber="74-98-6",
            PhysicalState="c",
            Units="a",
            MaximumDailyAmount="5",
        )
    )

    # 5 gal of liquid propane (0.493 kg/L) weigh 20.57 lb: about 180 ft³ of gas.
    assert propane == (
        "May not need reporting because the facility has 180.44 ft³ in 1 location, below the "
        "200 ft³ threshold for compressed gases."
    )


def test_irritants_and_sensitizers_have_550_gallons_or_5000_pounds():
    liquid, solid = _sentences(
        _liquid("Truck wash", "549", "Wash bay", PFCodeHazardClass="14", SFCodeHazardClass="30"),
        row(
            CommonName="Road salt",
            PhysicalState="a",
            Units="c",
            MaximumDailyAmount="5000",
            CASNumber="",
            PFCodeHazardClass="14",
        ),
    )

    assert liquid == (
        "May not need reporting because the facility has 549 gal in 1 location, below the "
        "550 gal threshold for irritants and sensitizers."
    )
    assert solid.startswith("Reportable because the facility has 5,000 lb")


def test_an_irritant_that_is_also_corrosive_keeps_the_base_threshold():
    [sentence] = _sentences(
        _liquid("Cleaner", "60", "A", PFCodeHazardClass="14", SFCodeHazardClass="5")
    )

    assert sentence.endswith("at or above the 55 gal threshold for liquids.")


def test_lubricating_oil_counts_per_type_and_in_all():
    motor, gear = _sentences(_liquid("Motor Oil", "55", "Shop"), _liquid("Gear oil", "50", "Shop"))

    assert motor == (
        "May not need reporting because lubricating oil is reportable only above 55 gal of one "
        "type or 275 gal of all types; the facility has 55 gal of this one and 105 gal in all."
    )
    assert gear.startswith("May not need reporting because lubricating oil")

    [more] = _sentences(_liquid("Motor oil", "56", "Shop"))
    assert more == (
        "Reportable because the facility has 56 gal of this lubricating oil in 1 location, "
        "more than 55 gal of one type."
    )
    sentences = _sentences(
        *(
            _liquid(name, "50", "Lube room")
            for name in ("Motor oil", "Gear oil", "Turbine oil", "Compressor oil", "Way oil")
        ),
        _liquid("Spindle oil", "26", "Lube room"),
    )
    assert set(sentences) == {
        "Reportable because the facility has 276 gal of lubricating oils in all, more than 275 gal."
    }


def test_used_oil_is_not_a_lubricating_oil():
    [sentence] = _sentences(_liquid("Used motor oil", "55", "Waste area", HMType="c"))

    assert sentence.endswith("at or above the 55 gal threshold for liquids.")


def test_a_dilute_mixture_is_exempt():
    dilute, carcinogen = _sentences(
        _liquid("Rinse water", "500", "A", HC1Name="Sodium hydroxide", HC1PercentByWeight="0.5"),
        _liquid(
            "Wash",
            "500",
            "A",
            HC1Name="Benzene",
            HC1PercentByWeight="0.5",
            FHCHealthCarcinogenicity="Y",
        ),
    )

    assert dilute == (
        "May not need reporting because its listed hazardous components make up only 0.5% of "
        "the mixture, and mixtures with less than 1% hazardous material are exempt."
    )
    assert carcinogen.startswith("Reportable because the facility has 500 gal")


def test_lower_local_thresholds_replace_the_state_ones():
    local = LocalThresholds(liquid_gal=Decimal(30), gas_ft3=Decimal(100))
    liquid, gas, oil = _sentences(
        _liquid("Xylene", "30", "A"),
        _gas("Nitrogen", "7727-37-9", "150"),
        _liquid("Motor oil", "40", "A"),
        local=local,
    )

    assert liquid == (
        "Reportable because the facility has 30 gal in 1 location, at or above the 30 gal "
        "threshold set locally by the regulator."
    )
    assert gas.endswith("at or above the 100 ft³ threshold set locally by the regulator.")
    assert oil.endswith("at or above the 30 gal threshold set locally by the regulator.")


def test_a_row_without_amount_or_state_asks_for_it():
    no_amount, no_state = _sentences(
        _liquid("Xylene", "", "A"),
        row(CommonName="Thing", CASNumber="", PhysicalState="", Units=""),
    )

    assert (
        no_amount == "Check whether it needs reporting: enter its maximum daily amount and units."
    )
    assert no_state == "Check whether it needs reporting: choose its physical state and units."


def test_rows_without_a_name_or_cas_stand_alone():
    first, second = _sentences(
        row(CommonName="", CASNumber="", MaximumDailyAmount="30"),
        row(CommonName="", CASNumber="", MaximumDailyAmount="30"),
    )

    assert first == second and "30 gal in 1 location" in first


def test_material_keys():
    assert thresholds.material_key("7732185", "Water") == "cas:7732-18-5"
    assert thresholds.material_key("", "  Motor   OIL ") == "name:motor oil"
    assert thresholds.material_key("bad", "") == ""
