"""Turning domain errors into what a page shows: field messages and a toast."""

from __future__ import annotations

import logging
from typing import Any

import reflex as rx

from cers_app.core.errors import DomainError, ValidationFailed

log = logging.getLogger("cers_app.ui")


def field_errors(error: DomainError) -> dict[str, str]:
    """Per-field messages of `error` (empty for errors that concern the whole form)."""
    return dict(error.fields) if isinstance(error, ValidationFailed) else {}


def toast_for(error: DomainError) -> Any:
    """The toast that explains `error` to the user."""
    if isinstance(error, ValidationFailed) and len(error.fields) > 1:
        return rx.toast.error("Please correct the highlighted fields.", id="form-problem")
    return rx.toast.error(error.message, id="form-problem")


def form_values(form_data: dict[str, str], *names: str) -> dict[str, str]:
    """The named fields of a submitted form as text (missing ones are empty)."""
    return {name: str(form_data.get(name, "")) for name in names}
