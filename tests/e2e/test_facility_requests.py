"""Facility requests in the browser: search and ask for access, answer requests, transfer,
merge and delete, archived facilities, and the system administrator's queue.

What a journey stands on (people, businesses, facilities, agencies) is made through the
services by tests/e2e/facility_setup.py, fresh for each test; the seeded Acme Plating Co. and its
Woodland Plant are used only to be found and joined by newcomers.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Locator, Page, expect

from cers_app.core.codes import county_code
from cers_app.demo import BUSINESS, REGULATOR, VIEWER
from cers_app.organizations.roles import ROLE_LABELS, OrgRole
from tests.e2e.facility_setup import setup
from tests.e2e.flows import (
    SHOTS,
    NewUser,
    assert_fits_screen,
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
YOLO = str(county_code("Yolo"))
PLANT = "Acme Plating - Woodland Plant"  # seeded at 1200 Main St, Woodland 95695
LEAD_DECIDES = "Decided by the business's Lead Users"
REGULATOR_DECIDES = "Decided by the regulator"


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def _person(server: AppServer, *, first_name: str = "Marisol", admin: bool = False) -> NewUser:
    """A new active account (it accepted the conditions of use)."""
    person = NewUser(first_name=first_name)
    setup(
        server,
        (
            "user",
            {
                "username": person.username,
                "email": person.email,
                "first_name": person.first_name,
                "last_name": person.last_name,
                "password": person.password,
                "phrase": person.phrase,
                "security_answer": person.security_answer,
                "system_admin": admin,
            },
        ),
    )
    return person


def _business(server: AppServer, lead: NewUser, name: str) -> dict[str, Any]:
    [made] = setup(server, ("business", {"lead": lead.username, "name": name}))
    return {**made, "name": name}


def _facility(
    server: AppServer,
    lead: NewUser,
    business: dict[str, Any],
    name: str,
    *,
    zip_code: str = "95695",
    city: str = "Woodland",
) -> dict[str, Any]:
    number = 100 + int(_tag(), 16) % 9000
    [made] = setup(
        server,
        (
            "facility",
            {
                "lead": lead.username,
                "organization_id": business["id"],
                "name": name,
                "street": f"{number} Industrial Way",
                "city": city,
                "zip_code": zip_code,
            },
        ),
    )
    return {**made, "name": name, "city": city}


def _woodland_plant(server: AppServer) -> dict[str, Any]:
    """The seeded Woodland Plant of Acme (made the same way if the seed does not have it)."""
    [acme] = setup(server, ("organization_id", {"name": ACME}))
    [plant] = setup(
        server,
        (
            "facility",
            {
                "lead": BUSINESS.username,
                "organization_id": acme["id"],
                "name": PLANT,
                "street": "1200 Main St",
                "city": "Woodland",
                "zip_code": "95695",
                "find_existing": True,
            },
        ),
    )
    return plant


def _sign_in(page: Page, person: NewUser, *, lands: str = "/home") -> None:
    sign_in(page, person.username, person.password, person.phrase, home=lands)


def _search(page: Page, query: str, shows: str = "#search-results") -> None:
    """Search, typing again when the page's load event renewed the form under the typing.

    The load event clears the form; text typed before it arrives is lost and the search runs
    empty ("Enter a CERS ID ..."), which a person would notice and retype.
    """
    for _attempt in range(3):
        page.fill("#search-query", query)
        page.click("#search-submit")
        try:
            expect(page.locator(shows)).to_be_visible(timeout=5_000)
            expect(page.locator("#search-query")).to_have_value(query, timeout=1_000)
            return
        except AssertionError:
            continue
    raise AssertionError(f"the search for {query!r} never showed {shows}")


def _result(page: Page, text: str) -> Locator:
    return page.locator("#search-results tbody tr", has_text=text)


def _my_request(page: Page, text: str) -> Locator:
    return page.locator("#request-mine tbody tr", has_text=text)


def _open_requests(page: Page) -> None:
    visit(page, "/business/requests")
    expect(page.locator("#request-mine, #request-mine-none").first).to_be_visible()


def _open_manage(page: Page, facility: dict[str, Any]) -> None:
    visit(page, f"/facilities/manage?id={facility['id']}")
    expect(page.locator("#manage-name")).to_have_text(facility["name"])


def test_second_run_on_the_same_address_requests_access_which_a_lead_user_approves(
    open_page: Callable[..., Page], app_server: AppServer, smtp_sink: SmtpSink
) -> None:
    """Someone adding their plant again is offered the facility already there, asks to join
    its business as Editor, and is let in by the business's Lead User."""
    plant = _woodland_plant(app_server)
    newcomer = _person(app_server, first_name="Tobias")
    note = f"I run the plating line at Woodland ({_tag()})."

    page = open_page()
    _sign_in(page, newcomer)
    expect(page.locator("#home-no-business")).to_be_visible()
    page.click("#home-add-facility")
    expect(page).to_have_url(re.compile(r"/facilities/add/?\?w=\d+$"))
    wait_until_live(page)
    page.fill("#wizard-site-name", "Woodland Plating Works")
    page.fill("#wizard-site-street", "1200 Main Street")
    page.fill("#wizard-site-city", "Woodland")
    page.fill("#wizard-site-zip", "95695")
    page.select_option("#wizard-site-county", YOLO)
    page.click("#wizard-site-next")
    duplicate = page.locator(f"#wizard-dup-{plant['id']}")
    expect(duplicate).to_contain_text(PLANT)
    expect(duplicate).to_contain_text(str(plant["cers_id"]))
    expect(page.locator("#wizard-duplicates")).not_to_contain_text(ACME)  # site, not business
    page.click(f"#wizard-dup-access-{plant['id']}")
    page.select_option("#wizard-access-role", OrgRole.EDITOR.value)
    page.fill("#wizard-access-note", note)
    before = smtp_sink.mark()
    page.click("#wizard-access-submit")
    expect(page.locator("#wizard-outcome")).to_contain_text("Your request for access was sent")
    asked = smtp_sink.wait_for(
        BUSINESS.email, "Request to decide: access to a business as Editor", since=before
    )
    assert note in asked.text

    page.click("#wizard-requests")
    expect(page).to_have_url(url_of("/business/requests"))
    wait_until_live(page)
    mine = _my_request(page, PLANT)
    expect(mine).to_contain_text("Pending")
    expect(mine).to_contain_text(LEAD_DECIDES)
    expect(page.locator("#request-mine")).not_to_contain_text(ACME)  # not before being let in
    expect(page.locator("#request-queue")).to_have_count(0)  # no business to answer for

    lead = open_page()
    sign_in_demo(lead, BUSINESS)
    lead.click("#home-requests")
    expect(lead).to_have_url(url_of("/business/requests"))
    asking = lead.locator("[id^='request-answer-']", has_text=note)
    expect(asking).to_contain_text(f"{newcomer.display_name} asks to join as Editor")
    expect(asking).to_contain_text(PLANT)
    asking.locator("[id^='request-approve-']").click()
    lead.fill("#request-comment", "Welcome aboard, Tobias.")
    lead.click("#request-confirm")
    expect_toast(lead, f"Approved: {newcomer.display_name} was added to the business")
    expect(asking).to_have_count(0)
    decided = smtp_sink.wait_for(newcomer.email, "Your request was approved", since=before)
    assert "Welcome aboard, Tobias." in decided.text
    assert PLANT in decided.text

    visit(page, "/home")
    expect(page.locator("#home-business-name")).to_have_text(ACME)
    expect(page.locator("#home-business-role")).to_have_text(ROLE_LABELS[OrgRole.EDITOR])
    expect(page.locator("#home-facilities tbody tr", has_text=PLANT)).to_have_count(1)
    _open_requests(page)
    mine = _my_request(page, PLANT)
    expect(mine).to_contain_text("Approved")
    expect(mine).to_contain_text(ACME)
    expect(mine).to_contain_text("Welcome aboard, Tobias.")
    expect(mine.locator("[id^='request-withdraw-']")).to_have_count(0)


