"""The hand-written library files in cers_app/chemicals/data/: curated products and the EHS seed.

Both are read strictly: a row with a bad CAS number, an unknown code or a number that is not a
number stops the load with a message naming the file, the line and the value.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from cers_app.chemicals import hazards, rules

DATA_DIR = Path(__file__).parent / "data"
CURATED_FILE = DATA_DIR / "curated_products.csv"
EHS_SEED_FILE = DATA_DIR / "ehs_seed.csv"

CURATED_COLUMNS = (
    "name",
    "synonyms",
    "cas",
    "hm_type",
    "physical_state",
    "density_kg_per_l",
    "density_phase",
    "flash_point_c",
    "hazard_suggestions",
    "fire_code_suggestions",
    "dot_class",
    "ehs",
    "source",
)
EHS_COLUMNS = ("name", "cas", "tpq_lb", "tpq_solid_lb", "rq_lb", "notes")


class DataFileError(ValueError):
    """A library data file that cannot be loaded as it is."""


@dataclass(frozen=True)
class CuratedProduct:
    name: str
    synonyms: tuple[str, ...]
    cas: str | None
    hm_type: str
    physical_state: str
    density_kg_per_l: float | None
    density_phase: str
    flash_point_c: float | None
    hazard_suggestions: tuple[str, ...]
    fire_code_suggestions: tuple[str, ...]
    dot_class: str
    ehs: bool | None  # None: follow the EHS list for the CAS
    source: str


@dataclass(frozen=True)
class EhsEntry:
    name: str
    cas: str
    tpq_lb: float
    tpq_solid_lb: float | None
    rq_lb: float | None
    notes: str


def file_version(path: Path) -> str:
    """The SHA-256 of a file's bytes: a data file's version in chemical_library_version."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _records(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with `#` comment lines, with their line numbers."""
    lines = path.read_text(encoding="utf-8").splitlines()
    numbered = [(number, line) for number, line in enumerate(lines, 1) if not line.startswith("#")]
    if not numbered:
        raise DataFileError(f"{path.name}: the file has no header line")
    reader = csv.DictReader(io.StringIO("\n".join(line for _, line in numbered)))
    missing = [column for column in columns if column not in (reader.fieldnames or [])]
    if missing:
        raise DataFileError(f"{path.name}: missing column(s) {', '.join(missing)}")
    rows = []
    for index, row in enumerate(reader, 1):
        if None in row or any(value is None for value in row.values()):
            raise DataFileError(f"{path.name} line {numbered[index][0]}: wrong number of cells")
        rows.append((numbered[index][0], {key: value.strip() for key, value in row.items()}))
    return rows


def _number(where: str, column: str, text: str, *, positive: bool = False) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise DataFileError(f"{where}: {column} {text!r} is not a number") from None
    if positive and value <= 0:
        raise DataFileError(f"{where}: {column} must be more than 0, not {text}")
    return value


def _cas(where: str, text: str) -> str | None:
    if text == "":
        return None
    cas = rules.normalise_cas(text)
    if cas is None or cas != text:
        raise DataFileError(f"{where}: CAS {text!r} is malformed or fails its check digit")
    return cas


def _code(where: str, column: str, text: str, allowed: frozenset[str], empty_ok: bool) -> str:
    if (text == "" and empty_ok) or text in allowed:
        return text
    raise DataFileError(f"{where}: {column} {text!r} is not one of {', '.join(sorted(allowed))}")


def _list(where: str, column: str, text: str, allowed: frozenset[str]) -> tuple[str, ...]:
    values = tuple(part.strip() for part in text.split("|") if part.strip())
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise DataFileError(f"{where}: {column} has unknown code(s) {', '.join(unknown)}")
    if len(set(values)) != len(values):
        raise DataFileError(f"{where}: {column} repeats a code")
    return values


def read_curated(path: Path = CURATED_FILE) -> list[CuratedProduct]:
    """Every row of the curated products file, checked."""
    products = []
    names: set[str] = set()
    for line, row in _records(path, CURATED_COLUMNS):
        where = f"{path.name} line {line}"
        if not row["name"]:
            raise DataFileError(f"{where}: name is empty")
        key = rules.normalise_name(row["name"])
        if key in names:
            raise DataFileError(f"{where}: {row['name']!r} appears twice")
        names.add(key)
        if not row["source"]:
            raise DataFileError(f"{where}: source is empty; say where the values come from")
        density = _number(where, "density_kg_per_l", row["density_kg_per_l"], positive=True)
        phase = _code(where, "density_phase", row["density_phase"], hazards.DENSITY_PHASES, True)
        if (density is None) != (phase == ""):
            raise DataFileError(f"{where}: density_kg_per_l and density_phase go together")
        ehs = {"": None, "Y": True, "N": False}.get(row["ehs"], "bad")
        if ehs == "bad":
            raise DataFileError(f"{where}: ehs must be Y, N or empty, not {row['ehs']!r}")
        products.append(
            CuratedProduct(
                name=row["name"],
                synonyms=tuple(s.strip() for s in row["synonyms"].split("|") if s.strip()),
                cas=_cas(where, row["cas"]),
                hm_type=_code(where, "hm_type", row["hm_type"], hazards.HM_TYPES, False),
                physical_state=_code(
                    where, "physical_state", row["physical_state"], hazards.PHYSICAL_STATES, False
                ),
                density_kg_per_l=density,
                density_phase=phase,
                flash_point_c=_number(where, "flash_point_c", row["flash_point_c"]),
                hazard_suggestions=_list(
                    where,
                    "hazard_suggestions",
                    row["hazard_suggestions"],
                    frozenset(hazards.HAZARD_TAGS),
                ),
                fire_code_suggestions=_list(
                    where, "fire_code_suggestions", row["fire_code_suggestions"], hazards.FIRE_CODES
                ),
                dot_class=_code(where, "dot_class", row["dot_class"], hazards.DOT_CLASSES, True),
                ehs=ehs,
                source=row["source"],
            )
        )
    return products


def read_ehs_seed(path: Path = EHS_SEED_FILE) -> list[EhsEntry]:
    """Every row of the EHS seed file, checked; a TPQ is required on each."""
    entries = []
    seen: set[str] = set()
    for line, row in _records(path, EHS_COLUMNS):
        where = f"{path.name} line {line}"
        cas = _cas(where, row["cas"])
        if cas is None:
            raise DataFileError(f"{where}: cas is empty")
        if cas in seen:
            raise DataFileError(f"{where}: CAS {cas} appears twice")
        seen.add(cas)
        tpq = _number(where, "tpq_lb", row["tpq_lb"], positive=True)
        if tpq is None:
            raise DataFileError(f"{where}: tpq_lb is empty")
        entries.append(
            EhsEntry(
                name=row["name"],
                cas=cas,
                tpq_lb=tpq,
                tpq_solid_lb=_number(where, "tpq_solid_lb", row["tpq_solid_lb"], positive=True),
                rq_lb=_number(where, "rq_lb", row["rq_lb"], positive=True),
                notes=row["notes"],
            )
        )
    return entries
