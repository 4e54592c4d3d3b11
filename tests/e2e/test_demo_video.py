"""The Help page's demo video, recorded from this journey: a newcomer creates an account,
signs in, creates their business and adds a facility through the wizard.

Every run records the journey (Playwright's video of the browser context) and checks the
recording is a real WebM of the whole journey. `make demo-video` runs it with
CERS_DEMO_VIDEO_OUT set, which copies the recording there (assets/video/getting-started.webm,
served on the Help page). A second test checks the Help page offers the committed video and the
server serves it.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from cers_app.core.codes import county_code
from cers_app.facilities.business_activities import QUESTIONS
from tests.e2e.flows import (
    create_account,
    create_business,
    expect_toast,
    sign_in,
    url_of,
    visit,
    wait_until_live,
)
from tests.e2e.server import PROJECT, AppServer
from tests.e2e.smtp_sink import SmtpSink

VIDEO = PROJECT / "assets" / "video" / "getting-started.webm"
VIDEO_URL = "/video/getting-started.webm"
PAUSE_MS = 700  # so a person watching can follow each step
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"  # the EBML header every WebM file starts with
OWNER = {
    "Phone": "(530) 555-0142",
    "MailingAddress": "PO Box 118",
    "MailingAddressCity": "Davis",
    "MailingAddressState": "CA",
    "MailingAddressZipCode": "95617",
    "OwnerName": "Marisol Quintero",
    "OwnerPhone": "(530) 555-0143",
    "EContactName": "Marisol Quintero",
    "EContactPhone": "(530) 555-0144",
    "EContactEmailAddress": "marisol@example.com",
    "PECName": "Ramon Alvarez",
    "PECTitle": "Plant Supervisor",
    "PECBusinessPhone": "(530) 555-0145",
    "PEC24HrPhone": "(530) 555-0199",
}
# Each "same as" shortcut and a field it fills in (each click redraws the form: wait for it).
SAME_AS = {
    "owner_address": ("OwnerCity", "Davis"),
    "econtact_address": ("EContactCity", "Davis"),
    "billing_address": ("BillingAddress", "PO Box 118"),
    "operator_is_owner": ("OperatorName", "Marisol Quintero"),
    "billing_is_econtact": ("BillingContactPhone", "(530) 555-0144"),
}


def _pause(page: Page) -> None:
    page.wait_for_timeout(PAUSE_MS)


def _add_facility(page: Page, name: str) -> None:
    """The add-facility wizard, step by step, with a Yolo County address the demo CUPA covers."""
    page.click("#home-add-facility")
    expect(page).to_have_url(re.compile(r"/facilities/add/?\?w=\d+$"))
    wait_until_live(page)
    _pause(page)
    page.fill("#wizard-site-name", name)
    page.fill("#wizard-site-street", f"{10000 + secrets.randbelow(89999)} Covell Blvd")
    page.fill("#wizard-site-city", "Davis")
    page.fill("#wizard-site-zip", "95616")
    page.select_option("#wizard-site-county", str(county_code("Yolo")))
    _pause(page)
    page.click("#wizard-site-next")
    expect(page.locator("#wizard-confirm")).to_be_visible()
    _pause(page)
    page.click("#wizard-confirm")
    expect(page.locator("#wizard-ba-next")).to_be_visible()
    yes = {"HMOnSite"}
    for question in QUESTIONS:
        page.check(f"#wizard-ba-{question.key}-{'Y' if question.key in yes else 'N'}")
    _pause(page)
    page.click("#wizard-ba-next")
    expect(page.locator("#wizard-oo-next")).to_be_visible()
    for key, value in OWNER.items():
        page.fill(f"#wizard-oo-{key}", value)
    for shortcut, (key, value) in SAME_AS.items():
        page.click(f"#wizard-oo-same-{shortcut}")
        expect(page.locator(f"#wizard-oo-{key}")).to_have_value(value)
    _pause(page)
    page.click("#wizard-oo-next")
    expect_toast(page, "The facility was added.")
    expect(page).to_have_url(re.compile(r"/facilities/view/?\?id=\d+$"))
    wait_until_live(page)
    expect(page.locator("h1")).to_have_text(name)


def test_record_creating_an_account_and_adding_a_facility(
    open_page: Callable[..., Page], smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    assert shutil.which("ffmpeg"), "ffmpeg is missing: make setup-dev installs Debian's ffmpeg"
    page = open_page(video_dir=tmp_path)
    visit(page, "/")
    _pause(page)
    user = create_account(page, smtp_sink)
    sign_in(page, user.username, user.password, user.phrase)
    _pause(page)
    create_business(page, f"Quintero Coatings {uuid.uuid4().hex[:4]}", "Davis, CA")
    _pause(page)
    _add_facility(page, "Quintero Coatings - Davis Shop")
    _pause(page)

    assert page.video is not None
    page.context.close()  # the video is written when its context closes
    recorded = Path(page.video.path())
    data = recorded.read_bytes()
    assert data.startswith(WEBM_MAGIC), "the recording is not a WebM file"
    assert len(data) > 100_000, f"the recording is only {len(data)} bytes"
    wanted = os.environ.get("CERS_DEMO_VIDEO_OUT")
    if wanted:
        Path(wanted).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(recorded, wanted)


def test_help_page_offers_the_video(ui: Page, app_server: AppServer) -> None:
    assert VIDEO.read_bytes().startswith(WEBM_MAGIC), f"{VIDEO} is missing: make demo-video"
    visit(ui, "/help")
    video = ui.locator("#help-demo-video")
    expect(video).to_have_attribute("src", VIDEO_URL)
    expect(ui).to_have_url(url_of("/help"))
    served = httpx.get(app_server.url(VIDEO_URL), timeout=30)
    assert served.status_code == 200
    assert served.content == VIDEO.read_bytes()
