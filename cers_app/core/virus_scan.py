"""Scanning uploaded files with a ClamAV daemon (clamd) over its INSTREAM protocol.

CERS_CLAMD_ADDRESS says where clamd listens (`unix:/path` or `tcp:host:port`). Unset, files are
not scanned. Set, every document is streamed to clamd before it is kept, and a scanner that
cannot be reached or answers with an error refuses the upload: a file nobody could check is
never kept (fail closed).

The protocol: send `zINSTREAM\\0`, then the file in chunks, each preceded by its length as a
4-byte big-endian number, then a zero length. clamd answers `stream: OK\\0` or
`stream: <signature> FOUND\\0` (or `... ERROR\\0`, for instance past its StreamMaxLength).
"""

from __future__ import annotations

import logging
import socket
import struct
from dataclasses import dataclass
from pathlib import Path

from cers_app.core.settings import ClamdAddress, get_settings
from cers_app.core.storage import UploadRefused

log = logging.getLogger("cers_app.virus_scan")

CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096
UNAVAILABLE = "The virus scanner is unavailable, so the file was not accepted. Try again later."


class ScannerUnavailable(Exception):
    """clamd could not be reached, hung up, timed out or answered with an error."""


@dataclass(frozen=True)
class Verdict:
    clean: bool
    signature: str = ""  # what clamd found, when not clean


def _connect(address: ClamdAddress, timeout: float) -> socket.socket:
    if address.is_unix:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        try:
            conn.connect(address.path)
        except BaseException:
            conn.close()
            raise
        return conn
    return socket.create_connection((address.host, address.port), timeout=timeout)


def _read_reply(conn: socket.socket) -> str:
    reply = bytearray()
    while b"\0" not in reply:
        data = conn.recv(MAX_REPLY_BYTES)
        if not data:
            break
        reply += data
        if len(reply) > MAX_REPLY_BYTES:
            raise ScannerUnavailable("clamd's reply is too long")
    if not reply:
        raise ScannerUnavailable("clamd closed the connection without answering")
    return bytes(reply).split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _verdict(reply: str) -> Verdict:
    text = reply.removeprefix("stream:").strip()
    if text == "OK":
        return Verdict(clean=True)
    if text.endswith(" FOUND"):
        return Verdict(clean=False, signature=text.removesuffix(" FOUND").strip()[:200])
    raise ScannerUnavailable(f"clamd answered {reply[:200]!r}")


def scan_path(
    path: Path, address: ClamdAddress, timeout: float, chunk_bytes: int = CHUNK_BYTES
) -> Verdict:
    """Stream the file to clamd and return its verdict; ScannerUnavailable on any failure."""
    try:
        with _connect(address, timeout) as conn, path.open("rb") as file:
            conn.sendall(b"zINSTREAM\0")
            try:
                while chunk := file.read(chunk_bytes):
                    conn.sendall(struct.pack(">I", len(chunk)) + chunk)
                conn.sendall(struct.pack(">I", 0))
            except (BrokenPipeError, ConnectionResetError):
                pass  # clamd stops reading when it gives up (size limit): its reply says why
            return _verdict(_read_reply(conn))
    except ScannerUnavailable:
        raise
    except OSError as exc:  # refused, missing socket, reset, timeout
        raise ScannerUnavailable(f"{type(exc).__name__}: {exc}") from exc


def check_clean(path: Path, original_name: str) -> None:
    """Refuse a file clamd finds a virus in, or that no configured scanner could check.

    Does nothing when no scanner is configured.
    """
    settings = get_settings()
    address = settings.clamd
    if address is None:
        return
    try:
        verdict = scan_path(path, address, settings.clamd_timeout_seconds)
    except ScannerUnavailable as exc:
        log.error("virus scanner %s unavailable: %s", address, exc)
        raise UploadRefused("scanner_unavailable", UNAVAILABLE, 503) from exc
    if not verdict.clean:
        log.warning("virus found in an upload (%s): %s", original_name, verdict.signature)
        raise UploadRefused(
            "infected",
            f"The virus scanner found {verdict.signature} in the file, so it was refused. "
            "Check your computer for viruses, then upload a clean copy.",
        )
