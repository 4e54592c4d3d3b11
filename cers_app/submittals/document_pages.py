"""The documents section of an element page, and the documents page of the elements that have
no page of their own (the Emergency Response and Training Plans when the address names none).

`documents_section(element)` shows each document slot of the element: what was provided (or
the findings saying what is missing), a source picker with the fields that source needs when
the draft may be edited, the uploaded files with their download links, and the upload form: a
plain HTML form the browser posts, with the file, to the upload route.
"""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.submittals import document_rules
from cers_app.submittals.document_rules import SOURCES, SlotDef
from cers_app.submittals.document_state import OTHER_ELEMENTS, PAGE_ELEMENTS, DocumentState
from cers_app.ui.forms import ERROR_COLOR
from cers_app.ui.guidance import level_tag
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.native import MultipartForm, download_link
from cers_app.ui.notices import draft_notice

ERTP = 3
ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"
# The form field of each source: (name, label, kind, max length)
_FIELDS = {
    document_rules.EXEMPT: [("exempt_reason", "Why is the facility exempt?", "textarea", 500)],
    document_rules.TO_REGULATOR: [("provided_on", "Date provided to the regulator", "date", 10)],
    document_rules.OTHER_ELEMENT: [
        ("other_element", "Submittal element that has it", "element", 2),
        ("comment", "Comment (optional)", "textarea", 500),
    ],
    document_rules.PUBLIC_URL: [("url", "Web address (URL)", "url", 1000)],
    document_rules.AT_FACILITY: [
        ("stored_at_cers_id", "CERS ID of the facility where it is kept", "text", 8)
    ],
    document_rules.UPLOAD: [],
}
_IDS = {
    "exempt_reason": "exempt-reason",
    "provided_on": "provided-on",
    "other_element": "other-element",
    "comment": "comment",
    "url": "url",
    "stored_at_cers_id": "stored-at",
}


def _field_id(field: str, key: str) -> str:
    return f"doc-{_IDS[field]}-{key}"


def _error(key: str, field: str) -> rx.Component:
    name = f"{key}.{field}"
    return rx.cond(
        DocumentState.errors.contains(name),
        rx.text(
            DocumentState.errors[name],
            id=f"doc-{_IDS.get(field, field)}-{key}-error",
            size="1",
            color=ERROR_COLOR,
            role="alert",
        ),
    )


def _invalid(key: str, field: str) -> rx.Var:
    return rx.cond(DocumentState.errors.contains(f"{key}.{field}"), "true", "false")


def _control(key: str, field: str, kind: str, max_length: int) -> rx.Component:
    """An uncontrolled input showing the saved value (ids as plain attributes: see
    ui.forms.checkbox_field)."""
    value = DocumentState.answers[key][field]
    attrs = {"id": _field_id(field, key), "aria-invalid": _invalid(key, field)}
    if kind == "textarea":
        return rx.el.textarea(
            name=field,
            default_value=value,
            max_length=max_length,
            rows=3,
            class_name="cers-input",
            custom_attrs=attrs,
        )
    if kind == "element":
        return rx.el.select(
            rx.el.option("Choose...", value=""),
            *[rx.el.option(label, value=code) for code, label in OTHER_ELEMENTS.items()],
            name=field,
            default_value=value,
            class_name="cers-select",
            custom_attrs=attrs,
        )
    props = {"type": "date", "max": DocumentState.today} if kind == "date" else {"type": kind}
    if field == "stored_at_cers_id":
        props["input_mode"] = "numeric"
        props["placeholder"] = DocumentState.header["cers_id"]
    return rx.el.input(
        name=field,
        default_value=value,
        max_length=max_length,
        auto_complete="off",
        class_name="cers-input",
        custom_attrs=attrs,
        **props,
    )


def _source_fields(key: str) -> rx.Component:
    """The fields of the source picked, one group per source."""
    groups = []
    for source, fields in _FIELDS.items():
        parts = [
            rx.vstack(
                rx.el.label(
                    rx.text(label, weight="medium", size="2"), html_for=_field_id(field, key)
                ),
                _control(key, field, kind, max_length),
                _error(key, field),
                spacing="1",
                width="100%",
                align="stretch",
            )
            for field, label, kind, max_length in fields
        ]
        help_text = rx.text(document_rules.SOURCE_HELP[source], size="1", color_scheme="gray")
        groups.append((str(source), rx.vstack(help_text, *parts, spacing="2", width="100%")))
    return rx.match(DocumentState.choice[key], *groups, rx.fragment())


