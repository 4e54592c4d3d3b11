"""Site notices and staff in the browser: the demo CUPA's Agency Admin invites a new regulator
(the set-up link arrives by email and works) and schedules a notice an hour ahead; a signed-out
visitor sees it only while the server's clock is inside its window (moved with /dev/clock)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import urllib.request
import uuid
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from cers_app.core import routes
from cers_app.demo import REGULATOR
from tests.e2e.flows import expect_toast, sign_in_demo, visit, wait_until_live
from tests.e2e.server import AppServer
from tests.e2e.smtp_sink import SmtpSink

ZONE = ZoneInfo("America/Los_Angeles")  # the e2e server's agency time zone (the default)


def set_server_clock(server: AppServer, at: dt.datetime | None) -> str:
    """Freeze the server's clock at `at` (None: let it run again); returns the server's now."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    body = json.dumps({"at": at.isoformat() if at else ""}).encode()
    request = urllib.request.Request(
        server.url(routes.DEV_CLOCK),
        data=body,
        method="POST",
        headers={"content-type": "application/json"},
    )
    with opener.open(request, timeout=10) as response:
        return json.loads(response.read())["now"]


@contextlib.contextmanager
def server_clock(server: AppServer) -> Iterator[None]:
    """Within the block the test may move the server's clock; it always runs again after."""
    try:
        yield
    finally:
        set_server_clock(server, None)


def _local(moment: dt.datetime) -> tuple[str, str]:
    shown = moment.astimezone(ZONE)
    return shown.strftime("%Y-%m-%d"), shown.strftime("%H:%M")


def test_an_agency_admin_invites_staff_and_a_notice_shows_on_time(
    open_page, app_server: AppServer, smtp_sink: SmtpSink
) -> None:
    admin = open_page()
    visit(admin, "/")
    sign_in_demo(admin, REGULATOR)

    # Invite a new regulator: an account is made and its set-up link is emailed.
    admin.click("#regulator-staff-link")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Staff and roles")
    wait_until_live(admin)
    expect(admin.locator("#staff")).to_contain_text(REGULATOR.username)
    address = f"inv{uuid.uuid4().hex[:8]}@example.com"
    since = smtp_sink.mark()
    admin.fill("#staff-invite-email", address)
    admin.select_option("#staff-invite-role", "reviewer")
    admin.fill("#staff-invite-first-name", "Ivy")
    admin.fill("#staff-invite-last-name", "Invited")
    admin.click("#staff-invite-submit")
    expect_toast(admin, "the set-up link was emailed")
    expect(admin.locator("#staff")).to_contain_text(address)
    mail = smtp_sink.wait_for(address, "You are invited", since=since)
    assert "Reviewer" in mail.text
    newcomer = open_page()
    visit(newcomer, mail.link(routes.ACCOUNT_SETUP))
    expect(newcomer.locator("#setup-username")).to_contain_text(address.split("@")[0])
    newcomer.fill("#setup-password", "Velvet-Thunder-Orbit-48")
    newcomer.fill("#setup-password-confirm", "Velvet-Thunder-Orbit-48")
    newcomer.select_option("#setup-question", "first_pet")
    newcomer.fill("#setup-answer", "Pickles the Hamster")
    newcomer.fill("#setup-phrase", "tangerine kites over the levee")
    newcomer.click("#setup-submit")
    expect(newcomer.locator("#token-result")).to_contain_text("is ready")

    # Schedule a notice from one hour to two hours from now (local time, to the minute).
    message = f"Planned maintenance {uuid.uuid4().hex[:6]}: OpenCERS will be down briefly."
    now = dt.datetime.now(dt.UTC)
    starts, ends = _local(now + dt.timedelta(hours=1)), _local(now + dt.timedelta(hours=2))
    visit(admin, routes.REGULATOR_HOME)
    admin.click("#regulator-notices-link")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Site notices")
    wait_until_live(admin)
    # The page's load draws the form afresh: type only once its list is shown.
    expect(admin.locator("#notices, #notices-none")).to_be_visible()
    admin.fill("#notice-message", message)
    admin.select_option("#notice-level", "info")
    admin.fill("#notice-starts-date", starts[0])
    admin.fill("#notice-starts-time", starts[1])
    admin.fill("#notice-ends-date", ends[0])
    admin.fill("#notice-ends-time", ends[1])
    admin.click("#notice-save")
    expect_toast(admin, "The notice was saved.")
    listed = admin.locator("#notices [id^='notice-']", has_text=message).first
    expect(listed).to_contain_text("Upcoming")

    visitor = open_page()
    visit(visitor, "/")
    expect(visitor.locator("#footer-directory")).to_have_attribute(
        "href", routes.REGULATOR_DIRECTORY
    )
    expect(visitor.locator("#footer-assistance")).to_be_visible()
    expect(visitor.get_by_text(message)).to_have_count(0)

    with server_clock(app_server):
        set_server_clock(app_server, now + dt.timedelta(minutes=90))
        visitor.reload()
        wait_until_live(visitor)
        banner = visitor.locator("#site-notice-banner [id^='site-notice-']", has_text=message)
        expect(banner).to_be_visible()
        expect(banner).to_have_attribute("role", "status")
        # Moving to another page loads the banner again.
        visitor.click("#footer-help")
        wait_until_live(visitor)
        expect(visitor.locator("#site-notice-banner")).to_contain_text(message)

        set_server_clock(app_server, now + dt.timedelta(hours=3))
        visitor.reload()
        wait_until_live(visitor)
        expect(visitor.get_by_role("heading", level=1)).to_be_visible()
        expect(visitor.get_by_text(message)).to_have_count(0)
    running = dt.datetime.fromisoformat(set_server_clock(app_server, None))
    assert abs(running - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
