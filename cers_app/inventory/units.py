"""Inventory units (gallons, cubic feet, pounds, tons) and conversions between them.

Exact definitions: 1 US gal = 3.785411784 L, 1 lb = 0.45359237 kg, 1 ft³ = 28.316846592 L,
1 ton = 2,000 lb. Pounds and gallons convert through the material's density (kg/L) or its
specific gravity (water at 60 °F = 8.3372 lb/gal). A gas's cubic feet are at standard
conditions (70 °F, 1 atm, as the fire code counts them), so they convert to pounds through its
molecular weight (ideal gas: 386.8 ft³ per lb-mol). Amounts are Decimals; a conversion that
lacks the density or molecular weight it needs returns None rather than guessing.
"""

from __future__ import annotations

from decimal import Decimal

from cers_app.inventory.codes import CUBIC_FEET, GALLONS, GAS, POUNDS, TONS, UNIT_ABBREVIATIONS

LITRES_PER_GALLON = Decimal("3.785411784")
KILOGRAMS_PER_POUND = Decimal("0.45359237")
LITRES_PER_CUBIC_FOOT = Decimal("28.316846592")
POUNDS_PER_TON = Decimal(2000)
WATER_POUNDS_PER_GALLON_60F = Decimal("8.3372")  # reference of specific gravity
# Ideal gas at 70 °F (529.67 °R) and 14.696 psia, R = 10.7316 psia·ft³/(lb-mol·°R).
CUBIC_FEET_PER_POUND_MOLE = Decimal("10.7316") * Decimal("529.67") / Decimal("14.696")
GALLONS_PER_CUBIC_FOOT = LITRES_PER_CUBIC_FOOT / LITRES_PER_GALLON


def _positive(value: float | Decimal | None) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value))
    return number if number.is_finite() and number > 0 else None


def pounds_per_gallon(
    density_kg_per_l: float | Decimal | None = None,
    specific_gravity: float | Decimal | None = None,
) -> Decimal | None:
    """Pounds in one US gallon of a liquid (or solid by volume): from its density, else its
    specific gravity; None when neither is known."""
    density = _positive(density_kg_per_l)
    if density is not None:
        return density * LITRES_PER_GALLON / KILOGRAMS_PER_POUND
    gravity = _positive(specific_gravity)
    if gravity is not None:
        return gravity * WATER_POUNDS_PER_GALLON_60F
    return None


def gas_pounds_per_cubic_foot(molecular_weight: float | Decimal | None) -> Decimal | None:
    """Pounds in one cubic foot of a gas at 70 °F and 1 atm (ideal gas)."""
    weight = _positive(molecular_weight)
    return weight / CUBIC_FEET_PER_POUND_MOLE if weight is not None else None


def convert(
    amount: Decimal,
    from_unit: str,
    to_unit: str,
    *,
    state: str = "",
    density_kg_per_l: float | Decimal | None = None,
    specific_gravity: float | Decimal | None = None,
    molecular_weight: float | Decimal | None = None,
) -> Decimal | None:
    """`amount` in `from_unit` expressed in `to_unit` (CERS unit codes a-d), or None.

    For a gas (`state` "c") cubic feet mean gas at standard conditions and gallons mean the
    liquefied gas, so both go through pounds. For liquids and solids, gallons and cubic feet
    are plain volumes.
    """
    if from_unit == to_unit:
        return amount
    pounds = _to_pounds(
        amount, from_unit, state, density_kg_per_l, specific_gravity, molecular_weight
    )
    if pounds is None:
        if state != GAS and {from_unit, to_unit} == {GALLONS, CUBIC_FEET}:
            factor = GALLONS_PER_CUBIC_FOOT
            return amount * factor if from_unit == CUBIC_FEET else amount / factor
        return None
    return _from_pounds(
        pounds, to_unit, state, density_kg_per_l, specific_gravity, molecular_weight
    )


def to_pounds(
    amount: Decimal,
    unit: str,
    *,
    state: str = "",
    density_kg_per_l: float | Decimal | None = None,
    specific_gravity: float | Decimal | None = None,
    molecular_weight: float | Decimal | None = None,
) -> Decimal | None:
    """`amount` in pounds (EHS amounts are always reported in pounds), or None."""
    return convert(
        amount,
        unit,
        POUNDS,
        state=state,
        density_kg_per_l=density_kg_per_l,
        specific_gravity=specific_gravity,
        molecular_weight=molecular_weight,
    )


def _volume_per_pound(unit: str, state: str, density, gravity, molecular_weight) -> Decimal | None:
    """How many `unit`s (gallons or cubic feet) one pound takes up, or None."""
    if unit == CUBIC_FEET and state == GAS:
        per_cubic_foot = gas_pounds_per_cubic_foot(molecular_weight)
        return 1 / per_cubic_foot if per_cubic_foot else None
    per_gallon = pounds_per_gallon(density, gravity)
    if per_gallon is None:
        return None
    gallons = 1 / per_gallon
    return gallons if unit == GALLONS else gallons / GALLONS_PER_CUBIC_FOOT


def _to_pounds(amount, unit, state, density, gravity, molecular_weight) -> Decimal | None:
    if unit == POUNDS:
        return amount
    if unit == TONS:
        return amount * POUNDS_PER_TON
    if unit in (GALLONS, CUBIC_FEET):
        per_pound = _volume_per_pound(unit, state, density, gravity, molecular_weight)
        return amount / per_pound if per_pound else None
    return None


def _from_pounds(pounds, unit, state, density, gravity, molecular_weight) -> Decimal | None:
    if unit == POUNDS:
        return pounds
    if unit == TONS:
        return pounds / POUNDS_PER_TON
    if unit in (GALLONS, CUBIC_FEET):
        per_pound = _volume_per_pound(unit, state, density, gravity, molecular_weight)
        return pounds * per_pound if per_pound else None
    return None


def abbreviation(unit: str) -> str:
    """ "gal", "ft³", "lb" or "tons" for a unit code ("" when unknown)."""
    return UNIT_ABBREVIATIONS.get(unit, "")
