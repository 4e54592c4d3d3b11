"""Inventory spreadsheet upload and downloads over HTTP: size limits, content checks, rights.

Two layers. In-process, the Starlette app from `build_api()` (Starlette's TestClient, on SQLite
and PostgreSQL) checks who may upload or download what and what is kept. Over a real socket, a
`reflex run --env prod --backend-only` server (its own data and temporary folders) gets a 30 MB
body and a chunked body without a length, written by hand so nothing buffers them first: both
are answered 413 before the body is read, the folders grow by less than 1 MB and no
stored_file row appears.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import socket
import subprocess
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cers_app import demo, http_api
from cers_app.core import db, routes, storage
from cers_app.core.storage import StoredFile
from cers_app.facilities.models import Facility
from cers_app.inventory import http_routes, service
from tests.security import backend as server
from tests.security.report import tally
from tests.security.socket_session import cookie_header
from tests.security.tallied import count_responses
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

MB = 1024 * 1024
ORIGIN = "http://testserver"
HTML = "text/html,application/xhtml+xml"


# ------------------------------------------------------------------ in-process: the world


@pytest.fixture
def world(database) -> acme_world.World:
    return acme_world.build()


@pytest.fixture
def yard(world: acme_world.World) -> int:
    """Acme's facility with its inventory draft started."""
    yolo.build()
    facility_id = yolo.add_facility(world.lena, world.acme)
    db.run(service.start_draft, world.lena.actor(), facility_id)
    return facility_id


@pytest.fixture
def ottos_yard(world: acme_world.World, yard: int) -> int:
    facility_id = yolo.add_facility(
        world.otto, world.ottos, name="Owens Oil - Woodland", street="20 Court St",
        city="Woodland", zip_code="95695",
    )  # fmt: skip
    db.run(service.start_draft, world.otto.actor(), facility_id)
    return facility_id


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The import jobs the upload route started (recorded instead of run in a thread)."""
    jobs: list[int] = []
    monkeypatch.setattr(http_routes, "_start_job", jobs.append)
    return jobs


@pytest.fixture
def client(database) -> Iterator[TestClient]:
    with TestClient(http_api.build_api(), follow_redirects=False) as test_client:
        count_responses(test_client, "uploads:inventory")
        yield test_client


def cers_id(facility_id: int) -> int:
    return db.run(lambda s: s.get(Facility, facility_id).cers_id)


def workbook(cersid: int, rows: int = 2) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Instructions: one row per material."])
    sheet.append(["CERSID", "CommonName", "EHS", "PhysicalState", "MaximumDailyAmount", "Units"])
    for number in range(rows):
        sheet.append([cersid, f"Motor Oil {number}", "N", "Liquid", 55, "Gallons"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def bomb() -> bytes:
    """A workbook-shaped zip whose sheet inflates 1000:1 (a decompression bomb)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * MB))
    return out.getvalue()


def post(
    client: TestClient,
    cookie: str,
    facility_id: int | None,
    content: bytes,
    *,
    name: str = "Inventory.xlsx",
    mode: str = "replace",
    in_query: bool = True,
    headers: dict[str, str] | None = None,
):
    url = routes.INVENTORY_UPLOAD
    if in_query and facility_id is not None:
        url = routes.with_query(url, id=str(facility_id))
    data = {"mode": mode}
    if facility_id is not None:
        data["facility"] = str(facility_id)
    return client.post(
        url,
        data=data,
        files={"file": (name, content)},
        headers={"cookie": cookie, "origin": ORIGIN, **(headers or {})},
    )


def stored_rows() -> list[StoredFile]:
    return db.run(lambda s: list(s.exec(select(StoredFile)).all()))


def kept_files() -> list[Path]:
    folder = storage.files_dir()
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def import_count() -> int:
    def count(session) -> int:
        if not sa.inspect(session.get_bind()).has_table("inventory_import"):
            return 0
        return session.execute(sa.text("SELECT COUNT(*) FROM inventory_import")).scalar_one()

    return db.run(count)


