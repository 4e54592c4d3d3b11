"""Businesses and their people in the browser: adding, inviting, switching, removing, editing.

Journeys that change a business make their own (a fresh user creates it); the seeded demo
businesses only gain fresh people, and no demo person's role ever changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from playwright.sync_api import Page, expect

from cers_app.demo import BUSINESS, CONSULTANT, SECOND_LEAD, VIEWER, DemoUser
from cers_app.organizations.roles import ROLE_LABELS, OrgRole
from cers_app.organizations.service import LAST_LEAD, NOT_FOUND
from tests.e2e.flows import (
    SHOTS,
    NewUser,
    activate,
    activation_link,
    assert_fits_screen,
    business_row,
    complete_sign_up,
    create_account,
    create_business,
    expect_refused,
    expect_toast,
    fill_add_person,
    invitation_row,
    open_people,
    person_row,
    select_business,
    shown_texts,
    sign_in,
    sign_in_demo,
    url_of,
    visit,
    wait_for_toasts_to_close,
    wait_until_live,
    was_shown,
    watch_for,
)
from tests.e2e.smtp_sink import SmtpSink

ACME = "Acme Plating Co."
VALLEY = "Valley Fuel Depot"
ACME_ONLY = (BUSINESS, VIEWER)  # people of Acme who are not in Valley Fuel Depot
PEOPLE = "#people-table"


def _name(demo: DemoUser) -> str:
    return f"{demo.first_name} {demo.last_name}"


def _not_allowed(business: str, role: OrgRole, what: str) -> str:
    return f"Your role in {business} ({ROLE_LABELS[role]}) does not allow you to {what}."


def _manage_people_refused(business: str, role: OrgRole) -> str:
    return _not_allowed(business, role, "manage the business's people")


def _expect_home(page: Page, business: str, role: OrgRole) -> None:
    """The home page and the header show `business` and the role in it, and nothing else."""
    expect(page).to_have_url(url_of("/home"))
    expect(page.locator("#home-business-name")).to_have_text(business)
    expect(page.locator("#home-business-role")).to_have_text(ROLE_LABELS[role])
    expect(page.locator("#nav-business")).to_have_text(business)
    for other in {ACME, VALLEY} - {business}:
        expect(page.locator("#home-business")).not_to_contain_text(other)
        expect(page.locator("header")).not_to_contain_text(other)
    lead = role is OrgRole.LEAD
    expect(page.locator("#home-manage-people")).to_have_count(1 if lead else 0)
    expect(page.locator("#home-edit-organization")).to_have_count(1 if lead else 0)
    expect(page.locator("#home-select-business")).to_be_visible()


def _new_business_name() -> str:
    return f"E2E Foundry {uuid.uuid4().hex[:8]}"


def test_lead_user_adds_an_editor_by_email(
    open_page: Callable[..., Page], smtp_sink: SmtpSink
) -> None:
    newcomer = open_page()
    editor = create_account(newcomer, smtp_sink)

    lead = open_page()
    sign_in_demo(lead, BUSINESS)
    _expect_home(lead, ACME, OrgRole.LEAD)
    lead.click("#home-manage-people")
    expect(lead).to_have_url(url_of("/business/people"))
    expect(lead.locator(PEOPLE)).to_be_visible()
    before = smtp_sink.mark()
    fill_add_person(lead, editor.email, editor.display_name, OrgRole.EDITOR, title="Safety Lead")
    expect_toast(lead, f"{editor.display_name} was added as Editor and told by email.")
    row = person_row(lead, editor.username)
    expect(row).to_contain_text(editor.email)
    expect(row).to_contain_text("Safety Lead")
    expect(row).to_contain_text(ROLE_LABELS[OrgRole.EDITOR])
    expect(lead.locator("#add-person-who")).to_have_value("")  # a fresh form for the next one
    added = smtp_sink.wait_for(editor.email, f"You were added to {ACME}", since=before)
    assert f"{_name(BUSINESS)} added you to the business {ACME} as Editor" in added.text
    added.link("/account/businesses")  # it links to My Businesses

    sign_in(newcomer, editor.username, editor.password, editor.phrase)
    _expect_home(newcomer, ACME, OrgRole.EDITOR)
    expect_refused(
        newcomer,
        "/business/people",
        _manage_people_refused(ACME, OrgRole.EDITOR),
        hidden=PEOPLE,
        goes_to="/home",
    )
    expect(newcomer.locator("#home-business-name")).to_have_text(ACME)


def test_invitation_to_an_unknown_address_completes_after_sign_up(
    open_page: Callable[..., Page], smtp_sink: SmtpSink
) -> None:
    invitee = NewUser(first_name="Dolores", last_name="Whitfield", mailbox_tag="+cers")

    lead = open_page()
    sign_in_demo(lead, BUSINESS)
    open_people(lead, ACME)
    before = smtp_sink.mark()
    fill_add_person(lead, invitee.email, invitee.display_name, OrgRole.APPROVER)
    expect_toast(lead, f"{invitee.email} has no active account yet: an invitation was emailed.")
    pending = invitation_row(lead, invitee.email)
    expect(pending).to_contain_text(invitee.display_name)
    expect(pending).to_contain_text(ROLE_LABELS[OrgRole.APPROVER])
    expect(person_row(lead, invitee.email)).to_have_count(0)
    mail = smtp_sink.wait_for(invitee.email, f"invited you to {ACME}", since=before)
    assert mail.subject == f"{_name(BUSINESS)} invited you to {ACME} in OpenCERS"

    guest = open_page()
    guest.goto(mail.link("/invitation"))
    wait_until_live(guest)
    expect(guest.locator("#invitation-offer")).to_have_text(
        f"{_name(BUSINESS)} invited you to join {ACME} as Approver."
    )
    expect(guest.locator("#invitation-sign-in")).to_be_visible()
    expect(guest.locator("#invitation-accept")).to_have_count(0)  # nobody is signed in
    guest.click("#invitation-sign-up")
    expect(guest).to_have_url(url_of("/signup"))
    complete_sign_up(guest, invitee, email_filled_in=True)
    activate(guest, activation_link(smtp_sink, invitee), invitee)
    sign_in(guest, invitee.username, invitee.password, invitee.phrase)
    _expect_home(guest, ACME, OrgRole.APPROVER)

    open_people(lead, ACME)
    expect(person_row(lead, invitee.username)).to_contain_text(ROLE_LABELS[OrgRole.APPROVER])
    expect(invitation_row(lead, invitee.email)).to_have_count(0)

    # The link has done its work: opening it again says so instead of offering it twice.
    guest.goto(mail.link("/invitation"))
    expect(guest.locator("#invitation-problem")).to_have_text(
        "This invitation was already accepted."
    )


def test_signed_in_person_accepts_an_invitation_sent_to_another_address(
    open_page: Callable[..., Page], smtp_sink: SmtpSink
) -> None:
    """Someone invited at an address their account does not use accepts with the link."""
    member_page = open_page()
    member = create_account(member_page, smtp_sink)
    sign_in(member_page, member.username, member.password, member.phrase)
    expect(member_page.locator("#home-no-business")).to_be_visible()
    work_address = f"{member.username}.work@example.com"

    lead = open_page()
    sign_in_demo(lead, BUSINESS)
    open_people(lead, ACME)
    before = smtp_sink.mark()
    fill_add_person(lead, work_address, member.display_name, OrgRole.VIEWER)
    expect(invitation_row(lead, work_address)).to_contain_text(ROLE_LABELS[OrgRole.VIEWER])
    mail = smtp_sink.wait_for(work_address, f"invited you to {ACME}", since=before)

    member_page.goto(mail.link("/invitation"))
    wait_until_live(member_page)
    expect(member_page.locator("#invitation-offer")).to_contain_text(ACME)
    expect(member_page.locator("#invitation-sign-up")).to_have_count(0)
    member_page.click("#invitation-accept")
    expect_toast(member_page, f"You joined {ACME} as Viewer.")
    _expect_home(member_page, ACME, OrgRole.VIEWER)

    open_people(lead, ACME)
    expect(person_row(lead, member.username)).to_contain_text(ROLE_LABELS[OrgRole.VIEWER])
    expect(invitation_row(lead, work_address)).to_have_count(0)


def test_consultant_switches_between_two_businesses(ui: Page) -> None:
    page = ui
    sign_in_demo(page, CONSULTANT, lands="/account/businesses")  # two businesses, none chosen
    expect(page.locator("#businesses-table tbody tr")).to_have_count(2)
    expect(business_row(page, ACME)).to_contain_text(ROLE_LABELS[OrgRole.APPROVER])
    expect(business_row(page, VALLEY)).to_contain_text(ROLE_LABELS[OrgRole.EDITOR])
    expect(page.locator("#nav-business")).to_have_count(0)

    select_business(page, ACME)
    _expect_home(page, ACME, OrgRole.APPROVER)
    expect_refused(
        page,
        "/business/people",
        _manage_people_refused(ACME, OrgRole.APPROVER),
        hidden=PEOPLE,
        goes_to="/home",
    )

    page.click("#home-select-business")
    expect(page).to_have_url(url_of("/account/businesses"))
    expect(business_row(page, ACME)).to_contain_text("Current")
    expect(business_row(page, VALLEY).locator("[id^='business-select-']")).to_be_visible()
    select_business(page, VALLEY)
    _expect_home(page, VALLEY, OrgRole.EDITOR)
    expect_refused(
        page,
        "/business/people",
        _manage_people_refused(VALLEY, OrgRole.EDITOR),
        hidden=PEOPLE,
        goes_to="/home",
    )
    expect(page.locator("#nav-business")).to_have_text(VALLEY)


def test_manage_people_lists_only_that_business(open_page: Callable[..., Page]) -> None:
    valley = open_page()
    sign_in_demo(valley, SECOND_LEAD)
    _expect_home(valley, VALLEY, OrgRole.LEAD)
    open_people(valley, VALLEY)
    expect(person_row(valley, SECOND_LEAD.username)).to_contain_text(ROLE_LABELS[OrgRole.LEAD])
    expect(person_row(valley, CONSULTANT.username)).to_contain_text(ROLE_LABELS[OrgRole.EDITOR])
    for outsider in ACME_ONLY:
        expect(person_row(valley, outsider.username)).to_have_count(0)
    expect(valley.locator("main")).not_to_contain_text(ACME)

    acme = open_page()
    sign_in_demo(acme, BUSINESS)
    open_people(acme, ACME)
    expect(person_row(acme, CONSULTANT.username)).to_contain_text(ROLE_LABELS[OrgRole.APPROVER])
    expect(person_row(acme, SECOND_LEAD.username)).to_have_count(0)
    expect(acme.locator("main")).not_to_contain_text(VALLEY)


def test_removed_member_is_refused_on_the_page_left_open(
    open_page: Callable[..., Page], smtp_sink: SmtpSink
) -> None:
    first_page, second_page = open_page(), open_page()
    first = create_account(first_page, smtp_sink)
    second = create_account(second_page, smtp_sink)
    business = _new_business_name()

    # The second signs in before belonging anywhere; their session has no business yet.
    sign_in(second_page, second.username, second.password, second.phrase)
    expect(second_page.locator("#home-no-business")).to_be_visible()

    sign_in(first_page, first.username, first.password, first.phrase)
    expect(first_page.locator("#home-no-business")).to_be_visible()
    create_business(first_page, business, "Fresno, CA")
    expect(first_page.locator("#nav-business")).to_have_text(business)
    open_people(first_page, business)
    fill_add_person(first_page, second.email, second.display_name, OrgRole.LEAD)
    expect_toast(first_page, f"{second.display_name} was added as Lead User")

    # Manage People opened straight away works: their only business is taken as selected.
    open_people(second_page, business)
    expect(second_page.locator("#nav-business")).to_have_text(business)
    expect(person_row(second_page, first.username)).to_be_visible()
    expect(person_row(second_page, second.username)).to_contain_text("(you)")

    # The first Lead User removes the second, whose Manage People stays open meanwhile.
    before = smtp_sink.mark()
    open_people(first_page, business)
    person_row(first_page, second.username).locator("[id^='person-remove-']").click()
    expect(first_page.locator("#confirm-remove")).to_contain_text(second.display_name)
    first_page.click("#person-confirm-remove")
    expect_toast(first_page, "Removed from the business.")
    expect(person_row(first_page, second.username)).to_have_count(0)
    smtp_sink.wait_for(second.email, f"You were removed from {business}", since=before)

    # The open page's next actions are refused and change nothing.
    outsider = f"e2e{uuid.uuid4().hex[:12]}@example.com"
    fill_add_person(second_page, outsider, "Ignacio Varga", OrgRole.VIEWER)
    expect_toast(second_page, NOT_FOUND, kind="error")
    wait_for_toasts_to_close(second_page)
    person_row(second_page, first.username).locator("[id^='person-edit-']").click()
    second_page.select_option("#edit-person-role", OrgRole.VIEWER.value)
    second_page.click("#edit-person-save")
    expect_toast(second_page, NOT_FOUND, kind="error")
    open_people(first_page, business)
    expect(person_row(first_page, first.username)).to_contain_text(ROLE_LABELS[OrgRole.LEAD])
    expect(invitation_row(first_page, outsider)).to_have_count(0)

    # A reload no longer shows the business; its people not even for a moment.
    watch_for(second_page, PEOPLE)
    second_page.reload()
    expect_toast(second_page, "Choose a business first.", kind="info")
    expect(second_page).to_have_url(url_of("/account/businesses"))
    expect(second_page.locator("#businesses-none")).to_be_visible()
    expect(second_page.locator("#nav-business")).to_have_count(0)
    assert not was_shown(second_page, PEOPLE), "the reload showed the business's people again"
    visit(second_page, "/home")
    expect(second_page.locator("#home-no-business")).to_be_visible()
    expect(second_page.locator("#nav-business")).to_have_count(0)

    # The last Lead User can neither step down nor leave.
    mine = person_row(first_page, first.username)
    mine.locator("[id^='person-edit-']").click()
    first_page.select_option("#edit-person-role", OrgRole.EDITOR.value)
    first_page.click("#edit-person-save")
    expect_toast(first_page, LAST_LEAD, kind="error")
    wait_for_toasts_to_close(first_page)
    mine.locator("[id^='person-remove-']").click()
    first_page.click("#person-confirm-remove")
    expect_toast(first_page, LAST_LEAD, kind="error")
    first_page.reload()
    wait_until_live(first_page)
    expect(person_row(first_page, first.username)).to_contain_text(ROLE_LABELS[OrgRole.LEAD])


def test_lead_user_edits_the_organization(
    open_page: Callable[..., Page], smtp_sink: SmtpSink
) -> None:
    page = open_page()
    lead = create_account(page, smtp_sink)
    sign_in(page, lead.username, lead.password, lead.phrase)
    business = _new_business_name()
    create_business(page, business, "Fresno, CA")
    page.click("#home-edit-organization")
    expect(page).to_have_url(url_of("/business/edit"))
    expect(page.locator("#organization-name")).to_have_value(business)
    expect(page.locator("#organization-headquarters")).to_have_value("Fresno, CA")
    renamed = business + " Holdings"
    page.fill("#organization-name", renamed)
    page.fill("#organization-headquarters", "2200 Tulare St, Fresno, CA")
    page.click("#organization-save")
    expect_toast(page, "The business's details were saved.")
    expect(page.locator("#nav-business")).to_have_text(renamed)
    page.reload()
    wait_until_live(page)
    expect(page.locator("#organization-headquarters")).to_have_value("2200 Tulare St, Fresno, CA")
    expect(page.locator("#organization-name")).to_have_value(renamed)
    visit(page, "/home")
    expect(page.locator("#home-business-name")).to_have_text(renamed)
    expect(page.locator("#home-business")).to_contain_text("2200 Tulare St, Fresno, CA")

    viewer = open_page()
    sign_in_demo(viewer, VIEWER)
    _expect_home(viewer, ACME, OrgRole.VIEWER)
    expect_refused(
        viewer,
        "/business/edit",
        f"Only a Lead User can edit the details of {ACME} (your role: Viewer).",
        hidden="#organization-form",
        goes_to="/home",
    )


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"phone-{name}.png"), full_page=True)


def test_business_pages_fit_a_phone(open_page: Callable[..., Page], smtp_sink: SmtpSink) -> None:
    consultant = open_page(phone=True)
    sign_in_demo(consultant, CONSULTANT, lands="/account/businesses")
    expect(business_row(consultant, VALLEY)).to_be_visible()
    _shot(consultant, "my-businesses")
    assert_fits_screen(consultant)
    select_business(consultant, VALLEY)
    _shot(consultant, "business-home")
    assert_fits_screen(consultant)

    page = open_page(phone=True)
    lead = create_account(page, smtp_sink)
    sign_in(page, lead.username, lead.password, lead.phrase)
    business = _new_business_name()
    create_business(page, business, "Bakersfield, CA")
    open_people(page, business)
    invitee = NewUser(first_name="Xiomara", last_name="Abernathy-Villanueva")
    before = smtp_sink.mark()
    fill_add_person(
        page,
        invitee.email,
        invitee.display_name,
        OrgRole.VIEWER,
        title="Hazardous Materials Compliance Coordinator",
        phone="(661) 555-0142",
    )
    expect(invitation_row(page, invitee.email)).to_be_visible()
    person_row(page, lead.username).locator("[id^='person-edit-']").click()
    expect(page.locator("#edit-person-save")).to_be_visible()
    _shot(page, "manage-people")
    assert_fits_screen(page)

    guest = open_page(phone=True)
    invitation = smtp_sink.wait_for(invitee.email, f"invited you to {business}", since=before)
    guest.goto(invitation.link("/invitation"))
    wait_until_live(guest)
    expect(guest.locator("#invitation-offer")).to_contain_text(business)
    expect(guest.locator("#invitation-sign-up")).to_be_visible()
    _shot(guest, "invitation")
    assert_fits_screen(guest)


def test_next_person_in_the_same_tab_sees_nothing_of_the_last_one(ui: Page) -> None:
    """The server keeps a tab's page state across sign-out; none of it may show again."""
    page = ui
    sign_in_demo(page, BUSINESS)
    _expect_home(page, ACME, OrgRole.LEAD)
    open_people(page, ACME)
    expect(person_row(page, CONSULTANT.username)).to_be_visible()
    page.click("#nav-sign-out")
    expect(page.locator("#nav-sign-in")).to_be_visible()

    for selector in ("#home-greeting", "#home-business-role"):
        watch_for(page, selector)
    sign_in_demo(page, VIEWER)
    expect(page.locator("#home-greeting")).to_have_text(f"Welcome, {VIEWER.first_name}")
    expect(page.locator("#home-business-role")).to_have_text(ROLE_LABELS[OrgRole.VIEWER])
    # Everything the home page showed from its first paint on.
    assert not [t for t in shown_texts(page, "#home-greeting") if BUSINESS.first_name in t]
    assert shown_texts(page, "#home-business-role") == [ROLE_LABELS[OrgRole.VIEWER]]
    expect_refused(
        page,
        "/business/people",
        _manage_people_refused(ACME, OrgRole.VIEWER),
        hidden=PEOPLE,
        goes_to="/home",
    )
