"""Importing EPA's "Consolidated List of Lists" (EPCRA 302 EHS and TPQ, 304 RQ, CERCLA, 313, ...).

The operator supplies EPA's spreadsheet (xlsx, xls or ods). The header row is found by its
headings wherever it sits; Chemical Name, CAS/313 Category Code and Section 302 (EHS) TPQ must
be there. The file is read completely before anything is written, and everything is written in
one transaction: a bad file changes nothing. The list is taken as complete: a chemical whose EHS
flag came from an earlier list or the seed, and which this list does not name as an EHS, loses
the flag. A curated product that says explicitly whether it is an EHS (a diluted solution) is
left alone.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cers_app.chemicals import curated, rules, seed
from cers_app.chemicals.models import (
    ORIGIN_LIST_OF_LISTS,
    PRIMARY,
    Chemical,
    ChemicalLibraryVersion,
    ChemicalListValue,
    ChemicalName,
)
from cers_app.core import clock
from cers_app.core.db import transaction

PART = "list_of_lists"
# Column key -> (heading as EPA prints it, other spellings); matched ignoring case, spaces and
# punctuation, and a heading may carry a suffix ("Section 313 Note").
HEADINGS: dict[str, tuple[str, ...]] = {
    "name": ("Chemical Name", "Name"),
    "cas": ("CAS/313 Category Code", "CAS Number", "CAS"),
    "tpq": ("Section 302 (EHS) TPQ", "EHS TPQ"),
    "ehs_rq": ("Section 304 EHS RQ", "EHS RQ"),
    "cercla_rq": ("CERCLA RQ",),
    "s313": ("Section 313",),
    "rcra": ("RCRA Code",),
    "rmp": ("CAA 112(r) RMP TQ", "CAA 112r RMP TQ"),
}
REQUIRED = ("name", "cas", "tpq")
# Column key -> chemical_list_value.list_name
LIST_NAMES = {
    "tpq": "epcra_302_tpq",
    "ehs_rq": "epcra_304_rq",
    "cercla_rq": "cercla_rq",
    "s313": "epcra_313",
    "rcra": "rcra_code",
    "rmp": "caa_112r_tq",
}
HEADER_SEARCH_ROWS = 40
CURATED_SOURCE_PREFIX = "curated:"


@dataclass
class ListEntry:
    """One chemical of the list (rows repeating a CAS are merged, first value wins)."""

    cas: str
    name: str
    values: dict[str, str] = field(default_factory=dict)  # column key -> text as printed
    line: int = 0

    @property
    def tpq(self) -> tuple[float | None, float | None]:
        return rules.parse_quantity_pair(self.values.get("tpq", ""))

    @property
    def rq_lb(self) -> float | None:
        for key in ("ehs_rq", "cercla_rq"):
            first, _second = rules.parse_quantity_pair(self.values.get(key, ""))
            if first is not None:
                return first
        return None


@dataclass
class ParsedList:
    entries: dict[str, ListEntry]
    rows_read: int
    skipped: list[str]  # "line 12: N420 (no CAS number)"
    missing_optional: list[str]


@dataclass
class ImportReport:
    file: str
    rows_read: int = 0
    ehs_listed: int = 0
    chemicals_updated: int = 0
    chemicals_added: int = 0
    ehs_cleared: int = 0
    skipped: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    already_imported: bool = False
    seconds: float = 0.0

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.file} was already imported; nothing changed."
        lines = [
            f"Imported {self.file}: {self.rows_read} rows, {self.ehs_listed} EHS; "
            f"{self.chemicals_updated} chemicals updated, {self.chemicals_added} added, "
            f"EHS flag cleared on {self.ehs_cleared}; {len(self.skipped)} rows skipped "
            f"({self.seconds:.1f} s)."
        ]
        if self.missing_optional:
            lines.append(f"Columns not in the file: {', '.join(self.missing_optional)}.")
        lines += [f"  skipped {reason}" for reason in self.skipped[:20]]
        if len(self.skipped) > 20:
            lines.append(f"  ... and {len(self.skipped) - 20} more")
        return "\n".join(lines)


def _heading_key(text: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(text or "").lower())


_SPELLINGS = {key: [_heading_key(h) for h in names] for key, names in HEADINGS.items()}


def _column_of(cell: Any) -> str | None:
    key = _heading_key(cell)
    if not key:
        return None
    for column, spellings in _SPELLINGS.items():
        if key in spellings:
            return column
    for column, spellings in _SPELLINGS.items():
        if any(key.startswith(spelling) for spelling in spellings[:1]):
            return column
    return None


def _find_header(rows: list[list[Any]]) -> tuple[int, dict[str, int]]:
    best_index, best = -1, {}
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found: dict[str, int] = {}
        for position, cell in enumerate(row):
            column = _column_of(cell)
            if column and column not in found:
                found[column] = position
        if len(found) > len(best):
            best_index, best = index, found
    missing = [HEADINGS[key][0] for key in REQUIRED if key not in best]
    if missing:
        raise curated.DataFileError(
            "this is not EPA's List of Lists: no header row with the heading(s) "
            + ", ".join(f'"{heading}"' for heading in missing)
            + (f" (the best row found, row {best_index + 1}, lacks them)" if best else "")
        )
    return best_index, best


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value if value is not None else "").strip()


def read_sheet(path: Path) -> list[list[Any]]:
    """The first worksheet of a spreadsheet file as rows of cell values."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0).to_python()
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for a bad file
        raise curated.DataFileError(
            f"{path.name} could not be read as a spreadsheet (xlsx, xls or ods): {exc}"
        ) from None


