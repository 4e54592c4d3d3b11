"""Business Portal home page."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.home.state import BusinessHomeState
from cers_app.ui.layout import PageSpec, card, shell


def _email(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.text(row["sent"], size="1", color_scheme="gray", min_width="150px"),
        rx.text(row["subject"], size="2"),
        wrap="wrap",
    )


def business_home() -> rx.Component:
    return shell(
        rx.vstack(
            rx.heading(
                "Welcome, ", BusinessHomeState.first_name, size="7", as_="h1", id="home-greeting"
            ),
            rx.text(
                "Business Portal home. Last sign-in: ",
                BusinessHomeState.last_sign_in,
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
        ),
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
                    BusinessHomeState.recent_emails.length() > 0,
                    rx.vstack(rx.foreach(BusinessHomeState.recent_emails, _email), spacing="2"),
                    rx.text("No messages yet.", size="2", color_scheme="gray"),
                ),
                rx.link("See all messages", href=routes.ACCOUNT_EMAILS, id="home-emails"),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
    )


PAGES = [PageSpec(routes.BUSINESS_HOME, business_home, "Home", (BusinessHomeState.load,))]
