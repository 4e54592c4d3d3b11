"""`python -m cers_app check`: where each setting comes from, and whether each peer answers.

Nothing is changed: the database and Redis are pinged, the mail server greeted (EHLO, NOOP, no
message sent), a probe file written to storage and removed, ClamAV sent PING.
"""

from __future__ import annotations

import os
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from dotenv import dotenv_values
from sqlalchemy.engine import make_url

from cers_app.core import storage
from cers_app.core.settings import ENV_FILE, Settings, get_settings

SECRETS = {"secret_key", "smtp_password"}
URLS = {"database_url", "redis_url"}
# Settings that also read another variable when their own CERS_ one is unset.
FALLBACKS = {
    "database_url": ("REFLEX_DB_URL",),
    "redis_url": ("REDIS_URL", "REFLEX_REDIS_URL"),
}
TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class SettingLine:
    name: str
    value: str
    source: str


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def _masked(name: str, value: object) -> str:
    if value is None or value == "":
        return "(unset)"
    if name in SECRETS:
        return "********"
    if name in URLS:
        try:
            return make_url(str(value)).render_as_string(hide_password=True)
        except sa.exc.ArgumentError:
            return "(not a URL)"
    return str(value)


def setting_sources(settings: Settings | None = None) -> list[SettingLine]:
    """Each setting with its (masked) value and where it came from: the environment, the
    .env file, or the default."""
    settings = settings or get_settings()
    from_file = {k: v for k, v in dotenv_values(ENV_FILE).items()} if ENV_FILE.is_file() else {}
    lines = []
    for name in Settings.model_fields:
        variable = f"CERS_{name.upper()}"
        if variable in os.environ:
            source = f"environment {variable}"
        elif variable in from_file:
            source = f".env file {variable}"
        else:
            fallback = next((v for v in FALLBACKS.get(name, ()) if os.environ.get(v)), None)
            source = f"environment {fallback}" if fallback else "default"
        lines.append(SettingLine(variable, _masked(name, getattr(settings, name)), source))
    return lines


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def check_database(settings: Settings) -> CheckResult:
    from cers_app.ops.backup import database_revision, head_revision

    postgres = settings.database_url.startswith("postgresql")
    engine = sa.create_engine(
        settings.database_url, connect_args={"connect_timeout": 5} if postgres else {}
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            revision = database_revision(connection)
    finally:
        engine.dispose()
    where = _masked("database_url", settings.database_url)
    head = head_revision()
    if revision != head:
        return CheckResult(
            "database",
            False,
            f"{where}: migration {revision or 'none'}, the code needs {head} "
            "(run python -m cers_app migrate)",
        )
    return CheckResult("database", True, f"{where}: connected, migration {revision} (head)")


def check_redis(settings: Settings) -> CheckResult:
    if not settings.redis_url:
        return CheckResult("redis", True, "not configured (one worker keeps state in memory)")
    import redis

    client = redis.Redis.from_url(
        settings.redis_url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()
    return CheckResult("redis", True, f"{_masked('redis_url', settings.redis_url)}: PING answered")


def check_smtp(settings: Settings) -> CheckResult:
    if settings.mail_backend != "smtp":
        return CheckResult(
            "smtp", True, f"outbox: mail is written to {settings.outbox_dir} (development)"
        )
    timeout = min(settings.smtp_timeout_seconds, TIMEOUT_SECONDS)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
        smtp.ehlo()
        if settings.smtp_starttls:
            smtp.starttls()
            smtp.ehlo()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        code, _ = smtp.noop()
        if code != 250:
            raise smtplib.SMTPResponseException(code, b"NOOP refused")
    return CheckResult(
        "smtp", True, f"{settings.smtp_host}:{settings.smtp_port}: EHLO and NOOP answered"
    )


def check_storage(settings: Settings) -> CheckResult:
    folder = storage.files_dir()
    folder.mkdir(parents=True, exist_ok=True)
    probe = folder / f"check-{secrets.token_hex(8)}.probe"
    content = secrets.token_bytes(64)
    try:
        probe.write_bytes(content)
        if probe.read_bytes() != content:
            return CheckResult("storage", False, f"{folder}: the probe file read back differently")
    finally:
        probe.unlink(missing_ok=True)
    return CheckResult("storage", True, f"{folder}: wrote, read and removed a probe file")


def check_clamav(settings: Settings) -> CheckResult:
    address = settings.clamd
    if address is None:
        return CheckResult("clamav", True, "not configured (uploads are not scanned)")
    from cers_app.core.virus_scan import _connect, _read_reply

    with _connect(address, TIMEOUT_SECONDS) as conn:
        conn.sendall(b"zPING\0")
        reply = _read_reply(conn)
    if reply != "PONG":
        return CheckResult("clamav", False, f"{address}: answered {reply!r} to PING")
    return CheckResult("clamav", True, f"{address}: PING answered")


CHECKS: list[tuple[str, Callable[[Settings], CheckResult]]] = [
    ("database", check_database),
    ("redis", check_redis),
    ("smtp", check_smtp),
    ("storage", check_storage),
    ("clamav", check_clamav),
]


def run_checks(settings: Settings | None = None) -> list[CheckResult]:
    """Every check, each one's failure caught and reported with its reason."""
    settings = settings or get_settings()
    results = []
    for name, check in CHECKS:
        try:
            results.append(check(settings))
        except Exception as exc:  # noqa: BLE001 - any failure is this check's FAIL line
            results.append(CheckResult(name, False, _reason(exc)))
    return results
