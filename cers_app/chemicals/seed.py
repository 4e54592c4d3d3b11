"""Loading the library: the `chemicals` package, the curated products and the EHS seed.

`seed_library` is idempotent and versioned. Each part is recorded in chemical_library_version
with its version (the package's version, or a data file's SHA-256); when every part is already
recorded it returns at once. Otherwise it rebuilds the whole seeded library in memory and
synchronises the tables in one transaction: new substances are bulk inserted (COPY on
PostgreSQL), changed ones updated in place so their ids (which inventory rows keep) never
change, and values imported from EPA's List of Lists are never overwritten by the seed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cers_app.chemicals import curated, hazards, package_data, rules
from cers_app.chemicals.models import (
    IUPAC,
    ORIGIN_CURATED,
    ORIGIN_PUBCHEM,
    PRIMARY,
    SYNONYM,
    WORD,
    Chemical,
    ChemicalLibraryVersion,
    ChemicalName,
)
from cers_app.core import clock
from cers_app.core.db import transaction

PART_PUBCHEM = "pubchem"
PART_CURATED = "curated"
PART_EHS_SEED = "ehs_seed"
ORIGIN_EHS_SEED = "EHS seed"
EHS_SEED_SOURCE = "EHS seed (40 CFR 355 Appendix A, hand-written; check against the regulation)"
# Sources of EHS values that a seed must not overwrite (set by list_of_lists imports).
LIST_OF_LISTS_SOURCE_PREFIX = "EPA List of Lists"
# How many of the best-known substances form the ranked search tier (curated and EHS rows are
# always in it): about 3 % of the library, so even a two-letter prefix sorts only a few
# thousand names by weight; the rest is read in index order.
COMMON_TIER_SIZE = 2500
CURATED_WEIGHT = 1000
EHS_WEIGHT = 200
POPULAR_WEIGHT = 150
STATE_WEIGHT = 50
MAX_SYNONYM_WEIGHT = 300

# Columns the seed owns (everything but id, bookkeeping and the EHS fields handled apart).
_VALUE_COLUMNS = (
    "cas",
    "cas_key",
    "name",
    "name_norm",
    "chemical_name",
    "formula",
    "molecular_weight",
    "pubchem_cid",
    "hm_type",
    "physical_state",
    "melting_point_c",
    "boiling_point_c",
    "density_kg_per_l",
    "density_phase",
    "density_temp_c",
    "flash_point_c",
    "hazard_suggestions",
    "fire_code_suggestions",
    "dot_class",
    "origin",
    "weight",
    "common",
)
_EHS_COLUMNS = ("ehs", "tpq_lb", "tpq_solid_lb", "rq_lb")


@dataclass
class Part:
    """One part of the library to load, as recorded in chemical_library_version."""

    part: str
    version: str
    source: str


@dataclass
class SeedReport:
    """What a seed did; `loaded` is empty when every part was already loaded."""

    loaded: list[str] = field(default_factory=list)
    chemicals_added: int = 0
    chemicals_updated: int = 0
    names_added: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if not self.loaded:
            return f"Chemical library is up to date ({self.seconds:.2f} s)."
        return (
            f"Chemical library loaded ({'; '.join(self.loaded)}): "
            f"{self.chemicals_added} chemicals added, {self.chemicals_updated} updated, "
            f"{self.names_added} names added in {self.seconds:.1f} s."
        )


@dataclass
class _Record:
    key: tuple[str, str]  # ("cas", cas) or ("curated", name_norm)
    values: dict[str, Any]
    sources: dict[str, str]
    names: list[tuple[str, str]] = field(default_factory=list)  # (name, kind), primary first
    ehs: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(_EHS_COLUMNS))
    ehs_fixed: bool = False  # the curated row says whether it is an EHS


def directory_version(root: Path) -> str:
    """A version for a package-shaped folder: the SHA-256 of its files' names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return "dir-" + digest.hexdigest()[:16]


def seed_parts(
    source_dir: Path | None = None,
    curated_path: Path = curated.CURATED_FILE,
    ehs_path: Path = curated.EHS_SEED_FILE,
) -> tuple[Path, list[Part]]:
    """The package folder to read and the three parts with their versions."""
    if source_dir is None:
        root = package_data.package_root()
        version = package_data.package_version()
        if root is None or version is None:
            raise curated.DataFileError(
                "the chemicals package is not installed; run `make setup` "
                "(it installs it with pip install --no-deps)"
            )
        source = f"chemicals {version} (PyPI, MIT): PubChem identifiers, CRC and safety tables"
    else:
        root = Path(source_dir)
        if not (root / "Identifiers").is_dir():
            raise curated.DataFileError(f"{root} has no Identifiers folder (package layout)")
        version = directory_version(root)
        source = f"package-shaped folder {root}"
    return root, [
        Part(PART_PUBCHEM, version, source),
        Part(PART_CURATED, curated.file_version(curated_path), f"curated: {curated_path.name}"),
        Part(PART_EHS_SEED, curated.file_version(ehs_path), f"EHS seed: {ehs_path.name}"),
    ]


