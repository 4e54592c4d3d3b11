"""Element documents over HTTP: the upload route's size limits, who may upload and download
what, cross-site posts, and what a refused file leaves behind (nothing).

In-process, the Starlette app from `build_api()` (Starlette's TestClient) on SQLite and
PostgreSQL. The 30 MB real-socket checks of the body-size guard in test_upload_limits.py cover
this route too: the guard stands in front of every route of the app.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from cers_app import http_api
from cers_app.core import db, routes, storage
from cers_app.core.codes import REQUIRED
from cers_app.submittals import document_routes, documents
from tests import document_samples as samples
from tests.security.tallied import count_responses
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.submittals.document_world import (
    ER_PLAN,
    ERTP,
    HMI,
    SITE_MAP,
    kept_files,
    nothing_stored,
    stage,
    start_draft,
    stored_rows,
)

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

MB = 1024 * 1024
ORIGIN = "http://testserver"
HTML = "text/html,application/xhtml+xml"


@pytest.fixture
def world(database) -> acme_world.World:
    return acme_world.build()


@pytest.fixture
def plant(world) -> int:
    yolo.build()
    facility_id = yolo.add_facility(world.lena, world.acme)
    yolo.set_by_regulator(facility_id, ERTP, REQUIRED)
    return facility_id


@pytest.fixture
def ertp(world, plant) -> int:
    return start_draft(world.lena, plant, ERTP)


@pytest.fixture
def ottos_file(world, plant, tmp_path) -> tuple[int, int]:
    """Otto's facility and a site map file uploaded to its inventory draft."""
    facility_id = yolo.add_facility(
        world.otto, world.ottos, name="Owens Oil - Woodland", street="20 Court St",
        city="Woodland", zip_code="95695",
    )  # fmt: skip
    draft = start_draft(world.otto, facility_id, HMI)
    view = db.run(
        documents.attach_file, world.otto.actor(), facility_id, draft, SITE_MAP,
        stage(tmp_path, "Owens map.png", samples.png()),
    )  # fmt: skip
    return facility_id, view.files[0].id


@pytest.fixture
def client(database) -> Iterator[TestClient]:
    with TestClient(http_api.build_api(), follow_redirects=False) as test_client:
        count_responses(test_client, "uploads:documents")
        yield test_client


