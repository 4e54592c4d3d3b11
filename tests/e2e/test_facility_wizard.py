"""Add Facility in the browser: the wizard step by step, resuming it, the facility page and the
draft forms it links to, for each role.

Every journey adds facilities at a street number of its own and with a name of its own, so no
journey finds another's facility as a possible duplicate.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from cers_app.agencies.jurisdiction import STATEWIDE_DIRECTORY
from cers_app.agencies.models import Agency, JurisdictionRule
from cers_app.core.codes import ELEMENTS, county_code, element_label
from cers_app.core.db import make_engine
from cers_app.demo import BUSINESS, CONSULTANT, DEMO_AGENCY_CODE, EDITOR, FACILITIES, VIEWER
from cers_app.facilities.business_activities import QUESTIONS
from tests.e2e.facility_setup import setup
from tests.e2e.flows import (
    SHOTS,
    assert_fits_screen,
    create_account,
    expect_toast,
    select_business,
    sign_in,
    sign_in_demo,
    url_of,
    visit,
    wait_until_live,
)
from tests.e2e.server import AppServer
from tests.e2e.smtp_sink import SmtpSink

ACME = "Acme Plating Co."
VALLEY = "Valley Fuel Depot"
YOLO = str(county_code("Yolo"))
COVERED_ZIPS = ("95616", "95618", "95695", "95776")
UNCOVERED_ZIP = "90012"
ACTIVITIES_KEYS = [q.key for q in QUESTIONS]
HMI, ERTP, APSA = element_label(2), element_label(3), element_label(9)


@pytest.fixture(scope="module", autouse=True)
def demo_cupa_covers_yolo_zips(app_server: AppServer) -> Iterator[None]:
    """The demo CUPA regulates every element in the Yolo County ZIP codes used here (the demo
    seed may already say so; then nothing is added)."""
    engine = make_engine(app_server.env["CERS_DATABASE_URL"])
    try:
        with Session(engine) as session:
            agency_id = session.exec(select(Agency.id).where(Agency.code == DEMO_AGENCY_CODE)).one()
            for zip_code in COVERED_ZIPS:
                ruled = set(
                    session.exec(
                        select(JurisdictionRule.element).where(
                            JurisdictionRule.zip_code == zip_code, JurisdictionRule.city == ""
                        )
                    ).all()
                )
                for element in set(ELEMENTS) - ruled:
                    session.add(
                        JurisdictionRule(agency_id=agency_id, element=element, zip_code=zip_code)
                    )
            session.commit()
    finally:
        engine.dispose()
    yield


def _tag() -> str:
    return uuid.uuid4().hex[:6]


def _street() -> str:
    """A street address no other journey uses (the number is what varies)."""
    return f"{10000 + secrets.randbelow(89999)} Covell Blvd"


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"wizard-{name}.png"), full_page=True)


def _expect_step(page: Page, number: int) -> None:
    """The stepper highlights step `number`, and only it."""
    expect(page.locator("#wizard-stepper [aria-current='step']")).to_have_count(1)
    expect(page.locator(f"#wizard-step-{number}")).to_have_attribute("aria-current", "step")


def _start_wizard(page: Page) -> int:
    """Add Facility on the home page; returns the wizard's id from the address it opens."""
    page.click("#home-add-facility")
    expect(page).to_have_url(re.compile(r"/facilities/add/?\?w=\d+$"))
    wait_until_live(page)
    _expect_step(page, 1)
    return int(page.url.rsplit("=", 1)[1])


def _fill_site(page: Page, name: str, street: str, zip_code: str = "95616") -> None:
    page.fill("#wizard-site-name", name)
    page.fill("#wizard-site-street", street)
    page.fill("#wizard-site-supplemental", "Bldg 2")
    page.fill("#wizard-site-city", "Davis")
    page.fill("#wizard-site-zip", zip_code)
    page.select_option("#wizard-site-county", YOLO)
    page.click("#wizard-site-next")