def nothing_kept(started: list[int]) -> None:
    assert stored_rows() == []
    assert kept_files() == []
    assert started == []
    assert import_count() == 0


# ------------------------------------------------------------------ in-process: the upload


def test_a_good_spreadsheet_is_stored_privately_and_queued(
    client: TestClient, world, yard: int, started: list[int]
) -> None:
    content = workbook(cers_id(yard))
    response = post(client, world.lena.cookie, yard, content, name="../My Inventory.xlsx")

    assert response.status_code == 303, response.text
    (row,) = stored_rows()
    assert started, "no import job was started"
    assert response.headers["location"] == routes.with_query(
        routes.FACILITY_INVENTORY_UPLOAD, id=str(yard), **{"import": str(started[0])}
    )
    assert row.original_name == "My Inventory.xlsx"
    assert row.kind == "xlsx"
    assert row.size == len(content)
    assert len(row.name) == 32 and "Inventory" not in row.name
    assert row.owner_user_id == world.lena.id
    path = storage.open_path(row)
    assert path.read_bytes() == content
    assert kept_files() == [path], "the staging copy must be gone"
    assert import_count() == 1


def test_the_queued_job_reads_the_stored_file(
    client: TestClient, world, yard: int, started: list[int]
) -> None:
    from cers_app.inventory import importing

    response = post(client, world.lena.cookie, yard, workbook(cers_id(yard), rows=3))
    assert response.status_code == 303
    importing.run_import(started[0])
    view = db.run(importing.import_view, world.lena.actor(), yard, started[0])
    assert view.status == "ready", view
    assert view.rows == 3


def test_the_facility_may_come_in_the_form_only(
    client: TestClient, world, yard: int, started: list[int]
) -> None:
    response = post(client, world.ed.cookie, yard, workbook(cers_id(yard)), in_query=False)
    assert response.status_code == 303, response.text
    assert len(started) == 1


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b"\0\x01\x02" * 100, "inv.xlsx"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(range(256)) * 4, "inventory.csv"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "inventory.ods"),
    ],
    ids=["pdf-named-xlsx", "exe-named-csv", "png-named-ods"],
)
def test_content_that_is_not_a_spreadsheet_is_refused_with_a_clear_message(
    client: TestClient, world, yard: int, started: list[int], content: bytes, name: str
) -> None:
    response = post(client, world.lena.cookie, yard, content, name=name)
    assert response.status_code == 400
    assert "not a spreadsheet" in response.text and ".xlsx" in response.text
    nothing_kept(started)

    browser = post(client, world.lena.cookie, yard, content, name=name, headers={"accept": HTML})
    assert browser.status_code == 303
    assert browser.headers["location"] == routes.with_query(
        routes.FACILITY_INVENTORY_UPLOAD, id=str(yard), error="not_spreadsheet"
    )
    nothing_kept(started)


def test_an_empty_file_is_refused(client: TestClient, world, yard: int, started) -> None:
    response = post(client, world.lena.cookie, yard, b"")
    assert response.status_code == 400
    assert "empty" in response.text
    nothing_kept(started)


def test_a_decompression_bomb_is_refused_with_a_clear_message_and_no_job(
    client: TestClient, world, yard: int, started: list[int]
) -> None:
    response = post(client, world.lena.cookie, yard, bomb())
    assert response.status_code == 400, response.text
    assert "decompression bomb" in response.text, response.text
    browser = post(client, world.lena.cookie, yard, bomb(), headers={"accept": HTML})
    assert browser.headers["location"].endswith("error=bomb")
    nothing_kept(started)


