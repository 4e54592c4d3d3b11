"""The regulator's requests inbox page: approve or reject, with a comment."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.facilities.request_decisions import decision_buttons, decision_form
from cers_app.regulator.request_inbox_state import RegulatorRequestsState
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

State = RegulatorRequestsState


def _decision_form() -> rx.Component:
    deciding = State.deciding
    return decision_form(
        State,
        ": ",
        rx.text.strong(deciding["summary"]),
        " - ",
        deciding["facility"],
        " (CERS ID ",
        deciding["cers_id"],
        "), asked by ",
        deciding["requested_by"],
        ".",
        reason_to_reject=True,
    )


def _line(label: str, *value: rx.Var | str | rx.Component) -> rx.Component:
    return rx.text(rx.text.span(label, color_scheme="gray"), " ", *value, size="2")


def _request(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.badge(row["kind_label"], size="2"),
                rx.text.strong(row["summary"]),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            _line(
                "Facility:",
                rx.link(
                    row["facility"],
                    " (CERS ID ",
                    row["cers_id"],
                    ")",
                    href=row["facility_href"],
                    id="request-" + row["id"] + "-facility",
                ),
            ),
            _line("Business:", row["owner"]),
            _line("Asked by:", row["requested_by"], " on ", row["requested_at"]),
            rx.cond(row["note"] != "", _line("Note:", row["note"])),
            decision_buttons(
                State,
                row["id"],
                approve_id="request-" + row["id"] + "-approve",
                reject_id="request-" + row["id"] + "-reject",
                size="2",
            ),
            spacing="1",
            align="stretch",
        ),
        width="100%",
        id="request-" + row["id"],
    )


def _decided(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(
            rx.text.strong(row["status_label"]),
            " - ",
            row["kind_label"],
            ": ",
            row["facility"],
            " (CERS ID ",
            row["cers_id"],
            "), asked by ",
            row["requested_by"],
            size="2",
        ),
        rx.text(
            row["decided_by"],
            ", ",
            row["decided_at"],
            rx.cond(row["comment"] != "", rx.text.span(": ", row["comment"])),
            size="1",
            color_scheme="gray",
        ),
        id="decided-" + row["id"],
        padding_y="4px",
    )


def request_inbox() -> rx.Component:
    """Pending requests first, the last decisions under them."""
    return shell(
        page_title(
            "Requests",
            "Access, transfer, merge and delete requests your agency decides.",
        ),
        rx.cond(State.deciding.contains("id"), card(_decision_form(), id="request-deciding")),
        rx.cond(
            after_load(State.loaded),
            rx.vstack(
                rx.cond(
                    State.rows.length() > 0,
                    rx.vstack(
                        rx.foreach(State.rows, _request),
                        spacing="3",
                        width="100%",
                        id="requests-pending",
                    ),
                    rx.text(
                        "No request is waiting for a decision.",
                        id="requests-none",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                rx.cond(
                    State.recent.length() > 0,
                    card(
                        rx.heading("Recently decided", size="4", as_="h2"),
                        rx.foreach(State.recent, _decided),
                        id="requests-recent",
                    ),
                ),
                spacing="4",
                width="100%",
                align="stretch",
            ),
        ),
    )


PAGES = [PageSpec(routes.REGULATOR_REQUESTS, request_inbox, "Requests", (State.load,))]
