"""Help and Tools in the browser: anyone opens it from the footer and finds the glossary; the
demo business user sees the regulators of their facilities with their contacts; it fits a
phone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS
from tests.e2e.flows import assert_fits_screen, sign_in_demo, url_of, visit


def test_help_for_a_visitor_and_for_a_business(open_page) -> None:
    page: Page = open_page(phone=True)
    visit(page, "/")
    page.click("#footer-help")
    expect(page).to_have_url(url_of("/help"))
    expect(page.locator("#glossary-cers-id")).to_be_visible()
    expect(page.locator("#help-regulator-anonymous")).to_be_visible()
    assert_fits_screen(page)

    sign_in_demo(page, BUSINESS)
    visit(page, "/help")
    regulators = page.locator("#help-regulator-list")
    expect(regulators).to_contain_text("Woodland Plant")
    expect(regulators).to_contain_text("Demo County Environmental Health")
    expect(page.locator("#help-regulator-anonymous")).to_have_count(0)
