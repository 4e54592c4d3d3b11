"""Private file storage: random names, content hashes, nothing left behind on a refusal."""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from cers_app.core import db, storage
from cers_app.core.settings import get_settings
from cers_app.core.storage import StoredFile, UploadRefused
from tests import helpers

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient


def _rows() -> list[StoredFile]:
    return db.run(lambda s: list(s.exec(select(StoredFile)).all()))


def _leftovers() -> list[Path]:
    folder = storage.files_dir() / "incoming"
    return sorted(folder.iterdir()) if folder.exists() else []


def _sniff_csv(path: Path) -> str | None:
    return "csv" if storage.head(path).startswith(b"CERSID") else None


@pytest.fixture
def owner(database) -> int:
    return helpers.register()


def test_a_stored_file_gets_a_random_name_its_hash_and_its_size(owner: int, tmp_path: Path) -> None:
    source = tmp_path / "My Inventory.csv"
    content = b"CERSID,CommonName\n10000001,Motor Oil\n"
    source.write_bytes(content)

    first = db.run(storage.store_path, owner, source.name, source, _sniff_csv)
    second = db.run(storage.store_path, owner, source.name, source, _sniff_csv)

    assert first.name != second.name
    assert len(first.name) == 32 and int(first.name, 16) >= 0
    assert first.original_name == "My Inventory.csv"
    assert first.size == len(content)
    assert first.sha256 == hashlib.sha256(content).hexdigest()
    assert first.kind == "csv"
    assert first.owner_user_id == owner
    path = storage.open_path(first)
    assert path.parent == get_settings().data_dir / "files"
    assert path.read_bytes() == content
    assert "My Inventory" not in str(path)
    assert [row.id for row in _rows()] == [first.id, second.id]
    assert _leftovers() == []


def test_deleting_removes_the_row_and_the_bytes(owner: int, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_bytes(b"CERSID\n")
    stored = db.run(storage.store_path, owner, "a.csv", source)
    path = storage.open_path(stored)
    assert stored.kind == "csv"

    db.run(storage.delete_stored, stored)

    assert _rows() == []
    assert not path.exists()


def test_a_failed_commit_leaves_no_file(database, tmp_path: Path) -> None:
    source = tmp_path / "a.csv"
    source.write_bytes(b"CERSID\n")
    with pytest.raises(Exception):  # noqa: B017 - the foreign key refuses the owner
        db.run(storage.store_path, 424242, "a.csv", source)
    assert _rows() == []
    assert list((storage.files_dir()).glob("*")) in ([], [storage.files_dir() / "incoming"])
    assert _leftovers() == []


@pytest.mark.parametrize(
    ("content", "code"),
    [(b"", "empty"), (b"\x00\x01 not a sheet", "not_spreadsheet")],
    ids=["empty", "unknown-content"],
)
def test_empty_or_unrecognised_content_is_refused(
    owner: int, tmp_path: Path, content: bytes, code: str
) -> None:
    source = tmp_path / "inventory.csv"
    source.write_bytes(content)
    with pytest.raises(UploadRefused) as refused:
        db.run(storage.store_path, owner, source.name, source, _sniff_csv)
    assert refused.value.code == code
    assert refused.value.message
    assert _rows() == []
    assert _leftovers() == []


def test_a_file_over_the_limit_is_refused_while_copying(
    owner: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "MAX_UPLOAD_BYTES", 1000)
    source = tmp_path / "big.csv"
    source.write_bytes(b"CERSID\n" + b"x" * 1000)
    with pytest.raises(UploadRefused) as refused:
        db.run(storage.store_path, owner, source.name, source, _sniff_csv)
    assert refused.value.status == 413
    assert "25 MB" in refused.value.message
    assert _rows() == []
    assert _leftovers() == []


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Inventory 2026.xlsx", "Inventory 2026.xlsx"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\lena\\HMI.xlsx", "HMI.xlsx"),
        ("bad\x00name\x1f.csv", "bad_name_.csv"),
        ('a<b>c:"d"|e?.ods', "a_b_c__d__e_.ods"),
        ("   ", "upload"),
        ("..", "upload"),
        ("Bestände Lager.xlsx", "Bestände Lager.xlsx"),
        ("x" * 400 + ".xlsx", "x" * 250 + ".xlsx"),
    ],
)
def test_original_names_are_cut_to_a_safe_last_segment(given: str, kept: str) -> None:
    assert storage.sanitise_name(given) == kept
    assert len(storage.sanitise_name(given)) <= storage.NAME_LENGTH


