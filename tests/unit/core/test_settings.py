"""Settings: where the database is, and refusing unsafe values in production."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from cers_app.core.settings import (
    DEFAULT_DATABASE_URL,
    PLACEHOLDER_SECRET,
    PROJECT_ROOT,
    Settings,
    normalise_database_url,
)

GOOD_SECRET = "a-production-secret-that-is-long-enough-123456"


@pytest.fixture
def clean_env() -> Iterator[pytest.MonkeyPatch]:
    """An environment without database or mail settings, restored before the shared
    teardown reloads the settings (so a deliberately broken value never reaches it)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("CERS_DATABASE_URL", "REFLEX_DB_URL", "CERS_SMTP_HOST", "CERS_MAIL_BACKEND"):
            patch.delenv(name, raising=False)
        yield patch


def _production(monkeypatch: pytest.MonkeyPatch, **env: str) -> Settings:
    monkeypatch.setenv("CERS_ENV", "production")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()


def test_it_defaults_to_the_sqlite_file_in_the_project(clean_env):
    assert DEFAULT_DATABASE_URL == "sqlite:///data/opencers.db"
    assert Settings().database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'opencers.db'}"


def test_it_uses_reflex_db_url_when_cers_database_url_is_not_set(clean_env):
    clean_env.setenv("REFLEX_DB_URL", "sqlite:////srv/reflex.db")

    assert Settings().database_url == "sqlite:////srv/reflex.db"


def test_it_prefers_cers_database_url_over_reflex_db_url(clean_env):
    clean_env.setenv("REFLEX_DB_URL", "sqlite:////srv/reflex.db")
    clean_env.setenv("CERS_DATABASE_URL", "postgresql://cers@db:5432/cers")

    assert Settings().database_url == "postgresql+psycopg://cers@db:5432/cers"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u:p@h:5432/d", "postgresql+psycopg://u:p@h:5432/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg2://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:////abs/path.db", "sqlite:////abs/path.db"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("sqlite:///rel/cers.db", f"sqlite:///{PROJECT_ROOT / 'rel' / 'cers.db'}"),
    ],
)
def test_it_normalises_database_urls(given, expected):
    assert normalise_database_url(given) == expected


def test_it_normalises_a_url_given_directly_too(clean_env):
    assert Settings(database_url="postgres://u@h/d").database_url == "postgresql+psycopg://u@h/d"


@pytest.mark.parametrize("secret", [PLACEHOLDER_SECRET, "short-secret", "x" * 31])
def test_it_refuses_a_placeholder_or_short_secret_in_production(clean_env, secret):
    with pytest.raises(ValidationError, match="CERS_SECRET_KEY must be set"):
        _production(clean_env, CERS_SECRET_KEY=secret, CERS_SMTP_HOST="mail.example.org")


def test_it_refuses_the_placeholder_secret_in_tests_too(clean_env):
    clean_env.setenv("CERS_SECRET_KEY", PLACEHOLDER_SECRET)

    with pytest.raises(ValidationError, match="when CERS_ENV=test"):
        Settings()


def test_it_allows_the_placeholder_secret_in_development_only(clean_env):
    clean_env.setenv("CERS_ENV", "development")
    clean_env.setenv("CERS_SECRET_KEY", PLACEHOLDER_SECRET)

    assert Settings().secret_key == PLACEHOLDER_SECRET


def test_it_refuses_the_development_outbox_in_production(clean_env):
    with pytest.raises(ValidationError, match="outbox cannot be used in production"):
        _production(clean_env, CERS_SECRET_KEY=GOOD_SECRET)


def test_it_refuses_an_explicit_outbox_in_production(clean_env):
    with pytest.raises(ValidationError, match="outbox cannot be used in production"):
        _production(
            clean_env,
            CERS_SECRET_KEY=GOOD_SECRET,
            CERS_SMTP_HOST="mail.example.org",
            CERS_MAIL_BACKEND="outbox",
        )


def test_it_accepts_a_safe_production_configuration(clean_env):
    settings = _production(
        clean_env, CERS_SECRET_KEY=GOOD_SECRET, CERS_SMTP_HOST="mail.example.org"
    )

    assert settings.mail_backend == "smtp"
    assert not settings.is_development


def test_it_is_strict_by_default_when_no_environment_is_named(clean_env):
    clean_env.delenv("CERS_ENV")

    with pytest.raises(ValidationError):
        Settings()


def test_it_refuses_smtp_without_a_host(clean_env):
    clean_env.setenv("CERS_MAIL_BACKEND", "smtp")

    with pytest.raises(ValidationError, match="needs CERS_SMTP_HOST"):
        Settings()


def test_it_picks_the_outbox_without_an_smtp_host_outside_production(clean_env):
    assert Settings().mail_backend == "outbox"


@pytest.mark.parametrize("rounds", ["3", "17"])
def test_it_keeps_the_bcrypt_cost_within_bounds(clean_env, rounds):
    clean_env.setenv("CERS_BCRYPT_ROUNDS", rounds)

    with pytest.raises(ValidationError):
        Settings()


def test_it_derives_paths_and_flags(clean_env, tmp_path):
    clean_env.setenv("CERS_DATA_DIR", str(tmp_path))
    clean_env.setenv("CERS_BASE_URL", "https://cers.example.org")
    clean_env.setenv("CERS_ENV", "development")

    settings = Settings()

    assert settings.outbox_dir == tmp_path / "outbox"
    assert settings.uses_https
    assert settings.is_development
