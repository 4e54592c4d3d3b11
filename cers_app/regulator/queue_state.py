"""State of the review queue page: the filters as typed, one page of rows, the pager. The
`regulator.queue` service checks every filter again."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import queue
from cers_app.regulator.links import submittal_url
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor

FILTERS = ("element", "status", "agency", "submitted_from", "submitted_to", "facility", "sort")
DEFAULTS = {"status": queue.OPEN, "sort": queue.OLDEST}


def _row(row: queue.QueueRow) -> dict[str, str]:
    return {
        "version_id": str(row.version_id),
        "url": submittal_url(row.version_id),
        "cers_id": str(row.cers_id),
        "facility": row.facility_name,
        "city": row.city,
        "element": row.element_label,
        "agency": row.agency,
        "submitted_at": row.submitted_at,
        "status": row.status_label,
        "status_code": str(row.status),
        "submitter": row.submitter,
    }


class QueueState(rx.State):
    """The review queue (/regulator/queue)."""

    loaded: bool = False
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    filters: dict[str, str] = dict(DEFAULTS)
    agencies: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    filter_key: int = 0

    async def _list(self, page: int) -> Any:
        query = queue.QueueQuery(**{**DEFAULTS, **self.filters}, page=page)
        try:
            result = await db.run_async(queue.queue_page, handler_actor(), query)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        self.rows = [_row(row) for row in result.rows]
        self.total, self.page, self.pages = result.total, result.page, result.pages
        self.agencies = [{"id": key, "name": name} for key, name in result.agencies.items()]
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.rows, self.errors = False, [], {}
        self.filters = dict(DEFAULTS)
        self.filter_key += 1
        return await self._list(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def apply_filters(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, *FILTERS)
        self.filters = {key: value.strip()[:200] for key, value in values.items()}
        return await self._list(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def clear_filters(self) -> Any:
        self.filters = dict(DEFAULTS)
        self.filter_key += 1  # the filter form is mounted again with the defaults
        return await self._list(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        return await self._list(page if isinstance(page, int) and page > 0 else 1)
