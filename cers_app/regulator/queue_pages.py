"""The review queue page: filters, one page of submitted elements as cards, the pager."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import routes
from cers_app.core.codes import ELEMENTS
from cers_app.regulator import queue
from cers_app.regulator.queue_state import QueueState
from cers_app.ui.forms import field_error
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.tables import pager

ELEMENT_CHOICES = {str(code): label for code, (label, _) in ELEMENTS.items()}


def _label(text: str, id: str) -> rx.Component:
    return rx.el.label(rx.text(text, weight="medium", size="2"), html_for=id)


def _field(
    name: str, id: str, label: str, control: Any, *children: Any, **props: Any
) -> rx.Component:
    """A labelled filter with its message. The id is a plain attribute, so the form data stays
    text only."""
    return rx.vstack(
        _label(label, id),
        control(
            *children,
            name=name,
            default_value=QueueState.filters[name],
            aria_invalid=rx.cond(QueueState.errors.contains(name), "true", "false"),
            custom_attrs={"id": id},
            **props,
        ),
        field_error(QueueState.errors, name, id),
        spacing="1",
        width="100%",
    )


def _select(name: str, id: str, label: str, options: dict[str, str], any_label: str | None):
    """A native select of `options`, with "any" first when `any_label` is given."""
    choices = [rx.el.option(any_label, value="")] if any_label is not None else []
    return _field(
        name,
        id,
        label,
        rx.el.select,
        *choices,
        *[rx.el.option(text, value=value) for value, text in options.items()],
        class_name="cers-select",
    )


def _agency_select() -> rx.Component:
    return _field(
        "agency",
        "queue-agency",
        "Agency",
        rx.el.select,
        rx.el.option("All my agencies", value=""),
        rx.foreach(
            QueueState.agencies,
            lambda agency: rx.el.option(agency["name"], value=agency["id"]),
        ),
        class_name="cers-select",
    )


def _input(name: str, id: str, label: str, type: str = "text", placeholder: str = ""):
    return _field(
        name,
        id,
        label,
        rx.el.input,
        type=type,
        placeholder=placeholder,
        max_length=queue.FACILITY_TEXT_MAX,
        class_name="cers-input",
    )


def _filters() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.grid(
                _select("status", "queue-status", "Status", queue.STATUS_CHOICES, None),
                _select("element", "queue-element", "Element", ELEMENT_CHOICES, "All elements"),
                _agency_select(),
                _input(
                    "facility", "queue-facility", "Facility", placeholder="CERS ID, name or city"
                ),
                _input("submitted_from", "queue-from", "Submitted from", type="date"),
                _input("submitted_to", "queue-to", "Submitted to", type="date"),
                _select("sort", "queue-sort", "Order", queue.SORTS, None),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.button("Apply filters", type="submit", id="queue-apply"),
                rx.button(
                    "Clear",
                    type="button",
                    variant="soft",
                    on_click=QueueState.clear_filters,
                    id="queue-clear",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=QueueState.apply_filters,
        id="queue-filters",
        key=QueueState.filter_key,
        width="100%",
    )


def _row(row: rx.Var) -> rx.Component:
    return card(
        rx.flex(
            rx.link(
                rx.text.strong(row["facility"]),
                href=row["url"],
                id="queue-open-" + row["version_id"],
            ),
            rx.badge(
                row["status"], color_scheme=rx.cond(row["status_code"] == "2", "blue", "amber")
            ),
            justify="between",
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.text(row["element"], size="2"),
        rx.flex(
            rx.text("CERS ID ", row["cers_id"], size="2", color_scheme="gray"),
            rx.text(row["city"], size="2", color_scheme="gray"),
            rx.text(row["agency"], size="2", color_scheme="gray"),
            spacing="3",
            wrap="wrap",
        ),
        rx.text(
            "Submitted ",
            row["submitted_at"],
            " by ",
            row["submitter"],
            size="1",
            color_scheme="gray",
        ),
    )


def _results() -> rx.Component:
    return rx.vstack(
        rx.heading("Submittals (", QueueState.total, ")", size="4", as_="h2"),
        rx.cond(
            QueueState.total > 0,
            rx.vstack(
                rx.foreach(QueueState.rows, _row), spacing="2", width="100%", id="queue-rows"
            ),
            rx.text("No submittals match these filters.", id="queue-empty", size="2"),
        ),
        rx.cond(
            QueueState.pages > 1,
            pager(QueueState.page, QueueState.pages, QueueState.go_to_page, id="queue-page"),
        ),
        spacing="3",
        width="100%",
        align="stretch",
    )


def queue_page() -> rx.Component:
    return shell(
        page_title("Review queue", "Submitted elements of the facilities your agencies regulate."),
        rx.link("Regulator Portal", href=routes.REGULATOR_HOME, id="queue-home", size="2"),
        _filters(),
        rx.cond(after_load(QueueState.loaded), _results(), rx.spinner(id="queue-loading")),
    )


PAGES = [PageSpec(routes.REGULATOR_QUEUE, queue_page, "Review queue", (QueueState.load,))]
