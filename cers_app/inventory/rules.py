"""The rule catalogue of a Hazardous Materials Inventory row ("Validate My Inventory").

Each rule has a code (the CERS guidance message code where CERS has one, else our own stable
"HMI-..." code), a level, the fields it concerns (XML tags) and a check that yields findings
whose message says how to fix the row. Three levels are agency settings: a missing chemical
location, a missing storage container and a gas reported in gallons.

`validate(values, settings)` is pure and never raises, whatever it is given: rows come from
forms, spreadsheets and old data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from operator import contains, itemgetter, le

from cers_app.inventory import codes
from cers_app.inventory.fields import (
    CODE,
    COMPONENTS,
    CONTAINER_TAGS,
    DECIMAL,
    FIELD_BY_TAG,
    FIELDS,
    FIRE_CODE_TAGS,
    FLAG,
    HAZARD_TAGS,
    INTEGER,
    REQUIRED_TAGS,
    TEXT,
    YESNO,
    component_tags,
    noun,
)
from cers_app.inventory.values import grouped, read_number, row_of

REQUIRED, WARNING, ADVISORY = "required", "warning", "advisory"
LEVELS = (REQUIRED, WARNING, ADVISORY)
LEVEL_LABELS = {REQUIRED: "Required", WARNING: "Warning", ADVISORY: "Advisory"}
LEVEL_RANK = {REQUIRED: 1, WARNING: 2, ADVISORY: 3}  # lower is worse


@dataclass(frozen=True)
class Finding:
    code: str
    level: str
    fields: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class RuleSettings:
    """The levels an agency chooses (defaults: Required, Required, Warning)."""

    location_level: str = REQUIRED
    container_level: str = REQUIRED
    gas_gallons_level: str = WARNING


DEFAULT_SETTINGS = RuleSettings()


class Row:
    """A row's values as text, each number field read at most once per validation. The
    checks only `get` values: the row is read where it is, not copied."""

    __slots__ = ("get", "numbers", "values")

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.get = values.get
        self.numbers: dict[str, tuple[Decimal | None, str]] = {}

    def read(self, tag: str) -> tuple[Decimal | None, str]:
        """(number, problem) of a number field; (None, "") when it is empty."""
        found = self.numbers.get(tag)
        if found is None:
            text = self.get(tag, "")
            found = _number_read(tag, text) if text else _NO_NUMBER
            self.numbers[tag] = found
        return found

    def number(self, tag: str) -> Decimal | None:
        return self.read(tag)[0]


# Amounts, percentages and days repeat down an inventory: remember what each text read as
# (results are immutable; the memory is bounded and emptied when full).
_CACHE_LIMIT = 20_000
_numbers_read: dict[tuple[str, str], tuple[Decimal | None, str]] = {}
_cas_valid: dict[str, bool] = {}
_NO_NUMBER: tuple[Decimal | None, str] = (None, "")


def _plain_fit(tag: str) -> tuple[Callable[[str], object], int]:
    """(a match of number text written plainly whose digits after the point fit the field,
    the most characters besides a point it may have): text both accept is read by
    `read_number` as Decimal(text) without a problem, since leading and trailing zeros only
    make its counted digits fewer."""
    field = FIELD_BY_TAG[tag]
    if field.kind == INTEGER:
        fraction = ""
    elif field.decimals is not None:
        fraction = rf"(?:\.\d{{1,{field.decimals}}})?" if field.decimals else ""
    else:
        fraction = r"(?:\.\d+)?"
    pattern = re.compile(rf"\d+{fraction}", re.ASCII)
    return pattern.fullmatch, field.digits if field.digits is not None else 1 << 30


def _number_read(tag: str, text: str) -> tuple[Decimal | None, str]:
    """`read_number` of a number field's text, quickly for the usual plain number (this
    runs for every number of every row)."""
    fit, most = _PLAIN_FITS[tag]
    if fit(text) is not None and len(text) - ("." in text) <= most:
        return Decimal(text), ""
    return _numbers_read.get((tag, text)) or _read_number(tag, text)


def _read_number(tag: str, text: str) -> tuple[Decimal | None, str]:
    key = (tag, text)
    found = _numbers_read.get(key)
    if found is None:
        found = read_number(FIELD_BY_TAG[tag], text)
        if len(_numbers_read) >= _CACHE_LIMIT:
            _numbers_read.clear()
        _numbers_read[key] = found
    return found


def _is_cas(value: str) -> bool:
    """Whether `value` is a CAS number with a right check digit (chemicals.rules)."""
    valid = _cas_valid.get(value)
    if valid is None:
        from cers_app.chemicals.rules import normalise_cas

        valid = normalise_cas(value) is not None
        if len(_cas_valid) >= _CACHE_LIMIT:
            _cas_valid.clear()
        _cas_valid[value] = valid
    return valid


@dataclass(frozen=True)
class Rule:
    """One check. `level` is fixed, or "" when the agency setting named `setting` gives it."""

    code: str
    name: str
    level: str
    setting: str
    fields: tuple[str, ...]
    summary: str
    check: Callable[[Row], Iterator[tuple[tuple[str, ...], str]]]

    def level_for(self, settings: RuleSettings) -> str:
        if not self.setting:
            return self.level
        chosen = getattr(settings, self.setting, "")
        return chosen if chosen in LEVELS else getattr(DEFAULT_SETTINGS, self.setting)


# ---------------------------------------------------------------- helpers


def _number(row: Row, tag: str) -> Decimal | None:
    """The field's value if it is a storable number, else None (other rules report it)."""
    return (row.numbers.get(tag) or row.read(tag))[0]


