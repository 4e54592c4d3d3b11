"""The official CERS EDT schemas: where they are, loading them once, validating documents,
and the element order they prescribe.

The XSD files are never copied into the project: they are read at run time from the folder
named by the CERS_EDT_XSD_DIR environment variable (default: `../shared/reference/
cers-edt-xsd` next to the project root). `children` reads a schema as plain XML to tell, for
any element path, its child elements in schema order, so the builders and the importer never
spell that order out by hand.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from cers_app.core.settings import PROJECT_ROOT

ENV_VAR = "CERS_EDT_XSD_DIR"
DEFAULT_DIR = PROJECT_ROOT.parent / "shared" / "reference" / "cers-edt-xsd"
SUBMITTAL = "RegulatorFacilitySubmittal.xsd"
QUERY = "RegulatorFacilitySubmittalQuery.xsd"
NAMESPACES = {
    SUBMITTAL: "http://cersservices.calepa.ca.gov/Schemas/RegulatorFacilitySubmittal/1/10/",
    QUERY: "http://cersservices.calepa.ca.gov/Schemas/RegulatorFacilitySubmittalQuery/1/10/",
}
ROOT = "RegulatorFacilitySubmittals"
_XS = "{http://www.w3.org/2001/XMLSchema}"


def safe_parser() -> etree.XMLParser:
    """A parser for documents from outside: no entities expanded, no DTD or network access."""
    return etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True)


class UnsafeDocument(ValueError):
    """A document declaring a DTD: EDT documents never need one, and entities are a risk."""


NO_DTD = "The file declares a DTD (<!DOCTYPE ...>), which CERS EDT documents never carry."


def parse_bytes(content: bytes) -> etree._Element:
    """The root element of an XML document received from outside (see `safe_parser`);
    UnsafeDocument when it declares a DTD."""
    root = etree.fromstring(content, safe_parser())
    if root.getroottree().docinfo.internalDTD is not None:
        raise UnsafeDocument(NO_DTD)
    return root


class SchemaMissing(RuntimeError):
    """The schema folder or file cannot be found."""


def xsd_dir() -> Path:
    """The folder holding the CERS EDT schemas (CERS_EDT_XSD_DIR, else the default)."""
    configured = os.environ.get(ENV_VAR, "").strip()
    folder = Path(configured) if configured else DEFAULT_DIR
    if not folder.is_absolute():
        folder = PROJECT_ROOT / folder
    return folder


def xsd_path(name: str) -> Path:
    """The path of one schema file; SchemaMissing (naming CERS_EDT_XSD_DIR) if absent."""
    path = xsd_dir() / name
    if not path.is_file():
        raise SchemaMissing(
            f"The CERS EDT schema {name} was not found in {path.parent}. Set the environment "
            f"variable {ENV_VAR} to the folder holding the official CERS EDT XSD files."
        )
    return path


@functools.cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path)))


def schema(name: str = SUBMITTAL) -> etree.XMLSchema:
    """The compiled schema `name`, loaded once per path."""
    return _schema(xsd_path(name))


def validate(
    document: etree._Element | etree._ElementTree | bytes, name: str = SUBMITTAL
) -> list[str]:
    """The problems the schema finds in `document` as readable lines ("line 12:
    Element 'Units': ..."); an empty list when it is valid."""
    if isinstance(document, bytes):
        try:
            document = parse_bytes(document)
        except etree.XMLSyntaxError as exc:
            return [f"The file is not well-formed XML: {exc}"]
        except UnsafeDocument as exc:
            return [str(exc)]
    checker = schema(name)
    if checker.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]


# ------------------------------------------------------------------ element order


@dataclass(frozen=True)
class Child:
    """One child element a schema allows: its name, and its declaration (None: simple)."""

    name: str
    node: etree._Element | None  # the complex type declaring its own children
    required: bool


@functools.cache
def _tree(path: Path) -> tuple[etree._Element, dict[str, etree._Element], set[str]]:
    root = etree.parse(str(path)).getroot()
    complex_types = {n.get("name"): n for n in root.findall(f"{_XS}complexType")}
    return root, complex_types, set(complex_types)


def _local(type_name: str | None) -> str:
    return (type_name or "").split(":")[-1]


def _complex_of(decl: etree._Element, types: dict[str, etree._Element]) -> etree._Element | None:
    inline = decl.find(f"{_XS}complexType")
    if inline is not None:
        return inline
    return types.get(_local(decl.get("type")))


def _collect(node: etree._Element, types: dict[str, etree._Element], out: list[Child]) -> None:
    for part in node:
        tag = part.tag
        if tag == f"{_XS}element":
            complex_node = _complex_of(part, types)
            out.append(Child(part.get("name", ""), complex_node, part.get("minOccurs") != "0"))
        elif tag in (f"{_XS}sequence", f"{_XS}choice", f"{_XS}complexContent"):
            _collect(part, types, out)
        elif tag == f"{_XS}extension":
            base = types.get(_local(part.get("base")))
            if base is not None:
                _collect(base, types, out)
            _collect(part, types, out)


def children_of(node: etree._Element | None, name: str = SUBMITTAL) -> tuple[Child, ...]:
    """The child elements of a complex type declaration, in schema order."""
    if node is None:
        return ()
    _, types, _ = _tree(xsd_path(name))
    found: list[Child] = []
    _collect(node, types, found)
    return tuple(found)


def children(*path: str, name: str = SUBMITTAL) -> tuple[Child, ...]:
    """The child elements of the element at `path` below the root ("FacilitySubmittal",
    "UndergroundStorageTanks", "USTTanks", "USTTank"), in schema order."""
    root, types, _ = _tree(xsd_path(name))
    top = next(e for e in root.findall(f"{_XS}element") if e.get("name") == ROOT)
    current = children_of(_complex_of(top, types), name)
    for step in path:
        found = next((c for c in current if c.name == step), None)
        if found is None:
            raise KeyError(f"{name} has no element {step!r} at {'/'.join(path)}")
        current = children_of(found.node, name)
    return current


def names_below(*path: str, name: str = SUBMITTAL) -> set[str]:
    """Every element name at or below `path` (for checking a form's keys reach the XML)."""
    seen: set[str] = set()

    def walk(kids: tuple[Child, ...], depth: int) -> None:
        for kid in kids:
            seen.add(kid.name)
            if kid.node is not None and depth < 8:
                walk(children_of(kid.node, name), depth + 1)

    walk(children(*path, name=name), 0)
    return seen
