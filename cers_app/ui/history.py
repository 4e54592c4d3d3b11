"""The history pages' shared parts: the filter form, one page of audit events and the pager.

A history state provides `rows` (dicts with id, when, who, email, what, subject, facility,
changes), `page`, `pages`, `total`, `group`, `since`, `until`, `errors`, `form_key` and the
handlers `filter(form_data)` and `go_to_page(page)`.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core.audit_labels import GROUPS
from cers_app.ui.forms import field_error
from cers_app.ui.tables import pager, table

_WRAP = {"whiteSpace": "pre-wrap", "overflowWrap": "anywhere"}


def _date(state: Any, name: str, label: str, prefix: str) -> rx.Component:
    id = f"{prefix}-{name}"
    return rx.vstack(
        rx.el.label(rx.text(label, size="2"), html_for=id),
        rx.input(
            type="date",
            name=name,
            id=id,
            default_value=getattr(state, name),
            aria_invalid=rx.cond(state.errors.contains(name), "true", "false"),
            color_scheme=rx.cond(state.errors.contains(name), "red", "gray"),
        ),
        field_error(state.errors, name, id),
        spacing="1",
        style={"flex": "1 1 150px"},
    )


def filters(state: Any, prefix: str) -> rx.Component:
    """Kind of change and a range of dates (the agency's calendar), then "Show"."""
    group_id = f"{prefix}-group"
    return rx.form(
        rx.flex(
            rx.vstack(
                rx.el.label(rx.text("Kind of change", size="2"), html_for=group_id),
                rx.el.select(
                    *[rx.el.option(label, value=key) for key, label in GROUPS.items()],
                    name="group",
                    id=group_id,
                    default_value=state.group,
                    class_name="cers-select",
                    aria_invalid=rx.cond(state.errors.contains("group"), "true", "false"),
                ),
                field_error(state.errors, "group", group_id),
                spacing="1",
                style={"flex": "2 1 220px"},
            ),
            _date(state, "since", "From", prefix),
            _date(state, "until", "To", prefix),
            rx.button("Show", type="submit", id=f"{prefix}-show", variant="soft"),
            spacing="3",
            align="end",
            wrap="wrap",
            width="100%",
        ),
        on_submit=state.filter,
        id=f"{prefix}-filters",
        key=state.form_key,
        width="100%",
    )


def _cells(with_facility: bool) -> Any:
    def cells(row: rx.Var) -> list[Any]:
        who = rx.vstack(
            rx.text(row["who"], size="2"),
            rx.text(row["email"], size="1", color_scheme="gray", style=_WRAP),
            spacing="0",
        )
        what = rx.text(row["what"], size="2", id="history-what-" + row["id"])
        changes = rx.text(row["changes"], size="1", style=_WRAP, id="history-changes-" + row["id"])
        found = [row["when"], who, what, row["subject"]]
        if with_facility:
            found.append(row["facility"])
        return [*found, changes]

    return cells


def events(state: Any, prefix: str, *, with_facility: bool = False) -> rx.Component:
    """One page of events, newest first, and the pager; or a line saying there are none."""
    columns = ["When", "Who", "What", "Object"]
    if with_facility:
        columns.append("Facility")
    columns.append("Changes (before → after)")
    return rx.cond(
        state.rows.length() > 0,
        rx.vstack(
            rx.text(state.total, " change(s).", size="2", id=f"{prefix}-count"),
            table(columns, state.rows, _cells(with_facility), id=f"{prefix}-table"),
            pager(state.page, state.pages, state.go_to_page, id=f"{prefix}-pager"),
            spacing="3",
            width="100%",
        ),
        rx.text("No changes to show.", size="2", id=f"{prefix}-empty"),
    )
