"""Environment every test process starts with (imported by the root conftest first)."""

from __future__ import annotations

import os
import tempfile

TEST_DATA_DIR = tempfile.mkdtemp(prefix="opencers-test-")

DEFAULTS = {
    "CERS_ENV": "test",
    "CERS_BCRYPT_ROUNDS": "4",  # the cheapest cost bcrypt allows: tests stay fast
    "CERS_SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
    "CERS_DATA_DIR": TEST_DATA_DIR,
    "CERS_MAIL_BACKEND": "outbox",
    "CERS_BASE_URL": "http://testserver",
    "REFLEX_TELEMETRY_ENABLED": "false",
    "REFLEX_CHECK_LATEST_VERSION": "false",
}


def apply() -> None:
    for key, value in DEFAULTS.items():
        os.environ[key] = value
    os.environ.pop("CERS_SMTP_HOST", None)
    os.environ.pop("CERS_DATABASE_URL", None)
    os.environ.pop("REFLEX_DB_URL", None)


def postgres_url() -> str:
    return os.environ.get("CERS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def required(flag: str) -> bool:
    """CERS_REQUIRE_POSTGRES / CERS_REQUIRE_BROWSER: a missing peer fails instead of skipping."""
    return os.environ.get(flag, "") == "1"
