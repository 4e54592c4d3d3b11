"""Regulator Portal home: the agencies the signed-in regulator works for and what waits."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.regulator.dashboard import dashboard
from cers_app.regulator.scope import Right
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor


class RegulatorHomeState(rx.State):
    memberships: list[dict[str, str]] = []
    submitted: int = 0
    under_review: int = 0
    pending_requests: int = 0
    can_view: bool = False
    can_decide: bool = False
    can_admin: bool = False
    loaded: bool = False

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        try:
            view = await db.run_async(dashboard, handler_actor())
        except DomainError as exc:
            return toast_for(exc)
        if Right.RESPOND in view.rights and Right.VIEW not in view.rights:
            # An Emergency Responder has only the read-only responder view.
            return rx.redirect(routes.RESPONDER_HOME)
        self.memberships = [
            {"agency": row.agency_name, "code": str(row.agency_code), "role": row.role_label}
            for row in view.memberships
        ]
        self.submitted, self.under_review = view.submitted, view.under_review
        self.pending_requests = view.pending_requests
        self.can_view = Right.VIEW in view.rights
        self.can_decide = Right.REQUESTS in view.rights
        self.can_admin = Right.ADMIN in view.rights
        self.loaded = True
        return None
