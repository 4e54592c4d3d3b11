"""The change view's parts shared by the business's change page and the regulator's view of
a submittal: the view rows made from `changes.Changes`, and the cards that show them."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.submittals.changes import Changes
from cers_app.ui.layout import card
from cers_app.ui.tables import table


def change_rows(changes: Changes) -> tuple[list, list, list]:
    """The form, inventory row and document changes as small view rows for state vars."""
    forms = [
        {"label": c.label, "before": c.before or "(blank)", "after": c.after or "(blank)"}
        for c in changes.forms
    ]
    rows = [
        {
            "kind": row.kind,
            "material": row.material or "(no name)",
            "location": row.location or "(no location)",
            "fields": "; ".join(
                f"{f.label}: {f.before or '(blank)'} -> {f.after or '(blank)'}" for f in row.fields
            ),
        }
        for row in changes.rows
    ]
    documents = [{"label": d.label, "kind": d.kind, "detail": d.detail} for d in changes.documents]
    return forms, rows, documents


def change_summary(changes: Changes) -> str:
    """How much changed, in one line."""
    counts = changes.counts
    return (
        f"{len(changes.forms)} form field(s), {counts['added']} material row(s) "
        f"added, {counts['removed']} removed, {counts['changed']} changed, "
        f"{len(changes.documents)} document(s)"
    )


def _row_change(row: rx.Var) -> list[rx.Component]:
    return [
        rx.badge(
            row["kind"],
            color_scheme=rx.match(row["kind"], ("added", "green"), ("removed", "red"), "amber"),
        ),
        row["material"],
        row["location"],
        rx.text(row["fields"], size="1"),
    ]


def _changed(title: str, headers: list[str], rows: rx.Var, cells: Any, key: str) -> rx.Component:
    """One kind of change as a table, or "Nothing here changed."."""
    return card(
        rx.heading(title, size="3", as_="h2"),
        rx.cond(
            rows.length() > 0,
            table(headers, rows, cells, id=f"changes-{key}"),
            rx.text("Nothing here changed.", size="2", color_scheme="gray"),
        ),
    )


def change_cards(
    level: rx.Var,
    summary: rx.Var,
    reasons: rx.Var,
    forms: rx.Var,
    rows: rx.Var,
    documents: rx.Var,
) -> rx.Component:
    """The significance, then the forms, inventory rows and documents that changed (the
    state vars filled from `change_rows`)."""
    return rx.fragment(
        card(
            rx.flex(
                rx.text.strong("Significance: "),
                rx.badge(level, size="2", id="changes-level"),
                spacing="2",
                align="center",
            ),
            rx.text(summary, size="2", id="changes-summary"),
            rx.cond(
                reasons.length() > 0,
                rx.el.ul(
                    rx.foreach(reasons, lambda r: rx.el.li(rx.text(r, size="2"))),
                    id="changes-reasons",
                ),
            ),
        ),
        _changed("Forms", ["Field", "Before", "Now"], forms, ["label", "before", "after"], "forms"),
        _changed(
            "Inventory rows",
            ["Change", "Material", "Location", "Fields"],
            rows,
            _row_change,
            "rows",
        ),
        _changed(
            "Documents",
            ["Document", "Change", "Detail"],
            documents,
            ["label", "kind", "detail"],
            "documents",
        ),
    )
