"""The regulator's facility actions panel: transfer, merge and delete a facility (?id=)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import facility_actions
from cers_app.regulator.facility_actions import COMMENT_MAX
from cers_app.regulator.links import facility_url
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number


class FacilityActionsState(rx.State):
    # The facility's name, CERS ID and business; empty when the actor may not act on it.
    facility: dict[str, str] = {}
    has_submittals: bool = False
    comment: str = ""
    org_choices: list[dict[str, str]] = []
    chosen_org: dict[str, str] = {}
    errors: dict[str, str] = {}
    form_key: int = 0
    _facility_id: int | None = None

    async def _refresh(self) -> Any:
        try:
            facts = await db.run_async(
                facility_actions.panel_facts, handler_actor(), self._facility_id
            )
        except DomainError:
            # Not in reach or no Right.REQUESTS: the panel simply does not show.
            self.facility, self.has_submittals = {}, False
            return None
        self.facility = {
            "id": str(facts.facility_id),
            "name": facts.name,
            "cers_id": str(facts.cers_id),
            "business": facts.business,
            "business_id": str(facts.business_id),
        }
        self.has_submittals = facts.has_submittals
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        wanted = self.router.url.query_parameters.get("id", "")
        self._facility_id = page_number(wanted) if isinstance(wanted, str) else None
        self.comment, self.org_choices, self.chosen_org, self.errors = "", [], {}, {}
        self.form_key += 1
        return await self._refresh()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def set_comment(self, value: str) -> None:
        self.comment = str(value)[: COMMENT_MAX + 1]

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def search_organizations(self, form_data: dict[str, str]) -> Any:
        text = form_values(form_data, "text")["text"][:100]
        try:
            found = await db.run_async(facility_actions.organization_choices, handler_actor(), text)
        except DomainError as exc:
            self.errors, self.org_choices = field_errors(exc), []
            return toast_for(exc)
        self.errors = {}
        own = self.facility.get("business_id", "")
        self.org_choices = [
            {
                "id": str(o.id),
                "label": f"{o.name} (organization {o.code}"
                + (f", {o.headquarters})" if o.headquarters else ")"),
            }
            for o in found
            if str(o.id) != own
        ]
        if not self.org_choices:
            self.errors = {"organization": "No other business matches. Try part of its name."}
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def choose_organization(self, organization_id: str) -> None:
        self.chosen_org = next((o for o in self.org_choices if o["id"] == str(organization_id)), {})

    def _failed(self, exc: DomainError) -> Any:
        errors = field_errors(exc)
        self.errors = errors
        return toast_for(exc)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def transfer(self) -> Any:
        try:
            if not self.chosen_org:
                raise ValidationFailed(
                    {"organization": "Search for the business that takes the facility and pick it."}
                )
            name = await db.run_async(
                facility_actions.transfer_facility,
                handler_actor(),
                self._facility_id,
                page_number(self.chosen_org["id"]),
                self.comment,
            )
        except DomainError as exc:
            return self._failed(exc)
        facility_id = str(self._facility_id)
        self.comment, self.chosen_org, self.org_choices, self.errors = "", {}, [], {}
        self.form_key += 1
        await self._refresh()
        return [
            rx.toast.success(
                f"Transferred to {name}; both businesses were emailed.", id="facility-transferred"
            ),
            rx.redirect(facility_url(facility_id)),
        ]

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def merge(self, form_data: dict[str, str]) -> Any:
        into = form_values(form_data, "into")["into"]
        actor = handler_actor()
        try:
            survivor = await db.run_async(facility_actions.facility_by_cers_id, actor, into)
            await db.run_async(
                facility_actions.merge_facilities,
                actor,
                self._facility_id,
                survivor,
                self.comment,
            )
        except DomainError as exc:
            return self._failed(exc)
        self.comment, self.errors, self.facility = "", {}, {}
        self.form_key += 1
        return [
            rx.toast.success(
                "Merged: the duplicate now leads to the facility kept; the business was emailed.",
                id="facility-merged",
            ),
            rx.redirect(facility_url(survivor)),
        ]

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def delete(self) -> Any:
        try:
            await db.run_async(
                facility_actions.delete_facility, handler_actor(), self._facility_id, self.comment
            )
        except DomainError as exc:
            return self._failed(exc)
        self.comment, self.errors, self.facility = "", {}, {}
        self.form_key += 1
        return [
            rx.toast.success(
                "The facility was deleted; the business was emailed.", id="facility-deleted"
            ),
            rx.redirect(routes.REGULATOR_FACILITIES),
        ]
