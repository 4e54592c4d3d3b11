"""Business Portal home: what the signed-in business user sees first."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.accounts import service as account_service
from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, current_actor, requires
from cers_app.ui.feedback import toast_for


class BusinessHomeState(rx.State):
    first_name: str = ""
    last_sign_in: str = ""
    recent_emails: list[dict[str, str]] = []
    loaded: bool = False

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        actor = current_actor()
        assert actor is not None
        try:
            profile = await db.run_async(account_service.get_profile, actor)
            emails = await db.run_async(account_service.list_emails, actor, 1, 5)
        except DomainError as exc:
            return toast_for(exc)
        self.first_name = profile.first_name
        self.last_sign_in = profile.last_sign_in
        self.recent_emails = [
            {"id": str(row.id), "sent": row.sent, "subject": row.subject} for row in emails.rows
        ]
        self.loaded = True
        return None
