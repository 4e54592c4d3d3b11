"""Every page fits a 390x844 phone screen: no sideways scrolling, nothing cut off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS
from tests.e2e.flows import (
    ACTIVATION_SUBJECT,
    SHOTS,
    NewUser,
    activate,
    activation_link,
    assert_fits_screen,
    enter_username,
    sign_in,
    sign_up,
    visit,
)
from tests.e2e.smtp_sink import SmtpSink


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)


PUBLIC_PAGES = {
    "landing": ("/", "#landing-business-sign-in"),
    "signup": ("/signup", "#signup-submit"),
    "signin": ("/signin", "#signin-continue"),
    "forgot-password": ("/forgot-password", "#forgot-password-submit"),
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_fits_a_phone(open_page: Callable[..., Page], name: str) -> None:
    path, ready = PUBLIC_PAGES[name]
    page = open_page(phone=True)
    visit(page, path)
    expect(page.locator(ready)).to_be_visible()
    _shot(page, name)
    assert_fits_screen(page)


def test_sign_in_password_step_fits_a_phone(open_page: Callable[..., Page]) -> None:
    page = open_page(phone=True)
    enter_username(page, BUSINESS.username)
    expect(page.locator("#signin-phrase")).to_contain_text("sunflowers")
    _shot(page, "signin-password")
    assert_fits_screen(page)


def test_signed_in_pages_fit_a_phone(open_page: Callable[..., Page], smtp_sink: SmtpSink) -> None:
    page = open_page(phone=True)
    user = NewUser()
    sign_up(page, user)
    _shot(page, "signup-done")
    assert_fits_screen(page)
    activate(page, activation_link(smtp_sink, user), user)
    sign_in(page, user.username, user.password, user.phrase)

    expect(page.locator("#home-greeting")).to_contain_text(user.first_name)
    expect(page.get_by_text(ACTIVATION_SUBJECT)).to_be_visible()
    _shot(page, "home")
    assert_fits_screen(page)

    visit(page, "/account")
    expect(page.locator("#profile-username")).to_have_value(user.username)
    _shot(page, "account")
    assert_fits_screen(page)

    visit(page, "/account/password")
    expect(page.locator("#password-save")).to_be_visible()
    _shot(page, "account-password")
    assert_fits_screen(page)

    visit(page, "/account/emails")
    expect(page.locator("#email-table")).to_contain_text(ACTIVATION_SUBJECT)
    _shot(page, "account-emails")
    assert_fits_screen(page)
