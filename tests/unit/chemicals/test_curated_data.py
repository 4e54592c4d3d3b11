"""The hand-written library files: every row valid, and a bad row stops the load."""

from __future__ import annotations

from pathlib import Path

import pytest

from cers_app.chemicals import curated, hazards, rules
from cers_app.inventory import codes


@pytest.fixture(scope="module")
def products() -> dict[str, curated.CuratedProduct]:
    return {product.name: product for product in curated.read_curated()}


def test_the_curated_file_loads_with_the_products_real_inventories_need(products):
    assert 40 <= len(products) <= 100
    for name in (
        "Gasoline",
        "Diesel fuel",
        "Kerosene",
        "Jet fuel",
        "Motor Oil",
        "Hydraulic oil",
        "Used oil",
        "Lubricating oil",
        "Mineral spirits",
        "Xylene (mixed isomers)",
        "Liquefied petroleum gas",
        "Propane",
        "Nitrogen",
        "Oxygen",
        "Argon",
        "Carbon dioxide",
        "Acetylene",
        "Helium",
        "Hydrogen",
        "Compressed air",
        "Battery electrolyte (sulfuric acid solution)",
        "Lead-acid battery",
        "Ethylene glycol antifreeze",
        "Bleach (sodium hypochlorite 5-8%)",
        "Hydrochloric acid solution (muriatic acid)",
        "Sodium hydroxide solution (50%)",
        "Paint (solvent-based)",
        "Asphalt",
        "Creosote",
    ):
        assert name in products, name


def test_the_browser_tests_materials_are_as_the_guide_describes(products):
    nitrogen = products["Nitrogen"]
    assert nitrogen.physical_state == "c"
    assert nitrogen.cas == "7727-37-9"
    assert "FHCPhysicalGasUnderPressure" in nitrogen.hazard_suggestions
    motor_oil = products["Motor Oil"]
    assert motor_oil.physical_state == "b"
    assert motor_oil.hazard_suggestions  # CERS wants at least one hazard category


def test_every_curated_row_is_valid(products):
    for product in products.values():
        if product.cas:
            assert rules.cas_check_digit_ok(product.cas), product.name
        assert product.physical_state in hazards.PHYSICAL_STATES
        assert product.hm_type in hazards.HM_TYPES
        assert set(product.hazard_suggestions) <= set(hazards.HAZARD_TAGS), product.name
        assert set(product.fire_code_suggestions) <= hazards.FIRE_CODES, product.name
        assert product.dot_class == "" or product.dot_class in hazards.DOT_CLASSES
        assert product.hazard_suggestions, f"{product.name}: no hazard category suggested"
        assert product.source
        if product.density_kg_per_l is not None:
            assert product.density_phase in hazards.DENSITY_PHASES
            limit = 0.01 if product.density_phase == "gas" else 3.0
            assert 0 < product.density_kg_per_l < limit, product.name
        if product.flash_point_c is not None and product.physical_state == "b":
            flammable = "FHCPhysicalFlammable" in product.hazard_suggestions
            assert flammable == (product.flash_point_c < 93), product.name


def test_the_library_codes_match_the_inventory_code_lists():
    assert {code for code, _label in codes.FIRE_CODE_CLASSES} == hazards.FIRE_CODES
    assert {code for code, _label in codes.DOT_CLASSES} == hazards.DOT_CLASSES


def test_the_ehs_seed_is_valid_and_notes_its_source():
    entries = {entry.cas: entry for entry in curated.read_ehs_seed()}
    assert entries["7664-93-9"].tpq_lb == 1000
    assert entries["108-95-2"].tpq_lb == 500
    assert entries["108-95-2"].tpq_solid_lb == 10000
    assert all(rules.cas_check_digit_ok(cas) for cas in entries)
    header = curated.EHS_SEED_FILE.read_text().split("\nname,", 1)[0]
    assert "40 CFR part 355 Appendix A" in header
    assert "checked" in header


HEADER = ",".join(curated.CURATED_COLUMNS)
GOOD = "Widget oil,widget,64742-65-0,b,b,0.88,liquid,220,FHCPhysicalFlammable,4,,,a test"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (GOOD.replace("64742-65-0", "64742-65-1"), "line 3: CAS '64742-65-1'"),
        (GOOD.replace("FHCPhysicalFlammable", "FHCFlammable"), "unknown code(s) FHCFlammable"),
        (GOOD.replace(",4,", ",40,"), "fire_code_suggestions has unknown code(s) 40"),
        (GOOD.replace(",b,b,", ",b,l,"), "physical_state 'l' is not one of a, b, c"),
        (GOOD.replace("0.88", "heavy"), "density_kg_per_l 'heavy' is not a number"),
        (GOOD.replace(",liquid,", ",,"), "density_kg_per_l and density_phase go together"),
        (GOOD.replace(",a test", ","), "source is empty"),
        (GOOD + ",extra", "wrong number of cells"),
        (GOOD + "\n" + GOOD, "line 4: 'Widget oil' appears twice"),
    ],
)
def test_a_bad_curated_row_is_refused_with_its_line(tmp_path: Path, row, message):
    path = tmp_path / "curated.csv"
    path.write_text(f"# a comment line\n{HEADER}\n{row}\n")
    with pytest.raises(curated.DataFileError) as raised:
        curated.read_curated(path)
    assert message in str(raised.value)


def test_a_curated_file_without_a_column_is_refused(tmp_path: Path):
    path = tmp_path / "curated.csv"
    path.write_text(HEADER.replace(",dot_class", "") + "\n")
    with pytest.raises(curated.DataFileError, match="missing column"):
        curated.read_curated(path)


def test_an_ehs_seed_row_needs_a_tpq(tmp_path: Path):
    path = tmp_path / "ehs.csv"
    path.write_text("name,cas,tpq_lb,tpq_solid_lb,rq_lb,notes\nChlorine,7782-50-5,,,10,\n")
    with pytest.raises(curated.DataFileError, match="line 2: tpq_lb is empty"):
        curated.read_ehs_seed(path)
