"""Business Portal home: the selected business and what the signed-in user may do there."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.accounts import service as account_service
from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, current_actor, requires
from cers_app.organizations import service as org_service
from cers_app.organizations.roles import OrgAction
from cers_app.ui.feedback import toast_for
from cers_app.ui.session import SessionState


class BusinessHomeState(rx.State):
    first_name: str = ""
    last_sign_in: str = ""
    recent_emails: list[dict[str, str]] = []
    loaded: bool = False
    has_business: bool = False
    business: dict[str, str] = {}
    can_manage_people: bool = False
    can_edit_organization: bool = False
    business_count: int = 0

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        actor = current_actor()
        assert actor is not None
        try:
            profile = await db.run_async(account_service.get_profile, actor)
            emails = await db.run_async(account_service.list_emails, actor, 1, 5)
            current = await db.run_async(org_service.current_organization, actor)
            mine = await db.run_async(org_service.list_my_organizations, actor)
        except DomainError as exc:
            return toast_for(exc)
        self.first_name = profile.first_name
        self.last_sign_in = profile.last_sign_in
        self.recent_emails = [
            {"id": str(row.id), "sent": row.sent, "subject": row.subject} for row in emails.rows
        ]
        self.business_count = len(mine)
        self.has_business = current is not None
        self.business = (
            {
                "name": current.name,
                "code": str(current.code),
                "headquarters": current.headquarters,
                "role": current.role_label,
            }
            if current
            else {}
        )
        actions = current.actions if current else frozenset()
        self.can_manage_people = OrgAction.MANAGE_PEOPLE.value in actions
        self.can_edit_organization = OrgAction.EDIT_ORGANIZATION.value in actions
        self.loaded = True
        # The header read the session before this load selected the user's only business.
        header = await self.get_state(SessionState)
        header.organization_name = current.name if current else ""
        if current is None and mine:
            # Several businesses and none chosen yet: Select Business first.
            return rx.redirect(routes.MY_BUSINESSES)
        return None
