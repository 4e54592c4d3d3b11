"""30-day change items: each trigger, found when read, dropped when undone, resolved by
submitting."""

from __future__ import annotations

import datetime as dt

from cers_app.core import db
from cers_app.facilities import service as facility_service
from cers_app.submittals import change_items, drafts
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.submittals import hmbp

FI, HMI = 1, 2
DUE = dt.date(2026, 12, 20)  # 30 days after the frozen clock's Nov 20


def _refreshed(facility_id: int) -> list[tuple[int, str, dt.date]]:
    def read(session):
        with db.transaction(session):
            items = change_items.refresh(session, facility_id)
            return [(i.element, i.reason, i.due_on) for i in items]

    return db.run(read)


def _submitted_plan(world, plant) -> None:
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)


def test_a_new_material_is_due_in_30_days(frozen_clock, plant, world):
    _submitted_plan(world, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, HMI, "")
    stock.added(world.lena, plant, stock.MOTOR_OIL)

    assert _refreshed(plant) == [(HMI, "New material: Motor Oil", DUE)]


def test_a_doubled_amount_is_one_item_however_much_more_it_grows(frozen_clock, plant, world):
    _submitted_plan(world, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, HMI, "")
    [item_id] = hmbp.item_ids(plant)
    stock.edit(
        world.lena, plant, item_id, {"MaximumDailyAmount": "2000", "LargestContainer": "2000"}
    )
    [(element, reason, due)] = _refreshed(plant)
    assert element == HMI and reason == "Diesel Fuel: maximum daily amount up 100% or more"

    stock.edit(
        world.lena, plant, item_id, {"MaximumDailyAmount": "3000", "LargestContainer": "3000"}
    )
    assert _refreshed(plant) == [(HMI, reason, due)]


def test_a_new_owner_is_a_change_item(frozen_clock, plant, world):
    _submitted_plan(world, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, FI, "")
    forms = db.run(facility_service.facility_information, world.lena.actor(), plant)
    _, errors = db.run(
        facility_service.save_owner_operator,
        world.lena.actor(),
        plant,
        {**yolo.OWNER, "OwnerName": "Beta Holdings"},
        forms.version,
    )
    assert not errors

    assert _refreshed(plant) == [(FI, "New owner: Beta Holdings", DUE)]


def test_an_undone_change_drops_its_item(frozen_clock, plant, world):
    _submitted_plan(world, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, HMI, "")
    stock.added(world.lena, plant, stock.MOTOR_OIL)
    assert len(_refreshed(plant)) == 1

    version_id = hmbp.draft_id(plant, HMI)
    db.run(drafts.discard_draft, world.lena.actor(), plant, HMI, version_id)

    assert _refreshed(plant) == []


def test_submitting_the_element_resolves_its_items(frozen_clock, plant, world):
    _submitted_plan(world, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, HMI, "")
    stock.added(world.lena, plant, stock.row(CommonName="Diesel Fuel", ChemicalLocation="Shop"))
    stock.edit(
        world.lena,
        plant,
        hmbp.item_ids(plant)[0],
        {"MaximumDailyAmount": "5000", "LargestContainer": "5000"},
    )
    assert len(_refreshed(plant)) == 1
    db.run(drafts.start_element, world.lena.actor(), plant, FI, "")

    hmbp.submitted(world.connie, plant, FI, HMI)

    assert _refreshed(plant) == []
    assert db.run(lambda s: change_items.open_items(s, plant)) == []


def test_a_first_submittal_is_not_a_change_item(frozen_clock, plant, world):
    hmbp.prepare(world.lena, plant)

    assert _refreshed(plant) == []
