"""Plain HTML building blocks for the two moments that need a real page load.

Reflex forms always cancel the browser's own submit, and a server-sent redirect to one of our
HTTP routes would be handled by the client-side router. Cookies are set and cleared by HTTP
routes, so signing in and out must leave the single-page app without JavaScript eval.
"""

from __future__ import annotations

import reflex as rx
from reflex_components_core.el.elements.base import BaseHTML
from reflex_components_core.el.elements.inline import A


class NativeForm(BaseHTML):
    """A <form> the browser submits itself (full page load), unlike rx.form."""

    tag = "form"

    action: rx.Var[str]
    method: rx.Var[str]


class MultipartForm(NativeForm):
    """A <form> the browser submits itself, with its files (multipart/form-data)."""

    enc_type: rx.Var[str]


def download_link(*children: rx.Component | str, href: str | rx.Var, id: str) -> rx.Component:
    """A download from one of our HTTP routes, drawn as a soft button.

    A plain <a download>: rx.el.a is React Router's Link, which would look the address up
    among the app's own pages instead of letting the browser fetch the file.
    """
    return rx.button(
        A.create(*children, href=href, download=True, id=id),
        as_child=True,
        variant="soft",
        width="fit-content",
    )


def post_button(label: str, action: str, *, id: str, **button_props) -> rx.Component:
    """A button that POSTs to `action` with a full page load (used for sign-out)."""
    return NativeForm.create(
        rx.button(label, type="submit", id=id, **button_props),
        action=action,
        method="post",
        style={"display": "inline"},
    )


def leave_for(url: rx.Var[str], label: str, *, id: str) -> rx.Component:
    """Once `url` is set, load it as a new page (meta refresh), with a link as a fallback."""
    return rx.cond(
        url != "",
        rx.fragment(
            rx.el.meta(http_equiv="refresh", content="0;url=" + url),
            rx.callout(
                rx.el.a(label, href=url, id=id),
                icon="loader",
                color_scheme="teal",
            ),
        ),
    )
