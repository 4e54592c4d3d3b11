"""Request Technical Assistance (public): write to a local agency; the sender gets a receipt."""

from __future__ import annotations

import reflex as rx

from cers_app.agencies.assistance import (
    BUSINESS_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    SUBJECT_MAX,
    TOPICS,
)
from cers_app.core import routes
from cers_app.home.assistance_state import HONEYPOT, AssistanceState
from cers_app.ui.forms import ERROR_COLOR, field_error, inline_form, submit_button, text_field
from cers_app.ui.layout import PageSpec, after_load, card, narrow, page_title, shell

S = AssistanceState


def _agency() -> rx.Component:
    """The agency written to (chosen by a link or by the ZIP code finder above)."""
    return rx.vstack(
        rx.text("Agency", weight="medium", size="2"),
        rx.cond(
            S.agency != "",
            rx.text(
                rx.text.strong(S.agency_name),
                " (regulator code ",
                S.agency,
                ")",
                size="2",
                id="assistance-agency",
            ),
            rx.text("No agency chosen yet.", size="2", id="assistance-agency", color_scheme="gray"),
        ),
        field_error(S.errors, "agency", "assistance-agency"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _zip_finder() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Which agency? Enter the business's ZIP code, or pick the agency in ",
            rx.link("Local regulators", href=routes.REGULATOR_DIRECTORY, id="assistance-find-dir"),
            ".",
            size="2",
        ),
        inline_form(
            rx.box(
                text_field("ZIP code", "zip", S.errors, id="assistance-zip", max_length=10),
                flex="1",
                min_width="160px",
            ),
            rx.button("Find the agency", type="submit", id="assistance-find", variant="soft"),
            on_submit=S.find_by_zip,
            id="assistance-zip-form",
            width="100%",
        ),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _topic_select() -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text("Topic", weight="medium", size="2"), html_for="assistance-topic"),
        rx.el.select(
            rx.el.option("Choose a topic...", value=""),
            *[rx.el.option(label, value=key) for key, label in TOPICS.items()],
            name="topic",
            id="assistance-topic",
            default_value="",
            class_name="cers-select",
            aria_invalid=rx.cond(S.errors.contains("topic"), "true", "false"),
        ),
        field_error(S.errors, "topic", "assistance-topic"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _message() -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text("Message", weight="medium", size="2"), html_for="assistance-message"),
        rx.text_area(
            name="message",
            id="assistance-message",
            max_length=MESSAGE_MAX,
            rows="8",
            width="100%",
            color_scheme=rx.cond(S.errors.contains("message"), "red", "gray"),
            aria_invalid=rx.cond(S.errors.contains("message"), "true", "false"),
        ),
        rx.text(f"At most {MESSAGE_MAX} characters.", size="1", color_scheme="gray"),
        field_error(S.errors, "message", "assistance-message"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _honeypot() -> rx.Component:
    # Off screen and out of the tab order: only a bot fills it in.
    return rx.el.div(
        rx.el.label("Leave this empty", html_for="assistance-hp"),
        rx.el.input(
            name=HONEYPOT, type="text", tab_index=-1, auto_complete="off", id="assistance-hp"
        ),
        aria_hidden="true",
        style={"position": "absolute", "left": "-10000px", "width": "1px", "height": "1px"},
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _agency(),
            text_field(
                "Your name",
                "name",
                S.errors,
                id="assistance-name",
                default_value=S.name,
                max_length=NAME_MAX,
                autocomplete="name",
            ),
            text_field(
                "Email",
                "email",
                S.errors,
                id="assistance-email",
                type="email",
                default_value=S.email,
                autocomplete="email",
                hint="The agency answers you here; you also get a receipt.",
            ),
            text_field(
                "Phone (optional)", "phone", S.errors, id="assistance-phone", autocomplete="tel"
            ),
            text_field(
                "Business name (optional)",
                "business_name",
                S.errors,
                id="assistance-business",
                max_length=BUSINESS_MAX,
                autocomplete="organization",
            ),
            text_field(
                "CERS ID (optional)",
                "cers_id",
                S.errors,
                id="assistance-cers-id",
                max_length=9,
                hint="8 or 9 digits, shown on your facility's page.",
            ),
            _topic_select(),
            text_field(
                "Subject", "subject", S.errors, id="assistance-subject", max_length=SUBJECT_MAX
            ),
            _message(),
            _honeypot(),
            rx.cond(
                S.problem != "",
                rx.text(S.problem, id="assistance-problem", color=ERROR_COLOR, role="alert"),
            ),
            submit_button("Send request", id="assistance-send"),
            spacing="4",
            width="100%",
            align="stretch",
            style={"position": "relative"},
        ),
        on_submit=S.submit,
        id="assistance-form",
        width="100%",
    )


def _sent() -> rx.Component:
    return card(
        rx.heading("Request sent", size="5", as_="h2"),
        rx.cond(
            S.reference != "",
            rx.text(
                "Your request was sent to ",
                rx.text.strong(S.sent_to),
                ". Its reference number is ",
                rx.text.strong(S.reference, id="assistance-reference"),
                ". A receipt is on its way to ",
                S.sent_email,
                ".",
                size="2",
            ),
            rx.text("Your request was sent.", size="2"),
        ),
        rx.flex(
            rx.button("Write another request", on_click=S.write_again, id="assistance-again"),
            rx.link("Local regulators", href=routes.REGULATOR_DIRECTORY, id="assistance-directory"),
            spacing="3",
            wrap="wrap",
            align="center",
        ),
        id="assistance-sent",
    )


def assistance_page() -> rx.Component:
    return shell(
        narrow(
            page_title(
                "Request Technical Assistance",
                "Ask your local agency about OpenCERS: accounts, facilities, inventories, "
                "documents and submitting.",
            ),
            rx.cond(
                after_load(S.loaded),
                rx.cond(S.sent, _sent(), rx.vstack(_zip_finder(), card(_form()), spacing="4")),
            ),
            rx.text(
                "Find who regulates a place in ",
                rx.link("Local regulators", href=routes.REGULATOR_DIRECTORY, id="assistance-dir"),
                ".",
                size="2",
            ),
        )
    )


PAGES = [
    PageSpec(
        routes.TECHNICAL_ASSISTANCE, assistance_page, "Request Technical Assistance", (S.load,)
    )
]
