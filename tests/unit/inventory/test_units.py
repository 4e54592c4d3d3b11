"""Unit conversions: exact constants, density or specific gravity, gases at 70 °F."""

from __future__ import annotations

from decimal import Decimal

from cers_app.inventory import units
from cers_app.inventory.codes import CUBIC_FEET, GALLONS, GAS, LIQUID, POUNDS, TONS


def _near(value: Decimal | None, expected: str, places: str = "0.01") -> bool:
    assert value is not None
    return abs(value - Decimal(expected)) <= Decimal(places)


def test_the_constants_are_exact():
    exact = (units.LITRES_PER_GALLON, units.KILOGRAMS_PER_POUND, units.LITRES_PER_CUBIC_FOOT)
    assert exact == (Decimal("3.785411784"), Decimal("0.45359237"), Decimal("28.316846592"))
    assert _near(units.GALLONS_PER_CUBIC_FOOT, "7.48052", "0.00001")


def test_tons_and_pounds():
    assert units.convert(Decimal("1.5"), TONS, POUNDS) == 3000
    assert units.convert(Decimal(500), POUNDS, TONS) == Decimal("0.25")


def test_gallons_to_pounds_through_density_or_specific_gravity():
    # 55 gal of acetone (784.5 kg/m³) weigh 360.08 lb.
    assert _near(units.convert(Decimal(55), GALLONS, POUNDS, density_kg_per_l=0.7845), "360.08")
    assert _near(units.to_pounds(Decimal(10), GALLONS, specific_gravity=1.84), "153.40")
    assert _near(units.convert(Decimal("360.08"), POUNDS, GALLONS, density_kg_per_l=0.7845), "55")


def test_without_a_density_pounds_and_gallons_do_not_convert():
    assert units.convert(Decimal(10), GALLONS, POUNDS) is None
    assert units.convert(Decimal(10), POUNDS, GALLONS, density_kg_per_l=0) is None


def test_volumes_of_liquids_convert_without_a_density():
    assert _near(units.convert(Decimal(1), CUBIC_FEET, GALLONS, state=LIQUID), "7.48")


def test_cubic_feet_of_a_gas_are_at_standard_conditions():
    # 1,000 ft³ of propane at 70 °F and 1 atm weigh about 114 lb.
    propane = units.convert(Decimal(1000), CUBIC_FEET, POUNDS, state=GAS, molecular_weight=44.097)
    assert _near(propane, "114.0", "0.1")
    assert units.convert(Decimal(1000), CUBIC_FEET, POUNDS, state=GAS) is None
    # 10 gal of liquid nitrogen (0.807 kg/L) weigh 67.3 lb: about 930 ft³ of gas.
    nitrogen = units.convert(
        Decimal(10), GALLONS, CUBIC_FEET, state=GAS, density_kg_per_l=0.807, molecular_weight=28.013
    )
    assert _near(nitrogen, "930", "1")


def test_abbreviations():
    assert [units.abbreviation(u) for u in "abcdz"] == ["gal", "ft³", "lb", "tons", ""]
