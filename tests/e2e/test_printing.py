"""Printing in the browser: the business asks for its submittal packet and its public copy on
the facility page, keeps the page open while the PDFs are made in the background, and
downloads them; the CUPA Reviewer prints the inventory report from the regulator's facility
page and downloads the facility as CERS EDT XML.

The facility's first business plan is submitted by the services
(tests/e2e/submittal_setup.py); the printing goes through the pages.
"""

from __future__ import annotations

import io
import zipfile

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS, REVIEWER
from tests.e2e.flows import assert_fits_screen, sign_in_demo, visit, wait_until_live
from tests.e2e.server import AppServer
from tests.e2e.submittal_setup import new_facility, setup
from tests.unit.inventory import stock

ACME = "Acme Plating Co."
FACILITY, REGULATOR_FACILITY = "/facilities/view", "/regulator/facility"


def _download(page: Page, link: str) -> bytes:
    """What the link's address answers with the page's session cookie."""
    href = page.locator(link).get_attribute("href")
    assert href
    reply = page.request.get(href)
    assert reply.status == 200, reply.text()
    return reply.body()


def _ready(page: Page, label: str) -> str:
    """The download link of the newest job called `label`, once its PDF is ready."""
    job = page.locator("[id^=print-job-]", has_text=label).first
    expect(job.locator("[id^=print-download-]")).to_be_visible(timeout=60_000)
    link_id = job.locator("[id^=print-download-]").get_attribute("id")
    return f"#{link_id}"


def test_the_business_and_the_regulator_print(app_server: AppServer, open_page):
    made = new_facility(app_server, BUSINESS.username, ACME, "Acme Printworks", "Sixth St")
    setup(
        app_server,
        (
            "submitted_hmbp",
            {"lead": BUSINESS.username, "facility_id": made["id"], "material": stock.BASE},
        ),
    )
    facility_id, cers_id, page = made["id"], str(made["cers_id"]), open_page()
    sign_in_demo(page, BUSINESS)

    visit(page, f"{FACILITY}?id={facility_id}")
    wait_until_live(page)
    page.click("#print-packet")
    page.click("#print-public")
    packet = _download(page, _ready(page, "Submittal packet"))
    public = _download(page, _ready(page, "Public copy"))
    assert packet.startswith(b"%PDF") and public.startswith(b"%PDF")
    assert packet != public
    assert_fits_screen(page)

    page = open_page()
    sign_in_demo(page, REVIEWER)
    visit(page, f"{REGULATOR_FACILITY}?id={facility_id}")
    wait_until_live(page)
    page.select_option("#print-waste", "non_waste")
    page.click("#print-inventory")
    report = _download(page, _ready(page, "Hazardous Materials Inventory"))
    assert report.startswith(b"%PDF")
    exported = zipfile.ZipFile(io.BytesIO(_download(page, "#facility-edt-export")))
    [xml_name] = [name for name in exported.namelist() if name.endswith(".xml")]
    assert cers_id.encode() in exported.read(xml_name)