def pending_parts(session: Session, parts: list[Part]) -> list[Part]:
    """The parts whose version is not recorded yet."""
    rows = session.execute(
        sa.select(ChemicalLibraryVersion.part, ChemicalLibraryVersion.version)
    ).all()
    loaded = {(part, version) for part, version in rows}
    session.rollback()  # end the read so the load can open its own transaction
    return [part for part in parts if (part.part, part.version) not in loaded]


def seed_library(
    session: Session,
    source_dir: Path | None = None,
    curated_path: Path = curated.CURATED_FILE,
    ehs_path: Path = curated.EHS_SEED_FILE,
) -> SeedReport:
    """Load the library parts that are new, in one transaction; quick when none is."""
    started = time.perf_counter()
    root, parts = seed_parts(source_dir, curated_path, ehs_path)
    report = SeedReport()
    new = pending_parts(session, parts)
    if not new:
        report.seconds = time.perf_counter() - started
        return report
    pubchem = parts[0]
    substances = package_data.read_substances(root, pubchem.version)
    products = curated.read_curated(curated_path)
    ehs_entries = curated.read_ehs_seed(ehs_path)
    records = build_records(substances, products, ehs_entries, pubchem.version)
    with transaction(session):
        versions = _record_versions(session, new)
        replace_all_names = any(part.part == PART_PUBCHEM for part in new)
        _synchronise(session, records, versions[-1], replace_all_names, report)
        for row in versions:
            row.chemicals_added = report.chemicals_added
            row.chemicals_updated = report.chemicals_updated
            row.names_added = report.names_added
            row.seconds = round(time.perf_counter() - started, 2)
    report.loaded = [f"{part.part} {part.version[:16]}" for part in new]
    report.seconds = time.perf_counter() - started
    return report


def _record_versions(session: Session, parts: list[Part]) -> list[ChemicalLibraryVersion]:
    rows = [
        ChemicalLibraryVersion(
            part=part.part, version=part.version, source=part.source[:300], loaded_at=clock.now()
        )
        for part in parts
    ]
    session.add_all(rows)
    session.flush()
    return rows


# ---------------------------------------------------------------------------------------------
# Building the records in memory


def build_records(
    substances: list[package_data.Substance],
    products: list[curated.CuratedProduct],
    ehs_entries: list[curated.EhsEntry],
    package_version: str,
) -> list[_Record]:
    """The whole seeded library: substances, curated products merged or added, EHS applied."""
    origin = ORIGIN_PUBCHEM.format(version=package_version)
    records: dict[tuple[str, str], _Record] = {}
    for substance in substances:
        record = _from_substance(substance, origin)
        records[record.key] = record
    for product in products:
        _add_product(records, product, origin)
    _apply_ehs_seed(records, ehs_entries)
    _set_tiers(records.values())
    for record in records.values():
        record.values["hazard_suggestions"] = sorted(
            record.values["hazard_suggestions"], key=hazards.HAZARD_TAGS.index
        )
    return list(records.values())


