"""Business Portal home: the selected business and what the signed-in user may do there."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.accounts import service as account_service
from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, current_actor, requires
from cers_app.facilities import service as facility_service
from cers_app.facilities import wizard
from cers_app.organizations import service as org_service
from cers_app.organizations.roles import ACTION_LABELS, OrgAction
from cers_app.submittals import action_required
from cers_app.submittals.action_required import ActionItem
from cers_app.ui.feedback import toast_for
from cers_app.ui.session import SessionState


def _refusal(business: str, role: str) -> str:
    return (
        f"Your role in {business} ({role}) does not allow you to "
        f"{ACTION_LABELS[OrgAction.ADD_FACILITY]}: ask one of its Lead Users or Approvers."
    )


def _action_url(item: ActionItem) -> str:
    if item.kind == action_required.REQUESTS:
        return routes.BUSINESS_REQUESTS
    if item.kind == action_required.CHANGE:
        return routes.with_query(routes.FACILITY_SUBMIT, id=str(item.facility_id))
    return routes.with_query(routes.FACILITY, id=str(item.facility_id))


def action_rows(items: list[ActionItem]) -> list[dict[str, str]]:
    """Action Required items as rows with stable ids (`action-item-<kind>-<facility>`, and
    the element or a count where a facility has several of a kind)."""
    rows = []
    seen: dict[str, int] = {}
    for item in items:
        key = f"action-item-{item.kind}"
        if item.facility_id:
            key += f"-{item.facility_id}"
        if item.kind == action_required.NOT_ACCEPTED_KIND:
            key += f"-{item.element}"
        elif item.kind == action_required.CHANGE:
            seen[key] = seen.get(key, 0) + 1
            key += f"-{seen[key]}"
        rows.append(
            {
                "id": key,
                "kind": item.kind,
                "facility": item.facility,
                "text": item.text,
                "detail": item.detail,
                "overdue": "yes" if item.overdue else "",
                "url": _action_url(item),
            }
        )
    return rows


class BusinessHomeState(rx.State):
    first_name: str = ""
    last_sign_in: str = ""
    recent_emails: list[dict[str, str]] = []
    loaded: bool = False
    has_business: bool = False
    business: dict[str, str] = {}
    can_manage_people: bool = False
    can_edit_organization: bool = False
    can_read_history: bool = False
    business_count: int = 0
    facilities: list[dict[str, str]] = []
    can_add_facility: bool = False
    add_facility_refusal: str = ""
    wizards: list[dict[str, str]] = []  # unfinished Add Facility wizards, to resume
    actions: list[dict[str, str]] = []  # Action Required
    _started_wizard: int = 0  # the wizard Add Facility started in this page view

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
            facilities = (
                await db.run_async(facility_service.list_facilities, actor, current.id)
                if current
                else []
            )
            unfinished = await db.run_async(wizard.unfinished, actor)
            actions = (
                await db.run_async(action_required.action_required, actor, current.id)
                if current
                else []
            )
        except DomainError as exc:
            return toast_for(exc)
        self._started_wizard = 0
        self.actions = action_rows(actions)
        self.facilities = [
            {
                "id": str(row.id),
                "cers_id": str(row.cers_id),
                "name": row.name,
                "address": f"{row.address}, {row.city}",
                "drafts": str(row.drafts),
                "url": routes.with_query(routes.FACILITY, id=str(row.id)),
            }
            for row in facilities
        ]
        self.wizards = [
            {
                "id": str(row.id),
                "name": row.name,
                "step": str(row.step),
                "updated": row.updated,
                "url": routes.with_query(routes.FACILITY_ADD, w=str(row.id)),
            }
            for row in unfinished
        ]
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
        self.can_read_history = OrgAction.READ_HISTORY.value in actions
        # Without a business, Add Facility creates one (its creator becomes its Lead User).
        self.can_add_facility = current is None or OrgAction.ADD_FACILITY.value in actions
        self.add_facility_refusal = (
            ""
            if self.can_add_facility or current is None
            else _refusal(current.name, current.role_label)
        )
        self.loaded = True
        # The header read the session before this load selected the user's only business.
        header = await self.get_state(SessionState)
        header.organization_name = current.name if current else ""
        if current is None and mine:
            # Several businesses and none chosen yet: Select Business first.
            return rx.redirect(routes.MY_BUSINESSES)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def add_facility(self) -> Any:
        """Start the Add Facility wizard (a second click opens the same one)."""
        actor = current_actor()
        assert actor is not None
        if not self._started_wizard:
            # As the page shows: a role that may not add facilities to the selected business
            # does not start the wizard either.
            current = await db.run_async(org_service.current_organization, actor)
            if current is not None and OrgAction.ADD_FACILITY.value not in current.actions:
                return rx.toast.error(_refusal(current.name, current.role_label), id="form-problem")
            self._started_wizard = await db.run_async(wizard.start, actor)
        return rx.redirect(routes.with_query(routes.FACILITY_ADD, w=str(self._started_wizard)))
