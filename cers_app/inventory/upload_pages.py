"""The Upload Inventory page: a plain HTML form for the file, then the job's progress, the
preview of what the import would do, every problem found, and the confirmation."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.inventory.upload_state import ACTIONS, UploadState
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.native import MultipartForm, download_link
from cers_app.ui.tables import pager

ACCEPT = ".xlsx,.xls,.ods,.csv,.txt"  # .txt: Excel's "Unicode Text" (UTF-16, tabs)
MODES = (
    ("append", "Append", "Add the file's rows to the materials already in the draft."),
    (
        "replace",
        "Replace",
        "Remove every material in the draft and put the file's rows in their place.",
    ),
    (
        "merge",
        "Merge",
        "Update materials that match a row (same location and CAS number, or same location "
        "and common name); add the rest.",
    ),
)


def _inventory_href() -> rx.Var:
    return routes.FACILITY_INVENTORY + "?id=" + UploadState.facility["id"]


def _heading() -> rx.Component:
    facility = UploadState.facility
    return rx.vstack(
        page_title("Upload Inventory"),
        rx.text(
            rx.text.strong(facility["name"]),
            " · CERS ID ",
            facility["cers_id"],
            size="2",
            id="upload-facility",
        ),
        rx.link("Back to the inventory", href=_inventory_href(), id="upload-back", size="2"),
        spacing="2",
    )


def _mode(key: str, label: str, explanation: str) -> rx.Component:
    id = f"upload-mode-{key}"
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="radio",
                name="mode",
                value=key,
                default_checked=key == "append",
                class_name="cers-checkbox",
                custom_attrs={"id": id},
            ),
            rx.vstack(
                rx.text(label, weight="medium", size="2"),
                rx.text(explanation, size="1", color_scheme="gray"),
                spacing="0",
            ),
            spacing="2",
            align="start",
        ),
        html_for=id,
        class_name="cers-upload-mode",
    )


def _form() -> rx.Component:
    """The upload form; the browser posts it (with the file) to the upload route itself."""
    return card(
        rx.heading("Choose a spreadsheet", size="4", as_="h2"),
        rx.text(
            "Use the OpenCERS or CERS inventory template: the header row starts with CERSID in "
            "column A. xlsx, xls, ods or csv (also Excel's Unicode Text), at most 25 MB, any "
            "number of rows.",
            size="2",
        ),
        download_link(
            rx.icon("file_spreadsheet", size=16),
            "Download the blank template",
            href=routes.INVENTORY_TEMPLATE,
            id="upload-template",
        ),
        MultipartForm.create(
            rx.el.input(type="hidden", name="facility", value=UploadState.facility["id"]),
            rx.vstack(
                rx.el.label(
                    rx.text("Spreadsheet file", weight="medium", size="2"),
                    html_for="upload-file",
                ),
                rx.el.input(
                    type="file",
                    name="file",
                    accept=ACCEPT,
                    required=True,
                    class_name="cers-input",
                    custom_attrs={"id": "upload-file"},
                ),
                rx.el.fieldset(
                    rx.el.legend(rx.text("How to upload", weight="medium", size="2")),
                    *[_mode(*mode) for mode in MODES],
                    class_name="cers-choice cers-upload-modes",
                ),
                rx.el.label(
                    rx.hstack(
                        rx.el.input(
                            type="checkbox",
                            name="valid_rows_only",
                            value="1",
                            class_name="cers-checkbox",
                            custom_attrs={"id": "upload-valid-only"},
                        ),
                        rx.text(
                            "Import the valid rows only (rows with problems are left out)",
                            size="2",
                        ),
                        spacing="2",
                        align="start",
                    ),
                    html_for="upload-valid-only",
                ),
                rx.button("Upload and preview", type="submit", id="upload-submit", size="3"),
                spacing="3",
                width="100%",
                align="stretch",
            ),
            action=routes.INVENTORY_UPLOAD,
            method="post",
            enc_type="multipart/form-data",
            id="upload-form",
        ),
        id="upload-form-card",
    )


def _progress() -> rx.Component:
    job = UploadState.job
    return card(
        rx.heading(job["status_label"], size="4", as_="h2", id="upload-status"),
        rx.text(job["file_name"], size="2"),
        rx.el.progress(
            job["percent"] + "%",
            value=job["percent"],
            max="100",
            id="upload-progress",
            class_name="cers-progress",
            custom_attrs={"aria-label": "Upload progress"},
        ),
        rx.text(
            rx.cond(
                job["total"] != "0",
                job["done"] + " of " + job["total"] + " rows read",
                "Starting...",
            ),
            size="2",
            id="upload-progress-text",
        ),
        rx.cond(
            UploadState.stalled,
            rx.callout(
                "This is taking long. Reload the page to check again.",
                icon="clock",
                id="upload-stalled",
            ),
        ),
        id="upload-working",
    )


def _count(label: str, key: str, id: str) -> rx.Component:
    return rx.box(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(UploadState.job[key], size="5", weight="bold", id=id),
        class_name="cers-upload-count",
    )


def _counts() -> rx.Component:
    return rx.box(
        _count("Rows read", "rows", "upload-count-rows"),
        _count("To add", "added", "upload-count-add"),
        _count("To update", "updated", "upload-count-update"),
        _count("To remove", "removed", "upload-count-remove"),
        _count("Unchanged", "unchanged", "upload-count-unchanged"),
        _count("Problems", "problems", "upload-count-problems"),
        class_name="cers-upload-counts",
    )


def _marked_href() -> rx.Var:
    return (
        routes.INVENTORY_MARKED
        + "?id="
        + UploadState.facility["id"]
        + "&import="
        + UploadState.job["id"]
    )


def _problem_row(problem: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.td(problem["row"], custom_attrs={"data-label": "Row"}),
        rx.el.td(problem["column"], custom_attrs={"data-label": "Column"}),
        rx.el.td(problem["heading"], custom_attrs={"data-label": "Heading"}),
        rx.el.td(problem["message"], custom_attrs={"data-label": "Problem"}),
    )


def _problems() -> rx.Component:
    return card(
        rx.heading("Problems (", UploadState.job["problems"], ")", size="4", as_="h2"),
        rx.text(
            "Download your workbook with every problem cell highlighted and explained, fix it "
            "and upload it again.",
            size="2",
        ),
        rx.cond(
            UploadState.job["marked"] != "",
            download_link(
                rx.icon("download", size=16),
                "Download the marked workbook",
                href=_marked_href(),
                id="upload-marked",
            ),
        ),
        rx.box(
            rx.el.table(
                rx.el.thead(
                    rx.el.tr(
                        *[
                            rx.el.th(heading, scope="col")
                            for heading in ("Row", "Column", "Heading", "Problem")
                        ]
                    )
                ),
                rx.el.tbody(rx.foreach(UploadState.problems, _problem_row)),
                class_name="cers-upload-table",
                id="upload-problems",
            ),
            class_name="cers-table-wrap",
        ),
        rx.cond(
            UploadState.problems_pages > 1,
            pager(
                UploadState.problems_page,
                UploadState.problems_pages,
                UploadState.go_to_problems,
                id="upload-problems",
            ),
        ),
        id="upload-problems-card",
    )


def _preview_row(row: rx.Var) -> rx.Component:
    return rx.el.tr(
        rx.el.td(row["row"], custom_attrs={"data-label": "Row"}),
        rx.el.td(row["common_name"], custom_attrs={"data-label": "Common name"}),
        rx.el.td(row["location"], custom_attrs={"data-label": "Location"}),
        rx.el.td(row["cas"], custom_attrs={"data-label": "CAS"}),
        rx.el.td(row["amount"], custom_attrs={"data-label": "Max. daily"}),
    )


def _preview() -> rx.Component:
    tabs = rx.flex(
        *[
            rx.button(
                label,
                variant=rx.cond(UploadState.preview_action == key, "solid", "soft"),
                size="1",
                on_click=UploadState.show_action(key),
                id=f"upload-preview-show-{key}",
            )
            for key, label in ACTIONS.items()
        ],
        spacing="2",
        wrap="wrap",
    )
    table = rx.box(
        rx.el.table(
            rx.el.thead(
                rx.el.tr(
                    *[
                        rx.el.th(heading, scope="col")
                        for heading in ("Row", "Common name", "Location", "CAS", "Max. daily")
                    ]
                )
            ),
            rx.el.tbody(rx.foreach(UploadState.preview, _preview_row)),
            class_name="cers-upload-table",
            id="upload-preview",
        ),
        class_name="cers-table-wrap",
    )
    return card(
        rx.heading("Preview", size="4", as_="h2"),
        tabs,
        rx.cond(
            UploadState.preview_total > 0,
            table,
            rx.text("No rows in this list.", size="2", id="upload-preview-none"),
        ),
        rx.cond(
            UploadState.preview_pages > 1,
            pager(
                UploadState.preview_page,
                UploadState.preview_pages,
                UploadState.go_to_preview,
                id="upload-preview",
            ),
        ),
        id="upload-preview-card",
    )


def _ready() -> rx.Component:
    job = UploadState.job
    return rx.fragment(
        card(
            rx.heading("Check before importing", size="4", as_="h2"),
            rx.text(
                "Nothing has changed yet. Import puts these changes into the inventory draft "
                "in one step; Cancel leaves it as it is.",
                size="2",
            ),
            _counts(),
            rx.cond(
                job["message"] != "",
                rx.text(job["message"], size="2", color_scheme="red", id="upload-message"),
            ),
            rx.cond(
                job["valid_only"] != "",
                rx.text(
                    "Rows with problems will be left out.", size="2", id="upload-valid-only-note"
                ),
            ),
            rx.flex(
                rx.button("Import", on_click=UploadState.confirm, id="upload-confirm", size="3"),
                rx.button(
                    "Cancel",
                    variant="soft",
                    on_click=UploadState.cancel,
                    id="upload-cancel",
                    size="3",
                ),
                spacing="3",
                wrap="wrap",
            ),
            id="upload-ready",
        ),
        rx.cond(job["problems"] != "0", _problems()),
        _preview(),
    )


def _refused() -> rx.Component:
    return rx.fragment(
        rx.callout(
            rx.cond(
                UploadState.job["message"] != "",
                UploadState.job["message"],
                "Nothing was imported: the file has problems. Fix them and upload it again.",
            ),
            icon="circle_x",
            color_scheme="red",
            id="upload-refused",
        ),
        card(_counts()),
        _problems(),
    )


def _imported() -> rx.Component:
    return card(
        rx.heading("Imported", size="4", as_="h2"),
        _counts(),
        rx.text(UploadState.guidance, size="2", id="upload-guidance"),
        rx.link(
            rx.button("Go to the inventory", size="3"),
            href=_inventory_href(),
            id="upload-to-inventory",
        ),
        id="upload-imported",
    )


def _failed() -> rx.Component:
    return rx.callout.root(
        rx.callout.text(
            "The upload stopped before it finished. Nothing was imported. ",
            UploadState.job["message"],
        ),
        rx.button("Try again", on_click=UploadState.retry, id="upload-retry", variant="soft"),
        color_scheme="red",
        id="upload-failed",
    )


def _job() -> rx.Component:
    status = UploadState.job["status"]
    return rx.match(
        status,
        ("queued", _progress()),
        ("reading", _progress()),
        ("importing", _progress()),
        ("ready", _ready()),
        ("refused", _refused()),
        ("imported", _imported()),
        ("failed", _failed()),
        (
            "cancelled",
            rx.callout(
                "Upload cancelled. The inventory was not changed.",
                icon="info",
                id="upload-cancelled",
            ),
        ),
        rx.fragment(),
    )


def _body() -> rx.Component:
    status = UploadState.job["status"]
    # The form stays available unless a job is running or waiting for a decision.
    show_form = UploadState.can_upload & ~rx.Var.create(
        ["queued", "reading", "importing", "ready"]
    ).contains(status)
    return rx.fragment(
        _heading(),
        rx.cond(
            UploadState.error != "",
            rx.callout(UploadState.error, icon="circle_x", color_scheme="red", id="upload-error"),
        ),
        rx.cond(
            UploadState.reason != "",
            rx.callout(UploadState.reason, icon="eye", color_scheme="gray", id="upload-cannot"),
        ),
        _job(),
        rx.cond(show_form, _form()),
    )


def upload_page() -> rx.Component:
    return shell(rx.cond(after_load(UploadState.loaded), _body(), rx.spinner()))


PAGES = [
    PageSpec(
        routes.FACILITY_INVENTORY_UPLOAD, upload_page, "Upload Inventory", (UploadState.load,)
    ),
]
