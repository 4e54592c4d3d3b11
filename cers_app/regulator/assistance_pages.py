"""The agency's technical-assistance inbox: the requests the public sent, newest first, and one
request with its status, internal note and forwarding to the system administrator."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.assistance_inbox import NOTE_MAX
from cers_app.regulator.assistance_state import (
    STATUS_OPTIONS,
    AssistanceInboxState,
)
from cers_app.ui.forms import field_error
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.tables import pager, table

S = AssistanceInboxState
SET_STATUSES = {"new": "New", "in_progress": "In progress", "closed": "Closed"}


def _filter() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.label(rx.text("Status", size="2"), html_for="assistance-status-filter"),
            rx.el.select(
                *[rx.el.option(label, value=key) for key, label in STATUS_OPTIONS.items()],
                name="status",
                id="assistance-status-filter",
                default_value=S.status,
                class_name="cers-select",
            ),
            rx.button("Show", type="submit", id="assistance-filter", variant="soft"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        on_submit=S.filter_status,
        id="assistance-filter-form",
    )


def _cells(row: rx.Var) -> list:
    return [
        rx.link(row["reference"], href=row["url"], id="assistance-open-" + row["id"]),
        row["created_at"],
        row["subject"],
        row["name"],
        row["topic"],
        row["agency"],
        rx.badge(row["status_label"], id="assistance-status-" + row["id"]),
    ]


def _list() -> rx.Component:
    return rx.vstack(
        rx.text(S.new, " new request(s).", size="2", id="assistance-new-count"),
        _filter(),
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(
                table(
                    ["Reference", "Received", "Subject", "From", "Topic", "Agency", "Status"],
                    S.rows,
                    _cells,
                    id="assistance-table",
                ),
                pager(S.page, S.pages, S.go_to_page, id="assistance-pager"),
                spacing="3",
                width="100%",
            ),
            rx.text("No requests to show.", size="2", id="assistance-empty"),
        ),
        spacing="3",
        width="100%",
        align="stretch",
    )


def _field(label: str, key: str, href: str | None = None) -> rx.Component:
    value = S.request[key]
    shown = rx.link(value, href=S.request[href], size="2") if href else rx.text(value, size="2")
    return rx.cond(
        value != "",
        rx.text(rx.text.strong(label + ": "), shown, size="2", style={"overflowWrap": "anywhere"}),
    )


def _note_area(id: str, default: rx.Var | str, label: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.text_area(
            name="note", id=id, default_value=default, max_length=NOTE_MAX, rows="3", width="100%"
        ),
        field_error(S.errors, "note", id),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _actions() -> rx.Component:
    update = rx.form(
        rx.vstack(
            rx.el.label(rx.text("Status", weight="medium", size="2"), html_for="assistance-set"),
            rx.el.select(
                *[rx.el.option(label, value=key) for key, label in SET_STATUSES.items()],
                name="status",
                id="assistance-set",
                default_value=rx.cond(S.request["status"] == "forwarded", "", S.request["status"]),
                class_name="cers-select",
            ),
            field_error(S.errors, "status", "assistance-set"),
            _note_area("assistance-note", S.request["agency_note"], "Internal note"),
            rx.button("Save", type="submit", id="assistance-save"),
            spacing="2",
            width="100%",
            align="stretch",
        ),
        on_submit=S.save,
        id="assistance-update-form",
        width="100%",
    )
    forward = rx.form(
        rx.vstack(
            _note_area(
                "assistance-forward-note",
                S.request["agency_note"],
                "Note for the system administrator",
            ),
            rx.button(
                "Forward to the system administrator",
                type="submit",
                id="assistance-forward",
                variant="soft",
                disabled=S.request["status"] == "forwarded",
            ),
            spacing="2",
            width="100%",
            align="stretch",
        ),
        on_submit=S.forward,
        id="assistance-forward-form",
        width="100%",
    )
    return rx.cond(
        S.can_act,
        rx.vstack(card(update), card(forward), spacing="3", width="100%", key=S.form_key),
        rx.text("Your role may read this request but not act on it.", size="2"),
    )


def _one() -> rx.Component:
    return rx.cond(
        S.request.contains("id"),
        rx.vstack(
            card(
                rx.flex(
                    rx.heading(S.request["reference"], " ", S.request["subject"], size="5"),
                    rx.badge(S.request["status_label"], id="assistance-status"),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                _field("Received", "created_at"),
                _field("Agency", "agency"),
                _field("From", "name"),
                _field("Email", "email", "email_href"),
                _field("Phone", "phone"),
                _field("Business", "business_name"),
                _field("CERS ID", "cers_id"),
                _field("Topic", "topic"),
                rx.text(
                    S.request["message"],
                    size="2",
                    id="assistance-message",
                    style={"whiteSpace": "pre-wrap", "overflowWrap": "anywhere"},
                ),
                _field("Internal note", "agency_note"),
                _field("Forwarded", "forwarded_at"),
                _field("Forwarded by", "forwarded_by"),
                id="assistance-request",
            ),
            _actions(),
            spacing="3",
            width="100%",
            align="stretch",
        ),
        rx.text("That assistance request was not found.", size="2", id="assistance-missing"),
    )


def assistance_inbox() -> rx.Component:
    opened = S.opened
    return shell(
        page_title("Technical assistance", "Requests the public sent to your agency."),
        rx.cond(
            opened,
            rx.link("Back to the inbox", href=routes.REGULATOR_ASSISTANCE, id="assistance-back"),
        ),
        rx.cond(after_load(S.loaded), rx.cond(opened, _one(), _list())),
    )


PAGES = [PageSpec(routes.REGULATOR_ASSISTANCE, assistance_inbox, "Technical assistance", (S.load,))]
