"""An account's whole life in the browser, and the refusals around it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cers_app.accounts.sessions import WRONG_PASSWORD
from tests.e2e.flows import (
    ACTIVATION_SUBJECT,
    SIGN_IN_COOKIE,
    NewUser,
    activate,
    activation_link,
    create_account,
    enter_password,
    enter_username,
    question_text,
    session_cookie,
    sign_in,
    sign_up,
    url_of,
    visit,
    wait_until_live,
)
from tests.e2e.server import AppServer
from tests.e2e.smtp_sink import SmtpSink


def test_account_journey(ui: Page, smtp_sink: SmtpSink, app_server: AppServer) -> None:
    """Sign up, activate, sign in, edit the profile and password, sign out, reset, sign in."""
    page = ui
    user = NewUser()
    log_start = app_server.log_mark()

    sign_up(page, user)
    activate(page, activation_link(smtp_sink, user), user)

    sign_in(page, user.username, user.password, user.phrase)
    expect(page.locator("#home-greeting")).to_contain_text(user.first_name)
    expect(page.locator("#nav-portal")).to_have_text("Business Portal")
    cookie = session_cookie(page)
    assert cookie is not None, "signing in set no session cookie"
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert SIGN_IN_COOKIE not in page.evaluate("document.cookie")
    assert "token=" not in page.url

    # Edit My Profile: a new first name is saved, shown after a reload and announced by email.
    page.click("#home-profile")
    expect(page).to_have_url(url_of("/account"))
    expect(page.locator("#profile-first-name")).to_have_value(user.first_name)
    before = smtp_sink.mark()
    page.fill("#profile-first-name", "Graciela")
    page.click("#profile-save")
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    page.reload()
    wait_until_live(page)
    expect(page.locator("#profile-first-name")).to_have_value("Graciela")
    expect(page.locator("#nav-account")).to_have_text("Graciela Quintero's Account")
    notice = smtp_sink.wait_for(user.email, "account details were changed", since=before)
    assert "first name" in notice.text
    user.first_name = "Graciela"

    # Edit My Password: refused without the right current password, then changed.
    page.click("#account-tab-password")
    expect(page).to_have_url(url_of("/account/password"))
    new_password = "Maple-Glacier-Trumpet-93"
    page.fill("#password-current", "Not-My-Password-55")
    page.fill("#account-password", new_password)
    page.fill("#account-password-confirm", new_password)
    page.click("#password-save")
    expect(page.locator("#password-current-error")).to_have_text(
        "Your current password is not correct."
    )
    expect(page.locator("#account-password-confirm")).to_have_value("")  # the last field it clears
    expect(page.locator("#password-done")).to_have_count(0)
    before = smtp_sink.mark()
    page.fill("#password-current", user.password)
    page.fill("#account-password", new_password)
    page.fill("#account-password-confirm", new_password)
    page.click("#password-save")
    expect(page.locator("#password-done")).to_be_visible()
    expect(page.locator("#password-current-error")).to_have_count(0)
    smtp_sink.wait_for(user.email, "password was changed", since=before)
    user.password = new_password

    # Sign out: a native POST that ends the session and clears the cookie.
    page.click("#nav-sign-out")
    expect(page).to_have_url(re.compile(r"/\?signed_out=1$"))
    expect(page.locator("#nav-sign-in")).to_be_visible()
    assert session_cookie(page) is None

    # Forgot password: an emailed link, the security answer and a new password.
    page.click("#nav-sign-in")
    expect(page).to_have_url(url_of("/signin"))
    page.click("#signin-forgot-password")
    expect(page).to_have_url(url_of("/forgot-password"))
    before = smtp_sink.mark()
    page.fill("#forgot-password-username", user.username)
    page.click("#forgot-password-submit")
    expect(page.locator("#forgot-password-sent")).to_be_visible()
    reset_mail = smtp_sink.wait_for(user.email, "Reset your OpenCERS password", since=before)
    page.goto(reset_mail.link("/reset-password"))
    expect(page.locator("#reset-question")).to_contain_text(question_text(user))
    wait_until_live(page)
    reset_password = "Copper-Nebula-Falcon-26"
    page.fill("#reset-answer", "Not the answer")
    page.fill("#reset-password", reset_password)
    page.fill("#reset-password-confirm", reset_password)
    page.click("#reset-submit")
    expect(page.locator("#reset-answer-error")).to_contain_text("does not match")
    expect(page.locator("#reset-password")).to_have_value("")
    page.fill("#reset-answer", user.security_answer.upper())  # answers ignore case
    page.fill("#reset-password", reset_password)
    page.fill("#reset-password-confirm", reset_password)
    page.click("#reset-submit")
    expect(page.locator("#token-result")).to_contain_text("Your password was changed")
    user.password = reset_password

    page.click("#reset-sign-in")
    expect(page.locator("#signin-notice")).to_contain_text("Sign in with your new password")
    page.fill("#signin-username", user.username)
    page.click("#signin-continue")
    expect(page.locator("#signin-phrase")).to_have_text(user.phrase)
    enter_password(page, new_password)  # the one the reset replaced
    expect(page.locator("#signin-password-error")).to_have_text(WRONG_PASSWORD)
    enter_password(page, user.password)
    expect(page).to_have_url(url_of("/home"))
    expect(page.locator("#home-greeting")).to_contain_text("Graciela")

    # Each sign-in link was followed once: the sign-in page never replayed an earlier one.
    assert "sign-in token refused" not in app_server.log_since(log_start)


def test_five_wrong_passwords_lock_the_sign_in(ui: Page, smtp_sink: SmtpSink) -> None:
    user = create_account(ui, smtp_sink)
    enter_username(ui, user.username)
    error = ui.locator("#signin-password-error")
    expected = [
        WRONG_PASSWORD,
        WRONG_PASSWORD,
        "2 attempts left before a 15-minute lock.",
        "1 attempt left before a 15-minute lock.",
        "Too many failed sign-ins: try again in 15 minutes.",
    ]
    for attempt, message in enumerate(expected, start=1):
        enter_password(ui, f"Wrong-Guess-{attempt}-Zebra")
        expect(ui.locator("#signin-password")).to_have_value("")  # the server answered
        expect(error).to_contain_text(message)

    enter_password(ui, user.password)
    expect(error).to_have_text(
        re.compile(r"^Too many failed sign-ins\. Try again in \d+ minutes?\.$")
    )
    expect(ui).to_have_url(url_of("/signin"))
    assert session_cookie(ui) is None


def test_activation_link_works_only_once(ui: Page, smtp_sink: SmtpSink) -> None:
    user = NewUser()
    sign_up(ui, user)
    link = activation_link(smtp_sink, user)
    activate(ui, link, user)

    ui.goto(link)
    expect(ui.locator("#token-result")).to_have_text(
        "This activation link has already been used. If your account is active, sign in."
    )
    expect(ui.locator("#activate-sign-in")).to_be_visible()


def test_email_history_lists_the_messages_received(ui: Page, smtp_sink: SmtpSink) -> None:
    user = create_account(ui, smtp_sink)
    sign_in(ui, user.username, user.password, user.phrase)
    visit(ui, "/account/password")
    before = smtp_sink.mark()
    ui.fill("#password-current", user.password)
    ui.fill("#account-password", "Harbor-Quill-Saffron-61")
    ui.fill("#account-password-confirm", "Harbor-Quill-Saffron-61")
    ui.click("#password-save")
    expect(ui.locator("#password-done")).to_be_visible()
    smtp_sink.wait_for(user.email, "password was changed", since=before)
    received = smtp_sink.messages_to(user.email)
    assert [mail.subject for mail in received] == [
        ACTIVATION_SUBJECT,
        "Your OpenCERS password was changed",
    ]

    ui.click("#account-tab-emails")
    expect(ui).to_have_url(url_of("/account/emails"))
    table = ui.locator("#email-table")
    expect(table.locator("tbody tr")).to_have_count(len(received))
    for mail in received:
        row = table.locator("tbody tr", has_text=mail.subject)
        expect(row).to_contain_text(user.email)
        expect(row).to_contain_text("sent")
    expect(ui.locator("main")).to_contain_text(f"({len(received)} in all)")

    ui.get_by_role("link", name=ACTIVATION_SUBJECT).click()
    expect(ui.locator("#email-body")).to_contain_text(f"the username {user.username}")
    expect(ui).to_have_url(url_of("/account/emails"))  # opening a message is not a navigation
    ui.click("#email-close")
    expect(ui.locator("#email-body")).to_have_count(0)


def test_first_sign_in_asks_to_accept_the_conditions(ui: Page, app_server: AppServer) -> None:
    """An account made with the CLI has not accepted the conditions of use yet."""
    admin = NewUser()
    app_server.cli(
        "create-admin",
        f"--username={admin.username}",
        f"--email={admin.email}",
        f"--first-name={admin.first_name}",
        f"--last-name={admin.last_name}",
        f"--password={admin.password}",
        f"--security-answer={admin.security_answer}",
        f"--phrase={admin.phrase}",
    )
    enter_username(ui, admin.username)
    enter_password(ui, admin.password)
    expect(ui).to_have_url(url_of("/account/conditions"))
    wait_until_live(ui)

    ui.click("#conditions-submit")
    expect(ui.locator("#conditions-accept-error")).to_have_text(
        "Tick the box to accept the conditions of use."
    )
    ui.check("#conditions-accept")
    ui.click("#conditions-submit")
    expect(ui).to_have_url(url_of("/home"))
    expect(ui.get_by_text("The conditions of use are accepted.")).to_be_visible()
    expect(ui.locator("#nav-admin")).to_be_visible()


@pytest.mark.parametrize("path", ["/home", "/account", "/account/emails", "/regulator"])
def test_protected_page_sends_a_signed_out_visitor_to_sign_in(ui: Page, path: str) -> None:
    ui.goto(path)
    expect(ui).to_have_url(url_of("/signin"))
    expect(ui.get_by_text("Please sign in to continue.")).to_be_visible()
    expect(ui.locator("#signin-username")).to_be_visible()