def _amount(number: Decimal) -> str:
    return grouped(number)


def _yes(row: Row, tag: str) -> bool:
    return row.get(tag) == codes.YES


# Gases that are normally stored liquefied under their own vapour pressure, by CAS number:
# propane, butane, isobutane, LPG, propylene, 1-butene, isobutylene, 1,3-butadiene, ammonia,
# chlorine, carbon dioxide, sulfur dioxide, nitrous oxide, hydrogen chloride, hydrogen
# sulfide, hydrogen fluoride, methyl chloride, methyl bromide, vinyl chloride, ethylene oxide,
# dimethyl ether, methylamine, dimethylamine, phosgene and the common refrigerants R-22,
# R-134a and R-1234yf.
LIQUEFIED_GAS_CAS = frozenset(
    {
        "74-98-6",
        "106-97-8",
        "75-28-5",
        "68476-85-7",
        "115-07-1",
        "106-98-9",
        "115-11-7",
        "106-99-0",
        "7664-41-7",
        "7782-50-5",
        "124-38-9",
        "7446-09-5",
        "10024-97-2",
        "7647-01-0",
        "7783-06-4",
        "7664-39-3",
        "74-87-3",
        "74-83-9",
        "75-01-4",
        "75-21-8",
        "115-10-6",
        "74-89-5",
        "124-40-3",
        "75-44-5",
        "75-45-6",
        "75-10-5",
        "354-33-6",
        "811-97-2",
        "754-12-1",
    }
)
_LIQUEFIED_WORDS = re.compile(
    r"\b(liquefied|liquified|liquid|refrigerated|cryogenic|lpg|lng|propane|butane|"
    r"propylene|ammonia|chlorine|refrigerant|freon)\b",
    re.IGNORECASE,
)
_LIQUEFIED_CLASSES = {codes.CRYOGEN, codes.LIQUEFIED_PETROLEUM_GAS, codes.OXIDIZING_GAS_LIQUEFIED}


def liquefied_or_cryogenic(row: Mapping[str, str]) -> bool:
    """Whether a gas row is a liquefied or cryogenic gas, which may be reported in gallons.

    Any one of: storage temperature Cryogenic; a fire code class Cryogen, Liquefied petroleum
    gas or Oxidizing gas (liquefied); a CAS number of a gas normally stored liquefied; or a
    name that says so ("Liquid nitrogen", "LPG", "Propane", "Anhydrous ammonia").
    """
    if row.get("StorageTemperature") == codes.CRYOGENIC:
        return True
    if any(row.get(tag) in _LIQUEFIED_CLASSES for tag in FIRE_CODE_TAGS):
        return True
    if row.get("CASNumber", "") in LIQUEFIED_GAS_CAS:
        return True
    names = f"{row.get('CommonName', '')} {row.get('ChemicalName', '')}"
    return bool(_LIQUEFIED_WORDS.search(names))


def _some_of(row: Row, tags: tuple[str, ...], given: Callable[[dict], tuple]) -> Iterable:
    """The values of `tags` (`given` gets them from a row that has every field)."""
    try:
        return given(row.values)
    except KeyError:
        return map(row.get, tags)


_hazards = itemgetter(*HAZARD_TAGS)
_containers = itemgetter(*CONTAINER_TAGS)


# ---------------------------------------------------------------- checks
# Each yields (fields at fault, message); the rule adds its code and level.

