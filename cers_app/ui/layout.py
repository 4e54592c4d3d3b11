"""The page shell (header, main column, footer) and page registration."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import reflex as rx

from cers_app.core import routes
from cers_app.ui.native import post_button
from cers_app.ui.session import SessionState
from cers_app.ui.site_banner import SiteNoticeState, site_banner

MAX_WIDTH = "960px"


def _nav_link(label: str, href: Any, id: str) -> rx.Component:
    return rx.link(label, href=href, id=id, size="2", weight="medium", underline="hover")


def header() -> rx.Component:
    signed_in_nav = rx.hstack(
        _nav_link("Home", SessionState.home_url, "nav-home"),
        rx.cond(SessionState.is_admin, _nav_link("Administration", routes.ADMIN_HOME, "nav-admin")),
        _nav_link(SessionState.display_name + "'s Account", routes.ACCOUNT, "nav-account"),
        post_button("Sign out", routes.AUTH_SIGN_OUT, id="nav-sign-out", variant="soft", size="1"),
        spacing="4",
        align="center",
        wrap="wrap",
    )
    anonymous_nav = rx.hstack(
        _nav_link("Sign in", routes.SIGN_IN, "nav-sign-in"),
        _nav_link("Create New Account", routes.SIGN_UP, "nav-sign-up"),
        spacing="4",
        align="center",
        wrap="wrap",
    )
    return rx.el.header(
        rx.flex(
            rx.hstack(
                rx.link(
                    # Radix headings render only h1-h6 (as_="span" gave a second h1 on every
                    # page); as_child keeps the heading style on a plain span.
                    rx.heading(
                        rx.el.span("OpenCERS"), as_child=True, size="5", color_scheme="teal"
                    ),
                    href=SessionState.home_url,
                    id="nav-brand",
                    underline="none",
                ),
                rx.cond(
                    SessionState.signed_in,
                    rx.badge(SessionState.portal_label, id="nav-portal", variant="soft"),
                ),
                rx.cond(
                    SessionState.organization_name != "",
                    rx.link(
                        SessionState.organization_name,
                        href=routes.MY_BUSINESSES,
                        id="nav-business",
                        size="2",
                        title="Select Business",
                    ),
                ),
                align="center",
                spacing="3",
            ),
            rx.cond(SessionState.signed_in, signed_in_nav, anonymous_nav),
            justify="between",
            align="center",
            wrap="wrap",
            spacing="3",
            max_width=MAX_WIDTH,
            margin="0 auto",
            padding="12px 16px",
        ),
        style={"borderBottom": "1px solid var(--gray-5)", "background": "var(--color-panel)"},
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.flex(
            rx.text("OpenCERS - California hazardous materials business plans", size="1"),
            rx.hstack(
                rx.link("Help and Tools", href=routes.HELP, id="footer-help", size="1"),
                rx.link(
                    "Local regulators",
                    href=routes.REGULATOR_DIRECTORY,
                    id="footer-directory",
                    size="1",
                ),
                rx.link(
                    "Request Technical Assistance",
                    href=routes.TECHNICAL_ASSISTANCE,
                    id="footer-assistance",
                    size="1",
                ),
                rx.link(
                    "Conditions of use", href=routes.CONDITIONS, id="footer-conditions", size="1"
                ),
                spacing="3",
                wrap="wrap",
            ),
            justify="between",
            wrap="wrap",
            spacing="2",
            max_width=MAX_WIDTH,
            margin="0 auto",
            padding="16px",
        ),
        style={"borderTop": "1px solid var(--gray-5)", "color": "var(--gray-11)"},
    )


def shell(*children: rx.Component) -> rx.Component:
    """Header, a centred main column that fits a phone screen, and the footer."""
    return rx.box(
        header(),
        site_banner(),
        rx.el.main(
            rx.vstack(*children, spacing="5", width="100%", align="stretch"),
            style={
                "maxWidth": MAX_WIDTH,
                "margin": "0 auto",
                "padding": "24px 16px 48px",
                "minHeight": "70vh",
            },
        ),
        footer(),
        width="100%",
        style={"overflowX": "hidden"},
    )


def page_title(text: str | rx.Var, sub: str | rx.Var | None = None) -> rx.Component:
    """The page's one h1, with an optional grey line under it."""
    lines = [rx.heading(text, size="7", as_="h1")]
    if sub is not None:
        lines.append(rx.text(sub, color_scheme="gray"))
    return rx.vstack(*lines, spacing="1")


def small_link(label: str, href: str, id: str) -> rx.Component:
    return rx.link(label, href=href, id=id, size="2")


def _account_tab(label: str, href: str, key: str, active: str) -> rx.Component:
    return rx.link(
        rx.button(label, variant="solid" if key == active else "soft", size="2"),
        href=href,
        id=f"account-tab-{key}",
    )


def account_heading(active: str) -> rx.Component:
    """ "[Your Name]'s Account" and its tabs; My Businesses only in the Business Portal."""
    return rx.vstack(
        rx.heading(SessionState.display_name + "'s Account", size="7", as_="h1"),
        rx.flex(
            _account_tab("Edit My Profile", routes.ACCOUNT, "profile", active),
            _account_tab("Edit My Password", routes.ACCOUNT_PASSWORD, "password", active),
            _account_tab("Email History", routes.ACCOUNT_EMAILS, "emails", active),
            rx.cond(
                SessionState.portal == "business",
                _account_tab("My Businesses", routes.MY_BUSINESSES, "businesses", active),
            ),
            spacing="2",
            wrap="wrap",
        ),
        spacing="3",
    )


def after_load(loaded: rx.Var) -> rx.Var:
    """True once this page's own on_load handlers have run in this tab.

    The server keeps a tab's state across reloads and sign-outs, and on (re)connecting sends it
    before the page's load events run: what the last page view loaded, perhaps for someone
    who has since signed out or lost access, would show until they replace it.
    """
    return rx.State.is_hydrated & loaded


def card(*children: rx.Component, **props: Any) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", align="stretch"), width="100%", **props)


def narrow(*children: rx.Component) -> rx.Component:
    """A single column for forms, at most 480px wide."""
    return rx.box(
        rx.vstack(*children, spacing="4", align="stretch"),
        width="100%",
        max_width="480px",
        margin="0 auto",
    )


@dataclass(frozen=True)
class PageSpec:
    route: str
    component: Callable[[], rx.Component]
    title: str
    on_load: Sequence[Any] = field(default_factory=tuple)


def add_pages(app: rx.App, pages: Sequence[PageSpec]) -> None:
    """Register pages; every page first refreshes the header's session display and the site
    notices banner (so a notice appears and disappears on time as people navigate)."""
    for page in pages:
        app.add_page(
            page.component,
            route=page.route,
            title=f"{page.title} - OpenCERS",
            on_load=[SessionState.load, SiteNoticeState.load, *page.on_load],
        )
