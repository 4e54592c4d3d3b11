"""Regulator Portal home: the agencies the signed-in regulator works for."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.agencies import service as agency_service
from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, current_actor, requires
from cers_app.ui.feedback import toast_for


class RegulatorHomeState(rx.State):
    memberships: list[dict[str, str]] = []
    loaded: bool = False

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        actor = current_actor()
        assert actor is not None
        try:
            rows = await db.run_async(agency_service.memberships, actor.user_id)
        except DomainError as exc:
            return toast_for(exc)
        self.memberships = [
            {"agency": row.agency_name, "code": str(row.agency_code), "role": row.role_label}
            for row in rows
        ]
        self.loaded = True
        return None
