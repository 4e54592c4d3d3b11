"""Submittal pages: the element actions of the facility page, the Submit page, the receipt
shown after submitting, and the change view."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.facilities.state import FacilityPageState
from cers_app.submittals.change_parts import change_cards
from cers_app.submittals.drafts import BLANK
from cers_app.submittals.element_forms import elements_with_forms
from cers_app.submittals.element_records import elements_with_records, kinds_for
from cers_app.submittals.state import (
    ChangesState,
    ElementActionsState,
    NoChangeState,
    ReceiptState,
    SubmitState,
)
from cers_app.ui.forms import ERROR_COLOR, checkbox_field, submit_button, text_field
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.tables import table


def _hidden(name: str, value: rx.Var | str) -> rx.Component:
    return rx.el.input(type="hidden", name=name, value=value)


def _start_form(row: rx.Var) -> rx.Component:
    """Start a draft: blank, or a copy of an earlier submittal (the default first)."""
    element = row["element"]
    choices = ElementActionsState.bases.get(element, [])
    has_history = row["submitted"] != ""
    return rx.form(
        _hidden("element", element),
        rx.flex(
            rx.cond(
                has_history,
                rx.el.select(
                    rx.foreach(
                        choices,
                        lambda c: rx.el.option("Copy of: " + c["label"], value=c["id"]),
                    ),
                    rx.el.option("Blank draft", value=BLANK),
                    name="basis",
                    class_name="cers-select",
                    custom_attrs={"id": "element-basis-" + element, "aria-label": "Start from"},
                ),
                _hidden("basis", BLANK),
            ),
            rx.button(
                rx.cond(has_history, "Start New Submittal", "Start"),
                type="submit",
                variant="soft",
                id="element-start-" + element,
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        on_submit=ElementActionsState.start,
        reset_on_submit=False,
        width="100%",
    )


def _discard_controls(row: rx.Var) -> rx.Component:
    element = row["element"]
    return rx.cond(
        ElementActionsState.confirm_discard == element,
        rx.form(
            _hidden("element", element),
            _hidden("version", row["draft_id"]),
            rx.flex(
                rx.text("Discard this draft and everything in it?", size="2"),
                rx.button(
                    "Discard",
                    type="submit",
                    color_scheme="red",
                    id="element-discard-yes-" + element,
                ),
                rx.button(
                    "Keep",
                    type="button",
                    variant="soft",
                    on_click=ElementActionsState.keep_draft,
                    id="element-discard-no-" + element,
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            on_submit=ElementActionsState.discard,
        ),
        rx.button(
            "Discard draft",
            variant="ghost",
            color_scheme="red",
            on_click=ElementActionsState.ask_discard(element),
            id="element-discard-" + element,
        ),
    )


def _history(row: rx.Var) -> rx.Component:
    return rx.flex(
        rx.cond(
            row["submitted"] != "",
            rx.text(
                "Last submitted: ",
                row["submitted"],
                " (",
                row["submitted_status"],
                ")",
                size="1",
                id="element-submitted-" + row["element"],
            ),
            rx.text("Never submitted", size="1", color_scheme="gray"),
        ),
        rx.cond(
            row["accepted"] != "",
            rx.text(
                "Last accepted: ",
                row["accepted"],
                size="1",
                id="element-accepted-" + row["element"],
            ),
        ),
        spacing="4",
        wrap="wrap",
    )


# The elements whose draft has a structured form page (APSA Facility Information, ...).
FORM_ELEMENTS = [str(element) for element in sorted(elements_with_forms())]


def _form_link(element: rx.Var) -> rx.Component:
    return rx.cond(
        rx.Var.create(FORM_ELEMENTS).contains(element),
        rx.link(
            rx.button("Form", variant="soft"),
            href=routes.FACILITY_ELEMENT_FORM
            + "?id="
            + FacilityPageState.facility["id"]
            + "&element="
            + element,
            id="element-form-link-" + element,
        ),
    )


# The elements whose draft keeps records (UST tanks, ...), with what their button says.
RECORD_BUTTONS = {
    str(element): kinds_for(element)[0].plural for element in sorted(elements_with_records())
}


def _records_link(element: rx.Var) -> rx.Component:
    return rx.cond(
        rx.Var.create(list(RECORD_BUTTONS)).contains(element),
        rx.link(
            rx.button(rx.Var.create(RECORD_BUTTONS).get(element, "Records"), variant="soft"),
            href=routes.FACILITY_ELEMENT_RECORDS
            + "?id="
            + FacilityPageState.facility["id"]
            + "&element="
            + element,
            id="element-records-link-" + element,
        ),
    )


def element_actions(row: rx.Var) -> rx.Component:
    """The versions of one element of the facility page and what the user may do with them."""
    element = row["element"]
    has_draft = row["draft_id"] != ""
    open_link = rx.cond(
        row["page"] != "",
        rx.link(
            rx.button("Open draft", variant="soft"), href=row["page"], id="element-open-" + element
        ),
    )
    changes = rx.link(
        rx.button("Changes", variant="soft", color_scheme="gray"),
        href=routes.FACILITY_CHANGES
        + "?id="
        + FacilityPageState.facility["id"]
        + "&element="
        + element,
        id="element-changes-" + element,
    )
    return rx.vstack(
        _history(row),
        rx.cond(
            has_draft,
            rx.flex(
                rx.cond(FacilityPageState.can_edit, open_link),
                _form_link(element),
                _records_link(element),
                changes,
                rx.cond(FacilityPageState.can_discard, _discard_controls(row)),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.cond(
                FacilityPageState.can_edit & (row["required"] == "yes"),
                _start_form(row),
                rx.cond(
                    row["page"] != "",
                    rx.link("View", href=row["page"], size="2", id="element-view-" + element),
                ),
            ),
        ),
        spacing="2",
        width="100%",
    )


def submit_link() -> rx.Component:
    """The facility page's way to the Submit page, once a draft exists."""
    return rx.cond(
        FacilityPageState.has_drafts,
        rx.link(
            rx.button("Submit...", size="3"),
            href=routes.FACILITY_SUBMIT + "?id=" + FacilityPageState.facility["id"],
            id="facility-submit-link",
        ),
    )


