"""The inventory pages' handlers without a browser: the paged list, its filters, Add Material
and the material form, for each role (every test on SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from reflex.state import State

from cers_app.chemicals import seed
from cers_app.core import db, routes
from cers_app.core.codes import SUBMITTED
from cers_app.facilities.models import ElementVersion
from cers_app.inventory import rules, service
from cers_app.inventory.fields import FIELD_BY_TAG, FLAG
from cers_app.inventory.state import PAGE_SIZE, InventoryState, ItemFormState, item_url
from cers_app.ui import guidance
from tests import audit_hook
from tests.state.events import navigate, redirects, says
from tests.unit.chemicals.conftest import FIXTURE_LIBRARY
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World

ROW_KEYS = {
    "id",
    "common_name",
    "chemical_name",
    "cas",
    "location",
    "state",
    "amount",
    "ehs",
    "level",
    "message",
    "more",
    "messages",
    "reportable",
}
# What a person types for the Motor Oil of the CERS guide, after choosing it in the library.
MOTOR_OIL_TYPED = {
    "MaximumDailyAmount": "110",
    "AverageDailyAmount": "80",
    "LargestContainer": "55",
    "DaysOnSite": "365",
    "ChemicalLocation": "Maintenance shop",
    "StoragePressure": "a",
    "StorageTemperature": "a",
}
# Nitrogen entered by hand: a gas in gallons, its containers set.
NITROGEN = {
    "CommonName": "Nitrogen",
    "CASNumber": "7727-37-9",
    "EHS": "N",
    "PhysicalState": "c",
    "HMType": "a",
    "Units": "a",
    "MaximumDailyAmount": "300",
    "AverageDailyAmount": "200",
    "LargestContainer": "60",
    "DaysOnSite": "365",
    "ChemicalLocation": "Welding bay",
    "StoragePressure": "b",
    "StorageTemperature": "a",
    "SCCylinder": "Y",
    "FHCPhysicalGasUnderPressure": "Y",
    "FHCHealthSimpleAsphyxiant": "Y",
}


def _clean(name: str, location: str = "Yard") -> dict[str, str]:
    """A row without findings."""
    return {
        **NITROGEN,
        "CommonName": name,
        "CASNumber": "",
        "PhysicalState": "b",
        "HMType": "b",
        "StoragePressure": "a",
        "ChemicalLocation": location,
        "SCCylinder": "",
        "SCSteelDrum": "Y",
        "FHCPhysicalGasUnderPressure": "",
        "FHCHealthSimpleAsphyxiant": "",
        "FHCPhysicalFlammable": "Y",
    }


@pytest.fixture
def acme(database) -> tuple[World, int]:
    """Acme's people and its facility in Davis (no inventory yet)."""
    world = acme_world.build()
    yolo.build()
    return world, yolo.add_facility(world.lena, world.acme)


@pytest.fixture
def library(database) -> None:
    db.run(seed.seed_library, source_dir=FIXTURE_LIBRARY)


async def _inventory(root: State, as_actor, person: Person, facility_id: int) -> InventoryState:
    as_actor(person.actor())
    navigate(root, routes.with_query(routes.FACILITY_INVENTORY, id=str(facility_id)))
    page = await root.get_state(InventoryState)
    await InventoryState.load.fn(page)
    return page


async def _item(root: State, as_actor, person: Person, url: str) -> tuple[ItemFormState, Any]:
    as_actor(person.actor())
    navigate(root, url)
    form = await root.get_state(ItemFormState)
    result = await ItemFormState.load.fn(form)
    return form, result


async def _save(form: ItemFormState, changes: dict[str, str], intent: str = "save") -> Any:
    """Submit the form as a browser would: every field as shown, with `changes` typed."""
    typed = {tag: value for tag, value in {**form.values, **changes}.items() if value != ""}
    typed = {tag: value for tag, value in typed.items() if not (value == "N" and _is_flag(tag))}
    ItemFormState.intend.fn(form, intent)
    return await ItemFormState.save.fn(form, typed)


def _is_flag(tag: str) -> bool:
    return FIELD_BY_TAG[tag].kind == FLAG


def _by_name(page: InventoryState) -> dict[str, dict[str, str]]:
    return {row["common_name"]: row for row in page.rows}