_REQUIRED_MESSAGES = {
    "CommonName": "Enter the material's common name (its product or trade name): every "
    "material needs one.",
    "EHS": "Answer whether the material is an Extremely Hazardous Substance (Yes or No).",
    "PhysicalState": "Choose the physical state as stored: solid, liquid or gas.",
    "MaximumDailyAmount": "Enter the maximum daily amount: the most on site at any one time "
    "during the year.",
    "Units": "Choose the units of the amounts: gallons, cubic feet, pounds or tons.",
}


def _minimally_required(row: Row):
    for tag in REQUIRED_TAGS:
        if not row.get(tag):
            yield (tag,), _REQUIRED_MESSAGES[tag]


def _code_lists(row: Row):
    if _all_allowed(row):
        return
    for tag, allowed in _ALLOWED.items():
        value = row.get(tag, "")
        if not value or value in allowed:
            continue
        field = FIELD_BY_TAG[tag]
        shown = value if len(value) <= 40 else value[:37] + "..."
        if field.kind == CODE and len(field.codes) <= 6:
            choices = ", ".join(label for _, label in field.codes)
            hint = f"Choose one of: {choices}."
        elif field.kind == CODE:
            hint = "Choose one from the list."
        else:
            hint = "Choose Yes or No."
        yield (tag,), f'"{shown}" is not one of the choices for {noun(tag)}. {hint}'


def _numbers(row: Row):
    # Row.read, inline: every filled number of every row is read here first.
    get, numbers = row.get, row.numbers
    for tag in _NUMBER_TAGS:
        text = get(tag)
        if not text:
            continue
        found = numbers.get(tag)
        if found is None:
            found = numbers[tag] = _number_read(tag, text)
        number, problem = found
        if problem:
            yield (tag,), problem
        elif number is not None and number < 0:
            yield (tag,), f"The {noun(tag)} cannot be negative."


def _lengths(row: Row):
    if _all_short(row):
        return
    for field in FIELDS:
        if field.kind != TEXT or field.max_length is None:
            continue
        size = len(row.get(field.tag, ""))
        if size > field.max_length:
            yield (
                (field.tag,),
                (
                    f"The {noun(field.tag)} is {size} characters long; shorten it to at most "
                    f"{field.max_length}."
                ),
            )


def _average_within_maximum(row: Row):
    average, maximum = _number(row, "AverageDailyAmount"), _number(row, "MaximumDailyAmount")
    if average is not None and maximum is not None and average > maximum:
        yield (
            ("AverageDailyAmount", "MaximumDailyAmount"),
            (
                f"The average daily amount ({_amount(average)}) is more than the maximum daily "
                f"amount ({_amount(maximum)}). The average cannot exceed the maximum: correct one "
                "of them."
            ),
        )


def _largest_container_within_maximum(row: Row):
    largest, maximum = _number(row, "LargestContainer"), _number(row, "MaximumDailyAmount")
    if largest is not None and maximum is not None and largest > maximum:
        yield (
            ("LargestContainer", "MaximumDailyAmount"),
            (
                f"The largest container ({_amount(largest)}) holds more than the maximum daily "
                f"amount ({_amount(maximum)}). Check both, in the same units: the largest "
                "container is the size of one container, the maximum daily amount the most on "
                "site at any one time."
            ),
        )


_LEAST_PERCENT = Decimal("0.01")


def _component_percent(row: Row):
    for n, tag in enumerate(_PERCENT_TAGS, 1):
        percent = _number(row, tag)
        if percent is not None and not _LEAST_PERCENT <= percent <= 100:
            yield (
                (tag,),
                (
                    f"Component {n}'s percentage by weight ({_amount(percent)}%) must be between "
                    "0.01 and 100."
                ),
            )


def _component_sum(row: Row):
    numbers = row.numbers
    given = []
    for tag in _PERCENT_TAGS:
        percent = (numbers.get(tag) or row.read(tag))[0]
        if percent is not None and percent > 0:
            given.append((tag, percent))
    if len(given) < 2:
        return
    total = sum((percent for _, percent in given), Decimal(0))
    if total > 100:
        yield (
            tuple(tag for tag, _ in given),
            (
                f"The components' percentages add up to {_amount(total)}%, more than 100%. "
                "Correct them from the Safety Data Sheet (use the upper value of a range only "
                "where the sum allows it)."
            ),
        )


def _component_names(row: Row):
    for n, (percent, name, ehs, cas) in enumerate(_COMPONENT_TAGS, 1):
        if not row.get(name) and (row.get(percent) or row.get(cas) or _yes(row, ehs)):
            yield (name,), f"Enter component {n}'s name, or clear its other fields."


_CAS_SHAPE = re.compile(r"(\d{2,7})-?(\d{2})-?(\d)", re.ASCII)


