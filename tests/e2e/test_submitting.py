"""Submitting in the browser: a Lead User starts new drafts as copies of the last submittal,
changes one inventory row, uploads a site map, answers "Stored at Facility" for the training
plan, looks at the change view and submits Facility Information, the inventory and the plans
with a double click; Back to the Submit page offers nothing more to submit, and the server
has exactly one new submittal. On a 390x844 phone the facility, Submit and change pages fit.

The first submittal comes from the services (tests/e2e/submittal_setup.py); everything after
it goes through the pages.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS
from tests.document_samples import pdf
from tests.e2e.flows import (
    SHOTS,
    assert_fits_screen,
    expect_toast,
    sign_in_demo,
    url_of,
    visit,
    wait_until_live,
)
from tests.e2e.server import AppServer
from tests.e2e.submittal_setup import new_facility, setup
from tests.unit.inventory import stock

ACME = "Acme Plating Co."
FACILITY, INVENTORY, ITEM = (
    "/facilities/view",
    "/facilities/inventory",
    "/facilities/inventory/item",
)
PLANS, SUBMIT = "/facilities/plans", "/facilities/submit"
SUBMITTED, CHANGES = "/facilities/submitted", "/facilities/changes"
DIESEL = stock.BASE  # a complete row without findings


def _submitted_facility(server: AppServer) -> dict:
    """A new facility of Acme with its first business plan submitted (by the services)."""
    made = new_facility(server, BUSINESS.username, ACME, "Acme Depot", "Second St")
    setup(
        server,
        (
            "submitted_hmbp",
            {"lead": BUSINESS.username, "facility_id": made["id"], "material": DIESEL},
        ),
    )
    return made


def _submittals(server: AppServer, facility_id: int) -> int:
    [counted] = setup(server, ("submittals", {"facility_id": facility_id}))
    return counted["count"]


def _facility_page(page: Page, facility_id: int) -> None:
    visit(page, f"{FACILITY}?id={facility_id}")
    expect(page.locator("#facility-elements")).to_be_visible()


def _start_copy(page: Page, facility_id: int, element: int, lands: str) -> None:
    """Start New Submittal of an element, copying the default (last) submittal."""
    _facility_page(page, facility_id)
    basis = page.locator(f"#element-basis-{element}")
    expect(basis).to_contain_text("(default)")
    page.click(f"#element-start-{element}")
    expect(page).to_have_url(url_of(lands))
    wait_until_live(page)


def _edit_diesel(page: Page) -> None:
    row = page.locator("#inventory-table tbody tr", has_text="Diesel Fuel")
    expect(row).to_have_count(1)
    item_id = (row.get_attribute("id") or "").removeprefix("inventory-row-")
    page.click(f"#inventory-edit-{item_id}")
    expect(page).to_have_url(url_of(ITEM))
    wait_until_live(page)
    page.fill("#item-AverageDailyAmount", "700")
    page.click("#item-save")
    expect_toast(page, "Diesel Fuel saved")
    page.click("#item-back")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)


def _upload_site_map(page: Page, folder: Path) -> None:
    path = folder / "site-map.pdf"
    path.write_bytes(pdf("Acme Depot site map"))
    page.select_option("#doc-source-5", "5")  # Upload Documents: the upload form appears
    page.set_input_files("#doc-file-file-5", str(path))
    page.fill("#doc-file-title-5", "Site map 2026")
    page.click("#doc-upload-submit-5")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)
    expect(page.locator("#doc-files-5")).to_contain_text("Site map 2026")


def _training_plan_at_facility(page: Page, cers_id: int) -> None:
    page.select_option("#doc-source-7", "6")
    page.fill("#doc-stored-at-7", str(cers_id))
    page.click("#doc-save-7")
    expect_toast(page, "Employee Training Plan: saved.")
    expect(page.locator("#doc-source-7")).to_have_value("6")


def test_a_copy_is_changed_and_submitted_once(app_server: AppServer, ui: Page, tmp_path: Path):
    facility = _submitted_facility(app_server)
    facility_id = facility["id"]
    page = ui
    sign_in_demo(page, BUSINESS)

    _start_copy(page, facility_id, 1, "/facilities/activities")
    _start_copy(page, facility_id, 2, INVENTORY)
    _edit_diesel(page)
    _upload_site_map(page, tmp_path)
    _start_copy(page, facility_id, 3, PLANS)
    _training_plan_at_facility(page, facility["cers_id"])

    # The change view of the inventory: one row changed, the site map now uploaded.
    visit(page, f"{CHANGES}?id={facility_id}&element=2")
    expect(page.locator("#changes-level")).to_have_text("Changes")
    rows = page.locator("#changes-rows")
    expect(rows).to_contain_text("Diesel Fuel")
    expect(rows).to_contain_text("Average daily amount: 600 -> 700")
    expect(page.locator("#changes-documents")).to_contain_text(
        "Stored at Facility -> Upload Documents"
    )

    # Submit all three (a double click), certified.
    _facility_page(page, facility_id)
    page.click("#facility-submit-link")
    expect(page).to_have_url(url_of(SUBMIT))
    wait_until_live(page)
    for element in (1, 2, 3):
        expect(page.locator(f"#submit-tick-{element}")).to_be_checked()
    expect(page.locator("#submit-certifier-name")).to_have_value(
        BUSINESS.first_name + " " + BUSINESS.last_name
    )
    page.fill("#submit-certifier-title", "Owner")
    page.check("#submit-certified")
    page.dblclick("#submit-send")
    expect(page).to_have_url(url_of(SUBMITTED))
    wait_until_live(page)
    lines = page.locator("#receipt-lines")
    for label in ("Facility Information", "Hazardous Materials Inventory", "Emergency Response"):
        expect(lines).to_contain_text(label)

    # Back: nothing is left to submit, and there is one new submittal.
    page.go_back()
    if SUBMITTED in page.url.split("?")[0]:
        # The double click's second answer also leads to the receipt; when it lands after the
        # first navigation the receipt is in the history twice (seen once under load).
        page.go_back()
    expect(page).to_have_url(url_of(SUBMIT))
    wait_until_live(page)
    expect(page.locator("#submit-nothing")).to_be_visible()
    expect(page.locator("#submit-send")).to_have_count(0)
    assert _submittals(app_server, facility_id) == 2  # the first (by the services) and ours


def test_the_submitting_pages_fit_a_phone(app_server: AppServer, open_page):
    facility = _submitted_facility(app_server)
    facility_id = facility["id"]
    page = open_page(phone=True)
    sign_in_demo(page, BUSINESS)

    _start_copy(page, facility_id, 1, "/facilities/activities")
    _facility_page(page, facility_id)
    _shot(page, "facility")
    assert_fits_screen(page)
    visit(page, f"{SUBMIT}?id={facility_id}")
    expect(page.locator("#submit-element-1")).to_be_visible()
    _shot(page, "submit")
    assert_fits_screen(page)
    visit(page, f"{CHANGES}?id={facility_id}&element=1")
    expect(page.locator("#changes-level")).to_have_text("No change")
    assert_fits_screen(page)


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"submitting-phone-{name}.png"), full_page=True)