def _answer(page: Page, answers: dict[str, str]) -> None:
    """Click Yes or No for each question; unnamed questions are answered No."""
    for key in ACTIVITIES_KEYS:
        page.check(f"#wizard-ba-{key}-{answers.get(key, 'N')}")


OWNER_VALUES = {
    "Phone": "(530) 555-0142",
    "MailingAddress": "PO Box 118",
    "MailingAddressCity": "Davis",
    "MailingAddressState": "CA",
    "MailingAddressZipCode": "95617",
    "OwnerName": "Lena Lopez",
    "OwnerPhone": "530-555-0143",
    "EContactName": "Ed Ortiz",
    "EContactPhone": "(530) 555-0144",
    "EContactEmailAddress": "ed.ortiz@example.com",
    "PECName": "Ramon Alvarez",
    "PECTitle": "Plant Supervisor",
    "PECBusinessPhone": "(530) 555-0145",
    "PEC24HrPhone": "(530) 555-0199",
}
# Each "same as" shortcut, and a field it fills in (waited for before the next click: each
# click redraws the form).
SHORTCUTS = {
    "owner_address": ("OwnerCity", "Davis"),
    "econtact_address": ("EContactCity", "Davis"),
    "billing_address": ("BillingAddress", "PO Box 118"),
    "operator_is_owner": ("OperatorName", "Lena Lopez"),
    "billing_is_econtact": ("BillingContactPhone", "(530) 555-0144"),
}


def _fill_owner(page: Page, *, check_fits: bool = False) -> None:
    """Fill in step 5 with a mistake first, then the "same as" shortcuts, then go on."""
    for key, value in OWNER_VALUES.items():
        page.fill(f"#wizard-oo-{key}", value)
    page.fill("#wizard-oo-MailingAddressState", "ZZ")  # not a state: refused on Next
    page.click("#wizard-oo-next")
    expect(page.locator("#wizard-oo-MailingAddressState-error")).to_have_text(
        "Use the two-letter state code, such as CA."
    )
    expect(page.locator("#wizard-oo-OperatorName-error")).to_have_text("Enter the operator name.")
    expect(page.locator("#wizard-oo-PECName")).to_have_value("Ramon Alvarez")  # kept as typed
    _expect_step(page, 5)
    if check_fits:
        assert_fits_screen(page)
    page.fill("#wizard-oo-MailingAddressState", "CA")
    page.fill("#wizard-oo-SECName", "Typed Before The Shortcut")
    for shortcut, (key, value) in SHORTCUTS.items():
        page.click(f"#wizard-oo-same-{shortcut}")
        expect(page.locator(f"#wizard-oo-{key}")).to_have_value(value)
    expect(page.locator("#wizard-oo-BillingAddress")).to_have_value("PO Box 118")
    expect(page.locator("#wizard-oo-OperatorName")).to_have_value("Lena Lopez")
    expect(page.locator("#wizard-oo-BillingContactPhone")).to_have_value("(530) 555-0144")
    # Nothing typed was lost by copying.
    expect(page.locator("#wizard-oo-SECName")).to_have_value("Typed Before The Shortcut")
    expect(page.locator("#wizard-oo-MailingAddressState")).to_have_value("CA")
    page.click("#wizard-oo-next")


def _expect_facility_page(page: Page, name: str, required: tuple[str, ...]) -> str:
    """The facility page of `name` with `required` elements marked Required; its CERS ID."""
    expect(page).to_have_url(re.compile(r"/facilities/view/?\?id=\d+$"))
    wait_until_live(page)
    expect(page.locator("h1")).to_have_text(name)
    cers_id = page.locator("#facility-cers-id")
    expect(cers_id).to_have_text(re.compile(r"^\d{8,9}$"))
    required_rows = page.locator("#facility-elements [data-required='yes']")
    expect(required_rows).to_have_count(len(required))
    for label in required:
        expect(required_rows.filter(has_text=label)).to_have_count(1)
    return cers_id.inner_text()


