"""The regulator's page of one submitted element (/regulator/submittal?id=version): the
header, the review panel, then its forms, inventory, documents, changes and history."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.review_panel import review_panel
from cers_app.regulator.review_state import ReviewState
from cers_app.regulator.submittal_state import SubmittalViewState as S
from cers_app.submittals.change_parts import change_cards
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.native import download_link
from cers_app.ui.tables import pager, table


def _fact(label: str, value: rx.Var, id: str) -> rx.Component:
    return rx.flex(
        rx.text.strong(label + ":", size="2"),
        rx.text(value, size="2", id=id),
        spacing="2",
        wrap="wrap",
    )


def _other(row: rx.Var) -> rx.Component:
    return rx.link(
        row["label"] + " (" + row["status"] + ")",
        href=row["href"],
        size="2",
        id="submittal-other-" + row["id"],
    )


def _summary() -> rx.Component:
    head = S.head
    return card(
        rx.heading("Summary", size="4", as_="h2"),
        _fact("Facility", head["facility"] + " (CERS ID " + head["cers_id"] + ")", "submittal-fac"),
        _fact("Address", head["address"], "submittal-address"),
        _fact("Business", head["business"], "submittal-business"),
        _fact("Regulator", head["agency"], "submittal-agency"),
        rx.flex(
            rx.text.strong("Status:", size="2"),
            rx.badge(head["status"], id="submittal-status"),
            spacing="2",
            align="center",
        ),
        _fact("Submitted", head["submitted_at"], "submittal-submitted-at"),
        _fact(
            "Submitted by",
            head["submitted_by"] + " <" + head["submitter_email"] + ">",
            "submittal-submitted-by",
        ),
        _fact("Certified by", head["certifier"], "submittal-certifier"),
        rx.cond(
            head["comments"] != "",
            _fact("Submitter's comments", head["comments"], "submittal-comments"),
        ),
        rx.cond(
            head["review_comments"] != "",
            _fact("Review comments", head["review_comments"], "submittal-review-comments"),
        ),
        rx.cond(
            S.others.length() > 0,
            rx.vstack(
                rx.text.strong("Submitted with it:", size="2"),
                rx.foreach(S.others, _other),
                spacing="1",
                id="submittal-others",
            ),
        ),
        id="submittal-summary",
    )


def _form_line(line: rx.Var) -> rx.Component:
    return rx.cond(
        line["kind"] == "heading",
        rx.heading(line["label"], size="3", as_="h3", margin_top="8px"),
        rx.box(
            rx.text(line["label"], size="1", color_scheme="gray"),
            rx.text(line["value"], size="2"),
            width="100%",
        ),
    )


def _forms() -> rx.Component:
    return rx.cond(
        S.head["has_forms"] != "",
        card(
            rx.heading("Forms", size="4", as_="h2"),
            rx.vstack(rx.foreach(S.form_lines, _form_line), spacing="2", align="stretch"),
            id="submittal-forms",
        ),
    )


def _inventory() -> rx.Component:
    search = rx.form(
        rx.flex(
            rx.input(
                name="text",
                placeholder="Name, CAS number or location",
                default_value=S.item_text,
                max_length=200,
                id="submittal-inventory-search",
                flex="1",
                min_width="180px",
            ),
            rx.button("Search", type="submit", variant="soft", id="submittal-inventory-go"),
            spacing="2",
            wrap="wrap",
        ),
        on_submit=S.item_search,
        reset_on_submit=False,
    )
    return rx.cond(
        S.head["has_inventory"] != "",
        card(
            rx.heading("Hazardous materials inventory", size="4", as_="h2"),
            rx.text(
                S.head["inventory_rows"] + " material row(s) submitted; ",
                S.item_total,
                " match the search.",
                size="2",
                id="submittal-inventory-count",
            ),
            search,
            table(
                ["Material", "CAS", "Location", "State", "Max. daily", "EHS"],
                S.items,
                ["name", "cas", "location", "state", "amount", "ehs"],
                id="submittal-inventory-table",
            ),
            pager(S.item_page, S.item_pages, S.item_go, id="submittal-inventory"),
            id="submittal-inventory",
        ),
    )


def _document_line(line: rx.Var) -> rx.Component:
    return rx.cond(
        line["kind"] == "slot",
        rx.box(
            rx.text.strong(line["label"], size="2"),
            rx.text(line["source"] + ": " + line["detail"], size="2"),
            width="100%",
            margin_top="6px",
            id="submittal-slot-" + line["id"],
        ),
        rx.flex(
            download_link(
                rx.icon("download", size=14),
                "Download",
                href=line["href"],
                id="submittal-doc-" + line["id"],
            ),
            rx.box(
                rx.text(line["label"], size="2", style={"overflowWrap": "anywhere"}),
                rx.text(line["source"], size="1", color_scheme="gray"),
                min_width="0",
            ),
            spacing="2",
            wrap="wrap",
            align="center",
            padding_left="12px",
        ),
    )


def _documents() -> rx.Component:
    return rx.cond(
        S.documents.length() > 0,
        card(
            rx.heading("Documents", size="4", as_="h2"),
            rx.vstack(rx.foreach(S.documents, _document_line), spacing="1", align="stretch"),
            id="submittal-documents",
        ),
    )


def _changes() -> rx.Component:
    head = S.change_head
    return rx.vstack(
        rx.heading("Changes", size="4", as_="h2"),
        rx.text("Compared with ", head["compared"], ".", size="2", id="submittal-compared"),
        change_cards(
            head["level"],
            head["summary"],
            S.change_reasons,
            S.change_forms,
            S.change_rows,
            S.change_documents,
        ),
        spacing="3",
        align="stretch",
        width="100%",
        id="submittal-changes",
    )


def _history_row(row: rx.Var) -> rx.Component:
    label = row["submitted_at"] + " - " + row["status"]
    return rx.el.li(
        rx.cond(
            row["current"] != "",
            rx.text.strong(label + " (this one)", size="2"),
            rx.link(label, href=row["href"], size="2", id="submittal-history-" + row["id"]),
        )
    )


def _history() -> rx.Component:
    return card(
        rx.heading("Submittal history of this element", size="4", as_="h2"),
        rx.el.ul(rx.foreach(S.history, _history_row), id="submittal-history-list"),
    )


def _links() -> rx.Component:
    return rx.flex(
        rx.link(
            "Back to the queue", href=routes.REGULATOR_QUEUE, size="2", id="submittal-back-queue"
        ),
        rx.cond(
            S.head["facility_url"],
            rx.link(
                "The facility", href=S.head["facility_url"], size="2", id="submittal-facility-link"
            ),
        ),
        spacing="4",
        wrap="wrap",
    )


def submittal_page() -> rx.Component:
    ready = after_load(S.loaded)
    found = rx.fragment(
        page_title(S.head["element"] + ": " + S.head["facility"], S.head["status"]),
        _links(),
        _summary(),
        review_panel(),
        _forms(),
        _inventory(),
        _documents(),
        _changes(),
        _history(),
    )
    missing = rx.vstack(
        page_title("Submittal not found"),
        rx.text(S.missing, id="submittal-missing"),
        _links(),
        spacing="3",
    )
    return shell(rx.cond(ready, rx.cond(S.missing != "", missing, found), rx.spinner()))


PAGES = [
    PageSpec(
        routes.REGULATOR_SUBMITTAL,
        submittal_page,
        "Submittal",
        (S.load, ReviewState.load),
    )
]
