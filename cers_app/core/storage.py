"""Private file storage: uploaded files kept under the data folder, one `stored_file` row each.

Files live in `<CERS_DATA_DIR>/files` under a random name, never in Reflex's upload folder
(which is served publicly at /_upload). An upload is streamed part by part straight into a
staging file in the same folder, counting bytes and hashing as it goes, so nothing holds the
whole file in memory or spools it to the system's temporary folder first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParseError, MultipartParser, parse_options_header
from sqlmodel import Field, Session, SQLModel
from starlette.requests import ClientDisconnect, Request

from cers_app.core import clock, db
from cers_app.core.db import UTCDateTime
from cers_app.core.errors import DomainError
from cers_app.core.settings import get_settings

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
# Room for the multipart boundaries, part headers and the small form fields around the file.
MULTIPART_ALLOWANCE = 64 * 1024
MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + MULTIPART_ALLOWANCE
MAX_FIELD_BYTES = 1024
MAX_PARTS = 16
HEAD_BYTES = 64 * 1024
NAME_LENGTH = 255
SIZE_TEXT = "25 MB"


class StoredFile(SQLModel, table=True):
    """One file kept in private storage."""

    __tablename__ = "stored_file"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=32, unique=True)  # random hex, the file's name on disk
    original_name: str = Field(max_length=NAME_LENGTH)
    size: int
    sha256: str = Field(max_length=64)
    kind: str = Field(max_length=10)  # sniffed from the content, not the name
    owner_user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)


class UploadRefused(DomainError):
    """The upload was not accepted; `code` is a short word for links, `status` the HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def too_large() -> UploadRefused:
    return UploadRefused(
        "too_large",
        f"The file is larger than {SIZE_TEXT}. Split it into smaller files and upload each one.",
        413,
    )


def files_dir() -> Path:
    """The private folder of stored files."""
    return get_settings().data_dir / "files"


def _incoming_dir() -> Path:
    # Same file system as the store, so accepting a file is a rename, not a copy.
    folder = files_dir() / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")


def sanitise_name(name: str) -> str:
    """The file name a person gave, cut to its last segment and safe to show and send back."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE.sub("_", name).strip(" .")
    if len(name) > NAME_LENGTH:
        stem, dot, suffix = name.rpartition(".")
        keep = suffix if dot and len(suffix) <= 10 else ""
        name = (stem if keep else name)[: NAME_LENGTH - len(keep) - 1].rstrip() + (
            f".{keep}" if keep else ""
        )
    return name or "upload"


@dataclass
class Staged:
    """A received file waiting in the staging folder, not yet recorded."""

    path: Path
    original_name: str
    size: int = 0
    sha256: str = ""
    kind: str = ""

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def stage_path(source: Path, original_name: str) -> Staged:
    """Copy `source` into the staging folder, counting and hashing it (the CLI and tests)."""
    staged = Staged(_incoming_dir() / secrets.token_hex(16), sanitise_name(original_name))
    digest = hashlib.sha256()
    try:
        with source.open("rb") as src, staged.path.open("xb") as out:
            while chunk := src.read(1024 * 1024):
                staged.size += len(chunk)
                if staged.size > MAX_UPLOAD_BYTES:
                    raise too_large()
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        staged.discard()
        raise
    staged.sha256 = digest.hexdigest()
    return staged


def store_bytes(
    session: Session, owner_user_id: int, original_name: str, content: bytes, kind: str
) -> StoredFile:
    """Record bytes made by the app (a generated PDF) as a stored file of `owner_user_id`."""
    staged = Staged(_incoming_dir() / secrets.token_hex(16), sanitise_name(original_name))
    try:
        staged.path.write_bytes(content)
    except BaseException:
        staged.discard()
        raise
    staged.size, staged.kind = len(content), kind
    staged.sha256 = hashlib.sha256(content).hexdigest()
    return keep(session, owner_user_id, staged)


def head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first bytes of a file, for sniffing its kind."""
    with path.open("rb") as file:
        return file.read(size)


def check_kind(staged: Staged, sniff: Callable[[Path], str | None], what: str) -> Staged:
    """Set `staged.kind` from its content; refuse (and discard) empty or unrecognised files."""
    if staged.size == 0:
        staged.discard()
        raise UploadRefused("empty", "The file is empty. Choose the file again and upload it.")
    kind = sniff(staged.path)
    if not kind:
        staged.discard()
        raise UploadRefused("not_spreadsheet", f"This file is not {what}.")
    staged.kind = kind
    return staged


def place(session: Session, owner_user_id: int, staged: Staged) -> StoredFile:
    """Inside the caller's transaction: move a staged file into the store and add its row.

    If that transaction does not commit, the caller removes the file again with `unplace`.
    """
    stored = StoredFile(
        name=secrets.token_hex(16),
        original_name=staged.original_name,
        size=staged.size,
        sha256=staged.sha256,
        kind=staged.kind,
        owner_user_id=owner_user_id,
        created_at=clock.now(),
    )
    target = files_dir() / stored.name
    os.replace(staged.path, target)
    try:
        session.add(stored)
        session.flush()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return stored


def unplace(stored: StoredFile | None) -> None:
    """Remove the bytes `place` moved in, after the transaction that recorded them failed."""
    if stored is not None:
        open_path(stored).unlink(missing_ok=True)


def keep(session: Session, owner_user_id: int, staged: Staged) -> StoredFile:
    """Record a staged file and move it into the store (removed again if the commit fails)."""
    stored = None
    try:
        with db.transaction(session):
            stored = place(session, owner_user_id, staged)
    except BaseException:
        unplace(stored)
        staged.discard()
        raise
    return stored