def parse_list(rows: list[list[Any]]) -> ParsedList:
    """The entries of the list, by CAS; rows without a CAS number are reported as skipped."""
    header, columns = _find_header(rows)
    entries: dict[str, ListEntry] = {}
    skipped: list[str] = []
    rows_read = 0
    for index in range(header + 1, len(rows)):
        row = rows[index]
        cells = {key: _text(row[pos]) if pos < len(row) else "" for key, pos in columns.items()}
        if not any(cells.values()):
            continue
        rows_read += 1
        line = index + 1
        cas = rules.normalise_cas(cells["cas"])
        if cas is None:
            what = cells["cas"] or "empty"
            skipped.append(f"row {line}: {cells['name'] or '(no name)'} ({what}: not a CAS number)")
            continue
        if not cells["name"]:
            skipped.append(f"row {line}: CAS {cas} has no chemical name")
            continue
        entry = entries.get(cas)
        if entry is None:
            entry = entries[cas] = ListEntry(cas=cas, name=cells["name"][:300], line=line)
        for key in LIST_NAMES:
            if cells.get(key) and not entry.values.get(key):
                entry.values[key] = cells[key][:100]
        if cells["tpq"] and entry.tpq[0] is None:
            skipped.append(f"row {line}: CAS {cas} TPQ {cells['tpq']!r} is not a number")
            entry.values.pop("tpq", None)
    missing = [HEADINGS[key][0] for key in HEADINGS if key not in columns]
    return ParsedList(entries, rows_read, skipped, missing)


def import_list_of_lists(session: Session, path: Path) -> ImportReport:
    """Set EHS flags, TPQs and RQs from EPA's List of Lists file at `path`; one transaction."""
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport(file=path.name)
    parsed = parse_list(read_sheet(path))
    version = curated.file_version(path)
    report.rows_read = parsed.rows_read
    report.skipped = parsed.skipped
    report.missing_optional = parsed.missing_optional
    if not parsed.entries:
        raise curated.DataFileError(f"{path.name} lists no chemical with a CAS number")
    loaded = session.execute(
        sa.select(ChemicalLibraryVersion.id).where(
            ChemicalLibraryVersion.part == PART, ChemicalLibraryVersion.version == version
        )
    ).first()
    session.rollback()  # end the read so the import can open its own transaction
    if loaded:
        report.already_imported = True
        return report
    with transaction(session):
        row = ChemicalLibraryVersion(
            part=PART,
            version=version,
            source=f"EPA Consolidated List of Lists: {path.name}"[:300],
            loaded_at=clock.now(),
        )
        session.add(row)
        session.flush()
        _apply(session, parsed.entries, row, report)
        report.seconds = time.perf_counter() - started
        row.chemicals_added = report.chemicals_added
        row.chemicals_updated = report.chemicals_updated + report.ehs_cleared
        row.seconds = round(report.seconds, 2)
    return report