def _no_change_form() -> rx.Component:
    errors = NoChangeState.errors
    return rx.form(
        rx.vstack(
            rx.text(
                "Nothing changed since the last accepted business plan? Certify it here: "
                "Facility Information, the inventory and the plans are submitted again, "
                "unchanged, as this year's annual certification.",
                size="2",
            ),
            rx.text(SubmitState.statement, size="1", color_scheme="gray"),
            text_field(
                "Your name",
                "certifier_name",
                errors,
                id="no-change-name",
                default_value=NoChangeState.certifier_name,
                max_length=100,
            ),
            text_field(
                "Your title", "certifier_title", errors, id="no-change-title", max_length=100
            ),
            checkbox_field(
                "I certify that the business plan has not changed and the statement above.",
                "certified",
                errors,
                id="no-change-certified",
            ),
            rx.button("No change in HMBP", type="submit", size="3", id="no-change-submit"),
            spacing="3",
            width="100%",
        ),
        on_submit=NoChangeState.send,
        reset_on_submit=False,
        width="100%",
    )


def annual_card() -> rx.Component:
    """The facility page's HMBP due date and, for roles that may, "No change in HMBP"."""
    due = rx.cond(
        NoChangeState.due_date != "",
        rx.text(
            "HMBP next due: ",
            rx.text.strong(NoChangeState.due_date),
            rx.cond(NoChangeState.overdue, rx.badge("overdue", color_scheme="red"), ""),
            size="2",
            id="facility-hmbp-due",
        ),
        rx.text("The HMBP has no due date yet.", size="2", id="facility-hmbp-due"),
    )
    no_change = rx.vstack(
        rx.heading("No change in HMBP", size="3", as_="h3"),
        rx.cond(
            NoChangeState.reason != "",
            rx.text(NoChangeState.reason, size="2", color_scheme="gray", id="no-change-reason"),
            _no_change_form(),
        ),
        id="no-change-card",
        spacing="2",
        width="100%",
    )
    return rx.cond(
        NoChangeState.loaded,
        card(
            rx.heading("Annual certification", size="4", as_="h2"),
            due,
            rx.cond(NoChangeState.allowed, no_change),
            id="facility-annual",
        ),
    )