def _cas_numbers(row: Row):
    for tag in _CAS_TAGS:
        value = row.get(tag, "")
        if not value or _is_cas(value):
            continue
        shape = _CAS_SHAPE.fullmatch(value.replace(" ", "").replace("\u2011", "-"))
        if shape:
            yield (
                (tag,),
                (
                    f"The CAS number {shape[1]}-{shape[2]}-{shape[3]} fails its check digit, so a "
                    "digit is probably mistyped. Copy it again from the Safety Data Sheet."
                ),
            )
        else:
            shown = value if len(value) <= 20 else value[:17] + "..."
            yield (
                (tag,),
                (
                    f'"{shown}" is not a CAS number (digits written like 7664-93-9). For a '
                    "mixture leave it blank and list the hazardous components instead."
                ),
            )


def _ehs_in_pounds(row: Row):
    units = row.get("Units", "")
    if _yes(row, "EHS") and units and units != codes.POUNDS:
        yield (
            ("EHS", "Units"),
            (
                "An Extremely Hazardous Substance is reported in pounds. Convert its amounts to "
                "pounds and choose Pounds as the units."
            ),
        )


def _gas_in_gallons(row: Row):
    if (
        row.get("PhysicalState") == codes.GAS
        and row.get("Units") == codes.GALLONS
        and not liquefied_or_cryogenic(row)
    ):
        yield (
            ("PhysicalState", "Units"),
            (
                "A gas is reported in cubic feet (at standard temperature and pressure). Convert "
                "its amounts to cubic feet and choose Cubic feet. Only a liquefied or cryogenic "
                "gas may be reported in gallons; for one, set the storage temperature to "
                "Cryogenic or its fire code hazard class."
            ),
        )


def _trade_secret(row: Row):
    if _yes(row, "TradeSecret"):
        yield (
            ("TradeSecret",),
            (
                "This material is marked as a trade secret: the regulator will handle it under "
                "HSC 25511. Mark it only if its identity is a trade secret you have claimed."
            ),
        )


def _days_on_site(row: Row):
    days = _number(row, "DaysOnSite")
    if days is not None and not 1 <= days <= 365:
        yield (
            ("DaysOnSite",),
            (
                f"Days on site ({_amount(days)}) must be from 1 to 365: the days of the year the "
                "material is on site."
            ),
        )


def _waste_code(row: Row):
    if row.get("HMType") == codes.WASTE and not row.get("StateWasteCode"):
        yield (
            ("HMType", "StateWasteCode"),
            (
                "A waste needs its California state waste code: choose the three-digit code "
                "that best describes it."
            ),
        )


def _waste_amount(row: Row):
    if row.get("HMType") == codes.WASTE and not row.get("AnnualWasteAmount"):
        yield (
            ("HMType", "AnnualWasteAmount"),
            ("A waste needs its annual waste amount: enter how much is generated in a year."),
        )


def _curies(row: Row):
    if _yes(row, "RadioActive") and not row.get("Curies"):
        yield (
            ("RadioActive", "Curies"),
            ("A radioactive material needs its activity: enter the amount in curies."),
        )


def _hazard_category(row: Row):
    if codes.YES not in _some_of(row, HAZARD_TAGS, _hazards):
        yield (
            HAZARD_TAGS,
            (
                "Tick at least one physical or health hazard category that applies; the Safety "
                "Data Sheet (section 2) lists them."
            ),
        )


def _storage_container(row: Row):
    if codes.YES not in _some_of(row, CONTAINER_TAGS, _containers):
        yield (
            CONTAINER_TAGS,
            (
                "Tick at least one storage container in Inventory Storage Information (such as "
                "Steel drum or Aboveground tank) to say how the material is stored."
            ),
        )


def _other_container(row: Row):
    if _yes(row, "SCOther") and not row.get("OtherStorageContainer"):
        yield (
            ("SCOther", "OtherStorageContainer"),
            (
                'Say what the other storage container is in "Other container (specify)", or '
                'untick "Other".'
            ),
        )


def _location(row: Row):
    if not row.get("ChemicalLocation"):
        yield (
            ("ChemicalLocation",),
            (
                "Enter where the material is kept (a building or outside area, such as "
                '"Warehouse, bay 3"), so that emergency responders can find it.'
            ),
        )


_NUMBER_TAGS = tuple(f.tag for f in FIELDS if f.kind in (DECIMAL, INTEGER))
_PLAIN_FITS = {tag: _plain_fit(tag) for tag in _NUMBER_TAGS}
_ALLOWED = {
    f.tag: frozenset(c for c, _ in f.codes) for f in FIELDS if f.kind in (CODE, YESNO, FLAG)
}
# The same checks as `_code_lists` and `_lengths` make, for every field at once (the usual
# row passes both): an empty coded field is allowed, and so is an absent text field.
_ALLOWED_OR_EMPTY = tuple(allowed | {""} for allowed in _ALLOWED.values())
_LENGTH_TAGS = tuple(f.tag for f in FIELDS if f.kind == TEXT and f.max_length is not None)
_LENGTH_LIMITS = tuple(f.max_length for f in FIELDS if f.kind == TEXT and f.max_length is not None)


