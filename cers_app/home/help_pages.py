"""Help and Tools: getting started, tips, printing, browsers, a glossary and your regulator.

Open to everyone; only "Your local regulator" depends on who is signed in (HelpState).
"""

from __future__ import annotations

import reflex as rx

from cers_app.agencies.jurisdiction import STATEWIDE_DIRECTORY
from cers_app.core import routes
from cers_app.home.help_state import HelpState
from cers_app.home.help_text import BROWSERS, GLOSSARY, PRINTING, SECTIONS, STEPS
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

DEMO_VIDEO = "/video/getting-started.webm"  # assets/video/, served with the frontend


def _section(key: str, title: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        card(rx.heading(title, size="5", as_="h2"), *children),
        id=f"help-{key}",
        style={"scrollMarginTop": "16px"},
    )


def _item_text(text: str) -> rx.Component:
    """The text, with a lead-in ending in a colon (a step's name) in bold."""
    lead, colon, rest = text.partition(": ")
    if not colon or len(lead) > 80:
        return rx.text(text, size="2")
    return rx.text(rx.text.strong(lead + ":"), " " + rest, size="2")


def _items(tag: str, key: str, texts: tuple[str, ...], leads: bool = False) -> rx.Component:
    make = rx.el.ol if tag == "ol" else rx.el.ul
    return make(
        *[
            rx.el.li(
                _item_text(text) if leads else rx.text(text, size="2"),
                id=f"help-{key}-{n}",
                style={"marginBottom": "8px"},
            )
            for n, text in enumerate(texts, start=1)
        ],
        style={"paddingLeft": "22px", "margin": 0},
    )


def _contents() -> rx.Component:
    return rx.el.nav(
        rx.flex(
            *[
                rx.link(title, href=f"#help-{key}", id=f"help-toc-{key}", size="2")
                for key, title in SECTIONS
            ],
            wrap="wrap",
            spacing="3",
        ),
        aria_label="On this page",
        id="help-contents",
    )


def _tip(lead: str, *parts: str | rx.Var | rx.Component) -> rx.Component:
    return rx.text(rx.text.strong(lead), " ", *parts, size="2")


def _tips() -> rx.Component:
    tips = (
        _tip(
            "Save often.",
            "A form keeps what you typed only when you press its Save or Next button. After ",
            HelpState.idle_limit,
            " without activity you are signed out, and anything not saved is lost.",
        ),
        _tip(
            "One person, one account.",
            "Never share your password. Lead Users add colleagues and consultants under Manage "
            "People, each with their own account and role.",
        ),
        _tip(
            "Lead Users.",
            "Your business's Lead Users manage its people, edit its details and answer access "
            "requests. Not sure who they are? Ask a colleague, or your regulator.",
        ),
        _tip(
            "Drafts and submittals.",
            "A draft is yours to change until it is submitted; the regulator sees only what you "
            "submit. To correct a submitted element, start a new submittal.",
        ),
        _tip(
            "Guidance.",
            "Required findings (red) must be fixed before the element can be submitted; "
            "Warnings (amber) deserve a second look; Advisories (blue) are for your "
            "information. The fields at fault are highlighted.",
        ),
        _tip(
            "Uploads.",
            "Documents may be PDF, Word, Excel, JPEG or PNG files; inventory spreadsheets may "
            "be .xlsx, .xls, .ods or .csv. Each file can be up to 25 MB: keep files compact "
            "and free of viruses.",
        ),
        _tip(
            "The Back button.",
            "Going back cannot create a second facility or submittal, but a page you return to "
            "may show older information: reload it.",
        ),
        _tip(
            "Stay informed.",
            "Read your email and Home's Action Required card: requests, review results and due "
            "dates appear there. See also the ",
            rx.link("conditions of use", href=routes.CONDITIONS, id="help-conditions"),
            ".",
        ),
    )
    return rx.el.ul(
        *[
            rx.el.li(tip, id=f"help-tips-{n}", style={"marginBottom": "8px"})
            for n, tip in enumerate(tips, start=1)
        ],
        style={"paddingLeft": "22px", "margin": 0},
    )


def _glossary() -> rx.Component:
    entries = []
    for slug, term, meaning in GLOSSARY:
        entries.append(rx.el.dt(rx.text.strong(term, size="2"), id=f"glossary-{slug}"))
        entries.append(rx.el.dd(rx.text(meaning, size="2"), style={"margin": "2px 0 10px 16px"}))
    return rx.el.dl(*entries, id="help-glossary-list", style={"margin": 0})


def _contact_line(label: str, text: rx.Var, href: rx.Var, id_suffix: str, row: rx.Var):
    shown = rx.cond(
        href != "",
        rx.link(text, href=href, id=row["id"] + "-" + id_suffix, size="2"),
        rx.text(text, size="2"),
    )
    return rx.cond(
        text != "",
        rx.text(rx.text.strong(label + ": "), shown, size="2", style={"overflowWrap": "anywhere"}),
    )


