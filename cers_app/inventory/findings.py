"""The derived data of inventory rows: typed columns, stored findings, threshold sentences.

Services call these inside their own transaction. Findings are replaced, never edited; a
row's `worst_rank` and `finding_count` always agree with its stored findings, so the list's
filters read them in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import filterfalse
from operator import itemgetter
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.agencies.models import Agency
from cers_app.chemicals.models import Chemical
from cers_app.facilities.models import ElementVersion
from cers_app.inventory import thresholds
from cers_app.inventory.fields import FIELDS, FLAG, HAZARD_TAGS
from cers_app.inventory.models import (
    NO_FINDINGS_RANK,
    InventoryFinding,
    InventoryItem,
    InventorySettings,
)
from cers_app.inventory.rules import (
    DEFAULT_SETTINGS,
    LEVEL_RANK,
    Finding,
    RuleSettings,
    catalogue_fingerprint,
    validate,
)
from cers_app.inventory.thresholds import LocalThresholds
from cers_app.inventory.values import parse_number, row_of, text_of

# Where a version records which rule catalogue computed its stored findings.
FINGERPRINT_KEY = "findings_rules"


_TAGS = frozenset(field.tag for field in FIELDS)
_FLAG_TAGS = tuple(field.tag for field in FIELDS if field.kind == FLAG)
_FLAGS = frozenset(_FLAG_TAGS)


def compact(values: Mapping[str, str]) -> dict[str, str]:
    """The values worth storing: empty fields and unticked boxes are left out."""
    return {
        tag: value
        for tag, value in values.items()
        if tag in _TAGS and value and not (value == "N" and tag in _FLAGS)
    }


def full(data: Mapping[str, object]) -> dict[str, str]:
    """Every field of a stored row: "" where empty, "N" for an unticked box."""
    return _ticked(row_of(data))  # every field, in FIELDS order


def _ticked(row: dict[str, str]) -> dict[str, str]:
    for tag in _FLAG_TAGS:
        if not row[tag]:
            row[tag] = "N"
    return row


def sync_columns(item: InventoryItem, values: Mapping[str, str]) -> None:
    """Store `values` in the row and copy the listed, filtered and sorted fields into its
    typed columns (cut to their sizes: only rows that passed `values.clean` are saved)."""
    item.data = compact(values)
    for name, value in _typed_columns(full(item.data)).items():
        setattr(item, name, value)


_EMPTY_ROW = {field.tag: "" for field in FIELDS}
_UNTICKED = frozenset((tag, "N") for tag in _FLAG_TAGS)
_value_of = itemgetter(1)


def columns_of(values: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the stored data and typed columns `sync_columns` would give a row, keyed by
    column name; the stored data as `values.row_of` reads it), reading the row once: the
    import passes that row on to `rules.validate_rows` and the thresholds."""
    quick = columns_of_items(values.items())
    if quick is not None:
        return quick
    # compact(), then row_of() of what it keeps, in one pass. The typed columns read no
    # tick box, so unticked boxes may stay "".
    data: dict[str, str] = {}
    row = _EMPTY_ROW.copy()
    for tag, value in values.items():
        if value and tag in row and not (value == "N" and tag in _FLAGS):
            data[tag] = value
            row[tag] = value.strip() if value.__class__ is str else text_of(value)
    return {"data": data, **_typed_columns(row)}, row


def columns_of_items(
    items: Iterable[tuple[str, object]],
) -> tuple[dict[str, Any], dict[str, str]] | None:
    """`columns_of` a row given as (tag, value) pairs, each tag once, the quick way (this
    runs for every row of an import): None, having done nothing, when a value is not text
    or a tag is no field's."""
    try:
        data = dict(filterfalse(_UNTICKED.__contains__, filter(_value_of, items)))
        row = _EMPTY_ROW.copy()
        row.update(zip(data, map(str.strip, data.values()), strict=True))
    except TypeError:  # a value that is not text
        return None
    if len(row) != len(_EMPTY_ROW):  # another key came in
        return None
    return {"data": data, **_typed_columns(row)}, row


