"""Reading the seed data shipped inside the `chemicals` package (MIT, Caleb Bell / ChEDL).

The package is installed with `pip install --no-deps` and never imported (importing it needs
numpy): its data files are plain TSV/CSV and are read here with the csv module. Only measured
values are used; the package's CAS Common Chemistry table (CC BY-NC) and its Joback estimates are
left out. Every value is returned with the name of the table it came from.

A directory laid out like the package (`Identifiers/`, `Misc/`, `Safety/`, `Density/`,
`Phase Change/`) can stand in for it, which is how tests load a small fixture library.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cers_app.chemicals import rules

PACKAGE = "chemicals"

# Identifier tables (no header): CID, CAS, formula, MW, SMILES, InChI, InChIKey, IUPAC name,
# common name, synonyms ... A CAS seen in an earlier file wins. `popular` marks the package's
# small table of frequently used chemicals, a strong hint that a name is well known.
IDENTIFIER_FILES = (
    ("Identifiers/Inorganic db.tsv", False),
    ("Identifiers/chemical identifiers pubchem small.tsv", True),
    ("Identifiers/chemical identifiers example user db.tsv", False),
    ("Identifiers/chemical identifiers pubchem large.tsv", False),
)
CRC_ORGANIC = "Misc/Physical Constants of Organic Compounds.csv"
CRC_INORGANIC = "Misc/Physical Constants of Inorganic Compounds.csv"
# Measured melting/boiling points after the CRC tables, best first.
MELTING_FILES = (
    ("Phase Change/OpenNotebook Melting Points.tsv", "Tm", "Open Notebook melting points"),
)
BOILING_FILES = (("Phase Change/Yaws Boiling Points.tsv", "Tb", "Yaws boiling points"),)
WEBBOOK = "Misc/webbook_constants.tsv"
WIKIDATA = "Misc/wikidata_properties.tsv"
# Molar volumes of inorganic liquids and solids (m³/mol) when the CRC constants give no density.
VOLUME_FILES = (
    ("Density/CRC Liquid Inorganic Constant Densities.tsv", "liquid"),
    ("Density/CRC Solid Inorganic Constant Densities.tsv", "solid"),
)
# Measured flash points (K), best first.
FLASH_FILES = (
    ("Safety/IS IEC 60079-20-1 2010.tsv", "IEC 60079-20-1 (2010)"),
    ("Safety/NFPA 497 2008.tsv", "NFPA 497 (2008)"),
    ("Safety/DIPPR T_flash Serat.csv", "DIPPR (Serat)"),
)

MAX_NAME_LENGTH = 120
MAX_SYNONYMS = 10
KELVIN = 273.15
# Names that are catalogue or registry numbers rather than names people type.
_REGISTRY_PREFIX = re.compile(
    r"^(nsc|unii|ccris|hsdb|einecs|ec|un|ai3|brn|caswell|epa|chembl|dtxsid|dtxcid|zinc|akos|"
    r"mfcd|schembl|bidd|ks|cs|hy|smr|mls|bdbm|cid|sbb|stk|fema|rtecs|inchi|wln|nci|dsstox|"
    r"tox21|ncgc|spectrum|prestwick|bspbio|kbio|lopac|sr|pubchem|q\d)[\s:_-]*\d"
    r"|^agn-pc-",
)
_NO_DIGITS = str.maketrans("", "", "0123456789")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass
class Substance:
    """One substance read from the package, with the source of each value."""

    cas: str
    name: str
    iupac_name: str = ""
    synonyms: list[str] = field(default_factory=list)
    formula: str = ""
    molecular_weight: float | None = None
    pubchem_cid: int | None = None
    popular: bool = False
    synonym_count: int = 0
    melting_point_c: float | None = None
    boiling_point_c: float | None = None
    density_kg_per_l: float | None = None
    density_phase: str = ""
    flash_point_c: float | None = None
    flammability_limit: bool = False  # a lower flammability limit is listed
    sources: dict[str, str] = field(default_factory=dict)


def package_root() -> Path | None:
    """The installed package's folder, found without importing it (its import needs numpy)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def package_version() -> str | None:
    """The installed version of the package, or None when it is not installed."""
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return None


