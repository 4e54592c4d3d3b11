"""Configuration: one pydantic-settings class read from CERS_* environment variables."""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = "sqlite:///data/opencers.db"
PLACEHOLDER_SECRET = "change-me-in-production"
# Settings may also come from this file (KEY=value lines); the environment wins over it.
ENV_FILE = PROJECT_ROOT / ".env"


def normalise_database_url(url: str) -> str:
    """Return `url` with PostgreSQL URLs pointed at the psycopg 3 driver.

    Relative SQLite paths are resolved against the project root so the CLI, the app and
    Alembic all open the same file whatever the working directory.
    """
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        relative = url[len("sqlite:///") :]
        if relative and relative != ":memory:":
            return f"sqlite:///{PROJECT_ROOT / relative}"
    return url


@dataclass(frozen=True)
class ClamdAddress:
    """Where the ClamAV daemon listens: a unix socket path, or a TCP host and port."""

    path: str = ""
    host: str = ""
    port: int = 0

    @property
    def is_unix(self) -> bool:
        return bool(self.path)

    def __str__(self) -> str:
        return f"unix:{self.path}" if self.path else f"tcp:{self.host}:{self.port}"


_TCP = re.compile(r"tcp:(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<host>[A-Za-z0-9.-]+)):(?P<port>\d{1,5})")


def parse_clamd_address(text: str) -> ClamdAddress:
    """`unix:/run/clamav/clamd.ctl` or `tcp:host:port` (an IPv6 host in brackets)."""
    text = text.strip()
    if text.startswith("unix:") and len(text) > len("unix:/") and text[5] == "/":
        return ClamdAddress(path=text[5:])
    match = _TCP.fullmatch(text)
    if match and 0 < int(match["port"]) < 65536:
        return ClamdAddress(host=match["v6"] or match["host"], port=int(match["port"]))
    raise ValueError(
        f"CERS_CLAMD_ADDRESS must be unix:/absolute/path/to/clamd.socket or tcp:host:port, "
        f"not {text!r}"
    )


def _redis_url_from_env() -> str | None:
    # Reflex's own variable names the same Redis the state manager uses.
    return os.environ.get("REDIS_URL") or os.environ.get("REFLEX_REDIS_URL") or None


def _database_url_from_env() -> str:
    # One place decides the URL: CERS_DATABASE_URL, else Reflex's own variable, else SQLite.
    url = os.environ.get("CERS_DATABASE_URL") or os.environ.get("REFLEX_DB_URL")
    return normalise_database_url(url or DEFAULT_DATABASE_URL)


class Settings(BaseSettings):
    """Every setting of OpenCERS. README lists them with their defaults."""

    model_config = SettingsConfigDict(
        env_prefix="CERS_", extra="ignore", env_file=ENV_FILE, env_file_encoding="utf-8"
    )

    env: Literal["development", "production", "test"] = "production"
    database_url: str = Field(default_factory=_database_url_from_env)
    secret_key: str = PLACEHOLDER_SECRET
    base_url: str = "http://localhost:3000"
    # Further origins (comma-separated) whose pages may post to the app and open its websocket,
    # besides the base URL's own: for a site also reached under a second name.
    allowed_origins: str = ""
    data_dir: Path = PROJECT_ROOT / "data"
    agency_time_zone: str = "America/Los_Angeles"

    # Provisional CERS IDs for facilities created here start at this number (CERS IDs run from
    # 10000001 to 99999999); IDs imported from CERS are kept and new ones skip past them.
    cers_id_start: int = Field(default=90_000_001, ge=10_000_001, le=99_999_999)

    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    session_idle_minutes: int = Field(default=120, ge=5)
    session_max_hours: int = Field(default=12, ge=1)

    mail_backend: Literal["smtp", "outbox"] | None = None
    mail_from: str = "OpenCERS <no-reply@localhost>"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 10.0

    # The ClamAV daemon that scans uploaded documents (unset: documents are not scanned).
    clamd_address: str | None = None
    clamd_timeout_seconds: float = Field(default=60.0, gt=0, le=600)

    # Redis shared by the workers (CERS_REDIS_URL, else REDIS_URL or REFLEX_REDIS_URL).
    redis_url: str | None = Field(default_factory=_redis_url_from_env)
    # A public training site: a banner on every page, an acknowledgment at sign-in.
    training_mode: bool = False
    # Every change refused, reading and sign-in kept (also switched by `maintenance on`).
    maintenance_mode: bool = False

    @model_validator(mode="after")
    def _check(self) -> Settings:
        self.database_url = normalise_database_url(self.database_url)
        if self.mail_backend is None:
            self.mail_backend = "smtp" if self.smtp_host else "outbox"
        unsafe_secret = self.secret_key == PLACEHOLDER_SECRET or len(self.secret_key) < 32
        if unsafe_secret and self.env != "development":
            raise ValueError(
                f"CERS_SECRET_KEY must be set to a random value of at least 32 characters "
                f"when CERS_ENV={self.env} (for example: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        if self.env == "production" and self.mail_backend == "outbox":
            raise ValueError(
                "the development mail outbox cannot be used in production: set CERS_SMTP_HOST"
            )
        if self.mail_backend == "smtp" and not self.smtp_host:
            raise ValueError("CERS_MAIL_BACKEND=smtp needs CERS_SMTP_HOST")
        if self.clamd_address is not None and not self.clamd_address.strip():
            self.clamd_address = None
        if self.clamd_address is not None:
            parse_clamd_address(self.clamd_address)
        return self

    @property
    def is_development(self) -> bool:
        return self.env == "development"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def clamd(self) -> ClamdAddress | None:
        """The virus scanner's address, or None when uploads are not scanned."""
        return parse_clamd_address(self.clamd_address) if self.clamd_address else None

    @property
    def uses_https(self) -> bool:
        return self.base_url.startswith("https://")


@functools.cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()


def reload_settings() -> Settings:
    """Forget the cached settings (tests change the environment between cases)."""
    get_settings.cache_clear()
    return get_settings()
