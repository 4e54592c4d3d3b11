"""Site notices pages: schedule the banners every page shows (an Agency Admin's page in the
Regulator Portal, and the same page for the system administrator)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.agencies.site_notices import MESSAGE_MAX
from cers_app.core import routes
from cers_app.core.clock import agency_zone
from cers_app.regulator.notice_state import AdminNoticesState, RegulatorNoticesState
from cers_app.ui.forms import field_error, select_field
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

LEVELS = {"info": "Information", "warning": "Warning"}


def _moment(state: Any, label: str, key: str) -> rx.Component:
    errors = state.errors
    return rx.vstack(
        rx.text(label, weight="medium", size="2"),
        rx.flex(
            rx.el.input(
                type="date",
                name=f"{key}_date",
                id=f"notice-{key}-date",
                default_value=state.form[f"{key}_date"],
                aria_label=f"{label} date",
                class_name="cers-select",
            ),
            rx.el.input(
                type="time",
                name=f"{key}_time",
                id=f"notice-{key}-time",
                default_value=state.form[f"{key}_time"],
                aria_label=f"{label} time",
                class_name="cers-select",
            ),
            spacing="2",
            wrap="wrap",
        ),
        field_error(errors, key, f"notice-{key}"),
        spacing="1",
        width="100%",
    )


def _form(state: Any) -> rx.Component:
    errors = state.errors
    return card(
        rx.heading(
            rx.cond(state.editing != "", "Change the notice", "Add a notice"), size="4", as_="h2"
        ),
        rx.form(
            rx.vstack(
                rx.el.label(
                    rx.text("Message", weight="medium", size="2"), html_for="notice-message"
                ),
                rx.text_area(
                    name="message",
                    id="notice-message",
                    default_value=state.form["message"],
                    max_length=MESSAGE_MAX,
                    rows="3",
                    width="100%",
                    color_scheme=rx.cond(errors.contains("message"), "red", "gray"),
                ),
                field_error(errors, "message", "notice-message"),
                select_field(
                    "Level",
                    "level",
                    LEVELS,
                    errors,
                    id="notice-level",
                    default_value=state.form["level"],
                ),
                _moment(state, "Starts", "starts"),
                _moment(state, "Ends", "ends"),
                rx.text(f"Times are in the agency's time zone ({agency_zone().key}).", size="1"),
                rx.flex(
                    rx.button("Save notice", type="submit", id="notice-save"),
                    rx.cond(
                        state.editing != "",
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            on_click=state.new,
                            id="notice-cancel",
                        ),
                    ),
                    spacing="2",
                ),
                spacing="3",
                align="stretch",
            ),
            on_submit=state.save,
            reset_on_submit=False,
            id="notice-form",
            key=state.form_key,
        ),
    )


def _row(state: Any):
    def row_card(row: rx.Var) -> rx.Component:
        prefix = "notice-" + row["id"]
        return rx.card(
            rx.vstack(
                rx.flex(
                    rx.badge(
                        row["when_label"],
                        color_scheme=rx.match(
                            row["when"], ("showing", "green"), ("upcoming", "blue"), "gray"
                        ),
                        id=prefix + "-when",
                    ),
                    rx.badge(
                        row["level_label"],
                        color_scheme=rx.cond(row["level"] == "warning", "amber", "blue"),
                        variant="soft",
                    ),
                    rx.text(row["agency"], size="1", color_scheme="gray"),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                rx.text(row["message"], size="2", style={"overflowWrap": "anywhere"}),
                rx.text(row["starts"], " to ", row["ends"], size="1", id=prefix + "-window"),
                rx.flex(
                    rx.button(
                        "Edit",
                        size="1",
                        variant="soft",
                        on_click=state.edit(row["id"]),
                        id=prefix + "-edit",
                    ),
                    rx.button(
                        "Remove",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=state.remove(row["id"]),
                        id=prefix + "-remove",
                    ),
                    spacing="2",
                ),
                spacing="1",
                align="stretch",
            ),
            width="100%",
            id=prefix,
        )

    return row_card


def notices(state: Any) -> list[rx.Component]:
    return [
        rx.text(
            "A notice shows at the top of every page, to everyone (signed in or not), from its "
            "start until its end.",
            size="2",
        ),
        _form(state),
        card(
            rx.heading("Notices", size="4", as_="h2"),
            rx.cond(
                after_load(state.loaded),
                rx.cond(
                    state.rows.length() > 0,
                    rx.vstack(
                        rx.foreach(state.rows, _row(state)), spacing="2", width="100%", id="notices"
                    ),
                    rx.text("No notices.", size="2", color_scheme="gray", id="notices-none"),
                ),
            ),
        ),
    ]


def regulator_notices() -> rx.Component:
    return shell(
        page_title("Site notices"),
        rx.link("Back to the Regulator Portal", href=routes.REGULATOR_HOME, id="notices-back"),
        *notices(RegulatorNoticesState),
    )


def admin_notices() -> rx.Component:
    return shell(
        page_title("Site notices"),
        rx.link("Back to administration", href=routes.ADMIN_HOME, id="notices-back"),
        *notices(AdminNoticesState),
    )


PAGES = [
    PageSpec(
        routes.REGULATOR_NOTICES,
        regulator_notices,
        "Site notices",
        (RegulatorNoticesState.load,),
    ),
    PageSpec(routes.ADMIN_NOTICES, admin_notices, "Site notices", (AdminNoticesState.load,)),
]
