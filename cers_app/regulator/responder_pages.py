"""The Emergency Responder's pages: facility search and one facility, read-only.

Nothing here changes anything: a search box, paging, links and site map downloads only.
"""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.responder_state import ResponderFacilityState as F
from cers_app.regulator.responder_state import ResponderSearchState as S
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.native import download_link
from cers_app.ui.tables import pager, table


def _fact(label: str, value: rx.Var, id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium", id=id, style={"overflowWrap": "anywhere"}),
        spacing="0",
        min_width="0",
    )


def _search_form(
    value: rx.Var, on_submit: rx.EventHandler, *, id: str, placeholder: str, name: str
) -> rx.Component:
    return rx.form(
        rx.flex(
            rx.input(
                name=name,
                id=f"{id}-text",
                placeholder=placeholder,
                default_value=value,
                max_length=100,
                flex="1 1 200px",
                min_width="0",
                aria_label=placeholder,
            ),
            rx.button("Search", type="submit", id=f"{id}-go", variant="soft"),
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
    )


# ---------------------------------------------------------------- search


def _search_row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.link(rx.text.strong(row["name"]), href=row["url"], id="responder-open-" + row["id"]),
            rx.text("CERS ID ", row["cers_id"], " · ", row["address"], size="2"),
            rx.text("Business: ", row["business"], size="2", color_scheme="gray"),
            spacing="1",
            align="stretch",
        ),
        class_name="cers-item",
    )


def responder_home() -> rx.Component:
    return shell(
        page_title("Emergency Responder", "Facilities in your agency's area, read-only"),
        _search_form(
            S.query,
            S.search,
            id="responder-search",
            placeholder="Facility name, CERS ID or address",
            name="query",
        ),
        rx.cond(
            S.errors.contains("query"),
            rx.text(S.errors["query"], color="var(--red-11)", size="2", role="alert"),
        ),
        rx.cond(
            after_load(S.loaded),
            rx.vstack(
                rx.text(S.total, " facilities found", size="2", id="responder-search-total"),
                rx.vstack(
                    rx.foreach(S.rows, _search_row),
                    spacing="2",
                    width="100%",
                    id="responder-search-rows",
                ),
                pager(S.page, S.pages, S.go_to_page, id="responder-search-pager"),
                spacing="3",
                width="100%",
            ),
            rx.spinner(),
        ),
    )


# ---------------------------------------------------------------- one facility


def _summary() -> rx.Component:
    return card(
        rx.flex(
            _fact("CERS ID", F.head["cers_id"], "responder-cers-id"),
            _fact("Address", F.head["address"], "responder-address"),
            _fact("County", F.head["county"], "responder-county"),
            _fact("Business", F.head["business"], "responder-business"),
            spacing="4",
            wrap="wrap",
        ),
        id="responder-summary",
    )


def _contact(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(row["role"], size="1", color_scheme="gray"),
        rx.text.strong(row["name"], size="2"),
        rx.text(row["phones"], size="2", style={"overflowWrap": "anywhere"}),
        class_name="cers-item",
    )


def _contacts() -> rx.Component:
    return card(
        rx.heading("Phone numbers and emergency contacts", size="4", as_="h2"),
        rx.cond(
            F.contacts.length() > 0,
            rx.vstack(
                rx.text(
                    "From the Facility Information submitted ",
                    F.head["contacts_from"],
                    ".",
                    size="1",
                    color_scheme="gray",
                ),
                rx.foreach(F.contacts, _contact),
                spacing="2",
                align="stretch",
            ),
            rx.text("No submitted Owner/Operator contacts.", size="2", color_scheme="gray"),
        ),
        id="responder-contacts",
    )


def _location(row: rx.Var) -> rx.Component:
    return rx.flex(
        rx.text(row["location"], size="2"),
        rx.cond(
            row["confidential"] == "yes",
            rx.badge(
                "Confidential", color_scheme="amber", id="responder-confidential-" + row["id"]
            ),
        ),
        spacing="1",
        wrap="wrap",
        align="center",
    )


def _item_cells(row: rx.Var) -> list:
    return [
        rx.vstack(
            rx.text(row["name"], size="2", weight="medium"),
            rx.cond(row["ehs"] != "", rx.badge(row["ehs"], color_scheme="red")),
            spacing="1",
        ),
        row["cas"],
        _location(row),
        rx.text(row["hazards"], size="1"),
        row["amount"],
        row["state"],
    ]


def _inventory() -> rx.Component:
    return card(
        rx.heading("Hazardous materials inventory", size="4", as_="h2"),
        rx.cond(
            F.head["has_inventory"] != "",
            rx.vstack(
                rx.text(
                    F.head["inventory_status"],
                    ", submitted ",
                    F.head["inventory_submitted"],
                    ": ",
                    F.head["inventory_rows"],
                    " material row(s); ",
                    F.item_total,
                    " match the search.",
                    size="2",
                    id="responder-inventory-count",
                ),
                _search_form(
                    F.item_text,
                    F.item_search,
                    id="responder-inventory",
                    placeholder="Name, CAS number or location",
                    name="text",
                ),
                table(
                    ["Material", "CAS", "Location", "Hazard categories", "Max. daily", "State"],
                    F.items,
                    _item_cells,
                    id="responder-inventory-table",
                ),
                pager(F.item_page, F.item_pages, F.item_go, id="responder-inventory"),
                spacing="3",
                align="stretch",
            ),
            rx.text(
                "No inventory has been submitted for this facility.",
                size="2",
                id="responder-no-inventory",
            ),
        ),
        id="responder-inventory",
    )


def _site_map(row: rx.Var) -> rx.Component:
    return rx.flex(
        download_link(
            rx.icon("download", size=14),
            "Download",
            href=row["href"],
            id="responder-site-map-" + row["id"],
        ),
        rx.box(
            rx.text(row["label"], size="2", style={"overflowWrap": "anywhere"}),
            rx.text(row["detail"], size="1", color_scheme="gray"),
            min_width="0",
        ),
        spacing="2",
        wrap="wrap",
        align="center",
    )


def _site_maps() -> rx.Component:
    return card(
        rx.heading("Site map", size="4", as_="h2"),
        rx.cond(
            F.site_maps.length() > 0,
            rx.vstack(rx.foreach(F.site_maps, _site_map), spacing="2", align="stretch"),
            rx.text("No site map was uploaded with the submitted inventory.", size="2"),
        ),
        id="responder-site-maps",
    )


def _back() -> rx.Component:
    return rx.link("Facility search", href=routes.RESPONDER_HOME, id="responder-back", size="2")


def responder_facility() -> rx.Component:
    found = rx.fragment(
        page_title(F.head["name"], "Emergency Responder view, read-only"),
        _back(),
        _summary(),
        _contacts(),
        _site_maps(),
        _inventory(),
    )
    missing = rx.vstack(
        page_title("Facility not found"),
        rx.text(F.missing, id="responder-missing"),
        _back(),
        spacing="3",
    )
    return shell(
        rx.cond(after_load(F.loaded), rx.cond(F.missing != "", missing, found), rx.spinner())
    )


PAGES = [
    PageSpec(routes.RESPONDER_HOME, responder_home, "Emergency Responder", (S.load,)),
    PageSpec(routes.RESPONDER_FACILITY, responder_facility, "Facility", (F.load,)),
]
