"""Reviewing in the browser: a business renames its facility in Facility Information and
submits; a CUPA Reviewer finds the submittal in the queue, sees the change, marks it Not
Accepted with a comment; the business sees the comment on Home, fixes the draft and submits
again; the Reviewer accepts it. The facility record takes the new name only at acceptance,
and both review emails reach the business. The queue and the submittal page fit a phone.

The facility's first business plan is submitted and accepted by the services
(tests/e2e/submittal_setup.py); everything after that goes through the pages.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS, REVIEWER
from tests.e2e.flows import (
    assert_fits_screen,
    expect_toast,
    sign_in_demo,
    url_of,
    visit,
    wait_for_toasts_to_close,
    wait_until_live,
)
from tests.e2e.server import AppServer
from tests.e2e.smtp_sink import SmtpSink
from tests.e2e.submittal_setup import new_facility, setup
from tests.unit.inventory import stock

ACME = "Acme Plating Co."
ACCEPTED, NOT_ACCEPTED = 4, 5
ACTIVITIES, SUBMIT, SUBMITTED = (
    "/facilities/activities",
    "/facilities/submit",
    "/facilities/submitted",
)
QUEUE = "/regulator/queue"
COMMENT = "Please give the site's EPA ID number with the new name."


def _accepted_facility(server: AppServer) -> dict:
    """A new Davis facility of Acme whose first business plan the CUPA accepted."""
    made = new_facility(server, BUSINESS.username, ACME, "Acme Depot", "Second St")
    setup(
        server,
        (
            "submitted_hmbp",
            {"lead": BUSINESS.username, "facility_id": made["id"], "material": stock.BASE},
        ),
        (
            "reviewed",
            {"reviewer": REVIEWER.username, "facility_id": made["id"], "status": ACCEPTED},
        ),
    )
    return made


def _record(server: AppServer, facility_id: int) -> dict:
    [record] = setup(server, ("facility_record", {"facility_id": facility_id}))
    return record


def _rename_and_submit(page: Page, facility_id: int, name: str, epa_id: str = "") -> None:
    """The business renames the facility in its Facility Information draft and submits it."""
    visit(page, f"{ACTIVITIES}?id={facility_id}")
    expect(page.locator("#facility-ba-site")).to_be_visible()
    page.fill("#facility-ba-site-name", name)
    page.fill("#facility-ba-site-epa_id", epa_id)
    page.click("#facility-ba-save")
    expect_toast(page, "Business Activities saved.")
    visit(page, f"{SUBMIT}?id={facility_id}")
    expect(page.locator("#submit-tick-1")).to_be_checked()
    page.fill("#submit-certifier-title", "Owner")
    page.check("#submit-certified")
    page.click("#submit-send")
    expect(page).to_have_url(url_of(SUBMITTED))
    wait_until_live(page)


def _open_from_queue(page: Page, cers_id: int) -> None:
    """The Reviewer filters the queue by CERS ID and opens the one submittal waiting."""
    visit(page, QUEUE)
    # The page's load mounts the filter form afresh: type only once the first list is shown.
    expect(page.locator("#queue-rows, #queue-empty")).to_be_visible()
    page.fill("#queue-facility", str(cers_id))
    page.click("#queue-apply")
    opened = page.locator("[id^='queue-open-']")
    expect(opened).to_have_count(1)
    opened.click()
    expect(page).to_have_url(url_of("/regulator/submittal"))
    wait_until_live(page)
    expect(page.locator("#review-form")).to_be_visible()


def _set_status(page: Page, status: int, label: str, comment: str) -> None:
    page.select_option("#review-status", str(status))
    page.fill("#review-comment", comment)
    page.click("#review-save")
    expect(page.locator("#review-current-status")).to_have_text(label)
    wait_for_toasts_to_close(page)


def test_a_reviewer_refuses_then_accepts_a_renamed_facility(
    app_server: AppServer, open_page, smtp_sink: SmtpSink
):
    made = _accepted_facility(app_server)
    facility_id, old_name = made["id"], _record(app_server, made["id"])["name"]
    cers_id = _record(app_server, facility_id)["cers_id"]
    new_name = f"{old_name} Annex"
    business, regulator = open_page(), open_page()
    sign_in_demo(business, BUSINESS)
    sign_in_demo(regulator, REVIEWER)

    # The business submits the new name: the record keeps the old one.
    _rename_and_submit(business, facility_id, new_name)
    assert _record(app_server, facility_id)["name"] == old_name

    # The Reviewer sees the change and does not accept it.
    mark = smtp_sink.mark()
    _open_from_queue(regulator, cers_id)
    changes = regulator.locator("#submittal-changes")
    expect(changes).to_contain_text("Site identification: Facility name")
    expect(changes).to_contain_text(new_name)
    _set_status(regulator, NOT_ACCEPTED, "Not Accepted", COMMENT)
    refused = smtp_sink.wait_for(BUSINESS.email, "Not Accepted: Facility Information", since=mark)
    assert COMMENT in refused.text
    assert _record(app_server, facility_id)["name"] == old_name

    # The business reads the comment on Home, fixes the draft and submits again.
    visit(business, "/home")
    expect(business.locator("#action-required")).to_contain_text(COMMENT)
    _rename_and_submit(business, facility_id, new_name, epa_id="CAL000654321")
    assert _record(app_server, facility_id)["name"] == old_name

    # The Reviewer accepts the new submittal; only now does the record change.
    mark = smtp_sink.mark()
    _open_from_queue(regulator, cers_id)
    expect(regulator.locator("#submittal-changes")).to_contain_text("CAL000654321")
    _set_status(regulator, ACCEPTED, "Accepted", "Thank you.")
    accepted = smtp_sink.wait_for(BUSINESS.email, "Accepted: Facility Information", since=mark)
    assert "Not Accepted" not in accepted.subject
    record = _record(app_server, facility_id)
    assert (record["name"], record["epa_id"]) == (new_name, "CAL000654321")
    visit(business, f"/facilities/view?id={facility_id}")
    expect(business.get_by_role("heading", level=1)).to_contain_text(new_name)


def test_the_regulator_pages_fit_a_phone(open_page):
    page = open_page(phone=True)
    sign_in_demo(page, REVIEWER)
    assert_fits_screen(page)
    visit(page, QUEUE)
    expect(page.locator("#queue-filters")).to_be_visible()
    assert_fits_screen(page)
    # The demo's Woodland Annex waits in the queue (seed-demo).
    page.locator("[id^='queue-open-']").first.click()
    expect(page.locator("#review-form")).to_be_visible()
    assert_fits_screen(page)
    visit(page, "/regulator/facilities")
    expect(page.locator("#facility-search-text")).to_be_visible()
    assert_fits_screen(page)
    visit(page, "/regulator/compliance")
    expect(page.locator("#compliance-chart")).to_be_visible()
    assert_fits_screen(page)