def test_search_finds_a_facility_by_cers_id_and_by_name(ui: Page, app_server: AppServer) -> None:
    owner = _person(app_server)
    business = _business(app_server, owner, f"E2E Owner {_tag()}")
    name = f"Quillback Anodizing {_tag()}"
    facility = _facility(app_server, owner, business, name)

    sign_in_demo(ui, VIEWER)
    visit(ui, "/facilities/search")
    _search(ui, str(facility["cers_id"]))
    expect(ui.locator("#search-results tbody tr")).to_have_count(1)
    row = _result(ui, name)
    expect(row).to_contain_text(str(facility["cers_id"]))
    expect(row).to_contain_text(facility["street"])
    expect(row).to_contain_text("Woodland")
    expect(ui.locator("#search-results")).not_to_contain_text(business["name"])

    _search(ui, name.split()[0].lower() + " " + name.split()[1].lower()[:4])
    expect(_result(ui, name)).to_contain_text(str(facility["cers_id"]))

    _search(ui, "ab", shows="#search-query-error")
    expect(ui.locator("#search-query-error")).to_contain_text("at least 3 letters")
    _search(ui, f"Nowhere Works {_tag()}", shows="#search-none")
    expect(ui.locator("#search-results")).to_have_count(0)


def test_lead_user_of_two_businesses_transfers_a_facility_at_once(
    ui: Page, app_server: AppServer, smtp_sink: SmtpSink
) -> None:
    lead = _person(app_server)
    origin_name, receiver_name = f"E2E Origin {_tag()}", f"E2E Receiver {_tag()}"
    origin = _business(app_server, lead, origin_name)
    _business(app_server, lead, receiver_name)
    facility = _facility(app_server, lead, origin, f"Origin Yard {_tag()}")

    _sign_in(ui, lead, lands="/account/businesses")  # two businesses, none chosen yet
    select_business(ui, origin_name)
    _open_manage(ui, facility)
    expect(ui.locator("#manage-business")).to_contain_text(origin_name)
    expect(ui.locator("#manage-facility-link")).to_have_attribute(
        "href", re.compile(rf"/facilities/view/?\?id={facility['id']}$")
    )
    expect(ui.locator("#manage-pending-none")).to_be_visible()
    before = smtp_sink.mark()
    ui.select_option("#manage-transfer-business", label=receiver_name)
    ui.fill("#manage-transfer-note", "The yard now belongs to our sister company.")
    ui.click("#manage-transfer-submit")
    expect_toast(ui, f"{facility['name']} now belongs to {receiver_name}.")
    expect(ui.locator("#manage-business")).to_contain_text(receiver_name)
    smtp_sink.wait_for(
        lead.email,
        f"{facility['name']} (CERS ID {facility['cers_id']}) moved to {receiver_name}",
        since=before,
    )

    visit(ui, "/home")
    expect(ui.locator("#home-business-name")).to_have_text(origin_name)
    ui.click("#home-archived")
    expect(ui).to_have_url(url_of("/business/archived"))
    row = ui.locator("#archived-table tbody tr", has_text=facility["name"])
    expect(row).to_contain_text(str(facility["cers_id"]))
    expect(row).to_contain_text(receiver_name)
    expect(ui.locator("main")).to_contain_text(f"Facilities transferred out of {origin_name}")


