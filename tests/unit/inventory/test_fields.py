"""The field catalogue follows the CERS EDT schema: tags in order, lengths, code lists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from cers_app.core.settings import PROJECT_ROOT
from cers_app.inventory import codes
from cers_app.inventory.fields import (
    FIELD_BY_TAG,
    FIELDS,
    KINDS,
    REQUIRED_TAGS,
    SECTION_KEYS,
    label_of,
    noun,
)

SCHEMA = Path("shared") / "reference" / "cers-edt-xsd" / "RegulatorFacilitySubmittal.xsd"


def _schema_path() -> Path:
    """The CERS schema beside this checkout, or beside the checkout it was cloned from."""
    folders = [PROJECT_ROOT.parent]
    origin = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "remote", "get-url", "origin"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    if origin and Path(origin).is_dir():
        folders.append(Path(origin).resolve().parent)
    for folder in folders:
        if (folder / SCHEMA).exists():
            return folder / SCHEMA
    pytest.skip("the CERS schemas are not beside this checkout or the one it was cloned from")


def _schema_chemical() -> str:
    text = _schema_path().read_text(encoding="utf-8")
    start = text.index('<xs:complexType name="ChemicalType">')
    return text[start : text.index("</xs:complexType>", start)]


def test_the_fields_are_the_schema_s_chemical_elements_in_order():
    tags = re.findall(r'<xs:element name="(\w+)"', _schema_chemical())

    assert tags == [*(f.tag for f in FIELDS), "ChemicalRegulatorKey"]


def test_text_lengths_match_the_schema():
    chemical = _schema_chemical()
    for field in FIELDS:
        found = re.search(
            rf'<xs:element name="{field.tag}"[^>]*>.*?<xs:maxLength value="(\d+)"',
            chemical,
            re.S,
        )
        nested = found and "<xs:element" not in found.group(0)[10:]
        if field.kind == "text" and nested:
            assert field.max_length == int(found.group(1)), field.tag


def test_every_field_is_complete():
    assert len(FIELDS) == 103 == len(FIELD_BY_TAG)
    for field in FIELDS:
        assert field.kind in KINDS and field.section in SECTION_KEYS
        assert field.label and field.help.endswith(".") and field.number
        if field.kind in ("code", "yesno", "flag"):
            assert field.codes
        if field.kind in ("decimal", "integer"):
            assert field.digits


def test_the_minimally_required_fields():
    assert REQUIRED_TAGS == ("CommonName", "EHS", "PhysicalState", "MaximumDailyAmount", "Units")


def test_the_code_lists_are_complete():
    assert [c for c, _ in codes.FIRE_CODE_CLASSES] == [str(n) for n in range(1, 40)]
    assert len(codes.DOT_CLASSES) == 20 and len(codes.STATE_WASTE_CODES) == 80
    assert FIELD_BY_TAG["EighthFireCodeHazardClass"].codes is codes.FIRE_CODE_CLASSES
    assert FIELD_BY_TAG["StateWasteCode"].max_length == 3
    assert FIELD_BY_TAG["HC3PercentByWeight"].decimals == 2


def test_labels_of_codes():
    assert label_of("Units", "d") == "Tons"
    assert label_of("PFCodeHazardClass", "15") == "Liquefied petroleum gas"
    assert label_of("DOTHazardClassificationID", "2.2") == "2.2 Non-flammable, non-toxic gas"
    assert label_of("StateWasteCode", "221") == "Waste oil and mixed oil"
    assert label_of("Units", "z") == "z"
    assert label_of("CommonName", "Diesel") == "Diesel"


def test_nouns_keep_their_capitals():
    assert noun("ChemicalLocation") == "chemical location"
    assert noun("CASNumber") == "CAS number"
    assert noun("EHS") == "Extremely Hazardous Substance"
