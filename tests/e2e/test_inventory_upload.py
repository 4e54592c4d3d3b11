"""Uploading an inventory spreadsheet in the browser.

A Lead User uploads a workbook with one bad cell: the progress bar shows while the file is
read, then the preview lists the problem by row and column and nothing is imported. The
marked workbook comes back with that cell highlighted and commented; the person fixes the
cell in it, uploads it again, checks the preview and imports: the inventory lists the rows.
On a 390x844 phone an Editor sees the same pages fit the screen and can cancel an upload.

The workbooks are built here with the template writer (the layout users download).
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path

import openpyxl
from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS, EDITOR
from cers_app.inventory import sheet_write
from tests.e2e.flows import (
    SHOTS,
    assert_fits_screen,
    expect_toast,
    sign_in_demo,
    url_of,
    visit,
    wait_until_live,
    was_shown,
    watch_for,
)
from tests.e2e.inventory_setup import setup
from tests.e2e.server import AppServer

ACME = "Acme Plating Co."
INVENTORY, UPLOAD = "/facilities/inventory", "/facilities/inventory/upload"
# Enough rows that reading the file takes a moment, so the progress bar is surely on screen.
MANY_ROWS = 12_000
BAD_INDEX = 41  # the material whose Units cell holds "pints"


def _facility(server: AppServer) -> dict:
    """A new facility of Acme (Lead User: the demo BUSINESS user) with an empty draft."""
    [acme] = setup(server, ("organization_id", {"name": ACME}))
    [made] = setup(
        server,
        (
            "facility",
            {
                "lead": BUSINESS.username,
                "organization_id": acme["id"],
                "name": f"Acme Upload Yard {uuid.uuid4().hex[:6]}",
                "street": f"{10000 + secrets.randbelow(89999)} Second St",
                "city": "Davis",
                "zip_code": "95616",
            },
        ),
    )
    setup(server, ("start_inventory", {"lead": BUSINESS.username, "facility_id": made["id"]}))
    return made


def _material(number: int) -> dict[str, str]:
    """A material without findings (stored codes, as the template's export writes them)."""
    return {
        "CommonName": f"Upload Solvent {number:04d}",
        "ChemicalLocation": f"Rack {number % 40}",
        "EHS": "N",
        "PhysicalState": "b",
        "HMType": "b",
        "Units": "a",
        "MaximumDailyAmount": str(10 + number % 90),
        "AverageDailyAmount": "5",
        "LargestContainer": "55",
        "DaysOnSite": "365",
        "StoragePressure": "a",
        "StorageTemperature": "a",
        "SCSteelDrum": "Y",
        "FHCPhysicalFlammable": "Y",
    }


def _workbook(path: Path, cers_id: str, count: int, *, bad: int | None) -> tuple[int, str]:
    """An inventory workbook of `count` materials; material `bad` has Units "pints".

    Returns the sheet row and column letter of that cell (0, "" without a bad one).
    """
    materials = [_material(n) for n in range(count)]
    if bad is not None:
        materials[bad]["Units"] = "pints"
    sheet_write.inventory_workbook(path, cers_id, materials)
    if bad is None:
        return 0, ""
    book = openpyxl.load_workbook(path, read_only=True)
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            if cell.value == "pints":
                return cell.row, cell.column_letter
    raise AssertionError("the bad cell was not written")


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"upload-{name}.png"), full_page=True)


def _fits(page: Page, phone: bool, name: str) -> None:
    if phone:
        _shot(page, f"phone-{name}")
        assert_fits_screen(page)


def _upload(page: Page, path: Path, mode: str, *, valid_only: bool = False) -> None:
    """Choose the file and mode and send the form; the browser posts it and comes back."""
    expect(page.locator("#upload-form")).to_be_visible()
    page.set_input_files("#upload-file", str(path))
    page.check(f"#upload-mode-{mode}")
    if valid_only:
        page.check("#upload-valid-only")
    page.click("#upload-submit")
    expect(page).to_have_url(re.compile(r"/facilities/inventory/upload/?\?.*import=\d+"))
    wait_until_live(page)


def _open_upload_from_the_inventory(page: Page, facility_id: int) -> None:
    visit(page, f"{INVENTORY}?id={facility_id}")
    expect(page.locator("#inventory-template")).to_be_visible()
    expect(page.locator("#inventory-export")).to_be_visible()
    page.click("#inventory-upload")
    expect(page).to_have_url(url_of(UPLOAD))
    wait_until_live(page)
    expect(page.locator("h1")).to_have_text("Upload Inventory")