def test_lead_user_adds_a_facility_to_acme_through_every_step(ui: Page) -> None:
    page = ui
    name, street = f"Acme Davis Annex {_tag()}", _street()
    sign_in_demo(page, BUSINESS)
    _start_wizard(page)

    # 1 Site: a ZIP code no regulator here covers is refused with the statewide directory.
    _fill_site(page, name, street, zip_code=UNCOVERED_ZIP)
    problem = page.locator("#wizard-site-zip-error")
    expect(problem).to_contain_text(
        f"No regulator of this OpenCERS site covers ZIP code {UNCOVERED_ZIP}"
    )
    expect(problem.get_by_role("link")).to_have_attribute("href", STATEWIDE_DIRECTORY)
    expect(page.locator("#wizard-site-name")).to_have_value(name)  # the rest is kept
    _expect_step(page, 1)
    page.fill("#wizard-site-zip", "95616")
    page.click("#wizard-site-next")

    # 3 Name and business (no possible duplicates, so step 2 is skipped).
    _expect_step(page, 3)
    expect(page.locator("#wizard-address")).to_contain_text("COVELL BLVD")
    expect(page.locator("#wizard-name")).to_have_value(name)
    expect(page.locator("#wizard-business")).to_have_value(re.compile(r"^\d+$"))
    expect(page.locator("#wizard-business option:checked")).to_contain_text(ACME)
    page.click("#wizard-confirm")

    # 4 Business Activities: the required elements follow the answers as they are given.
    _expect_step(page, 4)
    panel = page.locator("#wizard-required")
    expect(panel).to_contain_text(element_label(1))
    expect(panel).not_to_contain_text(HMI)
    page.check("#wizard-ba-HMOnSite-Y")
    expect(panel).to_contain_text(HMI)
    expect(panel).to_contain_text(ERTP)
    page.check("#wizard-ba-OwnOrOperateAPST-Y")
    expect(panel).to_contain_text(APSA)
    page.check("#wizard-ba-OwnOrOperateAPST-N")
    expect(panel).not_to_contain_text(APSA)
    page.click("#wizard-ba-next")  # most questions unanswered: saved, but not done
    expect(page.locator("#wizard-ba-Recycle-error")).to_have_text("Answer Yes or No.")
    expect(page.locator("#wizard-ba-HMOnSite-Y")).to_be_checked()
    _expect_step(page, 4)
    _answer(page, {"HMOnSite": "Y", "HWGenerator": "Y"})
    page.fill("#wizard-ba-comments", "Plating line and a small parts washer.")
    page.click("#wizard-ba-next")

    # 5 Owner/Operator Identification, then 6: the facility page.
    _expect_step(page, 5)
    _fill_owner(page)
    expect_toast(page, "The facility was added.")
    _expect_facility_page(page, name, (element_label(1), HMI, ERTP))
    expect(page.locator("#facility-business")).to_have_text(ACME)
    expect(page.locator("#facility-role")).to_have_text("Lead User")
    expect(page.locator("#facility-address")).to_contain_text("COVELL BLVD, Bldg 2")
    expect(page.locator("#facility-county")).to_have_text("Yolo")
    expect(page.locator("#facility-element-2")).to_contain_text("From your Business Activities")
    expect(page.locator("#facility-no-regulated")).to_have_count(0)
    expect(page.locator("#facility-edit-activities")).to_be_visible()

    # The home page lists it; a second Add Facility at the same address finds it.
    visit(page, "/home")
    row = page.locator("#home-facilities tbody tr", has_text=name)
    expect(row).to_have_count(1)
    _start_wizard(page)
    _fill_site(page, f"Another Name {_tag()}", street.upper())
    _expect_step(page, 2)
    duplicates = page.locator("#wizard-duplicates")
    expect(duplicates).to_contain_text(name)
    expect(duplicates).to_contain_text("Same address")
    page.locator("[id^='wizard-dup-access-']").first.click()
    expect(page.locator("#wizard-access-form")).to_contain_text(name)
    page.click("#wizard-access-cancel")
    expect(page.locator("#wizard-access-form")).to_have_count(0)
    page.click("#wizard-continue-new")
    _expect_step(page, 3)
    page.click("#wizard-back")
    _expect_step(page, 1)
    expect(page.locator("#wizard-site-street")).to_have_value(re.compile("COVELL BLVD"))


