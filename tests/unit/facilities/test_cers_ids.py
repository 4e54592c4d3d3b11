"""CERS IDs: handed out from the configured start, within 10000001-99999999, never twice, never
reused after a failed creation; imported ones are kept and new ones skip past them."""

from __future__ import annotations

import threading

import pydantic
import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.errors import Conflict, ValidationFailed
from cers_app.core.settings import Settings, reload_settings
from cers_app.facilities import cers_ids, service
from cers_app.facilities.models import CersIdAllocation, Facility
from tests.unit import support
from tests.unit.facilities import county as yolo

PARALLEL = 20


def _import(cers_id: int) -> None:
    def reserve(session):
        with db.transaction(session):
            cers_ids.reserve_imported(session, cers_id)

    db.run(reserve)


def _allocations() -> list[tuple[int, bool]]:
    return db.run(
        lambda s: [
            (row.cers_id, row.imported)
            for row in s.exec(select(CersIdAllocation).order_by(CersIdAllocation.cers_id)).all()
        ]
    )


def _start_at(monkeypatch, first: int) -> None:
    monkeypatch.setenv("CERS_CERS_ID_START", str(first))
    reload_settings()


def test_it_hands_out_ids_from_the_configured_start_one_after_another(database):
    assert [cers_ids.allocate() for _ in range(3)] == [90_000_001, 90_000_002, 90_000_003]
    assert _allocations() == [(90_000_001, False), (90_000_002, False), (90_000_003, False)]


def test_it_starts_where_the_site_is_configured_to_start(database, monkeypatch):
    _start_at(monkeypatch, 10_000_001)

    assert cers_ids.allocate() == 10_000_001


@pytest.mark.parametrize("first", [10_000_000, 100_000_000])
def test_it_refuses_a_configured_start_outside_the_cers_id_range(first):
    with pytest.raises(pydantic.ValidationError, match="cers_id_start"):
        Settings(cers_id_start=first)


def test_it_keeps_imported_ids_and_skips_past_them(database):
    _import(90_000_001)
    _import(90_000_002)

    assert cers_ids.allocate() == 90_000_003
    assert _allocations() == [(90_000_001, True), (90_000_002, True), (90_000_003, False)]


def test_it_keeps_a_gap_below_an_imported_id(database):
    _import(90_000_010)

    assert cers_ids.allocate() == 90_000_011  # 90000001-90000009 are never handed out


def test_it_keeps_imported_ids_below_the_start_without_moving_it(database):
    _import(10_123_456)

    assert cers_ids.allocate() == 90_000_001
    assert (10_123_456, True) in _allocations()


def test_it_refuses_an_imported_id_that_is_already_used(database):
    first = cers_ids.allocate()

    with pytest.raises(Conflict) as caught:
        _import(first)

    assert caught.value.message == f"CERS ID {first} is already used by another facility."


@pytest.mark.parametrize("cers_id", [0, 10_000_000, 100_000_000, -10_000_001])
def test_it_refuses_an_imported_id_outside_the_range(database, cers_id):
    with pytest.raises(ValidationFailed) as caught:
        _import(cers_id)

    assert caught.value.fields == {"cers_id": "A CERS ID is a number from 10000001 to 99999999."}
    assert _allocations() == []


@pytest.mark.parametrize("cers_id", [10_000_001, 99_999_999])
def test_it_accepts_an_imported_id_at_each_end_of_the_range(database, cers_id):
    _import(cers_id)

    assert _allocations() == [(cers_id, True)]


def test_it_stops_at_the_end_of_the_range(database):
    _import(99_999_998)

    assert cers_ids.allocate() == 99_999_999
    with pytest.raises(Conflict) as caught:
        cers_ids.allocate()

    assert caught.value.message == "No CERS IDs are left in the configured range."
    assert max(cers_id for cers_id, _ in _allocations()) == 99_999_999


def test_it_never_reuses_the_id_of_a_creation_that_failed(small_world, county, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patched:
        # Fails inside the facility's transaction, after its CERS ID was reserved.
        patched.setattr(service, "new_draft", broken)
        with pytest.raises(RuntimeError):
            yolo.add_facility(small_world.lena, small_world.acme)

    assert support.count(Facility) == 0
    assert _allocations() == [(90_000_001, False)]

    facility_id = yolo.add_facility(small_world.lena, small_world.acme)

    assert yolo.facility(facility_id).cers_id == 90_000_002
    assert support.count(Facility) == 1


def test_it_gives_a_retry_with_the_same_key_a_new_id_after_a_failure(
    small_world, county, monkeypatch
):
    key = yolo.new_key()
    create = (service.create_facility, small_world.lena.actor(), small_world.acme, yolo.site())
    with monkeypatch.context() as patched:
        patched.setattr(service, "new_draft", lambda *a, **k: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            db.run(*create, idempotency_key=key)

    facility_id = db.run(*create, idempotency_key=key)

    assert yolo.facility(facility_id).cers_id == 90_000_002
    assert db.run(*create, idempotency_key=key) == facility_id


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_it_gives_facilities_created_in_parallel_distinct_ids(small_world, county):
    actor = small_world.lena.actor()
    start = threading.Barrier(PARALLEL)
    made: list[int] = []
    failures: list[BaseException] = []

    def create(number: int) -> None:
        try:
            start.wait(timeout=30)
            made.append(
                db.run(
                    service.create_facility,
                    actor,
                    small_world.acme,
                    yolo.site(
                        name=f"Acme Plating - Yard {number}", street=f"{100 + number} Main St"
                    ),
                    idempotency_key=yolo.new_key(),
                )
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert failures == []
    assert len(made) == PARALLEL
    cers = db.run(lambda s: list(s.exec(select(Facility.cers_id)).all()))
    assert sorted(cers) == list(range(90_000_001, 90_000_001 + PARALLEL))
    assert [cers_id for cers_id, _ in _allocations()] == sorted(cers)


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_it_never_hands_out_one_id_twice_to_parallel_allocations(database):
    start = threading.Barrier(PARALLEL)
    got: list[int] = []

    def allocate() -> None:
        start.wait(timeout=30)
        got.append(cers_ids.allocate())

    threads = [threading.Thread(target=allocate) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(got) == list(range(90_000_001, 90_000_001 + PARALLEL))
