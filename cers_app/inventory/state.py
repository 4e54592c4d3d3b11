"""State of the Hazardous Materials Inventory pages: the paged list and one material's form.

Handlers turn events into calls of `inventory.service` (and the chemical library's search) and
their results into small text rows: only the page of rows on screen is ever in state. Every id
arrives as text, is parsed here and is re-scoped by the service that receives it; the
facility's and the item's ids live in backend vars.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

import reflex as rx

from cers_app.chemicals import service as chemicals
from cers_app.core import db, routes
from cers_app.core.codes import DRAFT
from cers_app.core.errors import Conflict, DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.inventory import fields, service
from cers_app.inventory.codes import PHYSICAL_STATES
from cers_app.inventory.rules import LEVEL_LABELS
from cers_app.inventory.service import InventoryHeader, ItemForm, ItemQuery, ItemRow
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor, page_number

PAGE_SIZE = 25
MIN_SEARCH = 2  # characters typed before the library is searched
MAX_HITS = 20
MAX_LOCATIONS = 200
FILTERS = ("text", "location", "hazard", "ehs", "level")
SAVE, SAVE_AND_CLOSE = "save", "close"
# Form sections most materials leave empty: shown folded unless they hold a value or a problem.
FOLDED_SECTIONS = ("fire_code", "legacy_hazards", "components", "waste", "other")
STATE_LABELS = dict(PHYSICAL_STATES)
# Hazard categories a user may filter on: the GHS physical and health ones, then the legacy five.
_HAZARD_GROUPS = {"physical_hazards": "Physical", "health_hazards": "Health"}
_LEGACY_TAGS = tuple(tag for tag in fields.HAZARD_TAGS if tag not in fields.GHS_HAZARD_TAGS)
HAZARD_FILTERS = {
    tag: _HAZARD_GROUPS.get(fields.FIELD_BY_TAG[tag].section, "Before 2017")
    + ": "
    + fields.FIELD_BY_TAG[tag].label
    for tag in (*fields.GHS_HAZARD_TAGS, *_LEGACY_TAGS)
}
EMPTY_COUNTS = dict.fromkeys(LEVEL_LABELS, 0)
SECTION_HEADINGS = dict(fields.SECTIONS)


def inventory_url(facility_id: int | str) -> str:
    return routes.with_query(routes.FACILITY_INVENTORY, id=str(facility_id))


def item_url(facility_id: int | str, item: int | str = "new", chemical: int | None = None) -> str:
    query = {"id": str(facility_id), "item": str(item)}
    if chemical is not None:
        query["chemical"] = str(chemical)
    return routes.with_query(routes.FACILITY_INVENTORY_ITEM, **query)


def _header_view(header: InventoryHeader) -> dict[str, str]:
    return {
        "id": str(header.facility_id),
        "cers_id": str(header.cers_id),
        "name": header.facility_name,
        "status": header.status_label or "Not started",
        "rows": str(header.row_count),
        "flagged": str(header.rows_with_findings),
    }


def _row_view(row: ItemRow) -> dict[str, str]:
    return {
        "id": str(row.id),
        "common_name": row.common_name,
        "chemical_name": row.chemical_name,
        "cas": row.cas,
        "location": row.location,
        "state": row.physical_state,
        "amount": row.amount,
        "ehs": "Yes" if row.ehs else "No",
        "level": row.worst_level,
        "message": row.messages[0] if row.messages else "",
        "more": str(max(0, len(row.messages) - 1)),
        "messages": " ".join(row.messages) if len(row.messages) > 1 else "",  # all, as a tip
        "reportable": row.reportable,
    }


class InventoryState(rx.State):
    """The inventory page (/facilities/inventory?id=): header, findings, filters, one page."""

    loaded: bool = False
    header: dict[str, str] = {}
    editable: bool = False  # a draft exists and the role may change it
    can_edit: bool = False  # the role may edit drafts
    has_draft: bool = False
    can_upload: bool = False  # a draft exists and the role may upload spreadsheets to it
    counts: dict[str, int] = dict(EMPTY_COUNTS)
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    sort: str = "CommonName"
    descending: bool = False
    filters: dict[str, str] = {}
    locations: list[str] = []  # the inventory's locations, for the location filter
    only_findings: bool = False
    filter_key: int = 0
    selected: list[str] = []
    confirming: list[str] = []  # the rows a delete waits to be confirmed for
    adding: bool = False
    search_text: str = ""
    hits: list[dict[str, str]] = []
    _facility_id: int = 0

    async def _read_locations(self) -> None:
        try:
            found = await db.run_async(service.locations, handler_actor(), self._facility_id)
        except DomainError:
            found = []  # the list itself says why when it is refused too
        self.locations = found[:MAX_LOCATIONS]

    def _show_header(self, header: InventoryHeader) -> None:
        self.header = _header_view(header)
        self.editable, self.can_edit = header.editable, header.can_edit
        self.has_draft = header.version_id is not None and header.status == DRAFT
        self.can_upload = header.can_upload and self.has_draft
        self.counts = {**EMPTY_COUNTS, **header.counts}
        self._facility_id = header.facility_id
        self.loaded = True

    def _query(self, page: int) -> ItemQuery:
        return ItemQuery(
            page=page,
            page_size=PAGE_SIZE,
            sort=self.sort,
            descending=self.descending,
            only_findings=self.only_findings,
            **{key: self.filters.get(key, "") for key in FILTERS},
        )

    async def _list(self, page: int) -> Any:
        """Read one page of rows as the sort and filters say (a page past the end shows the
        last one, as after deleting its rows); refusals keep the page shown."""
        try:
            result = await db.run_async(
                service.list_items, handler_actor(), self._facility_id, self._query(max(1, page))
            )
        except DomainError as exc:
            return toast_for(exc)
        self.rows = [_row_view(row) for row in result.rows]
        self.page, self.pages, self.total = result.page, result.pages, result.total
        shown = {row["id"] for row in self.rows}
        self.selected = [item for item in self.selected if item in shown]
        return None

    async def _refresh(self) -> Any:
        """The header and the page shown, read again after a change."""
        try:
            header = await db.run_async(service.inventory, handler_actor(), self._facility_id)
        except DomainError as exc:
            return toast_for(exc)
        self._show_header(header)
        await self._read_locations()
        return await self._list(self.page)

    def _forget(self) -> None:
        self.loaded, self.header, self.rows, self.selected, self.confirming = False, {}, [], [], []
        self.editable = self.can_edit = self.has_draft = self.adding = self.can_upload = False
        self.counts, self.page, self.pages, self.total = dict(EMPTY_COUNTS), 1, 1, 0
        self.sort, self.descending = "CommonName", False
        self.filters, self.only_findings = {}, False
        self.search_text, self.hits, self.locations, self._facility_id = "", [], [], 0
        self.filter_key += 1

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self._forget()
        facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            header = await db.run_async(service.inventory, handler_actor(), facility_id)
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self._show_header(header)
        await self._read_locations()
        return await self._list(1)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def start_draft(self) -> Any:
        try:
            header = await db.run_async(service.start_draft, handler_actor(), self._facility_id)
        except DomainError as exc:
            return toast_for(exc)
        self._show_header(header)
        await self._list(1)
        return rx.toast.success("The inventory draft is ready to edit.", id="inventory-saved")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def validate(self) -> Any:
        """Validate My Inventory: every row's findings computed again, then counted."""
        try:
            header = await db.run_async(
                service.validate_inventory, handler_actor(), self._facility_id
            )
        except DomainError as exc:
            return toast_for(exc)
        self._show_header(header)
        problem = await self._list(self.page)
        if problem is not None:
            return problem
        if not header.rows_with_findings:
            return rx.toast.success("No problems found in this inventory.", id="inventory-valid")
        counts = ", ".join(
            f"{header.counts.get(level, 0)} {label.lower()}"
            for level, label in LEVEL_LABELS.items()
        )
        return rx.toast.warning(
            f"{header.rows_with_findings} of {header.row_count} materials need attention "
            f"({counts}).",
            id="inventory-valid",
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        return await self._list(page if isinstance(page, int) else 1)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def sort_by(self, column: str) -> Any:
        if column not in service.SORTABLE:
            return None
        self.descending = not self.descending if column == self.sort else False
        self.sort = column
        return await self._list(1)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def apply_filters(self, form_data: dict[str, str]) -> Any:
        filters = {key: str(form_data.get(key, "")).strip()[:100] for key in FILTERS}
        if filters["hazard"] not in HAZARD_FILTERS:
            filters["hazard"] = ""
        if filters["ehs"] not in ("Y", "N"):
            filters["ehs"] = ""
        if filters["level"] not in LEVEL_LABELS:
            filters["level"] = ""
        if filters["location"] not in self.locations:
            filters["location"] = ""
        self.filters = {key: value for key, value in filters.items() if value}
        return await self._list(1)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def clear_filters(self) -> Any:
        self.filters, self.only_findings = {}, False
        self.filter_key += 1  # the filter form is mounted again, empty
        return await self._list(1)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def show_only_findings(self, checked: bool) -> Any:
        """ "Only show materials with errors/warnings"."""
        self.only_findings = checked is True
        return await self._list(1)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def toggle_select(self, item_id: str, checked: bool) -> None:
        shown = {row["id"] for row in self.rows}
        if item_id not in shown:
            return
        rest = [item for item in self.selected if item != item_id]
        self.selected = [*rest, item_id] if checked is True else rest

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def select_page(self, checked: bool) -> None:
        self.selected = [row["id"] for row in self.rows] if checked is True else []

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_delete(self, item_id: str) -> None:
        """Delete one row: the confirmation dialog asks first."""
        if any(row["id"] == item_id for row in self.rows):
            self.confirming = [item_id]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_delete_selected(self) -> Any:
        if not self.selected:
            return rx.toast.info("Tick the materials to delete first.", id="form-problem")
        self.confirming = list(self.selected)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def cancel_delete(self) -> None:
        self.confirming = []

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def confirm_delete(self) -> Any:
        ids = [number for item in self.confirming if (number := page_number(item)) is not None]
        self.confirming = []
        if not ids:
            return None
        try:
            deleted = await db.run_async(
                service.delete_items, handler_actor(), self._facility_id, ids
            )
        except DomainError as exc:
            return toast_for(exc)
        self.selected = [item for item in self.selected if page_number(item) not in ids]
        problem = await self._refresh()
        if problem is not None:
            return problem
        noun = "material" if deleted == 1 else "materials"
        return rx.toast.success(f"{deleted} {noun} deleted.", id="inventory-saved")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def copy(self, item_id: str) -> Any:
        """Copy a row (for the same material in another location) and open the copy."""
        try:
            new_id = await db.run_async(
                service.copy_item, handler_actor(), self._facility_id, page_number(item_id)
            )
        except DomainError as exc:
            return toast_for(exc)
        return [
            rx.toast.success(
                "Copied. Change what differs, such as the location, and save.",
                id="inventory-saved",
            ),
            rx.redirect(item_url(self._facility_id, new_id)),
        ]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def toggle_add(self) -> None:
        """Show or hide Add Material (the library search)."""
        self.adding = not self.adding
        self.search_text, self.hits = "", []

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def search_library(self, text: str) -> None:
        """Type-ahead search of the chemical library by name, synonym or CAS number."""
        self.search_text = text[:100]
        wanted = self.search_text.strip()
        if len(wanted) < MIN_SEARCH or not self.editable:
            self.hits = []
            return
        hits = await db.run_async(chemicals.search, wanted, MAX_HITS)
        self.hits = [
            {
                "id": str(hit.id),
                "name": hit.name,
                "cas": hit.cas,
                "matched": hit.matched,
                "ehs": "EHS" if hit.ehs else "",
                "state": STATE_LABELS.get(hit.physical_state, ""),
                "url": item_url(self._facility_id, chemical=hit.id),
            }
            for hit in hits
        ]


def _finding_views(form: ItemForm) -> list[dict[str, str]]:
    return [
        {
            "code": finding.code,
            "level": finding.level,
            "message": finding.message,
            "fields": _field_names(finding.fields),
        }
        for finding in form.findings
    ]


def _field_names(tags: tuple[str, ...]) -> str:
    """The fields of a finding as the form labels them; a group of check boxes by its box."""
    known = [fields.FIELD_BY_TAG[tag] for tag in tags if tag in fields.FIELD_BY_TAG]
    sections = {field.section for field in known}
    if len(known) > 2 and len(sections) == 1 and all(f.kind == fields.FLAG for f in known):
        return SECTION_HEADINGS[sections.pop()]
    return ", ".join(field.label for field in known)


def _field_messages(form: ItemForm) -> tuple[dict[str, str], dict[str, str]]:
    """What each field at fault shows beside it, and each group of check boxes above it.

    A finding about check boxes (no storage container ticked, no hazard category) names every
    box of its group: its message is shown once, on the group, and the boxes turn red.
    """
    by_field: dict[str, list[str]] = {}
    by_section: dict[str, list[str]] = {}
    for finding in form.findings:
        for tag in finding.fields:
            field = fields.FIELD_BY_TAG.get(tag)
            if field is None:
                continue
            if field.kind == fields.FLAG:
                by_field.setdefault(tag, [])
                messages = by_section.setdefault(field.section, [])
            else:
                messages = by_field.setdefault(tag, [])
            if finding.message not in messages:
                messages.append(finding.message)
    return (
        {tag: " ".join(messages) for tag, messages in by_field.items()},
        {section: " ".join(messages) for section, messages in by_section.items()},
    )


def _unfolded(*groups: Iterable[str]) -> list[str]:
    """The folded sections named in any of `groups`."""
    return sorted({key for group in groups for key in group if key in FOLDED_SECTIONS})


def _filled_sections(values: dict[str, str]) -> set[str]:
    """The folded sections where the material has a value (a No says nothing yet)."""
    return {
        field.section
        for field in fields.FIELDS
        if field.section in FOLDED_SECTIONS and values.get(field.tag, "") not in ("", "N")
    }


def _typed(form_data: dict[str, str]) -> dict[str, str]:
    """Every field of the form as typed; an unticked box is No."""
    values = {}
    for field in fields.FIELDS:
        value = str(form_data.get(field.tag, ""))
        values[field.tag] = ("Y" if value == "Y" else "N") if field.kind == fields.FLAG else value
    return values


class ItemFormState(rx.State):
    """One material (/facilities/inventory/item?id=<facility>&item=<id or new>[&chemical=])."""

    loaded: bool = False
    facility: dict[str, str] = {}  # id, cers_id, name: the form's heading
    is_new: bool = True
    read_only: bool = True
    read_only_reason: str = ""
    values: dict[str, str] = {}
    errors: dict[str, str] = {}  # field tag -> message (findings and refused input)
    section_errors: dict[str, str] = {}  # section key -> message (groups of check boxes)
    bad_sections: list[str] = []
    open_sections: list[str] = []  # folded sections shown open
    findings: list[dict[str, str]] = []
    threshold: str = ""
    conflict: str = ""
    form_key: int = 0
    _facility_id: int = 0
    _item_id: int = 0  # 0 until a new material is saved
    _version: int = 0
    _chemical_id: int = 0  # the library entry a new material was started from
    _intent: str = ""
    _idempotency_key: str = ""

    def _show(self, form: ItemForm) -> None:
        """The form as saved (mounted again with its values), its findings marked."""
        self.values = {field.tag: form.values.get(field.tag, "") for field in fields.FIELDS}
        self._item_id, self._version = form.id or 0, form.version or 0
        self._chemical_id = form.chemical_id or 0
        self.is_new = form.id is None
        self.findings = _finding_views(form)
        self.threshold = form.threshold
        by_field, by_section = _field_messages(form)
        self._mark(by_field, by_section)
        self.open_sections = _unfolded(self.bad_sections, _filled_sections(self.values))
        self.conflict = ""
        self.form_key += 1
        self.loaded = True

    def _mark(self, by_field: dict[str, str], by_section: dict[str, str]) -> None:
        self.errors, self.section_errors = by_field, by_section
        sections = set(by_section)
        sections |= {fields.FIELD_BY_TAG[t].section for t in by_field if t in fields.FIELD_BY_TAG}
        self.bad_sections = sorted(sections)

    def _forget(self) -> None:
        self.loaded, self.facility, self.values, self.findings = False, {}, {}, []
        self.errors, self.section_errors, self.bad_sections, self.open_sections = {}, {}, [], []
        self.is_new, self.read_only, self.read_only_reason = True, True, ""
        self.threshold, self.conflict, self._intent = "", "", ""
        self._facility_id = self._item_id = self._version = self._chemical_id = 0
        self._idempotency_key = secrets.token_urlsafe(16)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self._forget()
        query = self.router.url.query_parameters
        facility_id = page_number(query.get("id", ""))
        item = str(query.get("item", "new"))
        actor = handler_actor()
        try:
            header = await db.run_async(service.inventory, actor, facility_id)
            if item == "new":
                if not header.editable:
                    return [
                        rx.toast.error(_why_read_only(header), id="form-problem"),
                        rx.redirect(inventory_url(header.facility_id)),
                    ]
                chemical = page_number(query.get("chemical", ""))
                form = await db.run_async(service.blank_item, actor, facility_id, chemical)
            else:
                form = await db.run_async(service.get_item, actor, facility_id, page_number(item))
        except DomainError as exc:
            back = inventory_url(facility_id) if facility_id else routes.BUSINESS_HOME
            return [toast_for(exc), rx.redirect(back)]
        self._facility_id = header.facility_id
        self.facility = _header_view(header)
        self.read_only = not form.editable
        self.read_only_reason = "" if form.editable else _why_read_only(header)
        self._show(form)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def intend(self, intent: str) -> None:
        """Which submit button was clicked; the form's own submit event follows."""
        self._intent = intent if intent in (SAVE, SAVE_AND_CLOSE) else ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        intent, self._intent = self._intent or SAVE, ""
        if not self.loaded or self.read_only:
            return rx.toast.error(self.read_only_reason or "Nothing to save.", id="form-problem")
        typed = _typed(form_data)
        try:
            form, problems = await db.run_async(
                service.save_item,
                handler_actor(),
                self._facility_id,
                self._item_id or None,
                typed,
                self._version or None,
                idempotency_key=None if self._item_id else self._idempotency_key,
                chemical_id=None if self._item_id else (self._chemical_id or None),
            )
        except Conflict as exc:
            self.values, self.conflict = typed, exc.message  # nothing typed is lost
            return rx.toast.error(exc.message, id="form-problem")
        except DomainError as exc:
            self.values = typed
            return toast_for(exc)
        if problems:
            # Nothing was saved: the form stays as typed, the refused fields marked.
            self.values = typed
            self._mark(problems, {})
            self.open_sections = _unfolded(self.bad_sections, self.open_sections)
            return rx.toast.error(
                "Not saved: please correct the highlighted fields.", id="form-problem"
            )
        was_new = self.is_new
        self._show(form)
        if intent == SAVE_AND_CLOSE:
            return [
                rx.toast.success(_saved_message(form), id="item-saved"),
                rx.redirect(inventory_url(self._facility_id)),
            ]
        events: list[Any] = [rx.toast.success(_saved_message(form), id="item-saved")]
        if was_new:
            # The address names the saved material, so a refresh shows it rather than a blank.
            events.append(rx.redirect(item_url(self._facility_id, self._item_id)))
        return events

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def reload(self) -> Any:
        """After a conflict: show the material as saved by the other person."""
        if not self._item_id:
            return None
        try:
            form = await db.run_async(
                service.get_item, handler_actor(), self._facility_id, self._item_id
            )
        except DomainError as exc:
            return toast_for(exc)
        self._show(form)
        return rx.toast.info("Showing the material as it is saved now.", id="item-saved")


def _why_read_only(header: InventoryHeader) -> str:
    if not header.can_edit:
        return "Your role lets you view this inventory but not change it."
    if header.version_id is None:
        return "This facility has no inventory draft yet. Start one on the inventory page."
    if header.status != DRAFT:
        return "This inventory has been submitted. Start a new inventory draft to change it."
    return "This inventory cannot be changed now."


def _saved_message(form: ItemForm) -> str:
    name = form.values.get("CommonName", "") or "The material"
    if not form.findings:
        return f"{name} saved. No problems found."
    count = len(form.findings)
    return f"{name} saved with {count} finding{'s' if count != 1 else ''} left to look at."
