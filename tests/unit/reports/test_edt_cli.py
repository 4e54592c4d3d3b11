"""The `export-edt` and `import-edt` commands (through click's CliRunner)."""

from __future__ import annotations

import zipfile

from click.testing import CliRunner
from sqlmodel import select

from cers_app.core import db
from cers_app.facilities.models import Facility
from cers_app.reports import edt_schema
from cers_app.reports.edt_cli import export_edt, import_edt
from tests.unit.facilities import county as yolo
from tests.unit.reports import test_edt_support as support
from tests.unit.reports.test_edt_import import query_document
from tests.unit.reports.test_edt_support import county, world  # noqa: F401


def test_export_writes_valid_xml_and_zip(world, county, tmp_path):  # noqa: F811
    cers_id = support.cers_id_of(support.full_facility(world.lena, world.acme))
    runner = CliRunner()
    out = tmp_path / "plant.xml"
    result = runner.invoke(export_edt, ["--cers-id", str(cers_id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "passes the official CERS schema" in result.output
    assert edt_schema.validate(out.read_bytes()) == []
    packed = tmp_path / "plant.zip"
    result = runner.invoke(export_edt, ["--cers-id", str(cers_id), "--out", str(packed)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(packed).namelist() == [f"RegulatorFacilitySubmittal-{cers_id}.xml"]


def test_export_refuses_what_cannot_be_exported(world, county, tmp_path):  # noqa: F811
    facility_id = yolo.add_facility(world.lena, world.acme)  # nothing submitted yet
    cers_id = support.cers_id_of(facility_id)
    runner = CliRunner()
    out = tmp_path / "plant.xml"
    result = runner.invoke(export_edt, ["--cers-id", str(cers_id), "--out", str(out)])
    assert result.exit_code == 2
    assert "no submitted Facility Information" in result.output
    assert not out.exists()
    result = runner.invoke(
        export_edt, ["--cers-id", str(cers_id), "--out", str(tmp_path / "a.txt")]
    )
    assert result.exit_code == 2
    assert "FILE.xml" in result.output


def test_export_refuses_an_invalid_document(world, county, tmp_path):  # noqa: F811
    facility_id = support.full_facility(world.lena, world.acme)
    support.break_site_map(facility_id)
    cers_id = support.cers_id_of(facility_id)
    out = tmp_path / "plant.xml"
    result = CliRunner().invoke(export_edt, ["--cers-id", str(cers_id), "--out", str(out)])
    assert result.exit_code == 2
    assert "official CERS schema" in result.output
    assert not out.exists()


def test_import_reads_a_file_and_reports(database, tmp_path):
    path = tmp_path / "download.xml"
    path.write_bytes(query_document())
    runner = CliRunner()
    result = runner.invoke(import_edt, [str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 element versions (2 new facilities, 2 inventory rows)" in result.output
    result = runner.invoke(import_edt, [str(path)])
    assert "Imported 0 element versions" in result.output and "3 already imported" in result.output
    cers_ids = db.run(lambda s: sorted(s.exec(select(Facility.cers_id))))
    assert cers_ids == [10123456, 10123457]


def test_import_refuses_a_broken_file(database, tmp_path):
    path = tmp_path / "broken.xml"
    path.write_bytes(b"<RegulatorFacilitySubmittals>")
    result = CliRunner().invoke(import_edt, [str(path)])
    assert result.exit_code == 2
    assert "not well-formed XML" in result.output
