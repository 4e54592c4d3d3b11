"""Exporting a facility's latest submittal as CERS EDT XML: it validates against the
official schema, carries one Chemical per inventory row, and every field our model holds."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from sqlmodel import select

from cers_app import demo
from cers_app.core import db
from cers_app.core.errors import NotFound
from cers_app.facilities.models import Facility
from cers_app.inventory import fields as inventory_fields
from cers_app.regulator import review
from cers_app.reports import edt_export, edt_schema
from cers_app.submittals import (
    apsa,
    ust_facility_form,
    ust_installation_form,
    ust_monitoring_form,
    ust_tank_form,
)
from tests.unit.facilities import county as yolo
from tests.unit.reports import test_edt_support as support
from tests.unit.reports.test_edt_support import county, world  # noqa: F401
from tests.unit.submittals import hmbp


def _export(cers_id: int) -> etree._Element:
    return etree.fromstring(db.run(edt_export.export_facility, cers_id))


def test_full_facility_validates_with_every_field(world, county):  # noqa: F811
    facility_id = support.full_facility(world.lena, world.acme)
    root = _export(support.cers_id_of(facility_id))
    assert edt_schema.validate(root) == []
    chemicals = root.findall("FacilitySubmittal/HazardousMaterialsInventory/Chemicals/Chemical")
    assert len(chemicals) == support.ROWS
    first = {child.tag for child in chemicals[0]}
    assert set(inventory_fields.TAGS) <= first
    boe = root.findtext(".//USTFacilityInformation/BOENumber")
    assert boe == "44012345"
    tank = root.find(".//USTTank")
    plan = tank.find("MonitoringPlan")
    names = {e.tag for e in tank.iter()}
    for form in (ust_tank_form.FORM, ust_monitoring_form.FORM):
        assert {f.key for f in form.fields} <= names
    assert plan.find("AutomaticTankGauging/ATGModelNum") is not None
    installation = {e.tag for e in root.find(".//USTCertificationOfInstallationModification")}
    assert {f.key for f in ust_installation_form.FORM.fields} <= installation
    facility_info = {e.tag for e in root.find(".//USTFacilityInformation").iter()}
    assert {f.key for f in ust_facility_form.FORM.fields} <= facility_info
    apsa_info = {e.tag for e in root.find(".//APSAFacilityInformation")}
    assert {f.key for f in apsa.FORM.fields} <= apsa_info
    assert root.findtext(".//RegulatorSubmittalAction/Status") == "4"


def test_demo_like_plan_validates(world, county):  # noqa: F811
    facility_id = yolo_plant(world)
    hmbp.prepare(world.lena, facility_id)
    submittal_id = hmbp.submitted(world.connie, facility_id)
    rob = yolo.regulator("robrev", "Rob", "Reviewer", county.cupa, "reviewer")
    for version_id in support.version_ids(submittal_id):
        db.run(review.set_status, rob.actor(), version_id, 4, "Complete.")
    root = _export(support.cers_id_of(facility_id))
    assert edt_schema.validate(root) == []
    assert len(root.findall(".//Chemical")) == 1
    assert root.findtext(".//HazardousMaterialsInventory/SiteMapDocuments/StoredAtFacility/CERSID")


def test_zip_holds_the_xml(world, county):  # noqa: F811
    facility_id = support.full_facility(world.lena, world.acme)
    cers_id = support.cers_id_of(facility_id)
    archive = zipfile.ZipFile(io.BytesIO(db.run(edt_export.export_zip, cers_id)))
    assert archive.namelist() == [edt_export.xml_name(cers_id)]


def test_unknown_facility_is_refused(database):
    with pytest.raises(NotFound, match="No facility has CERS ID 10999999"):
        db.run(edt_export.export_facility, 10999999)


def test_missing_schema_folder_names_the_setting(monkeypatch, tmp_path):
    monkeypatch.setenv(edt_schema.ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(edt_schema.SchemaMissing, match=edt_schema.ENV_VAR):
        edt_schema.schema()


def yolo_plant(acme) -> int:
    return yolo.add_facility(acme.lena, acme.acme)


def test_every_submitted_demo_facility_validates(database):
    demo.seed()
    exported = 0
    for cers_id in db.run(lambda s: list(s.exec(select(Facility.cers_id)))):
        try:
            root = _export(cers_id)
        except NotFound:
            continue  # nothing submitted yet
        assert edt_schema.validate(root) == [], cers_id
        exported += 1
    assert exported >= 1, exported