async def test_a_lead_starts_the_draft_and_pages_through_it(acme, root, as_actor):
    world, plant = acme
    page = await _inventory(root, as_actor, world.lena, plant)
    assert page.loaded and page.can_edit and not page.editable and not page.has_draft
    assert page.header["status"] == "Not started" and page.rows == []

    await InventoryState.start_draft.fn(page)
    assert page.editable and page.has_draft and page.header["status"] == "Draft"
    actor = world.lena.actor()
    for number in range(PAGE_SIZE + 5):
        db.run(service.save_item, actor, plant, None, _clean(f"Product {number:02d}"), None)

    await InventoryState.load.fn(page)
    assert (page.total, page.pages, len(page.rows)) == (PAGE_SIZE + 5, 2, PAGE_SIZE)
    assert all(set(row) == ROW_KEYS for row in page.rows)  # small text rows only
    assert page.rows[0]["common_name"] == "Product 00" and page.rows[0]["level"] == ""
    assert page.rows[0]["amount"] == "300 gal"
    await InventoryState.go_to_page.fn(page, 2)
    assert page.page == 2 and page.rows[0]["common_name"] == "Product 25"
    await InventoryState.go_to_page.fn(page, "2")  # type: ignore[arg-type]  # sent as text
    assert page.page == 1

    await InventoryState.sort_by.fn(page, "CommonName")  # the second click reverses
    assert page.descending and page.rows[0]["common_name"] == "Product 29"
    await InventoryState.sort_by.fn(page, "1; DROP TABLE inventory_item")
    assert page.sort == "CommonName" and page.descending
    await InventoryState.start_draft.fn(page)  # a second click changes nothing
    assert page.total == PAGE_SIZE + 5


async def test_the_guides_motor_oil_is_flagged_until_a_steel_drum_is_chosen(
    acme, library, root, as_actor
):
    world, plant = acme
    page = await _inventory(root, as_actor, world.lena, plant)
    await InventoryState.start_draft.fn(page)

    # Add Material: the library search offers Motor Oil; choosing it opens a prefilled form.
    InventoryState.toggle_add.fn(page)
    await InventoryState.search_library.fn(page, "m")
    assert page.hits == []  # one letter is not searched
    await InventoryState.search_library.fn(page, "motor oi")
    motor_oil = next(hit for hit in page.hits if hit["name"] == "Motor Oil")
    assert motor_oil["url"] == item_url(plant, chemical=int(motor_oil["id"]))
    form, _ = await _item(root, as_actor, world.lena, motor_oil["url"])
    assert form.is_new and not form.read_only
    assert form.values["CommonName"] == "Motor Oil" and form.values["EHS"] == "N"
    assert form.values["PhysicalState"] == "b" and form.values["Units"] == "a"

    result = await _save(form, MOTOR_OIL_TYPED)
    assert says(result, "Motor Oil saved with 1 finding")
    motor_oil_id = form._item_id
    assert redirects(result) == [item_url(plant, motor_oil_id)]  # a refresh shows it
    [finding] = form.findings
    assert finding["level"] == "required" and "storage container" in finding["message"]
    assert finding["fields"] == "Inventory Storage Information"  # the box of check boxes
    assert "storage container" in form.section_errors["storage"]
    assert form.bad_sections == ["storage"] and "SCSteelDrum" in form.errors
    assert form.threshold  # the "reportable because" sentence

    # Nitrogen, entered by hand: a gas in gallons with its cylinders ticked.
    form, _ = await _item(root, as_actor, world.lena, item_url(plant))
    assert form.values["CommonName"] == ""
    await _save(form, NITROGEN, "close")
    assert [f["level"] for f in form.findings] == ["warning"]
    assert set(form.errors) == {"PhysicalState", "Units"} and form.section_errors == {}
    assert form.findings[0]["fields"] == "Physical state, Units"

    page = await _inventory(root, as_actor, world.lena, plant)
    db.run(service.save_item, world.lena.actor(), plant, None, _clean("Sulfuric Acid"), None)
    await InventoryState.validate.fn(page)
    assert page.counts == {"required": 1, "warning": 1, "advisory": 0}
    rows = _by_name(page)
    assert rows["Motor Oil"]["level"] == "required" and rows["Nitrogen"]["level"] == "warning"
    assert rows["Sulfuric Acid"]["level"] == "" and rows["Sulfuric Acid"]["message"] == ""
    await InventoryState.show_only_findings.fn(page, True)
    assert set(_by_name(page)) == {"Motor Oil", "Nitrogen"}

    # Edit Motor Oil, tick Steel Drum, Save: its icon goes, Nitrogen stays flagged.
    form, _ = await _item(root, as_actor, world.lena, item_url(plant, motor_oil_id))
    result = await _save(form, {"SCSteelDrum": "Y"})
    assert says(result, "Motor Oil saved. No problems found.")
    assert redirects(result) == []  # Save keeps the form open
    assert form.findings == [] and form.errors == {} and form.bad_sections == []
    assert form.values["SCSteelDrum"] == "Y"
    await InventoryState.load.fn(page)
    assert page.header["flagged"] == "1"
    await InventoryState.show_only_findings.fn(page, True)
    assert set(_by_name(page)) == {"Nitrogen"}


