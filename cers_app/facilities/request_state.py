"""State of the facility request pages: search and request access, requests to answer and my
requests, manage a facility (transfer, merge, delete) and archived facilities.

Handlers only turn events into calls of `facilities.requests` (and the read-only lookups) and
their results into small text rows; every id from the page is parsed here and re-scoped by the
service that receives it.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.core.permissions import Actor, Permission, requires
from cers_app.facilities import request_lookups as lookups
from cers_app.facilities import requests as facility_requests
from cers_app.facilities import service as facility_service
from cers_app.facilities.request_decisions import RequestDecisionMixin
from cers_app.organizations import service as org_service
from cers_app.organizations.roles import OrgAction
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number
from cers_app.ui.session import SessionState

NO_BUSINESS = "Choose a business first."
ONLY_LEADS = "Only a Lead User can manage a facility's transfers, merges and deletion."


async def _selected_business(state: rx.State, actor: Actor) -> tuple[int, str] | None:
    """The session's business (id, name); a user with exactly one business gets it selected."""
    if actor.organization_id is not None:
        return actor.organization_id, actor.organization_name
    current = await db.run_async(org_service.current_organization, actor)
    if current is None:
        return None
    header = await state.get_state(SessionState)  # the header read the session before this
    header.organization_name = current.name
    return current.id, current.name


