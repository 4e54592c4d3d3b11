"""Account administration pages: an Agency Admin's staff, and every account for the system
administrator. One component, two pages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.account_state import AdminAccountsState, RegulatorAccountsState
from cers_app.ui.forms import inline_form
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell


def _account(state: Any) -> Any:
    def row_card(row: rx.Var) -> rx.Component:
        prefix = "account-" + row["id"]

        def action(label: str, handler: Any, suffix: str, **style: str) -> rx.Component:
            return rx.button(
                label,
                size="1",
                on_click=handler(row["id"]),
                id=prefix + suffix,
                **{"variant": "soft", **style},
            )

        return rx.card(
            rx.vstack(
                rx.flex(
                    rx.text.strong(row["name"]),
                    rx.text(row["username"], size="2", color_scheme="gray"),
                    rx.badge(
                        row["status_label"],
                        color_scheme=rx.cond(row["disabled"] == "yes", "red", "green"),
                    ),
                    rx.cond(row["locked"] == "yes", rx.badge("Locked out", color_scheme="amber")),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                rx.text(row["email"], size="2", style={"overflowWrap": "anywhere"}),
                rx.cond(row["roles"] != "", rx.text(row["roles"], size="2")),
                rx.text(
                    "Last sign-in: ",
                    row["last_sign_in"],
                    " - signed-in sessions: ",
                    row["sessions"],
                    size="1",
                    color_scheme="gray",
                ),
                rx.flex(
                    rx.cond(
                        row["disabled"] == "yes",
                        action(
                            "Enable", state.enable, "-enable", color_scheme="green", variant="solid"
                        ),
                        rx.cond(
                            row["is_self"] != "yes",
                            action("Disable", state.disable, "-disable", color_scheme="red"),
                        ),
                    ),
                    action("Unlock sign-in", state.unlock, "-unlock"),
                    action("End sessions", state.end_sessions, "-end-sessions"),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="1",
                align="stretch",
            ),
            width="100%",
            id=prefix,
        )

    return row_card


def account_admin(state: Any, intro: str) -> rx.Component:
    """The searchable account list of `state` (one of the account administration states)."""
    return card(
        rx.text(intro, size="2"),
        inline_form(
            rx.input(
                name="query",
                id="account-search",
                placeholder="Username, name or email",
                max_length=100,
                flex_grow="1",
                min_width="180px",
            ),
            rx.button("Search", type="submit", id="account-search-submit"),
            on_submit=state.search,
            id="account-search-form",
        ),
        rx.cond(
            after_load(state.loaded),
            rx.cond(
                state.rows.length() > 0,
                rx.vstack(
                    rx.foreach(state.rows, _account(state)),
                    spacing="2",
                    width="100%",
                    id="accounts",
                ),
                rx.text("No account matches.", id="accounts-none", size="2", color_scheme="gray"),
            ),
        ),
        rx.text("The first 50 matches are shown; search to narrow them.", size="1"),
    )


def regulator_accounts() -> rx.Component:
    """The Agency Admin's page: their agency's staff accounts."""
    return shell(
        page_title("Staff accounts"),
        account_admin(
            RegulatorAccountsState,
            "The accounts of the people holding a role in your agency. Disabling an account "
            "signs it out at once; the holder is emailed.",
        ),
    )


def admin_accounts() -> rx.Component:
    """The system administrator's page: every account."""
    return shell(
        page_title("Accounts"),
        rx.link("Back to administration", href=routes.ADMIN_HOME, id="admin-accounts-back"),
        account_admin(
            AdminAccountsState,
            "Every account. Disabling an account signs it out at once; the holder is emailed.",
        ),
    )


PAGES = [
    PageSpec(
        routes.REGULATOR_ACCOUNTS,
        regulator_accounts,
        "Staff accounts",
        (RegulatorAccountsState.load,),
    ),
    PageSpec(routes.ADMIN_ACCOUNTS, admin_accounts, "Accounts", (AdminAccountsState.load,)),
]