def store_path(
    session: Session,
    owner_user_id: int,
    original_name: str,
    source: Path,
    sniff: Callable[[Path], str | None] | None = None,
) -> StoredFile:
    """Copy a file from disk into the store (the CLI and tests). Without `sniff` the kind is
    the name's extension."""
    staged = stage_path(source, original_name)
    if sniff is None:
        staged.kind = Path(staged.original_name).suffix.lstrip(".").lower()[:10] or "bin"
    else:
        check_kind(staged, sniff, "a file of a kind we accept")
    return keep(session, owner_user_id, staged)


def open_path(stored: StoredFile) -> Path:
    """Where a stored file's bytes are."""
    if not re.fullmatch(r"[0-9a-f]{32}", stored.name):
        raise ValueError(f"not a stored file name: {stored.name!r}")
    return files_dir() / stored.name


def forget(session: Session, stored: StoredFile) -> None:
    """Inside the caller's transaction: remove a stored file's row, and its bytes once that
    transaction commits."""
    path = open_path(stored)
    row = session.get(StoredFile, stored.id)
    if row is not None:
        session.delete(row)
    db.on_commit(session, lambda: path.unlink(missing_ok=True))


def delete_stored(session: Session, stored: StoredFile) -> None:
    """Remove a stored file's row, and its bytes once that commits."""
    with db.transaction(session):
        forget(session, stored)


# ------------------------------------------------------------------ streaming multipart


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    data: bytearray = field(default_factory=bytearray)


class _Receiver:
    """python-multipart callbacks: small fields into memory, the one file part to disk."""

    def __init__(self, file_field: str) -> None:
        self.file_field = file_field
        self.fields: dict[str, str] = {}
        self.staged: Staged | None = None
        self.parts = 0
        self._part = _Part()
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[bytes, bytes] = {}
        self._file = None
        self._digest = hashlib.sha256()

    def callbacks(self) -> dict[str, Callable]:
        return {
            "on_part_begin": self._begin,
            "on_header_field": lambda d, s, e: self._header_field.extend(d[s:e]),
            "on_header_value": lambda d, s, e: self._header_value.extend(d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._data,
            "on_part_end": self._end,
        }

    def _begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise UploadRefused("bad_form", "The form sent too many parts.")
        self._part = _Part()
        self._headers = {}

    def _header_end(self) -> None:
        self._headers[bytes(self._header_field).lower()] = bytes(self._header_value)
        self._header_field.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition"))
        self._part.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is not None and self._part.name == self.file_field:
            if self.staged is not None:
                raise UploadRefused("bad_form", "Upload one file at a time.")
            original = sanitise_name(filename.decode("utf-8", "replace"))
            self.staged = Staged(_incoming_dir() / secrets.token_hex(16), original)
            self._file = self.staged.path.open("xb")
        elif filename is not None:
            raise UploadRefused("bad_form", "The form sent an unexpected file.")

    def _data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._file is not None and self.staged is not None:
            self.staged.size += len(chunk)
            if self.staged.size > MAX_UPLOAD_BYTES:
                raise too_large()
            self._digest.update(chunk)
            self._file.write(chunk)
            return
        self._part.data.extend(chunk)
        if len(self._part.data) > MAX_FIELD_BYTES:
            raise UploadRefused("bad_form", "A form field was too long.")

    def _end(self) -> None:
        if self._file is not None and self.staged is not None:
            self._file.close()
            self._file = None
            self.staged.sha256 = self._digest.hexdigest()
        elif self._part.name:
            self.fields[self._part.name] = self._part.data.decode("utf-8", "replace")

    @property
    def unfinished(self) -> bool:
        return self._file is not None

    def abandon(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        if self.staged is not None:
            self.staged.discard()


async def receive_upload(
    request: Request, file_field: str = "file"
) -> tuple[dict[str, str], Staged]:
    """Stream a multipart form: its text fields, and its one file written to the staging folder.

    The file is counted while it streams and refused past MAX_UPLOAD_BYTES (the body-size guard
    in front of the app has usually refused it already, from its Content-Length). Raises
    UploadRefused; nothing is left on disk then. The caller checks the kind and keeps or
    discards the staged file.
    """
    content_type, options = parse_options_header(request.headers.get("content-type"))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise UploadRefused("bad_form", "Send the file as a multipart form (multipart/form-data).")
    declared = request.headers.get("content-length")
    if declared is None or not declared.isdigit():
        raise too_large()  # no declared length: refuse rather than count an unbounded stream
    if int(declared) > MAX_REQUEST_BYTES:
        raise too_large()
    receiver = _Receiver(file_field)
    parser = MultipartParser(boundary, receiver.callbacks())
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > MAX_REQUEST_BYTES:
                raise too_large()
            parser.write(chunk)
        parser.finalize()
    except MultipartParseError as exc:
        receiver.abandon()
        raise UploadRefused("bad_form", "The form could not be read; send it again.") from exc
    except ClientDisconnect as exc:
        receiver.abandon()
        raise UploadRefused("disconnected", "The upload stopped before the file arrived.") from exc
    except BaseException:
        receiver.abandon()
        raise
    if receiver.unfinished:  # the body ended inside the file part
        receiver.abandon()
        raise UploadRefused("bad_form", "The form could not be read; send it again.")
    if receiver.staged is None:
        raise UploadRefused("no_file", "Choose a file to upload.")
    return receiver.fields, receiver.staged