def test_a_lead_fixes_a_refused_upload_with_the_marked_workbook(
    ui: Page, app_server: AppServer, tmp_path: Path
) -> None:
    facility = _facility(app_server)
    cers_id = str(facility["cers_id"])
    first = tmp_path / "inventory.xlsx"
    bad_row, bad_column = _workbook(first, cers_id, MANY_ROWS, bad=BAD_INDEX)
    page = ui
    sign_in_demo(page, BUSINESS)
    _open_upload_from_the_inventory(page, facility["id"])

    watch_for(page, "#upload-progress")
    _upload(page, first, "append")
    expect(page.locator("#upload-refused")).to_be_visible(timeout=60_000)
    assert was_shown(page, "#upload-progress"), "the progress bar never showed"
    expect(page.locator("#upload-count-rows")).to_have_text(str(MANY_ROWS))
    expect(page.locator("#upload-count-problems")).to_have_text("1")
    problem = page.locator("#upload-problems tbody tr")
    expect(problem).to_have_count(1)
    expect(problem.locator("td").nth(0)).to_have_text(str(bad_row))
    expect(problem.locator("td").nth(1)).to_have_text(bad_column)
    expect(problem.locator("td").nth(2)).to_have_text("Units")
    expect(problem.locator("td").nth(3)).to_contain_text("pints")
    expect(page.locator("#upload-confirm")).to_have_count(0)

    # The marked workbook: the bad cell highlighted, its comment saying what to fix.
    with page.expect_download() as download:
        page.click("#upload-marked")
    marked = tmp_path / "marked.xlsx"
    download.value.save_as(marked)
    book = openpyxl.load_workbook(marked)
    sheet = book.worksheets[0]
    cell = sheet[f"{bad_column}{bad_row}"]
    assert cell.value == "pints"
    assert cell.comment is not None and "pints" in cell.comment.text
    assert cell.fill.fgColor.rgb not in (None, "00000000")

    # Fix the cell in the marked workbook and upload that file again.
    cell.value = "Gallons"
    cell.comment = None
    book.save(marked)
    _upload(page, marked, "append")
    expect(page.locator("#upload-ready")).to_be_visible(timeout=60_000)
    expect(page.locator("#upload-count-add")).to_have_text(str(MANY_ROWS))
    expect(page.locator("#upload-count-problems")).to_have_text("0")
    expect(page.locator("#upload-preview tbody tr").first).to_contain_text("Upload Solvent")
    expect(page.locator("#upload-preview-next")).to_be_enabled()
    page.click("#upload-preview-next")
    expect(page.locator("#upload-preview tbody tr").first).to_contain_text("Upload Solvent 0025")

    page.click("#upload-confirm")
    expect_toast(page, "The inventory was imported.")
    expect(page.locator("#upload-imported")).to_be_visible()
    expect(page.locator("#upload-guidance")).to_contain_text(f"{MANY_ROWS} materials")
    page.click("#upload-to-inventory")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)
    expect(page.locator("#inventory-summary")).to_contain_text(f"{MANY_ROWS} materials")
    expect(page.locator("#inventory-table tbody tr", has_text="Upload Solvent 0000")).to_have_count(
        1
    )
    # The inventory comes back as a workbook in the template's layout.
    with page.expect_download() as download:
        page.click("#inventory-export")
    assert download.value.suggested_filename == f"CERSID_{cers_id}_HazMatInventory.xlsx"


def test_an_editor_on_a_phone_previews_and_cancels_an_upload(
    open_page: Callable[..., Page], app_server: AppServer, tmp_path: Path
) -> None:
    facility = _facility(app_server)
    path = tmp_path / "few.xlsx"
    _workbook(path, str(facility["cers_id"]), 30, bad=3)
    page = open_page(phone=True)
    sign_in_demo(page, EDITOR)
    _open_upload_from_the_inventory(page, facility["id"])
    _fits(page, True, "form")
    with page.expect_download() as download:
        page.click("#upload-template")
    assert download.value.suggested_filename.endswith(".xlsx")

    _upload(page, path, "merge", valid_only=True)
    expect(page.locator("#upload-ready")).to_be_visible(timeout=60_000)
    expect(page.locator("#upload-valid-only-note")).to_be_visible()
    expect(page.locator("#upload-count-add")).to_have_text("29")
    expect(page.locator("#upload-count-problems")).to_have_text("1")
    expect(page.locator("#upload-problems tbody tr")).to_have_count(1)
    expect(page.locator("#upload-preview tbody tr")).to_have_count(25)
    _fits(page, True, "preview")

    page.click("#upload-cancel")
    expect_toast(page, "Upload cancelled", kind="info")
    expect(page.locator("#upload-cancelled")).to_be_visible()
    expect(page.locator("#upload-form")).to_be_visible()
    visit(page, f"{INVENTORY}?id={facility['id']}")
    expect(page.locator("#inventory-empty")).to_be_visible()
