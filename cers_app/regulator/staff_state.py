"""Staff and roles page state: thin handlers over `staff_admin`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import staff_admin
from cers_app.regulator.staff_admin import StaffRow
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

STATUS_LABELS = {"active": "", "pending": "Account not set up yet", "disabled": "Account disabled"}


def staff_view(row: StaffRow) -> dict[str, str]:
    return {
        "id": str(row.member_id),
        "agency": row.agency,
        "name": row.name,
        "username": row.username,
        "email": row.email,
        "role": row.role,
        "role_label": row.role_label,
        "active": "yes" if row.active else "",
        "account": STATUS_LABELS.get(row.account_status, row.account_status),
        "is_self": "yes" if row.is_self else "",
    }


class StaffState(rx.State):
    rows: list[dict[str, str]] = []
    agencies: list[dict[str, str]] = []  # [{"id", "name"}] the agencies the admin manages
    errors: dict[str, str] = {}
    invite_key: int = 0  # bumped to clear the invite form after a success
    loaded: bool = False

    async def _refresh(self) -> Any:
        actor = handler_actor()
        try:
            rows = await db.run_async(staff_admin.staff_rows, actor)
            agencies = await db.run_async(staff_admin.admin_agencies, actor)
        except DomainError as exc:
            self.rows, self.agencies, self.loaded = [], [], False
            return toast_for(exc)
        self.rows = [staff_view(row) for row in rows]
        self.agencies = [{"id": str(a.id), "name": a.name} for a in agencies]
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.errors = {}
        return await self._refresh()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def invite(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "agency", "email", "role", "first_name", "last_name")
        agency = values["agency"] or (self.agencies[0]["id"] if len(self.agencies) == 1 else "")
        try:
            said = await db.run_async(
                staff_admin.invite_member,
                handler_actor(),
                agency_id=page_number(agency),
                email=values["email"][:254],
                role=values["role"],
                first_name=values["first_name"][:60],
                last_name=values["last_name"][:60],
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        self.invite_key += 1
        refreshed = await self._refresh()
        return [rx.toast.success(said, id="staff-done"), *([refreshed] if refreshed else [])]

    async def _act(self, work: Callable[..., Any], *args: Any, done: Callable[[Any], str]) -> Any:
        try:
            result = await db.run_async(work, handler_actor(), *args)
        except DomainError as exc:
            refreshed = await self._refresh()
            return [toast_for(exc), *([refreshed] if refreshed else [])]
        refreshed = await self._refresh()
        message = done(result)
        return [rx.toast.success(message, id="staff-done"), *([refreshed] if refreshed else [])]

    def _who(self, member_id: str) -> str:
        row = next((r for r in self.rows if r["id"] == str(member_id)), {})
        return row.get("name", "The member")

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def change_role(self, member_id: str, role: str) -> Any:
        who = self._who(member_id)
        return await self._act(
            staff_admin.change_role,
            page_number(member_id),
            str(role)[:20],
            done=lambda label: f"{who} is now {label}.",
        )

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def deactivate(self, member_id: str) -> Any:
        who = self._who(member_id)
        return await self._act(
            staff_admin.set_active,
            page_number(member_id),
            False,
            done=lambda _: f"{who} no longer has a role in the agency.",
        )

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def reactivate(self, member_id: str) -> Any:
        who = self._who(member_id)
        return await self._act(
            staff_admin.set_active,
            page_number(member_id),
            True,
            done=lambda _: f"{who} has their role in the agency again.",
        )
