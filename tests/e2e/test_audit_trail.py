"""The history pages in the browser: the demo Lead User changes a facility's Business
Activities and finds the change, before and after, in the facility's History and in the
business's; an Editor is not offered it; the demo CUPA's reviewer reads the same facility's
history (who changed the draft and when, not its values), also on a phone.

The facility and its first Facility Information come from the services
(tests/e2e/submittal_setup.py); the change and the reading go through the pages.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from cers_app.core.audit_labels import DRAFT_WITHHELD
from cers_app.demo import BUSINESS, EDITOR, REVIEWER
from cers_app.facilities.business_activities import QUESTIONS
from tests.e2e.flows import (
    assert_fits_screen,
    expect_toast,
    sign_in_demo,
    url_of,
    visit,
    wait_until_live,
)
from tests.e2e.server import AppServer
from tests.e2e.submittal_setup import new_facility, setup

ACME = "Acme Plating Co."
APST = next(q for q in QUESTIONS if q.key == "OwnOrOperateAPST")
CHANGE = f"{APST.text}: N → Y"


def test_the_lead_user_and_the_reviewer_read_a_facility_s_history(
    app_server: AppServer, open_page: Callable[..., Page]
) -> None:
    made = new_facility(app_server, BUSINESS.username, ACME, "Acme History Shop", "Fifth St")
    facility_id, cers_id = made["id"], str(made["cers_id"])
    setup(
        app_server,
        (
            "facility_information",
            {"lead": BUSINESS.username, "facility_id": facility_id, "yes": []},
        ),
    )

    # The Lead User changes one answer of the Business Activities.
    lead = open_page()
    sign_in_demo(lead, BUSINESS)
    visit(lead, f"/facilities/view?id={facility_id}")
    lead.click("#facility-edit-activities")
    wait_until_live(lead)
    lead.check(f"#facility-ba-{APST.key}-Y")
    lead.click("#facility-ba-save")
    expect_toast(lead, "Business Activities saved.")

    # ... back on the facility page, finds it in its History with before and after.
    expect(lead).to_have_url(url_of("/facilities/view"))
    lead.click("#facility-history")
    expect(lead).to_have_url(url_of("/facilities/history"))
    wait_until_live(lead)
    expect(lead.get_by_role("heading", level=1)).to_contain_text("History: Acme History Shop")
    expect(lead.get_by_text(f"CERS ID {cers_id}")).to_be_visible()
    first = lead.locator("#history-table tbody tr", has_text=CHANGE).first
    expect(first).to_contain_text("Facility Information saved")
    expect(first).to_contain_text(f"{BUSINESS.first_name} {BUSINESS.last_name}")
    expect(first).to_contain_text(BUSINESS.email)
    expect(first).to_contain_text(CHANGE)

    # The filters: nothing of the inventory yet; a bad date is refused by field.
    lead.select_option("#history-group", "inventory")
    lead.click("#history-show")
    expect(lead.locator("#history-empty")).to_be_visible()
    lead.select_option("#history-group", "facility")
    lead.fill("#history-since", "2000-01-01")
    lead.click("#history-show")
    expect(lead.locator("#history-table")).to_contain_text(CHANGE)
    lead.fill("#history-until", "1999-12-31")
    lead.click("#history-show")
    expect(lead.locator("#history-until-error")).to_contain_text("start date")
    expect(lead.locator("#history-table")).to_contain_text(CHANGE)  # nothing lost

    # The whole business's history, from Home, names the facility.
    lead.click("#history-facility")
    expect(lead).to_have_url(url_of("/facilities/view"))
    lead.click("#facility-home")
    expect(lead).to_have_url(url_of("/home"))
    lead.click("#home-history")
    expect(lead).to_have_url(url_of("/business/history"))
    wait_until_live(lead)
    expect(lead.get_by_role("heading", level=1)).to_have_text(f"History of {ACME}")
    row = lead.locator("#history-table tbody tr", has_text=CHANGE).first
    expect(row).to_contain_text("Acme History Shop")
    expect(row).to_contain_text(f"({cers_id})")

    # An Editor is not offered the history.
    editor = open_page()
    sign_in_demo(editor, EDITOR)
    visit(editor, f"/facilities/view?id={facility_id}")
    expect(editor.locator("#facility-edit-activities")).to_be_visible()
    expect(editor.locator("#facility-history")).to_have_count(0)

    # The demo CUPA's reviewer opens the same facility's history, on a phone.
    reviewer = open_page(phone=True)
    sign_in_demo(reviewer, REVIEWER)
    visit(reviewer, f"/regulator/facility?id={facility_id}")
    reviewer.click("#facility-history")
    expect(reviewer).to_have_url(url_of("/regulator/facility/history"))
    wait_until_live(reviewer)
    first = reviewer.locator("#history-table tbody tr", has_text="Facility Information saved")
    first = first.first
    expect(first).to_contain_text(f"{BUSINESS.first_name} {BUSINESS.last_name}")
    expect(first).to_contain_text(DRAFT_WITHHELD)
    expect(reviewer.locator("#history-table")).not_to_contain_text(CHANGE)
    assert_fits_screen(reviewer)