def _typed_columns(row: dict[str, str]) -> dict[str, Any]:
    amount = parse_number(row["MaximumDailyAmount"])
    flagged = [tag for tag in HAZARD_TAGS if row[tag] == "Y"]
    return {
        "common_name": row["CommonName"][:500],
        "chemical_name": row["ChemicalName"][:500],
        "cas": row["CASNumber"][:15],
        "location": row["ChemicalLocation"][:140],
        "ehs": row["EHS"] == "Y",
        "physical_state": row["PhysicalState"][:1],
        "units": row["Units"][:1],
        "max_daily": float(amount) if amount is not None else None,
        "hazards": f";{';'.join(flagged)};" if flagged else "",
        "material_key": thresholds.material_key(row["CASNumber"], row["CommonName"]),
        "special": thresholds.classify_row(row),
    }


def settings_for(session: Session, agency_id: int | None) -> tuple[RuleSettings, LocalThresholds]:
    """The rule levels and local thresholds of the agency regulating an inventory: its own
    settings, else its CUPA's (for a participating agency), else the defaults."""
    seen: set[int] = set()
    while agency_id is not None and agency_id not in seen:
        seen.add(agency_id)
        stored = session.get(InventorySettings, agency_id)
        if stored is not None:
            return _rule_settings(stored), _local_thresholds(stored)
        agency = session.get(Agency, agency_id)
        agency_id = agency.parent_agency_id if agency is not None else None
    return DEFAULT_SETTINGS, thresholds.NO_LOCAL_THRESHOLDS


def _rule_settings(stored: InventorySettings) -> RuleSettings:
    return RuleSettings(
        location_level=stored.location_level,
        container_level=stored.container_level,
        gas_gallons_level=stored.gas_gallons_level,
    )


def _decimal(value: float | None) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _local_thresholds(stored: InventorySettings) -> LocalThresholds:
    return LocalThresholds(
        liquid_gal=_decimal(stored.local_liquid_gal),
        solid_lb=_decimal(stored.local_solid_lb),
        gas_ft3=_decimal(stored.local_gas_ft3),
    )


def _finding_rows(item: InventoryItem, found: list[Finding]) -> list[dict]:
    return [
        {
            "item_id": item.id,
            "element_version_id": item.element_version_id,
            "position": position,
            "code": finding.code,
            "level": finding.level,
            "fields": " ".join(finding.fields),
            "message": finding.message[:600],
        }
        for position, finding in enumerate(found)
    ]


def _rank(found: list[Finding]) -> int:
    return min((LEVEL_RANK.get(f.level, NO_FINDINGS_RANK) for f in found), default=NO_FINDINGS_RANK)


def store_findings(session: Session, item: InventoryItem, settings: RuleSettings) -> list[Finding]:
    """Validate one saved row and replace its stored findings."""
    assert item.id is not None
    found = validate(item.data, settings)
    session.execute(sa.delete(InventoryFinding).where(col(InventoryFinding.item_id) == item.id))
    if found:
        session.execute(sa.insert(InventoryFinding), _finding_rows(item, found))
    item.worst_rank = _rank(found)
    item.finding_count = len(found)
    session.add(item)
    return found


def recompute_version(
    session: Session,
    version_id: int,
    settings: RuleSettings,
    local: LocalThresholds,
) -> None:
    """Validate every row of a version again and refresh every threshold sentence."""
    items = list(
        session.exec(select(InventoryItem).where(InventoryItem.element_version_id == version_id))
    )
    session.execute(
        sa.delete(InventoryFinding).where(col(InventoryFinding.element_version_id) == version_id)
    )
    rows: list[dict] = []
    for item in items:
        found = validate(item.data, settings)
        rows += _finding_rows(item, found)
        item.worst_rank = _rank(found)
        item.finding_count = len(found)
    if rows:
        session.execute(sa.insert(InventoryFinding), rows)
    _assess(session, items, local)
    version = session.get(ElementVersion, version_id)
    if version is not None:
        version.data = {**(version.data or {}), FINGERPRINT_KEY: catalogue_fingerprint()}
        session.add(version)


def findings_are_current(version: ElementVersion) -> bool:
    """Whether the version's stored findings were computed by this rule catalogue."""
    return (version.data or {}).get(FINGERPRINT_KEY) == catalogue_fingerprint()


