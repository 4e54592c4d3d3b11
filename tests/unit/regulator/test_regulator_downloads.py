"""Regulators download the files of submitted element versions through the document file
route: in their agencies' scope only, never a draft's file; the business's own downloads are
unchanged. In-process over HTTP (Starlette's TestClient on `build_api()`)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

from cers_app import http_api
from cers_app.core import db, routes
from cers_app.submittals import documents, drafts
from tests import document_samples as samples
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person
from tests.unit.submittals import hmbp
from tests.unit.submittals.document_world import ER_PLAN, ERTP, file_rows, stage

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

PLAN = samples.pdf("Evacuate to the north gate")


@pytest.fixture
def client(database) -> Iterator[TestClient]:
    with TestClient(http_api.build_api(), follow_redirects=False) as test_client:
        yield test_client


def _attach(person: Person, facility_id: int, tmp_path, name: str, content: bytes) -> int:
    view = db.run(
        documents.attach_file,
        person.actor(),
        facility_id,
        hmbp.draft_id(facility_id, ERTP),
        ER_PLAN,
        stage(tmp_path, name, content),
    )
    return view.files[-1].id


@pytest.fixture
def plant(world, county, tmp_path) -> tuple[int, int]:
    """Acme's facility in Davis whose submitted plans hold an uploaded ER plan: (facility
    id, file id)."""
    facility_id = yolo.add_facility(world.lena, world.acme)
    hmbp.prepare(world.lena, facility_id)
    file_id = _attach(world.lena, facility_id, tmp_path, "ER plan.pdf", PLAN)
    hmbp.submitted(world.connie, facility_id)
    return facility_id, file_id


def _get(
    client: TestClient,
    person: Person | None,
    facility_id: int,
    file_id: object,
    path: str = routes.REGULATOR_DOCUMENT_FILE,
):
    url = routes.with_query(path, id=str(facility_id), file=str(file_id))
    return client.get(url, headers={"cookie": person.cookie} if person else {})


def test_a_regulator_in_scope_downloads_a_submitted_file(client, plant, rob, vic) -> None:
    facility_id, file_id = plant
    for person in (rob, vic):
        response = _get(client, person, facility_id, file_id)
        assert response.status_code == 200, response.text
        assert response.content == PLAN
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("attachment;")
        assert response.headers["cache-control"] == "no-store"


def test_regulators_out_of_scope_are_refused_as_not_found(
    client, county, plant, rex, pam, rob
) -> None:
    facility_id, file_id = plant
    # Bay City; the Woodland PA (Woodland's inventory only); a responder (no portal view right)
    responder = yolo.regulator("rayresponder", "Ray", "Responder", county.cupa, "responder")
    for person in (rex, pam, responder):
        response = _get(client, person, facility_id, file_id)
        assert response.status_code == 404, (person.username, response.status_code)
        assert PLAN not in response.content
    assert _get(client, rob, facility_id + 1, file_id).status_code == 404  # not its facility
    assert _get(client, rob, facility_id, "1 OR 1=1").status_code == 404
    assert _get(client, rob, facility_id, 999_999).status_code == 404
    assert _get(client, None, facility_id, file_id).status_code == 401


def test_a_drafts_file_is_never_given_to_a_regulator(client, world, plant, rob, tmp_path):
    facility_id, submitted_file = plant
    db.run(drafts.start_element, world.lena.actor(), facility_id, ERTP, "")
    draft_file = _attach(world.lena, facility_id, tmp_path, "New plan.pdf", samples.pdf("New"))
    draft = hmbp.draft_id(facility_id, ERTP)
    in_draft = [row.id for row in file_rows() if row.element_version_id == draft]
    assert draft_file in in_draft and len(in_draft) == 2  # the copied file and the new one

    for file_id in in_draft:
        assert _get(client, rob, facility_id, file_id).status_code == 404
    assert _get(client, rob, facility_id, submitted_file).status_code == 200


def test_the_business_still_downloads_its_files(client, world, plant, rob, tmp_path) -> None:
    facility_id, file_id = plant
    business = routes.DOCUMENT_FILE
    assert _get(client, world.val, facility_id, file_id, business).status_code == 200
    # Each door is its own: the business's people are not regulators, nor the reverse.
    assert _get(client, world.val, facility_id, file_id).status_code == 404
    assert _get(client, rob, facility_id, file_id, business).status_code == 404
    otto = _get(client, world.otto, facility_id, file_id, business)
    assert otto.status_code == 404