class FacilitySearchState(rx.State):
    """Search Facilities: find a site by CERS ID, name or address and ask for access to it, or
    (Lead Users) ask to move it into one of their businesses."""

    query: str = ""
    rows: list[dict[str, str]] = []
    searched: bool = False
    loaded: bool = False
    errors: dict[str, str] = {}
    # The result whose form is open, with "mode": "access" or "take".
    chosen: dict[str, str] = {}
    form_errors: dict[str, str] = {}
    lead_businesses: list[dict[str, str]] = []
    form_key: int = 0

    async def _search(self, query: str) -> Any:
        self.query, self.chosen, self.form_errors = query, {}, {}
        try:
            found = await db.run_async(facility_service.search, query)
        except DomainError as exc:
            self.rows, self.searched = [], False
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        self.rows = [
            {
                "facility_id": str(row.facility_id),
                "cers_id": str(row.cers_id),
                "name": row.name,
                "address": row.address,
                "city": row.city,
                "note": row.note,
            }
            for row in found
        ]
        self.searched = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.rows, self.searched, self.errors, self.chosen, self.form_errors = [], False, {}, {}, {}
        self.query = ""
        mine = await db.run_async(lookups.lead_businesses, handler_actor())
        self.lead_businesses = [{"id": str(b.id), "name": b.name} for b in mine]
        self.form_key += 1
        self.loaded = True
        wanted = self.router.url.query_parameters.get("q", "")
        if isinstance(wanted, str) and wanted.strip():
            return await self._search(wanted[:100])
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def search(self, form_data: dict[str, str]) -> Any:
        return await self._search(form_values(form_data, "query")["query"][:100])

    def _choose(self, facility_id: str, mode: str) -> None:
        self.form_errors = {}
        row = next((r for r in self.rows if r["facility_id"] == facility_id), None)
        self.chosen = {**row, "mode": mode} if row else {}

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_access(self, facility_id: str) -> None:
        self._choose(facility_id, "access")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_take(self, facility_id: str) -> None:
        self._choose(facility_id, "take")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def cancel(self) -> None:
        self.chosen, self.form_errors = {}, {}

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def request_access(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "facility_id", "role", "note")
        try:
            await db.run_async(
                facility_requests.request_access,
                handler_actor(),
                page_number(values["facility_id"]),
                values["role"],
                values["note"],
            )
        except DomainError as exc:
            self.form_errors = field_errors(exc)
            return toast_for(exc)
        name = self.chosen.get("name", "the facility")
        self.chosen, self.form_errors = {}, {}
        return rx.toast.success(
            f"Your request for access to {name} was sent. You get an email when it is "
            "decided; My Requests shows where it stands.",
            id="access-requested",
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def take_ownership(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "facility_id", "business", "note")
        business = page_number(values["business"])
        if business is None:
            self.form_errors = {"business": "Choose the business that takes the facility."}
            return toast_for(ValidationFailed(self.form_errors))
        try:
            outcome = await db.run_async(
                facility_requests.take_ownership,
                handler_actor(),
                page_number(values["facility_id"]),
                business,
                values["note"],
            )
        except DomainError as exc:
            self.form_errors = field_errors(exc)
            return toast_for(exc)
        name = self.chosen.get("name", "The facility")
        target = next((b["name"] for b in self.lead_businesses if b["id"] == str(business)), "")
        self.chosen, self.form_errors = {}, {}
        if outcome == "transferred":
            return rx.toast.success(f"{name} now belongs to {target}.", id="facility-taken")
        return rx.toast.success(
            f"Your request to move {name} into {target} was sent; the regulator decides and "
            "you get an email.",
            id="take-requested",
        )


class RequestsState(RequestDecisionMixin, rx.State):
    """Requests: the access requests a business's Lead Users answer, and the user's own."""

    business: str = ""
    can_answer: bool = False
    to_answer: list[dict[str, str]] = []
    mine: list[dict[str, str]] = []
    loaded: bool = False

    def _forget(self) -> None:
        self.business, self.can_answer, self.to_answer, self.mine = "", False, [], []
        self.deciding, self.errors, self.loaded = {}, {}, False

    def _decidable(self) -> list[dict[str, str]]:
        return self.to_answer

    async def _fetch(self) -> None:
        actor = handler_actor()
        selected = await _selected_business(self, actor)
        to_answer: list[dict[str, str]] = []
        can_answer = False
        if selected is not None:
            details = await db.run_async(org_service.get_organization, actor, selected[0])
            can_answer = OrgAction.ANSWER_ACCESS_REQUEST.value in details.actions
            if can_answer:
                rows = await db.run_async(facility_requests.requests_to_answer, actor, selected[0])
                to_answer = [lookups.request_view(row) for row in rows]
        mine = await db.run_async(facility_requests.my_requests, actor)
        self.business = selected[1] if selected else ""
        self.can_answer, self.to_answer = can_answer, to_answer
        self.mine = [lookups.request_view(row, for_requester=True) for row in mine]
        self._keep_deciding()
        self.loaded = True

    async def _refresh(self) -> Any:
        try:
            await self._fetch()
        except DomainError as exc:
            self._forget()
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        return await self._open()

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_approve(self, request_id: str) -> None:
        self._ask(request_id, "approve")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_reject(self, request_id: str) -> None:
        self._ask(request_id, "reject")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def cancel(self) -> None:
        self._cancel()

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def decide(self, form_data: dict[str, str]) -> Any:
        return await self._decide(form_data)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def withdraw(self, request_id: str) -> Any:
        try:
            await db.run_async(facility_requests.withdraw, handler_actor(), page_number(request_id))
        except DomainError as exc:
            return [toast_for(exc), *await self._reloaded()]
        return [
            rx.toast.success("Your request was withdrawn.", id="request-withdrawn"),
            *await self._reloaded(),
        ]


class ManageFacilityState(rx.State):
    """Manage Facility (Lead Users): transfer it, merge it into another facility of the same
    business, ask to delete it; with its pending requests."""

    facility: dict[str, str] = {}
    pending: list[dict[str, str]] = []
    transfer_options: list[dict[str, str]] = []
    merge_options: list[dict[str, str]] = []
    loaded: bool = False
    transfer_errors: dict[str, str] = {}
    merge_errors: dict[str, str] = {}
    delete_errors: dict[str, str] = {}
    form_key: int = 0
    _facility_id: int | None = None

    def _forget(self) -> None:
        self.facility, self.pending, self.transfer_options, self.merge_options = {}, [], [], []
        self.loaded, self._facility_id = False, None

    async def _refresh(self) -> Any:
        actor = handler_actor()
        try:
            view = await db.run_async(facility_service.get_facility, actor, self._facility_id)
        except DomainError as exc:
            self._forget()
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        if OrgAction.REQUEST_TRANSFER.value not in view.actions:
            self._forget()
            return [
                rx.toast.error(f"{ONLY_LEADS} Your role in {view.organization}: {view.role}."),
                rx.redirect(routes.BUSINESS_HOME),
            ]
        sisters = await db.run_async(facility_service.list_facilities, actor, view.organization_id)
        leads = await db.run_async(lookups.lead_businesses, actor)
        pending = await db.run_async(lookups.pending_for_facility, actor, view.id)
        self.facility = {
            "id": str(view.id),
            "cers_id": str(view.cers_id),
            "name": view.name,
            "address": " ".join(p for p in (view.street, view.supplemental) if p),
            "city": f"{view.city} {view.zip_code}",
            "business": view.organization,
            "url": routes.with_query(routes.FACILITY, id=str(view.id)),
        }
        self.merge_options = [
            {"id": str(row.id), "label": f"{row.name} (CERS ID {row.cers_id}), {row.address}"}
            for row in sisters
            if row.id != view.id
        ]
        self.transfer_options = [
            {"id": str(b.id), "name": b.name} for b in leads if b.id != view.organization_id
        ]
        self.pending = [lookups.request_view(row) for row in pending]
        self.loaded = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.transfer_errors, self.merge_errors, self.delete_errors = {}, {}, {}
        self.form_key += 1
        wanted = self.router.url.query_parameters.get("id", "")
        self._facility_id = page_number(wanted) if isinstance(wanted, str) else None
        return await self._refresh()

    async def _done(self, message: str, toast_id: str) -> list[Any]:
        self.form_key += 1  # fresh, empty forms
        return [rx.toast.success(message, id=toast_id), *(await self._refresh() or [])]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def transfer(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "business", "code", "note")
        actor = handler_actor()
        chosen, code = values["business"].strip(), values["code"].strip()
        try:
            if chosen and code:
                raise ValidationFailed(
                    {"code": "Choose one of your businesses or enter a code, not both."}
                )
            if code:
                target = await db.run_async(lookups.organization_by_code, code)
                target_id, target_name = target.id, target.name
            elif chosen:
                target_id = page_number(chosen)
                target_name = next(
                    (o["name"] for o in self.transfer_options if o["id"] == chosen), ""
                )
            else:
                raise ValidationFailed({"business": "Choose the business that takes the facility."})
            outcome = await db.run_async(
                facility_requests.transfer, actor, self._facility_id, target_id, values["note"]
            )
        except DomainError as exc:
            self.transfer_errors = field_errors(exc)
            return toast_for(exc)
        self.transfer_errors = {}
        name = self.facility.get("name", "The facility")
        if outcome == "transferred":
            return await self._done(f"{name} now belongs to {target_name}.", "facility-moved")
        return await self._done(
            f"The transfer of {name} to {target_name} was requested; the regulator decides.",
            "transfer-requested",
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def merge(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "survivor", "note")
        survivor = page_number(values["survivor"])
        try:
            if survivor is None:
                raise ValidationFailed({"survivor": "Choose the facility to keep."})
            await db.run_async(
                facility_requests.request_merge,
                handler_actor(),
                self._facility_id,
                survivor,
                values["note"],
            )
        except DomainError as exc:
            self.merge_errors = field_errors(exc)
            return toast_for(exc)
        self.merge_errors = {}
        return await self._done(
            "The merge was requested; the regulator decides and you get an email.",
            "merge-requested",
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def delete(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "note")
        try:
            await db.run_async(
                facility_requests.request_delete, handler_actor(), self._facility_id, values["note"]
            )
        except DomainError as exc:
            self.delete_errors = field_errors(exc)
            return toast_for(exc)
        self.delete_errors = {}
        return await self._done(
            "The deletion was requested; the regulator decides and you get an email.",
            "delete-requested",
        )


class ArchivedFacilitiesState(rx.State):
    """Archived Facilities: what was transferred out of the selected business (read-only)."""

    business: str = ""
    rows: list[dict[str, str]] = []
    loaded: bool = False

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        actor = handler_actor()
        selected = await _selected_business(self, actor)
        if selected is None:
            self.business, self.rows, self.loaded = "", [], False
            return [
                rx.toast.info(NO_BUSINESS, id="select-business"),
                rx.redirect(routes.MY_BUSINESSES),
            ]
        try:
            found = await db.run_async(facility_requests.archived_facilities, actor, selected[0])
        except DomainError as exc:
            self.business, self.rows, self.loaded = "", [], False
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self.business = selected[1]
        self.rows = [
            {
                "cers_id": str(row.cers_id),
                "name": row.name,
                "address": row.address,
                "transferred_at": row.transferred_at,
                "to_business": row.to_business,
            }
            for row in found
        ]
        self.loaded = True
        return None
