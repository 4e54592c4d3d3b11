"""An in-test ClamAV daemon: a thread answering the INSTREAM protocol on a unix socket or TCP.

It reports the EICAR test string as found anywhere in the stream, and can misbehave the ways a
real scanner can: hang up at once, answer an error, or say nothing at all.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import struct
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from tests.document_samples import eicar

SIGNATURE = "Eicar-Test-Signature"
SCAN, HANG_UP, ERROR, SILENT = "scan", "hang_up", "error", "silent"


@dataclass
class Stream:
    command: bytes
    data: bytes = b""
    chunks: list[int] = field(default_factory=list)


class FakeClamd:
    """Start with `unix=True` for a unix socket, else it listens on 127.0.0.1."""

    def __init__(self, *, unix: bool = False, behaviour: str = SCAN) -> None:
        self.behaviour = behaviour
        self.streams: list[Stream] = []
        self._stop = threading.Event()
        self._folder: str | None = None
        if unix:
            # A short path of its own: unix socket paths are limited to about 100 bytes.
            self._folder = tempfile.mkdtemp(prefix="clamd")
            self.path = str(Path(self._folder) / "clamd.sock")
            self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._listener.bind(self.path)
            self.address = f"unix:{self.path}"
        else:
            self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._listener.bind(("127.0.0.1", 0))
            self.address = f"tcp:127.0.0.1:{self._listener.getsockname()[1]}"
        self._listener.listen(8)
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def __enter__(self) -> FakeClamd:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    @staticmethod
    def _exactly(conn: socket.socket, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            part = conn.recv(size - len(data))
            if not part:
                raise ConnectionError("the client hung up")
            data += part
        return bytes(data)

    def _command(self, conn: socket.socket) -> bytes:
        command = bytearray()
        while not command.endswith((b"\0", b"\n")):
            command += self._exactly(conn, 1)
        return bytes(command[:-1])

    def _serve(self, conn: socket.socket) -> None:
        with conn, contextlib.suppress(OSError, ConnectionError):
            conn.settimeout(10)
            stream = Stream(self._command(conn))
            self.streams.append(stream)
            if self.behaviour == HANG_UP:
                return
            if stream.command not in (b"zINSTREAM", b"nINSTREAM"):
                conn.sendall(b"UNKNOWN COMMAND\0")
                return
            data = bytearray()
            while size := struct.unpack(">I", self._exactly(conn, 4))[0]:
                data += self._exactly(conn, size)
                stream.chunks.append(size)
            stream.data = bytes(data)
            if self.behaviour == SILENT:
                self._stop.wait(30)
                return
            if self.behaviour == ERROR:
                conn.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                return
            found = eicar() in stream.data
            conn.sendall(f"stream: {SIGNATURE} FOUND\0".encode() if found else b"stream: OK\0")


def unused_tcp_address() -> str:
    """A TCP address nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"tcp:127.0.0.1:{port}"
