"""Importing CERS EDT documents: a CERS query download (many facilities, real CERS IDs,
statuses), our own export, the round trip export -> import into an empty database -> export,
and importing the same file twice."""

from __future__ import annotations

import io
import shutil
import uuid
import zipfile

import pytest
from lxml import etree
from sqlmodel import select

from cers_app.core import db
from cers_app.core.errors import ValidationFailed
from cers_app.core.settings import reload_settings
from cers_app.facilities.models import CersIdAllocation, ElementVersion, Facility, FacilityElement
from cers_app.inventory import findings
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.models import Organization
from cers_app.reports import edt_export, edt_import, edt_schema
from cers_app.reports.edt_fill import add, fill
from cers_app.submittals.document_models import ElementDocument
from tests import audit_hook
from tests import conftest as root_conftest
from tests.unit import support as unit_support
from tests.unit.organizations import world as acme_world
from tests.unit.reports import test_edt_support as support
from tests.unit.reports.test_edt_support import county, world  # noqa: F401

QUERY = edt_schema.QUERY
FS = "FacilitySubmittal"
FLAGS_N = ("FHC", "SC")


def _query_header(parent, status: int, on: str, code: int = 1234) -> None:
    header = add(parent, "SubmittalElementHeader")
    add(header, "SubmittedOn", on)
    add(header, "SubmittedByFirstName", "Dana")
    add(header, "SubmittedByLastName", "Diaz")
    add(header, "SubmittedByEmail", "dana@example.com")
    add(header, "RegulatorCode", code)
    add(header, "SubmittalStatus", status)
    if status != 2:
        details = add(header, "SubmittalActionDetails")
        add(details, "SubmittalActionOn", "2024-03-02T10:00:00")
        add(details, "SubmittalActionAgentName", "Rob Reviewer")
        add(details, "SubmittalActionAgentEmail", "rob@example.com")
        add(details, "SubmittalActionComments", "Looks complete.")
    add(header, "CERSUniqueKey", str(uuid.uuid4()))


def _chemical(parent, name: str) -> None:
    kids = edt_schema.children(
        FS, "HazardousMaterialsInventory", "Chemicals", "Chemical", name=QUERY
    )
    values = {k.name: "N" for k in kids if k.name.startswith(FLAGS_N) and k.required}
    values |= {
        "CommonName": name,
        "EHS": "N",
        "PhysicalState": "b",
        "MaximumDailyAmount": "500",
        "Units": "a",
        "SCAboveGroundTank": "Y",
        "CERSUniqueKey": str(uuid.uuid4()),
    }
    fill(add(parent, "Chemical"), kids, values, name=QUERY)


def _facility(root, cers_id: int, name: str, org_code: int, chemicals: tuple[str, ...]) -> None:
    fs = add(root, FS)
    add(fs, "CERSID", cers_id)
    organization = add(fs, "CERSOrganization")
    add(organization, "OrganizationCode", org_code)
    add(organization, "OrganizationName", f"{name} Inc")
    fi = add(fs, "FacilityInformation")
    _query_header(fi, 4, "2024-03-01T08:15:00")
    activities = add(fi, "BusinessActivities")
    for tag, value in (
        ("BusinessName", name),
        ("SiteAddress", "1200 Main St"),
        ("City", "Davis"),
        ("ZipCode", "95616"),
        ("CountyID", "57"),
        ("HMOnSite", "Y"),
        ("CERSUniqueKey", str(uuid.uuid4())),
    ):
        add(activities, tag, value)
    if chemicals:
        hmi = add(fs, "HazardousMaterialsInventory")
        _query_header(hmi, 2, "2024-03-01T08:15:00")
        wrapper = add(hmi, "Chemicals")
        for chemical in chemicals:
            _chemical(wrapper, chemical)
        site_map = add(add(add(hmi, "SiteMaps"), "SiteMap"), "SiteMapDocument")
        add(add(site_map, "StoredAtFacility"), "CERSID", cers_id)


def query_document() -> bytes:
    """A small CERS query download: two facilities of businesses we do not know."""
    namespace = edt_schema.NAMESPACES[QUERY]
    root = etree.Element(f"{{{namespace}}}{edt_schema.ROOT}", nsmap={"cers": namespace})
    add(root, "DataSetDateTime", "2024-04-01T00:00:00")
    add(root, "TransactionKey", str(uuid.uuid4()))
    add(root, "TransactionStatus", "Accepted")
    _facility(root, 10123456, "Delta Farms", 200000001, ("Diesel", "Ammonia"))
    _facility(root, 10123457, "Echo Labs", 200000002, ())
    problems = edt_schema.validate(root, QUERY)
    assert problems == []
    return etree.tostring(root)


def _rows(model):
    return db.run(lambda s: list(s.exec(select(model))))


