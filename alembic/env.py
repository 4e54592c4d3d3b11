"""Alembic environment for OpenCERS: our own tables on SQLModel.metadata.

Revisions are generated one way only: `make migration m="what changed"` (plain
`alembic revision --autogenerate` through this file), then reviewed by hand. The hook below
gives every new NOT NULL column with a Python default a server default, so the migration
also works on a table that already has rows.
"""

from __future__ import annotations

from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from alembic.operations import ops
from sqlmodel import SQLModel

import cers_app.models  # noqa: F401  (registers every table)
from cers_app.core.db import make_engine
from cers_app.core.settings import get_settings

config = context.config
if config.config_file_name and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = SQLModel.metadata


def _database_url() -> str:
    return config.attributes.get("database_url") or get_settings().database_url


def _add_server_defaults(context, revision, directives) -> None:
    script = directives[0]
    for upgrade in [script.upgrade_ops]:
        for op in _walk(upgrade.ops):
            if isinstance(op, ops.AddColumnOp):
                column = op.column
                default = getattr(column.default, "arg", None)
                if not column.nullable and column.server_default is None and default is not None:
                    if isinstance(default, bool):
                        literal = "true" if default else "false"
                    elif isinstance(default, (int, float, str)):
                        literal = repr(default)
                    else:
                        continue
                    column.server_default = sa.DefaultClause(sa.text(literal))


def _walk(items):
    for item in items:
        if isinstance(item, ops.ModifyTableOps):
            yield from _walk(item.ops)
        else:
            yield item


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
        process_revision_directives=_add_server_defaults,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        process_revision_directives=_add_server_defaults,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
