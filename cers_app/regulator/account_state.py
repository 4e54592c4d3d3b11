"""Account administration pages' state: one shared behaviour, two pages.

`AccountAdminMixin` holds the rows and the work; the Agency Admin's page
(`RegulatorAccountsState`, Regulator Portal) and the system administrator's
(`AdminAccountsState`, SYSTEM_ADMIN) only differ in the permission their handlers carry. The
service decides whose accounts each actor may touch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import account_admin
from cers_app.regulator.account_admin import AdminAccountRow
from cers_app.ui.feedback import form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

STATUS_LABELS = {"active": "Active", "pending": "Not activated", "disabled": "Disabled"}


def account_view(row: AdminAccountRow) -> dict[str, str]:
    """An account as the pages show it (text only; flags are "yes" or "")."""
    return {
        "id": str(row.id),
        "username": row.username,
        "name": row.name,
        "email": row.email,
        "status": row.status,
        "status_label": STATUS_LABELS.get(row.status, row.status),
        "last_sign_in": row.last_sign_in or "never",
        "roles": row.roles or ("System administrator" if row.system_admin else ""),
        "locked": "yes" if row.locked else "",
        "sessions": str(row.live_sessions),
        "disabled": "yes" if row.status == "disabled" else "",
        "is_self": "yes" if row.is_self else "",
    }


class AccountAdminMixin(rx.State, mixin=True):
    rows: list[dict[str, str]] = []
    query: str = ""
    loaded: bool = False

    async def _refresh(self) -> Any:
        try:
            found = await db.run_async(account_admin.account_rows, handler_actor(), self.query)
        except DomainError as exc:
            self.rows, self.loaded = [], False
            return toast_for(exc)
        self.rows = [account_view(row) for row in found]
        self.loaded = True
        return None

    async def _load(self) -> Any:
        self.query = ""
        return await self._refresh()

    async def _search(self, form_data: dict[str, str]) -> Any:
        self.query = form_values(form_data, "query")["query"][:100]
        return await self._refresh()

    async def _act(
        self, work: Callable[..., Any], user_id: object, done: Callable[[str, Any], str]
    ) -> Any:
        row = next((r for r in self.rows if r["id"] == str(user_id)), {})
        try:
            result = await db.run_async(work, handler_actor(), page_number(user_id))
        except DomainError as exc:
            refreshed = await self._refresh()
            return [toast_for(exc), *([refreshed] if refreshed else [])]
        refreshed = await self._refresh()
        message = done(row.get("username", "The account"), result)
        return [rx.toast.success(message, id="account-done"), *([refreshed] if refreshed else [])]

    async def _disable(self, user_id: str) -> Any:
        return await self._act(
            account_admin.disable_account,
            user_id,
            lambda who, _: f"{who} is disabled and was signed out everywhere.",
        )

    async def _enable(self, user_id: str) -> Any:
        return await self._act(
            account_admin.enable_account, user_id, lambda who, _: f"{who} is enabled again."
        )

    async def _unlock(self, user_id: str) -> Any:
        return await self._act(
            account_admin.unlock_account,
            user_id,
            lambda who, _: f"{who} can try signing in again now.",
        )

    async def _end_sessions(self, user_id: str) -> Any:
        return await self._act(
            account_admin.end_sessions,
            user_id,
            lambda who, n: f"{who}: {n} session{'' if n == 1 else 's'} ended.",
        )


class RegulatorAccountsState(AccountAdminMixin, rx.State):
    """The Agency Admin's page: their agency's staff."""

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        return await self._load()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def search(self, form_data: dict[str, str]) -> Any:
        return await self._search(form_data)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def disable(self, user_id: str) -> Any:
        return await self._disable(user_id)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def enable(self, user_id: str) -> Any:
        return await self._enable(user_id)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def unlock(self, user_id: str) -> Any:
        return await self._unlock(user_id)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def end_sessions(self, user_id: str) -> Any:
        return await self._end_sessions(user_id)


class AdminAccountsState(AccountAdminMixin, rx.State):
    """The system administrator's page: every account."""

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def load(self) -> Any:
        return await self._load()

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def search(self, form_data: dict[str, str]) -> Any:
        return await self._search(form_data)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def disable(self, user_id: str) -> Any:
        return await self._disable(user_id)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def enable(self, user_id: str) -> Any:
        return await self._enable(user_id)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def unlock(self, user_id: str) -> Any:
        return await self._unlock(user_id)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def end_sessions(self, user_id: str) -> Any:
        return await self._end_sessions(user_id)