def test_new_user_adds_a_facility_and_its_business_on_a_phone(
    open_page: Callable[..., Page], smtp_sink: SmtpSink
) -> None:
    page = open_page(phone=True)
    user = create_account(page, smtp_sink)
    sign_in(page, user.username, user.password, user.phrase)
    expect(page.locator("#home-no-business")).to_be_visible()
    name, business = f"Mace Ranch Cleaners {_tag()}", f"E2E Cleaners {_tag()}"

    _start_wizard(page)
    _shot(page, "1-site")
    assert_fits_screen(page)
    _fill_site(page, name, _street(), zip_code="95618")

    _expect_step(page, 3)
    expect(page.locator("#wizard-business")).to_have_value("new")  # no business yet
    page.fill("#wizard-new-business-name", business)
    page.fill("#wizard-new-business-headquarters", "Davis, CA")
    _shot(page, "3-business")
    assert_fits_screen(page)
    page.click("#wizard-confirm")

    _expect_step(page, 4)
    _answer(page, {})
    expect(page.locator("#wizard-no-regulated")).to_be_visible()  # every answer is No
    _shot(page, "4-activities")
    assert_fits_screen(page)
    page.click("#wizard-ba-next")

    _expect_step(page, 5)
    _shot(page, "5-owner")
    assert_fits_screen(page)
    _fill_owner(page, check_fits=True)

    _expect_facility_page(page, name, (element_label(1),))
    expect(page.locator("#facility-business")).to_have_text(business)
    expect(page.locator("#facility-role")).to_have_text("Lead User")
    expect(page.locator("#facility-no-regulated")).to_be_visible()
    _shot(page, "6-facility")
    assert_fits_screen(page)

    visit(page, "/home")
    expect(page.locator("#home-business-name")).to_have_text(business)
    expect(page.locator("#home-facilities")).to_contain_text(name)
    _shot(page, "home")
    assert_fits_screen(page)


def test_wizard_resumes_in_another_browser_and_back_keeps_the_answers(
    open_page: Callable[..., Page],
) -> None:
    first = open_page()
    name = f"Acme Woodland Yard {_tag()}"
    sign_in_demo(first, BUSINESS)
    wizard_id = _start_wizard(first)
    _fill_site(first, name, _street(), zip_code="95695")
    _expect_step(first, 3)
    first.dblclick("#wizard-confirm")  # a double click adds the facility once
    _expect_step(first, 4)
    _answer(first, {"HMOnSite": "Y", "OwnOrOperateUST": "Y"})
    first.click("#wizard-ba-next")
    _expect_step(first, 5)
    first.fill("#wizard-oo-Phone", "(530) 555-0177")
    first.click("#wizard-oo-back")  # Back saves what was typed on this step too
    _expect_step(first, 4)
    expect(first.locator("#wizard-ba-HMOnSite-Y")).to_be_checked()
    expect(first.locator("#wizard-ba-OwnOrOperateUST-Y")).to_be_checked()
    expect(first.locator("#wizard-ba-Recycle-N")).to_be_checked()
    expect(first.locator("#wizard-required")).to_contain_text(element_label(4))
    first.context.close()

    second = open_page()
    sign_in_demo(second, BUSINESS)
    facilities = second.locator("#home-facilities tbody tr", has_text=name)
    expect(facilities).to_have_count(1)
    resume = second.locator(f"#home-wizard-resume-{wizard_id}")
    expect(second.locator("#home-wizards")).to_contain_text(name)
    resume.click()
    expect(second).to_have_url(re.compile(rf"/facilities/add/?\?w={wizard_id}$"))
    wait_until_live(second)
    _expect_step(second, 4)
    expect(second.locator("#wizard-ba-HMOnSite-Y")).to_be_checked()
    expect(second.locator("#wizard-ba-OwnOrOperateUST-Y")).to_be_checked()
    expect(second.locator("#wizard-ba-HHWCollection-N")).to_be_checked()
    expect(second.locator("#wizard-required")).to_contain_text(element_label(4))
    second.click("#wizard-ba-next")
    _expect_step(second, 5)
    expect(second.locator("#wizard-oo-Phone")).to_have_value("(530) 555-0177")
    second.reload()  # a refresh shows the same step, read back from the database
    wait_until_live(second)
    _expect_step(second, 5)
    expect(second.locator("#wizard-oo-Phone")).to_have_value("(530) 555-0177")