def _allowed_groups() -> tuple[tuple[frozenset[str], Callable[[dict], tuple]], ...]:
    """(codes allowed or "", the values of every field allowing just those, as a tuple):
    the Yes/No fields and tick boxes all share one group, fire code classes another."""
    tags_by_allowed: dict[frozenset[str], list[str]] = {}
    for tag, allowed in _ALLOWED.items():
        tags_by_allowed.setdefault(allowed | {""}, []).append(tag)
    # itemgetter of one key gives the value itself, not a tuple: name it twice then.
    return tuple(
        (allowed, itemgetter(*tags) if len(tags) > 1 else itemgetter(tags[0], tags[0]))
        for allowed, tags in tags_by_allowed.items()
    )


_ALLOWED_GROUPS = _allowed_groups()


def _all_allowed(row: Row) -> bool:
    """Whether `_code_lists` finds nothing wrong with the row, found without a loop in
    Python; False also when it cannot tell (a value that is not text)."""
    try:
        values = row.values
        try:
            return all([allowed.issuperset(given(values)) for allowed, given in _ALLOWED_GROUPS])
        except KeyError:  # a row without every field
            return all(map(contains, _ALLOWED_OR_EMPTY, map(row.get, _ALLOWED, repeat(""))))
    except TypeError:  # an unhashable value: the loop judges it
        return False


def _all_short(row: Row) -> bool:
    """Whether `_lengths` finds no text too long, found without a loop in Python; False
    also when it cannot tell."""
    try:
        return all(map(le, map(len, map(row.get, _LENGTH_TAGS, repeat(""))), _LENGTH_LIMITS))
    except TypeError:  # a value without a length: the loop judges it
        return False


_TEXT_LIMITS = tuple((f.tag, f.max_length) for f in FIELDS if f.kind == TEXT and f.max_length)
_COMPONENT_TAGS = tuple(component_tags(n) for n in COMPONENTS)
_CODED_TAGS = tuple(f.tag for f in FIELDS if f.kind in (CODE, YESNO, FLAG))
_TEXT_TAGS = tuple(f.tag for f in FIELDS if f.kind == TEXT)
_PERCENT_TAGS = tuple(component_tags(n)[0] for n in COMPONENTS)
_CAS_TAGS = ("CASNumber", *(component_tags(n)[3] for n in COMPONENTS))

