"""Seeding the library: counts, provenance, idempotency and versions, on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from cers_app.chemicals import curated, seed
from cers_app.chemicals.models import Chemical, ChemicalLibraryVersion, ChemicalName
from cers_app.core import db
from tests.unit.chemicals.conftest import FIXTURE_LIBRARY


def _chemicals(**where) -> list[Chemical]:
    def read(session):
        query = sa.select(Chemical).filter_by(**where).order_by(Chemical.id)
        return list(session.execute(query).scalars())

    return db.run(read)


def _one(**where) -> Chemical:
    [chemical] = _chemicals(**where)
    return chemical


def _count(model) -> int:
    return db.run(lambda s: s.execute(sa.select(sa.func.count()).select_from(model)).scalar())


def test_it_loads_the_three_parts_and_records_their_versions(library):
    assert [name.split()[0] for name in library.loaded] == ["pubchem", "curated", "ehs_seed"]
    assert library.chemicals_added == _count(Chemical)
    assert library.names_added == _count(ChemicalName)
    versions = db.run(lambda s: list(s.execute(sa.select(ChemicalLibraryVersion)).scalars()))
    assert {v.part for v in versions} == {"pubchem", "curated", "ehs_seed"}
    curated_version = next(v for v in versions if v.part == "curated")
    assert curated_version.version == curated.file_version(curated.CURATED_FILE)
    assert all(v.chemicals_added == library.chemicals_added for v in versions)


def test_every_product_of_the_curated_file_is_in_the_library(library):
    names = {chemical.name for chemical in _chemicals()}
    assert {product.name for product in curated.read_curated()} <= names


def test_a_curated_product_enriches_the_substance_of_the_same_name_and_cas(library):
    nitrogen = _one(cas="7727-37-9", name="Nitrogen")
    assert nitrogen.physical_state == "c"
    assert nitrogen.pubchem_cid is None  # the inorganic table has no CID
    assert nitrogen.origin.startswith("chemicals dir-")
    assert nitrogen.origin.endswith(" (PubChem identifiers) + curated")
    assert nitrogen.hazard_suggestions == [
        "FHCPhysicalGasUnderPressure",
        "FHCHealthSimpleAsphyxiant",
    ]
    assert nitrogen.density_kg_per_l == pytest.approx(0.00116)
    assert nitrogen.density_phase == "gas"
    assert nitrogen.density_temp_c == pytest.approx(21.1)
    assert nitrogen.sources["physical_state"].startswith("curated: gas supplier SDS")
    assert nitrogen.sources["boiling_point"].startswith("CRC Handbook")
    # A product with the same CAS but another name is a row of its own.
    liquid = _one(name="Nitrogen (refrigerated liquid)")
    assert liquid.cas == "7727-37-9"
    assert liquid.origin == "curated"


def test_values_from_the_package_carry_their_sources(library):
    acetone = _one(cas="67-64-1")
    assert acetone.physical_state == "b"
    assert acetone.hazard_suggestions == ["FHCPhysicalFlammable"]
    assert acetone.fire_code_suggestions == ["10"]
    assert acetone.sources["physical_state"] == (
        "derived from the melting and boiling points at 25 °C"
    )
    assert acetone.sources["flash_point"].startswith("IEC 60079-20-1")
    toluene = _one(cas="108-88-3")
    assert toluene.density_kg_per_l == pytest.approx(0.8623)
    assert toluene.density_phase == "liquid"
    assert toluene.density_temp_c is None  # the CRC says "room temperature", not which


def test_every_stored_value_has_a_source(library):
    checks = {
        "physical_state": "physical_state",
        "density_kg_per_l": "density",
        "flash_point_c": "flash_point",
        "hazard_suggestions": "hazard_suggestions",
        "fire_code_suggestions": "fire_code_suggestions",
        "melting_point_c": "melting_point",
        "boiling_point_c": "boiling_point",
        "ehs": "ehs",
        "dot_class": "dot_class",
    }
    for chemical in _chemicals():
        assert chemical.sources.get("name"), chemical.name
        for attribute, source in checks.items():
            if getattr(chemical, attribute) not in (None, "", [], False):
                assert chemical.sources.get(source), (chemical.name, attribute)


def test_the_ehs_seed_sets_flags_and_both_tpq_numbers(library):
    sulfuric = _one(cas="7664-93-9", name="Sulfuric acid")
    assert sulfuric.ehs is True
    assert sulfuric.tpq_lb == 1000
    assert sulfuric.rq_lb == 1000
    assert sulfuric.sources["ehs"].startswith("EHS seed (40 CFR 355 Appendix A")
    electrolyte = _one(name="Battery electrolyte (sulfuric acid solution)")
    assert electrolyte.ehs is True  # follows the list for its CAS
    phenol = _one(cas="108-95-2")  # not in the fixture: the seed adds it under its own name
    assert (phenol.name, phenol.origin) == ("Phenol", "EHS seed")
    assert (phenol.tpq_lb, phenol.tpq_solid_lb) == (500, 10000)
    peroxide = _one(name="Hydrogen peroxide solution (35%)")
    assert peroxide.ehs is False  # the curated row says N: only solutions above 52 % are EHS
    assert peroxide.tpq_lb is None
    assert not _one(cas="1310-73-2", name="Sodium hydroxide").ehs


def test_bad_rows_of_the_package_are_left_out(library):
    assert _chemicals(cas="64-17-6") == []
    names = db.run(lambda s: set(s.execute(sa.select(ChemicalName.name_norm)).scalars()))
    assert "stk301234" not in names
    assert "67 64 1" not in names


def test_seeding_again_changes_nothing_and_is_quick(library):
    before = db.run(lambda s: s.execute(sa.select(Chemical.id, Chemical.version)).all())
    again = db.run(seed.seed_library, source_dir=FIXTURE_LIBRARY)
    assert again.loaded == []
    assert again.summary().startswith("Chemical library is up to date")
    after = db.run(lambda s: s.execute(sa.select(Chemical.id, Chemical.version)).all())
    assert sorted(after) == sorted(before)
    assert _count(ChemicalLibraryVersion) == 3


def _names_of(chemical_id: int) -> set[str]:
    query = sa.select(ChemicalName.name_norm).where(ChemicalName.chemical_id == chemical_id)
    return db.run(lambda s: set(s.execute(query).scalars()))


def test_a_new_synonym_in_the_curated_file_is_searchable_after_seeding(library, tmp_path: Path):
    changed = tmp_path / "curated.csv"
    text = curated.CURATED_FILE.read_text()
    changed.write_text(text.replace("Motor Oil,motor oil|", "Motor Oil,motor oil|synthetic oil|"))
    motor_oil = _one(name="Motor Oil")

    report = db.run(seed.seed_library, source_dir=FIXTURE_LIBRARY, curated_path=changed)

    assert [name.split()[0] for name in report.loaded] == ["curated"]
    assert (report.chemicals_added, report.chemicals_updated) == (0, 0)  # no value changed
    again = _one(name="Motor Oil")
    assert (again.id, again.version) == (motor_oil.id, motor_oil.version)
    assert "synthetic oil" in _names_of(again.id)
    assert report.names_added == len(_names_of(again.id))  # only its names were rewritten


def test_a_changed_value_bumps_the_row_version_and_rebuilds_its_names(library, tmp_path: Path):
    changed = tmp_path / "curated.csv"
    text = curated.CURATED_FILE.read_text()
    changed.write_text(
        text.replace("Motor Oil,motor oil|", "Motor Oil,synthetic motor oil|motor oil|").replace(
            "64742-65-0,b,b,0.88,", "64742-65-0,b,b,0.87,"
        )
    )
    motor_oil = _one(name="Motor Oil")

    report = db.run(seed.seed_library, source_dir=FIXTURE_LIBRARY, curated_path=changed)

    assert report.chemicals_updated == 1
    again = _one(name="Motor Oil")
    assert (again.id, again.version) == (motor_oil.id, motor_oil.version + 1)
    assert again.density_kg_per_l == pytest.approx(0.87)
    assert "synthetic motor oil" in _names_of(again.id)


def test_a_new_package_version_keeps_ids_and_adds_what_is_new(library, tmp_path: Path):
    folder = tmp_path / "package"
    shutil.copytree(FIXTURE_LIBRARY, folder)
    table = folder / "Identifiers" / "chemical identifiers pubchem small.tsv"
    with table.open("a") as handle:
        handle.write("\t".join(["702", "64-17-5", "C2H6O", "46.07", "", "", "", "ethanol"]))
        handle.write("\tethanol\tethyl alcohol\n")
    acetone = _one(cas="67-64-1")
    acetone_names = _names_of(acetone.id)

    report = db.run(seed.seed_library, source_dir=folder)

    assert [name.split()[0] for name in report.loaded] == ["pubchem"]
    assert report.chemicals_added == 1
    assert _one(cas="64-17-5", name="Ethanol").origin.endswith("(PubChem identifiers)")
    assert _one(cas="67-64-1").id == acetone.id
    assert _names_of(acetone.id) == acetone_names  # names rewritten, none lost


def test_a_broken_data_file_loads_nothing(database, tmp_path: Path):
    broken = tmp_path / "curated.csv"
    broken.write_text(curated.CURATED_FILE.read_text().replace("7727-37-9", "7727-37-8", 1))
    with pytest.raises(curated.DataFileError, match="7727-37-8"):
        db.run(seed.seed_library, source_dir=FIXTURE_LIBRARY, curated_path=broken)
    assert _count(Chemical) == 0
    assert _count(ChemicalLibraryVersion) == 0


def test_a_folder_without_the_package_layout_is_refused(database, tmp_path: Path):
    with pytest.raises(curated.DataFileError, match="no Identifiers folder"):
        db.run(seed.seed_library, source_dir=tmp_path)
