"""`backup --out DIR` and `restore DIR`: the database and the stored files, consistent.

A backup folder holds:
  manifest.json          format, migration revision, backend, time, every table's row count
                         and checksum, every file's size and sha256
  tables/<table>.jsonl   each table's rows as canonical JSON lines (ops.dump), in key order
  files/<name>           the stored files the backed-up `stored_file` rows name
  database.sqlite3       on SQLite, also a plain copy of the database file (the online backup
                         API), which opens as it is

The tables are read in one snapshot: SQLite's online backup copy, or one REPEATABLE READ, READ
ONLY transaction on PostgreSQL, so a backup taken while people work is consistent. The dump is
the same on both backends, so a SQLite backup restores into PostgreSQL and back.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from cers_app.core import clock, db, migrations, storage
from cers_app.core.errors import DomainError
from cers_app.core.settings import get_settings
from cers_app.ops import dump

FORMAT = "opencers-backup-1"
MANIFEST = "manifest.json"
INSERT_BATCH = 1000


class RestoreRefused(DomainError):
    """The backup folder or the target database is not fit for a restore; nothing changed."""


@dataclass
class BackupReport:
    folder: Path
    revision: str
    tables: int
    rows: int
    files: int
    file_bytes: int
    missing_files: list[str] = field(default_factory=list)


@dataclass
class RestoreReport:
    tables: int
    rows: int
    files: int
    mismatches: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return not self.mismatches


def head_revision() -> str:
    """The newest migration revision this code knows."""
    script = ScriptDirectory.from_config(migrations.alembic_config())
    return str(script.get_current_head())


def database_revision(connection: Connection) -> str | None:
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------------------ backup


@contextmanager
def _snapshot(engine: Engine, copy_to: Path) -> Iterator[Connection]:
    """A connection that sees one consistent state of the database."""
    if engine.dialect.name == "sqlite":
        source = engine.raw_connection()
        try:
            target = sqlite3.connect(copy_to)
            try:
                source.driver_connection.backup(target)
            finally:
                target.close()
        finally:
            source.close()
        copy_engine = sa.create_engine(f"sqlite:///{copy_to}")
        try:
            with copy_engine.connect() as connection:
                yield connection
        finally:
            copy_engine.dispose()
        return
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(sa.text("SET TRANSACTION READ ONLY"))
            yield connection


def backup(out: Path) -> BackupReport:
    """Write a backup of the configured database and its stored files into `out`.

    `out` must not exist or be empty. Files whose rows are in the snapshot are copied and
    hashed; one that is missing from storage is listed in the report (and the manifest).
    """
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise DomainError(f"{out} is not empty: give a new folder for the backup.")
    (out / "tables").mkdir(parents=True, exist_ok=True)
    (out / "files").mkdir(exist_ok=True)
    engine = db.get_engine()
    copy = out / "database.sqlite3"
    manifest: dict = {
        "format": FORMAT,
        "backend": engine.dialect.name,
        "created_at": clock.now().isoformat(),
        "tables": [],
        "files": [],
        "missing_files": [],
    }
    stored_names: list[str] = []
    with _snapshot(engine, copy) as connection:
        manifest["revision"] = database_revision(connection)
        for table in dump.tables(connection):
            digest = dump.Digest()
            with (out / "tables" / f"{table.name}.jsonl").open("w", encoding="utf-8") as file:
                for line in dump.table_lines(connection, table):
                    file.write(digest.add(line) + "\n")
            manifest["tables"].append(
                {"name": table.name, "rows": digest.rows, "sha256": digest.hexdigest}
            )
        if sa.inspect(connection).has_table("stored_file"):
            stored_names = list(
                connection.execute(sa.text("SELECT name FROM stored_file ORDER BY name")).scalars()
            )
    file_bytes = 0
    for name in stored_names:
        source = storage.files_dir() / name
        if not source.is_file():
            manifest["missing_files"].append(name)
            continue
        target = out / "files" / name
        shutil.copyfile(source, target)
        size = target.stat().st_size
        file_bytes += size
        manifest["files"].append({"name": name, "size": size, "sha256": sha256_file(target)})
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return BackupReport(
        folder=out,
        revision=manifest["revision"],
        tables=len(manifest["tables"]),
        rows=sum(t["rows"] for t in manifest["tables"]),
        files=len(manifest["files"]),
        file_bytes=file_bytes,
        missing_files=manifest["missing_files"],
    )


# ----------------------------------------------------------------------------- restore


def read_manifest(folder: Path) -> dict:
    """The folder's manifest, checked: its format, its revision and every dump file's sha256.

    Raises RestoreRefused naming the first problem.
    """
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise RestoreRefused(f"{folder} has no {MANIFEST}: it is not an OpenCERS backup.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise ValueError(f"format is {manifest.get('format')!r}, expected {FORMAT!r}")
        tables = [(t["name"], int(t["rows"]), str(t["sha256"])) for t in manifest["tables"]]
        files = [(f["name"], int(f["size"]), str(f["sha256"])) for f in manifest["files"]]
        revision = str(manifest["revision"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RestoreRefused(f"{path} is damaged ({exc}); nothing was restored.") from exc
    if revision != head_revision():
        raise RestoreRefused(
            f"the backup is at migration {revision} but this code is at {head_revision()}: "
            "restore it with the OpenCERS version that made it (then upgrade); nothing was "
            "restored."
        )
    for name, _rows, sha in tables:
        dump_file = folder / "tables" / f"{name}.jsonl"
        if not dump_file.is_file() or sha256_file(dump_file) != sha:
            raise RestoreRefused(
                f"tables/{name}.jsonl is missing or does not match the manifest; "
                "nothing was restored."
            )
    for name, size, sha in files:
        stored = folder / "files" / name
        if not stored.is_file() or stored.stat().st_size != size or sha256_file(stored) != sha:
            raise RestoreRefused(
                f"files/{name} is missing or does not match the manifest; nothing was restored."
            )
    return manifest


def _rows_present(connection: Connection) -> list[str]:
    return [
        table.name
        for table in dump.tables(connection)
        if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
    ]


def _reset_sequences(connection: Connection, tables: list[sa.Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            sequence = connection.execute(
                sa.select(sa.func.pg_get_serial_sequence(f'"{table.name}"', column.name))
            ).scalar()
            if sequence is None:
                continue
            top = connection.execute(sa.select(sa.func.max(column))).scalar()
            if top is None:
                connection.execute(sa.select(sa.func.setval(sequence, 1, False)))
            else:
                connection.execute(sa.select(sa.func.setval(sequence, top, True)))


def _insert(connection: Connection, table: sa.Table, dump_file: Path) -> int:
    count = 0
    batch: list[dict] = []
    with dump_file.open(encoding="utf-8") as lines:
        for row in dump.parse_rows(table, lines):
            batch.append(row)
            if len(batch) >= INSERT_BATCH:
                connection.execute(table.insert(), batch)
                count += len(batch)
                batch = []
    if batch:
        connection.execute(table.insert(), batch)
        count += len(batch)
    return count


def restore(folder: Path, *, force: bool = False) -> RestoreReport:
    """Load a backup into the configured database and file storage, then verify it.

    Refuses (RestoreRefused, nothing changed) a damaged folder, a backup of another migration
    revision, or a database that already holds data unless `force` (which replaces it). The
    tables are loaded in one transaction; the files are copied after it commits.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    url = get_settings().database_url
    engine = db.get_engine(url)
    with engine.connect() as connection:
        current = database_revision(connection)
    if current is None:
        migrations.upgrade(url)
    elif current != manifest["revision"]:
        raise RestoreRefused(
            f"the database is at migration {current}, the backup at {manifest['revision']}: "
            "run `python -m cers_app migrate` first; nothing was restored."
        )
    wanted = {t["name"]: t for t in manifest["tables"]}
    rows = 0
    with engine.begin() as connection:
        tables = dump.tables(connection)
        unknown = set(wanted) - {t.name for t in tables}
        if unknown:
            raise RestoreRefused(
                f"the backup has table {sorted(unknown)[0]} which this database does not; "
                "nothing was restored."
            )
        holding = _rows_present(connection)
        if holding and not force:
            raise RestoreRefused(
                f"the database already holds data (in {', '.join(holding[:3])}"
                f"{', ...' if len(holding) > 3 else ''}): restore into an empty database, or "
                "add --force to replace everything in it; nothing was restored."
            )
        dump.delete_all(connection, tables)
        for table in tables:
            if table.name in wanted:
                rows += _insert(connection, table, folder / "tables" / f"{table.name}.jsonl")
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection, tables)
    files = _restore_files(folder, manifest)
    report = RestoreReport(tables=len(wanted), rows=rows, files=files)
    report.mismatches = verify(manifest)
    return report