@pytest.fixture
def receiving(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the upload route starts reading a body."""
    calls: list[str] = []
    real = storage.receive_upload

    async def counted(request, *args, **kwargs):
        calls.append(request.url.path)
        return await real(request, *args, **kwargs)

    monkeypatch.setattr(storage, "receive_upload", counted)
    return calls


def post(
    client: TestClient,
    cookie: str,
    facility_id: int,
    version_id: int | None,
    content: bytes,
    *,
    name: str = "ER plan.pdf",
    slot: int = ER_PLAN,
    in_query: bool = True,
    headers: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
):
    url = routes.DOCUMENT_UPLOAD
    if in_query:
        url = routes.with_query(url, id=str(facility_id), version=str(version_id), slot=str(slot))
    data = {"facility": str(facility_id), "version": str(version_id or ""), "slot": str(slot)}
    return client.post(
        url,
        data={**data, "title": "", **(fields or {})},
        files={"file": (name, content)},
        headers={"cookie": cookie, "origin": ORIGIN, **(headers or {})},
    )


def _result(response) -> dict[str, str]:
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    assert location.path == routes.FACILITY_PLANS
    return {key: values[0] for key, values in parse_qs(location.query).items()}


# ------------------------------------------------------------------ uploading


def test_a_browser_upload_is_kept_and_goes_back_to_the_page(client, world, plant, ertp):
    content = samples.pdf("Plan")
    response = post(client, world.ed.cookie, plant, ertp, content, headers={"accept": HTML})
    assert _result(response) == {
        "id": str(plant),
        "doc_slot": str(ER_PLAN),
        "doc_result": "uploaded",
    }
    [stored] = stored_rows()
    assert stored.original_name == "ER plan.pdf" and stored.kind == "pdf"
    assert kept_files() == [storage.open_path(stored)]
    assert storage.open_path(stored).read_bytes() == content


def test_other_clients_get_json(client, world, plant, ertp) -> None:
    response = post(client, world.ed.cookie, plant, ertp, samples.png(), name="map.png",
                    in_query=False, fields={"title": "Site photo"})  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json() == {
        "slot": ER_PLAN,
        "files": [{"id": 1, "name": "map.png", "title": "Site photo"}],
    }


@pytest.mark.parametrize(
    ("name", "content", "code", "says"),
    [
        ("Emergency Plan.pdf", samples.exe(), "executable", "Windows program"),
        ("plan.pdf", samples.elf(), "executable", "Linux program"),
        ("plan.pdf", samples.png(), "wrong_extension", "PNG image"),
        ("plans.docx", samples.plain_zip(), "archive", "zip archive"),
        ("plan.pdf", b"", "empty", "empty"),
    ],
)
def test_a_refused_file_says_why_and_leaves_nothing(
    client, world, plant, ertp, name, content, code, says
) -> None:
    response = post(client, world.ed.cookie, plant, ertp, content, name=name)
    assert response.status_code == 400
    assert response.json()["error"] == code and says in response.json()["message"]
    nothing_stored()
    browser = post(client, world.ed.cookie, plant, ertp, content, name=name,
                   headers={"accept": HTML})  # fmt: skip
    assert _result(browser)["doc_result"] == code
    nothing_stored()


def test_the_link_and_the_form_must_agree(client, world, plant, ertp) -> None:
    response = post(client, world.ed.cookie, plant, ertp, samples.pdf(),
                    fields={"version": str(ertp + 1)})  # fmt: skip
    assert response.status_code == 400 and response.json()["error"] == "bad_form"
    nothing_stored()


def test_a_submitted_version_takes_no_file(client, world, plant, ertp) -> None:
    yolo.mark_submitted(ertp)
    response = post(client, world.ed.cookie, plant, ertp, samples.pdf(), in_query=False)
    assert (response.status_code, response.json()["error"]) == (409, "submitted")
    response = post(client, world.ed.cookie, plant, None, samples.pdf(), in_query=False)
    assert (response.status_code, response.json()["error"]) == (409, "no_draft")
    nothing_stored()


# ------------------------------------------------------------------ size


def test_a_declared_length_over_the_limit_is_413_before_reading(
    client, world, plant, ertp, receiving
) -> None:
    response = client.post(
        routes.DOCUMENT_UPLOAD,
        content=b"x" * (storage.MAX_REQUEST_BYTES + 1),
        headers={
            "cookie": world.ed.cookie,
            "origin": ORIGIN,
            "content-type": "multipart/form-data; boundary=x",
        },
    )
    assert response.status_code == 413
    assert "25 MB" in response.text
    assert receiving == []
    nothing_stored()


def test_a_body_without_a_length_is_413(client, world, plant, ertp, receiving) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"--x\r\n"

    response = client.post(
        routes.DOCUMENT_UPLOAD,
        content=chunks(),
        headers={"cookie": world.ed.cookie, "origin": ORIGIN},
    )
    assert response.status_code == 413
    assert receiving == []


def test_a_file_over_25_mb_inside_an_allowed_body_is_cut_off_while_streaming(
    client, world, plant, ertp, receiving
) -> None:
    content = b"%PDF-1.4\n" + b"\0" * (storage.MAX_UPLOAD_BYTES + 1 - 9)
    response = post(client, world.ed.cookie, plant, ertp, content)
    assert receiving == [routes.DOCUMENT_UPLOAD], "the body was streamed and counted"
    assert response.status_code == 413
    assert "25 MB" in response.json()["message"]
    nothing_stored()


def test_a_file_of_exactly_25_mb_is_accepted(client, world, plant, ertp) -> None:
    content = b"%PDF-1.4\n" + b"\0" * (storage.MAX_UPLOAD_BYTES - 9)
    response = post(client, world.ed.cookie, plant, ertp, content, in_query=False)
    assert response.status_code == 201, response.text
    assert [row.size for row in stored_rows()] == [storage.MAX_UPLOAD_BYTES]


# ------------------------------------------------------------------ who may upload


def test_signing_in_is_required(client, world, plant, ertp, receiving) -> None:
    response = post(client, "", plant, ertp, samples.pdf())
    assert response.status_code == 401
    browser = post(client, "", plant, ertp, samples.pdf(), headers={"accept": HTML})
    assert (browser.status_code, browser.headers["location"]) == (303, routes.SIGN_IN)
    forged = post(client, "cers_session=forged-session-value", plant, ertp, samples.pdf())
    assert forged.status_code == 401
    assert receiving == []
    nothing_stored()


def test_a_cross_site_post_is_refused(client, world, plant, ertp, receiving) -> None:
    response = post(client, world.ed.cookie, plant, ertp, samples.pdf(),
                    headers={"origin": "https://evil.example"})  # fmt: skip
    assert response.status_code == 403
    assert receiving == []
    nothing_stored()


def test_a_viewer_is_refused_before_the_file_is_read(client, world, plant, ertp, receiving):
    response = post(client, world.val.cookie, plant, ertp, samples.pdf())
    assert response.status_code == 403
    assert receiving == []
    response = post(client, world.val.cookie, plant, ertp, samples.pdf(), in_query=False)
    assert response.status_code == 403  # named in the form only: read, then refused
    nothing_stored()


def test_another_business_facility_is_not_found(client, world, plant, ertp, ottos_file) -> None:
    ottos_facility, _ = ottos_file
    before = len(stored_rows())
    response = post(client, world.lena.cookie, ottos_facility, ertp, samples.pdf())
    assert response.status_code == 404
    response = post(client, world.otto.cookie, plant, ertp, samples.pdf(), in_query=False)
    assert response.status_code == 404
    assert len(stored_rows()) == before


def test_upload_is_post_only(client, world) -> None:
    assert (
        client.get(routes.DOCUMENT_UPLOAD, headers={"cookie": world.ed.cookie}).status_code == 405
    )


# ------------------------------------------------------------------ downloads


def _download(client: TestClient, cookie: str, facility_id: int, file_id: int | str):
    url = routes.with_query(routes.DOCUMENT_FILE, id=str(facility_id), file=str(file_id))
    return client.get(url, headers={"cookie": cookie} if cookie else {})


def test_a_file_downloads_as_a_private_attachment(client, world, plant, ertp) -> None:
    content = samples.pdf("Evacuate")
    response = post(client, world.ed.cookie, plant, ertp, content, name="ER Plan (v2).pdf",
                    in_query=False)  # fmt: skip
    file_id = response.json()["files"][0]["id"]
    download = _download(client, world.val.cookie, plant, file_id)
    assert download.status_code == 200
    assert download.content == content
    assert download.headers["content-type"] == "application/pdf"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="ER_Plan__v2_.pdf"')
    assert "filename*=UTF-8''ER%20Plan%20%28v2%29.pdf" in disposition
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["cache-control"] == "no-store"


def test_downloads_need_a_session_and_the_facility(client, world, plant, ertp, ottos_file):
    ottos_facility, ottos_file_id = ottos_file
    assert _download(client, "", ottos_facility, ottos_file_id).status_code == 401
    assert _download(client, world.otto.cookie, ottos_facility, ottos_file_id).status_code == 200
    # Lena, through her own facility or Otto's, never gets Otto's file.
    assert _download(client, world.lena.cookie, ottos_facility, ottos_file_id).status_code == 404
    assert _download(client, world.lena.cookie, plant, ottos_file_id).status_code == 404
    assert _download(client, world.lena.cookie, plant, "1 OR 1=1").status_code == 404
    assert _download(client, world.lena.cookie, plant, 999_999).status_code == 404


def test_route_codes_match_the_pages_messages() -> None:
    from cers_app.submittals.document_state import RESULTS

    codes = "uploaded too_large executable infected scanner_unavailable no_draft submitted"
    for code in (*codes.split(), "too_many", "forbidden", "not_found", "bad_form"):
        assert code in RESULTS, code
    assert document_routes.page_url(7, ER_PLAN, "uploaded").startswith(routes.FACILITY_PLANS)
    assert document_routes.page_url(7, SITE_MAP, "x").startswith(routes.FACILITY_INVENTORY)