# ---------------------------------------------------------------- Submit page


def _ready_row(row: rx.Var) -> rx.Component:
    version = row["version_id"]
    ready = row["ready"] == "yes"
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.cond(
                    ready,
                    rx.el.input(
                        type="checkbox",
                        name="tick_" + version,
                        default_checked=True,
                        class_name="cers-checkbox",
                        custom_attrs={"id": "submit-tick-" + row["element"]},
                    ),
                    rx.icon("circle-x", color=ERROR_COLOR, size=18),
                ),
                rx.el.label(rx.text.strong(row["label"]), html_for="submit-tick-" + row["element"]),
                rx.badge(row["change_level"], variant="outline"),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text("Regulator: ", row["regulator"], size="1"),
            rx.cond(
                ready,
                rx.el.textarea(
                    name="comment_" + version,
                    placeholder="Comment for the regulator (optional)",
                    max_length=1000,
                    rows="2",
                    class_name="cers-textarea",
                    custom_attrs={"id": "submit-comment-" + row["element"]},
                ),
                rx.text(
                    row["blockers"],
                    size="2",
                    color=ERROR_COLOR,
                    white_space="pre-line",
                    id="submit-blockers-" + row["element"],
                ),
            ),
            rx.flex(
                rx.link(
                    "See changes",
                    href=row["changes_url"],
                    size="2",
                    id="submit-changes-" + row["element"],
                ),
                rx.cond(
                    row["page"] != "",
                    rx.link(
                        "Open draft", href=row["page"], size="2", id="submit-open-" + row["element"]
                    ),
                ),
                spacing="4",
            ),
            spacing="2",
            width="100%",
        ),
        class_name="cers-item",
        id="submit-element-" + row["element"],
    )


def _certification() -> rx.Component:
    errors = SubmitState.errors
    return card(
        rx.heading("Certification", size="4", as_="h2"),
        rx.text(SubmitState.statement, size="2", id="submit-statement"),
        text_field(
            "Your name",
            "certifier_name",
            errors,
            id="submit-certifier-name",
            default_value=SubmitState.certifier_name,
            max_length=100,
        ),
        text_field(
            "Your title", "certifier_title", errors, id="submit-certifier-title", max_length=100
        ),
        checkbox_field(
            "I certify the statement above.", "certified", errors, id="submit-certified"
        ),
        _annual_tick(),
    )


def _annual_tick() -> rx.Component:
    """Ticked to begin with when the HMBP is due within 90 days (or has no due date)."""
    due = rx.cond(
        SubmitState.due_date != "",
        "The HMBP is next due " + SubmitState.due_date + ".",
        "The HMBP has no due date yet.",
    )
    return rx.vstack(
        rx.el.label(
            rx.hstack(
                rx.el.input(
                    type="checkbox",
                    name="annual",
                    default_checked=SubmitState.annual_default,
                    class_name="cers-checkbox",
                    custom_attrs={"id": "submit-annual"},
                ),
                rx.text("This is my annual certification", size="2"),
                spacing="2",
                align="start",
            ),
            html_for="submit-annual",
        ),
        rx.text(
            due,
            " An annual certification moves the due date to the next year.",
            size="1",
            color_scheme="gray",
            id="submit-due-date",
        ),
        spacing="1",
        width="100%",
    )


