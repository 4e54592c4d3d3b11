"""`python -m cers_app chemicals ...`: seed, import-list-of-lists and search from the shell."""

from __future__ import annotations

from click.testing import CliRunner, Result

from cers_app.cli import cli
from tests.unit.chemicals.conftest import FIXTURE_LIBRARY
from tests.unit.chemicals.test_list_of_lists import write_list


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_seed_loads_the_fixture_library_once(database):
    first = _run("chemicals", "seed", "--from", str(FIXTURE_LIBRARY))
    assert first.exit_code == 0, first.output
    assert first.output.startswith("Chemical library loaded (pubchem dir-")
    again = _run("chemicals", "seed", "--from", str(FIXTURE_LIBRARY))
    assert again.exit_code == 0, again.output
    assert again.output.startswith("Chemical library is up to date")


def test_search_prints_one_line_per_hit(library):
    result = _run("chemicals", "search", "h2so4")
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    assert "7664-93-9" in line
    assert line.endswith("Sulfuric acid  (as h2so4)  EHS")


def test_import_list_of_lists_reports_counts(library, tmp_path):
    result = _run("chemicals", "import-list-of-lists", str(write_list(tmp_path / "lol.xlsx")))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Imported lol.xlsx: 9 rows, 7 EHS; ")
    assert "skipped row 12: Glycol ethers (N230: not a CAS number)" in result.output


def test_a_file_without_the_headings_is_one_error_line(library, tmp_path):
    path = write_list(tmp_path / "x.xlsx", ["Name", "CAS"], [["Chlorine", "7782-50-5"]])
    result = _run("chemicals", "import-list-of-lists", str(path))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: this is not EPA's List of Lists: no header row with the heading(s) "
        '"Section 302 (EHS) TPQ" (the best row found, row 3, lacks them)'
    ]
