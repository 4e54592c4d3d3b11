"""System administration: agencies and accounts."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.accounts import service as account_service
from cers_app.agencies import service as agency_service
from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.paging import clamp
from cers_app.core.permissions import Permission, current_actor, requires
from cers_app.ui.feedback import toast_for


class AdminState(rx.State):
    agencies: list[dict[str, str]] = []
    accounts: list[dict[str, str]] = []
    query: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0

    async def _accounts(self, page: Any) -> Any:
        actor = current_actor()
        assert actor is not None
        number, size = clamp(page, 25)
        try:
            result = await db.run_async(
                account_service.list_accounts, actor, self.query, number, size
            )
        except DomainError as exc:
            return toast_for(exc)
        self.accounts = [
            {
                "username": row.username,
                "name": row.name,
                "email": row.email,
                "status": row.status,
                "created": row.created,
                "last_sign_in": row.last_sign_in or "never",
                "admin": "yes" if row.system_admin else "",
            }
            for row in result.rows
        ]
        self.page, self.pages, self.total = result.page, result.pages, result.total
        return None

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def load(self) -> Any:
        rows = await db.run_async(agency_service.list_agencies)
        self.agencies = [
            {
                "code": str(row.code),
                "name": row.name,
                "kind": row.kind,
                "county": row.county,
                "staff": str(row.staff),
            }
            for row in rows
        ]
        self.query = ""
        return await self._accounts(1)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def search(self, form_data: dict[str, str]) -> Any:
        self.query = str(form_data.get("query", ""))[:100]
        return await self._accounts(1)

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        return await self._accounts(page)