def _from_substance(substance: package_data.Substance, origin: str) -> _Record:
    sources = dict(substance.sources)
    sources.pop("identifiers", None)
    state = rules.state_at_25c(substance.melting_point_c, substance.boiling_point_c)
    if state:
        sources["physical_state"] = "derived from the melting and boiling points at 25 °C"
    suggestions, fire = hazards.derived_suggestions(
        state, substance.flash_point_c, substance.boiling_point_c, substance.flammability_limit
    )
    if suggestions:
        sources["hazard_suggestions"] = "derived from state, flash point and flammability limit"
    if fire:
        sources["fire_code_suggestions"] = "derived from flash and boiling points (NFPA 30)"
    sources.pop("flammability_limit", None)
    weight = (
        min(substance.synonym_count, MAX_SYNONYM_WEIGHT)
        + (POPULAR_WEIGHT if substance.popular else 0)
        + (STATE_WEIGHT if state else 0)
    )
    names = [(substance.name, PRIMARY)]
    if substance.iupac_name and len(substance.iupac_name) <= 300:
        names.append((substance.iupac_name, IUPAC))
    names += [(synonym, SYNONYM) for synonym in substance.synonyms]
    values = {
        "cas": substance.cas,
        "cas_key": rules.cas_digits(substance.cas),
        "name": substance.name[:300],
        "name_norm": rules.normalise_name(substance.name)[:300],
        "chemical_name": substance.iupac_name[:500],
        "formula": substance.formula,
        "molecular_weight": substance.molecular_weight,
        "pubchem_cid": substance.pubchem_cid,
        "hm_type": "a",
        "physical_state": state,
        "melting_point_c": substance.melting_point_c,
        "boiling_point_c": substance.boiling_point_c,
        "density_kg_per_l": substance.density_kg_per_l,
        "density_phase": substance.density_phase,
        "density_temp_c": None,
        "flash_point_c": substance.flash_point_c,
        "hazard_suggestions": suggestions,
        "fire_code_suggestions": fire,
        "dot_class": "",
        "origin": origin,
        "weight": weight,
        "common": False,
    }
    return _Record(("cas", substance.cas), values, sources, names)


def _add_product(
    records: dict[tuple[str, str], _Record], product: curated.CuratedProduct, origin: str
) -> None:
    """A curated product enriches the substance with its CAS and name, or becomes a row."""
    name_norm = rules.normalise_name(product.name)
    source = f"curated: {product.source}"
    record = records.get(("cas", product.cas)) if product.cas else None
    if record is None or record.values["name_norm"] != name_norm:
        record = _Record(
            ("curated", name_norm),
            {
                "cas": product.cas,
                "cas_key": rules.cas_digits(product.cas or ""),
                "chemical_name": "",
                "formula": "",
                "molecular_weight": None,
                "pubchem_cid": None,
                "melting_point_c": None,
                "boiling_point_c": None,
                "density_temp_c": None,
                "origin": ORIGIN_CURATED,
                "weight": 0,
                "common": True,
            },
            {"name": source},
        )
        records[record.key] = record
    else:
        record.values["origin"] = f"{origin} + curated"
        record.names = [(n, SYNONYM if kind == PRIMARY else kind) for n, kind in record.names]
    record.values.update(
        {
            "name": product.name,
            "name_norm": name_norm,
            "hm_type": product.hm_type,
            "physical_state": product.physical_state,
            "density_kg_per_l": product.density_kg_per_l,
            "density_phase": product.density_phase,
            "flash_point_c": product.flash_point_c,
            "hazard_suggestions": list(product.hazard_suggestions),
            "fire_code_suggestions": list(product.fire_code_suggestions),
            "dot_class": product.dot_class,
        }
    )
    record.values["weight"] += CURATED_WEIGHT
    for key in ("name", "physical_state", "hm_type", "hazard_suggestions", "fire_code_suggestions"):
        record.sources[key] = source
    for key, value in (
        ("density", product.density_kg_per_l),
        ("flash_point", product.flash_point_c),
        ("dot_class", product.dot_class),
    ):
        if value not in (None, ""):
            record.sources[key] = source
        else:
            record.sources.pop(key, None)
    if product.density_kg_per_l is not None and product.density_phase == "gas":
        record.values["density_temp_c"] = 21.1  # gas densities are given at 21.1 °C, 1 atm
    record.names = (
        [(product.name, PRIMARY)]
        + [(synonym, SYNONYM) for synonym in product.synonyms]
        + [(n, kind) for n, kind in record.names if kind != PRIMARY]
    )
    if product.ehs is not None:
        record.ehs_fixed = True
        record.ehs["ehs"] = product.ehs
        record.sources["ehs"] = source


