"""Regulator Portal home page."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.state import RegulatorHomeState
from cers_app.ui.layout import PageSpec, card, shell
from cers_app.ui.session import SessionState


def _membership(row: rx.Var) -> rx.Component:
    return card(
        rx.heading(row["agency"], size="4", as_="h2"),
        rx.text("Regulator code ", row["code"], size="2"),
        rx.hstack(rx.text("Your role:", size="2"), rx.badge(row["role"])),
    )


def regulator_home() -> rx.Component:
    return shell(
        rx.heading("Regulator Portal", size="7", as_="h1", id="regulator-heading"),
        rx.text("Signed in as ", SessionState.display_name, ".", size="2"),
        rx.vstack(
            rx.foreach(RegulatorHomeState.memberships, _membership),
            spacing="3",
            id="regulator-agencies",
        ),
        rx.link("My account", href=routes.ACCOUNT, id="regulator-account"),
    )


PAGES = [
    PageSpec(routes.REGULATOR_HOME, regulator_home, "Regulator Portal", (RegulatorHomeState.load,))
]
