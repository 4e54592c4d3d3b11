"""The /_event websocket against the real backend (`reflex run --env prod --backend-only`) with a
raw client: a handshake from another site's page is refused before any event can run, and an
event handler that fails tells the client a reference and nothing else."""

from __future__ import annotations

import re
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
import simple_websocket
import sqlalchemy as sa

from tests.security import backend as server
from tests.security.raw_client import NAMESPACE, SocketClient
from tests.security.report import tally

SIGN_IN_STATE = "reflex___state____state.cers_app___access___state____sign_in_state"
FOREIGN = ["https://evil.example", "null", "http://127.0.0.1:1"]
LEAKS = ("Traceback", "user_account", "sqlite", "OperationalError", "/work/", ".py", "SELECT")


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.Backend]:
    try:
        running = server.start(tmp_path_factory.mktemp("socket-hardening"))
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"the OpenCERS backend did not start: {exc}", pytrace=False)
    try:
        yield running
    finally:
        server.stop(running.process)


def _joins(port: int, origin: str | None) -> bool:
    """Whether a client with this Origin gets through the handshake and joins the namespace."""
    url = f"ws://127.0.0.1:{port}{NAMESPACE}/?EIO=4&transport=websocket&token=o-{uuid.uuid4().hex}"
    try:
        ws = simple_websocket.Client.connect(url, headers={"Origin": origin} if origin else None)
    except Exception:  # noqa: BLE001  (refused handshakes surface as several error types)
        return False
    try:
        ws.send(f"40{NAMESPACE},")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            frame = ws.receive(timeout=1)
            if isinstance(frame, str) and frame.startswith(f"40{NAMESPACE},"):
                return True
        return False
    except simple_websocket.ConnectionClosed:
        return False
    finally:
        ws.close()


def test_a_websocket_from_another_site_is_refused_at_the_handshake(
    backend: server.Backend,
) -> None:
    start = backend.log_size()
    for origin in FOREIGN:
        assert not _joins(backend.port, origin), origin
        tally("http", "refused")
    assert _joins(backend.port, backend.base_url), "the site's own pages connect"
    assert _joins(backend.port, None), "a client that names no origin (not a browser page)"
    tally("http", "allowed", 2)
    time.sleep(0.3)
    assert "websocket from https://evil.example refused" in backend.log_since(start)


def test_a_failing_handler_tells_the_client_only_a_reference(backend: server.Backend) -> None:
    engine = backend.engine()
    start = backend.log_size()
    # The account table disappears under the running server: the sign-in handler's query fails
    # with an error full of internals (the SQL, the table, the driver, file paths).
    with engine.begin() as connection:
        connection.execute(sa.text("ALTER TABLE user_account RENAME TO user_account_gone"))
    try:
        with SocketClient(backend.port) as client:
            reply = client.call(
                f"{SIGN_IN_STATE}.submit_username",
                {"form_data": {"username": "demobiz"}},
                quiet_after=3.0,  # the error's answer is chained after the event's
            )
            frames = "\n".join(client.frames)
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE user_account_gone RENAME TO user_account"))
        engine.dispose()
    assert reply.backend_error, reply.describe()
    [toast] = reply.error_toasts
    assert "Something went wrong on our side" in toast
    [reference] = re.findall(r"E-[2-9A-Z]{8}", toast)
    for leak in LEAKS:
        assert leak not in frames, f"{leak!r} reached the client: {frames[:2000]}"
    time.sleep(0.3)
    log = backend.log_since(start)
    assert f"reference {reference}" in log
    assert "Traceback (most recent call last)" in log and "no such table" in log
    tally("http", "refused")
