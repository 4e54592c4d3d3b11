"""Agency administration: the demo CUPA's Agency Admin gives one element of a ZIP code to its
participating agency, which the public Local regulators directory then shows, and saves local
requirements for an element; the page fits a phone."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from cers_app import demo
from cers_app.core import routes
from tests.e2e.flows import (
    assert_fits_screen,
    expect_toast,
    sign_in_demo,
    url_of,
    visit,
    wait_until_live,
)

ZIP = "95620"  # outside the demo's Yolo ZIP codes: no other test's facility is there
REQUIREMENTS = "Keep the emergency plans in the red box at the main gate."


def test_agency_admin_assigns_a_zip_to_the_pa_and_saves_local_requirements(
    open_page: Callable[..., Page],
) -> None:
    ui = open_page()
    sign_in_demo(ui, demo.REGULATOR)
    ui.click("#regulator-agency-link")
    expect(ui).to_have_url(url_of(routes.REGULATOR_AGENCY))
    wait_until_live(ui)
    expect(ui.locator("#agency-name")).to_have_text(demo.DEMO_AGENCY_NAME)
    expect(ui.locator("#agency-choose option")).to_have_count(2)  # the CUPA and its PA
    expect(ui.locator("#rules-new-only")).to_contain_text("facilities added from now on")

    # One element of a new ZIP code goes to the participating agency.
    ui.select_option("#rule-element", "3")
    ui.fill("#rule-zip", ZIP)
    ui.select_option("#rule-agency", label=demo.DEMO_PA.name)
    ui.click("#rule-add")
    expect_toast(ui, f"in ZIP {ZIP} now goes to {demo.DEMO_PA.name}")
    ui.select_option("#rule-filter-element", "3")
    ui.click("#rule-filter-go")
    added = ui.locator("#rules [id^='rule-']", has_text=ZIP)
    expect(added).to_have_count(1)
    expect(added).to_contain_text(demo.DEMO_PA.name)

    # The public directory (no sign-in) names the participating agency for that element.
    visitor = open_page()
    visit(visitor, routes.with_query(routes.REGULATOR_DIRECTORY, zip=ZIP))
    expect(visitor.locator(f"#directory-place-{ZIP}-element-3")).to_contain_text(demo.DEMO_PA.name)
    expect(visitor.locator(f"#directory-agency-{demo.DEMO_PA_CODE}")).to_be_visible()

    # The same place again is a clear error naming who holds it; the form keeps its values.
    ui.select_option("#rule-element", "3")
    ui.fill("#rule-zip", ZIP)
    ui.click("#rule-add")
    expect(ui.locator("#rule-zip-error")).to_contain_text(demo.DEMO_PA.name)

    # Local requirements for Emergency Response and Training Plans.
    ui.click("#element-3-edit")
    ui.fill("#element-3-text", REQUIREMENTS)
    ui.click("#element-3-save")
    expect_toast(ui, "local requirements are saved")
    expect(ui.locator("#element-3-shown")).to_have_text(REQUIREMENTS)
    ui.reload()
    wait_until_live(ui)
    expect(ui.locator("#element-3-shown")).to_have_text(REQUIREMENTS)

    # On a phone the page fits the screen.
    phone = open_page(phone=True)
    sign_in_demo(phone, demo.REGULATOR)
    visit(phone, routes.REGULATOR_AGENCY)
    expect(phone.locator("#agency-name")).to_have_text(demo.DEMO_AGENCY_NAME)
    expect(phone.locator("#element-3-shown")).to_have_text(REQUIREMENTS)
    assert_fits_screen(phone)
