"""The migrations at head build exactly the tables the models describe, on both databases."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

import cers_app.models  # noqa: F401  (registers every table)
from cers_app.core import db, migrations


def _differences(connection: sa.Connection, metadata: sa.MetaData | None = None) -> list:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": False}
    )
    return compare_metadata(context, metadata if metadata is not None else SQLModel.metadata)


def test_it_finds_no_difference_between_the_models_and_the_migrations(database):
    with db.get_engine().connect() as connection:
        assert _differences(connection) == []


def test_it_would_notice_a_model_change_without_a_migration(database):
    # A copy of the models with one extra column: the comparison must report it.
    changed = sa.MetaData()
    for table in SQLModel.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["agency"].append_column(sa.Column("fax_number", sa.String(20)))

    with db.get_engine().connect() as connection:
        differences = _differences(connection, changed)

    assert [(d[0], d[3].name) for d in differences] == [("add_column", "fax_number")]


def test_it_is_at_the_single_head_revision(database):
    script = ScriptDirectory.from_config(migrations.alembic_config())
    [head] = script.get_heads()

    with db.get_engine().connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


def test_it_migrates_a_new_sqlite_file_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    migrations.upgrade(url)
    command.downgrade(migrations.alembic_config(url), "base")

    engine = db.make_engine(url)
    with engine.connect() as connection:
        assert set(sa.inspect(connection).get_table_names()) == {"alembic_version"}
    engine.dispose()

    migrations.upgrade(url)
    engine = db.make_engine(url)
    with engine.connect() as connection:
        assert _differences(connection) == []
        assert set(SQLModel.metadata.tables) <= set(sa.inspect(connection).get_table_names())
    engine.dispose()
