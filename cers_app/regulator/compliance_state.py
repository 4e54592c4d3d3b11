"""State of the Regulator Portal's compliance overview: the counts, a bar per element, and the
paged list of the element slots behind the count that was opened."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.paging import clamp
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import compliance
from cers_app.regulator.compliance import CATEGORIES
from cers_app.regulator.links import facility_url
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor, page_number

PAGE_SIZE = 25
# The chart stacks these, in this order, within each element's applicable slots.
STACKED = ("accepted", "awaiting_review", "not_accepted", "never_submitted")


def _percent(part: int, whole: int) -> str:
    return f"{(100 * part / whole) if whole else 0:.1f}%"


class RegulatorComplianceState(rx.State):
    loaded: bool = False
    today: str = ""
    applicable: int = 0
    totals: dict[str, str] = {}
    elements: list[dict[str, str]] = []  # counts and bar widths per element
    agencies: list[dict[str, str]] = []
    agency: str = ""  # "" = all of the actor's agencies
    category: str = ""  # the opened count
    category_label: str = ""
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    total: int = 0

    def _agency_id(self) -> int | None:
        return page_number(self.agency) if self.agency else None

    async def _overview(self) -> None:
        view = await db.run_async(
            compliance.compliance_overview, handler_actor(), agency_id=self._agency_id()
        )
        self.today, self.applicable = view.today, view.applicable
        self.totals = {key: str(value) for key, value in view.totals.items()}
        self.agencies = [{"id": str(i), "name": name} for i, name in view.agencies]
        self.elements = [
            {
                "element": str(e.element),
                "code": e.code,
                "label": e.label,
                "applicable": str(e.applicable),
                **{key: str(value) for key, value in e.counts.items()},
                **{f"{key}_width": _percent(e.counts[key], e.applicable) for key in STACKED},
            }
            for e in view.elements
        ]
        self.loaded = True

    async def _list(self, page: int) -> None:
        found = await db.run_async(
            compliance.compliance_list,
            handler_actor(),
            self.category,
            agency_id=self._agency_id(),
            page=clamp(page, PAGE_SIZE)[0],
            page_size=PAGE_SIZE,
        )
        self.rows = [
            {
                "key": f"{row.facility_id}-{row.element}",
                "facility_id": str(row.facility_id),
                "cers_id": str(row.cers_id),
                "name": row.name,
                "element": row.element,
                "next_due": row.next_due,
                "status": row.status,
                "url": facility_url(row.facility_id),
            }
            for row in found.rows
        ]
        self.page, self.pages, self.total = found.page, found.pages, found.total

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.agency, self.category, self.rows = False, "", "", []
        try:
            await self._overview()
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.REGULATOR_HOME)]
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def choose_agency(self, agency: str) -> Any:
        """Narrow the overview to one of the actor's agencies ("" for all of them)."""
        previous = self.agency
        self.agency = agency if agency in {a["id"] for a in self.agencies} else ""
        try:
            await self._overview()
            if self.category:
                await self._list(1)
        except DomainError as exc:
            self.agency = previous
            return toast_for(exc)
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def open_count(self, category: str) -> Any:
        """List the element slots behind one count."""
        if category not in CATEGORIES:
            return None
        self.category, self.category_label = category, CATEGORIES[category]
        try:
            await self._list(1)
        except DomainError as exc:
            return toast_for(exc)
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        if not self.category:
            return None
        try:
            await self._list(page)
        except DomainError as exc:
            return toast_for(exc)
        return None