def test_roles_on_the_facility_page_and_its_forms(
    open_page: Callable[..., Page], app_server: AppServer
) -> None:
    name = f"Acme Esparto Shop {_tag()}"
    [acme] = setup(app_server, ("organization_id", {"name": ACME}))
    [made] = setup(
        app_server,
        (
            "facility",
            {
                "lead": BUSINESS.username,
                "organization_id": acme["id"],
                "name": name,
                "street": _street(),
                "city": "Woodland",
                "zip_code": "95776",
            },
        ),
    )
    facility_page = f"/facilities/view?id={made['id']}"

    editor = open_page()
    sign_in_demo(editor, EDITOR)
    expect(editor.locator("#home-add-facility")).to_have_count(0)
    expect(editor.locator("#home-add-facility-refused")).to_have_text(
        f"Your role in {ACME} (Editor) does not allow you to add facilities: ask one of its "
        "Lead Users or Approvers."
    )
    editor.locator("#home-facilities tbody tr", has_text=name).get_by_role("link").click()
    expect(editor).to_have_url(url_of(facility_page.split("?")[0]))
    wait_until_live(editor)
    _expect_facility_page(editor, name, (element_label(1),))
    expect(editor.locator("#facility-role")).to_have_text("Editor")
    expect(editor.locator("#facility-manage")).to_have_count(0)  # Lead Users manage facilities
    editor.click("#facility-edit-activities")
    wait_until_live(editor)
    expect(editor.locator("#facility-draft-note")).to_be_visible()
    expect(editor.locator("#facility-form-facility")).to_contain_text(str(made["cers_id"]))
    for key in ACTIVITIES_KEYS:
        editor.check(f"#facility-ba-{key}-{'Y' if key == 'OwnOrOperateAPST' else 'N'}")
    expect(editor.locator("#facility-required")).to_contain_text(APSA)
    editor.click("#facility-ba-save")
    expect_toast(editor, "Business Activities saved.")
    _expect_facility_page(editor, name, (element_label(1), APSA))

    viewer = open_page()
    sign_in_demo(viewer, VIEWER)
    expect(viewer.locator("#home-add-facility-refused")).to_contain_text("(Viewer)")
    lead = open_page()
    sign_in_demo(lead, BUSINESS)
    visit(lead, facility_page)
    lead.click("#facility-manage")
    expect(lead).to_have_url(url_of("/facilities/manage"))
    wait_until_live(lead)
    expect(lead.locator("#manage-transfer")).to_be_visible()

    visit(viewer, facility_page)
    _expect_facility_page(viewer, name, (element_label(1), APSA))
    expect(viewer.locator("#facility-role")).to_have_text("Viewer")
    expect(viewer.locator("#facility-read-only")).to_be_visible()
    expect(viewer.locator("#facility-edit-activities")).to_have_count(0)
    expect(viewer.locator("#facility-edit-owner")).to_have_count(0)
    visit(viewer, f"/facilities/activities?id={made['id']}")
    expect_toast(viewer, "(Viewer) does not allow you to edit facility information", kind="error")
    expect(viewer).to_have_url(url_of("/facilities/view"))
    expect(viewer.locator("#facility-ba-form")).to_have_count(0)


