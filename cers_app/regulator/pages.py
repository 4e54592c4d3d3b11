"""Regulator Portal home page: the agencies, the work waiting, and the way to each part."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.assistance_state import AssistanceTileState
from cers_app.regulator.state import RegulatorHomeState
from cers_app.ui.layout import PageSpec, card, shell
from cers_app.ui.session import SessionState


def _membership(row: rx.Var) -> rx.Component:
    return card(
        rx.heading(row["agency"], size="4", as_="h2"),
        rx.text("Regulator code ", row["code"], size="2"),
        rx.hstack(rx.text("Your role:", size="2"), rx.badge(row["role"])),
    )


def _tile(title: str, text: rx.Component, href: str, id: str) -> rx.Component:
    return card(
        rx.link(rx.heading(title, size="4", as_="h2"), href=href, id=id),
        text,
    )


def _work() -> rx.Component:
    s = RegulatorHomeState
    return rx.grid(
        rx.cond(
            s.can_view,
            _tile(
                "Review queue",
                rx.text(
                    s.submitted,
                    " submitted, ",
                    s.under_review,
                    " under review",
                    size="2",
                    id="regulator-queue-count",
                ),
                routes.REGULATOR_QUEUE,
                "regulator-queue-link",
            ),
        ),
        rx.cond(
            s.can_decide,
            _tile(
                "Requests",
                rx.text(
                    s.pending_requests,
                    " waiting for a decision",
                    size="2",
                    id="regulator-requests-count",
                ),
                routes.REGULATOR_REQUESTS,
                "regulator-requests-link",
            ),
        ),
        rx.cond(
            s.can_view,
            _tile(
                "Technical assistance",
                rx.text(
                    AssistanceTileState.new_assistance,
                    " new request(s) from the public",
                    size="2",
                    id="regulator-assistance-count",
                ),
                routes.REGULATOR_ASSISTANCE,
                "regulator-assistance-link",
            ),
        ),
        rx.cond(
            s.can_view,
            _tile(
                "Facilities and businesses",
                rx.text("Search by CERS ID, Facility ID, name, address or business.", size="2"),
                routes.REGULATOR_FACILITIES,
                "regulator-facilities-link",
            ),
        ),
        rx.cond(
            s.can_view,
            _tile(
                "Compliance overview",
                rx.text("Overdue, not accepted and never submitted elements.", size="2"),
                routes.REGULATOR_COMPLIANCE,
                "regulator-compliance-link",
            ),
        ),
        rx.cond(
            s.can_admin,
            _tile(
                "Staff accounts",
                rx.text("Disable or unlock an account, end its sessions.", size="2"),
                routes.REGULATOR_ACCOUNTS,
                "regulator-accounts-link",
            ),
        ),
        rx.cond(
            s.can_admin,
            _tile(
                "Agency administration",
                rx.text("Profile, contacts, jurisdiction and local requirements.", size="2"),
                routes.REGULATOR_AGENCY,
                "regulator-agency-link",
            ),
        ),
        rx.cond(
            s.can_admin,
            _tile(
                "Staff and roles",
                rx.text("Invite a regulator, change roles, deactivate a member.", size="2"),
                routes.REGULATOR_STAFF,
                "regulator-staff-link",
            ),
        ),
        rx.cond(
            s.can_admin,
            _tile(
                "Site notices",
                rx.text("Banners on every page, such as planned maintenance.", size="2"),
                routes.REGULATOR_NOTICES,
                "regulator-notices-link",
            ),
        ),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="3",
        width="100%",
        id="regulator-work",
    )


def regulator_home() -> rx.Component:
    return shell(
        rx.heading("Regulator Portal", size="7", as_="h1", id="regulator-heading"),
        rx.text("Signed in as ", SessionState.display_name, ".", size="2"),
        _work(),
        rx.vstack(
            rx.foreach(RegulatorHomeState.memberships, _membership),
            spacing="3",
            id="regulator-agencies",
        ),
        rx.text(
            "Inspections and enforcement (CME) and permits and fees are not part of OpenCERS.",
            size="1",
            color_scheme="gray",
        ),
        rx.link("My account", href=routes.ACCOUNT, id="regulator-account"),
    )


PAGES = [
    PageSpec(
        routes.REGULATOR_HOME,
        regulator_home,
        "Regulator Portal",
        (RegulatorHomeState.load, AssistanceTileState.load),
    )
]