def _restore_files(folder: Path, manifest: dict) -> int:
    target_dir = storage.files_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    keep = {f["name"] for f in manifest["files"]}
    for existing in target_dir.iterdir():
        # Files of the replaced data (32-hex names); the staging folder stays.
        if existing.is_file() and len(existing.name) == 32 and existing.name not in keep:
            existing.unlink()
    for entry in manifest["files"]:
        with (
            tempfile.NamedTemporaryFile(dir=target_dir, delete=False) as temporary,
            (folder / "files" / entry["name"]).open("rb") as source,
        ):
            shutil.copyfileobj(source, temporary)
        Path(temporary.name).replace(target_dir / entry["name"])
    return len(manifest["files"])


def verify(manifest: dict) -> list[str]:
    """What in the configured database and storage differs from `manifest` (empty: all same)."""
    problems: list[str] = []
    expected = {t["name"]: t for t in manifest["tables"]}
    with db.get_engine().connect() as connection:
        for table in dump.tables(connection):
            rows, sha = dump.checksum(connection, table)
            want = expected.get(table.name)
            if want is None:
                if rows:
                    problems.append(f"table {table.name}: {rows} rows not in the backup")
                continue
            if (rows, sha) != (want["rows"], want["sha256"]):
                problems.append(
                    f"table {table.name}: {rows} rows, checksum {sha[:12]}; "
                    f"backup {want['rows']} rows, checksum {want['sha256'][:12]}"
                )
    for entry in manifest["files"]:
        path = storage.files_dir() / entry["name"]
        if not path.is_file() or sha256_file(path) != entry["sha256"]:
            problems.append(f"file {entry['name']}: missing or different")
    return problems