def _person(server: AppServer, name: str) -> tuple[str, str, str]:
    """A new active account (username, password, phrase), made without the pages."""
    username, password, phrase = f"e2e{name}{_tag()}", "Velvet-Thunder-Orbit-48", "kites at dusk"
    setup(
        server,
        (
            "user",
            {
                "username": username,
                "email": f"{username}@example.com",
                "first_name": name.title(),
                "last_name": "Tester",
                "password": password,
                "phrase": phrase,
                "security_answer": "Pickles",
            },
        ),
    )
    return username, password, phrase


def test_a_possible_duplicate_is_asked_for_instead_of_added_twice(
    open_page: Callable[..., Page], app_server: AppServer
) -> None:
    tag, street = _tag(), _street()
    owner, _, _ = _person(app_server, "owner")
    asker, password, phrase = _person(app_server, "asker")
    [owned] = setup(app_server, ("business", {"lead": owner, "name": f"E2E Depots {tag}"}))
    [mine] = setup(app_server, ("business", {"lead": asker, "name": f"E2E Haulers {tag}"}))
    name = f"Putah Creek Depot {tag}"
    [existing] = setup(
        app_server,
        (
            "facility",
            {
                "lead": owner,
                "organization_id": owned["id"],
                "name": name,
                "street": street,
                "city": "Davis",
                "zip_code": "95616",
            },
        ),
    )

    page = open_page()
    sign_in(page, asker, password, phrase)
    _start_wizard(page)
    _fill_site(page, f"Depot Annex {tag}", street)
    _expect_step(page, 2)
    found = page.locator(f"#wizard-dup-{existing['id']}")
    expect(found).to_contain_text(name)
    expect(found).to_contain_text(str(existing["cers_id"]))
    page.click(f"#wizard-dup-access-{existing['id']}")
    page.select_option("#wizard-access-role", "editor")
    page.fill("#wizard-access-note", "I run the night shift at this depot.")
    page.click("#wizard-access-submit")
    expect(page.locator("#wizard-outcome")).to_contain_text("Your request for access was sent")

    visit(page, "/home")  # the finished wizard is no longer offered to resume
    expect(page.locator("#home-business-name")).to_have_text(f"E2E Haulers {tag}")
    expect(page.locator("#home-wizards")).to_have_count(0)
    _start_wizard(page)
    _fill_site(page, f"Depot Annex {tag}", street)
    _expect_step(page, 2)
    page.click(f"#wizard-dup-move-{existing['id']}")
    page.select_option("#wizard-move-business", str(mine["id"]))
    page.click("#wizard-move-submit")
    expect(page.locator("#wizard-outcome")).to_contain_text(
        "Your request to move the facility into your business was sent"
    )


def test_consultant_in_two_businesses_sees_only_the_chosen_ones_facilities(ui: Page) -> None:
    page = ui
    sign_in_demo(page, CONSULTANT, lands="/account/businesses")
    for chosen, role in ((ACME, "Approver"), (VALLEY, "Editor")):
        if chosen == VALLEY:
            page.click("#home-select-business")
        select_business(page, chosen)
        rows = page.locator("#home-facilities tbody tr")
        for demo_facility in FACILITIES:
            shown = 1 if demo_facility.business.name == chosen else 0
            expect(rows.filter(has_text=demo_facility.name)).to_have_count(shown)
        own = next(f for f in FACILITIES if f.business.name == chosen)
        rows.filter(has_text=own.name).locator("a").first.click()
        expect(page).to_have_url(re.compile(r"/facilities/view/?\?id=\d+$"))
        wait_until_live(page)
        expect(page.locator("#facility-business")).to_contain_text(chosen)
        expect(page.locator("#facility-role")).to_contain_text(role)
        visit(page, "/home")
