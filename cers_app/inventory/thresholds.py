"""Threshold awareness: would this material have to be reported at all?

The same material (same CAS number, else same common name) is summed over every location of
the facility and compared with the threshold that applies (HSC 25507 and the exemptions
summarised in docs/cers-domain.md §1.5):

* 55 gallons of a liquid, 500 pounds of a solid, 200 cubic feet of a compressed gas;
* an Extremely Hazardous Substance: its threshold planning quantity or 500 lb, whichever is
  less (in pounds; 500 lb when its TPQ is not known, with a note);
* simple asphyxiants (nitrogen, helium, argon, neon, krypton, xenon) and carbon dioxide:
  1,000 cubic feet;
* materials whose only fire code hazard classes are irritant or sensitizer: 550 gallons or
  5,000 pounds (gases keep 200 cubic feet);
* lubricating oil: reportable only above 55 gallons of one type or 275 gallons of all types;
* mixtures whose listed hazardous components make up less than 1 % (0.1 % when the mixture is
  a carcinogen): exempt;
* an agency's lower local thresholds (per physical state) replace higher state ones, except
  for Extremely Hazardous Substances, whose thresholds are already lower.

Exemptions that depend on how a material is used (refrigeration systems, fire suppression,
health-care gases, consumer products, oil in equipment) cannot be seen in a row and are left to
the person reporting. Each row gets one sentence that starts "Reportable because", "May not
need reporting because" or, when an amount is missing or cannot be converted, "Check whether
it needs reporting:".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from cers_app.inventory import codes, units
from cers_app.inventory.codes import CUBIC_FEET, GALLONS, GAS, LIQUID, POUNDS, SOLID, TONS
from cers_app.inventory.fields import COMPONENTS, FIRE_CODE_TAGS, component_tags
from cers_app.inventory.values import grouped, parse_number, row_of

REPORTABLE = "Reportable because"
NOT_REPORTABLE = "May not need reporting because"
UNKNOWN = "Check whether it needs reporting:"

BASE_THRESHOLDS = {
    LIQUID: (Decimal(55), GALLONS),
    SOLID: (Decimal(500), POUNDS),
    GAS: (Decimal(200), CUBIC_FEET),
}
STATE_NAMES = {LIQUID: "liquids", SOLID: "solids", GAS: "compressed gases"}
EHS_CAP_LB = Decimal(500)
ASPHYXIANT_FT3 = Decimal(1000)
IRRITANT_GAL, IRRITANT_LB = Decimal(550), Decimal(5000)
LUBE_PER_TYPE_GAL, LUBE_TOTAL_GAL = Decimal(55), Decimal(275)
DILUTE_PERCENT, DILUTE_CARCINOGEN_PERCENT = Decimal(1), Decimal("0.1")

ASPHYXIANT, CARBON_DIOXIDE, IRRITANT, LUBRICATING_OIL = (
    "asphyxiant",
    "carbon_dioxide",
    "irritant",
    "lubricating_oil",
)
SIMPLE_ASPHYXIANT_CAS = {
    "7727-37-9": "nitrogen",
    "7440-59-7": "helium",
    "7440-37-1": "argon",
    "7440-01-9": "neon",
    "7439-90-9": "krypton",
    "7440-63-3": "xenon",
}
CARBON_DIOXIDE_CAS = "124-38-9"
_ASPHYXIANT_NAMES = re.compile(
    r"^\s*(compressed\s+)?(nitrogen|helium|argon|neon|krypton|xenon)(\s+gas)?(,\s*compressed)?\s*$",
    re.IGNORECASE,
)
_CO2_NAMES = re.compile(r"^\s*(carbon\s+dioxide|co2)(\s+gas)?\s*$", re.IGNORECASE)
_LUBE_NAMES = re.compile(
    r"\b((motor|engine|lube|lubricating|gear|compressor|turbine|crankcase|transmission|"
    r"way|spindle)\s+oils?|lubricants?|\d+w-?\d+)\b",
    re.IGNORECASE,
)
_NOT_LUBE = re.compile(r"\b(used|waste|spent|aerosol|spray)\b", re.IGNORECASE)
# Common gases: (molecular weight, density of the liquid in kg/L: at the normal boiling point
# for cryogens, saturated at 25 °C for gases liquefied under pressure). CRC Handbook values,
# used when the library has none, so gallons of a liquefied gas convert to cubic feet.
GAS_FACTS: dict[str, tuple[float, float | None]] = {
    "7727-37-9": (28.013, 0.807),  # nitrogen
    "7782-44-7": (31.999, 1.141),  # oxygen
    "7440-37-1": (39.948, 1.395),  # argon
    "7440-59-7": (4.0026, 0.125),  # helium
    "1333-74-0": (2.016, 0.0708),  # hydrogen
    "124-38-9": (44.010, 0.713),  # carbon dioxide
    "74-98-6": (44.097, 0.493),  # propane
    "106-97-8": (58.123, 0.573),  # butane
    "68476-85-7": (44.1, 0.51),  # liquefied petroleum gas (mostly propane)
    "7664-41-7": (17.031, 0.600),  # ammonia
    "7782-50-5": (70.906, 1.398),  # chlorine
    "74-86-2": (26.038, None),  # acetylene: dissolved in cylinders, never a liquid
    "74-82-8": (16.043, 0.422),  # methane (LNG)
}


@dataclass(frozen=True)
class LocalThresholds:
    """An agency's lower thresholds per physical state (None: the state threshold)."""

    liquid_gal: Decimal | None = None
    solid_lb: Decimal | None = None
    gas_ft3: Decimal | None = None

    def for_state(self, state: str) -> Decimal | None:
        return {LIQUID: self.liquid_gal, SOLID: self.solid_lb, GAS: self.gas_ft3}.get(state)


