"""System administration page."""

from __future__ import annotations

import reflex as rx

from cers_app.admin.request_queue import AdminRequestsState, request_queue
from cers_app.admin.state import AdminState
from cers_app.core import routes
from cers_app.ui.layout import PageSpec, card, shell
from cers_app.ui.tables import pager, table


def admin_home() -> rx.Component:
    return shell(
        rx.heading("System administration", size="7", as_="h1"),
        rx.link(
            "Manage accounts: disable, enable, unlock, end sessions",
            href=routes.ADMIN_ACCOUNTS,
            id="admin-accounts-link",
        ),
        rx.link(
            "Site notices: banners on every page, such as planned maintenance",
            href=routes.ADMIN_NOTICES,
            id="admin-notices-link",
        ),
        request_queue(),
        card(
            rx.heading("Agencies", size="4", as_="h2"),
            table(
                ["Code", "Name", "Type", "County", "Staff"],
                AdminState.agencies,
                ["code", "name", "kind", "county", "staff"],
                id="admin-agencies",
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
            table(
                ["Username", "Name", "Email", "Status", "Created", "Last sign-in", "Admin"],
                AdminState.accounts,
                ["username", "name", "email", "status", "created", "last_sign_in", "admin"],
                id="admin-accounts",
            ),
            pager(AdminState.page, AdminState.pages, AdminState.go_to_page, id="admin"),
        ),
    )


PAGES = [
    PageSpec(
        routes.ADMIN_HOME,
        admin_home,
        "Administration",
        (AdminState.load, AdminRequestsState.load),
    )
]