def _source_picker(key: str) -> rx.Component:
    id = f"doc-source-{key}"
    return rx.vstack(
        rx.el.label(rx.text("How is it provided?", weight="medium", size="2"), html_for=id),
        rx.el.select(
            rx.el.option("Choose a document source...", value=""),
            *[rx.el.option(text, value=str(code)) for code, text in SOURCES.items()],
            name="source",
            value=DocumentState.choice[key],
            on_change=lambda value: DocumentState.pick_source(key, value),
            class_name="cers-select",
            custom_attrs={"id": id, "aria-invalid": _invalid(key, "source")},
        ),
        _error(key, "source"),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _edit_form(key: str) -> rx.Component:
    answer = DocumentState.answers[key]
    picked = DocumentState.choice[key]
    return rx.form(
        rx.el.input(type="hidden", name="slot", value=key),
        rx.el.input(type="hidden", name="row_version", value=answer["row_version"]),
        rx.vstack(
            _source_picker(key),
            _source_fields(key),
            rx.cond(
                (answer["source"] == "5") & (picked != "5") & (picked != ""),
                rx.text(
                    "Saving another source removes the uploaded files.",
                    size="1",
                    color_scheme="amber",
                    id=f"doc-files-warning-{key}",
                ),
            ),
            rx.flex(
                rx.cond(
                    (picked != "") & ((picked != "5") | (answer["source"] != "5")),
                    rx.button("Save", type="submit", id=f"doc-save-{key}"),
                ),
                rx.cond(
                    answer["source"] != "",
                    rx.button(
                        "Clear",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=DocumentState.clear_slot(key),
                        id=f"doc-clear-{key}",
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=DocumentState.save_source,
        id=f"doc-form-{key}",
        key=DocumentState.form_key,
        no_validate=True,
    )


def _read_only(key: str) -> rx.Component:
    answer = DocumentState.answers[key]
    return rx.vstack(
        rx.badge(answer["source_label"], variant="outline", id=f"doc-source-label-{key}"),
        rx.text(answer["summary"], size="2", id=f"doc-summary-{key}"),
        rx.cond(
            answer["source"] == "4",
            rx.link(
                answer["url"],
                href=answer["url"],
                is_external=True,
                rel="noopener noreferrer",
                size="2",
                id=f"doc-url-link-{key}",
                style={"overflowWrap": "anywhere"},
            ),
        ),
        spacing="1",
        align="start",
    )


def _file_row(key: str, file: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.text.strong(file["title"]),
            rx.text(
                file["name"],
                " · ",
                file["kind"],
                " · ",
                file["size"],
                rx.cond(file["date_authored"] != "", " · authored " + file["date_authored"], ""),
                size="1",
                color_scheme="gray",
                style={"overflowWrap": "anywhere"},
            ),
            rx.cond(file["description"] != "", rx.text(file["description"], size="1")),
            rx.flex(
                download_link(
                    rx.icon("download", size=14),
                    "Download",
                    href=file["href"],
                    id="doc-file-download-" + file["id"],
                ),
                rx.cond(
                    DocumentState.editable,
                    rx.button(
                        "Remove",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=DocumentState.remove_file(key, file["id"]),
                        id="doc-file-remove-" + file["id"],
                        aria_label="Remove " + file["name"],
                    ),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="1",
            width="100%",
        ),
        class_name="cers-item",
        id="doc-file-" + file["id"],
    )


def _files(key: str) -> rx.Component:
    return rx.cond(
        DocumentState.files[key].length() > 0,
        rx.el.ul(
            rx.foreach(DocumentState.files[key], lambda file: _file_row(key, file)),
            id=f"doc-files-{key}",
            style={"listStyle": "none", "padding": 0, "display": "grid", "gap": "8px"},
        ),
    )


def _upload_field(key: str, name: str, label: str, **props) -> rx.Component:
    id = f"doc-file-{name.replace('_', '-')}-{key}"
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.el.input(name=name, class_name="cers-input", custom_attrs={"id": id}, **props),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _upload_form(slot: SlotDef) -> rx.Component:
    """The browser posts this form (with the file) to the upload route itself."""
    key = str(slot.code)
    return MultipartForm.create(
        rx.el.input(type="hidden", name="facility", value=DocumentState.header["id"]),
        rx.el.input(type="hidden", name="slot", value=key),
        rx.vstack(
            rx.heading("Add a file", size="3", as_="h4"),
            _upload_field(key, "file", "File", type="file", accept=ACCEPT, required=True),
            _upload_field(key, "title", "Title (the file's name if left blank)", max_length=300),
            _upload_field(key, "description", "Description (optional)", max_length=500),
            _upload_field(
                key,
                "date_authored",
                "Date authored (optional)",
                type="date",
                max=DocumentState.today,
            ),
            rx.button(
                rx.icon("upload", size=16),
                "Upload",
                type="submit",
                id=f"doc-upload-submit-{key}",
                width="fit-content",
            ),
            spacing="3",
            width="100%",
            align="stretch",
        ),
        action=DocumentState.upload_url + f"&slot={key}",
        method="post",
        enc_type="multipart/form-data",
        id=f"doc-upload-{key}",
    )


def _finding(finding: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.flex(
            level_tag(finding["level"]),
            rx.text(finding["message"], size="2"),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        custom_attrs={"data-level": finding["level"], "data-code": finding["code"]},
    )


def _notice(key: str) -> rx.Component:
    return rx.cond(
        DocumentState.notices.contains(key),
        rx.callout(
            DocumentState.notices[key],
            icon=rx.cond(DocumentState.notice_ok[key], "circle_check", "circle_x"),
            color_scheme=rx.cond(DocumentState.notice_ok[key], "green", "red"),
            size="1",
            id=f"doc-notice-{key}",
            role="status",
        ),
    )


def _slot_card(slot: SlotDef) -> rx.Component:
    key = str(slot.code)
    answer = DocumentState.answers[key]
    findings = DocumentState.findings[key]
    return card(
        rx.flex(
            rx.heading(slot.label, size="4", as_="h3"),
            rx.cond(
                answer["required"] != "",
                rx.badge("Required", color_scheme="red", variant="soft"),
                rx.badge("Optional", color_scheme="gray", variant="soft"),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.text(slot.help, size="2", color_scheme="gray"),
        _notice(key),
        rx.cond(
            findings.length() > 0,
            rx.el.ul(rx.foreach(findings, _finding), id=f"doc-findings-{key}"),
        ),
        rx.cond(DocumentState.editable, _edit_form(key), _read_only(key)),
        _files(key),
        rx.cond(DocumentState.can_upload & (DocumentState.choice[key] == "5"), _upload_form(slot)),
        id=f"doc-slot-{key}",
    )


def _local_requirements(element: int) -> rx.Component:
    """What the element's regulator asks beyond the state's rules (its agency settings)."""
    header = DocumentState.header
    return rx.cond(
        after_load(DocumentState.loaded)
        & (DocumentState.element == element)
        & header["local_requirements"],
        rx.callout.root(
            rx.callout.text(rx.text.strong("Local requirements from ", header["local_agency"])),
            rx.text(header["local_requirements"], size="2", style={"whiteSpace": "pre-wrap"}),
            id=f"local-requirements-{element}",
            color_scheme="blue",
            variant="surface",
            width="100%",
        ),
    )


def documents_section(element: int, *, reload_key: rx.Var | None = None) -> rx.Component:
    """The document slots of `element`, for the facility the page shows.

    A page registers `DocumentState.load(element)` as an on_load event; or it gives
    `reload_key` (a value that changes when the element's draft does, such as its status) and
    the section loads itself whenever it is shown or that value changes.
    """
    body = rx.cond(
        after_load(DocumentState.loaded) & (DocumentState.element == element),
        rx.vstack(
            *[_slot_card(slot) for slot in document_rules.slots_for(element)],
            spacing="3",
            width="100%",
        ),
        rx.spinner(),
    )
    section = rx.el.section(
        rx.heading("Documents", size="5", as_="h2"),
        _local_requirements(element),
        body,
        id=f"documents-{element}",
        style={"display": "grid", "gap": "12px", "width": "100%"},
    )
    if reload_key is None:
        return section
    return rx.box(section, key=reload_key, on_mount=DocumentState.load(element), width="100%")


# ------------------------------------------------------------------ the documents page


def _advisories() -> rx.Component:
    """Element-wide guidance, such as the forms that come in a later release."""
    return rx.cond(
        DocumentState.advisories.length() > 0,
        rx.el.ul(
            rx.foreach(DocumentState.advisories, _finding),
            id="documents-advisories",
            style={"listStyle": "none", "padding": 0, "display": "grid", "gap": "8px"},
        ),
    )


def _plans_heading() -> rx.Component:
    header = DocumentState.header
    return rx.vstack(
        page_title(DocumentState.header["element"]),
        rx.flex(
            rx.text(
                rx.text.strong(header["name"]),
                " · CERS ID ",
                header["cers_id"],
                size="2",
                id="plans-facility",
            ),
            rx.badge(header["status"], variant="outline", id="plans-status"),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.link(
            "Back to the facility",
            href=routes.FACILITY + "?id=" + header["id"],
            id="plans-facility-link",
            size="2",
        ),
        spacing="2",
    )


def _plans_notice() -> rx.Component:
    return draft_notice(
        editable=DocumentState.editable,
        can_edit=DocumentState.can_edit,
        not_started=DocumentState.header["status"] == "Not started",
        first_text="Nothing has been submitted for this element yet. Start a new submittal to "
        "provide its documents.",
        again_text="What was last submitted is shown below and cannot change. Start a new "
        "submittal: it begins as a copy of the last one.",
        start=rx.button(
            "Start a new submittal", on_click=DocumentState.start_draft, id="plans-start-draft"
        ),
        read_only_text="Your role lets you view these documents but not change them.",
        prefix="plans",
    )


def plans_page() -> rx.Component:
    ready = after_load(DocumentState.loaded)
    sections = rx.match(
        DocumentState.element,
        *[(element, documents_section(element)) for element in PAGE_ELEMENTS],
        rx.fragment(),
    )
    body = rx.fragment(_plans_heading(), _plans_notice(), _advisories(), sections)
    return shell(rx.cond(ready, body, rx.spinner()))


PAGES = [
    PageSpec(
        routes.FACILITY_PLANS,
        plans_page,
        "Emergency Response and Training Plans",
        (DocumentState.load_page,),
    ),
]
