"""The production files in deploy/ stay in step with the code they configure and proxy."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from pathlib import Path

import pytest

from cers_app.core import worker_trace
from cers_app.core.settings import Settings
from cers_app.http_api import POLICIES, RoutePolicy

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
# Reflex's own backend routes the proxy must pass on (the websocket among them).
REFLEX_ROUTES = ["/_event/", "/ping", "/_upload", "/_health"]


def _named_in_env_file() -> set[str]:
    text = (DEPLOY / "opencers.env").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, re.MULTILINE))


def test_the_env_template_names_every_setting() -> None:
    named = _named_in_env_file()
    expected = {f"CERS_{name.upper()}" for name in Settings.model_fields}
    assert expected - named == set()
    assert {"REFLEX_REDIS_URL", "GRANIAN_WORKERS", worker_trace.ENV_VAR} <= named


def _caddy_backend_paths() -> list[str]:
    line = next(
        line for line in (DEPLOY / "Caddyfile").read_text().splitlines() if "@backend path" in line
    )
    return line.split("@backend path", 1)[1].split()


def _caddy_proxies(path: str, patterns: list[str]) -> bool:
    return any(
        path.startswith(pattern[:-1]) if pattern.endswith("*") else path == pattern
        for pattern in patterns
    )


def _app_paths(include_development: bool = False) -> list[str]:
    paths = [
        path.split("{", 1)[0]
        for path, (_endpoint, _methods, policy) in POLICIES.items()
        if include_development or policy is not RoutePolicy.LOOPBACK_DEVELOPMENT
    ]
    return paths + REFLEX_ROUTES


def test_caddy_proxies_every_route_of_the_backend_but_the_development_ones() -> None:
    patterns = _caddy_backend_paths()
    missing = [path for path in _app_paths() if not _caddy_proxies(path, patterns)]
    assert missing == []
    development = [path for path, entry in POLICIES.items() if entry[2].name.startswith("LOOP")]
    assert development and not any(_caddy_proxies(path, patterns) for path in development)


def test_nginx_proxies_every_route_of_the_backend_but_the_development_ones() -> None:
    config = (DEPLOY / "nginx" / "opencers.conf").read_text()
    [regex] = re.findall(r"location ~ (\S+) \{", config)
    proxied = re.compile(regex)
    assert [path for path in _app_paths() if not proxied.match(path)] == []
    assert not proxied.match("/dev/outbox") and not proxied.match("/facilities/inventory")


def test_both_proxies_limit_bodies_to_26_megabytes() -> None:
    assert "max_size 26MB" in (DEPLOY / "Caddyfile").read_text()
    assert "client_max_body_size 26m;" in (DEPLOY / "nginx" / "opencers.conf").read_text()


def test_the_app_unit_migrates_before_it_serves_with_workers() -> None:
    unit = (DEPLOY / "systemd" / "opencers.service").read_text()
    assert "ExecStartPre=/opt/opencers/.venv/bin/python -m cers_app migrate" in unit
    assert "--env prod --backend-only" in unit
    assert "EnvironmentFile=/etc/opencers/opencers.env" in unit


def test_the_worker_trace_logs_the_serving_process(caplog: pytest.LogCaptureFixture) -> None:
    class Named:
        name = "reflex___state____state.cers_app___inventory___state____inventory_state.load"

    logger = logging.getLogger("cers_app.workers")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="cers_app.workers"):
            outcome = asyncio.run(worker_trace.EventWorkerTrace().preprocess(None, None, Named()))
    finally:
        logger.removeHandler(caplog.handler)
    assert outcome is None  # the event goes on to the gate and the handler
    # One line (seen once or twice: the app's logger may or may not propagate to pytest's).
    assert set(caplog.messages) == {
        f"event cers_app___inventory___state____inventory_state.load served by worker "
        f"pid={os.getpid()}"
    }


@pytest.mark.parametrize(("value", "on"), [("1", True), ("true", True), ("", False), ("0", False)])
def test_the_worker_trace_is_off_unless_asked_for(
    value: str, on: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(worker_trace.ENV_VAR, value)
    assert worker_trace.enabled() is on
