"""Site notices page state: one behaviour, two pages (an Agency Admin's in the Regulator Portal,
the system administrator's); they differ only in the permission their handlers carry."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.agencies import site_notices
from cers_app.agencies.site_notices import NoticeInput, NoticeRow
from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

FIELDS = ("message", "level", "starts_date", "starts_time", "ends_date", "ends_time")
WHEN_LABELS = {"upcoming": "Upcoming", "showing": "Showing now", "past": "Ended"}
EMPTY = {name: "" for name in FIELDS} | {"level": "info"}


def notice_view(row: NoticeRow) -> dict[str, str]:
    return {
        "id": str(row.id),
        "message": row.message,
        "level": row.level,
        "level_label": "Warning" if row.level == "warning" else "Information",
        "starts": row.starts,
        "ends": row.ends,
        "when": row.when,
        "when_label": WHEN_LABELS.get(row.when, row.when),
        "agency": row.agency or "All of OpenCERS (system administrator)",
        "version": str(row.version),
        "starts_date": row.starts_date,
        "starts_time": row.starts_time,
        "ends_date": row.ends_date,
        "ends_time": row.ends_time,
    }


class NoticesMixin(rx.State, mixin=True):
    rows: list[dict[str, str]] = []
    form: dict[str, str] = dict(EMPTY)
    editing: str = ""  # the notice's id, "" for a new one
    form_key: int = 0  # bumped to redraw the form with `form`'s values
    errors: dict[str, str] = {}
    loaded: bool = False
    _version: int = 0

    async def _refresh(self) -> Any:
        try:
            rows = await db.run_async(site_notices.notice_rows, handler_actor())
        except DomainError as exc:
            self.rows, self.loaded = [], False
            return toast_for(exc)
        self.rows = [notice_view(row) for row in rows]
        self.loaded = True
        return None

    def _blank(self) -> None:
        self.form, self.editing, self.errors, self._version = dict(EMPTY), "", {}, 0
        self.form_key += 1

    async def _load(self) -> Any:
        self._blank()
        return await self._refresh()

    def _edit(self, notice_id: str) -> Any:
        row = next((r for r in self.rows if r["id"] == str(notice_id)), None)
        if row is None:
            return rx.toast.error("That notice is no longer listed.", id="form-problem")
        self.form = {name: row[name] for name in FIELDS}
        self.editing, self.errors, self._version = row["id"], {}, int(row["version"])
        self.form_key += 1
        return None

    async def _save(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, *FIELDS)
        values = {name: value[:600] for name, value in values.items()}
        try:
            await db.run_async(
                site_notices.save_notice,
                handler_actor(),
                NoticeInput(**values),
                notice_id=page_number(self.editing) if self.editing else None,
                version=self._version,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            self.form = values  # the form keeps what was typed
            refreshed = await self._refresh() if not self.errors else None
            return [toast_for(exc), *([refreshed] if refreshed else [])]
        self._blank()
        refreshed = await self._refresh()
        return [
            rx.toast.success("The notice was saved.", id="notice-done"),
            *([refreshed] if refreshed else []),
        ]

    async def _remove(self, notice_id: str) -> Any:
        try:
            await db.run_async(site_notices.remove_notice, handler_actor(), page_number(notice_id))
        except DomainError as exc:
            refreshed = await self._refresh()
            return [toast_for(exc), *([refreshed] if refreshed else [])]
        if self.editing == str(notice_id):
            self._blank()
        refreshed = await self._refresh()
        return [
            rx.toast.success("The notice was removed.", id="notice-done"),
            *([refreshed] if refreshed else []),
        ]


class RegulatorNoticesState(NoticesMixin, rx.State):
    """An Agency Admin's notices."""

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        return await self._load()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def edit(self, notice_id: str) -> Any:
        return self._edit(notice_id)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def new(self) -> None:
        self._blank()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        return await self._save(form_data)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def remove(self, notice_id: str) -> Any:
        return await self._remove(notice_id)


class AdminNoticesState(NoticesMixin, rx.State):
    """The system administrator's notices (every notice)."""

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def load(self) -> Any:
        return await self._load()

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    def edit(self, notice_id: str) -> Any:
        return self._edit(notice_id)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    def new(self) -> None:
        self._blank()

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        return await self._save(form_data)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def remove(self, notice_id: str) -> Any:
        return await self._remove(notice_id)
