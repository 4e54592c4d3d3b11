"""Column headings of a server-side sorted table: click to sort, click again to reverse."""

from __future__ import annotations

from typing import Any

import reflex as rx


def sort_heading(
    label: str, key: str, sort: rx.Var, descending: rx.Var, on_sort: Any, *, id: str
) -> rx.Component:
    """A <th> whose button asks the state's `on_sort(key)` handler to sort by `key`.

    `aria-sort` tells assistive technology (and tests) which column sorts the rows and how.
    """
    active = sort == key
    arrow = rx.cond(
        active,
        rx.cond(descending, rx.icon("arrow_down", size=14), rx.icon("arrow_up", size=14)),
        rx.icon("arrow_up_down", size=14, color="var(--gray-8)"),
    )
    return rx.el.th(
        rx.el.button(
            rx.text(label),
            arrow,
            type="button",
            on_click=on_sort(key),
            class_name="cers-sort",
            custom_attrs={"id": id},
        ),
        scope="col",
        custom_attrs={
            "aria-sort": rx.cond(active, rx.cond(descending, "descending", "ascending"), "none")
        },
    )


def plain_heading(label: str) -> rx.Component:
    return rx.el.th(label, scope="col")