NO_LOCAL_THRESHOLDS = LocalThresholds()
_PERCENT_TAGS = tuple(component_tags(n)[0] for n in COMPONENTS)


@dataclass(frozen=True)
class Material:
    """One inventory row as the thresholds see it."""

    item_id: int
    key: str
    location: str
    state: str
    units: str
    amount: Decimal | None
    ehs: bool
    special: str = ""
    hazardous_percent: Decimal | None = None  # listed components of a mixture, summed
    carcinogen: bool = False
    density_kg_per_l: float | None = None
    molecular_weight: float | None = None
    tpq_lb: float | None = None


def material_key(cas: str, common_name: str) -> str:
    """What makes two rows the same material: the CAS number, else the common name."""
    cas = cas or ""
    key = _cas_key(cas) if cas.__class__ is not str else _remembered(_cas_keys, cas, _cas_key)
    if key:
        return key
    name = common_name or ""
    if name.__class__ is not str:
        return _name_key(name)
    return _remembered(_name_keys, name, _name_key)


def _cas_key(cas: str) -> str:
    from cers_app.chemicals.rules import normalise_cas

    dashed = normalise_cas(cas)
    return f"cas:{dashed}" if dashed else ""


def _name_key(common_name: str) -> str:
    from cers_app.chemicals.rules import normalise_name

    name = normalise_name(common_name)
    return f"name:{name}"[:520] if name else ""


# A row's key is worked out when it is stored and again when its threshold is assessed, and
# CAS numbers repeat down an inventory: remember keys (bounded, emptied when full).
_KEYS_LIMIT = 4096
_cas_keys: dict[str, str] = {}
_name_keys: dict[str, str] = {}


def _remembered(memory: dict[str, str], text: str, work_out: Callable[[str], str]) -> str:
    key = memory.get(text)
    if key is None:
        key = work_out(text)
        if len(memory) >= _KEYS_LIMIT:
            memory.clear()
        memory[text] = key
    return key


def classify(values: Mapping[str, object]) -> str:
    """The special threshold class of a row ("" for none)."""
    return classify_row(row_of(values))