def _apply(
    session: Session,
    entries: dict[str, ListEntry],
    version: ChemicalLibraryVersion,
    report: ImportReport,
) -> None:
    connection = session.connection()
    table = Chemical.__table__
    source = (
        f"{seed.LIST_OF_LISTS_SOURCE_PREFIX} ({version.source.split(': ', 1)[-1]}, "
        f"imported {version.loaded_at:%Y-%m-%d})"
    )
    existing: dict[str, list[dict[str, Any]]] = {}
    flagged: list[dict[str, Any]] = []
    query = sa.select(
        table.c.id, table.c.cas, table.c.ehs, table.c.sources, table.c.version, table.c.common
    ).where(sa.or_(table.c.cas.is_not(None), table.c.ehs.is_(True)))
    for row in connection.execute(query).mappings():
        if row["cas"]:
            existing.setdefault(row["cas"], []).append(dict(row))
        if row["ehs"]:
            flagged.append(dict(row))
    now = clock.now()
    added = _add_unknown(session, [e for e in entries.values() if e.cas not in existing], now)
    for entry, chemical_id in added:
        existing[entry.cas] = [
            {
                "id": chemical_id,
                "cas": entry.cas,
                "ehs": False,
                "sources": {},
                "version": 1,
                "common": False,
            }
        ]
    report.chemicals_added = len(added)
    updates: list[dict[str, Any]] = []
    listed_ids: set[int] = set()
    for entry in entries.values():
        tpq, tpq_solid = entry.tpq
        if tpq is not None:
            report.ehs_listed += 1
        for chemical in existing[entry.cas]:
            listed_ids.add(chemical["id"])
            if _curated_decision(chemical):
                continue
            sources = dict(chemical["sources"] or {})
            sources["ehs"] = source if tpq is not None else f"{source}: not an EHS"
            updates.append(
                {
                    "_id": chemical["id"],
                    "ehs": tpq is not None,
                    "tpq_lb": tpq,
                    "tpq_solid_lb": tpq_solid,
                    "rq_lb": entry.rq_lb,
                    "sources": sources,
                    "common": bool(chemical["common"] or tpq is not None),
                    "version": chemical["version"] + 1,
                    "updated_at": now,
                }
            )
    report.chemicals_updated = len(updates)
    for chemical in flagged:
        if chemical["id"] in listed_ids or _curated_decision(chemical):
            continue
        sources = dict(chemical["sources"] or {})
        sources["ehs"] = f"{source}: not an EHS"
        updates.append(
            {
                "_id": chemical["id"],
                "ehs": False,
                "tpq_lb": None,
                "tpq_solid_lb": None,
                "rq_lb": None,
                "sources": sources,
                "common": chemical["common"],
                "version": chemical["version"] + 1,
                "updated_at": now,
            }
        )
        report.ehs_cleared += 1
    if updates:
        columns = [column for column in updates[0] if column != "_id"]
        connection.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("_id"))
            .values({column: sa.bindparam(column) for column in columns}),
            updates,
        )
        _promote_names(session, [u["_id"] for u in updates if u["common"]])
    _replace_list_values(session, entries, existing, version)


def _curated_decision(chemical: dict[str, Any]) -> bool:
    """A curated product that states whether it is an EHS keeps its own answer."""
    ehs_source = str((chemical["sources"] or {}).get("ehs", ""))
    return ehs_source.startswith(CURATED_SOURCE_PREFIX)


def _add_unknown(
    session: Session, entries: list[ListEntry], now: Any
) -> list[tuple[ListEntry, int]]:
    """Chemicals the library does not know yet, added under the list's name."""
    if not entries:
        return []
    table = Chemical.__table__
    connection = session.connection()
    next_id = (connection.execute(sa.select(sa.func.max(table.c.id))).scalar() or 0) + 1
    rows, names, added = [], [], []
    for entry in entries:
        name_norm = rules.normalise_name(entry.name)[:300]
        rows.append(
            {
                "id": next_id,
                "cas": entry.cas,
                "cas_key": rules.cas_digits(entry.cas),
                "name": entry.name,
                "name_norm": name_norm,
                "chemical_name": "",
                "formula": "",
                "hm_type": "a",
                "physical_state": "",
                "density_phase": "",
                "ehs": False,
                "hazard_suggestions": [],
                "fire_code_suggestions": [],
                "dot_class": "",
                "sources": {"name": "EPA List of Lists"},
                "origin": ORIGIN_LIST_OF_LISTS,
                "weight": 0,
                "common": False,
                "updated_at": now,
                "version": 1,
            }
        )
        names.append((next_id, entry.name))
        added.append((entry, next_id))
        next_id += 1
    seed.bulk_insert(session, table, rows)
    name_table = ChemicalName.__table__
    next_name = (connection.execute(sa.select(sa.func.max(name_table.c.id))).scalar() or 0) + 1
    name_rows = []
    for chemical_id, name in names:
        for text, key, kind in seed.name_rows([(name, PRIMARY)], every_name=False):
            name_rows.append(
                {
                    "id": next_name,
                    "chemical_id": chemical_id,
                    "name": text,
                    "name_norm": key,
                    "kind": kind,
                    "weight": 0,
                    "common": False,
                }
            )
            next_name += 1
    seed.bulk_insert(session, name_table, name_rows)
    seed.fix_sequences(session)
    return added


def _promote_names(session: Session, chemical_ids: list[int]) -> None:
    """EHS chemicals join the ranked search tier, names included."""
    table = ChemicalName.__table__
    connection = session.connection()
    for start in range(0, len(chemical_ids), 5000):
        chunk = chemical_ids[start : start + 5000]
        connection.execute(
            table.update()
            .where(table.c.chemical_id.in_(chunk), table.c.common.is_(False))
            .values(common=True)
        )


def _replace_list_values(
    session: Session,
    entries: dict[str, ListEntry],
    existing: dict[str, list[dict[str, Any]]],
    version: ChemicalLibraryVersion,
) -> None:
    table = ChemicalListValue.__table__
    connection = session.connection()
    connection.execute(table.delete())  # the list is complete: it replaces the previous one
    rows = []
    for entry in entries.values():
        for chemical in existing[entry.cas]:
            for key, list_name in LIST_NAMES.items():
                if entry.values.get(key):
                    rows.append(
                        {
                            "chemical_id": chemical["id"],
                            "list_name": list_name,
                            "value": entry.values[key],
                            "library_version_id": version.id,
                        }
                    )
    if rows:
        connection.execute(table.insert(), rows)
