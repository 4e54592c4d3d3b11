"""Fixtures shared by every test: an isolated database per test, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import env

env.apply()

import sqlalchemy as sa  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import cers_app.models  # noqa: E402, F401
from cers_app.core import clock, db, migrations  # noqa: E402
from cers_app.core.settings import normalise_database_url, reload_settings  # noqa: E402
from tests import audit_hook  # noqa: E402

audit_hook.install()

FROZEN_NOW = dt.datetime(2026, 11, 20, 17, 0, tzinfo=dt.UTC)
BACKENDS = ["sqlite", "postgresql"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    with audit_hook.exempt("migrations build the schema"):
        migrations.upgrade(f"sqlite:///{path}")
    db.dispose_engines()
    return path


def _postgres_available(url: str) -> str | None:
    try:
        engine = sa.create_engine(normalise_database_url(url))
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A schema of its own for this test worker in the PostgreSQL test database, migrated."""
    base = env.postgres_url()
    problem = _postgres_available(base)
    if problem:
        message = f"PostgreSQL is not available at {base} ({problem})"
        if env.required("CERS_REQUIRE_POSTGRES"):
            pytest.fail(message + " and CERS_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(message)
    schema = f"t_{_worker()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(normalise_database_url(base))
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = normalise_database_url(f"{base}{separator}options=-csearch_path%3D{schema}")
    with audit_hook.exempt("migrations build the schema"):
        migrations.upgrade(url)
    db.dispose_engines()
    yield url
    db.dispose_engines()
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _truncate_all(url: str) -> None:
    """Empty every table and restart its ids.

    DELETE rather than TRUNCATE: TRUNCATE gives each table new files and cost ~0.25 s per
    test here, DELETE of a test's handful of rows ~0.01 s. Children go first (reverse of the
    foreign-key order).
    """
    tables = SQLModel.metadata.sorted_tables
    engine = db.get_engine(url)
    with audit_hook.exempt("emptying the test database"), engine.begin() as connection:
        for table in reversed(tables):
            connection.execute(table.delete())
        for table in tables:
            for column in table.primary_key.columns:
                sequence = sa.func.pg_get_serial_sequence(f'"{table.name}"', column.name)
                connection.execute(sa.select(sa.func.setval(sequence, 1, False)))


def _use_database(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERS_DATABASE_URL", url)
    reload_settings()


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An empty, migrated database for this test only; the app's engine points at it.

    Parametrised: every test using it runs once on SQLite and once on PostgreSQL.
    """
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("postgres_schema_url")
        _truncate_all(url)
    _use_database(url, monkeypatch)
    yield request.param
    db.dispose_engines() if request.param == "sqlite" else None


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test writes mail and files under its own temporary folder."""
    monkeypatch.setenv("CERS_DATA_DIR", str(tmp_path / "data"))
    reload_settings()
    yield
    clock.set_now(None)
    reload_settings()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "audit_exempt(reason): the test writes audited rows without audit events"
    )


@pytest.fixture(autouse=True)
def _audit_hook(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test when a transaction changes an audited table without an audit event."""
    with audit_hook.active(request.node):
        yield


@pytest.fixture
def frozen_clock() -> Iterator[dt.datetime]:
    """The app's clock stopped at FROZEN_NOW; move it with clock.advance(minutes=...)."""
    clock.set_now(FROZEN_NOW)
    yield FROZEN_NOW
    clock.set_now(None)