def test_a_request_for_the_regulator_stays_pending_and_can_be_withdrawn(
    ui: Page, app_server: AppServer, smtp_sink: SmtpSink
) -> None:
    regulator_inbox = f"cupa-{_tag()}@example.org"
    [agency] = setup(app_server, ("agency", {"email": regulator_inbox}))
    owner = _person(app_server)
    business = _business(app_server, owner, f"E2E Mistakes {_tag()}")
    facility = _facility(
        app_server, owner, business, f"Typo Site {_tag()}", zip_code=agency["zip"], city="Lodi"
    )

    _sign_in(ui, owner)
    _open_manage(ui, facility)
    before = smtp_sink.mark()
    ui.fill("#manage-delete-note", "Added twice by mistake.")
    ui.click("#manage-delete-submit")
    expect_toast(ui, "The deletion was requested; the regulator decides")
    pending = ui.locator("#manage-pending tbody tr", has_text="delete a facility")
    expect(pending).to_contain_text(owner.display_name)
    expect(pending).to_contain_text(REGULATOR_DECIDES)
    asked = smtp_sink.wait_for(
        regulator_inbox, "Request to decide: delete a facility", since=before
    )
    assert facility["name"] in asked.text and "Added twice by mistake." in asked.text

    # Asking twice is refused while the first request waits.
    ui.click("#manage-delete-submit")
    expect_toast(ui, "You already asked for this", kind="error")

    _open_requests(ui)
    mine = _my_request(ui, facility["name"])
    expect(mine).to_contain_text("delete a facility")
    expect(mine).to_contain_text("Pending")
    expect(mine).to_contain_text(REGULATOR_DECIDES)
    mine.locator("[id^='request-withdraw-']").click()
    expect_toast(ui, "Your request was withdrawn.")
    expect(mine).to_contain_text("Withdrawn")
    expect(mine.locator("[id^='request-withdraw-']")).to_have_count(0)

    _open_manage(ui, facility)
    expect(ui.locator("#manage-pending-none")).to_be_visible()


