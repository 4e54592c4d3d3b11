"""Hazardous Materials Inventory pages: the paged list of materials and one material's form."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.inventory import fields, service
from cers_app.inventory.fields import FieldDef
from cers_app.inventory.rules import LEVEL_LABELS
from cers_app.inventory.state import (
    FOLDED_SECTIONS,
    HAZARD_FILTERS,
    MIN_SEARCH,
    SAVE,
    SAVE_AND_CLOSE,
    InventoryState,
    ItemFormState,
)
from cers_app.submittals.document_pages import documents_section
from cers_app.ui.forms import ERROR_COLOR
from cers_app.ui.guidance import LEVELS, guidance_icon, level_badge, level_tag
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell
from cers_app.ui.native import download_link
from cers_app.ui.notices import draft_notice
from cers_app.ui.sorting import plain_heading, sort_heading
from cers_app.ui.tables import pager

# (heading, the sort key when the service sorts by that column)
COLUMNS = (
    ("Guidance", "GuidanceLevel"),
    ("Common name", "CommonName"),
    ("Location", "ChemicalLocation"),
    ("State", "PhysicalState"),
    ("Max. daily amount", "MaximumDailyAmount"),
    ("EHS", "EHS"),
)
TEXTAREA_FROM = 200  # longer text fields get a text area
# Common Name is what people look for first; the rest follow the schema's order.
FIRST_IN_FORM = ("CommonName",)


def _item_href(facility_id: rx.Var, item_id: rx.Var | str) -> rx.Var:
    return routes.FACILITY_INVENTORY_ITEM + "?id=" + facility_id + "&item=" + item_id


def _inventory_href(facility_id: rx.Var) -> rx.Var:
    return routes.FACILITY_INVENTORY + "?id=" + facility_id


def _facility_line(facility: rx.Var, id: str) -> rx.Component:
    return rx.text(
        rx.text.strong(facility["name"]),
        " · CERS ID ",
        facility["cers_id"],
        size="2",
        id=id,
    )


# ---------------------------------------------------------------- the inventory page


def _heading() -> rx.Component:
    header = InventoryState.header
    return rx.vstack(
        page_title("Hazardous Materials Inventory"),
        rx.flex(
            _facility_line(header, "inventory-facility"),
            rx.badge(header["status"], variant="outline", id="inventory-status"),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        rx.link(
            "Back to the facility",
            href=routes.FACILITY + "?id=" + header["id"],
            id="inventory-facility-link",
            size="2",
        ),
        spacing="2",
    )


def _draft_notice() -> rx.Component:
    return draft_notice(
        editable=InventoryState.editable,
        can_edit=InventoryState.can_edit,
        not_started=InventoryState.header["status"] == "Not started",
        first_text="This facility has no inventory yet. Start a draft to add its materials.",
        again_text="The last inventory was submitted and cannot change. Start a new draft: it "
        "begins as a copy of the submitted one.",
        start=rx.button(
            "Start inventory draft",
            on_click=InventoryState.start_draft,
            id="inventory-start-draft",
        ),
        read_only_text="Your role lets you view this inventory but not change it.",
        prefix="inventory",
    )


def _summary() -> rx.Component:
    header = InventoryState.header
    return card(
        rx.flex(
            *[
                level_badge(level, InventoryState.counts[level], id=f"inventory-count-{level}")
                for level in LEVELS
            ],
            spacing="2",
            wrap="wrap",
        ),
        rx.text(
            header["rows"],
            " materials; ",
            header["flagged"],
            " with findings.",
            size="2",
            id="inventory-summary",
        ),
        rx.text(
            "Required findings must be resolved before the inventory can be submitted; "
            "warnings and advisories are for you to check.",
            size="1",
            color_scheme="gray",
        ),
        rx.cond(
            InventoryState.has_draft,
            rx.button(
                rx.icon("list_checks", size=16),
                "Validate My Inventory",
                on_click=InventoryState.validate,
                id="inventory-validate",
                width="fit-content",
            ),
        ),
        id="inventory-findings",
    )


def _spreadsheets() -> rx.Component:
    """Upload Inventory (with the upload right and a draft) and the two spreadsheet downloads:
    plain links to the HTTP routes that make the files."""
    facility_id = InventoryState.header["id"]
    return rx.flex(
        rx.cond(
            InventoryState.can_upload,
            rx.link(
                rx.button(rx.icon("upload", size=16), "Upload Inventory"),
                href=routes.FACILITY_INVENTORY_UPLOAD + "?id=" + facility_id,
                id="inventory-upload",
            ),
        ),
        download_link(
            rx.icon("download", size=16),
            "Download inventory",
            href=routes.INVENTORY_EXPORT + "?id=" + facility_id,
            id="inventory-export",
        ),
        download_link(
            rx.icon("file_spreadsheet", size=16),
            "Download template",
            href=routes.INVENTORY_TEMPLATE,
            id="inventory-template",
        ),
        spacing="2",
        wrap="wrap",
        id="inventory-spreadsheets",
    )


def _hit(hit: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.link(
            rx.flex(
                rx.text.strong(hit["name"]),
                rx.cond(hit["cas"] != "", rx.text("CAS ", hit["cas"], size="1")),
                rx.cond(hit["state"] != "", rx.badge(hit["state"], variant="soft")),
                rx.cond(hit["ehs"] != "", rx.badge(hit["ehs"], color_scheme="red")),
                rx.cond(
                    hit["matched"] != "",
                    rx.text("(also known as ", hit["matched"], ")", size="1", color_scheme="gray"),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            href=hit["url"],
            id="inventory-library-hit-" + hit["id"],
        ),
        class_name="cers-item",
    )


def _add_material() -> rx.Component:
    search = rx.vstack(
        rx.el.label(
            rx.text("Search the chemical library", weight="medium", size="2"),
            html_for="inventory-library-search",
        ),
        # Uncontrolled, with the event debounced in the browser: a controlled input would
        # bring in react-debounce-input for the same effect.
        rx.input(
            on_change=InventoryState.search_library.debounce(300),
            id="inventory-library-search",
            placeholder="Name, synonym or CAS number, such as 7727-37-9",
            width="100%",
            auto_focus=True,
            max_length=100,
            auto_complete="off",
        ),
        rx.text(
            f"Type at least {MIN_SEARCH} characters. Choose a match to add it with its "
            "library details filled in.",
            size="1",
            color_scheme="gray",
        ),
        spacing="1",
        width="100%",
    )
    return rx.cond(
        InventoryState.adding,
        card(
            rx.heading("Add Material", size="4", as_="h2"),
            search,
            rx.el.ul(rx.foreach(InventoryState.hits, _hit), class_name="cers-hits"),
            rx.cond(
                (InventoryState.hits.length() == 0)
                & (InventoryState.search_text.length() >= MIN_SEARCH),
                rx.text("No match in the library.", size="2", id="inventory-library-none"),
            ),
            rx.link(
                rx.button("Unable to find material / add new chemical", variant="soft"),
                href=_item_href(InventoryState.header["id"], "new"),
                id="inventory-add-manual",
            ),
            rx.text(
                "A material does not have to be in the library: enter it yourself.",
                size="1",
                color_scheme="gray",
            ),
            id="inventory-add-panel",
        ),
    )


def _select(name: str, id: str, options: dict[str, str], value: rx.Var, label: str):
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.el.select(
            rx.el.option("Any", value=""),
            *[rx.el.option(text, value=code) for code, text in options.items()],
            name=name,
            default_value=value,
            class_name="cers-select",
            custom_attrs={"id": id},
        ),
        spacing="1",
        width="100%",
    )


def _text_filter(name: str, id: str, label: str, placeholder: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.el.input(
            name=name,
            default_value=InventoryState.filters[name],
            placeholder=placeholder,
            max_length=100,
            class_name="cers-input",
            custom_attrs={"id": id},
        ),
        spacing="1",
        width="100%",
    )


def _location_filter() -> rx.Component:
    id = "inventory-filter-location"
    return rx.vstack(
        rx.el.label(rx.text("Location", weight="medium", size="2"), html_for=id),
        rx.el.select(
            rx.el.option("Anywhere", value=""),
            rx.foreach(InventoryState.locations, lambda place: rx.el.option(place, value=place)),
            name="location",
            default_value=InventoryState.filters["location"],
            class_name="cers-select",
            custom_attrs={"id": id},
        ),
        spacing="1",
        width="100%",
    )


def _filters() -> rx.Component:
    filters = InventoryState.filters
    form = rx.form(
        rx.vstack(
            rx.grid(
                _text_filter("text", "inventory-filter-text", "Name or CAS", "Any material"),
                _location_filter(),
                _select(
                    "hazard",
                    "inventory-filter-hazard",
                    HAZARD_FILTERS,
                    filters["hazard"],
                    "Hazard category",
                ),
                _select(
                    "ehs", "inventory-filter-ehs", {"Y": "Yes", "N": "No"}, filters["ehs"], "EHS"
                ),
                _select(
                    "level",
                    "inventory-filter-level",
                    dict(LEVEL_LABELS),
                    filters["level"],
                    "Guidance level",
                ),
                columns=rx.breakpoints(initial="1", sm="2", md="3"),
                spacing="3",
                width="100%",
            ),
            rx.flex(
                rx.button("Filter", type="submit", id="inventory-filter-apply"),
                rx.button(
                    "Clear",
                    type="button",
                    variant="soft",
                    on_click=InventoryState.clear_filters,
                    id="inventory-filter-clear",
                ),
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=InventoryState.apply_filters,
        id="inventory-filter-form",
        key=InventoryState.filter_key,
    )
    only = rx.el.label(
        rx.hstack(
            # Uncontrolled, so a click shows at once; mounted again (key) whenever the
            # state resets the filters.
            rx.checkbox(
                default_checked=InventoryState.only_findings,
                on_change=InventoryState.show_only_findings,
                id="inventory-only-findings",
                key=InventoryState.filter_key,
            ),
            rx.text("Only show materials with errors/warnings", size="2"),
            spacing="2",
            align="center",
        ),
    )
    return card(rx.heading("Find materials", size="3", as_="h2"), form, only)


def _actions(row: rx.Var) -> rx.Component:
    facility_id = InventoryState.header["id"]
    item_id = row["id"]
    name = row["common_name"]
    edit_actions = rx.fragment(
        rx.link(
            rx.button("Edit", size="1", color_scheme="green"),
            href=_item_href(facility_id, item_id),
            id="inventory-edit-" + item_id,
            aria_label="Edit " + name,
        ),
        rx.button(
            "Copy",
            size="1",
            variant="soft",
            on_click=InventoryState.copy(item_id),
            id="inventory-copy-" + item_id,
            aria_label="Copy " + name,
        ),
        rx.button(
            "Delete",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=InventoryState.ask_delete(item_id),
            id="inventory-delete-" + item_id,
            aria_label="Delete " + name,
        ),
    )
    view = rx.link(
        rx.button("View", size="1", variant="soft"),
        href=_item_href(facility_id, item_id),
        id="inventory-view-" + item_id,
        aria_label="View " + name,
    )
    return rx.box(
        rx.cond(InventoryState.editable, edit_actions, view), class_name="cers-inv-actions"
    )


def _cell(label: str, *children: rx.Component | rx.Var, **props) -> rx.Component:
    return rx.el.td(*children, custom_attrs={"data-label": label}, **props)


def _row(row: rx.Var) -> rx.Component:
    item_id = row["id"]
    name_cell = rx.vstack(
        rx.text.strong(row["common_name"]),
        rx.cond(
            (row["chemical_name"] != "") | (row["cas"] != ""),
            rx.text(
                row["chemical_name"],
                rx.cond(row["cas"] != "", " CAS " + row["cas"], ""),
                size="1",
                color_scheme="gray",
            ),
        ),
        rx.cond(
            row["message"] != "",
            rx.text(
                row["message"],
                rx.cond(row["more"] != "0", " (+" + row["more"] + " more)", ""),
                size="1",
                color=rx.cond(row["level"] == "required", ERROR_COLOR, "var(--gray-11)"),
                id="inventory-message-" + item_id,
                title=rx.cond(row["messages"] != "", row["messages"], row["message"]),
                class_name="cers-clamp",
            ),
        ),
        spacing="0",
    )
    select = rx.checkbox(
        checked=InventoryState.selected.contains(item_id),
        on_change=lambda checked: InventoryState.toggle_select(item_id, checked),
        id="inventory-select-" + item_id,
        aria_label="Select " + row["common_name"],
    )
    return rx.el.tr(
        rx.cond(InventoryState.editable, rx.el.td(select)),
        _cell(
            "Guidance",
            guidance_icon(
                row["level"],
                id="inventory-guidance-" + item_id,
                title=rx.cond(row["messages"] != "", row["messages"], row["message"]),
            ),
        ),
        _cell("Material", name_cell),
        _cell("Location", row["location"]),
        _cell("State", row["state"]),
        _cell("Max. daily", row["amount"]),
        _cell("EHS", row["ehs"]),
        _cell(
            "Reporting",
            rx.text(row["reportable"], size="1", id="inventory-reportable-" + item_id),
        ),
        rx.el.td(_actions(row)),
        id="inventory-row-" + item_id,
        custom_attrs={"data-level": row["level"]},
    )


def _table() -> rx.Component:
    headings = [
        sort_heading(
            label,
            key,
            InventoryState.sort,
            InventoryState.descending,
            InventoryState.sort_by,
            id=f"inventory-sort-{key}",
        )
        if key in service.SORTABLE
        else plain_heading(label)
        for label, key in COLUMNS
    ]
    select_page = rx.checkbox(
        checked=(InventoryState.selected.length() == InventoryState.rows.length())
        & (InventoryState.rows.length() > 0),
        on_change=InventoryState.select_page,
        id="inventory-select-page",
        aria_label="Select every material on this page",
    )
    table = rx.el.table(
        rx.el.thead(
            rx.el.tr(
                rx.cond(InventoryState.editable, rx.el.th(select_page, scope="col")),
                *headings,
                plain_heading("Reporting"),
                plain_heading("Actions"),
            )
        ),
        rx.el.tbody(rx.foreach(InventoryState.rows, _row)),
        class_name="cers-inv-table",
        id="inventory-table",
    )
    bulk = rx.cond(
        InventoryState.editable,
        rx.flex(
            rx.button(
                rx.icon("plus", size=16),
                "Add Material",
                on_click=InventoryState.toggle_add,
                id="inventory-add-material",
            ),
            rx.button(
                "Delete selected (",
                InventoryState.selected.length(),
                ")",
                variant="soft",
                color_scheme="red",
                disabled=InventoryState.selected.length() == 0,
                on_click=InventoryState.ask_delete_selected,
                id="inventory-delete-selected",
            ),
            spacing="2",
            wrap="wrap",
        ),
    )
    empty = rx.text(
        rx.cond(
            (InventoryState.filters.length() > 0) | InventoryState.only_findings,
            "No material matches these filters.",
            "No materials in this inventory yet.",
        ),
        size="2",
        id="inventory-empty",
    )
    return card(
        rx.flex(
            rx.heading("Materials (", InventoryState.total, ")", size="4", as_="h2"),
            bulk,
            justify="between",
            align="center",
            wrap="wrap",
            spacing="3",
        ),
        _add_material(),
        rx.cond(InventoryState.total > 0, table, empty),
        rx.cond(
            InventoryState.pages > 1,
            pager(
                InventoryState.page,
                InventoryState.pages,
                InventoryState.go_to_page,
                id="inventory-page",
            ),
        ),
        id="inventory-materials",
    )


def _delete_dialog() -> rx.Component:
    count = InventoryState.confirming.length()
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete materials"),
            rx.alert_dialog.description(
                rx.cond(
                    count == 1,
                    "Delete this material from the inventory draft?",
                    "Delete the " + count.to_string() + " selected materials from the draft?",
                ),
                " This cannot be undone.",
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(
                        "Cancel",
                        variant="soft",
                        on_click=InventoryState.cancel_delete,
                        id="inventory-delete-cancel",
                    )
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete",
                        color_scheme="red",
                        on_click=InventoryState.confirm_delete,
                        id="inventory-delete-confirm",
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            id="inventory-delete-dialog",
            on_escape_key_down=InventoryState.cancel_delete,
        ),
        open=count > 0,
    )


def inventory_page() -> rx.Component:
    ready = after_load(InventoryState.loaded)
    body = rx.fragment(
        _heading(),
        _draft_notice(),
        _summary(),
        _spreadsheets(),
        _filters(),
        _table(),
        documents_section(service.HMI, reload_key=InventoryState.header["status"]),
        _delete_dialog(),
    )
    return shell(rx.cond(ready, body, rx.spinner()))


# ---------------------------------------------------------------- one material's form


def _error_text(tag: str) -> rx.Component:
    errors = ItemFormState.errors
    return rx.cond(
        errors.contains(tag),
        rx.text(errors[tag], id=f"item-{tag}-error", size="1", color=ERROR_COLOR, role="alert"),
    )


def _label(field: FieldDef, html_for: str) -> rx.Component:
    text = f"{field.number} {field.label}" + (" *" if field.required else "")
    return rx.el.label(rx.text(text, weight="medium", size="2"), html_for=html_for)


def _help(field: FieldDef) -> rx.Component:
    return rx.text(field.help, size="1", color_scheme="gray")


def _invalid(tag: str) -> rx.Var:
    return rx.cond(ItemFormState.errors.contains(tag), "true", "false")


def _control(field: FieldDef) -> rx.Component:
    """The input of one text, number or code field (ids as plain attributes: see
    ui.forms.checkbox_field; with an `id` prop the form would also send each control's ref)."""
    id = f"item-{field.tag}"
    common = {
        "name": field.tag,
        "disabled": ItemFormState.read_only,
        "custom_attrs": {"id": id, "aria-invalid": _invalid(field.tag)},
    }
    value = ItemFormState.values[field.tag]
    if field.kind == fields.CODE:
        return rx.el.select(
            rx.el.option("Choose...", value=""),
            *[rx.el.option(f"{label}", value=code) for code, label in field.codes],
            default_value=value,
            class_name="cers-select",
            **common,
        )
    if field.kind == fields.TEXT and (field.max_length or 0) > TEXTAREA_FROM:
        return rx.el.textarea(
            default_value=value,
            max_length=field.max_length,
            rows=2 if (field.max_length or 0) <= 500 else 4,
            class_name="cers-input",
            **common,
        )
    if field.kind in (fields.DECIMAL, fields.INTEGER):
        return rx.el.input(
            type="text",
            default_value=value,
            input_mode="numeric" if field.kind == fields.INTEGER else "decimal",
            max_length=40,
            auto_complete="off",
            class_name="cers-input",
            **common,
        )
    return rx.el.input(
        type="text",
        default_value=value,
        max_length=field.max_length,
        auto_complete="off",
        class_name="cers-input",
        **common,
    )


def _yes_no(field: FieldDef) -> rx.Component:
    def radio(code: str, label: str) -> rx.Component:
        id = f"item-{field.tag}-{code}"
        return rx.el.label(
            rx.hstack(
                rx.el.input(
                    type="radio",
                    name=field.tag,
                    value=code,
                    default_checked=ItemFormState.values[field.tag] == code,
                    disabled=ItemFormState.read_only,
                    class_name="cers-checkbox",
                    custom_attrs={"id": id},
                ),
                rx.text(label, size="2"),
                spacing="2",
                align="center",
            ),
            html_for=id,
        )

    return rx.el.fieldset(
        rx.el.legend(
            rx.text(
                f"{field.number} {field.label}" + (" *" if field.required else ""),
                weight="medium",
                size="2",
            )
        ),
        rx.hstack(*[radio(code, label) for code, label in field.codes], spacing="5"),
        _help(field),
        _error_text(field.tag),
        id=f"item-{field.tag}",
        class_name=rx.cond(
            ItemFormState.errors.contains(field.tag), "cers-choice cers-flag-invalid", "cers-choice"
        ),
        custom_attrs={"aria-invalid": _invalid(field.tag)},
    )


def _flag(field: FieldDef) -> rx.Component:
    id = f"item-{field.tag}"
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="checkbox",
                name=field.tag,
                value="Y",
                default_checked=ItemFormState.values[field.tag] == "Y",
                disabled=ItemFormState.read_only,
                class_name="cers-checkbox",
                custom_attrs={"id": id, "aria-invalid": _invalid(field.tag)},
            ),
            rx.text(field.label, size="2"),
            spacing="2",
            align="start",
        ),
        html_for=id,
        title=field.help,
        class_name=rx.cond(ItemFormState.errors.contains(field.tag), "cers-flag-invalid", ""),
    )


