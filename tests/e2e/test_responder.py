"""The Emergency Responder: the demo responder signs in through the Regulator Portal, lands on
the responder page, finds the demo warehouse, sees its submitted inventory with the location
the business marked confidential (badged "Confidential"), downloads its site map, and finds
nothing that could change anything. The same pages fit a 390x844 phone."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

from cers_app.demo import RESPONDER, SUBMITTED_FACILITY
from cers_app.submittals.demo_hmbp import WAREHOUSE
from tests.e2e.flows import assert_fits_screen, sign_in_demo, url_of, visit, wait_until_live

# What the responder's main column may offer: the two search boxes, their buttons, paging.
ALLOWED_CONTROLS = re.compile(
    r"^responder-(search|inventory)-(text|go|prev|next)$|^responder-search-pager-(prev|next)$"
)
CONTROLS = (
    "main button, main input, main select, main textarea, main [role=checkbox], "
    "main [role=switch], main [role=combobox], main [contenteditable=true]"
)


def _controls(page: Page) -> list[str]:
    return page.eval_on_selector_all(
        CONTROLS, "els => els.map(e => e.id || e.outerHTML.slice(0, 120))"
    )


def _open_warehouse(page: Page) -> None:
    page.fill("#responder-search-text", "Davis Warehouse")
    page.click("#responder-search-go")
    rows = page.locator("#responder-search-rows .cers-item")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(SUBMITTED_FACILITY.name)
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/responder/facility/?\?id=\d+$"))
    wait_until_live(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(SUBMITTED_FACILITY.name)


def test_the_demo_responder_sees_a_facility_read_only(ui: Page) -> None:
    sign_in_demo(ui, RESPONDER, lands="/responder")
    expect(ui.get_by_role("heading", level=1)).to_have_text("Emergency Responder")
    expect(ui.locator("#responder-search-total")).to_contain_text("facilities found")
    assert all(ALLOWED_CONTROLS.match(c) for c in _controls(ui)), _controls(ui)

    _open_warehouse(ui)

    expect(ui.locator("#responder-contacts")).to_contain_text("Primary emergency contact")
    table = ui.locator("#responder-inventory-table")
    secret = table.get_by_role("row").filter(has_text="Nickel Sulfate")
    expect(secret).to_contain_text(WAREHOUSE)
    expect(secret.get_by_text("Confidential", exact=True)).to_be_visible()
    expect(table.get_by_role("row").filter(has_text="Hydraulic Oil")).not_to_contain_text(
        "Confidential"
    )
    expect(secret).to_contain_text("Carcinogenicity")
    expect(secret).to_contain_text("800 lb")

    site_map = ui.locator("[id^=responder-site-map-]")
    expect(site_map).to_have_count(1)
    with ui.expect_download() as download:
        site_map.click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.failure() is None

    controls = _controls(ui)
    assert controls and all(ALLOWED_CONTROLS.match(c) for c in controls), controls

    # The Regulator Portal's home sends the responder back to the responder page.
    visit(ui, "/regulator")
    expect(ui).to_have_url(url_of("/responder"))


def test_the_responder_pages_fit_a_phone(open_page: Callable[..., Page]) -> None:
    phone = open_page(phone=True)
    sign_in_demo(phone, RESPONDER, lands="/responder")
    expect(phone.locator("#responder-search-total")).to_contain_text("facilities found")
    assert_fits_screen(phone)
    _open_warehouse(phone)
    expect(phone.locator("#responder-inventory-table")).to_contain_text("Nickel Sulfate")
    expect(phone.locator("[id^=responder-confidential-]").first).to_be_visible()
    assert_fits_screen(phone)