def test_system_administrator_approves_a_multi_jurisdiction_access_request(
    open_page: Callable[..., Page], app_server: AppServer, smtp_sink: SmtpSink
) -> None:
    # A business with facilities in two agencies' areas; the first verifies Lead Users.
    [verifying, other] = setup(app_server, ("agency", {"verify_lead_access": True}), ("agency", {}))
    owner = _person(app_server)
    business_name = f"E2E Two Counties {_tag()}"
    business = _business(app_server, owner, business_name)
    north = _facility(
        app_server, owner, business, f"North Depot {_tag()}", zip_code=verifying["zip"]
    )
    _facility(app_server, owner, business, f"South Depot {_tag()}", zip_code=other["zip"])
    requester = _person(app_server, first_name="Imelda")
    admin = _person(app_server, first_name="Ada", admin=True)
    note = f"New environmental manager ({_tag()})."

    page = open_page()
    _sign_in(page, requester)
    visit(page, "/facilities/search")
    _search(page, str(north["cers_id"]))
    page.click(f"#search-request-access-{north['id']}")
    page.select_option("#search-access-role", OrgRole.LEAD.value)
    page.fill("#search-access-note", note)
    page.click("#search-access-submit")
    expect_toast(page, f"Your request for access to {north['name']} was sent.")
    _open_requests(page)
    expect(_my_request(page, north["name"])).to_contain_text("Decided by the system administrator")

    desk = open_page()
    _sign_in(desk, admin)
    desk.click("#nav-admin")
    expect(desk).to_have_url(url_of("/admin"))
    row = desk.locator("#admin-requests tbody tr", has_text=note)
    expect(row).to_contain_text(requester.display_name)
    expect(row).to_contain_text(business_name)
    expect(row).to_contain_text(north["name"])
    expect(row).to_contain_text(ROLE_LABELS[OrgRole.LEAD])
    before = smtp_sink.mark()
    row.locator("[id^='admin-request-approve-']").click()
    expect(desk.locator("#admin-request-decision")).to_contain_text(requester.display_name)
    desk.fill("#admin-request-comment", "Confirmed with the owner by phone.")
    desk.click("#admin-request-confirm")
    expect_toast(desk, f"Approved: {requester.display_name} was added to the business")
    expect(row).to_have_count(0)
    decided = smtp_sink.wait_for(requester.email, "Your request was approved", since=before)
    assert "Confirmed with the owner by phone." in decided.text

    visit(page, "/home")
    expect(page.locator("#home-business-name")).to_have_text(business_name)
    expect(page.locator("#home-business-role")).to_have_text(ROLE_LABELS[OrgRole.LEAD])


def test_merge_approved_by_the_regulator_keeps_the_retired_cers_id_findable(
    ui: Page, app_server: AppServer, smtp_sink: SmtpSink
) -> None:
    lead = _person(app_server)
    business = _business(app_server, lead, f"E2E Duplicates {_tag()}")
    keep = _facility(app_server, lead, business, f"Keeper Plant {_tag()}")
    twin = _facility(app_server, lead, business, f"Keeper Plant Twin {_tag()}")

    _sign_in(ui, lead)
    _open_manage(ui, twin)
    ui.select_option("#manage-merge-survivor", value=str(keep["id"]))
    ui.fill("#manage-merge-note", "Entered twice when we moved offices.")
    ui.click("#manage-merge-submit")
    expect_toast(ui, "The merge was requested; the regulator decides")
    expect(
        ui.locator("#manage-pending tbody tr", has_text="merge duplicate facilities")
    ).to_contain_text(REGULATOR_DECIDES)
    # The facility to keep shows the request too.
    _open_manage(ui, keep)
    expect(
        ui.locator("#manage-pending tbody tr", has_text="merge duplicate facilities")
    ).to_have_count(1)
    expect(ui.locator("#manage-merge-survivor option", has_text=twin["name"])).to_have_count(1)

    before = smtp_sink.mark()
    setup(
        app_server,
        ("decide", {"username": REGULATOR.username, "facility_id": twin["id"], "approve": True}),
    )
    smtp_sink.wait_for(
        lead.email, "Your request was approved: merge duplicate facilities", since=before
    )
    _open_manage(ui, keep)
    expect(ui.locator("#manage-pending-none")).to_be_visible()
    expect(ui.locator("#manage-merge-none")).to_be_visible()  # the twin is retired

    visit(ui, "/facilities/search")
    _search(ui, str(twin["cers_id"]))
    row = _result(ui, keep["name"])
    expect(row).to_contain_text(str(keep["cers_id"]))
    expect(row).to_contain_text(f"CERS ID {twin['cers_id']} was merged into this facility.")
    _open_requests(ui)
    expect(_my_request(ui, twin["name"])).to_contain_text("Approved")


