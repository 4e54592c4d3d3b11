"""Business Portal home page."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.home.state import BusinessHomeState
from cers_app.ui.layout import PageSpec, after_load, card, shell
from cers_app.ui.tables import table


def _email(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(row["sent"], size="1", color_scheme="gray", min_width="150px"),
        rx.text(row["subject"], size="2"),
        wrap="wrap",
    )


def _menu_link(label: str, href: str, id: str) -> rx.Component:
    return rx.link(rx.button(label, variant="soft", size="2"), href=href, id=id)


def _business_card() -> rx.Component:
    business = BusinessHomeState.business
    return card(
        rx.hstack(
            rx.heading(business["name"], size="5", as_="h2", id="home-business-name"),
            rx.badge(business["role"], id="home-business-role"),
            align="center",
            wrap="wrap",
        ),
        rx.text(
            "Organization code ",
            business["code"],
            rx.cond(business["headquarters"] != "", " · " + business["headquarters"], ""),
            size="2",
            color_scheme="gray",
        ),
        rx.text("My Business", weight="bold", size="2"),
        rx.flex(
            rx.cond(
                BusinessHomeState.can_manage_people,
                _menu_link("Manage People", routes.MANAGE_PEOPLE, "home-manage-people"),
            ),
            rx.cond(
                BusinessHomeState.can_edit_organization,
                _menu_link("Edit Organization", routes.EDIT_ORGANIZATION, "home-edit-organization"),
            ),
            rx.cond(
                BusinessHomeState.can_read_history,
                _menu_link("Business History", routes.BUSINESS_HISTORY, "home-history"),
            ),
            _menu_link("Select Business", routes.MY_BUSINESSES, "home-select-business"),
            # Facility requests (facilities/request_pages.py)
            _menu_link("Requests", routes.BUSINESS_REQUESTS, "home-requests"),
            _menu_link("Search Facilities", routes.FACILITY_SEARCH, "home-search-facilities"),
            _menu_link("Archived Facilities", routes.ARCHIVED_FACILITIES, "home-archived"),
            spacing="2",
            wrap="wrap",
        ),
        id="home-business",
    )


def _no_business_card() -> rx.Component:
    return card(
        rx.heading("You do not belong to a business yet", size="5", as_="h2"),
        rx.text(
            "If your business already uses OpenCERS, ask its Lead User to add you with your "
            "email address. Otherwise create it; you become its Lead User.",
            size="2",
        ),
        rx.link(
            rx.button("Create a business"),
            href=routes.MY_BUSINESSES + "#create-business",
            id="home-create-business",
        ),
        # Facility requests (facilities/request_pages.py)
        rx.flex(
            _menu_link("Search Facilities", routes.FACILITY_SEARCH, "home-search-facilities"),
            _menu_link("My Requests", routes.BUSINESS_REQUESTS, "home-requests"),
            spacing="2",
            wrap="wrap",
        ),
        id="home-no-business",
    )


def _facility_cells(row: rx.Var) -> list:
    return [
        row["cers_id"],
        rx.link(row["name"], href=row["url"], id="home-facility-" + row["id"]),
        row["address"],
        row["drafts"],
    ]


def _unfinished(row: rx.Var) -> rx.Component:
    return rx.flex(
        rx.text.strong(row["name"], size="2"),
        rx.text("step ", row["step"], " of 6 · ", row["updated"], size="1", color_scheme="gray"),
        rx.link("Resume", href=row["url"], id="home-wizard-resume-" + row["id"], size="2"),
        spacing="3",
        wrap="wrap",
        align="center",
    )


def _action(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.cond(
                    row["overdue"] == "yes",
                    rx.badge("overdue", color_scheme="red"),
                ),
                rx.link(row["text"], href=row["url"], size="2", weight="medium"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                row["facility"] != "",
                rx.text(row["facility"], size="1", color_scheme="gray"),
            ),
            rx.cond(
                row["detail"] != "",
                rx.text(row["detail"], size="1", style={"overflow_wrap": "anywhere"}),
            ),
            spacing="1",
        ),
        id=row["id"],
        class_name="cers-item",
        custom_attrs={"data-kind": row["kind"]},
    )


def _actions_card() -> rx.Component:
    return card(
        rx.heading("Action Required", size="4", as_="h2"),
        rx.cond(
            BusinessHomeState.actions.length() > 0,
            rx.vstack(
                rx.foreach(BusinessHomeState.actions, _action),
                spacing="2",
                width="100%",
            ),
            rx.text(
                "Nothing needs your attention right now.",
                size="2",
                color_scheme="gray",
                id="action-none",
            ),
        ),
        id="action-required",
    )


def _facilities_card() -> rx.Component:
    add = rx.cond(
        BusinessHomeState.can_add_facility,
        rx.button("Add Facility", on_click=BusinessHomeState.add_facility, id="home-add-facility"),
        rx.text(
            BusinessHomeState.add_facility_refusal,
            size="2",
            color_scheme="gray",
            id="home-add-facility-refused",
        ),
    )
    listing = rx.cond(
        BusinessHomeState.facilities.length() > 0,
        table(
            ["CERS ID", "Facility", "Address", "Drafts"],
            BusinessHomeState.facilities,
            _facility_cells,
            id="home-facilities",
        ),
        rx.text(
            "This business has no facilities yet.",
            size="2",
            color_scheme="gray",
            id="home-facilities-none",
        ),
    )
    return card(
        rx.flex(
            rx.heading("Facilities", size="4", as_="h2"),
            add,
            justify="between",
            align="center",
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(BusinessHomeState.has_business, listing),
        rx.cond(
            BusinessHomeState.wizards.length() > 0,
            rx.vstack(
                rx.text("Unfinished Add Facility", weight="bold", size="2"),
                rx.foreach(BusinessHomeState.wizards, _unfinished),
                spacing="2",
                id="home-wizards",
            ),
        ),
        id="home-facilities-card",
    )


def business_home() -> rx.Component:
    # Nothing of the last load shows before this one ran: it may be someone else's.
    ready = after_load(BusinessHomeState.loaded)
    return shell(
        rx.vstack(
            rx.heading(
                "Welcome",
                rx.cond(ready, ", " + BusinessHomeState.first_name, ""),
                size="7",
                as_="h1",
                id="home-greeting",
            ),
            rx.text(
                "Business Portal home. Last sign-in: ",
                rx.cond(ready, BusinessHomeState.last_sign_in, ""),
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
        ),
        rx.cond(
            ready,
            rx.cond(BusinessHomeState.has_business, _business_card(), _no_business_card()),
        ),
        rx.cond(ready & BusinessHomeState.has_business, _actions_card()),
        rx.cond(ready, _facilities_card()),
        rx.grid(
            card(
                rx.heading("Your account", size="4", as_="h2"),
                rx.text(
                    "Keep your email address current: activation, reset and regulator "
                    "messages go there.",
                    size="2",
                ),
                rx.flex(
                    rx.link("Edit my profile", href=routes.ACCOUNT, id="home-profile"),
                    rx.link("Change my password", href=routes.ACCOUNT_PASSWORD, id="home-password"),
                    spacing="4",
                    wrap="wrap",
                ),
            ),
            card(
                rx.heading("Recent messages", size="4", as_="h2"),
                rx.cond(
                    ready,
                    rx.cond(
                        BusinessHomeState.recent_emails.length() > 0,
                        rx.vstack(rx.foreach(BusinessHomeState.recent_emails, _email), spacing="2"),
                        rx.text("No messages yet.", size="2", color_scheme="gray"),
                    ),
                    rx.spinner(),
                ),
                rx.link("See all messages", href=routes.ACCOUNT_EMAILS, id="home-emails"),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
    )


PAGES = [PageSpec(routes.BUSINESS_HOME, business_home, "Home", (BusinessHomeState.load,))]
