"""The import job's lease: a killed worker's job is claimed again, two workers never both
run it, and failed jobs can be retried."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cers_app.core import clock, db
from cers_app.core.errors import Conflict
from cers_app.inventory import importing
from cers_app.inventory.import_models import InventoryImport, InventoryImportRow
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock


def _queued(person, facility_id, path, mode=importing.APPEND) -> int:
    created = db.run(
        importing.create_import, person.actor(), facility_id, files.store(person, path), mode
    )
    return created.id


def _job(import_id: int) -> InventoryImport:
    with db.new_session() as session:
        job = session.get(InventoryImport, import_id)
        assert job is not None
        return job


def _staged(import_id: int) -> int:
    with db.new_session() as session:
        return session.scalar(
            sa.select(sa.func.count()).where(InventoryImportRow.import_id == import_id)
        )


def test_a_job_whose_lease_expired_is_claimed_again(yard, world, tmp_path, frozen_clock):
    path = files.workbook(tmp_path, yard, [stock.BASE, stock.NITROGEN])
    import_id = _queued(world.ed, yard, path)
    # A worker claims the job and is killed before it finishes.
    assert db.run(importing._claim, import_id, "killed-worker") is not None

    assert importing.run_import(import_id, "second") is False  # the lease is still live
    assert (_job(import_id).status, _job(import_id).lease_owner) == ("reading", "killed-worker")
    clock.advance(seconds=importing.LEASE_SECONDS + 1)
    assert importing.run_import(import_id, "second") is True

    job = _job(import_id)
    assert (job.status, job.attempts, job.added, job.lease_owner) == ("ready", 2, 2, "")
    assert importing.run_import(import_id, "third") is False  # a finished job is not re-read


def test_two_workers_never_both_run_a_job(yard, world, tmp_path, frozen_clock, monkeypatch):
    path = files.workbook(tmp_path, yard, [stock.BASE, stock.NITROGEN, stock.GASOLINE])
    import_id = _queued(world.ed, yard, path)
    real = importing.sheet_read.read_inventory
    stalled = []

    def reader(source, cers_id, on_progress=None, **options):
        if not stalled:
            # The first worker stalls past its lease; a second worker takes the job over
            # and finishes it. When the first one reports progress it learns it lost it.
            stalled.append(True)
            clock.advance(seconds=importing.LEASE_SECONDS + 1)
            assert importing.run_import(import_id, "second") is True
        on_progress(1, 3)
        return real(source, cers_id, on_progress=on_progress, **options)

    monkeypatch.setattr(importing.sheet_read, "read_inventory", reader)

    assert importing.run_import(import_id, "first") is False

    job = _job(import_id)
    assert (job.status, job.attempts, job.added) == ("ready", 2, 3)
    assert _staged(import_id) == 3  # staged once, by the worker that held the lease
    files.confirm(world.ed, yard, import_id)
    assert files.names(yard) == ["Diesel Fuel", "Nitrogen", "Gasoline"]


def test_a_cancelled_job_stops_its_worker(yard, world, tmp_path, monkeypatch):
    path = files.workbook(tmp_path, yard, [stock.BASE])
    import_id = _queued(world.ed, yard, path)
    real = importing.sheet_read.read_inventory

    def reader(source, cers_id, on_progress=None, **options):
        db.run(importing.cancel_import, world.ed.actor(), yard, import_id)
        on_progress(0, 1)
        return real(source, cers_id, on_progress=on_progress, **options)

    monkeypatch.setattr(importing.sheet_read, "read_inventory", reader)

    assert importing.run_import(import_id, "worker") is False
    assert (_job(import_id).status, _staged(import_id)) == ("cancelled", 0)


def test_a_failed_job_can_be_retried(yard, world, tmp_path, monkeypatch):
    path = files.workbook(tmp_path, yard, [stock.BASE])
    import_id = _queued(world.ed, yard, path)

    def broken(*args, **kwargs):
        raise RuntimeError("worker crashed")

    with monkeypatch.context() as patch:
        patch.setattr(importing.sheet_read, "read_inventory", broken)
        assert importing.run_import(import_id) is True
    failed = files.view(world.ed, yard, import_id)
    assert (failed.status, failed.message) == ("failed", importing.FAILED_MESSAGE)

    retried = db.run(importing.retry_import, world.ed.actor(), yard, import_id)
    assert retried.status == importing.QUEUED
    assert importing.run_import(import_id) is True
    assert files.view(world.ed, yard, import_id).status == importing.READY


def test_a_live_job_is_not_retried(yard, world, tmp_path, frozen_clock):
    path = files.workbook(tmp_path, yard, [stock.BASE])
    import_id = _queued(world.ed, yard, path)
    assert db.run(importing._claim, import_id, "busy-worker") is not None

    with pytest.raises(Conflict):
        db.run(importing.retry_import, world.ed.actor(), yard, import_id)
    clock.advance(seconds=importing.LEASE_SECONDS + 1)
    assert db.run(importing.retry_import, world.ed.actor(), yard, import_id).status == "queued"
