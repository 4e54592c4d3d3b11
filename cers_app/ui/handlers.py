"""What every event handler needs first: the signed-in actor and ids read from the page."""

from __future__ import annotations

from cers_app.core.permissions import Actor, current_actor


def handler_actor() -> Actor:
    """The actor of the event being handled (the gate sets it before a protected handler)."""
    actor = current_actor()
    if actor is None:  # the gate lets no protected handler run without one
        raise RuntimeError("no actor for a protected handler")
    return actor


def page_number(text: object) -> int | None:
    """A positive whole number from the page, or None (the service then refuses it)."""
    text = str(text).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None