def test_query_download_imports(database):
    result = db.run(edt_import.import_document, query_document())
    assert (result.facilities_created, result.versions_created, result.items_created) == (2, 3, 2)
    facilities = {f.cers_id: f for f in _rows(Facility)}
    assert set(facilities) == {10123456, 10123457}
    assert all(a.imported for a in _rows(CersIdAllocation))
    organizations = {o.name for o in _rows(Organization)}
    assert organizations == {"Delta Farms Inc (Seeding)", "Echo Labs Inc (Seeding)"}
    statuses = sorted((v.element, v.status) for v in _rows(ElementVersion))
    assert statuses == [(1, 4), (1, 4), (2, 2)]
    names = sorted(i.common_name for i in _rows(InventoryItem))
    assert names == ["Ammonia", "Diesel"]
    delta = facilities[10123456]
    slots = [s for s in _rows(FacilityElement) if s.facility_id == delta.id]
    assert {s.element for s in slots if s.last_submitted_version_id} == {1, 2}
    assert {s.element for s in slots if s.last_accepted_version_id} == {1}
    documents = _rows(ElementDocument)
    assert [(d.slot, d.source, d.stored_at_cers_id) for d in documents] == [(5, 6, 10123456)]


def test_second_import_changes_nothing(database):
    db.run(edt_import.import_document, query_document_once := query_document())
    before = unit_support.table_counts()
    again = db.run(edt_import.import_document, query_document_once)
    assert (again.versions_created, again.versions_skipped) == (0, 3)
    assert unit_support.table_counts() == before


def test_invalid_document_is_refused_with_the_schema_problem(database):
    with pytest.raises(ValidationFailed, match="RegulatorFacilitySubmittal"):
        db.run(edt_import.import_document, b"<notEdt/>")


def _empty_database(database, request, monkeypatch, tmp_path) -> None:
    """Point the app at a new, empty database (a fresh SQLite file, or PostgreSQL emptied)."""
    if database == "sqlite":
        path = tmp_path / "second.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        monkeypatch.setenv("CERS_DATABASE_URL", f"sqlite:///{path}")
        reload_settings()
    else:
        root_conftest._truncate_all(request.getfixturevalue("postgres_schema_url"))


def _canonical(content: bytes) -> bytes:
    parser = etree.XMLParser(remove_blank_text=True)
    return etree.tostring(etree.fromstring(content, parser), method="c14n")


def test_round_trip_gives_the_same_document(world, county, request, monkeypatch, tmp_path):  # noqa: F811
    facility_id = support.full_facility(world.lena, world.acme)
    cers_id = support.cers_id_of(facility_id)
    first = db.run(edt_export.export_facility, cers_id)
    assert edt_schema.validate(first) == []
    _empty_database(request.getfixturevalue("database"), request, monkeypatch, tmp_path)
    assert _rows(Facility) == []
    result = db.run(edt_import.import_document, first)
    assert result.versions_created == 5
    second = db.run(edt_export.export_facility, cers_id)
    assert _canonical(second) == _canonical(first)
    again = db.run(edt_import.import_document, second)
    assert again.versions_created == 0


def test_zip_round_trip_carries_the_files(world, county, request, monkeypatch, tmp_path):  # noqa: F811
    facility_id = support.full_facility(world.lena, world.acme)
    support.attach_upload(facility_id, world.lena.id, tmp_path, "permit.pdf", b"%PDF-1.4 permit")
    cers_id = support.cers_id_of(facility_id)
    first = db.run(edt_export.export_zip, cers_id)
    archive = zipfile.ZipFile(io.BytesIO(first))
    xml_name = edt_export.xml_name(cers_id)
    assert archive.read("permit.pdf") == b"%PDF-1.4 permit"
    _empty_database(request.getfixturevalue("database"), request, monkeypatch, tmp_path)
    owner = acme_world.build().lena
    path = tmp_path / "export.zip"
    path.write_bytes(first)
    result = db.run(edt_import.import_path, path, owner.id)
    assert result.files_missing == []
    second = zipfile.ZipFile(io.BytesIO(db.run(edt_export.export_zip, cers_id)))
    assert _canonical(second.read(xml_name)) == _canonical(archive.read(xml_name))
    assert second.read("permit.pdf") == b"%PDF-1.4 permit"


def test_facility_of_a_known_business_joins_it(world):  # noqa: F811
    def recode(session):
        with db.transaction(session):
            acme = session.get(Organization, world.acme)
            acme.code = 200000001
            session.add(acme)

    with audit_hook.exempt("changes the business's code by hand"):
        db.run(recode)
    db.run(edt_import.import_document, query_document())
    owners = {f.cers_id: f.organization_id for f in _rows(Facility)}
    assert owners[10123456] == world.acme
    assert owners[10123457] != world.acme
    inventories = [v for v in _rows(ElementVersion) if v.element == 2]
    assert all(findings.FINGERPRINT_KEY in v.data for v in inventories)  # findings stored


def test_external_entities_are_never_read(database):
    namespace = edt_schema.NAMESPACES[edt_schema.SUBMITTAL]
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        f'<cers:RegulatorFacilitySubmittals xmlns:cers="{namespace}">'
        "<FacilitySubmittal><CERSID>&x;</CERSID></FacilitySubmittal>"
        "</cers:RegulatorFacilitySubmittals>"
    ).encode()
    with pytest.raises(ValidationFailed) as refused:
        db.run(edt_import.import_document, hostile)
    assert "root:" not in str(refused.value.fields) + refused.value.message
    assert "DTD" in refused.value.message
