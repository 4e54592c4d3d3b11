"""The notice an element page shows above a version it cannot edit."""

from __future__ import annotations

import reflex as rx


def draft_notice(
    *,
    editable: rx.Var,
    can_edit: rx.Var,
    not_started: rx.Var,
    first_text: str,
    again_text: str,
    start: rx.Component,
    read_only_text: str,
    prefix: str,
) -> rx.Component:
    """Nothing while a draft is open; else, to editors, why there is nothing to edit and the
    button that starts a draft; to everyone else, that their role only reads."""
    no_draft = rx.callout.root(
        rx.callout.text(rx.cond(not_started, first_text, again_text)),
        start,
        color_scheme="blue",
        id=f"{prefix}-no-draft",
    )
    read_only = rx.callout(
        read_only_text, icon="eye", color_scheme="gray", id=f"{prefix}-read-only"
    )
    return rx.cond(editable, rx.fragment(), rx.cond(can_edit, no_draft, read_only))
