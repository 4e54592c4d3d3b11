"""A facility's history in the Regulator Portal (/regulator/facility/history?id=), for
Reviewers and Agency Admins of an agency reaching it. The service decides who reads what."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.audit_labels import ALL
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.facilities.audit_trail import check_filter, row_view
from cers_app.regulator import audit_trail
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number


class RegulatorHistoryState(rx.State):
    loaded: bool = False
    title: str = ""
    subtitle: str = ""
    facility_url: str = ""
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    group: str = ALL
    since: str = ""
    until: str = ""
    errors: dict[str, str] = {}
    form_key: int = 0
    _facility_id: int | None = None

    async def _read(self, page: int) -> None:
        """Read one page again (raises DomainError)."""
        filters = check_filter(self.group, self.since, self.until)
        trail = await db.run_async(
            audit_trail.facility_trail, handler_actor(), self._facility_id, filters, page
        )
        self.title, self.subtitle = trail.title, trail.subtitle
        self.facility_url = routes.with_query(routes.REGULATOR_FACILITY, id=str(trail.facility_id))
        self.rows = [row_view(row) for row in trail.page.rows]
        self.total, self.page, self.pages = trail.page.total, trail.page.page, trail.page.pages

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.rows, self.errors = False, [], {}
        self.title = self.subtitle = self.facility_url = ""
        self.total, self.page, self.pages = 0, 1, 1
        self.group, self.since, self.until = ALL, "", ""
        self.form_key += 1
        self._facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            await self._read(1)
        except DomainError as exc:
            self._facility_id = None
            return [toast_for(exc), rx.redirect(routes.REGULATOR_FACILITIES)]
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def filter(self, form_data: dict[str, str]) -> Any:
        """Show the events of one kind of change and range of dates, from the first page."""
        values = form_values(form_data, "group", "since", "until")
        try:
            check_filter(values["group"], values["since"], values["until"])
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        self.group, self.since, self.until = values["group"], values["since"], values["until"]
        try:
            await self._read(1)
        except DomainError as exc:
            self.rows = []
            return toast_for(exc)
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        try:
            await self._read(page if isinstance(page, int) and page > 0 else 1)
        except DomainError as exc:
            self.rows = []
            return toast_for(exc)
        return None
