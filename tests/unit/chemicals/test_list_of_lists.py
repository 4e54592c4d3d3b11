"""Importing EPA's List of Lists: headings, two-number TPQs, unknown CAS, bad files, atomicity."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from cers_app.chemicals import curated, list_of_lists, seed, service
from cers_app.chemicals.models import (
    Chemical,
    ChemicalLibraryVersion,
    ChemicalListValue,
    ChemicalName,
)
from cers_app.core import db
from tests.unit.chemicals.conftest import FIXTURE_LIBRARY

HEADINGS = [
    "Chemical Name",
    "CAS/313 Category Code",
    "Section 302 (EHS) TPQ",
    "Section 304 EHS RQ",
    "CERCLA RQ",
    "Section 313",
    "RCRA Code",
    "CAA 112(r) RMP TQ",
]
ROWS = [
    ["Ammonia", "7664-41-7", 500, 100, 100, "313", "", 10000],
    ["Chlorine", "7782-50-5", 100, 10, 10, "313", "", 2500],
    ["Phenol", "108-95-2", "500/10,000", 1000, 1000, "313", "U188", ""],
    ["Paraquat dichloride", "1910-42-5", "10/10,000", 10, "", "", "", ""],
    ["Sulfuric acid", "7664-93-9", 1000, 1000, 1000, "313c", "", ""],
    ["Acetone", "67-64-1", "", "", 5000, "", "U002", ""],  # listed, but not an EHS
    ["Amiton", "78-53-5", 500, 500, "", "", "", ""],  # a CAS the library does not know
    ["Hydrogen peroxide (Conc.> 52%)", "7722-84-1", 1000, 1000, 1000, "", "", ""],
    ["Glycol ethers", "N230", "", "", "", "313", "", ""],  # a category: no CAS
    ["", "", "", "", "", "", "", ""],
]


def write_list(path: Path, headings=HEADINGS, rows=ROWS, title_rows: int = 2) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "List of Lists"
    for index in range(title_rows):
        sheet.append([f"EPA Consolidated List of Lists, title line {index + 1}"])
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _import(path: Path) -> list_of_lists.ImportReport:
    return db.run(list_of_lists.import_list_of_lists, path)


def _by_cas(cas: str) -> list[Chemical]:
    query = sa.select(Chemical).where(Chemical.cas == cas).order_by(Chemical.id)
    return db.run(lambda s: list(s.execute(query).scalars()))


def _primary(cas: str) -> Chemical:
    return min(_by_cas(cas), key=lambda chemical: chemical.id)


def test_it_sets_ehs_flags_and_tpqs_and_reports_counts(library, tmp_path):
    report = _import(write_list(tmp_path / "lol.xlsx"))

    assert report.rows_read == 9
    assert report.ehs_listed == 7
    assert report.chemicals_added == 1
    assert [reason.split(":")[0] for reason in report.skipped] == ["row 12"]
    assert "Glycol ethers (N230: not a CAS number)" in report.skipped[0]
    ammonia = _primary("7664-41-7")
    assert (ammonia.ehs, ammonia.tpq_lb, ammonia.tpq_solid_lb, ammonia.rq_lb) == (
        True,
        500,
        None,
        100,
    )
    assert ammonia.sources["ehs"].startswith("EPA List of Lists (lol.xlsx, imported ")
    assert "Imported lol.xlsx: 9 rows, 7 EHS" in report.summary()


def test_a_two_number_tpq_is_stored_as_two_numbers(library, tmp_path):
    _import(write_list(tmp_path / "lol.xlsx"))
    phenol = _primary("108-95-2")
    assert (phenol.tpq_lb, phenol.tpq_solid_lb, phenol.rq_lb) == (500, 10000, 1000)
    paraquat = _primary("1910-42-5")
    assert (paraquat.ehs, paraquat.tpq_lb, paraquat.tpq_solid_lb) == (True, 10, 10000)


def test_an_unknown_cas_becomes_a_searchable_chemical(library, tmp_path):
    _import(write_list(tmp_path / "lol.xlsx"))
    [amiton] = _by_cas("78-53-5")
    assert (amiton.name, amiton.origin, amiton.ehs, amiton.tpq_lb) == (
        "Amiton",
        "list of lists",
        True,
        500,
    )
    [hit] = db.run(service.search, "amiton")
    assert (hit.id, hit.ehs) == (amiton.id, True)
    assert db.run(service.search, "78-53-5")[0].id == amiton.id


def test_every_row_with_the_cas_follows_the_list_except_curated_decisions(library, tmp_path):
    _import(write_list(tmp_path / "lol.xlsx"))
    sulfuric = {chemical.name: chemical for chemical in _by_cas("7664-93-9")}
    assert sulfuric["Battery electrolyte (sulfuric acid solution)"].ehs is True
    assert sulfuric["Sulfuric acid"].sources["ehs"].startswith("EPA List of Lists")
    peroxide = {chemical.name: chemical for chemical in _by_cas("7722-84-1")}
    assert peroxide["Hydrogen peroxide solution (35%)"].ehs is False  # the curated row says N


def test_a_listed_chemical_that_is_not_an_ehs_keeps_its_other_lists(library, tmp_path):
    _import(write_list(tmp_path / "lol.xlsx"))
    acetone = _primary("67-64-1")
    assert acetone.ehs is False
    assert acetone.sources["ehs"].endswith(": not an EHS")
    values = db.run(
        lambda s: dict(
            s.execute(
                sa.select(ChemicalListValue.list_name, ChemicalListValue.value).where(
                    ChemicalListValue.chemical_id == acetone.id
                )
            ).all()
        )
    )
    assert values == {"cercla_rq": "5000", "rcra_code": "U002"}


def test_the_list_is_complete_so_ehs_flags_it_omits_are_cleared(library, tmp_path):
    assert _primary("7664-39-3").ehs is True  # hydrofluoric acid, from the EHS seed
    report = _import(write_list(tmp_path / "lol.xlsx"))
    hydrofluoric = _primary("7664-39-3")
    assert (hydrofluoric.ehs, hydrofluoric.tpq_lb) == (False, None)
    assert report.ehs_cleared > 0


def test_seeding_again_keeps_the_imported_values(library, tmp_path):
    _import(write_list(tmp_path / "lol.xlsx"))
    changed = tmp_path / "ehs.csv"
    changed.write_text(
        curated.EHS_SEED_FILE.read_text().replace(
            "Chlorine,7782-50-5,100,", "Chlorine,7782-50-5,50,"
        )
    )

    report = db.run(seed.seed_library, source_dir=FIXTURE_LIBRARY, ehs_path=changed)

    assert report.loaded
    chlorine = _primary("7782-50-5")
    assert (chlorine.ehs, chlorine.tpq_lb) == (True, 100)
    assert chlorine.sources["ehs"].startswith("EPA List of Lists")
    assert _primary("7664-39-3").ehs is False  # cleared by the list, not revived by the seed


def test_the_same_file_twice_changes_nothing(library, tmp_path):
    path = write_list(tmp_path / "lol.xlsx")
    _import(path)
    before = db.run(lambda s: s.execute(sa.select(Chemical.id, Chemical.version)).all())
    again = _import(path)
    assert again.already_imported
    assert "already imported" in again.summary()
    after = db.run(lambda s: s.execute(sa.select(Chemical.id, Chemical.version)).all())
    assert sorted(after) == sorted(before)


def test_headings_are_found_whatever_their_spacing_case_and_row(library, tmp_path):
    headings = ["  chemical  NAME", "cas / 313 category code", "SECTION 302 (EHS) TPQ"]
    rows = [["Chlorine", "7782-50-5", "100"]]
    report = _import(write_list(tmp_path / "lol.xlsx", headings, rows, title_rows=7))
    assert report.ehs_listed == 1
    assert "Section 304 EHS RQ" in report.missing_optional
    assert _primary("7782-50-5").tpq_lb == 100


def test_a_file_without_the_headings_is_refused_naming_them(library, tmp_path):
    headings = ["Chemical Name", "CAS Registry", "Reportable Quantity"]
    path = write_list(tmp_path / "other.xlsx", headings, [["Chlorine", "7782-50-5", 10]])
    with pytest.raises(curated.DataFileError) as raised:
        _import(path)
    message = str(raised.value)
    assert "not EPA's List of Lists" in message
    assert '"CAS/313 Category Code"' in message
    assert '"Section 302 (EHS) TPQ"' in message
    assert '"Chemical Name"' not in message


def test_a_file_that_is_not_a_spreadsheet_is_refused(library, tmp_path):
    path = tmp_path / "lol.xlsx"
    path.write_text("Chemical Name,CAS/313 Category Code\n")
    with pytest.raises(curated.DataFileError, match="could not be read as a spreadsheet"):
        _import(path)


def test_a_list_without_any_cas_number_is_refused(library, tmp_path):
    path = write_list(
        tmp_path / "lol.xlsx", rows=[["Glycol ethers", "N230", "", "", "", "", "", ""]]
    )
    with pytest.raises(curated.DataFileError, match="lists no chemical with a CAS number"):
        _import(path)


def test_a_failure_part_way_leaves_nothing_behind(library, tmp_path, monkeypatch):
    chemicals_before = db.run(lambda s: s.execute(sa.select(sa.func.count(Chemical.id))).scalar())
    names_before = db.run(lambda s: s.execute(sa.select(sa.func.count(ChemicalName.id))).scalar())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(list_of_lists, "_replace_list_values", broken)
    with pytest.raises(RuntimeError):
        _import(write_list(tmp_path / "lol.xlsx"))

    assert _primary("7664-39-3").ehs is True
    assert _by_cas("78-53-5") == []
    parts = db.run(lambda s: set(s.execute(sa.select(ChemicalLibraryVersion.part)).scalars()))
    assert "list_of_lists" not in parts
    assert db.run(lambda s: s.execute(sa.select(sa.func.count(Chemical.id))).scalar()) == (
        chemicals_before
    )
    assert db.run(lambda s: s.execute(sa.select(sa.func.count(ChemicalName.id))).scalar()) == (
        names_before
    )
