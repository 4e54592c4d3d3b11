"""/dev/clock: browser tests move the server's clock, only in development and only from this
machine; anywhere else the route does not exist (404) and the clock is untouched."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator

import pytest

from cers_app import http_api
from cers_app.core import clock, routes
from cers_app.core.settings import reload_settings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

LOCAL = ("127.0.0.1", 50123)
REMOTE = ("203.0.113.9", 50123)
AT = "2027-01-02T03:04:05+00:00"


@pytest.fixture(autouse=True)
def _running_clock() -> Iterator[None]:
    clock.set_now(None)
    yield
    clock.set_now(None)


def _client(peer: tuple[str, int] = LOCAL) -> TestClient:
    return TestClient(http_api.build_api(), client=peer, follow_redirects=False)


def _environment(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv("CERS_ENV", env)
    if env == "production":
        monkeypatch.setenv("CERS_MAIL_BACKEND", "smtp")
        monkeypatch.setenv("CERS_SMTP_HOST", "127.0.0.1")
    reload_settings()


def test_a_local_client_sets_shows_and_resets_the_clock_in_development(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _environment(monkeypatch, "development")
    with _client() as client:
        assert client.post(routes.DEV_CLOCK, data={"at": AT}).json()["now"] == AT
        assert clock.now() == dt.datetime(2027, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
        assert client.get(routes.DEV_CLOCK).json()["now"] == AT
        client.post(routes.DEV_CLOCK, data={"at": ""})
        assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
        client.post(routes.DEV_CLOCK, json={"at": "2027-01-02T05:00:00-08:00"})
        assert clock.now() == dt.datetime(2027, 1, 2, 13, 0, tzinfo=dt.UTC)
        client.delete(routes.DEV_CLOCK)
        assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
        for bad in ("2027-01-02T03:04:05", "tomorrow"):  # no offset; not a date
            assert client.post(routes.DEV_CLOCK, data={"at": bad}).status_code == 400
        assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


@pytest.mark.parametrize("env", ["test", "production"])
def test_the_clock_route_is_404_outside_development(
    monkeypatch: pytest.MonkeyPatch, env: str
) -> None:
    _environment(monkeypatch, env)
    with _client() as client:
        for method in ("get", "post", "delete"):
            kwargs = {"data": {"at": AT}} if method == "post" else {}
            response = getattr(client, method)(routes.DEV_CLOCK, **kwargs)
            assert response.status_code == 404, (env, method)
    assert clock.now() != dt.datetime.fromisoformat(AT)


def test_the_clock_route_is_404_through_a_proxy_or_from_another_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _environment(monkeypatch, "development")
    with _client() as local:
        forwarded = local.post(
            routes.DEV_CLOCK, data={"at": AT}, headers={"x-forwarded-for": "127.0.0.1"}
        )
        assert forwarded.status_code == 404
    with _client(REMOTE) as remote:
        assert remote.post(routes.DEV_CLOCK, data={"at": AT}).status_code == 404
        assert remote.get(routes.DEV_CLOCK).status_code == 404
    assert clock.now() != dt.datetime.fromisoformat(AT)
