"""The Regulator Portal sign-in: agency staff get in, business users are told where to go."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from cers_app.agencies.models import REGULATOR_ROLE_LABELS, RegulatorRole
from cers_app.demo import BUSINESS, DEMO_AGENCY_CODE, DEMO_AGENCY_NAME, REGULATOR
from tests.e2e.flows import enter_password, enter_username, session_cookie, url_of, visit


def test_demo_regulator_signs_in_and_sees_the_agency(ui: Page) -> None:
    visit(ui, "/")
    ui.click("#landing-regulator-sign-in")
    expect(ui).to_have_url(re.compile(r"/signin/?\?portal=regulator$"))
    expect(ui.get_by_role("heading", level=1)).to_have_text("Regulator Portal Sign In")
    ui.fill("#signin-username", REGULATOR.username)
    ui.click("#signin-continue")
    expect(ui.locator("#signin-phrase")).to_contain_text(REGULATOR.first_name)
    enter_password(ui, REGULATOR.password)

    expect(ui).to_have_url(url_of("/regulator"))
    expect(ui.locator("#regulator-heading")).to_have_text("Regulator Portal")
    expect(ui.locator("#nav-portal")).to_have_text("Regulator Portal")
    agencies = ui.locator("#regulator-agencies")
    expect(agencies).to_contain_text(DEMO_AGENCY_NAME)
    expect(agencies).to_contain_text(f"Regulator code {DEMO_AGENCY_CODE}")
    expect(agencies).to_contain_text(REGULATOR_ROLE_LABELS[RegulatorRole.ADMIN])
    assert session_cookie(ui) is not None


def test_business_user_is_refused_on_the_regulator_portal(ui: Page) -> None:
    enter_username(ui, BUSINESS.username, portal="regulator")
    enter_password(ui, BUSINESS.password)
    error = ui.locator("#signin-password-error")
    expect(error).to_contain_text("This account has no role in a regulator agency.")
    expect(error).to_contain_text("Sign in through the Business Portal")
    expect(ui).to_have_url(re.compile(r"/signin/?\?portal=regulator$"))
    expect(ui.locator("#signin-other-portal")).to_have_text(
        "Business user? Use the Business Portal"
    )
    assert session_cookie(ui) is None
