"""The fields of a structured form as every form page lays them out: the element form page
(APSA or UST Facility Information) and the forms of an element's records (a UST tank).

A page's state keeps text rows (`field_rows`), the values and errors keyed by each row's
`slot`, and the options of its choice fields (`choice_options`); `FieldsUI` names those
state vars. Yes/No is a pair of radios, a choice a native <select>, the rest inputs; fields
are grouped under their section's heading, fields without a section first.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import FormDef, FormField
from cers_app.ui.forms import ERROR_COLOR

INPUT_TYPES = {
    element_forms.DATE: "date",
    element_forms.WHOLE: "text",
    element_forms.DECIMAL: "text",
}
INPUT_MODES = {element_forms.WHOLE: "numeric", element_forms.DECIMAL: "decimal"}


def _in_sections(fields: tuple[FormField, ...]) -> list[FormField]:
    """Fields without a section first, then each section's fields in the order the
    sections first appear (each section kept together)."""
    sections: list[str] = []
    for field in fields:
        if field.section and field.section not in sections:
            sections.append(field.section)
    ordered = [f for f in fields if not f.section]
    for section in sections:
        ordered += [f for f in fields if f.section == section]
    return ordered


def field_rows(
    form: FormDef,
    *,
    id_prefix: str,
    slot_prefix: str = "",
    keys: tuple[str, ...] | None = None,
) -> list[dict[str, str]]:
    """The form's fields (or only those in `keys`) as a page lays them out.

    `key` is the field's name in the submitted form data, `slot` its key in the page's
    values, errors and choices (`slot_prefix` + key, so several forms can share one state),
    `id` its element id (`id_prefix` + key) and `heading` its section when it opens one.
    """
    rows = []
    current = ""
    for f in _in_sections(form.fields):
        if keys is not None and f.key not in keys:
            continue
        heading = f.section if f.section and f.section != current else ""
        current = f.section
        rows.append(
            {
                "key": f.key,
                "slot": slot_prefix + f.key,
                "id": id_prefix + f.key,
                "label": f"{f.number}. {f.label}" + (" *" if f.required else ""),
                "kind": f.kind,
                "help": f.help,
                "type": INPUT_TYPES.get(f.kind, "text"),
                "mode": INPUT_MODES.get(f.kind, "text"),
                "max_length": str(f.max_length or 40),
                "heading": heading,
            }
        )
    return rows


def choice_options(form: FormDef, slot_prefix: str = "") -> dict[str, list[list[str]]]:
    """The (code, label) options of each choice field of `form`, by slot."""
    return {
        slot_prefix + f.key: [[code, label] for code, label in f.choices]
        for f in form.fields
        if f.kind == element_forms.CHOICE
    }


def slotted(values: dict[str, str], slot_prefix: str) -> dict[str, str]:
    """`values` keyed by slot (`slot_prefix` + key)."""
    return {slot_prefix + key: value for key, value in values.items()}


@dataclass(frozen=True)
class FieldsUI:
    """The state vars a form's fields read: values, errors and choice options by slot, and
    whether the user may change them. `heading` is the tag of section headings."""

    values: rx.Var
    errors: rx.Var
    choices: rx.Var
    can_edit: rx.Var
    heading: str = "h2"


def _error(ui: FieldsUI, row: rx.Var) -> rx.Component:
    slot = row["slot"]
    return rx.cond(
        ui.errors.contains(slot),
        rx.text(
            ui.errors[slot], id=row["id"] + "-error", size="2", color=ERROR_COLOR, role="alert"
        ),
    )


def _help(row: rx.Var) -> rx.Component:
    return rx.cond(row["help"] != "", rx.text(row["help"], size="1", color_scheme="gray"))


def _radio(ui: FieldsUI, row: rx.Var, value: str, label: str) -> rx.Component:
    id = row["id"] + "-" + value
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="radio",
                name=row["key"],
                value=value,
                id=id,
                default_checked=ui.values[row["slot"]] == value,
                disabled=~ui.can_edit,
                class_name="cers-checkbox",
            ),
            rx.text(label, size="2"),
            spacing="2",
            align="center",
        ),
        html_for=id,
    )


def _yes_no(ui: FieldsUI, row: rx.Var) -> rx.Component:
    return rx.el.fieldset(
        rx.el.legend(rx.text(row["label"], weight="medium", size="2")),
        _help(row),
        rx.hstack(_radio(ui, row, "Y", "Yes"), _radio(ui, row, "N", "No"), spacing="5"),
        _error(ui, row),
        id=row["id"],
        class_name=rx.cond(ui.errors.contains(row["slot"]), "cers-item cers-invalid", "cers-item"),
    )


def _label(row: rx.Var) -> rx.Component:
    return rx.el.label(rx.text(row["label"], weight="medium", size="2"), html_for=row["id"])


def _choice(ui: FieldsUI, row: rx.Var) -> rx.Component:
    slot = row["slot"]
    return rx.vstack(
        _label(row),
        _help(row),
        rx.el.select(
            rx.el.option("Choose...", value=""),
            rx.foreach(
                ui.choices.get(slot, []),
                lambda option: rx.el.option(option[1], value=option[0]),
            ),
            name=row["key"],
            default_value=ui.values[slot],
            disabled=~ui.can_edit,
            class_name="cers-select",
            aria_invalid=rx.cond(ui.errors.contains(slot), "true", "false"),
            # a plain attribute: an id prop would add the select's ref to the form data too
            custom_attrs={"id": row["id"]},
        ),
        _error(ui, row),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _input(ui: FieldsUI, row: rx.Var) -> rx.Component:
    slot = row["slot"]
    invalid = ui.errors.contains(slot)
    return rx.vstack(
        _label(row),
        _help(row),
        rx.input(
            name=row["key"],
            id=row["id"],
            type=row["type"],
            input_mode=row["mode"],
            default_value=ui.values[slot],
            read_only=~ui.can_edit,
            width="100%",
            size="3",
            variant="surface",
            color_scheme=rx.cond(invalid, "red", "gray"),
            aria_invalid=rx.cond(invalid, "true", "false"),
        ),
        _error(ui, row),
        spacing="1",
        width="100%",
        align="stretch",
    )


def form_field(ui: FieldsUI, row: rx.Var) -> rx.Component:
    """One field (a row of `field_rows`), led by its section's heading when it opens one."""
    return rx.fragment(
        rx.cond(
            row["heading"] != "",
            rx.heading(row["heading"], size="4", as_=ui.heading, margin_top="12px"),
        ),
        rx.match(
            row["kind"],
            (element_forms.YESNO, _yes_no(ui, row)),
            (element_forms.CHOICE, _choice(ui, row)),
            _input(ui, row),
        ),
    )


