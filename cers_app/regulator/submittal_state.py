"""State of the regulator's view of one submitted element (/regulator/submittal?id=version).

The version id from the page goes to `submittal_view`, which re-scopes it on every call; the
state keeps only view rows, the inventory's current page and, in a backend var, the id the
services last accepted. A refused id leaves nothing but the refusal in the state.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.paging import clamp
from cers_app.core.permissions import Permission, requires
from cers_app.inventory.listing import ItemPage, ItemQuery
from cers_app.regulator import submittal_view
from cers_app.regulator.links import facility_url, submittal_url
from cers_app.regulator.submittal_view import HistoryRow, SubmittedElement
from cers_app.submittals.change_parts import change_rows, change_summary
from cers_app.submittals.change_view import ChangeView
from cers_app.submittals.document_views import size_label
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor, page_number

PAGE_SIZE = 25
SEARCH_MAX = 200


def _head(view: SubmittedElement) -> dict[str, str]:
    return {
        "version_id": str(view.version_id),
        "facility": view.facility_name,
        "cers_id": str(view.cers_id),
        "address": view.address,
        "business": view.business_name,
        "element": view.element_label,
        "agency": view.agency_name,
        "status": view.status_label,
        "submitted_at": view.submitted_at,
        "submitted_by": view.submitted_by,
        "submitter_email": view.submitter_email,
        "certifier": ", ".join(p for p in (view.certifier_name, view.certifier_title) if p),
        "comments": view.comments,
        "review_comments": view.review_comments,
        "facility_url": facility_url(view.facility_id),
        "has_forms": "yes" if view.forms else "",
        "has_inventory": "yes" if view.inventory_rows is not None else "",
        "inventory_rows": str(view.inventory_rows or 0),
    }


def _form_lines(view: SubmittedElement) -> list[dict[str, str]]:
    lines: list[dict[str, str]] = []
    for section in view.forms:
        lines.append({"kind": "heading", "label": section.title, "value": ""})
        lines += [
            {"kind": "field", "label": line.label, "value": line.value or "(blank)"}
            for line in section.fields
        ]
    return lines


def _document_lines(view: SubmittedElement) -> list[dict[str, str]]:
    """Each slot, followed by its uploaded files (one flat list, for a phone-wide column)."""
    lines: list[dict[str, str]] = []
    for slot in view.documents:
        lines.append(
            {
                "kind": "slot",
                "id": str(slot.code),
                "label": slot.label + (" (required)" if slot.required else ""),
                "source": slot.source_label,
                "detail": slot.detail,
                "href": "",
            }
        )
        lines += [
            {
                "kind": "file",
                "id": str(f.id),
                "label": f.title or f.name,
                "source": f"{f.name}, {f.kind_label}, {size_label(f.size)}",
                "detail": "",
                "href": routes.with_query(
                    routes.REGULATOR_DOCUMENT_FILE, id=str(view.facility_id), file=str(f.id)
                ),
            }
            for f in slot.files
        ]
    return lines


def _item_row(row: Any) -> dict[str, str]:
    return {
        "id": str(row.id),
        "name": row.common_name or row.chemical_name or "(no name)",
        "cas": row.cas,
        "location": row.location,
        "state": row.physical_state,
        "amount": row.amount,
        "ehs": "Yes" if row.ehs else "No",
    }


def _history(rows: list[HistoryRow], shown: int) -> list[dict[str, str]]:
    return [
        {
            "id": str(row.version_id),
            "submitted_at": row.submitted_at,
            "status": row.status,
            "href": submittal_url(row.version_id),
            "current": "yes" if row.version_id == shown else "",
        }
        for row in rows
    ]


class SubmittalViewState(rx.State):
    """One submitted element version, read-only, for its regulator."""

    loaded: bool = False
    missing: str = ""  # why nothing is shown (not found in the agency's jurisdiction)
    head: dict[str, str] = {}
    others: list[dict[str, str]] = []
    form_lines: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []
    items: list[dict[str, str]] = []
    item_page: int = 1
    item_pages: int = 1
    item_total: int = 0
    item_text: str = ""
    change_head: dict[str, str] = {}
    change_reasons: list[str] = []
    change_forms: list[dict[str, str]] = []
    change_rows: list[dict[str, str]] = []
    change_documents: list[dict[str, str]] = []
    history: list[dict[str, str]] = []
    _version_id: int | None = None

    def _forget(self) -> None:
        self.loaded, self.missing, self.head, self.others = False, "", {}, []
        self.form_lines, self.documents, self.items, self.history = [], [], [], []
        self.item_page, self.item_pages, self.item_total, self.item_text = 1, 1, 0, ""
        self.change_head, self.change_reasons = {}, []
        self.change_forms, self.change_rows, self.change_documents = [], [], []
        self._version_id = None

    def _show_changes(self, view: ChangeView) -> None:
        self.change_head = {
            "level": view.changes.level_label,
            "summary": change_summary(view.changes),
            "compared": view.compared_with or "nothing: this is the element's first submittal",
            "first": "yes" if view.changes.first else "",
        }
        self.change_reasons = list(view.changes.reasons)
        self.change_forms, self.change_rows, self.change_documents = change_rows(view.changes)

    def _show_items(self, found: ItemPage) -> None:
        self.items = [_item_row(row) for row in found.rows]
        self.item_page, self.item_pages, self.item_total = found.page, found.pages, found.total

    async def _list(self, page: int) -> Any:
        query = ItemQuery(page=page, page_size=PAGE_SIZE, text=self.item_text)
        try:
            found = await db.run_async(
                submittal_view.inventory_page, handler_actor(), self._version_id, query
            )
        except DomainError as exc:
            return toast_for(exc)
        self._show_items(found)
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self._forget()
        version_id = page_number(self.router.url.query_parameters.get("id", ""))
        actor = handler_actor()
        try:
            view = await db.run_async(submittal_view.submitted_element, actor, version_id)
            changes = await db.run_async(submittal_view.changes, actor, version_id)
            history = await db.run_async(
                submittal_view.element_versions, actor, view.facility_id, view.element
            )
        except DomainError as exc:
            self._forget()
            self.missing, self.loaded = exc.message, True
            return toast_for(exc)
        self._version_id = view.version_id
        self.head = _head(view)
        self.others = [
            {"id": str(o.version_id), "label": o.label, "status": o.status,
             "href": submittal_url(o.version_id)}
            for o in view.others
        ]  # fmt: skip
        self.form_lines = _form_lines(view)
        self.documents = _document_lines(view)
        self._show_changes(changes)
        self.history = _history(history, view.version_id)
        self.loaded = True
        if view.inventory_rows is not None:
            return await self._list(1)
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def item_go(self, page: int) -> Any:
        """Show another page of the inventory."""
        if not self.head.get("has_inventory"):
            return None
        wanted, _ = clamp(page, PAGE_SIZE)
        return await self._list(wanted)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def item_search(self, form_data: dict[str, str]) -> Any:
        """Filter the inventory by name, CAS number or location, from the first page."""
        if not self.head.get("has_inventory"):
            return None
        self.item_text = str(form_data.get("text", "")).strip()[:SEARCH_MAX]
        return await self._list(1)