def test_a_facility_without_a_draft_keeps_nothing(
    client: TestClient, world, started: list[int]
) -> None:
    yolo.build()
    bare = yolo.add_facility(world.lena, world.acme)
    response = post(
        client, world.lena.cookie, bare, workbook(cers_id(bare)), headers={"accept": HTML}
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith("error=no_draft")
    nothing_kept(started)


def test_an_unknown_mode_is_refused(client: TestClient, world, yard: int, started) -> None:
    response = post(client, world.lena.cookie, yard, workbook(cers_id(yard)), mode="overwrite")
    assert response.status_code == 400
    assert "Append, Replace or Merge" in response.text
    nothing_kept(started)


# ------------------------------------------------------------------ in-process: who may upload


def test_signing_in_is_required(client: TestClient, yard: int, started: list[int]) -> None:
    content = workbook(cers_id(yard))
    response = post(client, "", yard, content)
    assert response.status_code == 401
    browser = post(client, "", yard, content, headers={"accept": HTML})
    assert browser.status_code == 303
    assert browser.headers["location"] == routes.SIGN_IN
    forged = post(client, "cers_session=forged-session-value", yard, content)
    assert forged.status_code == 401
    nothing_kept(started)


@pytest.mark.parametrize("in_query", [True, False], ids=["id-in-link", "id-in-form"])
def test_a_viewer_may_not_upload(
    client: TestClient, world, yard: int, started: list[int], in_query: bool
) -> None:
    response = post(client, world.val.cookie, yard, workbook(cers_id(yard)), in_query=in_query)
    assert response.status_code == 403
    assert "does not allow you to upload" in response.text
    nothing_kept(started)


@pytest.mark.parametrize("in_query", [True, False], ids=["id-in-link", "id-in-form"])
def test_another_business_facility_is_not_found(
    client: TestClient, world, yard: int, ottos_yard: int, started: list[int], in_query: bool
) -> None:
    content = workbook(cers_id(ottos_yard))
    response = post(client, world.lena.cookie, ottos_yard, content, in_query=in_query)
    assert response.status_code == 404
    browser = post(
        client, world.lena.cookie, ottos_yard, content, in_query=in_query,
        headers={"accept": HTML},
    )  # fmt: skip
    assert browser.status_code == 303
    assert browser.headers["location"].endswith("error=not_found")
    missing = post(client, world.lena.cookie, 999_999, content, in_query=in_query)
    assert missing.status_code == 404
    nothing_kept(started)


def test_the_link_and_the_form_must_name_the_same_facility(
    client: TestClient, world, yard: int, ottos_yard: int, started: list[int]
) -> None:
    response = client.post(
        routes.with_query(routes.INVENTORY_UPLOAD, id=str(yard)),
        data={"mode": "append", "facility": str(ottos_yard)},
        files={"file": ("a.xlsx", workbook(cers_id(yard)))},
        headers={"cookie": world.lena.cookie, "origin": ORIGIN},
    )
    assert response.status_code == 400
    nothing_kept(started)


def test_a_cross_site_post_is_refused(
    client: TestClient, world, yard: int, started: list[int]
) -> None:
    response = post(
        client, world.lena.cookie, yard, workbook(cers_id(yard)),
        headers={"origin": "https://evil.example"},
    )  # fmt: skip
    assert response.status_code == 403
    nothing_kept(started)


def test_upload_is_post_only(client: TestClient, world, yard: int) -> None:
    response = client.get(routes.INVENTORY_UPLOAD, headers={"cookie": world.lena.cookie})
    assert response.status_code == 405


# ------------------------------------------------------------------ in-process: downloads


def _xlsx(response) -> openpyxl.Workbook:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == http_routes.XLSX
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def test_the_template_downloads_for_anyone_signed_in(client: TestClient, world) -> None:
    response = client.get(routes.INVENTORY_TEMPLATE, headers={"cookie": world.val.cookie})
    book = _xlsx(response)
    assert http_routes.TEMPLATE_NAME in response.headers["content-disposition"]
    assert book.sheetnames
    assert client.get(routes.INVENTORY_TEMPLATE).status_code == 401


def test_the_export_needs_the_view_right(
    client: TestClient, world, yard: int, ottos_yard: int
) -> None:
    url = routes.with_query(routes.INVENTORY_EXPORT, id=str(yard))
    response = client.get(url, headers={"cookie": world.val.cookie})
    _xlsx(response)
    assert f"CERSID_{cers_id(yard)}_HazMatInventory.xlsx" in response.headers["content-disposition"]
    others = routes.with_query(routes.INVENTORY_EXPORT, id=str(ottos_yard))
    assert client.get(others, headers={"cookie": world.lena.cookie}).status_code == 404
    junk = routes.with_query(routes.INVENTORY_EXPORT, id="1 OR 1=1")
    assert client.get(junk, headers={"cookie": world.lena.cookie}).status_code == 404
    assert client.get(url).status_code == 401


def test_the_marked_workbook_of_an_upload(
    client: TestClient, world, yard: int, started: list[int]
) -> None:
    from cers_app.inventory import importing

    content = workbook(cers_id(yard) + 1)  # another facility's CERS ID: every row a problem
    assert post(client, world.lena.cookie, yard, content).status_code == 303
    importing.run_import(started[0])
    url = routes.with_query(routes.INVENTORY_MARKED, id=str(yard), **{"import": str(started[0])})
    book = _xlsx(client.get(url, headers={"cookie": world.ed.cookie}))
    assert len(book.sheetnames) >= 2
    wrong = routes.with_query(routes.INVENTORY_MARKED, id=str(yard), **{"import": "999999"})
    assert client.get(wrong, headers={"cookie": world.lena.cookie}).status_code == 404
    assert client.get(url).status_code == 401


# ------------------------------------------------------------------ the size guard, in-process


class Recorder:
    """An inner ASGI app (where Reflex's routes, /_upload among them, are mounted) that
    records what reaches it."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.read = 0

    async def __call__(self, scope, receive, send) -> None:
        self.calls.append(scope["path"])
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            self.read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _with_reflex_inside() -> tuple[TestClient, Recorder]:
    api = http_api.build_api()
    inner = Recorder()
    api.mount("", inner)  # what reflex.App does with api_transformer
    return TestClient(api), inner


@pytest.mark.parametrize("path", [routes.INVENTORY_UPLOAD, "/_upload"])
def test_a_declared_length_over_the_limit_is_413_before_anything_runs(path: str) -> None:
    client, inner = _with_reflex_inside()
    response = client.post(
        path, content=b"x" * (storage.MAX_REQUEST_BYTES + 1),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )  # fmt: skip
    assert response.status_code == 413
    assert "25 MB" in response.text
    assert inner.calls == []


@pytest.mark.parametrize("path", [routes.INVENTORY_UPLOAD, "/_upload", "/_event"])
def test_a_body_without_a_length_is_413(path: str) -> None:
    client, inner = _with_reflex_inside()

    def chunks() -> Iterator[bytes]:
        yield b"--x\r\n"

    response = client.post(path, content=chunks())
    assert response.status_code == 413
    assert inner.calls == []


def test_small_bodies_pass_through_to_reflex() -> None:
    client, inner = _with_reflex_inside()
    response = client.post("/_upload", content=b"x" * 1000)
    assert response.status_code == 200
    assert inner.calls == ["/_upload"] and inner.read == 1000


def _run_guard(declared: int | None, pieces: list[bytes]) -> tuple[list[dict], Recorder]:
    inner = Recorder()
    guard = http_api.BodySizeLimit(inner, limit=10_000)
    headers = [] if declared is None else [(b"content-length", str(declared).encode())]
    scope = {"type": "http", "method": "POST", "path": "/_upload", "headers": headers}
    queue = [
        {"type": "http.request", "body": piece, "more_body": i < len(pieces) - 1}
        for i, piece in enumerate(pieces)
    ]
    sent: list[dict] = []

    async def receive() -> dict:
        return queue.pop(0) if queue else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(guard(scope, receive, send))
    return sent, inner


def test_a_body_longer_than_its_declared_length_is_cut_off() -> None:
    sent, inner = _run_guard(declared=3000, pieces=[b"x" * 2000, b"x" * 2000, b"x" * 2000])
    assert sent[0]["status"] == 413
    assert [m for m in sent if m["type"] == "http.response.start"] == [sent[0]]
    assert inner.read == 2000, "the app saw the bytes before the lie, nothing after"


def test_the_count_is_kept_while_streaming() -> None:
    # A declared length within the limit but a stream past it (only a broken server passes
    # this on; the guard counts anyway).
    sent, inner = _run_guard(declared=None, pieces=[b"x" * 6000, b"x" * 6000])
    assert sent[0]["status"] == 413
    assert inner.read == 6000


def test_a_body_within_its_length_passes() -> None:
    sent, inner = _run_guard(declared=4000, pieces=[b"x" * 2000, b"x" * 2000])
    assert sent[0]["status"] == 200
    assert inner.read == 4000


# ------------------------------------------------------------------ a real server, a real socket


def folder_bytes(*folders: Path) -> int:
    total = 0
    for folder in folders:
        for path in folder.rglob("*"):
            with contextlib.suppress(FileNotFoundError):
                if path.is_file():
                    total += path.stat().st_size
    return total


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[server.Backend, Path]]:
    """The real backend on SQLite, with a temporary folder of its own (TMPDIR)."""
    data_dir = tmp_path_factory.mktemp("upload-limits")
    temp_dir = data_dir / "tmp"
    temp_dir.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(temp_dir))  # the server inherits it; nothing else here
        try:
            running = server.start(data_dir)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            pytest.fail(f"the OpenCERS backend did not start: {exc}", pytrace=False)
    try:
        yield running, temp_dir
    finally:
        server.stop(running.process)


def _acme_facility(backend: server.Backend) -> int:
    engine = backend.engine()
    try:
        with Session(engine) as session:
            name = demo.FACILITIES[0].name  # Acme's Woodland plant: demobiz is its Lead User
            return session.exec(select(Facility.id).where(Facility.name == name)).one()
    finally:
        engine.dispose()


def _facility_named(backend: server.Backend, name: str) -> tuple[int, int]:
    engine = backend.engine()
    try:
        with Session(engine) as session:
            found = session.exec(select(Facility).where(Facility.name == name)).one()
            return found.id, found.cers_id
    finally:
        engine.dispose()


def _stored_count(backend: server.Backend) -> int:
    engine = backend.engine()
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text("SELECT COUNT(*) FROM stored_file")).scalar_one()
    finally:
        engine.dispose()


def _raw_post(
    port: int, path: str, headers: dict[str, str], body: Iterator[bytes]
) -> tuple[bytes, int]:
    """Send the head, then the body piece by piece until the server answers or hangs up;
    returns the start of the answer and how many body bytes were sent before it came."""
    head = f"POST {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + b"\r\n")
        sock.setblocking(False)
        answer = b""
        sent = 0
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for piece in body:
                answer += _read_some(sock)
                if answer:
                    break
                _send_all(sock, piece)
                sent += len(piece)
        sock.settimeout(10)
        deadline = time.monotonic() + 10
        with contextlib.suppress(ConnectionResetError, TimeoutError, BlockingIOError):
            while b"\r\n\r\n" not in answer and time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                answer += chunk
    return answer, sent


def _read_some(sock: socket.socket) -> bytes:
    try:
        return sock.recv(65536)
    except BlockingIOError:
        return b""


def _send_all(sock: socket.socket, data: bytes) -> None:
    view = memoryview(data)
    deadline = time.monotonic() + 10
    while view:
        try:
            sent = sock.send(view)
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise TimeoutError("the server stopped reading") from None
            time.sleep(0.005)
            continue
        view = view[sent:]


def _thirty_megabytes() -> Iterator[bytes]:
    yield b'--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="big.xlsx"\r\n\r\n'
    for _ in range(30 * 16):
        yield b"\0" * (64 * 1024)


@pytest.mark.parametrize("path", [routes.INVENTORY_UPLOAD, "/_upload"])
def test_a_30_mb_body_is_refused_before_it_is_read(live, path: str) -> None:
    backend, temp_dir = live
    facility = _acme_facility(backend)
    cookie = cookie_header(backend, demo.BUSINESS)
    before = folder_bytes(Path(backend.log_path).parent, temp_dir) - backend.log_size()
    files_before = _stored_count(backend)
    answer, sent = _raw_post(
        backend.port,
        routes.with_query(path, id=str(facility)) if path == routes.INVENTORY_UPLOAD else path,
        {
            "Host": f"127.0.0.1:{backend.port}",
            "Origin": backend.base_url,
            "Cookie": cookie,
            "Content-Type": "multipart/form-data; boundary=BOUNDARY",
            "Content-Length": str(30 * MB + 200),
        },
        _thirty_megabytes(),
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert sent < 20 * MB, f"the answer came only after {sent} bytes of the body"
    time.sleep(0.5)
    after = folder_bytes(Path(backend.log_path).parent, temp_dir) - backend.log_size()
    assert after - before < MB, f"the server's folders grew by {after - before} bytes"
    assert _stored_count(backend) == files_before
    assert backend.alive()
    tally("uploads:body-size", "refused")


@pytest.mark.parametrize("path", [routes.INVENTORY_UPLOAD, "/_upload"])
def test_a_chunked_body_without_a_length_is_refused(live, path: str) -> None:
    backend, temp_dir = live
    cookie = cookie_header(backend, demo.BUSINESS)
    before = folder_bytes(Path(backend.log_path).parent, temp_dir) - backend.log_size()
    files_before = _stored_count(backend)

    def chunked() -> Iterator[bytes]:
        for piece in _thirty_megabytes():
            yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        yield b"0\r\n\r\n"

    answer, sent = _raw_post(
        backend.port,
        path,
        {
            "Host": f"127.0.0.1:{backend.port}",
            "Origin": backend.base_url,
            "Cookie": cookie,
            "Content-Type": "multipart/form-data; boundary=BOUNDARY",
            "Transfer-Encoding": "chunked",
        },
        chunked(),
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert sent < 20 * MB, f"the answer came only after {sent} bytes of the body"
    time.sleep(0.5)
    after = folder_bytes(Path(backend.log_path).parent, temp_dir) - backend.log_size()
    assert after - before < MB, f"the server's folders grew by {after - before} bytes"
    assert _stored_count(backend) == files_before
    assert backend.alive()
    tally("uploads:body-size", "refused")


def test_a_real_upload_is_stored_and_its_job_runs(live) -> None:
    """The whole path on the real server: stream, sniff, keep, queue, run in the background."""
    backend, _temp_dir = live
    facility, cersid = _facility_named(backend, demo.INVENTORY_FACILITY.name)
    cookie = cookie_header(backend, demo.SECOND_LEAD)
    with httpx.Client(base_url=backend.base_url, trust_env=False) as http:
        response = http.post(
            routes.with_query(routes.INVENTORY_UPLOAD, id=str(facility)),
            data={"mode": "append"},
            files={"file": ("Yard.xlsx", workbook(cersid, rows=4))},
            headers={"cookie": cookie, "origin": backend.base_url, "accept": HTML},
        )
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert location.startswith(routes.FACILITY_INVENTORY_UPLOAD + f"?id={facility}&import=")
        job = int(location.rsplit("=", 1)[1])
        engine = backend.engine()
        try:
            deadline = time.monotonic() + 30
            status = ""
            while time.monotonic() < deadline:
                with engine.connect() as connection:
                    status, rows = connection.execute(
                        sa.text("SELECT status, rows FROM inventory_import WHERE id = :id"),
                        {"id": job},
                    ).one()
                if status not in ("queued", "reading"):
                    break
                time.sleep(0.2)
        finally:
            engine.dispose()
        assert (status, rows) == ("ready", 4)
        assert _stored_count(backend) >= 1
        export = http.get(
            routes.with_query(routes.INVENTORY_EXPORT, id=str(facility)), headers={"cookie": cookie}
        )
        assert export.status_code == 200
        assert export.headers["content-type"] == http_routes.XLSX