def _apply_ehs_seed(
    records: dict[tuple[str, str], _Record], entries: list[curated.EhsEntry]
) -> None:
    by_cas: dict[str, list[_Record]] = {}
    for record in records.values():
        if record.values["cas"]:
            by_cas.setdefault(record.values["cas"], []).append(record)
    for entry in entries:
        matches = by_cas.get(entry.cas)
        if not matches:
            record = _Record(
                ("cas", entry.cas),
                {
                    **dict.fromkeys(_VALUE_COLUMNS, None),
                    "cas": entry.cas,
                    "cas_key": rules.cas_digits(entry.cas),
                    "name": entry.name,
                    "name_norm": rules.normalise_name(entry.name),
                    "chemical_name": "",
                    "formula": "",
                    "hm_type": "a",
                    "physical_state": "",
                    "density_phase": "",
                    "hazard_suggestions": [],
                    "fire_code_suggestions": [],
                    "dot_class": "",
                    "origin": ORIGIN_EHS_SEED,
                    "weight": 0,
                    "common": True,
                },
                {"name": EHS_SEED_SOURCE},
                [(entry.name, PRIMARY)],
            )
            records[record.key] = record
            matches = [record]
        for record in matches:
            if record.ehs_fixed and record.ehs["ehs"] is False:
                continue
            record.ehs.update(
                ehs=True, tpq_lb=entry.tpq_lb, tpq_solid_lb=entry.tpq_solid_lb, rq_lb=entry.rq_lb
            )
            record.sources["ehs"] = EHS_SEED_SOURCE
            record.values["weight"] += EHS_WEIGHT


def _set_tiers(records: Iterable[_Record]) -> None:
    """The best-known substances, every curated product and every EHS form the ranked tier."""
    ranked = sorted(records, key=lambda record: -record.values["weight"])
    for index, record in enumerate(ranked):
        record.values["common"] = bool(
            index < COMMON_TIER_SIZE or "curated" in record.values["origin"] or record.ehs["ehs"]
        )


def name_rows(record_names: list[tuple[str, str]], every_name: bool) -> list[tuple[str, str, str]]:
    """The chemical_name rows of one chemical: (name, name_norm, kind), one per search key.

    Word rows let a word inside a name match as a prefix: inside the primary name always, and
    inside every name when `every_name` (the well-known tier, where the extra rows are few).
    A key already present under a better kind is not repeated.
    """
    rows: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    for name, kind in record_names:
        key = rules.normalise_name(name)[:300]
        if key and key not in seen and len(name) <= 300:
            seen.add(key)
            rows.append((name, key, kind))
    words = rows if every_name else rows[:1]
    for name, key, _kind in list(words):
        for word in rules.word_keys(key):
            if word not in seen:
                seen.add(word)
                rows.append((name, word, WORD))
    return rows


# ---------------------------------------------------------------------------------------------
# Writing them


