"""The Hazardous Materials Inventory in the browser.

The CERS business guide's own example (section III.d of docs/seeds/000_8f460c9b354b6602.txt):
"Motor Oil" is flagged because no storage container is ticked; choosing "Steel Drum" and
saving clears its icon while "Nitrogen" (a gas entered in gallons, its containers set) stays
flagged; "Only show materials with errors/warnings" lists just the flagged rows. The journey
runs on a desktop and on a 390x844 phone. A Viewer sees an inventory but cannot change it.

The facilities come from the services (tests/e2e/inventory_setup.py); the inventories of the
guide's journey are made through the pages, which is what is tested.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS, EDITOR, VIEWER
from tests.e2e.flows import (
    SHOTS,
    assert_fits_screen,
    expect_toast,
    sign_in_demo,
    url_of,
    visit,
    wait_until_live,
)
from tests.e2e.inventory_setup import setup
from tests.e2e.server import AppServer

ACME = "Acme Plating Co."
INVENTORY, ITEM = "/facilities/inventory", "/facilities/inventory/item"
NITROGEN = {
    "CommonName": "Nitrogen",
    "CASNumber": "7727-37-9",
    "MaximumDailyAmount": "300",
    "AverageDailyAmount": "200",
    "LargestContainer": "60",
    "DaysOnSite": "365",
    "ChemicalLocation": "Welding bay",
}


def _facility(server: AppServer) -> dict:
    """A new facility of Acme (its Lead User is the demo BUSINESS user), without inventory."""
    [acme] = setup(server, ("organization_id", {"name": ACME}))
    [made] = setup(
        server,
        (
            "facility",
            {
                "lead": BUSINESS.username,
                "organization_id": acme["id"],
                "name": f"Acme Motor Pool {uuid.uuid4().hex[:6]}",
                "street": f"{10000 + secrets.randbelow(89999)} Fifth St",
                "city": "Davis",
                "zip_code": "95616",
            },
        ),
    )
    return made


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"inventory-{name}.png"), full_page=True)


def _fits(page: Page, phone: bool, name: str) -> None:
    if phone:
        _shot(page, f"phone-{name}")
        assert_fits_screen(page)


def _row(page: Page, name: str):
    return page.locator("#inventory-table tbody tr", has_text=name)


def _item_id(page: Page, name: str) -> str:
    row = _row(page, name)
    expect(row).to_have_count(1)
    return (row.get_attribute("id") or "").removeprefix("inventory-row-")


def _open_inventory_from_the_facility_page(page: Page, facility_id: int) -> None:
    visit(page, f"/facilities/view?id={facility_id}")
    page.click("#facility-inventory-link")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)
    expect(page.locator("h1")).to_have_text("Hazardous Materials Inventory")


def _add_motor_oil_from_the_library(page: Page) -> None:
    page.click("#inventory-add-material")
    page.fill("#inventory-library-search", "motor oil")
    hit = page.locator("[id^='inventory-library-hit-']", has_text="Motor Oil").first
    expect(hit).to_be_visible()
    hit.click()
    expect(page).to_have_url(url_of(ITEM))
    wait_until_live(page)
    expect(page.locator("h1")).to_have_text("Add Material")
    # The library filled in what it knows.
    expect(page.locator("#item-CommonName")).to_have_value("Motor Oil")
    expect(page.locator("#item-EHS-N")).to_be_checked()
    expect(page.locator("#item-PhysicalState")).to_have_value("b")
    expect(page.locator("#item-Units")).to_have_value("a")
    # The person completes quantities, location and storage, but forgets the container.
    page.fill("#item-MaximumDailyAmount", "110")
    page.fill("#item-AverageDailyAmount", "80")
    page.fill("#item-LargestContainer", "55")
    page.fill("#item-DaysOnSite", "365")
    page.fill("#item-ChemicalLocation", "Maintenance shop")
    page.select_option("#item-StoragePressure", label="Ambient")
    page.select_option("#item-StorageTemperature", label="Ambient")
    page.click("#item-save-close")
    expect_toast(page, "Motor Oil saved with 1 finding left to look at.")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)


def _add_nitrogen_by_hand(page: Page) -> None:
    page.click("#inventory-add-material")
    page.click("#inventory-add-manual")  # not looked up in the library at all
    expect(page).to_have_url(url_of(ITEM))
    wait_until_live(page)
    expect(page.locator("#item-CommonName")).to_have_value("")
    for tag, value in NITROGEN.items():
        page.fill(f"#item-{tag}", value)
    page.check("#item-EHS-N")
    page.select_option("#item-PhysicalState", label="Gas")
    page.select_option("#item-HMType", label="Pure")
    page.select_option("#item-Units", label="Gallons")  # a gas in gallons: a warning
    page.select_option("#item-StoragePressure", label="Greater than ambient")
    page.select_option("#item-StorageTemperature", label="Ambient")
    page.check("#item-SCCylinder")
    page.check("#item-FHCPhysicalGasUnderPressure")
    page.check("#item-FHCHealthSimpleAsphyxiant")
    page.click("#item-save-close")
    expect_toast(page, "Nitrogen saved with 1 finding left to look at.")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)


def _the_guides_example(page: Page, server: AppServer, *, phone: bool) -> None:
    facility = _facility(server)
    sign_in_demo(page, BUSINESS)
    _open_inventory_from_the_facility_page(page, facility["id"])
    expect(page.locator("#inventory-facility")).to_contain_text(str(facility["cers_id"]))
    expect(page.locator("#inventory-status")).to_have_text("Not started")
    page.click("#inventory-start-draft")
    expect_toast(page, "The inventory draft is ready to edit.")
    expect(page.locator("#inventory-status")).to_have_text("Draft")
    expect(page.locator("#inventory-empty")).to_be_visible()
    _fits(page, phone, "empty")

    _add_motor_oil_from_the_library(page)
    _add_nitrogen_by_hand(page)

    # Validate My Inventory: both rows carry guidance icons.
    page.click("#inventory-validate")
    expect_toast(page, "2 of 2 materials need attention", kind="warning")
    motor_oil, nitrogen = _item_id(page, "Motor Oil"), _item_id(page, "Nitrogen")
    expect(page.locator(f"#inventory-guidance-{motor_oil}")).to_have_attribute(
        "data-level", "required"
    )
    expect(page.locator(f"#inventory-guidance-{nitrogen}")).to_have_attribute(
        "data-level", "warning"
    )
    expect(page.locator("#inventory-count-required")).to_contain_text("1")
    expect(page.locator("#inventory-count-warning")).to_contain_text("1")
    expect(page.locator(f"#inventory-message-{motor_oil}")).to_contain_text("storage container")
    expect(page.locator(f"#inventory-reportable-{motor_oil}")).not_to_be_empty()
    _fits(page, phone, "flagged")

    # Edit Motor Oil: the summary at the top, the storage box in red.
    page.click(f"#inventory-edit-{motor_oil}")
    expect(page).to_have_url(url_of(ITEM))
    wait_until_live(page)
    expect(page.locator("h1")).to_have_text("Motor Oil")
    expect(page.locator("#item-findings")).to_contain_text("storage container")
    storage = page.locator("#item-section-storage")
    expect(storage).to_have_attribute("data-invalid", "true")
    expect(storage).to_have_class(re.compile(r"\bcers-invalid\b"))
    expect(page.locator("#item-section-storage-error")).to_contain_text("Steel drum")
    expect(page.locator("#item-section-identification")).to_have_attribute("data-invalid", "false")
    _fits(page, phone, "motor-oil-flagged")

    # Choose Steel Drum and Save: the form stays open and the finding is gone.
    page.check("#item-SCSteelDrum")
    page.click("#item-save")
    expect_toast(page, "Motor Oil saved. No problems found.")
    expect(page.locator("#item-no-findings")).to_be_visible()
    expect(storage).to_have_attribute("data-invalid", "false")
    expect(page.locator("#item-SCSteelDrum")).to_be_checked()
    expect(page).to_have_url(re.compile(rf"{ITEM}/?\?id={facility['id']}&item={motor_oil}$"))

    # Back in the list only Nitrogen is flagged, and the filter shows just it.
    page.click("#item-back")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)
    expect(_row(page, "Motor Oil")).to_have_count(1)
    expect(page.locator(f"#inventory-guidance-{motor_oil}")).to_have_count(0)
    expect(page.locator(f"#inventory-guidance-{nitrogen}")).to_have_attribute(
        "data-level", "warning"
    )
    expect(page.locator("#inventory-count-required")).to_contain_text("0")
    page.check("#inventory-only-findings")
    expect(page.locator("#inventory-table tbody tr")).to_have_count(1)
    expect(_row(page, "Nitrogen")).to_have_count(1)
    expect(_row(page, "Motor Oil")).to_have_count(0)
    _fits(page, phone, "only-findings")
    page.uncheck("#inventory-only-findings")
    expect(page.locator("#inventory-table tbody tr")).to_have_count(2)


def test_the_guides_inventory_example_on_a_desktop(ui: Page, app_server: AppServer) -> None:
    _the_guides_example(ui, app_server, phone=False)


def test_the_guides_inventory_example_on_a_phone(
    open_page: Callable[..., Page], app_server: AppServer
) -> None:
    _the_guides_example(open_page(phone=True), app_server, phone=True)


def test_a_viewer_sees_the_inventory_read_only(ui: Page, app_server: AppServer) -> None:
    facility = _facility(app_server)
    _, added = setup(
        app_server,
        ("start_inventory", {"lead": BUSINESS.username, "facility_id": facility["id"]}),
        (
            "material",
            {
                "lead": BUSINESS.username,
                "facility_id": facility["id"],
                "values": {
                    **NITROGEN,
                    "EHS": "N",
                    "PhysicalState": "c",
                    "Units": "b",
                    "SCCylinder": "Y",
                    "FHCPhysicalGasUnderPressure": "Y",
                },
            },
        ),
    )
    page = ui
    sign_in_demo(page, VIEWER)
    _open_inventory_from_the_facility_page(page, facility["id"])
    expect(page.locator("#inventory-read-only")).to_be_visible()
    expect(_row(page, "Nitrogen")).to_have_count(1)
    for absent in (
        "#inventory-start-draft",
        "#inventory-add-material",
        "#inventory-delete-selected",
        f"#inventory-edit-{added['id']}",
        f"#inventory-copy-{added['id']}",
        f"#inventory-delete-{added['id']}",
        f"#inventory-select-{added['id']}",
    ):
        expect(page.locator(absent)).to_have_count(0)

    page.click(f"#inventory-view-{added['id']}")
    expect(page).to_have_url(url_of(ITEM))
    wait_until_live(page)
    expect(page.locator("#item-read-only")).to_contain_text("view this inventory but not change")
    expect(page.locator("#item-CommonName")).to_have_value("Nitrogen")
    expect(page.locator("#item-CommonName")).to_be_disabled()
    expect(page.locator("#item-SCCylinder")).to_be_disabled()
    expect(page.locator("#item-save")).to_have_count(0)

    visit(page, f"{ITEM}?id={facility['id']}&item=new")
    expect_toast(page, "view this inventory but not change it", kind="error")
    expect(page).to_have_url(url_of(INVENTORY))


def _clean(name: str, location: str) -> dict[str, str]:
    """A material without findings."""
    return {
        **NITROGEN,
        "CommonName": name,
        "CASNumber": "",
        "EHS": "N",
        "PhysicalState": "b",
        "HMType": "b",
        "Units": "a",
        "ChemicalLocation": location,
        "StoragePressure": "a",
        "StorageTemperature": "a",
        "SCSteelDrum": "Y",
        "FHCPhysicalFlammable": "Y",
    }


def test_an_editor_copies_sorts_and_deletes_selected_materials(
    ui: Page, app_server: AppServer
) -> None:
    facility = _facility(app_server)
    lead = BUSINESS.username
    made = setup(
        app_server,
        ("start_inventory", {"lead": lead, "facility_id": facility["id"]}),
        *[
            ("material", {"lead": lead, "facility_id": facility["id"], "values": _clean(n, p)})
            for n, p in (("Acetone", "Paint booth"), ("Bleach", "Janitor"), ("Xylene", "Lab"))
        ],
    )
    acetone, bleach, xylene = (str(result["id"]) for result in made[1:])
    page = ui
    sign_in_demo(page, EDITOR)
    visit(page, f"{INVENTORY}?id={facility['id']}")
    names = page.locator("#inventory-table tbody tr strong")
    expect(names).to_have_text(["Acetone", "Bleach", "Xylene"])
    page.click("#inventory-sort-CommonName")  # already sorted by name: now Z to A
    expect(names).to_have_text(["Xylene", "Bleach", "Acetone"])
    expect(page.locator("th[aria-sort='descending']")).to_contain_text("Common name")

    # Copy Acetone for a second location: the copy opens, its location is changed.
    page.click(f"#inventory-copy-{acetone}")
    expect_toast(page, "Copied. Change what differs")
    expect(page).to_have_url(url_of(ITEM))
    wait_until_live(page)
    expect(page.locator("#item-CommonName")).to_have_value("Acetone")
    page.fill("#item-ChemicalLocation", "Warehouse")
    page.click("#item-save-close")
    expect_toast(page, "Acetone saved. No problems found.")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)
    expect(_row(page, "Acetone")).to_have_count(2)
    expect(_row(page, "Warehouse")).to_have_count(1)

    # Tick two materials and delete them, after a change of mind and a confirmation.
    page.click(f"#inventory-select-{bleach}")
    page.click(f"#inventory-select-{xylene}")
    expect(page.locator("#inventory-delete-selected")).to_have_text("Delete selected (2)")
    page.click("#inventory-delete-selected")
    dialog = page.locator("#inventory-delete-dialog")
    expect(dialog).to_contain_text("Delete the 2 selected materials")
    page.click("#inventory-delete-cancel")
    expect(dialog).to_have_count(0)
    expect(page.locator("#inventory-table tbody tr")).to_have_count(4)
    page.click("#inventory-delete-selected")
    page.click("#inventory-delete-confirm")
    expect_toast(page, "2 materials deleted.")
    expect(names).to_have_text(["Acetone", "Acetone"])
    expect(page.locator("#inventory-summary")).to_contain_text("2 materials")
