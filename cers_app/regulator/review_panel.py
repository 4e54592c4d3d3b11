"""The review panel placed on the regulator's submittal page: the version's history with its
comments (editable by reviewers) and, for a Reviewer or Agency Admin, the status form."""

from __future__ import annotations

import reflex as rx

from cers_app.regulator.review import COMMENT_MAX
from cers_app.regulator.review_state import STATUS_CHOICES, ReviewState
from cers_app.ui.forms import ERROR_COLOR
from cers_app.ui.layout import after_load, card


def _error(name: str, id: str) -> rx.Component:
    return rx.cond(
        ReviewState.errors.contains(name),
        rx.text(
            ReviewState.errors[name], id=f"{id}-error", size="2", color=ERROR_COLOR, role="alert"
        ),
    )


def _invalid(name: str) -> rx.Var:
    return rx.cond(ReviewState.errors.contains(name), "true", "false")


def _comment_editor(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text_area(
            value=ReviewState.edit_text,
            on_change=ReviewState.set_edit_text,
            id="review-edit-text",
            max_length=COMMENT_MAX,
            rows="4",
            width="100%",
        ),
        rx.text(ReviewState.edit_text.length(), f" / {COMMENT_MAX:,} characters", size="1"),
        rx.cond(
            ReviewState.edit_error != "",
            rx.text(ReviewState.edit_error, size="2", color=ERROR_COLOR, role="alert"),
        ),
        rx.flex(
            rx.button("Save comment", id="review-edit-save", on_click=ReviewState.save_edit),
            rx.button(
                "Cancel", id="review-edit-cancel", variant="soft", on_click=ReviewState.cancel_edit
            ),
            spacing="2",
        ),
        spacing="2",
        width="100%",
    )


def _history_row(row: rx.Var) -> rx.Component:
    is_action = row["kind"] == "action"
    return rx.box(
        rx.flex(
            rx.badge(row["status"]),
            rx.text(row["when"], size="2"),
            rx.text(rx.cond(is_action, "by ", "submitted by "), row["who"], size="2"),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.cond(
            ReviewState.editing == row["action_id"],
            _comment_editor(row),
            rx.vstack(
                rx.cond(
                    row["comment"] != "",
                    rx.text(row["comment"], size="2", white_space="pre-wrap"),
                    rx.text("No comments.", size="2", color_scheme="gray"),
                ),
                rx.cond(
                    row["edited"] != "",
                    rx.text("Comment edited ", row["edited"], size="1", color_scheme="gray"),
                ),
                rx.cond(
                    row["due"] != "",
                    rx.text("Next due date set to ", row["due"], size="1", color_scheme="gray"),
                ),
                rx.cond(
                    is_action & ReviewState.can_review,
                    rx.button(
                        "Edit comment",
                        id="review-edit-" + row["action_id"],
                        size="1",
                        variant="soft",
                        on_click=ReviewState.start_edit(row["action_id"]),
                    ),
                ),
                spacing="1",
                width="100%",
            ),
        ),
        padding_y="8px",
        border_bottom="1px solid var(--gray-5)",
        width="100%",
    )


def _status_field() -> rx.Component:
    id = "review-status"
    return rx.vstack(
        rx.el.label(rx.text("New status", weight="medium", size="2"), html_for=id),
        rx.el.select(
            rx.el.option("Choose...", value=""),
            *[rx.el.option(label, value=code) for code, label in STATUS_CHOICES.items()],
            name="status",
            class_name="cers-select",
            aria_invalid=_invalid("status"),
            custom_attrs={"id": id},
        ),
        _error("status", id),
        spacing="1",
        width="100%",
    )


def _comment_field() -> rx.Component:
    id = "review-comment"
    return rx.vstack(
        rx.el.label(rx.text("Comments to the business", weight="medium", size="2"), html_for=id),
        rx.el.textarea(
            name="comment",
            max_length=COMMENT_MAX,
            rows="5",
            on_change=ReviewState.count_comment,
            class_name="cers-input",
            aria_invalid=_invalid("comment"),
            custom_attrs={"id": id},
            style={"width": "100%"},
        ),
        rx.text(
            ReviewState.comment_length,
            f" / {COMMENT_MAX:,} characters. Required for Not Accepted.",
            size="1",
            id="review-comment-count",
        ),
        _error("comment", id),
        spacing="1",
        width="100%",
    )


def _optional_input(name: str, id: str, label: str, type: str, hint: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.el.input(
            name=name,
            type=type,
            class_name="cers-input",
            aria_invalid=_invalid(name),
            custom_attrs={"id": id},
        ),
        rx.text(hint, size="1", color_scheme="gray"),
        _error(name, id),
        spacing="1",
        width="100%",
    )


def _action_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Set the status", size="3", as_="h3"),
            _status_field(),
            _comment_field(),
            rx.grid(
                _optional_input(
                    "acted_at",
                    "review-acted-at",
                    "Action date (optional)",
                    "datetime-local",
                    "Leave empty for now; it must be later than the previous action.",
                ),
                _optional_input(
                    "next_due_date",
                    "review-due-date",
                    "Next due date (optional)",
                    "date",
                    "Sets this element's next due date.",
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            rx.button("Save status", type="submit", id="review-save", size="3"),
            spacing="3",
            width="100%",
            align="stretch",
        ),
        on_submit=ReviewState.save,
        id="review-form",
        key=ReviewState.form_key,
        width="100%",
    )


def review_panel() -> rx.Component:
    """The review panel; its page adds `ReviewState.load` to its on-load handlers."""
    return rx.cond(
        after_load(ReviewState.loaded),
        card(
            rx.flex(
                rx.heading("Review", size="4", as_="h2"),
                rx.badge(ReviewState.version["status"], id="review-current-status", size="2"),
                justify="between",
                align="center",
                wrap="wrap",
            ),
            rx.vstack(
                rx.heading("History", size="3", as_="h3"),
                rx.foreach(ReviewState.history, _history_row),
                spacing="1",
                width="100%",
                id="review-history",
            ),
            rx.cond(ReviewState.can_review, _action_form()),
            id="review-panel",
        ),
    )
