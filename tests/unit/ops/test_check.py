"""`python -m cers_app check`: each setting's source with secrets masked, and one OK/FAIL line
per peer against the real database, a real Redis, the SMTP test sink and dead ports."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result

from cers_app.cli import cli
from cers_app.core.settings import Settings, reload_settings
from cers_app.ops import check

REDIS_URL = "redis://127.0.0.1:6379/0"
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


class _Sink:
    def __init__(self) -> None:
        self.messages = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages += 1
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Sink]:
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("CERS_MAIL_BACKEND", "smtp")
    monkeypatch.setenv("CERS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CERS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("CERS_SMTP_PASSWORD", "mail-password-123")
    reload_settings()
    yield sink
    controller.stop()


@pytest.fixture
def redis_peer(monkeypatch: pytest.MonkeyPatch) -> None:
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    monkeypatch.delenv("REFLEX_REDIS_URL", raising=False)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    reload_settings()


def _run() -> Result:
    return CliRunner().invoke(cli, ["check"])


def _line(output: str, name: str) -> str:
    checks = output.split("Checks:", 1)[1]
    found = [line for line in checks.splitlines() if line.split()[1:2] == [name]]
    assert len(found) == 1, output
    return found[0]


def test_every_check_passes_against_live_peers(
    database, smtp_sink: _Sink, redis_peer: None
) -> None:
    result = _run()
    assert result.exit_code == 0, result.output
    for name in ("database", "redis", "smtp", "storage", "clamav"):
        assert _line(result.output, name).strip().startswith("OK"), result.output
    assert "(head)" in _line(result.output, "database")
    assert "PING answered" in _line(result.output, "redis")
    assert "EHLO and NOOP answered" in _line(result.output, "smtp")
    assert "All checks passed." in result.output
    assert smtp_sink.messages == 0  # greeted, never sent anything
    # Sources, with the secrets masked.
    assert "(environment CERS_SECRET_KEY)" in result.output
    assert "(environment REDIS_URL)" in result.output
    assert "CERS_BASE_URL" in result.output
    assert SECRET not in result.output and "mail-password-123" not in result.output
    assert result.output.count("********") == 2


@pytest.mark.parametrize("peer", ["redis", "smtp", "clamav"])
def test_a_dead_port_fails_its_check_and_the_command(
    database, monkeypatch: pytest.MonkeyPatch, peer: str
) -> None:
    port = _free_port()
    if peer == "redis":
        monkeypatch.setenv("CERS_REDIS_URL", f"redis://127.0.0.1:{port}/0")
    elif peer == "smtp":
        monkeypatch.setenv("CERS_MAIL_BACKEND", "smtp")
        monkeypatch.setenv("CERS_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CERS_SMTP_PORT", str(port))
    else:
        monkeypatch.setenv("CERS_CLAMD_ADDRESS", f"tcp:127.0.0.1:{port}")
    reload_settings()
    result = _run()
    assert result.exit_code == 1, result.output
    line = _line(result.output, peer)
    assert line.strip().startswith("FAIL"), line
    assert "refused" in line.lower() or "connect" in line.lower(), line
    assert _line(result.output, "database").strip().startswith("OK")
    assert "1 check(s) failed." in result.output


def test_an_unreachable_database_fails_without_showing_its_password(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url = f"postgresql://nobody:hunter2@127.0.0.1:{_free_port()}/nowhere"
    monkeypatch.setenv("CERS_DATABASE_URL", url)
    reload_settings()
    result = _run()
    assert result.exit_code == 1
    assert _line(result.output, "database").strip().startswith("FAIL")
    assert "hunter2" not in result.output
    assert "postgresql+psycopg://nobody:***@127.0.0.1" in result.output


def test_a_database_behind_the_code_fails_naming_the_migration(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CERS_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    reload_settings()
    result = _run()
    assert result.exit_code == 1
    line = _line(result.output, "database")
    assert "migration none" in line and "python -m cers_app migrate" in line


def test_storage_that_cannot_be_written_fails(
    database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    monkeypatch.setenv("CERS_DATA_DIR", str(blocker))
    reload_settings()
    result = _run()
    assert result.exit_code == 1
    assert _line(result.output, "storage").strip().startswith("FAIL")


def test_a_setting_from_the_env_file_is_reported_as_such(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("CERS_BASE_URL=https://cers.example.org\n")
    monkeypatch.setitem(Settings.model_config, "env_file", env_file)
    monkeypatch.setattr(check, "ENV_FILE", env_file)
    monkeypatch.delenv("CERS_BASE_URL", raising=False)
    settings = reload_settings()
    assert settings.base_url == "https://cers.example.org"
    lines = {line.name: line for line in check.setting_sources(settings)}
    assert lines["CERS_BASE_URL"].source == ".env file CERS_BASE_URL"
    assert lines["CERS_BASE_URL"].value == "https://cers.example.org"
    assert lines["CERS_AGENCY_TIME_ZONE"].source == "default"


def test_settings_that_do_not_load_fail_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERS_SECRET_KEY", "short")
    check_settings = reload_settings
    try:
        with pytest.raises(ValueError, match="CERS_SECRET_KEY"):
            check_settings()
        result = _run()
    finally:
        monkeypatch.setenv("CERS_SECRET_KEY", SECRET)  # the fixtures reload settings after
    assert result.exit_code == 1
    assert "FAIL settings" in result.output
    assert "CERS_SECRET_KEY must be set" in result.output
