"""The regulator's EDT download: a ZIP for facilities in their agencies' reach, 404 text for
any other (another agency's regulator learns nothing), and the sign-in answer without a
session. In-process over HTTP with a stand-in for the session middleware."""

from __future__ import annotations

import io
import re
import warnings
import zipfile

import pytest
from starlette.requests import Request

from cers_app.core import db
from cers_app.core.errors import NotFound
from cers_app.reports import edt_routes, edt_schema
from tests.unit.facilities import county as yolo
from tests.unit.reports import test_edt_support as support
from tests.unit.reports.test_edt_support import county, world  # noqa: F401

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

ACTORS: dict[str, object] = {}


async def _app(scope, receive, send):
    """The download route behind a stand-in of the session middleware (X-Who names the
    signed-in person)."""
    request = Request(scope, receive)
    request.state.actor = ACTORS.get(request.headers.get("x-who", ""))
    response = await edt_routes.regulator_download(request)
    await response(scope, receive, send)


@pytest.fixture
def plant(world, county):  # noqa: F811
    ACTORS.clear()
    ACTORS["cupa"] = yolo.regulator("ritacupa", "Rita", "Cupa", county.cupa, "reviewer").actor()
    ACTORS["other"] = yolo.regulator("rexother", "Rex", "Other", county.other, "admin").actor()
    return support.full_facility(world.lena, world.acme)


def _get(who: str, facility_id: object):
    client = TestClient(_app)  # no lifespan: the stand-in app has none
    return client.get("/edt", params={"id": str(facility_id)}, headers={"x-who": who})


def test_regulator_of_the_facility_downloads_the_zip(plant):
    reply = _get("cupa", plant)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/zip"
    cers_id = support.cers_id_of(plant)
    assert f'filename="CERS-EDT-{cers_id}.zip"' in reply.headers["content-disposition"]
    archive = zipfile.ZipFile(io.BytesIO(reply.content))
    assert edt_schema.validate(archive.read(f"RegulatorFacilitySubmittal-{cers_id}.xml")) == []


def test_another_agency_is_refused(plant):
    reply = _get("other", plant)
    assert reply.status_code == 404
    assert "not found in your agency's jurisdiction" in reply.text
    assert _get("cupa", 999999).status_code == 404
    with pytest.raises(NotFound):
        db.run(edt_routes.fetch, ACTORS["other"], plant)


def test_business_user_gets_nothing_here(plant, world):  # noqa: F811
    ACTORS["lena"] = world.lena.actor()
    assert _get("lena", plant).status_code == 404


def test_signed_out_caller_is_asked_to_sign_in(plant):
    assert _get("nobody", plant).status_code == 401


def test_participating_agency_without_facility_information_is_told_why(world, county):  # noqa: F811
    woodland = support.full_facility(world.lena, world.acme, city="Woodland", zip_code="95695")
    pam = yolo.regulator("pamwood", "Pam", "Wood", county.pa, "admin").actor()
    with pytest.raises(NotFound, match="needs the facility's Facility Information"):
        db.run(edt_routes.fetch, pam, woodland)


def test_a_site_without_the_schemas_says_so_plainly(plant, monkeypatch, tmp_path):
    monkeypatch.setenv(edt_schema.ENV_VAR, str(tmp_path))

    reply = _get("cupa", plant)

    assert reply.status_code == 503
    assert "CERS_EDT_XSD_DIR" in reply.text


def _locations(reply, facility_id) -> set[str]:
    cers_id = support.cers_id_of(facility_id)
    xml = zipfile.ZipFile(io.BytesIO(reply.content)).read(
        f"RegulatorFacilitySubmittal-{cers_id}.xml"
    )
    return set(re.findall(rb"<ChemicalLocation>([^<]*)</ChemicalLocation>", xml))


def test_confidential_locations_only_for_those_who_may_see_them(plant, county):  # noqa: F811
    """Every row of the plant's inventory is marked confidential: the Reviewer gets the real
    locations, a Viewer of the same agency "Confidential", both in a valid document."""
    ACTORS["viewer"] = yolo.regulator("vicview", "Vic", "View", county.cupa, "viewer").actor()
    reviewer, viewer = _get("cupa", plant), _get("viewer", plant)
    assert reviewer.status_code == viewer.status_code == 200
    shown = _locations(reviewer, plant)
    assert shown and b"Confidential" not in shown
    assert _locations(viewer, plant) == {b"Confidential"}
    cers_id = support.cers_id_of(plant)
    xml = zipfile.ZipFile(io.BytesIO(viewer.content)).read(
        f"RegulatorFacilitySubmittal-{cers_id}.xml"
    )
    assert edt_schema.validate(xml) == []