def classify_row(row: Mapping[str, str]) -> str:
    """`classify` for a row already read by `values.row_of`."""
    cas = row.get("CASNumber", "")
    name = row.get("CommonName", "")
    state = row.get("PhysicalState", "")
    if cas == CARBON_DIOXIDE_CAS or (not cas and _CO2_NAMES.match(name)):
        return CARBON_DIOXIDE
    if cas in SIMPLE_ASPHYXIANT_CAS or (not cas and _ASPHYXIANT_NAMES.match(name)):
        return ASPHYXIANT
    if row.get("HMType") != codes.WASTE and state in (LIQUID, "") and _lube_name(name):
        return LUBRICATING_OIL
    classes = {row.get(tag) for tag in FIRE_CODE_TAGS} - {""}
    if classes and classes <= {codes.IRRITANT, codes.SENSITIZER}:
        return IRRITANT
    return ""


def _lube_name(name: str) -> bool:
    """Whether a common name says lubricating oil (and not used oil or a spray)."""
    if name.__class__ is not str:
        return bool(_LUBE_NAMES.search(name) and not _NOT_LUBE.search(name))
    found = _lube_names.get(name)
    if found is None:
        found = bool(_LUBE_NAMES.search(name) and not _NOT_LUBE.search(name))
        if len(_lube_names) >= _KEYS_LIMIT:
            _lube_names.clear()
        _lube_names[name] = found
    return found


_lube_names: dict[str, bool] = {}


def material_of(
    item_id: int,
    values: Mapping[str, object],
    *,
    density_kg_per_l: float | None = None,
    molecular_weight: float | None = None,
    tpq_lb: float | None = None,
) -> Material:
    """A row's Material from its stored values and what the library knows about it."""
    return material_of_row(
        item_id,
        row_of(values),
        density_kg_per_l=density_kg_per_l,
        molecular_weight=molecular_weight,
        tpq_lb=tpq_lb,
    )


def material_of_row(
    item_id: int,
    row: Mapping[str, str],
    *,
    density_kg_per_l: float | None = None,
    molecular_weight: float | None = None,
    tpq_lb: float | None = None,
    key: str | None = None,
    special: str | None = None,
) -> Material:
    """`material_of` for a row already read by `values.row_of`. `key` and `special`, when
    given, are the row's `material_key` and `classify_row` worked out already."""
    mixture = row.get("HMType") == codes.MIXTURE
    listed: list[Decimal] = []
    if mixture:  # only a mixture's components count
        percents = [parse_number(row.get(tag, "")) for tag in _PERCENT_TAGS]
        listed = [p for p in percents if p is not None and p >= 0]
    amount = parse_number(row.get("MaximumDailyAmount", ""))
    known = GAS_FACTS.get(row.get("CASNumber", ""))
    if known and molecular_weight is None:
        molecular_weight = known[0]
    if known and density_kg_per_l is None and known[1] is not None:
        density_kg_per_l = known[1]
    return Material(
        item_id=item_id,
        key=material_key(row.get("CASNumber", ""), row.get("CommonName", ""))
        if key is None
        else key,
        location=" ".join(row.get("ChemicalLocation", "").casefold().split()),
        state=row.get("PhysicalState", ""),
        units=row.get("Units", ""),
        amount=amount if amount is not None and amount >= 0 else None,
        ehs=row.get("EHS") == codes.YES,
        special=classify_row(row) if special is None else special,
        hazardous_percent=sum(listed, Decimal(0)) if mixture and listed else None,
        carcinogen=row.get("FHCHealthCarcinogenicity") == codes.YES
        or codes.CARCINOGEN in {row.get(tag) for tag in FIRE_CODE_TAGS},
        density_kg_per_l=density_kg_per_l,
        molecular_weight=molecular_weight,
        tpq_lb=tpq_lb,
    )


# ---------------------------------------------------------------- assessing


def _shown(amount: Decimal, unit: str) -> str:
    rounded = amount.quantize(Decimal("0.01")) if amount < 1000 else amount.quantize(Decimal(1))
    return f"{grouped(rounded)} {units.abbreviation(unit)}"


def _places(count: int) -> str:
    return "1 location" if count == 1 else f"{count} locations"


def _listed(amounts: tuple[str, ...]) -> str:
    return amounts[0] if len(amounts) == 1 else f"{', '.join(amounts[:-1])} and {amounts[-1]}"


