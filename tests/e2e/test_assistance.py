"""Local regulators and Request Technical Assistance: a visitor finds the demo CUPA by ZIP
code and writes to it; the agency's email arrives; the demo CUPA's admin finds the request in
the inbox and forwards it to the system administrator, whose email arrives too."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from cers_app.demo import DEMO_AGENCY, DEMO_AGENCY_CODE, DEMO_AGENCY_NAME, REGULATOR
from tests.e2e.flows import NewUser, expect_toast, sign_in_demo, url_of, visit
from tests.e2e.server import AppServer
from tests.e2e.smtp_sink import SmtpSink

DEMO_ZIP = "95616"


def test_a_visitor_writes_to_the_demo_cupa_and_it_forwards_to_the_administrator(
    open_page, app_server: AppServer, smtp_sink: SmtpSink
) -> None:
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
    visitor = open_page(phone=True)  # the public pages work on a phone
    visit(visitor, "/regulators")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Local regulators")
    visitor.select_option("#directory-by", "zip")
    visitor.fill("#directory-query", DEMO_ZIP)
    visitor.click("#directory-search")
    cupa = visitor.locator(f"#directory-agency-{DEMO_AGENCY_CODE}")
    expect(cupa).to_contain_text(DEMO_AGENCY_NAME)
    expect(cupa).to_contain_text(DEMO_AGENCY.email)
    expect(visitor.locator(f"#directory-place-{DEMO_ZIP}-element-1")).to_contain_text(
        DEMO_AGENCY_NAME
    )

    visitor.click(f"#directory-agency-{DEMO_AGENCY_CODE}-assistance")
    expect(visitor).to_have_url(re.compile(rf"/assistance/?\?agency={DEMO_AGENCY_CODE}$"))
    expect(visitor.locator("#assistance-agency")).to_contain_text(DEMO_AGENCY_NAME)
    sender = f"visitor.{uuid.uuid4().hex[:8]}@example.com"
    subject = f"Help with our inventory {uuid.uuid4().hex[:6]}"
    visitor.fill("#assistance-name", "Vera Visitor")
    visitor.fill("#assistance-email", sender)
    visitor.fill("#assistance-cers-id", "1234")
    visitor.select_option("#assistance-topic", "inventory")
    visitor.fill("#assistance-subject", subject)
    visitor.fill("#assistance-message", "Which unit do we use for a paint mixture?")
    visitor.click("#assistance-send")
    expect(visitor.locator("#assistance-cers-id-error")).to_contain_text("8 or 9 digits")
    expect(visitor.locator("#assistance-subject")).to_have_value(subject)  # nothing lost
    mark = smtp_sink.mark()
    visitor.fill("#assistance-cers-id", "")
    visitor.click("#assistance-send")
    reference = visitor.locator("#assistance-reference")
    expect(reference).to_have_text(re.compile(r"^TA-\d{6}$"))
    number = reference.inner_text()

    to_agency = smtp_sink.wait_for(DEMO_AGENCY.email, number, since=mark)
    assert subject in to_agency.subject and "paint mixture" in to_agency.text
    receipt = smtp_sink.wait_for(sender, number, since=mark)
    assert "paint mixture" not in receipt.text

    staff = open_page()
    sign_in_demo(staff, REGULATOR)
    expect(staff.locator("#regulator-assistance-count")).to_contain_text("new request")
    staff.click("#regulator-assistance-link")
    expect(staff).to_have_url(url_of("/regulator/assistance"))
    staff.get_by_role("link", name=number).click()
    expect(staff.locator("#assistance-request")).to_contain_text("Vera Visitor")
    expect(staff.locator("#assistance-message")).to_have_text(
        "Which unit do we use for a paint mixture?"
    )
    mark = smtp_sink.mark()
    staff.fill("#assistance-forward-note", "Not a local question: please answer.")
    staff.click("#assistance-forward")
    expect_toast(staff, "forwarded to")
    expect(staff.locator("#assistance-status")).to_have_text(
        "Forwarded to the system administrator"
    )
    forwarded = smtp_sink.wait_for(admin.email, number, since=mark)
    assert "Not a local question" in forwarded.text and "paint mixture" in forwarded.text
