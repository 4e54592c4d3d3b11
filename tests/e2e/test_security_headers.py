"""Security headers in the browser: every page and asset carries them, and with the
Content-Security-Policy on (no 'unsafe-eval') the pages run without a single violation, toasts
sent by the server included."""

from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Page, Response, expect

from cers_app.demo import BUSINESS, REGULATOR
from tests.e2e.flows import sign_in_demo, visit
from tests.e2e.server import AppServer
from tests.security.report import tally

ANONYMOUS_PAGES = ["/", "/signin?portal=business", "/signup", "/forgot-password", "/help"]
ANONYMOUS_PAGES += ["/regulators", "/assistance", "/conditions"]
BUSINESS_PAGES = ["/home", "/account", "/account/emails", "/facilities/search"]
REGULATOR_PAGES = ["/regulator", "/regulator/queue", "/regulator/requests", "/regulator/staff"]
CSP_WORDS = ("Content Security Policy", "Content-Security-Policy", "unsafe-eval", "EvalError")


def _watch_console(page: Page) -> list[str]:
    """Every console message about the policy (Chromium logs each violation as an error)."""
    seen: list[str] = []

    def look(message: ConsoleMessage) -> None:
        if any(word in message.text for word in CSP_WORDS):
            seen.append(f"{page.url}: {message.text}")

    page.on("console", look)
    return seen


def _assert_headers(response: Response | None, what: str) -> str:
    assert response is not None, what
    headers = response.headers
    policy = headers.get("content-security-policy", "")
    assert "default-src 'self'" in policy, (what, policy)
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, what
    assert "unsafe-eval" not in policy, what
    assert not re.search(r"script-src[^;]*'unsafe-inline'", policy), what
    assert headers.get("x-content-type-options") == "nosniff", what
    assert headers.get("x-frame-options") == "DENY", what
    assert headers.get("referrer-policy") in ("same-origin", "no-referrer"), what
    assert "camera=()" in headers.get("permissions-policy", ""), what
    assert "strict-transport-security" not in headers, f"{what}: plain http has no HSTS"
    return policy


def _visit_all(page: Page, paths: list[str]) -> None:
    for path in paths:
        visit(page, path)
        page.wait_for_load_state("networkidle")
        tally("http", "allowed")


def test_pages_and_assets_carry_the_security_headers(ui: Page, app_server: AppServer) -> None:
    loaded: list[Response] = []
    ui.on("response", lambda response: loaded.append(response))
    response = ui.goto("/")
    ui.wait_for_load_state("networkidle")
    policy = _assert_headers(response, "the landing page")
    assert re.search(r"script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;", policy), policy
    connect = re.search(r"connect-src ([^;]*)", policy)
    assert connect and f"ws://{app_server.base_url.split('://')[1]}" in connect[1].split(), policy
    assets = [r for r in loaded if r.url.startswith(app_server.base_url) and r.url != response.url]
    assert any(r.url.endswith(".js") for r in assets), [r.url for r in assets]
    for asset in assets:  # the bundle, stylesheets, fonts, icons: all served by the backend
        _assert_headers(asset, asset.url)
    for path in ("/ping", "/health", "/no-such-page"):
        _assert_headers(ui.request.get(app_server.url(path)), path)
    tally("http", "allowed", len(assets) + 4)


def test_no_policy_violation_on_the_pages_and_server_toasts_still_show(open_page) -> None:
    page: Page = open_page()
    violations = _watch_console(page)
    _visit_all(page, ANONYMOUS_PAGES)
    # A toast sent by the server (Reflex sends it as script text): a malformed username.
    visit(page, "/forgot-password")
    page.fill("#forgot-password-username", "no such")
    page.click("#forgot-password-submit")
    toast = page.locator('[data-sonner-toast][data-type="error"]')
    expect(toast.first).to_contain_text("Username must be")
    sign_in_demo(page, BUSINESS)
    _visit_all(page, BUSINESS_PAGES)

    regulator: Page = open_page()
    violations += _watch_console(regulator)
    sign_in_demo(regulator, REGULATOR)
    _visit_all(regulator, REGULATOR_PAGES)
    assert not violations, "\n".join(violations)
