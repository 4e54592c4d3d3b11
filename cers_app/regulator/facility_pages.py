"""Regulator Portal pages: facility search, one facility's summary, one business."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.facility_actions_panel import facility_actions_panel
from cers_app.regulator.facility_actions_state import FacilityActionsState
from cers_app.regulator.facility_state import (
    RegulatorBusinessState,
    RegulatorFacilitySearchState,
    RegulatorFacilityState,
)
from cers_app.reports.print_panel import print_card
from cers_app.reports.print_state import RegulatorPrintState
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.tables import pager, table


def _fact(label: str, value: rx.Var, id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium", id=id),
        spacing="0",
        min_width="0",
    )


def _back() -> rx.Component:
    return rx.flex(
        rx.link("Regulator Portal", href=routes.REGULATOR_HOME, id="regulator-home-link", size="2"),
        rx.link(
            "Facility search", href=routes.REGULATOR_FACILITIES, id="facility-search-link", size="2"
        ),
        rx.link("Compliance", href=routes.REGULATOR_COMPLIANCE, id="compliance-link", size="2"),
        spacing="4",
        wrap="wrap",
    )


def _facts(*facts: rx.Component) -> rx.Component:
    return rx.flex(*facts, spacing="4", wrap="wrap")


def _items(rows: rx.Var, render: Callable[[rx.Var], rx.Component], id: str) -> rx.Component:
    """One `cers-item` box per row, stacked."""
    return rx.vstack(rx.foreach(rows, render), spacing="2", width="100%", id=id)


def _detail_page(loaded: rx.Var, *children: rx.Component) -> rx.Component:
    """A page about one facility or business: the way back, then its parts once loaded."""
    return shell(_back(), rx.cond(after_load(loaded), rx.fragment(*children), rx.spinner()))


# ---------------------------------------------------------------- search


def _search_row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.link(
                rx.text.strong(row["name"]),
                href=row["url"],
                id="facility-open-" + row["id"],
            ),
            rx.text("CERS ID ", row["cers_id"], " · ", row["address"], size="2"),
            rx.cond(
                row["local_id"] != "",
                rx.text("Facility ID ", row["local_id"], size="1", color_scheme="gray"),
            ),
            rx.text(
                "Business: ",
                rx.link(
                    row["business"], href=row["business_url"], id="facility-business-" + row["id"]
                ),
                size="2",
            ),
            rx.cond(row["elements"] != "", rx.text(row["elements"], size="1", color_scheme="gray")),
            spacing="1",
            align="stretch",
        ),
        class_name="cers-item",
    )


def facility_search() -> rx.Component:
    state = RegulatorFacilitySearchState
    return shell(
        page_title("Facilities", "Facilities in your agency's jurisdiction"),
        _back(),
        rx.form(
            rx.flex(
                rx.input(
                    name="query",
                    id="facility-search-text",
                    placeholder="CERS ID, Facility ID, name, address or business",
                    default_value=state.query,
                    max_length=100,
                    size="3",
                    flex="1 1 220px",
                    aria_label="Search facilities",
                ),
                rx.button("Search", type="submit", id="facility-search-go", size="3"),
                spacing="2",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(
                state.errors.contains("query"),
                rx.text(state.errors["query"], color="var(--red-11)", size="2", role="alert"),
            ),
            on_submit=state.search,
            width="100%",
        ),
        rx.cond(
            after_load(state.loaded),
            rx.vstack(
                rx.text(state.total, " facilities found", size="2", id="facility-search-total"),
                _items(state.rows, _search_row, "facility-search-rows"),
                pager(state.page, state.pages, state.go_to_page, id="facility-search-pager"),
                spacing="3",
                width="100%",
            ),
            rx.spinner(),
        ),
    )


# ---------------------------------------------------------------- one facility


def _requirement_control(row: rx.Var) -> rx.Component:
    return rx.cond(
        (row["can_manage"] == "yes") & (row["always"] != "yes"),
        rx.button(
            rx.cond(row["applicable"] == "yes", "Make not applicable", "Make applicable"),
            id="requirement-" + row["element"] + "-toggle",
            variant="soft",
            size="2",
            on_click=RegulatorFacilityState.toggle_requirement(row["element"]),
        ),
    )


def _element_form(
    row: rx.Var, name: str, control: rx.Component, button: str, on_submit: rx.EventHandler
) -> rx.Component:
    """A one-field form about one element: the element's code, the field and its button."""
    return rx.form(
        rx.el.input(type="hidden", name="element", value=row["element"]),
        rx.flex(
            control,
            rx.button(
                button,
                type="submit",
                id=name + "-" + row["element"] + "-save",
                variant="soft",
                size="2",
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        on_submit=on_submit,
        key=RegulatorFacilityState.form_key.to_string() + "-" + name + "-" + row["element"],
    )


def _due_control(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["can_manage"] == "yes",
        _element_form(
            row,
            "due",
            rx.fragment(
                rx.el.label(
                    rx.text("Next due date", size="1"), html_for="due-" + row["element"] + "-input"
                ),
                rx.input(
                    type="date",
                    name="due",
                    id="due-" + row["element"] + "-input",
                    default_value=row["next_due"],
                    size="2",
                ),
            ),
            "Save date",
            RegulatorFacilityState.save_due,
        ),
    )


def _agency_option(option: rx.Var) -> rx.Component:
    return rx.el.option(option["label"], value=option["id"])


def _cupa_control(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["can_change_agency"] == "yes",
        _element_form(
            row,
            "change-cupa",
            rx.el.select(
                rx.el.option("Hand it to...", value=""),
                rx.foreach(RegulatorFacilityState.agency_options[row["element"]], _agency_option),
                name="agency",
                id="change-cupa-" + row["element"] + "-select",
                class_name="cers-select",
                aria_label="Agency to hand the element to",
                style={"flex": "1 1 200px", "width": "auto"},
            ),
            "Change CUPA",
            RegulatorFacilityState.change_cupa,
        ),
    )


def _version_link(row: rx.Var, label: str, key: str, text: rx.Var) -> rx.Component:
    """`label` and a link to the regulator's page of the element's version `key`, or "never"."""
    return rx.text(
        label,
        rx.cond(
            row[key] != "",
            rx.link(text, href=row[key + "_url"], id=key.replace("_", "-") + "-" + row["element"]),
            "never",
        ),
        size="2",
    )


def _element(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.text.strong(row["label"]),
                rx.badge(
                    row["requirement"],
                    color_scheme=rx.cond(row["applicable"] == "yes", "teal", "gray"),
                    id="requirement-" + row["element"] + "-label",
                ),
                rx.cond(
                    row["overdue"] == "yes",
                    rx.badge("Overdue", color_scheme="red", id="overdue-" + row["element"]),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text("Why: ", row["source"], size="1", color_scheme="gray"),
            rx.text("Agency: ", row["agency"], size="2"),
            rx.text(
                "Next due: ", rx.cond(row["next_due"] != "", row["next_due"], "none"), size="2"
            ),
            _version_link(
                row,
                "Last submitted: ",
                "last_submitted",
                row["last_submitted"] + " (" + row["last_submitted_status"] + ")",
            ),
            _version_link(row, "Last accepted: ", "last_accepted", row["last_accepted"]),
            rx.cond(
                row["comments"] != "",
                rx.text("Regulator comments: ", row["comments"], size="2"),
            ),
            _requirement_control(row),
            _due_control(row),
            _cupa_control(row),
            spacing="2",
            align="stretch",
        ),
        class_name="cers-item",
        id="element-" + row["element"],
    )


def _submittal(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.link(
            row["element"],
            href=row["url"],
            id="facility-submittal-" + row["id"],
        ),
        rx.text(row["submitted"], " · ", row["status"], " · ", row["agency"], size="1"),
        class_name="cers-item",
    )


def facility_page() -> rx.Component:
    state = RegulatorFacilityState
    facility = state.facility
    return _detail_page(
        state.loaded,
        page_title(facility["name"], "CERS ID " + facility["cers_id"]),
        card(
            _facts(
                _fact("Address", facility["address"], "facility-address"),
                _fact("County", facility["county"], "facility-county"),
                _fact("Facility ID", facility["local_id"], "facility-local-id"),
                _fact("EPA ID", facility["epa_id"], "facility-epa-id"),
            ),
            rx.text(
                "Business: ",
                rx.link(
                    facility["business"],
                    href=facility["business_url"],
                    id="facility-business-link",
                ),
                size="2",
            ),
        ),
        rx.heading("Reporting requirements", size="5", as_="h2"),
        _items(state.elements, _element, "facility-elements"),
        rx.heading("Submittals", size="5", as_="h2"),
        rx.cond(
            state.submittals.length() > 0,
            _items(state.submittals, _submittal, "facility-submittals"),
            rx.text("Nothing submitted yet.", size="2", id="facility-submittals"),
        ),
        print_card(RegulatorPrintState),
        rx.link(
            "Download the latest submittal as CERS EDT XML (ZIP)",
            href=routes.REGULATOR_EDT_EXPORT + "?id=" + facility["id"],
            size="2",
            id="facility-edt-export",
        ),
        rx.cond(
            state.can_read_history,
            rx.link(
                "History: who changed what",
                href=routes.REGULATOR_FACILITY_HISTORY + "?id=" + facility["id"],
                size="2",
                id="facility-history",
            ),
        ),
        # Transfer, merge and delete (cers_app/regulator/facility_actions_panel.py).
        facility_actions_panel(),
    )


# ---------------------------------------------------------------- one business


def _person(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.text.strong(row["name"]),
        rx.text(row["role"], " · ", row["status"], size="2"),
        rx.text(row["email"], size="2", style={"overflowWrap": "anywhere"}),
        rx.cond(row["title"] != "", rx.text(row["title"], size="1", color_scheme="gray")),
        rx.cond(row["phone"] != "", rx.text(row["phone"], size="1", color_scheme="gray")),
        class_name="cers-item",
    )


def _business_facility(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.link(rx.text.strong(row["name"]), href=row["url"], id="business-facility-" + row["id"]),
        rx.text("CERS ID ", row["cers_id"], " · ", row["address"], size="2"),
        class_name="cers-item",
    )


def business_page() -> rx.Component:
    state = RegulatorBusinessState
    business = state.business
    return _detail_page(
        state.loaded,
        page_title(business["name"], "Business " + business["code"]),
        card(
            _facts(
                _fact("Headquarters", business["headquarters"], "business-headquarters"),
                _fact("Status", business["status"], "business-status"),
                _fact("In OpenCERS since", business["created"], "business-created"),
            ),
        ),
        rx.heading("People", size="5", as_="h2"),
        _items(state.people, _person, "business-people"),
        rx.heading("Facilities in your jurisdiction", size="5", as_="h2"),
        _items(state.facilities, _business_facility, "business-facilities"),
        rx.heading("Email history", size="5", as_="h2"),
        rx.text(state.emails_note, size="2", id="business-emails-count"),
        table(
            ["Date", "Subject", "To", "Status"],
            state.emails,
            ["sent", "subject", "to", "status"],
            id="business-emails",
        ),
    )


PAGES = [
    PageSpec(
        routes.REGULATOR_FACILITIES,
        facility_search,
        "Facilities",
        (RegulatorFacilitySearchState.load,),
    ),
    PageSpec(
        routes.REGULATOR_FACILITY,
        facility_page,
        "Facility",
        (RegulatorFacilityState.load, FacilityActionsState.load, RegulatorPrintState.load),
    ),
    PageSpec(routes.REGULATOR_BUSINESS, business_page, "Business", (RegulatorBusinessState.load,)),
]
