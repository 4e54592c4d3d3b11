"""The records of an element's draft (a UST facility's tanks and installation
certifications): the list with each record's progress, what blocks submitting, Add and
Remove; and one record's page with each of its forms saved on its own."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.submittals.element_record_state import (
    KIND_FIELD,
    PART_FIELD,
    ElementRecordsState,
    ElementRecordState,
)
from cers_app.submittals.form_fields_ui import FieldsUI, error_summary, fields, save_bar
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

L = ElementRecordsState
R = ElementRecordState
ADD_UI = FieldsUI(L.add_values, L.add_errors, L.add_choices, L.can_edit, heading="h3")
RECORD_UI = FieldsUI(R.values, R.errors, R.choices, R.can_edit, heading="h3")


def _hidden(name: str, value: rx.Var | str) -> rx.Component:
    return rx.el.input(type="hidden", name=name, value=value)


def _subtitle(facility: rx.Var) -> rx.Var:
    return facility["name"] + " (CERS ID " + facility["cers_id"] + ")"


def _required_badge(**props) -> rx.Component:
    return rx.badge(
        rx.icon("circle_x", size=12), "Required", color_scheme="red", variant="soft", **props
    )


def _finding_line(finding: rx.Var, prefix: str) -> rx.Component:
    return rx.flex(
        _required_badge(),
        rx.code(finding["code"], size="1", title="CERS guidance code"),
        rx.text(finding["message"], size="2"),
        rx.cond(
            finding["href"] != "",
            rx.link("Open", href=finding["href"], size="2", id=prefix + "-open-" + finding["id"]),
        ),
        spacing="2",
        wrap="wrap",
        align="center",
        id=prefix + "-" + finding["id"],
    )


def _findings_box(items: rx.Var, *, id: str, title: rx.Var | str) -> rx.Component:
    """Every finding of `items` in one red box, scrolling when there are many."""
    return rx.cond(
        items.length() > 0,
        rx.callout.root(
            rx.callout.text(rx.text.strong(title)),
            rx.box(
                rx.vstack(
                    rx.foreach(items, lambda f: _finding_line(f, id)),
                    spacing="2",
                    align="stretch",
                ),
                max_height="320px",
                overflow_y="auto",
                width="100%",
            ),
            id=id,
            role="alert",
            color_scheme="red",
            variant="surface",
            width="100%",
        ),
    )


# ---- The list of records --------------------------------------------------------------


def _part_badge(part: rx.Var) -> rx.Component:
    text = part["title"] + ": " + part["text"]
    return rx.cond(
        part["color"] == "green",
        rx.badge(rx.icon("circle_check", size=12), text, color_scheme="green", variant="soft"),
        rx.badge(rx.icon("circle_x", size=12), text, color_scheme="red", variant="soft"),
    )


def _remove(row: rx.Var) -> rx.Component:
    row_id = row["id"]
    return rx.cond(
        L.confirm_remove == row_id,
        rx.flex(
            rx.text("Remove " + row["label"] + " and all its forms?", size="2"),
            rx.button(
                "Remove",
                color_scheme="red",
                on_click=L.remove(row["kind"], row["key"]),
                id="record-remove-confirm-" + row_id,
            ),
            rx.button(
                "Keep",
                variant="soft",
                on_click=L.keep,
                id="record-remove-keep-" + row_id,
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.button(
            "Remove",
            variant="ghost",
            color_scheme="red",
            on_click=L.ask_remove(row_id),
            id="record-remove-" + row_id,
        ),
    )


def _row(row: rx.Var) -> rx.Component:
    row_id = row["id"]
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.text.strong(row["label"], id="record-label-" + row_id),
                rx.cond(row["duplicate"] != "", _required_badge(id="record-duplicate-" + row_id)),
                rx.cond(
                    row["problems"] == "0",
                    rx.badge("No problems", color_scheme="green", variant="outline"),
                    rx.badge(
                        row["problems"] + " problem(s)",
                        color_scheme="red",
                        variant="outline",
                        id="record-problems-" + row_id,
                    ),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.cond(row["summary"] != "", rx.text(row["summary"], size="2", color_scheme="gray")),
            rx.flex(
                rx.foreach(L.row_parts.get(row_id, []), _part_badge),
                spacing="2",
                wrap="wrap",
                id="record-parts-" + row_id,
            ),
            rx.flex(
                rx.link(
                    rx.button(rx.cond(L.can_edit, "Open", "View"), variant="soft"),
                    href=row["href"],
                    id="record-open-" + row_id,
                ),
                rx.cond(L.can_edit, _remove(row)),
                spacing="3",
                wrap="wrap",
                align="center",
            ),
            spacing="2",
            align="stretch",
        ),
        class_name="cers-item",
        id="record-" + row_id,
    )


def _add_form(kind: rx.Var) -> rx.Component:
    return rx.form(
        _hidden(KIND_FIELD, kind["name"]),
        rx.vstack(
            rx.heading("Add " + kind["title"].lower(), size="3", as_="h3"),
            fields(ADD_UI, L.add_fields.get(kind["name"], [])),
            rx.button(
                "Add " + kind["title"].lower(),
                type="submit",
                size="3",
                id="record-add-" + kind["name"],
            ),
            spacing="2",
            align="stretch",
        ),
        on_submit=L.add,
        key=L.form_key,
        width="100%",
        id="record-add-form-" + kind["name"],
    )


def _kind(kind: rx.Var) -> rx.Component:
    name = kind["name"]
    return card(
        rx.heading(kind["plural"] + " (" + kind["count"] + ")", size="5", as_="h2"),
        rx.cond(kind["help"] != "", rx.text(kind["help"], size="2", color_scheme="gray")),
        rx.foreach(
            L.kind_findings.get(name, []),
            lambda f: rx.callout(
                f["code"] + ": " + f["message"],
                icon="circle_x",
                color_scheme="red",
                role="alert",
                id="record-kind-finding-" + name + "-" + f["id"],
            ),
        ),
        rx.cond(
            kind["count"] == "0",
            rx.text("None yet.", size="2", color_scheme="gray", id="records-none-" + name),
        ),
        rx.foreach(L.rows.get(name, []), _row),
        rx.cond(L.can_edit, _add_form(kind)),
        id="records-" + name,
    )


def element_records_page() -> rx.Component:
    ready = after_load(L.loaded)
    return shell(
        rx.cond(
            ready,
            rx.fragment(
                page_title(L.title, _subtitle(L.facility)),
                rx.link(
                    "Back to the facility",
                    href=routes.FACILITY + "?id=" + L.facility["id"],
                    size="2",
                    id="element-records-facility",
                ),
                rx.cond(
                    ~L.can_edit,
                    rx.text(
                        "Your role lets you view these records but not change them.",
                        size="2",
                        color_scheme="gray",
                        id="element-records-read-only",
                    ),
                ),
                _findings_box(
                    L.findings,
                    id="record-findings",
                    title="To fix before submitting (" + L.findings.length().to_string() + "):",
                ),
                rx.foreach(L.kinds, _kind),
            ),
            rx.spinner(),
        )
    )


# ---- One record -----------------------------------------------------------------------


def _part(part: rx.Var) -> rx.Component:
    name = part["name"]
    return card(
        rx.heading(part["title"], size="5", as_="h2"),
        rx.cond(
            part["saved"] == "",
            rx.text(
                "Not saved yet: fill it in and save it.",
                size="2",
                color_scheme="red",
                id="record-part-" + name + "-missing",
            ),
        ),
        rx.form(
            _hidden(PART_FIELD, name),
            rx.vstack(
                error_summary(
                    RECORD_UI,
                    R.part_fields.get(name, []),
                    id="record-part-" + name + "-problems",
                    when=part["problems"] != "0",
                ),
                fields(RECORD_UI, R.part_fields.get(name, [])),
                rx.cond(
                    R.can_edit,
                    save_bar(
                        rx.button(
                            "Save " + part["title"],
                            type="submit",
                            size="3",
                            id="record-part-" + name + "-save",
                        )
                    ),
                ),
                spacing="4",
                align="stretch",
                width="100%",
            ),
            on_submit=R.save_part,
            key=part["form_key"],
            width="100%",
            id="record-part-form-" + name,
        ),
        id="record-part-" + name,
    )


def element_record_page() -> rx.Component:
    ready = after_load(R.loaded)
    return shell(
        rx.cond(
            ready,
            rx.fragment(
                page_title(R.label, R.element_label + " at " + _subtitle(R.facility)),
                rx.flex(
                    rx.link(
                        "Back to the " + R.element_label + " list",
                        href=R.list_url,
                        size="2",
                        id="record-list-link",
                    ),
                    rx.link(
                        "Back to the facility",
                        href=routes.FACILITY + "?id=" + R.facility["id"],
                        size="2",
                        id="record-facility-link",
                    ),
                    spacing="4",
                    wrap="wrap",
                ),
                rx.cond(
                    ~R.can_edit,
                    rx.text(
                        "Your role lets you view this record but not change it.",
                        size="2",
                        color_scheme="gray",
                        id="record-read-only",
                    ),
                ),
                _findings_box(R.findings, id="record-findings", title="To fix before submitting:"),
                rx.foreach(R.parts, _part),
            ),
            rx.spinner(),
        )
    )


PAGES = [
    PageSpec(
        routes.FACILITY_ELEMENT_RECORDS,
        element_records_page,
        "Element records",
        (L.load,),
    ),
    PageSpec(
        routes.FACILITY_ELEMENT_RECORD,
        element_record_page,
        "Element record",
        (R.load,),
    ),
]