async def test_input_that_cannot_be_stored_is_kept_as_typed(acme, root, as_actor):
    world, plant = acme
    page = await _inventory(root, as_actor, world.lena, plant)
    await InventoryState.start_draft.fn(page)
    form, _ = await _item(root, as_actor, world.lena, item_url(plant))
    assert form.open_sections == []  # the rarely used sections start folded
    typed = {**NITROGEN, "MaximumDailyAmount": "lots", "Units": "barrels", "Curies": "x"}
    result = await _save(form, {**typed, "AnnualWasteAmount": "a lot"})
    assert says(result, "Not saved")
    assert set(form.errors) == {"MaximumDailyAmount", "Units", "Curies", "AnnualWasteAmount"}
    assert form.open_sections == ["waste"]  # unfolded to show its problem
    assert form.values["MaximumDailyAmount"] == "lots" and form.values["CommonName"] == "Nitrogen"
    assert form.is_new and form._item_id == 0
    await InventoryState.load.fn(page)
    assert page.total == 0  # nothing was saved

    fixed = {"MaximumDailyAmount": "300", "Units": "b", "Curies": "", "AnnualWasteAmount": "5"}
    await _save(form, fixed)
    assert form._item_id and not form.is_new and form.values["AnnualWasteAmount"] == "5"
    assert "waste" in form.open_sections
    await InventoryState.load.fn(page)
    assert page.total == 1


async def test_a_stale_form_says_so_and_keeps_what_was_typed(acme, root, as_actor):
    world, plant = acme
    db.run(service.start_draft, world.lena.actor(), plant)
    saved, _ = db.run(service.save_item, world.lena.actor(), plant, None, dict(NITROGEN), None)
    url = item_url(plant, saved.id or 0)
    mine, _ = await _item(root, as_actor, world.lena, url)
    other_tab = State(_reflex_internal_init=True)  # Ed, in a browser of his own
    other_tab.router_data = other_tab._update_router_vars(
        {**root.router_data, "token": "second-tab-token"}, {}
    )
    theirs, _ = await _item(other_tab, as_actor, world.ed, url)
    await _save(theirs, {"ChemicalLocation": "Gas cage"})

    as_actor(world.lena.actor())
    result = await _save(mine, {"ChemicalLocation": "Welding bay 2"})
    assert says(result, "changed by someone else")
    assert "changed by someone else" in mine.conflict
    assert mine.values["ChemicalLocation"] == "Welding bay 2"
    await ItemFormState.reload.fn(mine)
    assert mine.values["ChemicalLocation"] == "Gas cage" and mine.conflict == ""


async def test_a_viewer_sees_the_inventory_read_only(acme, root, as_actor):
    world, plant = acme
    db.run(service.start_draft, world.lena.actor(), plant)
    saved, _ = db.run(service.save_item, world.lena.actor(), plant, None, dict(NITROGEN), None)
    page = await _inventory(root, as_actor, world.val, plant)
    assert page.has_draft and not page.editable and not page.can_edit
    assert [row["common_name"] for row in page.rows] == ["Nitrogen"]
    assert says(await InventoryState.start_draft.fn(page), "does not allow you to")
    await InventoryState.search_library.fn(page, "nitrogen")
    assert page.hits == []
    InventoryState.ask_delete.fn(page, str(saved.id))
    assert says(await InventoryState.confirm_delete.fn(page), "does not allow you to")
    assert says(await InventoryState.copy.fn(page, str(saved.id)), "does not allow you to")

    form, _ = await _item(root, as_actor, world.val, item_url(plant, saved.id or 0))
    assert form.read_only and "view this inventory but not change it" in form.read_only_reason
    assert form.values["CommonName"] == "Nitrogen" and form.findings
    assert says(await _save(form, {"ChemicalLocation": "Elsewhere"}), "but not change it")
    _, result = await _item(root, as_actor, world.val, item_url(plant))
    assert redirects(result) == [routes.with_query(routes.FACILITY_INVENTORY, id=str(plant))]
    await InventoryState.load.fn(page)
    assert page.total == 1 and page.rows[0]["location"] == "Welding bay"


async def test_a_submitted_inventory_is_shown_read_only_with_start_draft(acme, root, as_actor):
    world, plant = acme
    _, result = await _item(root, as_actor, world.lena, item_url(plant))
    assert says(result, "no inventory draft yet")  # Add Material before any draft
    header = db.run(service.start_draft, world.lena.actor(), plant)
    saved, _ = db.run(service.save_item, world.lena.actor(), plant, None, dict(NITROGEN), None)

    def submit(session) -> None:
        with db.transaction(session):
            session.get(ElementVersion, header.version_id).status = SUBMITTED

    with audit_hook.exempt("marks the draft submitted by hand"):
        db.run(submit)
    page = await _inventory(root, as_actor, world.lena, plant)
    assert page.header["status"] == "Submitted" and page.can_edit
    assert not page.editable and not page.has_draft and page.total == 1
    form, _ = await _item(root, as_actor, world.lena, item_url(plant, saved.id or 0))
    assert form.read_only and "has been submitted" in form.read_only_reason
    assert says(await _save(form, {"ChemicalLocation": "Moved"}), "has been submitted")
    assert (
        db.run(service.get_item, world.lena.actor(), plant, saved.id).values["ChemicalLocation"]
        == "Welding bay"
    )


