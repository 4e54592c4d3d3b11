"""The business's history pages: one facility's (/facilities/history?id=) and the whole
business's (/business/history), for its Lead User. The service decides who reads what."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.audit_labels import ALL
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.facilities import audit_trail
from cers_app.facilities.audit_trail import Trail, check_filter, row_view
from cers_app.organizations import service as organizations
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number


class BusinessHistoryState(rx.State):
    loaded: bool = False
    whole_business: bool = False
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
    _organization_id: int | None = None

    def _forget(self, whole_business: bool) -> None:
        self.loaded, self.whole_business, self.rows, self.errors = False, whole_business, [], {}
        self.title = self.subtitle = self.facility_url = ""
        self.total, self.page, self.pages = 0, 1, 1
        self.group, self.since, self.until = ALL, "", ""
        self._facility_id = self._organization_id = None
        self.form_key += 1

    def _show(self, trail: Trail) -> None:
        self.title, self.subtitle = trail.title, trail.subtitle
        self.rows = [row_view(row) for row in trail.page.rows]
        self.total, self.page, self.pages = trail.page.total, trail.page.page, trail.page.pages
        if trail.facility_id is not None:
            self.facility_url = routes.with_query(routes.FACILITY, id=str(trail.facility_id))

    async def _read(self, page: int) -> None:
        """Read one page again (raises DomainError)."""
        filters = check_filter(self.group, self.since, self.until)
        actor = handler_actor()
        if self.whole_business:
            trail = await db.run_async(
                audit_trail.organization_trail, actor, self._organization_id, filters, page
            )
        else:
            trail = await db.run_async(
                audit_trail.facility_trail, actor, self._facility_id, filters, page
            )
        self._show(trail)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load_facility(self) -> Any:
        self._forget(whole_business=False)
        self._facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            await self._read(1)
        except DomainError as exc:
            self._facility_id = None
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self.loaded = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load_business(self) -> Any:
        self._forget(whole_business=True)
        actor = handler_actor()
        try:
            if actor.organization_id is not None:
                self._organization_id = actor.organization_id
            else:  # someone with exactly one business gets it selected, as on Home
                current = await db.run_async(organizations.current_organization, actor)
                self._organization_id = current.id if current else None
            await self._read(1)
        except DomainError as exc:
            self._organization_id = None
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self.loaded = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
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

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        try:
            await self._read(page if isinstance(page, int) and page > 0 else 1)
        except DomainError as exc:
            self.rows = []
            return toast_for(exc)
        return None
