"""The panel a regulator uses to transfer, merge or delete a facility.

Include `facility_actions_panel()` in a page whose route carries `?id=<facility id>` and add
`FacilityActionsState.load` to that page's on_load; the panel shows only to Request Handlers
and Agency Admins of an agency that regulates the facility.
"""

from __future__ import annotations

import reflex as rx

from cers_app.regulator.facility_actions import COMMENT_MAX
from cers_app.regulator.facility_actions_state import FacilityActionsState
from cers_app.ui.forms import field_error, inline_form
from cers_app.ui.layout import card

State = FacilityActionsState


def _comment() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.text("Why (required; the businesses are emailed it)", weight="medium", size="2"),
            html_for="facility-action-comment",
        ),
        rx.text_area(
            id="facility-action-comment",
            default_value=State.comment,
            on_blur=State.set_comment,
            max_length=COMMENT_MAX,
            width="100%",
            key=State.form_key.to_string() + "-comment",
            aria_invalid=rx.cond(State.errors.contains("comment"), "true", "false"),
        ),
        field_error(State.errors, "comment", "facility-action-comment"),
        spacing="1",
        align="stretch",
        width="100%",
    )


def _choice(row: rx.Var) -> rx.Component:
    return rx.button(
        row["label"],
        size="1",
        variant=rx.cond(State.chosen_org["id"] == row["id"], "solid", "soft"),
        on_click=State.choose_organization(row["id"]),
        id="facility-transfer-pick-" + row["id"],
        style={"whiteSpace": "normal", "height": "auto", "textAlign": "left"},
    )


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="3", as_="h3"),
        *children,
        spacing="2",
        align="stretch",
        width="100%",
    )


def _transfer() -> rx.Component:
    return _section(
        "Transfer to another business",
        rx.text("After an ownership change: the facility moves with its history.", size="2"),
        inline_form(
            rx.input(
                name="text",
                id="facility-transfer-org",
                placeholder="Business name or organization code",
                max_length=100,
                flex_grow="1",
                min_width="180px",
            ),
            rx.button("Search", type="submit", variant="soft", id="facility-transfer-search"),
            on_submit=State.search_organizations,
            id="facility-transfer-form",
        ),
        field_error(State.errors, "organization", "facility-transfer-org"),
        rx.cond(
            State.org_choices.length() > 0,
            rx.vstack(
                rx.foreach(State.org_choices, _choice),
                spacing="1",
                align="start",
                id="facility-transfer-choices",
            ),
        ),
        rx.cond(
            State.chosen_org.contains("id"),
            rx.text("Moves to: ", rx.text.strong(State.chosen_org["label"]), size="2"),
        ),
        rx.button(
            "Transfer",
            on_click=State.transfer,
            disabled=~State.chosen_org.contains("id"),
            id="facility-transfer-go",
        ),
    )


def _merge() -> rx.Component:
    return _section(
        "Merge a duplicate",
        rx.text(
            "This facility is retired into the one kept; its CERS ID keeps finding that one.",
            size="2",
        ),
        inline_form(
            rx.input(
                name="into",
                id="facility-merge-into",
                placeholder="CERS ID of the facility to keep",
                input_mode="numeric",
                max_length=9,
                flex_grow="1",
                min_width="180px",
            ),
            rx.button("Merge", type="submit", color_scheme="orange", id="facility-merge-go"),
            on_submit=State.merge,
            id="facility-merge-form",
            key=State.form_key.to_string() + "-merge",
        ),
        field_error(State.errors, "into", "facility-merge-into"),
    )


def _delete() -> rx.Component:
    return _section(
        "Delete",
        rx.cond(
            State.has_submittals,
            rx.text(
                "This facility has past submittals, so it cannot be deleted. Consider "
                "transferring or merging it instead.",
                size="2",
                id="facility-delete-refused",
            ),
            rx.text("Only for a facility entered by mistake; it never submitted.", size="2"),
        ),
        rx.button(
            "Delete facility",
            color_scheme="red",
            variant="soft",
            on_click=State.delete,
            disabled=State.has_submittals,
            id="facility-delete-go",
        ),
    )


def facility_actions_panel() -> rx.Component:
    """Transfer, merge and delete, for staff who decide requests (hidden for everyone else)."""
    return rx.cond(
        State.facility.contains("id"),
        card(
            rx.heading("Manage this facility", size="4", as_="h2"),
            rx.text(
                State.facility["name"],
                " (CERS ID ",
                State.facility["cers_id"],
                ") belongs to ",
                State.facility["business"],
                ".",
                size="2",
            ),
            _comment(),
            rx.separator(),
            _transfer(),
            rx.separator(),
            _merge(),
            rx.separator(),
            _delete(),
            id="facility-actions",
        ),
    )
