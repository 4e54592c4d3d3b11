"""State of the Emergency Responder's pages: the facility search and one facility (?id=).

Read-only: every handler reads through `regulator.responder`, which re-scopes each id with
the RESPOND right. The state keeps small text rows and one page of the inventory; the id of
the inventory version the service last accepted lives in a backend var.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.paging import clamp
from cers_app.core.permissions import Permission, requires
from cers_app.inventory.listing import ItemQuery
from cers_app.regulator import responder
from cers_app.regulator.responder import ResponderFacility, ResponderItemPage
from cers_app.submittals.document_views import size_label
from cers_app.ui.feedback import field_errors, toast_for
from cers_app.ui.handlers import handler_actor, page_number

PAGE_SIZE = 25
SEARCH_MAX = 200


def facility_link(facility_id: int) -> str:
    return routes.with_query(routes.RESPONDER_FACILITY, id=str(facility_id))


def _head(view: ResponderFacility) -> dict[str, str]:
    return {
        "id": str(view.id),
        "name": view.name,
        "cers_id": str(view.cers_id),
        "address": view.address,
        "county": view.county,
        "business": view.business,
        "contacts_from": view.contacts_from,
        "has_inventory": "yes" if view.inventory_version_id is not None else "",
        "inventory_status": view.inventory_status,
        "inventory_submitted": view.inventory_submitted,
        "inventory_rows": str(view.inventory_rows),
    }


def _item(row: Any) -> dict[str, str]:
    return {
        "id": str(row.id),
        "name": row.name,
        "cas": row.cas,
        "location": row.location or "(no location)",
        "confidential": "yes" if row.confidential else "",
        "hazards": row.hazards or "None reported",
        "amount": row.amount,
        "state": row.physical_state,
        "ehs": "EHS" if row.ehs else "",
    }


class ResponderSearchState(rx.State):
    """The responder's facility search: one text box, a page of rows."""

    loaded: bool = False
    query: str = ""
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    errors: dict[str, str] = {}

    async def _run(self, page: int) -> Any:
        try:
            found = await db.run_async(
                responder.search, handler_actor(), self.query, *clamp(page, PAGE_SIZE)
            )
        except DomainError as exc:
            self.errors, self.rows, self.total = field_errors(exc), [], 0
            self.loaded = True
            return toast_for(exc)
        self.errors = {}
        self.rows = [
            {
                "id": str(row.facility_id),
                "cers_id": str(row.cers_id),
                "name": row.name,
                "address": row.address,
                "business": row.business,
                "url": facility_link(row.facility_id),
            }
            for row in found.rows
        ]
        self.page, self.pages, self.total = found.page, found.pages, found.total
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded = False
        return await self._run(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def search(self, form_data: dict[str, str]) -> Any:
        self.query = str(form_data.get("query", ""))
        return await self._run(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        return await self._run(page)


class ResponderFacilityState(rx.State):
    """One facility, read-only, for its Emergency Responder (?id=)."""

    loaded: bool = False
    missing: str = ""  # why nothing is shown (not found in the agency's reach)
    head: dict[str, str] = {}
    contacts: list[dict[str, str]] = []
    site_maps: list[dict[str, str]] = []
    items: list[dict[str, str]] = []
    item_page: int = 1
    item_pages: int = 1
    item_total: int = 0
    item_text: str = ""
    _version_id: int | None = None

    def _forget(self) -> None:
        self.loaded, self.missing, self.head = False, "", {}
        self.contacts, self.site_maps, self.items = [], [], []
        self.item_page, self.item_pages, self.item_total, self.item_text = 1, 1, 0, ""
        self._version_id = None

    def _show_items(self, found: ResponderItemPage) -> None:
        self.items = [_item(row) for row in found.rows]
        self.item_page, self.item_pages, self.item_total = found.page, found.pages, found.total

    async def _list(self, page: int) -> Any:
        if self._version_id is None:
            return None
        query = ItemQuery(page=page, page_size=PAGE_SIZE, text=self.item_text)
        try:
            found = await db.run_async(
                responder.inventory_page, handler_actor(), self._version_id, query
            )
        except DomainError as exc:
            return toast_for(exc)
        self._show_items(found)
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self._forget()
        facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            view = await db.run_async(responder.facility_view, handler_actor(), facility_id)
        except DomainError as exc:
            self._forget()
            self.missing, self.loaded = exc.message, True
            return toast_for(exc)
        self.head = _head(view)
        self.contacts = [
            {"role": c.role, "name": c.name or "(no name given)", "phones": c.phones}
            for c in view.contacts
        ]
        self.site_maps = [
            {
                "id": str(f.id),
                "label": f.title or f.name,
                "detail": f"{f.name}, {f.kind_label}, {size_label(f.size)}",
                "href": routes.with_query(
                    routes.REGULATOR_DOCUMENT_FILE, id=str(view.id), file=str(f.id)
                ),
            }
            for f in view.site_maps
        ]
        self._version_id = view.inventory_version_id
        self.loaded = True
        return await self._list(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def item_go(self, page: int) -> Any:
        """Show another page of the inventory."""
        wanted, _ = clamp(page, PAGE_SIZE)
        return await self._list(wanted)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def item_search(self, form_data: dict[str, str]) -> Any:
        """Filter the inventory by name, CAS number or location, from the first page."""
        self.item_text = str(form_data.get("text", "")).strip()[:SEARCH_MAX]
        return await self._list(1)
