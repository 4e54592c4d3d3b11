"""An element beyond the business plan, in the browser: a facility that answers Yes to
aboveground petroleum storage starts the APSA element, answers its document slot, fills the
APSA Facility Information form (a wrong capacity first, refused by field), and submits it with
Facility Information.

The facility and its Facility Information come from the services
(tests/e2e/submittal_setup.py); the APSA element goes through the pages.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS
from tests.e2e.flows import (
    assert_fits_screen,
    expect_toast,
    sign_in_demo,
    url_of,
    visit,
    wait_until_live,
)
from tests.e2e.server import AppServer
from tests.e2e.submittal_setup import new_facility, setup

ACME = "Acme Plating Co."
APSA, APSA_DOCUMENT = 9, 49
FACILITY, FORM = "/facilities/view", "/facilities/element-form"
SUBMIT, SUBMITTED = "/facilities/submit", "/facilities/submitted"
CAPACITY = "#element-form-TotalAbovegroundStorageCapacityOfPetroleum"


def _fuel_yard(server: AppServer) -> dict:
    """A new Davis facility of Acme whose Business Activities say Yes to APSA only."""
    made = new_facility(server, BUSINESS.username, ACME, "Acme Fuel Yard", "Fourth St")
    [filled] = setup(
        server,
        (
            "facility_information",
            {"lead": BUSINESS.username, "facility_id": made["id"], "yes": ["OwnOrOperateAPST"]},
        ),
    )
    assert filled["required"] == [1, APSA]
    return made


def test_a_facility_starts_fills_and_submits_its_apsa_element(app_server: AppServer, ui: Page):
    made = _fuel_yard(app_server)
    facility_id, page = made["id"], ui
    sign_in_demo(page, BUSINESS)

    # Start the APSA element: its documents page opens, with the APSA Documentation slot.
    visit(page, f"{FACILITY}?id={facility_id}")
    page.click(f"#element-start-{APSA}")
    expect(page.locator(f"#doc-slot-{APSA_DOCUMENT}")).to_be_visible()
    wait_until_live(page)
    page.select_option(f"#doc-source-{APSA_DOCUMENT}", "6")  # Stored at Facility
    page.fill(f"#doc-stored-at-{APSA_DOCUMENT}", str(made["cers_id"]))
    page.click(f"#doc-save-{APSA_DOCUMENT}")
    expect(page.locator(f"#doc-source-{APSA_DOCUMENT}")).to_have_value("6")

    # The form: a capacity of 0 is refused by field and kept; 25,000 gallons is saved.
    visit(page, f"{FACILITY}?id={facility_id}")
    page.click(f"#element-form-link-{APSA}")
    expect(page).to_have_url(url_of(FORM))
    wait_until_live(page)
    page.check("#element-form-ConditionallyExempt-N")
    page.fill(CAPACITY, "0")
    page.click("#element-form-save")
    expect(
        page.locator("#element-form-TotalAbovegroundStorageCapacityOfPetroleum-error")
    ).to_be_visible()
    expect(page.locator(CAPACITY)).to_have_value("0")
    page.fill(CAPACITY, "25000")
    page.click("#element-form-save")
    expect_toast(page, "saved")
    expect(
        page.locator("#element-form-TotalAbovegroundStorageCapacityOfPetroleum-error")
    ).to_have_count(0)
    assert_fits_screen(page)

    # Submit APSA with Facility Information.
    visit(page, f"{SUBMIT}?id={facility_id}")
    expect(page.locator(f"#submit-tick-{APSA}")).to_be_checked()
    expect(page.locator("#submit-tick-1")).to_be_checked()
    page.fill("#submit-certifier-title", "Owner")
    page.check("#submit-certified")
    page.click("#submit-send")
    expect(page).to_have_url(url_of(SUBMITTED))
    wait_until_live(page)
    lines = page.locator("#receipt-lines")
    expect(lines).to_contain_text("Facility Information")
    expect(lines).to_contain_text("Aboveground Petroleum")