def is_registry_number(name: str) -> bool:
    """True for catalogue and registry codes posing as names ("stk366316", "nsc 1234")."""
    if _REGISTRY_PREFIX.match(name) or rules.looks_like_cas(name):
        return True
    if " " in name:
        return False
    digits = len(name) - len(name.translate(_NO_DIGITS))
    return digits >= 3 and digits * 2 >= len(_LETTERS.findall(name))


def _usable(name: str) -> bool:
    # A ";" marks several names run together in one field.
    return 1 < len(name) <= MAX_NAME_LENGTH and ";" not in name and not is_registry_number(name)


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _rows(path: Path, delimiter: str) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def _delimiter(path: Path) -> str:
    with path.open(encoding="utf-8") as handle:
        header = handle.readline()
    return "\t" if "\t" in header else ","


def _table(root: Path, relative: str) -> Iterator[dict[str, str]]:
    path = root / relative
    if path.exists():
        yield from _rows(path, _delimiter(path))


def _read_identifiers(root: Path, version: str) -> dict[str, Substance]:
    substances: dict[str, Substance] = {}
    for relative, popular in IDENTIFIER_FILES:
        path = root / relative
        if not path.exists():
            continue
        source = f"PubChem via chemicals {version} ({Path(relative).name})"
        with path.open(newline="", encoding="utf-8") as handle:
            for fields in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
                substance = _substance(fields, popular, source)
                if substance and substance.cas not in substances:
                    substances[substance.cas] = substance
    return substances


def _substance(fields: list[str], popular: bool, source: str) -> Substance | None:
    if len(fields) < 9:
        return None
    cas = rules.normalise_cas(fields[1])
    if cas is None:
        return None
    iupac = fields[7].strip()
    names: list[str] = []
    seen: set[str] = set()
    for raw in fields[8:]:
        name = raw.strip()
        if not _usable(name):
            continue
        key = rules.normalise_name(name)
        if key and key not in seen:
            seen.add(key)
            names.append(name)
            if len(names) > MAX_SYNONYMS:
                break
    if not names and not (iupac and len(iupac) <= MAX_NAME_LENGTH):
        return None
    primary = _display_case(names[0]) if names else iupac
    return Substance(
        cas=cas,
        name=primary,
        iupac_name=iupac if len(iupac) <= 500 else "",
        synonyms=names[1 : 1 + MAX_SYNONYMS],
        formula=fields[2].strip()[:100],
        molecular_weight=_float(fields[3]),
        pubchem_cid=int(fields[0])
        if fields[0].lstrip("-").isdigit() and int(fields[0]) > 0
        else None,
        popular=popular,
        synonym_count=len(fields) - 8,
        sources={"name": source, "identifiers": source},
    )


def _display_case(name: str) -> str:
    """PubChem names are lower case: "ethylene glycol" -> "Ethylene glycol", "nitrogen oxide
    (N2O4)" -> "Nitrogen oxide (N2O4)"; "n-hexane" and "2-butanone" stay as they are."""
    first_word = name.split(" ", 1)[0]
    if name[:2].isalpha() and first_word.islower():
        return name[0].upper() + name[1:]
    return name


def _by_cas(substances: dict[str, Substance], text: str) -> Substance | None:
    cas = rules.normalise_cas(text or "")
    return substances.get(cas) if cas else None


def _apply_crc(root: Path, substances: dict[str, Substance], version: str) -> None:
    named: set[str] = set()
    for relative, name_column in ((CRC_ORGANIC, "Name"), (CRC_INORGANIC, "Chemical")):
        source = f"CRC Handbook via chemicals {version} ({Path(relative).stem})"
        for row in _table(root, relative):
            substance = _by_cas(substances, row.get("CAS", ""))
            if substance is None:
                continue
            crc_name = (row.get(name_column) or "").strip()
            if crc_name and _usable(crc_name) and substance.cas not in named:
                named.add(substance.cas)
                if rules.normalise_name(crc_name) == rules.normalise_name(substance.name):
                    substance.name = crc_name  # the same name in the casing people write
                else:
                    substance.synonyms.insert(0, crc_name)
            _set_point(substance, "melting_point_c", _float(row.get("Tm")), source)
            _set_point(substance, "boiling_point_c", _float(row.get("Tb")), source)
            rho = _float(row.get("rho"))
            if rho and substance.density_kg_per_l is None:
                substance.density_kg_per_l = round(rho / 1000, 6)
                substance.sources["density"] = source + ", at room temperature"


