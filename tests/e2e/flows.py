"""Steps the journeys share: accounts, signing in, businesses and their people, the layout."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from cers_app.accounts.rules import PASSWORD_RULES, SECURITY_QUESTIONS, USERNAME_RULE
from cers_app.demo import DemoUser
from cers_app.organizations.roles import ROLE_LABELS, OrgRole
from tests.e2e.smtp_sink import SmtpSink

ACTIVATION_SUBJECT = "Activate your OpenCERS account"
SIGN_IN_COOKIE = "cers_session"
SHOTS = Path("/tmp/e2e-shots")


def url_of(path: str) -> re.Pattern[str]:
    """Matches the page's URL at `path` (prod URLs may carry a trailing slash)."""
    return re.compile(r"^https?://[^/]+" + re.escape(path.rstrip("/")) + r"/?(\?.*)?$")


@dataclass
class NewUser:
    """Someone who signs up during one test; every test gets its own."""

    username: str = field(default_factory=lambda: "e2e" + uuid.uuid4().hex[:12])
    first_name: str = "Marisol"
    last_name: str = "Quintero"
    password: str = "Velvet-Thunder-Orbit-48"
    security_question: str = "first_pet"
    security_answer: str = "Pickles the Hamster"
    phrase: str = "tangerine kites over the levee"
    mailbox_tag: str = ""  # "+tag" in the address, as people use to sort their mail

    @property
    def email(self) -> str:
        return f"{self.username}{self.mailbox_tag}@example.com"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


def wait_until_live(page: Page) -> None:
    """Wait for the app's websocket: the page is hydrated and its events reach the server."""
    page.wait_for_function("() => window.__cersE2E && window.__cersE2E.connected === true")


def visit(page: Page, path: str) -> None:
    page.goto(path)
    wait_until_live(page)


def sign_up(page: Page, user: NewUser) -> None:
    """Fill in every field of Create New Account, reading the requirements first."""
    visit(page, "/signup")
    complete_sign_up(page, user)


def complete_sign_up(page: Page, user: NewUser, *, email_filled_in: bool = False) -> None:
    """Fill in and send the open Create New Account page; `email_filled_in` when a link did.

    A link's address arrives with the page's load event and renews the form, so it is awaited
    before anything is typed.
    """
    if email_filled_in:
        expect(page.locator("#signup-email")).to_have_value(user.email)
    username_rules = page.locator("#signup-username-rules")
    expect(username_rules).to_be_visible()
    expect(username_rules).to_contain_text(USERNAME_RULE)
    password_rules = page.locator("#signup-password-rules")
    expect(password_rules).to_be_visible()
    for rule in PASSWORD_RULES:
        expect(password_rules).to_contain_text(rule)
    page.fill("#signup-first-name", user.first_name)
    page.fill("#signup-last-name", user.last_name)
    if not email_filled_in:
        page.fill("#signup-email", user.email)
    page.fill("#signup-username", user.username)
    page.fill("#signup-password", user.password)
    page.fill("#signup-password-confirm", user.password)
    page.select_option("#signup-security-question", user.security_question)
    page.fill("#signup-security-answer", user.security_answer)
    page.fill("#signup-phrase", user.phrase)
    page.check("#signup-accept")
    page.click("#signup-submit")
    expect(page.locator("#signup-done")).to_contain_text(user.email)


def activation_link(mail: SmtpSink, user: NewUser) -> str:
    return mail.wait_for(user.email, ACTIVATION_SUBJECT).link("/activate")


def activate(page: Page, link: str, user: NewUser) -> None:
    page.goto(link)
    expect(page.locator("#token-result")).to_contain_text(
        f"The account {user.username} is now active"
    )


def create_account(page: Page, mail: SmtpSink) -> NewUser:
    """A new, activated account made through the pages and the activation email."""
    user = NewUser()
    sign_up(page, user)
    activate(page, activation_link(mail, user), user)
    return user


def enter_username(page: Page, username: str, *, portal: str = "business") -> None:
    """Step one of signing in; afterwards the phrase and the password field are shown."""
    visit(page, f"/signin?portal={portal}")
    page.fill("#signin-username", username)
    page.click("#signin-continue")
    expect(page.locator("#signin-password")).to_be_visible()


def enter_password(page: Page, password: str) -> None:
    """Step two; the field is cleared by the server whenever the password is refused."""
    page.fill("#signin-password", password)
    page.click("#signin-submit")


def sign_in(page: Page, username: str, password: str, phrase: str, *, home: str = "/home") -> None:
    """Sign in through both steps, checking the phrase, and land on the portal's home page."""
    enter_username(page, username, portal="regulator" if home == "/regulator" else "business")
    expect(page.locator("#signin-phrase")).to_have_text(phrase)
    enter_password(page, password)
    expect(page).to_have_url(url_of(home))
    wait_until_live(page)


def session_cookie(page: Page) -> dict | None:
    for cookie in page.context.cookies():
        if cookie["name"] == SIGN_IN_COOKIE:
            return dict(cookie)
    return None


def question_text(user: NewUser) -> str:
    return SECURITY_QUESTIONS[user.security_question]


def sign_in_demo(page: Page, demo: DemoUser, *, lands: str = "") -> None:
    """Sign in as one of the seeded demo people, through their portal; `lands` is the page
    the sign-in ends on (the portal's home unless given)."""
    regulator = demo.portal == "Regulator Portal"
    lands = lands or ("/regulator" if regulator else "/home")
    enter_username(page, demo.username, portal="regulator" if regulator else "business")
    expect(page.locator("#signin-phrase")).to_contain_text(demo.first_name)
    enter_password(page, demo.password)
    expect(page).to_have_url(url_of(lands))
    wait_until_live(page)


