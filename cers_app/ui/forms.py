"""Form fields with their label, hint and server-side error message."""

from __future__ import annotations

from typing import Any

import reflex as rx

ERROR_COLOR = "var(--red-11)"


def field_error(errors: rx.Var, name: str, id: str) -> rx.Component:
    """The server's message about field `name` (id `<id>-error`), shown when there is one."""
    return rx.cond(
        errors.contains(name),
        rx.text(errors[name], id=f"{id}-error", size="2", color=ERROR_COLOR, role="alert"),
    )


def text_field(
    label: str,
    name: str,
    errors: rx.Var,
    *,
    id: str,
    type: str = "text",
    hint: str | None = None,
    autocomplete: str | None = None,
    default_value: rx.Var | str | None = None,
    max_length: int | None = None,
    auto_focus: bool = False,
    message: rx.Component | None = None,
) -> rx.Component:
    """A labelled input; its border turns red and its message shows when `errors` names it.

    `message` replaces the plain text of the error message (for one that carries a link).
    """
    props: dict = {
        "name": name,
        "id": id,
        "type": type,
        "auto_focus": auto_focus,
        "width": "100%",
        "size": "3",
        "color_scheme": rx.cond(errors.contains(name), "red", "gray"),
        "variant": "surface",
        "aria_invalid": rx.cond(errors.contains(name), "true", "false"),
    }
    if autocomplete:
        props["auto_complete"] = autocomplete
    if default_value is not None:
        props["default_value"] = default_value
    if max_length:
        props["max_length"] = max_length
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.input(**props),
        rx.cond(hint is not None, rx.text(hint or "", size="1", color_scheme="gray")),
        field_error(errors, name, id) if message is None else message,
        spacing="1",
        width="100%",
        align="stretch",
    )


def select_field(
    label: str,
    name: str,
    options: dict[str, str],
    errors: rx.Var,
    *,
    id: str,
    default_value: rx.Var | str = "",
    placeholder: str = "Choose...",
) -> rx.Component:
    """A labelled native <select> (works in every browser and in form data)."""
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.el.select(
            rx.el.option(placeholder, value=""),
            *[rx.el.option(text, value=value) for value, text in options.items()],
            name=name,
            id=id,
            default_value=default_value,
            class_name="cers-select",
            aria_invalid=rx.cond(errors.contains(name), "true", "false"),
        ),
        field_error(errors, name, id),
        spacing="1",
        width="100%",
        align="stretch",
    )


def checkbox_field(label: str, name: str, errors: rx.Var, *, id: str) -> rx.Component:
    """A labelled native checkbox; a ticked box submits `name: "on"`, an empty one nothing.

    The id is rendered as a plain attribute: an `id=` prop would also make Reflex add the box's
    ref to the form data as a boolean (`{"<id>": true}`), which the gate rightly refuses for
    handlers that take `dict[str, str]`.
    """
    return rx.vstack(
        rx.el.label(
            rx.hstack(
                rx.el.input(
                    type="checkbox",
                    name=name,
                    class_name="cers-checkbox",
                    custom_attrs={"id": id},
                ),
                rx.text(label, size="2"),
                spacing="2",
                align="start",
            ),
            html_for=id,
        ),
        field_error(errors, name, id),
        spacing="1",
        width="100%",
    )


def submit_button(label: str, *, id: str, busy: rx.Var | bool = False) -> rx.Component:
    return rx.button(label, type="submit", id=id, size="3", loading=busy, width="100%")


def rules_box(title: str, lines: list[str] | tuple[str, ...], *, id: str) -> rx.Component:
    """The requirements shown on a form before it is submitted."""
    return rx.callout.root(
        # callout.text is a <p>: a nested rx.text (<p>) would be invalid HTML and break hydration
        rx.callout.text(rx.text.strong(title)),
        rx.el.ul(*[rx.el.li(rx.text(line, size="2")) for line in lines], style={"margin": 0}),
        id=id,
        color_scheme="blue",
        variant="surface",
        width="100%",
    )


def inline_form(field: rx.Component, button: rx.Component, **form_props: Any) -> rx.Component:
    """A one-line form: `field` takes the free width, `button` sits beside it (under it on a
    narrow screen)."""
    return rx.form(rx.flex(field, button, spacing="2", wrap="wrap", width="100%"), **form_props)
