"""The structured form of an element's draft (APSA or UST Facility Information): one field
per row under its section's heading, Yes/No as radios, choices as a list, dates and numbers as
inputs (`form_fields_ui`); Save keeps what was typed and shows what to fix beside each
field."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.submittals.element_form_state import ElementFormState
from cers_app.submittals.form_fields_ui import FieldsUI, error_summary, fields, save_bar
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

S = ElementFormState
UI = FieldsUI(S.values, S.errors, S.choices, S.can_edit, heading="h2")


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            error_summary(UI, S.fields, id="element-form-problems", when=S.errors.length() > 0),
            fields(UI, S.fields),
            rx.cond(
                S.can_edit,
                save_bar(rx.button("Save", type="submit", size="3", id="element-form-save")),
                rx.text(
                    "Your role lets you view this form but not change it.",
                    size="2",
                    color_scheme="gray",
                    id="element-form-read-only",
                ),
            ),
            spacing="4",
            width="100%",
            align="stretch",
        ),
        on_submit=S.save,
        id="element-form",
        key=S.form_key,
        width="100%",
    )


def element_form_page() -> rx.Component:
    ready = after_load(S.loaded)
    facility_href = routes.FACILITY + "?id=" + S.facility["id"]
    return shell(
        rx.cond(
            ready,
            rx.fragment(
                page_title(
                    S.title,
                    S.facility["name"] + " (CERS ID " + S.facility["cers_id"] + ")",
                ),
                rx.link(
                    "Back to the facility",
                    href=facility_href,
                    size="2",
                    id="element-form-facility",
                ),
                rx.text(
                    S.element_label + " draft. Fields marked * are needed before submitting.",
                    size="2",
                    color_scheme="gray",
                ),
                card(_form(), id="element-form-card"),
            ),
            rx.spinner(),
        )
    )


PAGES = [
    PageSpec(
        routes.FACILITY_ELEMENT_FORM,
        element_form_page,
        "Element form",
        (S.load,),
    ),
]
