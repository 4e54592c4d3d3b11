"""backup -> wipe -> restore gives identical data: every table's checksum and every file's
sha256, on SQLite and PostgreSQL, with the demo loaded; and the restore's refusals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from cers_app import demo
from cers_app.cli import cli
from cers_app.core import db, storage
from cers_app.core.settings import reload_settings
from cers_app.ops import backup, dump
from tests import audit_hook
from tests.unit import support


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _tables_state() -> dict[str, tuple[int, str]]:
    with db.get_engine().connect() as connection:
        return {t.name: dump.checksum(connection, t) for t in dump.tables(connection)}


def _files_state() -> dict[str, str]:
    folder = storage.files_dir()
    return {p.name: backup.sha256_file(p) for p in sorted(folder.iterdir()) if p.is_file()}


def _wipe() -> None:
    with (
        audit_hook.exempt("the test empties the database to restore it"),
        db.get_engine().begin() as connection,
    ):
        dump.delete_all(connection, dump.tables(connection))
    shutil.rmtree(storage.files_dir())


def test_backup_wipe_restore_gives_identical_tables_and_files(database, tmp_path: Path) -> None:
    demo.seed()
    tables_before, files_before = _tables_state(), _files_state()
    filled = [name for name, (rows, _sha) in tables_before.items() if rows]
    assert len(filled) >= 25, filled
    assert files_before, "the demo stores files (an uploaded workbook, documents)"

    made = _run("backup", "--out", str(tmp_path / "bk"))
    assert made.exit_code == 0, made.output
    assert "migration " + backup.head_revision() in made.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["revision"] == backup.head_revision()
    assert manifest["backend"] == ("sqlite" if database == "sqlite" else "postgresql")
    assert {t["name"]: (t["rows"], t["sha256"]) for t in manifest["tables"]} == tables_before
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == files_before
    assert (tmp_path / "bk" / "database.sqlite3").exists() == (database == "sqlite")

    _wipe()
    assert all(rows == 0 for rows, _sha in _tables_state().values())

    restored = _run("restore", str(tmp_path / "bk"))
    assert restored.exit_code == 0, restored.output
    assert "Verified" in restored.output
    assert _tables_state() == tables_before
    assert _files_state() == files_before
    # The restored site keeps working: ids continue past the restored ones (PG sequences).
    support.make_otto()
    seeded_again = demo.seed()  # idempotent: nothing missing, nothing duplicated
    assert len(seeded_again.facilities) == 6


def test_a_sqlite_backup_restores_into_postgresql(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Path, postgres_schema_url
) -> None:
    path = tmp_path / "source.db"
    shutil.copyfile(sqlite_template, path)
    monkeypatch.setenv("CERS_DATABASE_URL", f"sqlite:///{path}")
    reload_settings()
    lena = support.make_lena()
    db.run(storage.store_bytes, lena.id, "plan.pdf", b"%PDF-1.4 plan", "pdf")
    tables_before, files_before = _tables_state(), _files_state()
    assert backup.backup(tmp_path / "bk").files == 1
    db.dispose_engines()

    monkeypatch.setenv("CERS_DATABASE_URL", postgres_schema_url)
    monkeypatch.setenv("CERS_DATA_DIR", str(tmp_path / "pg-data"))
    reload_settings()
    try:
        report = backup.restore(tmp_path / "bk", force=True)
        assert report.verified, report.mismatches
        assert _tables_state() == tables_before
        assert _files_state() == files_before
    finally:
        with (
            audit_hook.exempt("emptying the shared PostgreSQL schema for the next test"),
            db.get_engine().begin() as connection,
        ):
            dump.delete_all(connection, dump.tables(connection))
        db.dispose_engines()


@pytest.fixture
def small_backup(database, tmp_path: Path) -> Path:
    lena = support.make_lena()
    db.run(storage.store_bytes, lena.id, "notes.txt", b"hello", "txt")
    backup.backup(tmp_path / "bk")
    return tmp_path / "bk"


def _assert_refused(result: Result, *snippets: str) -> None:
    assert result.exit_code == 2, result.output
    for snippet in snippets:
        assert snippet in result.output, result.output
    assert "Traceback" not in result.output


def test_restore_refuses_a_database_holding_data_unless_forced(small_backup: Path) -> None:
    support.make_otto()
    before = support.table_snapshot()
    _assert_refused(_run("restore", str(small_backup)), "already holds data", "--force")
    assert support.table_snapshot() == before
    forced = _run("restore", str(small_backup), "--force")
    assert forced.exit_code == 0, forced.output
    usernames = db.run(lambda s: s.execute(sa.text("SELECT username FROM user_account")).all())
    assert [u for (u,) in usernames] == ["lenalead"]  # otto, added after the backup, is gone


def test_restore_refuses_a_folder_without_a_manifest(database, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _assert_refused(_run("restore", str(tmp_path / "empty")), "no manifest.json")


@pytest.mark.parametrize(
    "damage",
    [
        "{not json",
        json.dumps({"format": "something-else"}),
        json.dumps({"format": "opencers-backup-1"}),
    ],
    ids=["garbage", "other-format", "fields-missing"],
)
def test_restore_refuses_a_damaged_manifest(small_backup: Path, damage: str) -> None:
    _wipe()
    (small_backup / "manifest.json").write_text(damage)
    _assert_refused(_run("restore", str(small_backup)), "damaged", "nothing was restored")
    assert support.table_counts()["user_account"] == 0


def test_restore_refuses_another_migration_revision(small_backup: Path) -> None:
    _wipe()
    manifest = json.loads((small_backup / "manifest.json").read_text())
    manifest["revision"] = "0009"
    (small_backup / "manifest.json").write_text(json.dumps(manifest))
    _assert_refused(
        _run("restore", str(small_backup)),
        "migration 0009",
        f"this code is at {backup.head_revision()}",
    )
    assert support.table_counts()["user_account"] == 0


@pytest.mark.parametrize("part", ["table", "file"])
def test_restore_refuses_a_changed_dump_or_file(small_backup: Path, part: str) -> None:
    _wipe()
    if part == "table":
        target = small_backup / "tables" / "user_account.jsonl"
    else:
        target = next((small_backup / "files").iterdir())
    target.write_bytes(target.read_bytes().replace(b"l", b"L", 1))
    _assert_refused(_run("restore", str(small_backup)), "does not match the manifest")
    assert support.table_counts()["user_account"] == 0


def test_restore_exits_1_when_the_restored_data_differs(
    small_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _wipe()
    monkeypatch.setattr(backup, "verify", lambda _manifest: ["table user_account: differs"])
    result = _run("restore", str(small_backup))
    assert result.exit_code == 1
    assert "Mismatch: table user_account: differs" in result.output


def test_backup_refuses_a_folder_that_is_not_empty(database, tmp_path: Path) -> None:
    (tmp_path / "bk").mkdir()
    (tmp_path / "bk" / "other.txt").write_text("keep me")
    _assert_refused(_run("backup", "--out", str(tmp_path / "bk")), "is not empty")
    assert (tmp_path / "bk" / "other.txt").read_text() == "keep me"


def test_backup_lists_a_stored_file_missing_from_storage(database, tmp_path: Path) -> None:
    lena = support.make_lena()
    stored = db.run(storage.store_bytes, lena.id, "gone.txt", b"bye", "txt")
    storage.open_path(stored).unlink()
    result = _run("backup", "--out", str(tmp_path / "bk"))
    assert result.exit_code == 1
    assert stored.name in result.output
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    assert manifest["missing_files"] == [stored.name]


def test_a_backup_is_one_snapshot_while_people_keep_working(
    database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    support.make_lena()
    real_lines = dump.table_lines
    written: list[str] = []

    def lines_with_a_sign_up_meanwhile(connection, table):
        if not written:  # someone signs up while the first table is being read
            written.append(table.name)
            support.make_otto()
        yield from real_lines(connection, table)

    monkeypatch.setattr(dump, "table_lines", lines_with_a_sign_up_meanwhile)
    backup.backup(tmp_path / "bk")
    manifest = json.loads((tmp_path / "bk" / "manifest.json").read_text())
    rows = {t["name"]: t["rows"] for t in manifest["tables"]}
    assert written and rows["user_account"] == 1  # the snapshot, not otto's later account
    assert support.table_counts()["user_account"] == 2
    accounts = (tmp_path / "bk" / "tables" / "user_account.jsonl").read_text()
    assert "lenalead" in accounts and "ottoowens" not in accounts
