"""The Print card: buttons for the submittal packet, its public copy and the inventory report
(with its filters), and the person's recent PDFs with their status and a Download link."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.reports.pdf_inventory import ALL, NON_WASTE, WASTE_CHOICES, WASTE_ONLY
from cers_app.ui.forms import ERROR_COLOR
from cers_app.ui.layout import card

WASTE_LABELS = {
    ALL: "Waste and non-waste",
    WASTE_ONLY: "Waste only",
    NON_WASTE: "Non-waste only",
}


def _job(row: rx.Var) -> rx.Component:
    return rx.flex(
        rx.text(row["label"], weight="medium", size="2"),
        rx.badge(
            row["status_text"],
            color_scheme=rx.match(row["status"], ("done", "green"), ("failed", "red"), "gray"),
            variant="soft",
            id="print-status-" + row["id"],
        ),
        rx.text(row["asked"], size="1", color_scheme="gray"),
        rx.cond(
            row["href"] != "",
            rx.link("Download", href=row["href"], id="print-download-" + row["id"], size="2"),
        ),
        rx.cond(
            row["message"] != "",
            rx.text(row["message"], size="2", color=ERROR_COLOR, role="alert"),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
        id="print-job-" + row["id"],
    )


def _inventory_form(state: Any) -> rx.Component:
    return rx.form(
        rx.flex(
            rx.vstack(
                rx.el.label(
                    rx.text("Location (blank: every location)", size="2"), html_for="print-location"
                ),
                rx.input(name="location", id="print-location", max_length=140, width="100%"),
                rx.cond(
                    state.errors.contains("location"),
                    rx.text(state.errors["location"], size="2", color=ERROR_COLOR, role="alert"),
                ),
                spacing="1",
                min_width="12rem",
                flex="1",
            ),
            rx.vstack(
                rx.el.label(rx.text("Materials", size="2"), html_for="print-waste"),
                rx.el.select(
                    *[
                        rx.el.option(WASTE_LABELS.get(value, value), value=value)
                        for value in WASTE_CHOICES
                    ],
                    name="waste",
                    class_name="cers-select",
                    custom_attrs={"id": "print-waste"},
                ),
                spacing="1",
            ),
            rx.vstack(
                rx.el.label(rx.text("Trade secrets", size="2"), html_for="print-trade-secrets"),
                rx.el.select(
                    rx.el.option("Include", value="include"),
                    rx.el.option("Leave out", value="exclude"),
                    name="trade_secrets",
                    class_name="cers-select",
                    custom_attrs={"id": "print-trade-secrets"},
                ),
                spacing="1",
            ),
            rx.button("Inventory report", type="submit", variant="soft", id="print-inventory"),
            spacing="3",
            wrap="wrap",
            align="end",
        ),
        on_submit=state.ask_inventory,
        reset_on_submit=False,
        width="100%",
        id="print-inventory-form",
    )


def print_card(state: Any) -> rx.Component:
    """The Print card of a facility page, driven by `state` (a PrintMixin state)."""
    return card(
        rx.heading("Print", size="4", as_="h2"),
        rx.text(
            "PDFs are made in the background; you can keep working and download them here. "
            "The public copy leaves out the chemical locations not subject to public disclosure "
            "and the trade-secret materials.",
            size="2",
            color_scheme="gray",
        ),
        rx.flex(
            rx.button(
                "Submittal packet",
                variant="soft",
                on_click=state.ask("packet"),
                id="print-packet",
            ),
            rx.button(
                "Public copy",
                variant="soft",
                on_click=state.ask("public"),
                id="print-public",
            ),
            spacing="2",
            wrap="wrap",
        ),
        _inventory_form(state),
        rx.cond(
            state.jobs.length() > 0,
            rx.vstack(
                rx.text("Your recent PDFs", weight="medium", size="2"),
                rx.foreach(state.jobs, _job),
                spacing="2",
                width="100%",
                id="print-jobs",
            ),
        ),
        id="print-card",
    )