def test_facility_found_in_search_moves_in_once_the_regulator_approves(
    open_page: Callable[..., Page], app_server: AppServer, smtp_sink: SmtpSink
) -> None:
    seller = _person(app_server)
    seller_business = _business(app_server, seller, f"E2E Seller {_tag()}")
    site = _facility(app_server, seller, seller_business, f"Sold Depot {_tag()}")
    buyer = _person(app_server, first_name="Rosalind")
    buyer_business = _business(app_server, buyer, f"E2E Buyer {_tag()}")

    page = open_page()
    _sign_in(page, buyer)
    page.click("#home-search-facilities")
    expect(page).to_have_url(url_of("/facilities/search"))
    wait_until_live(page)
    _search(page, site["name"])
    page.click(f"#search-take-{site['id']}")
    expect(page.locator("#search-results")).to_have_count(0)  # the form takes their place
    page.select_option("#search-take-business", label=buyer_business["name"])
    page.fill("#search-take-note", "We bought the depot on March 1.")
    page.click("#search-take-submit")
    expect_toast(page, f"Your request to move {site['name']} into {buyer_business['name']}")
    _open_requests(page)
    mine = _my_request(page, site["name"])
    expect(mine).to_contain_text("move a facility into their business")
    expect(mine).to_contain_text(buyer_business["name"])
    expect(mine).to_contain_text(REGULATOR_DECIDES)

    before = smtp_sink.mark()
    setup(
        app_server,
        (
            "decide",
            {
                "username": REGULATOR.username,
                "facility_id": site["id"],
                "approve": True,
                "comment": "Bill of sale received.",
            },
        ),
    )
    smtp_sink.wait_for(buyer.email, "Your request was approved", since=before)
    visit(page, "/home")
    expect(page.locator("#home-facilities tbody tr", has_text=site["name"])).to_have_count(1)

    old = open_page()
    _sign_in(old, seller)
    expect(old.locator("#home-facilities-none")).to_be_visible()  # its only facility left
    old.click("#home-archived")
    row = old.locator("#archived-table tbody tr", has_text=site["name"])
    expect(row).to_contain_text(buyer_business["name"])


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)


def test_request_pages_fit_a_phone(open_page: Callable[..., Page], app_server: AppServer) -> None:
    lead = _person(app_server, first_name="Xiomara")
    home_name = f"E2E Abernathy-Villanueva Metal Finishing {_tag()}"
    home = _business(app_server, lead, home_name)
    sister_name = f"E2E Sister {_tag()}"
    _business(app_server, lead, sister_name)
    long_name = f"Abernathy Metal Finishing North Annex {_tag()}"
    facility = _facility(app_server, lead, home, long_name)
    moved = _facility(app_server, lead, home, f"Moved Away {_tag()}")
    asker = _person(app_server, first_name="Bartholomew")
    setup(
        app_server,
        (
            "request_access",
            {
                "username": asker.username,
                "facility_id": facility["id"],
                "role": OrgRole.APPROVER.value,
                "note": "I prepare the annual hazardous materials business plan for the annex.",
            },
        ),
    )

    page = open_page(phone=True)
    _sign_in(page, lead, lands="/account/businesses")
    select_business(page, home_name)
    _shot(page, "business-home-menu")
    assert_fits_screen(page)

    visit(page, "/facilities/search")
    _search(page, long_name)
    page.click(f"#search-request-access-{facility['id']}")
    expect(page.locator("#search-access-role")).to_be_visible()
    _shot(page, "facility-search")
    assert_fits_screen(page)

    _open_manage(page, moved)
    page.select_option("#manage-transfer-business", label=sister_name)
    page.click("#manage-transfer-submit")
    expect_toast(page, f"now belongs to {sister_name}")
    _open_manage(page, facility)
    page.fill("#manage-delete-note", "Duplicate of the main plant.")
    page.click("#manage-delete-submit")
    expect(page.locator("#manage-pending tbody tr")).to_have_count(2)
    _shot(page, "manage-facility")
    assert_fits_screen(page)

    _open_requests(page)
    page.locator("[id^='request-reject-']").first.click()
    expect(page.locator("#request-comment")).to_be_visible()
    expect(_my_request(page, long_name)).to_be_visible()
    _shot(page, "requests")
    assert_fits_screen(page)

    visit(page, "/business/archived")
    expect(page.locator("#archived-table tbody tr")).to_have_count(1)
    _shot(page, "archived-facilities")
    assert_fits_screen(page)