RULES: tuple[Rule, ...] = (
    Rule(
        "1028",
        "HMIMinimallyRequiredFieldDoesNotHaveValue",
        REQUIRED,
        "",
        REQUIRED_TAGS,
        "Common name, EHS, physical state, maximum daily amount and units are filled in.",
        _minimally_required,
    ),
    Rule(
        "1027",
        "HMIValueOutsideAcceptableRange",
        REQUIRED,
        "",
        _CODED_TAGS,
        "Coded and Yes/No fields hold one of their CERS codes.",
        _code_lists,
    ),
    Rule(
        "1029",
        "HMIFieldValueDoesNotValidateAgainstRegularExpression",
        REQUIRED,
        "",
        _NUMBER_TAGS,
        "Number fields hold numbers within their digits, and none is negative.",
        _numbers,
    ),
    Rule(
        "HMI-LENGTH",
        "HMIValueTooLong",
        REQUIRED,
        "",
        _TEXT_TAGS,
        "Text fields fit their CERS lengths.",
        _lengths,
    ),
    Rule(
        "1037",
        "HMIAverageDailyAmountCannotExceedMaxDailyAmount",
        REQUIRED,
        "",
        ("AverageDailyAmount", "MaximumDailyAmount"),
        "The average daily amount is not more than the maximum daily amount.",
        _average_within_maximum,
    ),
    Rule(
        "HMI-LARGEST-CONTAINER",
        "HMILargestContainerExceedsMaxDailyAmount",
        WARNING,
        "",
        ("LargestContainer", "MaximumDailyAmount"),
        "The largest container is not larger than the maximum daily amount.",
        _largest_container_within_maximum,
    ),
    Rule(
        "HMI-COMPONENT-PERCENT",
        "HMIComponentPercentOutOfRange",
        REQUIRED,
        "",
        _PERCENT_TAGS,
        "Each hazardous component's percentage by weight is from 0.01 to 100.",
        _component_percent,
    ),
    Rule(
        "HMI-COMPONENT-SUM",
        "HMIComponentPercentagesExceed100",
        WARNING,
        "",
        _PERCENT_TAGS,
        "The hazardous components' percentages add up to at most 100.",
        _component_sum,
    ),
    Rule(
        "HMI-COMPONENT-NAME",
        "HMIComponentWithoutName",
        WARNING,
        "",
        tuple(component_tags(n)[1] for n in COMPONENTS),
        "A hazardous component with a percentage, CAS number or EHS flag has a name.",
        _component_names,
    ),
    Rule(
        "HMI-CAS",
        "HMICASNumberInvalid",
        WARNING,
        "",
        _CAS_TAGS,
        "CAS numbers are well formed and pass their check digit.",
        _cas_numbers,
    ),
    Rule(
        "1069",
        "EHSMaterialsShouldBeReportedInPounds",
        WARNING,
        "",
        ("EHS", "Units"),
        "Extremely Hazardous Substances are reported in pounds.",
        _ehs_in_pounds,
    ),
    Rule(
        "HMI-GAS-GALLONS",
        "HMIGasReportedInGallons",
        "",
        "gas_gallons_level",
        ("PhysicalState", "Units"),
        "Gases are reported in cubic feet, except liquefied and cryogenic gases.",
        _gas_in_gallons,
    ),
    Rule(
        "1078",
        "InventoryContainsTradeSecretMaterials",
        ADVISORY,
        "",
        ("TradeSecret",),
        "Trade secret materials are pointed out.",
        _trade_secret,
    ),
    Rule(
        "HMI-DAYS-ON-SITE",
        "HMIDaysOnSiteOutOfRange",
        REQUIRED,
        "",
        ("DaysOnSite",),
        "Days on site is from 1 to 365.",
        _days_on_site,
    ),
    Rule(
        "HMI-WASTE-CODE",
        "HMIWasteWithoutStateWasteCode",
        WARNING,
        "",
        ("HMType", "StateWasteCode"),
        "A waste has a state waste code.",
        _waste_code,
    ),
    Rule(
        "HMI-WASTE-AMOUNT",
        "HMIWasteWithoutAnnualAmount",
        WARNING,
        "",
        ("HMType", "AnnualWasteAmount"),
        "A waste has an annual waste amount.",
        _waste_amount,
    ),
    Rule(
        "HMI-CURIES",
        "HMIRadioactiveWithoutCuries",
        WARNING,
        "",
        ("RadioActive", "Curies"),
        "A radioactive material has its curies.",
        _curies,
    ),
    Rule(
        "HMI-HAZARD-CATEGORY",
        "HMINoHazardCategory",
        WARNING,
        "",
        HAZARD_TAGS,
        "At least one hazard category is ticked.",
        _hazard_category,
    ),
    Rule(
        "HMI-STORAGE-CONTAINER",
        "HMINoStorageContainer",
        "",
        "container_level",
        CONTAINER_TAGS,
        "At least one storage container is ticked.",
        _storage_container,
    ),
    Rule(
        "HMI-OTHER-CONTAINER",
        "HMIOtherContainerNotSpecified",
        "",
        "container_level",
        ("SCOther", "OtherStorageContainer"),
        'An "Other" storage container says what it is.',
        _other_container,
    ),
    Rule(
        "HMI-LOCATION",
        "HMINoChemicalLocation",
        "",
        "location_level",
        ("ChemicalLocation",),
        "The chemical location is given.",
        _location,
    ),
)
RULE_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def validate(values: object, settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """Every finding of one row, in catalogue order. Never raises: anything that is not a
    mapping of tags to values is judged as an empty row."""
    return validate_row(row_of(values), settings)


def validate_row(row: dict[str, str], settings: RuleSettings = DEFAULT_SETTINGS) -> list[Finding]:
    """`validate` for a row already read by `values.row_of` (every field as text), so a
    caller that needs the row for more than validating reads it once."""
    checked = Row(row)
    found: list[Finding] = []
    for code, level, check in _checks(settings):
        for fields, message in check(checked):
            found.append(Finding(code, level, fields, message))
    return found


_checks_by_settings: dict[RuleSettings, tuple[tuple[str, str, Callable], ...]] = {}


def _checks(settings: RuleSettings) -> tuple[tuple[str, str, Callable], ...]:
    """(code, level, check) of every rule under `settings`, worked out once per settings
    rather than once per row."""
    try:
        checks = _checks_by_settings.get(settings)
    except TypeError:  # settings that cannot be a key: work them out every time
        return tuple((rule.code, rule.level_for(settings), rule.check) for rule in RULES)
    if checks is None:
        checks = tuple((rule.code, rule.level_for(settings), rule.check) for rule in RULES)
        if len(_checks_by_settings) >= 64:
            _checks_by_settings.clear()
        _checks_by_settings[settings] = checks
    return checks


def worst_level(findings: list[Finding] | tuple[Finding, ...]) -> str:
    """The most serious level among `findings` ("" when there are none)."""
    levels = [f.level for f in findings if f.level in LEVEL_RANK]
    return min(levels, key=LEVEL_RANK.__getitem__) if levels else ""


def blocking(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    """Whether any finding is Required (those block submitting the element)."""
    return any(f.level == REQUIRED for f in findings)


# Bump when the logic of a check or of the thresholds changes: drafts whose stored findings
# were computed under another fingerprint are validated again the next time they are read.
RULES_REVISION = 1


def catalogue_fingerprint() -> str:
    """A short hash of the rule catalogue (codes, levels, fields, summaries) and RULES_REVISION."""
    parts = [str(RULES_REVISION)]
    parts += [
        "|".join((rule.code, rule.level, rule.setting, " ".join(rule.fields), rule.summary))
        for rule in RULES
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- many rows at once
# `validate_rows` looks at a batch of rows a column at a time to find, for each rule, the
# rows it may have something to say about (never fewer: a few more do no harm), and runs
# the rule's own check on those rows only. Most rows pass most rules, so most checks are
# never run, and the findings are still the checks' own, in catalogue order.


def validate_rows(
    rows: list[dict[str, str]], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[list[Finding]]:
    """`validate_row` of each of `rows` (each read by `values.row_of`: every field as
    text), in order."""
    checks = _checks(settings)
    try:
        suspects = _suspects(rows)
    except (KeyError, TypeError, ValueError):  # not every field as text: row by row
        return [validate_row(row, settings) for row in rows]
    found: list[list[Finding]] = [[] for _ in rows]
    checked: dict[int, Row] = {}
    every = range(len(rows))
    for code, level, check in checks:
        for at in suspects.get(code, every):  # a rule without a quick look: every row
            row = checked.get(at)
            if row is None:
                row = checked[at] = Row(rows[at])
            for fields, message in check(row):
                found[at].append(Finding(code, level, fields, message))
    return found


def _column_fit(tag: str) -> Callable[[str], object]:
    """A match of a number column's text joined by newlines: every cell empty or plain
    text `_PLAIN_FITS` takes (its length aside)."""
    one = _PLAIN_FITS[tag][0].__self__.pattern  # type: ignore[attr-defined]
    return re.compile(rf"(?:{one})?(?:\n(?:{one})?)*", re.ASCII).fullmatch


_COLUMN_FITS = {tag: _column_fit(tag) for tag in _NUMBER_TAGS}


def _odd_numbers(column: Sequence[str], tag: str) -> list[int]:
    """The rows whose cell in a number column `_number_read` does not read as plain text
    fitting the field: only those may have a problem, or read as anything but
    Decimal(text)."""
    fit, most = _PLAIN_FITS[tag]
    joined = "\n".join(column)
    if (
        _COLUMN_FITS[tag](joined) is not None
        and joined.count("\n") == len(column) - 1
        and max(map(len, column), default=0) <= most
    ):
        return []
    return [
        at
        for at, text in enumerate(column)
        if text and (fit(text) is None or len(text) - ("." in text) > most)
    ]


def _where(flags: Iterable[object]) -> list[int]:
    return [at for at, flag in enumerate(flags) if flag]


def _suspects(rows: list[dict[str, str]]) -> dict[str, Sequence[int]]:
    """The rows each rule (by code) may find something in. Raises KeyError, TypeError or
    ValueError for rows it cannot read a column at a time."""
    if not rows:
        return {rule.code: () for rule in RULES}
    columns = dict(zip(_ALL_TAGS, zip(*map(_all_values, rows), strict=True), strict=True))
    odd: set[int] = set()
    for tag in _NUMBER_TAGS:
        odd.update(_odd_numbers(columns[tag], tag))

    floats: dict[tuple[str, str], list[float]] = {}

    def numbers(tag: str, empty: str = "nan") -> list[float]:
        """The column's cells as floats, `empty` for empty cells (no comparison with NaN
        holds) and for the odd rows' cells (those rows are suspects anyway)."""
        made = floats.get((tag, empty))
        if made is None:
            column = columns[tag]
            if odd:
                column = tuple("" if at in odd else text for at, text in enumerate(column))
            blank = {"": empty}
            made = floats[tag, empty] = list(map(float, map(blank.get, column, column)))
        return made

    def beyond(tag: str, low: float, high: float) -> set[int]:
        """Rows whose number is at most `low` or at least `high` (as floats: a number
        beyond the bounds is so as a float too, or equal to them), and the odd rows."""
        return odd.union(
            _where(map(float.__le__, numbers(tag), repeat(low))),
            _where(map(float.__ge__, numbers(tag), repeat(high))),
        )

    def over(tag: str, limit: str) -> set[int]:
        """Rows whose `tag` may be more than `limit`, and the odd rows."""
        return odd.union(_where(map(float.__ge__, numbers(tag), numbers(limit))))

    coded: set[int] = set()
    for tag, allowed in zip(_ALLOWED, _ALLOWED_OR_EMPTY, strict=True):
        if not allowed.issuperset(column := columns[tag]):
            coded.update(at for at, value in enumerate(column) if value not in allowed)
    lengths: set[int] = set()
    for tag, limit in zip(_LENGTH_TAGS, _LENGTH_LIMITS, strict=True):
        if max(map(len, column := columns[tag])) > limit:
            lengths.update(at for at, value in enumerate(column) if len(value) > limit)
    percents: set[int] = set()
    for tag in _PERCENT_TAGS:
        percents |= beyond(tag, 0.01, 100.0)
    given = [list(map(bool, columns[tag])) for tag in _PERCENT_TAGS]
    totals = map(sum, zip(*(numbers(tag, "0") for tag in _PERCENT_TAGS), strict=True))
    sums = odd.union(
        _where(
            count >= 2 and total > _NEAR_100
            for count, total in zip(map(sum, zip(*given, strict=True)), totals, strict=True)
        )
    )
    names: set[int] = set()
    for percent, name, ehs, cas in _COMPONENT_TAGS:
        for at in _where(not value for value in columns[name]):
            if columns[percent][at] or columns[cas][at] or columns[ehs][at] == codes.YES:
                names.add(at)
    bad_cas: set[int] = set()
    for tag in _CAS_TAGS:
        column = columns[tag]
        wrong = {value for value in set(column) if value and not _is_cas(value)}
        if wrong:
            bad_cas.update(at for at, value in enumerate(column) if value in wrong)
    units, hm_type = columns["Units"], columns["HMType"]
    waste = _where(value == codes.WASTE for value in hm_type)
    return {
        "1028": _where(
            not all(values) for values in zip(*map(columns.__getitem__, REQUIRED_TAGS), strict=True)
        ),
        "1027": sorted(coded),
        "1029": sorted(odd),
        "HMI-LENGTH": sorted(lengths),
        "1037": sorted(over("AverageDailyAmount", "MaximumDailyAmount")),
        "HMI-LARGEST-CONTAINER": sorted(over("LargestContainer", "MaximumDailyAmount")),
        "HMI-COMPONENT-PERCENT": sorted(percents),
        "HMI-COMPONENT-SUM": sorted(sums),
        "HMI-COMPONENT-NAME": sorted(names),
        "HMI-CAS": sorted(bad_cas),
        "1069": _where(
            e == codes.YES and u and u != codes.POUNDS
            for e, u in zip(columns["EHS"], units, strict=True)
        ),
        "HMI-GAS-GALLONS": _where(
            s == codes.GAS and u == codes.GALLONS
            for s, u in zip(columns["PhysicalState"], units, strict=True)
        ),
        "1078": _where(value == codes.YES for value in columns["TradeSecret"]),
        "HMI-DAYS-ON-SITE": sorted(beyond("DaysOnSite", 1.0, 365.0)),
        "HMI-WASTE-CODE": waste,
        "HMI-WASTE-AMOUNT": waste,
        "HMI-CURIES": _where(value == codes.YES for value in columns["RadioActive"]),
        "HMI-HAZARD-CATEGORY": _where(
            codes.YES not in values
            for values in zip(*map(columns.__getitem__, HAZARD_TAGS), strict=True)
        ),
        "HMI-STORAGE-CONTAINER": _where(
            codes.YES not in values
            for values in zip(*map(columns.__getitem__, CONTAINER_TAGS), strict=True)
        ),
        "HMI-OTHER-CONTAINER": _where(value == codes.YES for value in columns["SCOther"]),
        "HMI-LOCATION": _where(not value for value in columns["ChemicalLocation"]),
    }


_ALL_TAGS = tuple(f.tag for f in FIELDS)
_all_values = itemgetter(*_ALL_TAGS)
_NEAR_100 = 99.999  # floats summed may come out a little under an exact sum just over 100