def _synchronise(
    session: Session,
    records: list[_Record],
    version: ChemicalLibraryVersion,
    replace_all_names: bool,
    report: SeedReport,
) -> None:
    table = Chemical.__table__
    existing = _existing(session)
    now = clock.now()
    next_id = (session.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    names: list[tuple[int, _Record]] = []  # chemicals whose names are (re)written
    stale: set[int] = set()  # existing chemicals whose old names go first
    unchanged: dict[int, _Record] = {}
    for record in records:
        row = existing.get(record.key)
        if row is None:
            values = _row_values(record)
            values.update(id=next_id, updated_at=now, version=1, library_version_id=version.id)
            inserts.append(values)
            names.append((next_id, record))
            next_id += 1
            continue
        values = _row_values(record, keep_ehs_of=row)
        if any(_differs(row[column], values[column]) for column in values):
            values.update(_id=row["id"], updated_at=now, version=row["version"] + 1)
            updates.append(values)
        elif not replace_all_names:
            unchanged[row["id"]] = record
            continue
        names.append((row["id"], record))
        stale.add(row["id"])
    for chemical_id in _names_changed(session, unchanged):
        names.append((chemical_id, unchanged[chemical_id]))
        stale.add(chemical_id)
    bulk_insert(session, table, inserts)
    if updates:
        columns = [column for column in updates[0] if column != "_id"]
        statement = (
            sa.update(table)
            .where(table.c.id == sa.bindparam("_id"))
            .values({column: sa.bindparam(column) for column in columns})
        )
        session.connection().execute(statement, updates)
    report.names_added = _replace_names(session, names, stale)
    fix_sequences(session)
    if session.connection().dialect.name == "postgresql" and (inserts or updates):
        # Fresh statistics, so the first searches after a big load get index plans.
        session.connection().exec_driver_sql("ANALYZE chemical")
        session.connection().exec_driver_sql("ANALYZE chemical_name")
    report.chemicals_added = len(inserts)
    report.chemicals_updated = len(updates)


def _names_changed(session: Session, unchanged: dict[int, _Record]) -> list[int]:
    """Curated chemicals whose row is unchanged but whose synonyms changed in the file.

    Package substances change names only with a new package version, which rewrites them all.
    """
    curated_ids = [i for i, record in unchanged.items() if "curated" in record.values["origin"]]
    if not curated_ids:
        return []
    table = ChemicalName.__table__
    stored: dict[int, set[tuple[str, str, str]]] = {i: set() for i in curated_ids}
    query = sa.select(table.c.chemical_id, table.c.name, table.c.name_norm, table.c.kind).where(
        table.c.chemical_id.in_(curated_ids)
    )
    for chemical_id, name, key, kind in session.connection().execute(query):
        stored[chemical_id].add((name, key, kind))
    return [
        chemical_id
        for chemical_id in curated_ids
        if stored[chemical_id]
        != set(name_rows(unchanged[chemical_id].names, unchanged[chemical_id].values["common"]))
    ]


def _existing(session: Session) -> dict[tuple[str, str], dict[str, Any]]:
    table = Chemical.__table__
    columns = [table.c.id, table.c.version, table.c.sources, *(table.c[c] for c in _VALUE_COLUMNS)]
    columns += [table.c[c] for c in _EHS_COLUMNS]
    existing = {}
    for row in session.connection().execute(sa.select(*columns)).mappings():
        if row["origin"] == ORIGIN_CURATED:
            existing[("curated", row["name_norm"])] = dict(row)
        elif row["cas"]:
            existing.setdefault(("cas", row["cas"]), dict(row))
    return existing


def _row_values(record: _Record, keep_ehs_of: dict[str, Any] | None = None) -> dict[str, Any]:
    values = {column: record.values[column] for column in _VALUE_COLUMNS}
    sources = dict(record.sources)
    ehs = dict(record.ehs)
    previous = (keep_ehs_of or {}).get("sources") or {}
    if str(previous.get("ehs", "")).startswith(LIST_OF_LISTS_SOURCE_PREFIX):
        ehs = {column: keep_ehs_of[column] for column in _EHS_COLUMNS}
        sources["ehs"] = previous["ehs"]
    ehs["ehs"] = bool(ehs["ehs"])
    values.update(ehs)
    values["sources"] = sources
    return values


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old is None or new is None or abs(old - new) > 1e-9
    return old != new


def _replace_names(session: Session, names: list[tuple[int, _Record]], stale_ids: set[int]) -> int:
    """Delete the names of `stale_ids` and insert the names of `names`; returns how many."""
    table = ChemicalName.__table__
    connection = session.connection()
    if stale_ids:
        ids = sorted(stale_ids)
        for start in range(0, len(ids), 5000):
            connection.execute(
                table.delete().where(table.c.chemical_id.in_(ids[start : start + 5000]))
            )
    next_id = (connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    rows = []
    for chemical_id, record in names:
        weight, common = record.values["weight"], record.values["common"]
        for name, key, kind in name_rows(record.names, every_name=record.values["common"]):
            rows.append(
                {
                    "id": next_id,
                    "chemical_id": chemical_id,
                    "name": name,
                    "name_norm": key,
                    "kind": kind,
                    "weight": weight,
                    "common": common,
                }
            )
            next_id += 1
    bulk_insert(session, table, rows)
    return len(rows)


def _bind_processor(column_type: sa.types.TypeEngine, dialect: sa.Dialect) -> Any:
    if isinstance(column_type, sa.JSON) and dialect.name == "postgresql":
        return json.dumps  # COPY takes JSON as text; psycopg's adapter is for parameters
    return column_type.bind_processor(dialect)


def bulk_insert(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows at driver speed: COPY on PostgreSQL, executemany elsewhere.

    Values go through each column type's own bind processor (JSON, UTC timestamps), so they are
    stored exactly as an ORM insert would store them.
    """
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = list(rows[0])
    processors = [(c, _bind_processor(table.c[c].type, dialect)) for c in columns]
    values = (
        tuple(process(row[c]) if process else row[c] for c, process in processors) for row in rows
    )
    if dialect.name == "postgresql":
        quoted = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
        name = dialect.identifier_preparer.quote(table.name)
        driver = connection.connection.driver_connection
        with driver.cursor() as cursor, cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
        return
    compiled = table.insert().values({c: sa.bindparam(c) for c in columns}).compile(dialect=dialect)
    order = [columns.index(c) for c in compiled.positiontup or ()]
    if order != list(range(len(columns))):
        values = (tuple(row[i] for i in order) for row in values)
    connection.exec_driver_sql(str(compiled), list(values))


def fix_sequences(session: Session) -> None:
    """Explicit ids were inserted: move PostgreSQL's id sequences past them."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in (Chemical.__table__, ChemicalName.__table__):
        after_last = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0) + 1).scalar_subquery()
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        connection.execute(sa.select(sa.func.setval(sequence, after_last, False)))
