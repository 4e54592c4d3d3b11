"""Tables as portable JSON lines: one canonical line per row, the same on SQLite and PostgreSQL.

A table's checksum is the sha256 of its lines in primary-key order, so a dump file's own sha256
is its table's checksum and a restored database can be checked against the manifest.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import cers_app.models  # noqa: F401  (every table in the metadata)

SKIPPED_TABLES = {"alembic_version"}


def tables(connection: Connection) -> list[sa.Table]:
    """Every table of the database in foreign-key order (parents first).

    The model's tables keep their types (timestamps come back in UTC); a table the database
    has but the model does not know is reflected, so nothing is left out of a backup.
    """
    present = set(sa.inspect(connection).get_table_names()) - SKIPPED_TABLES
    known = [t for t in SQLModel.metadata.sorted_tables if t.name in present]
    extra = sorted(present - {t.name for t in known})
    if extra:
        reflected = sa.MetaData()
        reflected.reflect(connection, only=extra)
        known += [reflected.tables[name] for name in extra]
    return known


def _kind(column_type: sa.types.TypeEngine) -> str:
    base = column_type.impl if isinstance(column_type, sa.types.TypeDecorator) else column_type
    if isinstance(base, sa.DateTime):
        return "datetime"
    if isinstance(base, sa.Date):
        return "date"
    if isinstance(base, sa.Time):
        return "time"
    if isinstance(base, sa.Float):
        return "float"
    if isinstance(base, sa.Numeric):
        return "decimal"
    if isinstance(base, sa.LargeBinary):
        return "bytes"
    return "plain"


def encode(value: Any) -> Any:
    """A JSON-safe form of one column value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize()) if value == value else "NaN"
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def decode(kind: str, value: Any) -> Any:
    """The column value back from `encode`'s form."""
    if value is None:
        return None
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "time":
        return dt.time.fromisoformat(value)
    if kind == "decimal":
        return decimal.Decimal(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return value


def _line(table: sa.Table, row: sa.Row) -> str:
    record = {column.name: encode(value) for column, value in zip(table.columns, row, strict=True)}
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _single_integer_key(table: sa.Table) -> sa.Column | None:
    keys = list(table.primary_key.columns)
    if len(keys) == 1 and _kind(keys[0].type) == "plain":
        try:
            if keys[0].type.python_type is int:
                return keys[0]
        except NotImplementedError:
            return None
    return None


def table_lines(connection: Connection, table: sa.Table) -> Iterator[str]:
    """The table's rows as canonical lines, in primary-key order (any backend, any collation)."""
    key = _single_integer_key(table)
    if key is not None:
        # Integers sort the same everywhere: stream in the database's order.
        result = connection.execution_options(yield_per=2000).execute(
            sa.select(*table.columns).order_by(key)
        )
        for row in result:
            yield _line(table, row)
        return
    # Text or composite keys: sort here, as collations differ between backends.
    keys = [c.name for c in table.primary_key.columns]
    rows = [(_line(table, row), row) for row in connection.execute(sa.select(*table.columns))]
    if keys:
        index = [list(table.columns.keys()).index(k) for k in keys]
        rows.sort(key=lambda pair: (*[_sortable(pair[1][i]) for i in index], pair[0]))
    else:
        rows.sort(key=lambda pair: pair[0])
    for line, _row in rows:
        yield line


def _sortable(value: Any) -> tuple[int, Any]:
    return (0, "") if value is None else (1, encode(value))


class Digest:
    """Counts and hashes lines as they pass."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, line: str) -> str:
        self._hash.update(line.encode("utf-8") + b"\n")
        self.rows += 1
        return line

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def checksum(connection: Connection, table: sa.Table) -> tuple[int, str]:
    """(row count, sha256 of the table's canonical lines)."""
    digest = Digest()
    for line in table_lines(connection, table):
        digest.add(line)
    return digest.rows, digest.hexdigest


def delete_all(connection: Connection, tables: list[sa.Table]) -> int:
    """Empty `tables` (given parents first), children first; returns the rows removed.

    A table referring to itself (an agency's parent agency, RESTRICT) has those references
    cleared first, since the database checks each row as it goes.
    """
    removed = 0
    for table in reversed(tables):
        own = [
            fk.parent
            for fk in table.foreign_keys
            if fk.column.table.name == table.name and fk.parent.nullable
        ]
        if own:
            connection.execute(table.update().values({column.name: None for column in own}))
        removed += connection.execute(table.delete()).rowcount or 0
    return removed


def parse_rows(table: sa.Table, lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Rows ready for an INSERT from a dump file's lines."""
    kinds = {column.name: _kind(column.type) for column in table.columns}
    for line in lines:
        if not line.strip():
            continue
        record = json.loads(line)
        unknown = set(record) - set(kinds)
        if unknown:
            raise ValueError(f"table {table.name} has no column {sorted(unknown)[0]!r}")
        yield {name: decode(kinds[name], value) for name, value in record.items()}
