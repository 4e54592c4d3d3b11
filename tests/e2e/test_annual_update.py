"""The annual update in the browser: the demo Lead User sees a facility's overdue business
plan under Action Required on Home, opens the facility, certifies "No change in HMBP" and
lands on the receipt; back on Home that facility is no longer overdue (the demo's own
overdue yard still is). The Home card fits a 390x844 phone.

The accepted plan and its past due date come from the services (tests/e2e/submittal_setup.py).
"""

from __future__ import annotations

import secrets
import uuid

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS, OVERDUE_FACILITY
from tests.e2e.flows import SHOTS, assert_fits_screen, sign_in_demo, url_of, visit, wait_until_live
from tests.e2e.server import AppServer
from tests.e2e.submittal_setup import setup
from tests.unit.inventory import stock

ACME = "Acme Plating Co."
FACILITY, SUBMITTED = "/facilities/view", "/facilities/submitted"


def _overdue_facility(server: AppServer) -> int:
    """A new Acme facility whose first plan was submitted, accepted and is now overdue."""
    [acme] = setup(server, ("organization_id", {"name": ACME}))
    [made] = setup(
        server,
        (
            "facility",
            {
                "lead": BUSINESS.username,
                "organization_id": acme["id"],
                "name": f"Acme Annex {uuid.uuid4().hex[:6]}",
                "street": f"{10000 + secrets.randbelow(89999)} Third St",
                "city": "Davis",
                "zip_code": "95616",
            },
        ),
    )
    setup(
        server,
        (
            "submitted_hmbp",
            {"lead": BUSINESS.username, "facility_id": made["id"], "material": stock.BASE},
        ),
        ("accepted_overdue", {"facility_id": made["id"]}),
    )
    return made["id"]


def test_no_change_clears_the_overdue_item(app_server: AppServer, ui: Page):
    facility_id = _overdue_facility(app_server)
    page = ui
    sign_in_demo(page, BUSINESS)

    due = page.locator(f"#action-item-due-{facility_id}")
    expect(due).to_contain_text("overdue")
    due.get_by_role("link").click()
    expect(page).to_have_url(url_of(FACILITY))
    wait_until_live(page)

    card = page.locator("#no-change-card")
    expect(card).to_be_visible()
    expect(page.locator("#facility-hmbp-due")).to_contain_text("overdue")
    expect(page.locator("#no-change-name")).to_have_value(
        BUSINESS.first_name + " " + BUSINESS.last_name
    )
    page.fill("#no-change-title", "Owner")
    page.check("#no-change-certified")
    page.click("#no-change-submit")
    expect(page).to_have_url(url_of(SUBMITTED))
    wait_until_live(page)
    expect(page.locator("#receipt-lines")).to_contain_text("Facility Information")

    visit(page, "/home")
    actions = page.locator("#action-required")
    expect(actions).to_contain_text(OVERDUE_FACILITY.name)  # the demo yard: still overdue
    expect(
        page.locator(f"#action-item-due-{facility_id}").filter(has_text="overdue")
    ).to_have_count(0)


def test_the_action_required_card_fits_a_phone(open_page):
    page = open_page(phone=True)
    sign_in_demo(page, BUSINESS)

    expect(page.locator("#action-required")).to_contain_text(OVERDUE_FACILITY.name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "annual-phone-home.png"), full_page=True)
    assert_fits_screen(page)