async def test_deleting_asks_first_and_copying_opens_the_copy(acme, root, as_actor):
    world, plant = acme
    db.run(service.start_draft, world.lena.actor(), plant)
    for name in ("Acetone", "Bleach", "Caustic Soda"):
        db.run(service.save_item, world.lena.actor(), plant, None, _clean(name), None)
    page = await _inventory(root, as_actor, world.ed, plant)
    ids = {row["common_name"]: row["id"] for row in page.rows}

    InventoryState.toggle_select.fn(page, ids["Acetone"], True)
    InventoryState.toggle_select.fn(page, ids["Bleach"], True)
    InventoryState.toggle_select.fn(page, "999999", True)  # not on the page: ignored
    assert sorted(page.selected) == sorted([ids["Acetone"], ids["Bleach"]])
    InventoryState.ask_delete_selected.fn(page)
    assert sorted(page.confirming) == sorted(page.selected)
    InventoryState.cancel_delete.fn(page)
    assert page.confirming == [] and page.total == 3
    InventoryState.ask_delete_selected.fn(page)
    assert says(await InventoryState.confirm_delete.fn(page), "2 materials deleted.")
    assert [row["common_name"] for row in page.rows] == ["Caustic Soda"]
    assert page.selected == [] and page.header["rows"] == "1"

    result = await InventoryState.copy.fn(page, ids["Caustic Soda"])
    [target] = redirects(result)
    assert target.startswith(routes.FACILITY_INVENTORY_ITEM) and target != item_url(plant, 0)
    await InventoryState.load.fn(page)
    assert [row["common_name"] for row in page.rows] == ["Caustic Soda", "Caustic Soda"]
    InventoryState.select_page.fn(page, True)
    assert len(page.selected) == 2


async def test_filters_take_only_the_offered_choices(acme, root, as_actor):
    world, plant = acme
    db.run(service.start_draft, world.lena.actor(), plant)
    for row in (dict(NITROGEN), _clean("Bleach", "Janitor closet"), _clean("Acetone")):
        db.run(service.save_item, world.lena.actor(), plant, None, row, None)
    page = await _inventory(root, as_actor, world.lena, plant)
    assert page.locations == ["Janitor closet", "Welding bay", "Yard"]

    hostile = {"hazard": "x' OR 1=1", "level": "fatal", "ehs": "maybe", "location": "Mars"}
    await InventoryState.apply_filters.fn(page, hostile)
    assert page.filters == {} and page.total == 3
    await InventoryState.apply_filters.fn(page, {"hazard": "FHCHealthSimpleAsphyxiant"})
    assert [row["common_name"] for row in page.rows] == ["Nitrogen"]
    await InventoryState.apply_filters.fn(page, {"location": "Janitor closet", "text": ""})
    assert [row["common_name"] for row in page.rows] == ["Bleach"]
    await InventoryState.apply_filters.fn(page, {"level": "warning"})
    assert [row["common_name"] for row in page.rows] == ["Nitrogen"]
    await InventoryState.apply_filters.fn(page, {"text": "acet"})
    assert [row["common_name"] for row in page.rows] == ["Acetone"]
    key = page.filter_key
    await InventoryState.clear_filters.fn(page)
    assert page.filters == {} and page.total == 3 and page.filter_key == key + 1


async def test_another_business_facility_is_not_found(acme, root, as_actor):
    world, plant = acme
    db.run(service.start_draft, world.lena.actor(), plant)
    saved, _ = db.run(service.save_item, world.lena.actor(), plant, None, dict(NITROGEN), None)
    as_actor(world.otto.actor())
    navigate(root, routes.with_query(routes.FACILITY_INVENTORY, id=str(plant)))
    page = await root.get_state(InventoryState)
    result = await InventoryState.load.fn(page)
    assert redirects(result) == [routes.BUSINESS_HOME] and page.rows == []
    _, result = await _item(root, as_actor, world.otto, item_url(plant, saved.id or 0))
    assert says(result, "not found") and not (await root.get_state(ItemFormState)).values


def test_the_pages_show_the_rules_levels() -> None:
    assert guidance.LEVELS == rules.LEVELS
    assert guidance.LEVEL_NAMES == rules.LEVEL_LABELS
