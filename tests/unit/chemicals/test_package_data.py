"""Reading a package-shaped folder: names, measured properties and where each came from."""

from __future__ import annotations

import pytest

from cers_app.chemicals import package_data
from tests.unit.chemicals.conftest import FIXTURE_LIBRARY


@pytest.fixture(scope="module")
def substances() -> dict[str, package_data.Substance]:
    read = package_data.read_substances(FIXTURE_LIBRARY, "test")
    return {substance.cas: substance for substance in read}


def test_it_reads_every_substance_with_a_good_cas_and_a_usable_name(substances):
    assert "67-64-1" in substances
    assert "7727-37-9" in substances  # from the inorganic table
    assert "64-17-6" not in substances  # wrong check digit
    assert "50-00-0" not in substances  # its only "name" is a catalogue number
    assert len(substances) == 16


def test_it_drops_registry_numbers_and_cas_numbers_posing_as_names(substances):
    acetone = substances["67-64-1"]
    assert acetone.name == "Acetone"  # the CRC casing of PubChem's "acetone"
    assert acetone.iupac_name == "propan-2-one"
    assert acetone.synonyms == ["2-propanone", "dimethyl ketone", "pyroacetic spirit"]
    assert acetone.synonym_count == 7  # every listed name counts towards how well known it is


def test_a_crc_name_that_differs_is_kept_as_a_synonym(substances):
    glycol = substances["107-21-1"]
    assert glycol.name == "Ethylene glycol"
    assert glycol.synonyms[0] == "1,2-Ethanediol"


def test_measured_properties_carry_their_sources(substances):
    acetone = substances["67-64-1"]
    assert acetone.melting_point_c == pytest.approx(-94.65)
    assert acetone.boiling_point_c == pytest.approx(56.05)
    assert acetone.density_kg_per_l == pytest.approx(0.7845)
    assert acetone.density_phase == "liquid"
    assert acetone.flash_point_c == pytest.approx(-20.0)
    assert acetone.sources["density"].startswith("CRC Handbook via chemicals test")
    assert acetone.sources["flash_point"] == "IEC 60079-20-1 (2010) via chemicals test"
    phosphoric = substances["7664-38-2"]  # no CRC row: Open Notebook and Yaws fill in
    assert phosphoric.sources["melting_point"] == "Open Notebook melting points via chemicals test"
    assert phosphoric.sources["boiling_point"] == "Yaws boiling points via chemicals test"


def test_a_density_says_which_phase_it_describes(substances):
    assert substances["7664-41-7"].density_phase == "gas"  # CRC gives ammonia's gas density
    assert substances["7664-41-7"].density_kg_per_l == pytest.approx(0.0007)
    assert substances["7664-93-9"].density_phase == "liquid"
    assert substances["1310-73-2"].density_phase == "solid"
    assert substances["74-98-6"].density_kg_per_l is None


def test_flash_points_and_flammability_limits_come_from_the_safety_tables(substances):
    assert substances["107-21-1"].flash_point_c == pytest.approx(111.0)
    assert substances["107-21-1"].sources["flash_point"] == "DIPPR (Serat) via chemicals test"
    assert substances["74-98-6"].flammability_limit
    assert substances["74-98-6"].flash_point_c is None
    assert not substances["1310-73-2"].flammability_limit


@pytest.mark.parametrize(
    ("name", "registry"),
    [
        ("stk366316", True),
        ("agn-pc-00hn7a", True),
        ("nsc 135802", True),
        ("mfcd00008722", True),
        ("einecs 200-662-2", True),
        ("67-64-1", True),
        ("9-ethyladenine", False),
        ("2,4-dichlorophenol", False),
        ("1,2,3,4-tetrachlorodibenzo-p-dioxin", False),
        ("hc 290", False),
        ("acetone", False),
    ],
)
def test_it_tells_catalogue_numbers_from_names(name, registry):
    assert package_data.is_registry_number(name) is registry


def test_the_installed_package_is_found_without_importing_it():
    import sys

    root = package_data.package_root()
    assert root is not None, "the chemicals package is not installed (make setup installs it)"
    assert (root / "Identifiers").is_dir()
    assert "chemicals" not in sys.modules
    assert package_data.package_version()