def test_open_path_refuses_a_name_that_is_not_ours() -> None:
    with pytest.raises(ValueError, match="not a stored file name"):
        storage.open_path(
            StoredFile(
                name="../../secret",
                original_name="x",
                size=0,
                sha256="",
                kind="csv",
                owner_user_id=1,
            )
        )


# ------------------------------------------------------------------ streaming a multipart form


async def _echo(request: Request) -> JSONResponse:
    try:
        fields, staged = await storage.receive_upload(request)
    except UploadRefused as exc:
        return JSONResponse({"code": exc.code, "message": exc.message}, exc.status)
    body = {
        "fields": fields,
        "name": staged.original_name,
        "size": staged.size,
        "sha256": staged.sha256,
        "on_disk": staged.path.read_bytes().decode("latin-1"),
    }
    staged.discard()
    return JSONResponse(body)


@pytest.fixture
def echo() -> TestClient:
    return TestClient(Starlette(routes=[Route("/up", _echo, methods=["POST"])]))


def test_a_form_streams_its_fields_and_its_file(echo: TestClient) -> None:
    content = b"CERSID,CommonName\r\n--not-a-boundary\r\n" * 500
    response = echo.post(
        "/up",
        data={"facility": "7", "mode": "merge"},
        files={"file": ("../Inventory.csv", content, "text/csv")},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["fields"] == {"facility": "7", "mode": "merge"}
    assert body["name"] == "Inventory.csv"
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["on_disk"].encode("latin-1") == content
    assert _leftovers() == []


@pytest.mark.parametrize(
    ("send", "code"),
    [
        ({"data": {"mode": "merge"}}, "bad_form"),  # not multipart at all
        ({"files": {"other": ("x.csv", b"CERSID\n")}}, "bad_form"),
        ({"files": [("file", ("a.csv", b"A")), ("file", ("b.csv", b"B"))]}, "bad_form"),
        ({"files": {"file": ("a.csv", b"A")}, "data": {"mode": "m" * 2000}}, "bad_form"),
        ({"files": {"mode": (None, b"merge")}}, "no_file"),
    ],
    ids=["urlencoded", "file-in-another-field", "two-files", "long-field", "no-file"],
)
def test_a_malformed_form_is_refused_and_leaves_nothing(
    echo: TestClient, send: dict, code: str
) -> None:
    response = echo.post("/up", **send)
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert _leftovers() == []


def test_a_truncated_body_leaves_nothing(echo: TestClient) -> None:
    head = (
        b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        + b"CERSID," * 1000
    )
    response = echo.post(
        "/up", content=head, headers={"content-type": "multipart/form-data; boundary=XyZ"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_form"
    assert _leftovers() == []


def test_the_file_is_counted_while_it_streams(
    echo: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage, "MAX_UPLOAD_BYTES", 10_000)
    response = echo.post("/up", files={"file": ("a.csv", b"x" * 10_001)})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert _leftovers() == []


def test_a_declared_length_over_the_limit_is_refused_before_reading(echo: TestClient) -> None:
    response = echo.post(
        "/up",
        content=b"tiny",
        headers={
            "content-type": "multipart/form-data; boundary=XyZ",
            "content-length": str(storage.MAX_REQUEST_BYTES + 1),
        },
    )
    assert response.status_code == 413
    assert _leftovers() == []
