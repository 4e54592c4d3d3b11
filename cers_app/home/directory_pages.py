"""Local regulators (public): find the agencies regulating a place and how to reach them."""

from __future__ import annotations

import reflex as rx

from cers_app.agencies.directory import QUERY_MAX, SEARCH_BY_LABELS
from cers_app.agencies.jurisdiction import STATEWIDE_DIRECTORY
from cers_app.core import routes
from cers_app.home.directory_state import DirectoryState
from cers_app.ui.forms import select_field, text_field
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

S = DirectoryState


def _search_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                select_field(
                    "Search by",
                    "by",
                    {key.value: label for key, label in SEARCH_BY_LABELS.items()},
                    S.errors,
                    id="directory-by",
                    default_value=S.by,
                    placeholder="Choose...",
                ),
                min_width="160px",
            ),
            rx.box(
                text_field(
                    "Address, city, ZIP code or county",
                    "query",
                    S.errors,
                    id="directory-query",
                    default_value=S.query,
                    max_length=QUERY_MAX,
                    hint="For example 1200 Main St, Davis, CA 95616 - Davis - 95616 - Yolo",
                ),
                flex="1",
                min_width="220px",
            ),
            spacing="3",
            wrap="wrap",
            width="100%",
            align="start",
        ),
        rx.button("Search", type="submit", id="directory-search", size="3", margin_top="12px"),
        on_submit=S.search,
        key=S.form_key,
        id="directory-form",
        width="100%",
    )


def _line(label: str, text: rx.Var, href: rx.Var | None = None, id: rx.Var | None = None):
    shown = (
        rx.text(text, size="2")
        if href is None
        else rx.cond(href != "", rx.link(text, href=href, id=id, size="2"), rx.text(text, size="2"))
    )
    return rx.cond(
        text != "",
        rx.text(rx.text.strong(label + ": "), shown, size="2", style={"overflowWrap": "anywhere"}),
    )


def _element_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["element"]),
        rx.table.cell(row["name"]),
        rx.table.cell(row["agency"]),
        id=row["id"],
    )


def _place(place: rx.Var) -> rx.Component:
    return card(
        rx.heading(place["title"], size="4", as_="h3"),
        rx.cond(
            place["covered"] == "yes",
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("#"),
                            rx.table.column_header_cell("Submittal element"),
                            rx.table.column_header_cell("Agency"),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            S.elements,
                            lambda row: rx.cond(row["zip"] == place["zip"], _element_row(row)),
                        )
                    ),
                    width="100%",
                ),
                class_name="cers-table-wrap",
            ),
            rx.callout.root(
                rx.callout.text(place["message"]),
                color_scheme="amber",
                id=place["id"] + "-uncovered",
            ),
        ),
        id=place["id"],
    )


def _contact(contact: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(
            rx.text.strong(contact["name"]),
            rx.cond(contact["title"] != "", ", " + contact["title"], ""),
            size="2",
        ),
        _line("Phone", contact["phone"]),
        _line("Email", contact["email"], contact["email_href"], contact["id"] + "-email"),
        id=contact["id"],
        padding_left="12px",
    )


def _agency(agency: rx.Var) -> rx.Component:
    return card(
        rx.flex(
            rx.heading(agency["name"], size="4", as_="h3"),
            rx.badge(agency["kind"]),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.text("Regulator code ", agency["code"], " - ", agency["county"], " County", size="2"),
        _line("Address", agency["address"]),
        _line("Phone", agency["phone"], agency["phone_href"], agency["id"] + "-phone"),
        _line("Email", agency["email"], agency["email_href"], agency["id"] + "-email"),
        _line("Website", agency["website"], agency["website_url"], agency["id"] + "-website"),
        rx.foreach(
            S.contacts,
            lambda contact: rx.cond(contact["agency_code"] == agency["code"], _contact(contact)),
        ),
        rx.link(
            rx.button("Request Technical Assistance", variant="soft"),
            href=agency["assistance_url"],
            id=agency["id"] + "-assistance",
        ),
        id=agency["id"],
    )


def _results() -> rx.Component:
    return rx.cond(
        S.searched,
        rx.vstack(
            rx.heading(S.heading, size="5", as_="h2", id="directory-heading"),
            rx.cond(
                S.message != "",
                rx.callout.root(
                    rx.callout.text(S.message), color_scheme="amber", id="directory-message"
                ),
            ),
            rx.foreach(S.places, _place),
            rx.cond(
                S.agencies.length() > 0,
                rx.heading("Agencies and how to reach them", size="4", as_="h2"),
            ),
            rx.foreach(S.agencies, _agency),
            spacing="3",
            width="100%",
            align="stretch",
            id="directory-results",
        ),
    )


def directory_page() -> rx.Component:
    return shell(
        page_title(
            "Local regulators",
            "Which agency regulates each part of a business's hazardous materials reporting.",
        ),
        card(_search_form()),
        rx.cond(after_load(S.loaded), _results()),
        rx.text(
            "Outside the area of this site? Use the statewide directory: ",
            rx.link(STATEWIDE_DIRECTORY, href=STATEWIDE_DIRECTORY, id="directory-statewide"),
            size="2",
        ),
        rx.link(
            "Request Technical Assistance",
            href=routes.TECHNICAL_ASSISTANCE,
            id="directory-assistance",
            size="2",
        ),
    )


PAGES = [PageSpec(routes.REGULATOR_DIRECTORY, directory_page, "Local regulators", (S.load,))]
