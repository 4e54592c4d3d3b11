"""Regulator Portal compliance overview: counts that open their lists, and a bar per element.

The chart is plain CSS (stacked bars whose widths the state computes), so it needs no chart
library and shrinks to a phone's width.
"""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.compliance_state import RegulatorComplianceState
from cers_app.ui.layout import PageSpec, after_load, page_title, shell
from cers_app.ui.tables import pager, table

# (category, label, id, bar colour)
COUNTS = (
    ("overdue", "Overdue", "compliance-overdue", "var(--red-9)"),
    ("not_accepted", "Not Accepted", "compliance-not-accepted", "var(--orange-9)"),
    ("never_submitted", "Never submitted", "compliance-never-submitted", "var(--gray-8)"),
    ("awaiting_review", "Awaiting review", "compliance-awaiting-review", "var(--blue-9)"),
    ("accepted", "Accepted", "compliance-accepted", "var(--teal-9)"),
)
BAR_COLOURS = {key: colour for key, _, _, colour in COUNTS}
STACK_ORDER = ("accepted", "awaiting_review", "not_accepted", "never_submitted")


def _count(key: str, label: str, id: str) -> rx.Component:
    state = RegulatorComplianceState
    return rx.button(
        rx.vstack(
            rx.text(state.totals[key], size="6", weight="bold"),
            rx.text(label, size="1"),
            spacing="0",
            align="center",
        ),
        id=id,
        variant=rx.cond(state.category == key, "solid", "soft"),
        on_click=state.open_count(key),
        height="auto",
        padding="8px 12px",
        style={"flex": "1 1 140px"},
    )


def _segment(row: rx.Var, key: str) -> rx.Component:
    return rx.box(
        width=row[f"{key}_width"],
        height="100%",
        background=BAR_COLOURS[key],
        title=key.replace("_", " ") + ": " + row[key],
    )


def _bar(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.text.strong(row["code"], size="2"),
            rx.text(
                row["label"], size="1", color_scheme="gray", style={"overflowWrap": "anywhere"}
            ),
            rx.text(row["applicable"], " applicable", size="1"),
            spacing="2",
            wrap="wrap",
            align="baseline",
        ),
        rx.flex(
            *[_segment(row, key) for key in STACK_ORDER],
            width="100%",
            height="14px",
            style={
                "borderRadius": "var(--radius-2)",
                "overflow": "hidden",
                "background": "var(--gray-4)",
            },
            role="img",
            aria_label=row["code"]
            + ": "
            + row["accepted"]
            + " accepted, "
            + row["awaiting_review"]
            + " awaiting review, "
            + row["not_accepted"]
            + " not accepted, "
            + row["never_submitted"]
            + " never submitted",
        ),
        rx.text(
            "Overdue ",
            row["overdue"],
            " · Not Accepted ",
            row["not_accepted"],
            " · Never submitted ",
            row["never_submitted"],
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )


def _legend() -> rx.Component:
    return rx.flex(
        *[
            rx.hstack(
                rx.box(width="10px", height="10px", background=BAR_COLOURS[key]),
                rx.text(label, size="1"),
                spacing="1",
                align="center",
            )
            for key, label, _, _ in COUNTS
            if key in STACK_ORDER
        ],
        spacing="3",
        wrap="wrap",
    )


def _agency_option(option: rx.Var) -> rx.Component:
    return rx.el.option(option["name"], value=option["id"])


def _list_cells(row: rx.Var) -> list:
    return [
        rx.link(row["name"], href=row["url"], id="compliance-open-" + row["key"]),
        row["cers_id"],
        row["element"],
        row["next_due"],
        row["status"],
    ]


def compliance_page() -> rx.Component:
    state = RegulatorComplianceState
    return shell(
        page_title("Compliance", "Applicable submittal elements in your jurisdiction"),
        rx.flex(
            rx.link(
                "Regulator Portal", href=routes.REGULATOR_HOME, id="regulator-home-link", size="2"
            ),
            rx.link(
                "Facility search",
                href=routes.REGULATOR_FACILITIES,
                id="facility-search-link",
                size="2",
            ),
            spacing="4",
            wrap="wrap",
        ),
        rx.cond(
            after_load(state.loaded),
            rx.fragment(
                rx.vstack(
                    rx.el.label(rx.text("Agency", size="2"), html_for="compliance-agency"),
                    rx.el.select(
                        rx.el.option("All my agencies", value=""),
                        rx.foreach(state.agencies, _agency_option),
                        id="compliance-agency",
                        value=state.agency,
                        on_change=state.choose_agency,
                        class_name="cers-select",
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.text(
                    state.applicable, " applicable element slots as of ", state.today, size="2"
                ),
                rx.flex(
                    *[_count(key, label, id) for key, label, id, _ in COUNTS],
                    spacing="2",
                    wrap="wrap",
                    width="100%",
                ),
                rx.box(
                    rx.vstack(
                        rx.heading("By element", size="4", as_="h2"),
                        _legend(),
                        rx.foreach(state.elements, _bar),
                        spacing="3",
                        width="100%",
                    ),
                    id="compliance-chart",
                    width="100%",
                ),
                rx.cond(
                    state.category != "",
                    rx.vstack(
                        rx.heading(state.category_label, size="4", as_="h2"),
                        rx.text(state.total, " element slots", size="2"),
                        table(
                            ["Facility", "CERS ID", "Element", "Next due", "Status"],
                            state.rows,
                            _list_cells,
                            id="compliance-list",
                        ),
                        pager(state.page, state.pages, state.go_to_page, id="compliance-pager"),
                        spacing="2",
                        width="100%",
                    ),
                ),
            ),
            rx.spinner(),
        ),
    )


PAGES = [
    PageSpec(
        routes.REGULATOR_COMPLIANCE,
        compliance_page,
        "Compliance",
        (RegulatorComplianceState.load,),
    )
]