def _field(field: FieldDef) -> rx.Component:
    if field.kind == fields.YESNO:
        return _yes_no(field)
    return rx.vstack(
        _label(field, f"item-{field.tag}"),
        _control(field),
        _help(field),
        _error_text(field.tag),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _section(key: str, heading: str) -> rx.Component:
    in_form = sorted(fields.fields_in(key), key=lambda f: f.tag not in FIRST_IN_FORM)
    flags = [f for f in in_form if f.kind == fields.FLAG]
    others = [f for f in in_form if f.kind != fields.FLAG]
    parts: list[rx.Component] = []
    if flags:
        parts.append(rx.box(*[_flag(f) for f in flags], class_name="cers-flags"))
    if others:
        parts.append(
            rx.grid(
                *[_field(f) for f in others],
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            )
        )
    content = rx.vstack(
        rx.cond(
            ItemFormState.section_errors.contains(key),
            rx.callout(
                ItemFormState.section_errors[key],
                icon="circle_alert",
                color_scheme="red",
                size="1",
                id=f"item-section-{key}-error",
                role="alert",
            ),
        ),
        *parts,
        spacing="3",
        width="100%",
    )
    title = rx.heading(heading, size="3", as_="h3")
    if key in FOLDED_SECTIONS:
        # Sections most materials leave empty start folded, unless they hold something.
        body = rx.el.details(
            rx.el.summary(title, custom_attrs={"id": f"item-section-{key}-toggle"}),
            content,
            open=ItemFormState.open_sections.contains(key),
            class_name="cers-fold",
        )
    else:
        body = rx.fragment(rx.el.legend(title), content)
    return rx.el.fieldset(
        body,
        id=f"item-section-{key}",
        class_name=rx.cond(
            ItemFormState.bad_sections.contains(key), "cers-item cers-invalid", "cers-item"
        ),
        custom_attrs={
            "data-invalid": rx.cond(ItemFormState.bad_sections.contains(key), "true", "false")
        },
    )


def _finding(row: rx.Var, index: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.flex(
            level_tag(row["level"]),
            rx.text(row["message"], size="2"),
            rx.cond(
                row["fields"] != "",
                rx.text("Fields: ", row["fields"], size="1", color_scheme="gray"),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
        id="item-finding-" + index.to_string(),
        custom_attrs={"data-level": row["level"], "data-code": row["code"]},
    )


def _findings() -> rx.Component:
    return card(
        rx.heading("Guidance", size="3", as_="h2"),
        rx.cond(
            ItemFormState.findings.length() > 0,
            rx.el.ul(rx.foreach(ItemFormState.findings, _finding), id="item-findings"),
            rx.text(
                rx.icon("circle_check", size=16, color="var(--green-10)"),
                " No problems found in this material.",
                size="2",
                id="item-no-findings",
            ),
        ),
        rx.cond(
            ItemFormState.threshold != "",
            rx.text(ItemFormState.threshold, size="2", id="item-threshold"),
        ),
        id="item-guidance",
    )


def _buttons() -> rx.Component:
    back = _inventory_href(ItemFormState.facility["id"])
    return rx.flex(
        rx.link(rx.button("Cancel", type="button", variant="soft"), href=back, id="item-cancel"),
        rx.button(
            "Save and close",
            type="submit",
            variant="soft",
            on_click=ItemFormState.intend(SAVE_AND_CLOSE),
            id="item-save-close",
        ),
        rx.button("Save", type="submit", on_click=ItemFormState.intend(SAVE), id="item-save"),
        spacing="3",
        wrap="wrap",
        justify="end",
        width="100%",
    )


def _item_form() -> rx.Component:
    return rx.form(
        # Pressing Enter in a field clicks the form's first submit button: make it Save.
        rx.el.button(
            "Save",
            type="submit",
            tab_index=-1,
            aria_hidden="true",
            on_click=ItemFormState.intend(SAVE),
            class_name="cers-default-submit",
        ),
        rx.vstack(
            *[_section(key, heading) for key, heading in fields.SECTIONS],
            rx.cond(ItemFormState.read_only, rx.fragment(), _buttons()),
            spacing="4",
            width="100%",
        ),
        on_submit=ItemFormState.save,
        id="item-form",
        key=ItemFormState.form_key,
        no_validate=True,
    )


def _item_heading() -> rx.Component:
    facility = ItemFormState.facility
    name = ItemFormState.values["CommonName"]
    return rx.vstack(
        page_title(
            rx.cond(ItemFormState.is_new, "Add Material", rx.cond(name != "", name, "Material"))
        ),
        _facility_line(facility, "item-facility"),
        rx.link(
            "Back to the inventory",
            href=_inventory_href(facility["id"]),
            id="item-back",
            size="2",
        ),
        spacing="2",
    )


def item_page() -> rx.Component:
    ready = after_load(ItemFormState.loaded)
    body = rx.fragment(
        _item_heading(),
        rx.cond(
            ItemFormState.read_only,
            rx.callout(
                ItemFormState.read_only_reason, icon="eye", color_scheme="gray", id="item-read-only"
            ),
        ),
        rx.cond(
            ItemFormState.conflict != "",
            rx.callout.root(
                rx.callout.text(ItemFormState.conflict),
                rx.button(
                    "Show the saved material (discards your changes)",
                    variant="soft",
                    on_click=ItemFormState.reload,
                    id="item-reload",
                    style={"whiteSpace": "normal", "height": "auto"},
                ),
                color_scheme="red",
                id="item-conflict",
            ),
        ),
        _findings(),
        rx.text("Fields marked * are required.", size="2"),
        _item_form(),
    )
    return shell(rx.cond(ready, body, rx.spinner()))


PAGES = [
    PageSpec(
        routes.FACILITY_INVENTORY,
        inventory_page,
        "Hazardous Materials Inventory",
        (InventoryState.load,),
    ),
    PageSpec(routes.FACILITY_INVENTORY_ITEM, item_page, "Material", (ItemFormState.load,)),
]
