"""Tables of one server-side page of rows, and the pager that moves between pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx


def table(
    columns: list[str],
    rows: rx.Var,
    cells: list[str] | Callable[[rx.Var], list[Any]],
    *,
    id: str,
) -> rx.Component:
    """A table of `rows` (dicts); `cells` names their keys or builds each row's cells.

    Wide tables scroll sideways inside their box, so the page itself never does on a phone.
    """

    def row(item: rx.Var) -> rx.Component:
        contents = cells(item) if callable(cells) else [item[key] for key in cells]
        return rx.table.row(*[rx.table.cell(content) for content in contents])

    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in columns])),
            rx.table.body(rx.foreach(rows, row)),
            width="100%",
            id=id,
        ),
        class_name="cers-table-wrap",
    )


def pager(page: rx.Var, pages: rx.Var, go_to_page: Any, *, id: str) -> rx.Component:
    """Previous / "Page n of m" / Next; `go_to_page` is the state's handler taking a page."""
    return rx.hstack(
        rx.button(
            "Previous",
            id=f"{id}-prev",
            variant="soft",
            disabled=page <= 1,
            on_click=go_to_page(page - 1),
        ),
        rx.text("Page ", page, " of ", pages, size="2"),
        rx.button(
            "Next",
            id=f"{id}-next",
            variant="soft",
            disabled=page >= pages,
            on_click=go_to_page(page + 1),
        ),
        align="center",
    )