@dataclass(frozen=True)
class _Total:
    """A material's amounts summed in one unit; `uncounted` lists those that could not be
    converted to it (as shown to people)."""

    amount: Decimal
    unit: str
    places: int
    counted: int
    uncounted: tuple[str, ...]
    needs: str  # what a conversion lacked

    @property
    def shown(self) -> str:
        return _shown(self.amount, self.unit)

    def note(self) -> str:
        if not self.uncounted:
            return ""
        return f" Not counted: {_listed(self.uncounted)}, as {self.needs} is not known."


def _group_state(rows: list[Material]) -> str:
    states = [row.state for row in rows if row.state in BASE_THRESHOLDS]
    if states:
        return max(sorted(set(states)), key=states.count)
    for row in rows:
        if row.units == GALLONS:
            return LIQUID
        if row.units == CUBIC_FEET:
            return GAS
        if row.units in (POUNDS, TONS):
            return SOLID
    return ""


def _total(rows: list[Material], unit: str, state: str) -> _Total | None:
    """The rows' maximum daily amounts in `unit`; None when no row has an amount and units."""
    amount = Decimal(0)
    counted = 0
    uncounted: list[str] = []
    for row in rows:
        if row.amount is None or not row.units:
            continue
        converted = units.convert(
            row.amount,
            row.units,
            unit,
            state=row.state or state,
            density_kg_per_l=row.density_kg_per_l,
            molecular_weight=row.molecular_weight,
        )
        if converted is None:
            uncounted.append(_shown(row.amount, row.units))
            continue
        amount += converted
        counted += 1
    if not counted and not uncounted:
        return None
    needs = (
        "its liquid density or molecular weight"
        if state == GAS and unit == CUBIC_FEET
        else "its density"
    )
    places = len({row.location for row in rows})
    return _Total(amount, unit, places, counted, tuple(uncounted), needs)


def _unknown(total: _Total | None, limit: str, what: str) -> str:
    """The sentence when the amounts cannot be compared with the threshold."""
    if total is None:
        return f"{UNKNOWN} enter its maximum daily amount and units."
    return (
        f"{UNKNOWN} {_listed(total.uncounted)} cannot be compared with the {limit} threshold "
        f"{what} without {total.needs}."
    )


def _compare(total: _Total, threshold: Decimal, what: str) -> str:
    limit = _shown(threshold, total.unit)
    has = f"the facility has {total.shown} in {_places(total.places)}"
    if total.amount >= threshold:
        return f"{REPORTABLE} {has}, at or above the {limit} threshold {what}.{total.note()}"
    return f"{NOT_REPORTABLE} {has}, below the {limit} threshold {what}.{total.note()}"


def _ehs_sentence(rows: list[Material]) -> str:
    tpqs = [Decimal(str(row.tpq_lb)) for row in rows if row.tpq_lb is not None]
    tpq = min(tpqs) if tpqs else None
    threshold = min(tpq, EHS_CAP_LB) if tpq is not None else EHS_CAP_LB
    limit = _shown(threshold, POUNDS)
    total = _total(rows, POUNDS, _group_state(rows))
    if total is None or not total.counted:
        return _unknown(total, limit, "for an Extremely Hazardous Substance")
    has = f"the facility has {total.shown} in {_places(total.places)}"
    if tpq is None:
        why = ""
    elif tpq <= EHS_CAP_LB:
        why = " (its threshold planning quantity)"
    else:
        why = f" (500 lb, as its threshold planning quantity, {_shown(tpq, POUNDS)}, is more)"
    if total.amount >= threshold:
        return (
            f"{REPORTABLE} it is an Extremely Hazardous Substance and {has}, at or above its "
            f"threshold of {limit}{why}.{total.note()}"
        )
    if tpq is None:
        return (
            f"{UNKNOWN} it is an Extremely Hazardous Substance and {has}, below 500 lb; its "
            "threshold is its threshold planning quantity when that is less, and that is not "
            f"known here.{total.note()}"
        )
    return (
        f"{NOT_REPORTABLE} {has}, below its threshold of {limit} as an Extremely Hazardous "
        f"Substance{why}.{total.note()}"
    )


