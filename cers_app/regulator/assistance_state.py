"""The agency's technical-assistance inbox (/regulator/assistance): the list, or one request
(?id=) with its status, internal note and "Forward to the system administrator"."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import assistance_inbox as inbox
from cers_app.regulator.assistance_inbox import InboxRow, RequestDetail
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

STATUS_OPTIONS = {
    inbox.ALL: "All",
    "new": "New",
    "in_progress": "In progress",
    "forwarded": "Forwarded",
    "closed": "Closed",
}


def request_url(request_id: int | str) -> str:
    return routes.with_query(routes.REGULATOR_ASSISTANCE, id=str(request_id))


def _row(row: InboxRow) -> dict[str, str]:
    return {
        "id": str(row.id),
        "url": request_url(row.id),
        "reference": row.reference,
        "agency": row.agency,
        "created_at": row.created_at,
        "name": row.name,
        "topic": row.topic,
        "subject": row.subject,
        "status": row.status,
        "status_label": row.status_label,
    }


def _detail(found: RequestDetail) -> dict[str, str]:
    return {
        "id": str(found.id),
        "reference": found.reference,
        "agency": found.agency,
        "created_at": found.created_at,
        "name": found.name,
        "email": found.email,
        "email_href": f"mailto:{found.email}",
        "phone": found.phone,
        "business_name": found.business_name,
        "cers_id": found.cers_id,
        "topic": found.topic,
        "subject": found.subject,
        "message": found.message,
        "status": found.status,
        "status_label": found.status_label,
        "agency_note": found.agency_note,
        "forwarded_at": found.forwarded_at,
        "forwarded_by": found.forwarded_by,
    }


class AssistanceInboxState(rx.State):
    loaded: bool = False
    opened: bool = False  # one request (?id=) rather than the list
    rows: list[dict[str, str]] = []
    total: int = 0
    page: int = 1
    pages: int = 1
    status: str = inbox.ALL
    new: int = 0
    request: dict[str, str] = {}
    can_act: bool = False
    form_key: int = 0
    errors: dict[str, str] = {}
    _request_id: int | None = None
    _version: int = 0

    async def _list(self, page: int) -> Any:
        try:
            found = await db.run_async(inbox.inbox_page, handler_actor(), self.status, page)
        except DomainError as exc:
            self.rows, self.total = [], 0
            return toast_for(exc)
        self.rows = [_row(row) for row in found.page.rows]
        self.total, self.page, self.pages = found.page.total, found.page.page, found.page.pages
        self.new = found.new
        return None

    async def _open(self, request_id: int) -> Any:
        try:
            found = await db.run_async(inbox.request_detail, handler_actor(), request_id)
        except DomainError as exc:
            self.request, self._request_id, self.can_act = {}, None, False
            return toast_for(exc)
        self.request, self._request_id = _detail(found), found.id
        self._version, self.can_act = found.version, found.can_act
        self.form_key += 1
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.rows, self.request, self.errors = False, [], {}, {}
        self._request_id, self.can_act, self.status = None, False, inbox.ALL
        wanted = self.router.url.query_parameters.get("id", "")
        answer = None
        self.opened = bool(wanted)
        if wanted:
            request_id = page_number(wanted)
            answer = (
                await self._open(request_id)
                if request_id is not None
                else rx.toast.error(inbox.NOT_FOUND, id="form-problem")
            )
        else:
            answer = await self._list(1)
        self.loaded = True
        return answer

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def filter_status(self, form_data: dict[str, str]) -> Any:
        wanted = form_values(form_data, "status")["status"]
        self.status = wanted if wanted in STATUS_OPTIONS else inbox.ALL
        return await self._list(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        return await self._list(page if isinstance(page, int) and page > 0 else 1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        """Set the status and the internal note of the open request."""
        if self._request_id is None:
            return rx.toast.error(inbox.NOT_FOUND, id="form-problem")
        values = form_values(form_data, "status", "note")
        try:
            await db.run_async(
                inbox.update_request,
                handler_actor(),
                self._request_id,
                status=values["status"],
                note=values["note"],
                version=self._version,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        await self._open(self._request_id)
        return rx.toast.success("Request saved.", id="assistance-saved")

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def forward(self, form_data: dict[str, str]) -> Any:
        """Forward the open request, with the note as typed, to the system administrators."""
        if self._request_id is None:
            return rx.toast.error(inbox.NOT_FOUND, id="form-problem")
        note = form_values(form_data, "note")["note"]
        try:
            count = await db.run_async(
                inbox.forward_request,
                handler_actor(),
                self._request_id,
                note=note,
                version=self._version,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        await self._open(self._request_id)
        who = "the system administrator" if count == 1 else f"{count} system administrators"
        return rx.toast.success(f"Request forwarded to {who}.", id="assistance-forwarded")


class AssistanceTileState(rx.State):
    """The count of new requests on the Regulator Portal home."""

    new_assistance: int = 0

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        try:
            self.new_assistance = await db.run_async(inbox.new_count, handler_actor())
        except DomainError as exc:
            return toast_for(exc)
        return None