def _set_point(substance: Substance, attribute: str, kelvin: float | None, source: str) -> None:
    if kelvin is None or kelvin <= 0 or getattr(substance, attribute) is not None:
        return
    setattr(substance, attribute, round(kelvin - KELVIN, 2))
    substance.sources[attribute.removesuffix("_c")] = source


def _apply_points(root: Path, substances: dict[str, Substance], version: str) -> None:
    for relative, column, label in MELTING_FILES:
        for row in _table(root, relative):
            substance = _by_cas(substances, row.get("CAS", ""))
            if substance:
                source = f"{label} via chemicals {version}"
                _set_point(substance, "melting_point_c", _float(row.get(column)), source)
    for relative, column, label in BOILING_FILES:
        for row in _table(root, relative):
            substance = _by_cas(substances, row.get("CAS", ""))
            if substance:
                source = f"{label} via chemicals {version}"
                _set_point(substance, "boiling_point_c", _float(row.get(column)), source)
    for relative, label in ((WEBBOOK, "NIST WebBook"), (WIKIDATA, "Wikidata")):
        source = f"{label} via chemicals {version}"
        for row in _table(root, relative):
            substance = _by_cas(substances, row.get("CAS", ""))
            if substance:
                _set_point(substance, "melting_point_c", _float(row.get("Tm")), source)
                _set_point(substance, "boiling_point_c", _float(row.get("Tb")), source)


def _apply_volumes(root: Path, substances: dict[str, Substance], version: str) -> None:
    for relative, phase in VOLUME_FILES:
        source = f"CRC via chemicals {version} ({Path(relative).stem}, molar volume)"
        for row in _table(root, relative):
            substance = _by_cas(substances, row.get("CAS", ""))
            volume = _float(row.get("Vm"))
            if substance is None or not volume or substance.density_kg_per_l is not None:
                continue
            if substance.molecular_weight:
                substance.density_kg_per_l = round(substance.molecular_weight / volume / 1e6, 6)
                substance.density_phase = phase
                substance.sources["density"] = source


def _apply_flash_points(root: Path, substances: dict[str, Substance], version: str) -> None:
    for relative, label in FLASH_FILES:
        source = f"{label} via chemicals {version}"
        for row in _table(root, relative):
            substance = _by_cas(substances, row.get("CAS", ""))
            if substance is None:
                continue
            if _float(row.get("LFL")) and not substance.flammability_limit:
                substance.flammability_limit = True
                substance.sources["flammability_limit"] = source
            kelvin = _float(row.get("T_flash"))
            if kelvin and substance.flash_point_c is None:
                substance.flash_point_c = round(kelvin - KELVIN, 1)
                substance.sources["flash_point"] = source
    source = f"Wikidata via chemicals {version}"
    for row in _table(root, WIKIDATA):
        substance = _by_cas(substances, row.get("CAS", ""))
        kelvin = _float(row.get("T_flash"))
        if substance and kelvin and substance.flash_point_c is None:
            substance.flash_point_c = round(kelvin - KELVIN, 1)
            substance.sources["flash_point"] = source


def _settle_density_phase(substance: Substance) -> None:
    """Which phase a density describes: the CRC lists gas densities for gases (ammonia 0.7 kg/m³)
    but liquid densities for some low boilers (propane 585 kg/m³)."""
    if substance.density_kg_per_l is None or substance.density_phase:
        return
    state = rules.state_at_25c(substance.melting_point_c, substance.boiling_point_c)
    if state == "c":
        substance.density_phase = "gas" if substance.density_kg_per_l < 0.02 else "liquid"
    elif state == "b":
        substance.density_phase = "liquid"
    elif state == "a":
        substance.density_phase = "solid"
    elif substance.density_kg_per_l < 0.02:
        substance.density_phase = "gas"


def read_substances(root: Path, version: str) -> list[Substance]:
    """Every substance in the package-shaped folder `root`, with measured properties."""
    substances = _read_identifiers(root, version)
    _apply_crc(root, substances, version)
    _apply_points(root, substances, version)
    _apply_volumes(root, substances, version)
    _apply_flash_points(root, substances, version)
    for substance in substances.values():
        _settle_density_phase(substance)
    return list(substances.values())
