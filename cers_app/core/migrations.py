"""Applying and checking Alembic migrations from code (CLI `migrate`, tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from cers_app.core.settings import PROJECT_ROOT


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    if database_url:
        config.attributes["database_url"] = database_url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str | None = None, revision: str = "head") -> None:
    """Bring the database to `revision` (default: the newest)."""
    command.upgrade(alembic_config(database_url), revision)