def _regulator_row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.cond(
            row["first"] == "yes",
            rx.vstack(
                rx.link(
                    rx.text.strong(row["facility"]),
                    href=row["facility_url"],
                    id="help-facility-" + row["facility_id"],
                    size="3",
                ),
                rx.text(
                    "CERS ID ",
                    row["cers_id"],
                    " · ",
                    row["business"],
                    size="1",
                    color_scheme="gray",
                ),
                spacing="0",
                margin_top="8px",
            ),
        ),
        rx.cond(
            row["agency"] != "",
            rx.box(
                rx.text(rx.text.strong(row["agency"]), size="2"),
                rx.text(row["kind"], size="1", color_scheme="gray"),
                rx.text("Regulates: ", row["elements"], size="2"),
                _contact_line("Phone", row["phone"], row["phone_href"], "phone", row),
                _contact_line("Email", row["email"], row["email_href"], "email", row),
                _contact_line("Website", row["website"], row["website_url"], "website", row),
                padding_left="12px",
                border_left="3px solid var(--teal-6)",
                margin_top="6px",
            ),
            rx.text(
                "No regulator is assigned to this facility yet; contact the CUPA for its address.",
                size="2",
                color_scheme="gray",
            ),
        ),
        id=row["id"],
    )


def _anonymous_regulator() -> rx.Component:
    return rx.text(
        "Your local regulator is the CUPA (Certified Unified Program Agency) for the city or "
        "county where your facility is; contact them first with any question. ",
        rx.link(
            "Sign in", href=routes.with_query(routes.SIGN_IN, portal="business"), id="help-sign-in"
        ),
        " to the Business Portal to see the agencies responsible for your facilities and how "
        "to reach them, search this site's ",
        rx.link("Local regulators", href=routes.REGULATOR_DIRECTORY, id="help-local-directory"),
        " by address or ZIP code, or look up your CUPA in the ",
        rx.link(
            "statewide directory", href=STATEWIDE_DIRECTORY, is_external=True, id="help-directory"
        ),
        ". Questions about using this site: ",
        rx.link(
            "Request Technical Assistance",
            href=routes.TECHNICAL_ASSISTANCE,
            id="help-assistance",
        ),
        ".",
        size="2",
        id="help-regulator-anonymous",
    )


def _business_regulators() -> rx.Component:
    return rx.cond(
        HelpState.regulators.length() > 0,
        rx.vstack(
            rx.text(
                "The agencies responsible for your facilities. Contact them first with "
                "any question about your reporting.",
                size="2",
            ),
            rx.foreach(HelpState.regulators, _regulator_row),
            rx.cond(
                HelpState.more,
                rx.text(
                    "Only your first 100 facilities are listed here; each facility page "
                    "names its regulators.",
                    size="1",
                    color_scheme="gray",
                    id="help-regulator-more",
                ),
            ),
            spacing="2",
            align="stretch",
            id="help-regulator-list",
        ),
        rx.text(
            "None of your businesses has a facility yet. Once you add one, its regulators "
            "appear here.",
            size="2",
            id="help-regulator-none",
        ),
    )


def _regulator() -> rx.Component:
    return rx.cond(
        after_load(HelpState.loaded),
        rx.cond(
            HelpState.business_user,
            _business_regulators(),
            rx.cond(
                HelpState.signed_in,
                rx.text(
                    "You are signed in to the Regulator Portal. Businesses signed in to the "
                    "Business Portal see their facilities' agencies here.",
                    size="2",
                    id="help-regulator-staff",
                ),
                _anonymous_regulator(),
            ),
        ),
        rx.text("Loading...", size="2", color_scheme="gray"),
    )


def _demo_video() -> rx.Component:
    """The recording of creating an account and adding a facility (made by the browser
    journey tests/e2e/test_demo_video.py; `make demo-video` renews it). It has no sound: the
    steps above say what it shows."""
    return rx.vstack(
        rx.heading("Watch it done", size="3", as_="h3"),
        rx.el.video(
            "Your browser cannot play this video; the steps above describe it.",
            src=DEMO_VIDEO,
            controls=True,
            preload="metadata",
            muted=True,
            plays_inline=True,
            aria_label="Demo: creating an account, a business and a facility",
            style={"width": "100%", "maxWidth": "720px", "border": "1px solid var(--gray-6)"},
            id="help-demo-video",
        ),
        rx.text(
            "Under a minute, no sound: a new user creates an account, activates it from the "
            "email, signs in, creates their business and adds a facility with the wizard.",
            size="1",
            color_scheme="gray",
        ),
        spacing="2",
        align="stretch",
        padding_top="8px",
    )


def help_page() -> rx.Component:
    return shell(
        page_title("Help and Tools", "How to report your facility's hazardous materials here."),
        _contents(),
        _section(
            "getting-started",
            SECTIONS[0][1],
            _items("ol", "step", STEPS, leads=True),
            _demo_video(),
        ),
        _section("tips", SECTIONS[1][1], _tips()),
        _section("printing", SECTIONS[2][1], _items("ul", "printing", PRINTING)),
        _section("browsers", SECTIONS[3][1], _items("ul", "browsers", BROWSERS)),
        _section("glossary", SECTIONS[4][1], _glossary()),
        _section("regulator", SECTIONS[5][1], _regulator()),
    )


PAGES = [PageSpec(routes.HELP, help_page, "Help and Tools", (HelpState.load,))]
