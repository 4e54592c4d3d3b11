"""The structured form of an element's draft (APSA Facility Information, ...): one field per
row, Yes/No as radios, dates and numbers as inputs, Save keeps what was typed and shows what
to fix beside each field."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.submittals import element_forms
from cers_app.submittals.element_form_state import ElementFormState
from cers_app.ui.forms import ERROR_COLOR
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

S = ElementFormState


def _error(key: rx.Var) -> rx.Component:
    return rx.cond(
        S.errors.contains(key),
        rx.text(
            S.errors[key],
            id="element-form-" + key + "-error",
            size="2",
            color=ERROR_COLOR,
            role="alert",
        ),
    )


def _radio(key: rx.Var, value: str, label: str) -> rx.Component:
    id = "element-form-" + key + "-" + value
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="radio",
                name=key,
                value=value,
                id=id,
                default_checked=S.values[key] == value,
                disabled=~S.can_edit,
                class_name="cers-checkbox",
            ),
            rx.text(label, size="2"),
            spacing="2",
            align="center",
        ),
        html_for=id,
    )


def _yes_no(row: rx.Var) -> rx.Component:
    key = row["key"]
    return rx.el.fieldset(
        rx.el.legend(rx.text(row["label"], weight="medium", size="2")),
        rx.cond(row["help"] != "", rx.text(row["help"], size="1", color_scheme="gray")),
        rx.hstack(_radio(key, "Y", "Yes"), _radio(key, "N", "No"), spacing="5"),
        _error(key),
        id="element-form-" + key,
        class_name=rx.cond(S.errors.contains(key), "cers-item cers-invalid", "cers-item"),
    )


def _input(row: rx.Var) -> rx.Component:
    key = row["key"]
    id = "element-form-" + key
    invalid = S.errors.contains(key)
    return rx.vstack(
        rx.el.label(rx.text(row["label"], weight="medium", size="2"), html_for=id),
        rx.cond(row["help"] != "", rx.text(row["help"], size="1", color_scheme="gray")),
        rx.input(
            name=key,
            id=id,
            type=row["type"],
            input_mode=row["mode"],
            default_value=S.values[key],
            read_only=~S.can_edit,
            width="100%",
            size="3",
            variant="surface",
            color_scheme=rx.cond(invalid, "red", "gray"),
            aria_invalid=rx.cond(invalid, "true", "false"),
        ),
        _error(key),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _field(row: rx.Var) -> rx.Component:
    return rx.cond(row["kind"] == element_forms.YESNO, _yes_no(row), _input(row))


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.foreach(S.fields, _field),
            rx.cond(
                S.can_edit,
                rx.button("Save", type="submit", size="3", id="element-form-save"),
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
