"""/health: the database and, when configured, Redis; 200 when both answer, else 503 naming
the failing part (and never a password)."""

from __future__ import annotations

import socket
import warnings

import pytest

from cers_app import http_api
from cers_app.core import db, routes
from cers_app.core.settings import reload_settings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get() -> tuple[int, dict]:
    with TestClient(http_api.build_api(), client=("127.0.0.1", 5000)) as client:
        response = client.get(routes.HEALTH)
    return response.status_code, response.json()


def test_health_pings_redis_when_configured(database, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    monkeypatch.setenv("CERS_REDIS_URL", "redis://127.0.0.1:6379/0")
    reload_settings()
    assert _get() == (200, {"status": "ok", "database": "ok", "redis": "ok"})


def test_health_is_503_naming_redis_when_it_does_not_answer(
    database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CERS_REDIS_URL", f"redis://:s3cret@127.0.0.1:{_free_port()}/0")
    reload_settings()
    status, body = _get()
    assert status == 503
    assert body == {"status": "error", "database": "ok", "redis": "unreachable"}


def test_health_is_503_naming_the_database_with_redis_fine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    monkeypatch.setenv("CERS_DATABASE_URL", f"postgresql://u:pw@127.0.0.1:{_free_port()}/x")
    monkeypatch.setenv("CERS_REDIS_URL", "redis://127.0.0.1:6379/0")
    reload_settings()
    try:
        assert _get() == (503, {"status": "error", "database": "unreachable", "redis": "ok"})
    finally:
        db.dispose_engines()
