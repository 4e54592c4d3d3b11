"""System administration page."""

from __future__ import annotations

import reflex as rx

from cers_app.admin.state import AdminState
from cers_app.core import routes
from cers_app.ui.layout import PageSpec, card, shell


def _table(columns: list[str], rows: rx.Var, keys: list[str], id: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(c) for c in columns])),
            rx.table.body(
                rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(row[k]) for k in keys]))
            ),
            width="100%",
            id=id,
        ),
        class_name="cers-table-wrap",
    )


def admin_home() -> rx.Component:
    return shell(
        rx.heading("System administration", size="7", as_="h1"),
        card(
            rx.heading("Agencies", size="4", as_="h2"),
            _table(
                ["Code", "Name", "Type", "County", "Staff"],
                AdminState.agencies,
                ["code", "name", "kind", "county", "staff"],
                "admin-agencies",
            ),
            rx.text(
                "Add agencies and regulator users with `python -m cers_app create-regulator-user`.",
                size="1",
                color_scheme="gray",
            ),
        ),
        card(
            rx.heading("Accounts (", AdminState.total, ")", size="4", as_="h2"),
            rx.form(
                rx.hstack(
                    rx.input(
                        name="query",
                        id="admin-search",
                        placeholder="Username, name or email",
                        width="100%",
                    ),
                    rx.button("Search", type="submit", id="admin-search-submit"),
                    width="100%",
                ),
                on_submit=AdminState.search,
                id="admin-search-form",
            ),
            _table(
                ["Username", "Name", "Email", "Status", "Created", "Last sign-in", "Admin"],
                AdminState.accounts,
                ["username", "name", "email", "status", "created", "last_sign_in", "admin"],
                "admin-accounts",
            ),
            rx.hstack(
                rx.button(
                    "Previous",
                    id="admin-prev",
                    variant="soft",
                    disabled=AdminState.page <= 1,
                    on_click=AdminState.go_to_page(AdminState.page - 1),
                ),
                rx.text("Page ", AdminState.page, " of ", AdminState.pages, size="2"),
                rx.button(
                    "Next",
                    id="admin-next",
                    variant="soft",
                    disabled=AdminState.page >= AdminState.pages,
                    on_click=AdminState.go_to_page(AdminState.page + 1),
                ),
                align="center",
            ),
        ),
    )


PAGES = [PageSpec(routes.ADMIN_HOME, admin_home, "Administration", (AdminState.load,))]