def _lube_sentence(rows: list[Material], all_lube: _Total | None) -> str:
    total = _total(rows, GALLONS, LIQUID)
    if total is None or not total.counted:
        return _unknown(total, "55 gal", "for one type of lubricating oil")
    if total.amount > LUBE_PER_TYPE_GAL:
        return (
            f"{REPORTABLE} the facility has {total.shown} of this lubricating oil in "
            f"{_places(total.places)}, more than 55 gal of one type.{total.note()}"
        )
    overall = all_lube.amount if all_lube else total.amount
    if overall > LUBE_TOTAL_GAL:
        return (
            f"{REPORTABLE} the facility has {_shown(overall, GALLONS)} of lubricating oils in "
            f"all, more than 275 gal.{total.note()}"
        )
    return (
        f"{NOT_REPORTABLE} lubricating oil is reportable only above 55 gal of one type or "
        f"275 gal of all types; the facility has {total.shown} of this one and "
        f"{_shown(overall, GALLONS)} in all.{total.note()}"
    )


def _dilute_sentence(rows: list[Material]) -> str:
    """The exemption of a mixture with less than 1 % (0.1 % for a carcinogen) hazardous
    material, when every row lists its components; "" when it does not apply."""
    percents = [row.hazardous_percent for row in rows]
    if not percents or any(p is None for p in percents):
        return ""
    carcinogen = any(row.carcinogen for row in rows)
    limit = DILUTE_CARCINOGEN_PERCENT if carcinogen else DILUTE_PERCENT
    highest = max(p for p in percents if p is not None)
    if highest >= limit:
        return ""
    kind = "a carcinogen" if carcinogen else "hazardous material"
    return (
        f"{NOT_REPORTABLE} its listed hazardous components make up only {grouped(highest)}% "
        f"of the mixture, and mixtures with less than {grouped(limit)}% {kind} are exempt."
    )


def _group_sentence(rows: list[Material], local: LocalThresholds, all_lube: _Total | None) -> str:
    if any(row.ehs for row in rows):
        return _ehs_sentence(rows)
    state = _group_state(rows)
    if not state:
        return f"{UNKNOWN} choose its physical state and units."
    dilute = _dilute_sentence(rows)
    if dilute:
        return dilute
    special = rows[0].special if all(row.special == rows[0].special for row in rows) else ""
    if special == LUBRICATING_OIL and local.liquid_gal is None:
        return _lube_sentence(rows, all_lube)
    threshold, unit = BASE_THRESHOLDS[state]
    what = f"for {STATE_NAMES[state]}"
    if special in (ASPHYXIANT, CARBON_DIOXIDE) and state == GAS:
        threshold = ASPHYXIANT_FT3
        what = "for simple asphyxiants" if special == ASPHYXIANT else "for carbon dioxide"
    elif special == IRRITANT and state in (LIQUID, SOLID):
        threshold = IRRITANT_GAL if state == LIQUID else IRRITANT_LB
        what = "for irritants and sensitizers"
    lower = local.for_state(state)
    if lower is not None and lower < threshold:
        threshold, what = lower, "set locally by the regulator"
    total = _total(rows, unit, state)
    if total is None or not total.counted:
        return _unknown(total, _shown(threshold, unit), what)
    return _compare(total, threshold, what)


def assess(
    materials: Iterable[Material], local: LocalThresholds = NO_LOCAL_THRESHOLDS
) -> dict[int, str]:
    """The threshold sentence of every row, by item id. Rows with the same key are one
    material; rows without a key (no CAS, no name) stand alone."""
    groups: dict[str, list[Material]] = defaultdict(list)
    for material in materials:
        groups[material.key or f"item:{material.item_id}"].append(material)
    lube_rows = [
        row
        for rows in groups.values()
        if all(row.special == LUBRICATING_OIL for row in rows)
        for row in rows
    ]
    all_lube = _total(lube_rows, GALLONS, LIQUID) if lube_rows else None
    sentences: dict[int, str] = {}
    for rows in groups.values():
        sentence = _group_sentence(rows, local, all_lube)
        for row in rows:
            sentences[row.item_id] = sentence
    return sentences