def refresh_thresholds(
    session: Session,
    version_id: int,
    keys: Iterable[str],
    local: LocalThresholds,
    *,
    item_ids: Iterable[int] = (),
) -> None:
    """Refresh the threshold sentences of every row sharing a material key in `keys` (and of
    `item_ids`, for rows without a key). Lubricating oils are summed across types, so when
    one is involved every lubricating oil row is refreshed."""
    wanted = {key for key in keys if key}
    ids = set(item_ids)
    statement = select(InventoryItem).where(InventoryItem.element_version_id == version_id)
    conditions = []
    if wanted:
        conditions.append(col(InventoryItem.material_key).in_(wanted))
    if ids:
        conditions.append(col(InventoryItem.id).in_(ids))
    if not conditions:
        return
    items = list(session.exec(statement.where(sa.or_(*conditions))))
    if any(item.special == thresholds.LUBRICATING_OIL for item in items):
        known = {item.id for item in items}
        items += [
            item
            for item in session.exec(
                statement.where(InventoryItem.special == thresholds.LUBRICATING_OIL)
            )
            if item.id not in known
        ]
    _assess(session, items, local)


def threshold_sentences(
    session: Session,
    items: Sequence[InventoryItem],
    local: LocalThresholds,
    *,
    rows_read: bool = False,
) -> dict[int, str]:
    """The threshold sentence of every row in `items`, by id (rows of one material summed).

    `items` may be any objects with `id`, `data`, `chemical_id` and `cas`: the import
    assesses rows before they are stored, under provisional ids. With `rows_read`, each
    `data` is a row `values.row_of` read already.
    """
    return thresholds.assess(materials(session, items, rows_read=rows_read), local)


def materials(
    session: Session, items: Sequence[InventoryItem], *, rows_read: bool = False
) -> list[thresholds.Material]:
    """The threshold view of every row in `items` (as `threshold_sentences` takes them),
    with what the library knows of its material. A big import turns its rows into these
    a batch at a time and assesses them all at once."""
    facts = _library_facts(session, items)
    if rows_read:
        # The import's rows may bring their material key and special class worked out
        # already (`known_key`, `known_special`: None when not).
        return [
            thresholds.material_of_row(
                item.id or 0,
                item.data,
                key=getattr(item, "known_key", None),
                special=getattr(item, "known_special", None),
                **facts.get(item.id or 0, {}),
            )
            for item in items
        ]
    return [
        thresholds.material_of(item.id or 0, item.data, **facts.get(item.id or 0, {}))
        for item in items
    ]


def _assess(session: Session, items: list[InventoryItem], local: LocalThresholds) -> None:
    sentences = threshold_sentences(session, items, local)
    for item in items:
        sentence = sentences.get(item.id or 0, "")[:600]
        if item.reportable != sentence:
            item.reportable = sentence
        session.add(item)


def _slices(values: list, size: int = 5000) -> list[list]:
    return [values[start : start + size] for start in range(0, len(values), size)]


def _library_facts(session: Session, items: Sequence[InventoryItem]) -> dict[int, dict]:
    """Density, molecular weight and TPQ from the library entry a row came from, else from
    the library entry with its CAS number."""
    ids = {item.chemical_id for item in items if item.chemical_id}
    cas_numbers = {item.cas for item in items if item.cas and not item.chemical_id}
    if not ids and not cas_numbers:
        return {}
    columns = (
        Chemical.id,
        Chemical.cas,
        Chemical.density_kg_per_l,
        Chemical.density_phase,
        Chemical.molecular_weight,
        Chemical.tpq_lb,
    )
    # In slices: SQLite allows only so many bound values in one statement (a big import).
    conditions = [col(Chemical.id).in_(part) for part in _slices(sorted(ids))] + [
        col(Chemical.cas).in_(part) for part in _slices(sorted(cas_numbers))
    ]
    by_id: dict[int, dict] = {}
    by_cas: dict[str, dict] = {}
    found_rows = [
        row
        for condition in conditions
        for row in session.execute(sa.select(*columns).where(condition))
    ]
    for chem_id, cas, density, phase, weight, tpq in found_rows:
        facts = {
            # A gas's density at some temperature says nothing about its liquid per gallon.
            "density_kg_per_l": density if phase in ("liquid", "solid", "") else None,
            "molecular_weight": weight,
            "tpq_lb": tpq,
        }
        by_id[chem_id] = facts
        if cas:
            by_cas[cas] = facts
    found: dict[int, dict] = {}
    for item in items:
        facts = by_id.get(item.chemical_id or 0) or by_cas.get(item.cas)
        if facts and item.id is not None:
            found[item.id] = facts
    return found