def submit_page() -> rx.Component:
    ready = after_load(SubmitState.loaded)
    facility = SubmitState.facility
    nothing = rx.callout(
        "No element of this facility has a draft to submit. Start a new submittal from the "
        "facility page.",
        icon="info",
        id="submit-nothing",
    )
    form = rx.form(
        card(
            rx.heading("Elements with a draft", size="4", as_="h2"),
            rx.cond(
                ~SubmitState.fi_has_draft,
                rx.callout(
                    "Facility Information goes with every submittal, and it has no draft. "
                    "Start it from the facility page (a copy of the last submittal), then "
                    "come back.",
                    icon="triangle-alert",
                    color_scheme="amber",
                    id="submit-needs-fi",
                ),
            ),
            rx.vstack(rx.foreach(SubmitState.rows, _ready_row), spacing="2", width="100%"),
        ),
        rx.cond(
            SubmitState.can_submit,
            rx.vstack(
                _certification(),
                submit_button("Submit", id="submit-send"),
                spacing="3",
                width="100%",
            ),
            rx.callout(
                "Your role lets you prepare drafts but not submit them: an Approver or a Lead "
                "User of the business submits.",
                icon="lock",
                id="submit-not-allowed",
            ),
        ),
        on_submit=SubmitState.send,
        reset_on_submit=False,
        width="100%",
    )
    body = rx.fragment(
        page_title("Submit", facility["name"] + " - CERS ID " + facility["cers_id"]),
        rx.cond(SubmitState.rows.length() > 0, form, nothing),
        rx.link("Back to the facility", href=facility["url"], size="2", id="submit-facility"),
    )
    return shell(rx.cond(ready, body, rx.spinner()))


# ---------------------------------------------------------------- receipt


def receipt_page() -> rx.Component:
    ready = after_load(ReceiptState.loaded)
    receipt = ReceiptState.receipt
    body = rx.fragment(
        page_title("Submitted", receipt["facility"] + " - CERS ID " + receipt["cers_id"]),
        rx.callout(
            "You submitted the following on " + receipt["when"] + ".",
            icon="circle-check",
            color_scheme="green",
            id="receipt-done",
        ),
        card(
            table(
                ["Element", "Submitted to", "Your comment"],
                ReceiptState.lines,
                ["element", "regulator", "comments"],
                id="receipt-lines",
            ),
            rx.text(
                "Submitted by ",
                receipt["by"],
                "; certified by ",
                receipt["certifier"],
                size="2",
                id="receipt-certifier",
            ),
            rx.text(receipt["statement"], size="1", color_scheme="gray"),
            rx.text("Submittal number ", receipt["number"], size="1", id="receipt-number"),
        ),
        rx.flex(
            rx.button(
                "Print",
                on_click=ReceiptState.print_page,
                variant="soft",
                id="receipt-print",
                class_name="cers-no-print",
            ),
            rx.link(rx.button("Back to the facility"), href=receipt["url"], id="receipt-facility"),
            spacing="2",
            wrap="wrap",
        ),
    )
    return shell(rx.cond(ready, body, rx.spinner()))


# ---------------------------------------------------------------- change view


def changes_page() -> rx.Component:
    ready = after_load(ChangesState.loaded)
    head = ChangesState.head
    body = rx.fragment(
        page_title(
            "Changes: " + head["label"],
            "This " + head["status"].lower() + " version compared with " + head["compared"],
        ),
        change_cards(
            head["level"],
            head["summary"],
            ChangesState.reasons,
            ChangesState.forms,
            ChangesState.rows,
            ChangesState.documents,
        ),
        rx.flex(
            rx.link(
                "Back to the facility", href=head["facility_url"], size="2", id="changes-facility"
            ),
            rx.link("Submit page", href=head["submit_url"], size="2", id="changes-submit"),
            spacing="4",
        ),
    )
    return shell(rx.cond(ready, body, rx.spinner()))


PAGES = [
    PageSpec(routes.FACILITY_SUBMIT, submit_page, "Submit", (SubmitState.load,)),
    PageSpec(routes.FACILITY_SUBMITTED, receipt_page, "Submitted", (ReceiptState.load,)),
    PageSpec(routes.FACILITY_CHANGES, changes_page, "Changes", (ChangesState.load,)),
]
