"""Underground storage tanks and APSA in the browser: a facility answering Yes to both starts
both elements, fills the UST Facility Information form, adds two tanks with their monitoring
plans (the second with the first one's tank ID: flagged Required until it is renamed), fills
the APSA form, and submits both with Facility Information.

The facility and its Facility Information come from the services
(tests/e2e/submittal_setup.py); the elements go through the pages.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS
from cers_app.submittals import element_forms, ust_facility_form, ust_records
from cers_app.submittals.demo_ust import FACILITY_FORM, MONITORING_PLAN, TANKS
from cers_app.submittals.element_forms import FormDef
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
from tests.unit.submittals.test_apsa_form import COMPLETE as APSA_FORM

ACME = "Acme Plating Co."
UST, APSA = 4, 9
FINANCIAL_RESPONSIBILITY, APSA_DOCUMENT = 29, 49
FACILITY, FORM = "/facilities/view", "/facilities/element-form"
RECORDS, RECORD = "/facilities/element-records", "/facilities/element-record"
SUBMIT, SUBMITTED = "/facilities/submit", "/facilities/submitted"
TANK_FORM, MONITORING_FORM = (part.form for part in ust_records.TANKS.parts)


def _fill(page: Page, form: FormDef, values: dict[str, str], prefix: str) -> None:
    """Type `values` into a form's fields as a person would: radios, selects and inputs."""
    for key, value in values.items():
        field = form.field(key)
        assert field is not None, key
        target = f"#{prefix}{key}"
        if field.kind == element_forms.YESNO:
            page.check(f"{target}-{value}")
        elif field.kind == element_forms.CHOICE:
            page.select_option(target, value)
        else:
            page.fill(target, value)


def _stored_at_facility(page: Page, slot: int, cers_id: int) -> None:
    wait_until_live(page)
    page.select_option(f"#doc-source-{slot}", "6")  # Stored at Facility
    page.fill(f"#doc-stored-at-{slot}", str(cers_id))
    page.click(f"#doc-save-{slot}")
    expect(page.locator(f"#doc-source-{slot}")).to_have_value("6")


def _start(page: Page, facility_id: int, element: int, slot: int, cers_id: int) -> None:
    """Start the element from the facility page; its documents page opens: answer `slot`."""
    visit(page, f"{FACILITY}?id={facility_id}")
    page.click(f"#element-start-{element}")
    expect(page.locator(f"#doc-slot-{slot}")).to_be_visible()
    _stored_at_facility(page, slot, cers_id)


def _add_tank(page: Page, values: dict[str, str]) -> None:
    """From the records list: add a tank, fill its information and its monitoring plan."""
    wait_until_live(page)
    page.fill("#record-add-tank-TankIDNumber", values["TankIDNumber"])
    page.click("#record-add-tank")
    expect(page).to_have_url(url_of(RECORD))
    wait_until_live(page)
    _fill(page, TANK_FORM, values, "record-tank-")
    page.click("#record-part-tank-save")
    expect_toast(page, "Tank Information saved")
    expect(page.locator("#record-part-monitoring-missing")).to_be_visible()
    _fill(page, MONITORING_FORM, MONITORING_PLAN, "record-monitoring-")
    page.click("#record-part-monitoring-save")
    expect_toast(page, "Monitoring Plan saved")
    expect(page.locator("#record-part-monitoring-missing")).to_have_count(0)


def test_a_facility_adds_tanks_fixes_a_duplicate_id_and_submits_ust_and_apsa(
    app_server: AppServer, ui: Page
):
    made = new_facility(app_server, BUSINESS.username, ACME, "Acme Tank Farm", "Fifth St")
    [filled] = setup(
        app_server,
        (
            "facility_information",
            {
                "lead": BUSINESS.username,
                "facility_id": made["id"],
                "yes": ["OwnOrOperateUST", "OwnOrOperateAPST"],
            },
        ),
    )
    assert filled["required"] == [1, UST, APSA]
    facility_id, cers_id, page = made["id"], made["cers_id"], ui
    sign_in_demo(page, BUSINESS)

    # Both elements started, each with its required document kept at the facility.
    _start(page, facility_id, UST, FINANCIAL_RESPONSIBILITY, cers_id)
    _start(page, facility_id, APSA, APSA_DOCUMENT, cers_id)

    # The UST Facility Information form: a short storage fee account number is refused by
    # field and kept, then corrected.
    visit(page, f"{FACILITY}?id={facility_id}")
    page.click(f"#element-form-link-{UST}")
    expect(page).to_have_url(url_of(FORM))
    wait_until_live(page)
    _fill(page, ust_facility_form.FORM, {**FACILITY_FORM, "BOENumber": "44-0123"}, "element-form-")
    page.click("#element-form-save")
    expect(page.locator("#element-form-BOENumber-error")).to_be_visible()
    expect(page.locator("#element-form-BOENumber")).to_have_value("44-0123")
    expect(page.locator("#element-form-TOwnerType")).to_have_value("8")  # the choice kept
    page.fill("#element-form-BOENumber", FACILITY_FORM["BOENumber"])
    page.click("#element-form-save")
    expect_toast(page, "saved")
    expect(page.locator("#element-form-BOENumber-error")).to_have_count(0)

    # The tanks: none yet is a Required finding (1014); T-1 with its monitoring plan.
    visit(page, f"{FACILITY}?id={facility_id}")
    page.click(f"#element-records-link-{UST}")
    expect(page).to_have_url(url_of(RECORDS))
    expect(page.locator("#record-findings")).to_contain_text("1014")
    _add_tank(page, TANKS[0])

    # A second tank with the same ID: both flagged Required (1048) until it is renamed.
    page.click("#record-list-link")
    expect(page).to_have_url(url_of(RECORDS))
    _add_tank(page, {**TANKS[1], "TankIDNumber": "T-1"})
    expect(page.locator("#record-findings")).to_contain_text("1048")
    page.click("#record-list-link")
    expect(page.locator("#record-findings")).to_contain_text("1048")
    expect(page.locator("[id^=record-duplicate-tank-]")).to_have_count(2)
    assert_fits_screen(page)
    page.click("#record-open-tank-2")
    expect(page).to_have_url(url_of(RECORD))
    wait_until_live(page)
    page.fill("#record-tank-TankIDNumber", "T-2")
    page.click("#record-part-tank-save")
    expect(page.locator("#record-findings")).to_have_count(0)
    page.click("#record-list-link")
    expect(page.locator("#record-label-tank-2")).to_have_text("Tank T-2")
    expect(page.locator("[id^=record-duplicate-tank-]")).to_have_count(0)
    expect(page.locator("#record-findings")).to_have_count(0)

    # The APSA form.
    visit(page, f"{FORM}?id={facility_id}&element={APSA}")
    wait_until_live(page)
    _fill(page, element_forms.form_for(APSA), APSA_FORM, "element-form-")
    page.click("#element-form-save")
    expect_toast(page, "saved")

    # Submit UST and APSA with Facility Information.
    visit(page, f"{SUBMIT}?id={facility_id}")
    for element in (1, UST, APSA):
        expect(page.locator(f"#submit-tick-{element}")).to_be_checked()
    page.fill("#submit-certifier-title", "Owner")
    page.check("#submit-certified")
    page.click("#submit-send")
    expect(page).to_have_url(url_of(SUBMITTED))
    wait_until_live(page)
    lines = page.locator("#receipt-lines")
    expect(lines).to_contain_text("Facility Information")
    expect(lines).to_contain_text("Underground Storage Tanks")
    expect(lines).to_contain_text("Aboveground Petroleum")
