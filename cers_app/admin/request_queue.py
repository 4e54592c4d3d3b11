"""The system administrator's queue of facility requests: access to businesses whose facilities
span several agencies and that have no Lead User to answer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.facilities import request_lookups
from cers_app.facilities import requests as facility_requests
from cers_app.facilities.request_decisions import (
    RequestDecisionMixin,
    decision_buttons,
    decision_form,
)
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor
from cers_app.ui.layout import after_load, card
from cers_app.ui.tables import table


class AdminRequestsState(RequestDecisionMixin, rx.State):
    rows: list[dict[str, str]] = []
    loaded: bool = False

    def _decidable(self) -> list[dict[str, str]]:
        return self.rows

    async def _refresh(self) -> Any:
        actor = handler_actor()
        try:
            found = await db.run_async(facility_requests.requests_for_admin, actor)
        except DomainError as exc:
            self.rows, self.loaded = [], False
            return toast_for(exc)
        self.rows = [request_lookups.request_view(row) for row in found]
        self._keep_deciding()
        self.loaded = True
        return None

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def load(self) -> Any:
        return await self._open()

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    def ask_approve(self, request_id: str) -> None:
        self._ask(request_id, "approve")

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    def ask_reject(self, request_id: str) -> None:
        self._ask(request_id, "reject")

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    def cancel(self) -> None:
        self._cancel()

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def decide(self, form_data: dict[str, str]) -> Any:
        return await self._decide(form_data, toast_id="admin-request-decided")


def _decision_form() -> rx.Component:
    deciding = AdminRequestsState.deciding
    return decision_form(
        AdminRequestsState,
        " the request of ",
        rx.text.strong(deciding["requested_by"]),
        " to join ",
        deciding["business"],
        " as ",
        deciding["role"],
        "?",
        id="admin-request",
    )


def _cells(row: rx.Var) -> list:
    who = rx.vstack(
        rx.text.strong(row["requested_by"]),
        rx.text("as ", row["role"], size="1", color_scheme="gray"),
        spacing="0",
    )
    facility = rx.vstack(
        rx.text(row["facility"], size="2"),
        rx.text("CERS ID ", row["cers_id"], size="1", color_scheme="gray"),
        spacing="0",
    )
    actions = decision_buttons(
        AdminRequestsState,
        row["id"],
        approve_id="admin-request-approve-" + row["id"],
        reject_id="admin-request-reject-" + row["id"],
    )
    return [who, row["business"], facility, row["note"], row["requested_at"], actions]


def request_queue() -> rx.Component:
    """The card on the administration page."""
    return card(
        rx.heading("Requests to decide", size="4", as_="h2"),
        rx.text(
            "Access requests to businesses whose facilities lie in several agencies' "
            "jurisdictions, when the business's Lead Users cannot answer them: it has none, "
            "or the Lead User role was asked for where the regulator verifies those.",
            size="2",
        ),
        rx.cond(
            AdminRequestsState.deciding.contains("id"),
            _decision_form(),
        ),
        rx.cond(
            after_load(AdminRequestsState.loaded),
            rx.cond(
                AdminRequestsState.rows.length() > 0,
                table(
                    ["Requester", "Business", "Facility", "Note", "Requested", ""],
                    AdminRequestsState.rows,
                    _cells,
                    id="admin-requests",
                ),
                rx.text(
                    "No request is waiting for you.",
                    id="admin-requests-none",
                    size="2",
                    color_scheme="gray",
                ),
            ),
        ),
        id="admin-request-queue",
    )