def fields(ui: FieldsUI, rows: rx.Var) -> rx.Component:
    """Every field of `rows` (a list var of `field_rows`), in order."""
    return rx.foreach(rows, lambda row: form_field(ui, row))


def error_summary(ui: FieldsUI, rows: rx.Var, *, id: str, when: rx.Var) -> rx.Component:
    """The fields of `rows` to fix (shown `when` one has an error), listed above a long form
    so that nothing is missed on a phone."""
    return rx.cond(
        when,
        rx.callout.root(
            rx.callout.text(rx.text.strong("Fields to fix:")),
            rx.el.ul(
                rx.foreach(
                    rows,
                    lambda row: rx.cond(
                        ui.errors.contains(row["slot"]),
                        rx.el.li(rx.text(row["label"], ": ", ui.errors[row["slot"]], size="2")),
                    ),
                ),
                style={"margin": 0},
            ),
            id=id,
            color_scheme="red",
            variant="surface",
            width="100%",
        ),
    )


def save_bar(*children: rx.Component) -> rx.Component:
    """The Save button row under a form, set off from its last field."""
    return rx.flex(
        *children,
        spacing="3",
        wrap="wrap",
        align="center",
        width="100%",
        padding_top="12px",
        style={"borderTop": "1px solid var(--gray-5)"},
    )