def expect_toast(page: Page, text: str | re.Pattern[str], *, kind: str = "success") -> None:
    """A toast of `kind` (success, error, info) saying `text` is on the screen."""
    toast = page.locator(f'[data-sonner-toast][data-type="{kind}"]', has_text=text)
    expect(toast.first).to_be_visible()


def wait_for_toasts_to_close(page: Page) -> None:
    """Wait until no toast is left, so that the next one seen is surely an answer to what
    comes next (a toast with the same message and id would otherwise pass for it)."""
    expect(page.locator("[data-sonner-toast]")).to_have_count(0)


# Records every text an element matching the selector showed (until the page unloads).
_WATCH = """
(selector) => {
  const seen = (window.__cersSeen = window.__cersSeen || {});
  const look = () => {
    const el = document.querySelector(selector);
    if (!el) return;
    const texts = (seen[selector] = seen[selector] || []);
    if (texts[texts.length - 1] !== el.textContent) texts.push(el.textContent);
  };
  new MutationObserver(look).observe(document, {
    childList: true, subtree: true, characterData: true,
  });
  look();
}
"""


def watch_for(page: Page, selector: str) -> None:
    """From the next page opened on, note what `selector` shows (see `shown_texts`)."""
    page.add_init_script(script=f"({_WATCH.strip()})({json.dumps(selector)});")


def shown_texts(page: Page, selector: str) -> list[str]:
    """Every text `selector` showed since the page opened (empty: it never appeared)."""
    return page.evaluate("(s) => (window.__cersSeen && window.__cersSeen[s]) || []", selector)


def was_shown(page: Page, selector: str) -> bool:
    return bool(shown_texts(page, selector))


def expect_refused(page: Page, path: str, refusal: str, *, hidden: str, goes_to: str) -> None:
    """Opening `path` shows the `refusal` toast and moves to `goes_to`; `hidden` never shows."""
    watch_for(page, hidden)
    visit(page, path)
    expect_toast(page, refusal, kind="error")
    expect(page).to_have_url(url_of(goes_to))
    wait_until_live(page)
    expect(page.locator(hidden)).to_have_count(0)
    assert not was_shown(page, hidden), f"{path} showed {hidden} before refusing"


def create_business(page: Page, name: str, headquarters: str) -> None:
    """Create a business on My Businesses; its creator lands on its home page as Lead User."""
    visit(page, "/account/businesses")
    page.fill("#business-name", name)
    page.fill("#business-headquarters", headquarters)
    page.click("#business-create")
    expect(page).to_have_url(url_of("/home"))
    wait_until_live(page)
    expect(page.locator("#home-business-name")).to_have_text(name)
    expect(page.locator("#home-business-role")).to_have_text(ROLE_LABELS[OrgRole.LEAD])


def business_row(page: Page, name: str) -> Locator:
    """The row of the business `name` on My Businesses."""
    return page.locator("#businesses-table tbody tr", has_text=name)


def select_business(page: Page, name: str) -> None:
    """Select Business: choose `name` on My Businesses and land on its home page."""
    row = business_row(page, name)
    row.locator("[id^='business-select-']").click()
    expect(page).to_have_url(url_of("/home"))
    wait_until_live(page)
    expect(page.locator("#home-business-name")).to_have_text(name)


def open_people(page: Page, business: str) -> None:
    """Manage People of the selected business, with its people listed."""
    visit(page, "/business/people")
    expect(page.locator("main")).to_contain_text(f"People of {business}.")
    expect(page.locator("#people-table")).to_be_visible()


def person_row(page: Page, username: str) -> Locator:
    """The row of the person with `username` on Manage People."""
    return page.locator("#people-table tbody tr", has_text=username)


def invitation_row(page: Page, email: str) -> Locator:
    return page.locator("#invitations-table tbody tr", has_text=email)


def fill_add_person(
    page: Page, who: str, full_name: str, role: OrgRole, *, title: str = "", phone: str = ""
) -> None:
    """Fill in Add Person on Manage People and send it; the caller checks the outcome."""
    page.fill("#add-person-who", who)
    page.fill("#add-person-name", full_name)
    page.fill("#add-person-title", title)
    page.fill("#add-person-phone", phone)
    page.select_option("#add-person-role", role.value)
    page.click("#add-person-submit")


# Elements wider than the screen are clipped by the shell's overflow-x: hidden rather than
# scrolled, so scrollWidth alone would not notice them: list what sticks out on the right.
_LAYOUT_PROBE = """
() => {
  const root = document.documentElement;
  const width = root.clientWidth;
  const scrolls = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      const overflow = getComputedStyle(node).overflowX;
      if ((overflow === "auto" || overflow === "scroll") && node.clientWidth <= width) return true;
    }
    return false;
  };
  const sticking_out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1) continue;
    if (getComputedStyle(el).visibility === "hidden" || scrolls(el)) continue;
    const id = el.id ? "#" + el.id : "";
    const text = (el.textContent || "").trim().slice(0, 40);
    sticking_out.push(`${el.tagName.toLowerCase()}${id} right=${Math.round(box.right)} "${text}"`);
  }
  return {scrollWidth: root.scrollWidth, clientWidth: width, sticking_out};
}
"""


def assert_fits_screen(page: Page) -> None:
    """No horizontal scrolling, and nothing cut off at the right edge of the screen."""
    layout = page.evaluate(_LAYOUT_PROBE)
    assert layout["scrollWidth"] <= layout["clientWidth"], (
        f"{page.url} scrolls sideways: scrollWidth {layout['scrollWidth']} > "
        f"clientWidth {layout['clientWidth']}"
    )
    assert not layout["sticking_out"], f"{page.url} has content past the right edge:\n" + (
        "\n".join(layout["sticking_out"][:20])
    )
