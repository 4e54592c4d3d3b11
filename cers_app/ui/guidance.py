"""Guidance levels as every page shows them: Required (red), Warning (amber), Advisory (blue).

Levels arrive as their stored names ("required", "warning", "advisory"; "" for none), so the
same icon and badge serve any feature whose rules speak of guidance.
"""

from __future__ import annotations

import reflex as rx

REQUIRED, WARNING, ADVISORY = "required", "warning", "advisory"
LEVELS = (REQUIRED, WARNING, ADVISORY)
LEVEL_COLORS = {REQUIRED: "red", WARNING: "amber", ADVISORY: "blue"}
LEVEL_ICONS = {REQUIRED: "circle_x", WARNING: "triangle_alert", ADVISORY: "info"}
LEVEL_NAMES = {REQUIRED: "Required", WARNING: "Warning", ADVISORY: "Advisory"}


def _icon(level: str, size: int) -> rx.Component:
    return rx.icon(LEVEL_ICONS[level], size=size, color=f"var(--{LEVEL_COLORS[level]}-10)")


def guidance_icon(level: rx.Var, *, id: rx.Var | str, title: rx.Var | str = "") -> rx.Component:
    """The icon of `level` with its name for screen readers; nothing at all when it is ""."""
    label = rx.cond(
        level == REQUIRED,
        LEVEL_NAMES[REQUIRED],
        rx.cond(level == WARNING, LEVEL_NAMES[WARNING], LEVEL_NAMES[ADVISORY]),
    ).to(str)
    return rx.cond(
        level != "",
        rx.el.span(
            rx.match(level, *[(lv, _icon(lv, 18)) for lv in LEVELS], rx.fragment()),
            id=id,
            role="img",
            title=rx.cond(title != "", label + ": " + title, label),
            custom_attrs={"aria-label": label, "data-level": level},
            class_name="cers-guidance-icon",
        ),
    )


def level_badge(level: str, count: rx.Var | int, *, id: str) -> rx.Component:
    """ "Required 3": a count of findings of one level, in that level's colour."""
    return rx.badge(
        _icon(level, 14),
        LEVEL_NAMES[level],
        rx.text.strong(count),
        color_scheme=LEVEL_COLORS[level],
        variant=rx.cond(count == 0, "outline", "soft"),
        size="2",
        id=id,
    )


def level_tag(level: rx.Var) -> rx.Component:
    """A small badge naming a finding's level (used in lists of findings)."""
    return rx.match(
        level,
        *[
            (lv, rx.badge(_icon(lv, 12), LEVEL_NAMES[lv], color_scheme=LEVEL_COLORS[lv]))
            for lv in LEVELS
        ],
        rx.fragment(),
    )
