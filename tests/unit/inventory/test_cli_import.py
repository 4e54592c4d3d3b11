"""`python -m cers_app inventory import/export/template`: one JSON object, exit 0/1/2, and an
export imported back with Replace changes nothing."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cers_app.cli import cli
from cers_app.inventory import findings
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock

KEYS = {"rows", "added", "updated", "removed", "imported", "problems"}


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def _import(cers_id: str, path, *options: str):
    return _run("inventory", "import", "--cers-id", cers_id, *options, str(path))


def test_an_import_prints_one_json_object_and_exits_0(yard, world, tmp_path):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    path = files.workbook(tmp_path, yard, [stock.BASE, stock.NITROGEN])

    result = _import(files.cers_id(yard), path, "--mode", "replace")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report) == KEYS
    assert report == {
        "rows": 2,
        "added": 2,
        "updated": 0,
        "removed": 1,
        "imported": True,
        "problems": [],
    }
    assert files.names(yard) == ["Diesel Fuel", "Nitrogen"]


def test_a_dry_run_changes_nothing(yard, world, tmp_path):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    path = files.workbook(tmp_path, yard, [stock.BASE])

    result = _import(files.cers_id(yard), path, "--mode", "append", "--dry-run")

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["added"], report["imported"]) == (1, False)
    assert files.names(yard) == ["Motor Oil"]


def test_a_refused_file_lists_its_problems_and_exits_1(yard, world, tmp_path):
    the_id = files.cers_id(yard)
    headings = ["CERSID", "CommonName", "EHS", "PhysicalState", "MaximumDailyAmount", "Units"]
    lines = [
        [the_id, "Paint", "N", "Liquid", "5", "gallons"],
        [the_id, "Thinner", "N", "Liquid", "5", "pints"],
    ]
    path = files.csv_file(tmp_path, headings, lines, "paint.csv")

    result = _import(the_id, path, "--mode", "append")

    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert (report["rows"], report["imported"]) == (2, False)
    [problem] = report["problems"]
    assert set(problem) == {"row", "column", "heading", "code", "message"}
    assert (problem["row"], problem["column"], problem["heading"]) == (3, "F", "Units")
    assert files.names(yard) == []

    valid_only = _import(the_id, path, "--mode", "append", "--valid-rows-only")
    assert valid_only.exit_code == 0, valid_only.output
    assert json.loads(valid_only.stdout)["added"] == 1
    assert files.names(yard) == ["Paint"]


def test_an_unreadable_file_or_a_usage_error_exits_2(yard, tmp_path):
    the_id = files.cers_id(yard)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)

    unreadable = _import(the_id, junk, "--mode", "append")
    assert unreadable.exit_code == 2 and unreadable.stdout == ""
    assert unreadable.stderr.startswith("Error: ")

    path = files.workbook(tmp_path, yard, [stock.BASE])
    assert _import(the_id, path, "--mode", "overwrite").exit_code == 2
    unknown = _import("12345678", path, "--mode", "append")
    assert unknown.exit_code == 2
    assert unknown.stderr == "Error: No facility has CERS ID 12345678.\n"


def test_export_then_replace_import_changes_nothing(yard, world, tmp_path):
    edges = [
        stock.row(
            CommonName="Ünïcode Solvent — “Grade A” 溶剂",
            ChemicalLocation="L" * 140,
            MapNumber="007",
            GridNumber="0A1",
            MaximumDailyAmount="12.25",
            AverageDailyAmount="0.5",
            CASNumber="67-64-1",
        ),
        stock.row(CommonName="N" * 500, ChemicalDescriptionComment="Line one\nline two"),
        stock.MOTOR_OIL,
        stock.NITROGEN,
        stock.SULFURIC_ACID,
    ]
    for values in edges:
        stock.added(world.ed, yard, values)
    before = files.contents(yard)
    derived = [(i.reportable, i.worst_rank, i.finding_count) for i in files.draft_items(yard)]
    out = tmp_path / "export.xlsx"

    exported = _run("inventory", "export", "--cers-id", files.cers_id(yard), "--out", str(out))
    assert exported.exit_code == 0, exported.output
    result = _import(files.cers_id(yard), out, "--mode", "replace")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []
    after = files.contents(yard)
    for old, new in zip(before, after, strict=True):
        assert {tag: (old[tag], new[tag]) for tag in old if old[tag] != new[tag]} == {}
    assert [(i.reportable, i.worst_rank, i.finding_count) for i in files.draft_items(yard)] == (
        derived
    )
    assert findings.full(stock.MOTOR_OIL) == after[2]


def test_the_template_is_written(database, tmp_path):
    out = tmp_path / "template.xlsx"

    result = _run("inventory", "template", "--out", str(out))

    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
