"""The system administrator's queue of facility requests: access to businesses whose facilities
span several agencies and that have no Lead User to answer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.core.permissions import Permission, requires
from cers_app.facilities import request_lookups
from cers_app.facilities import requests as facility_requests
from cers_app.facilities.requests import NOTE_MAX
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.forms import ERROR_COLOR
from cers_app.ui.handlers import handler_actor, page_number
from cers_app.ui.layout import after_load, card
from cers_app.ui.tables import table


class AdminRequestsState(rx.State):
    rows: list[dict[str, str]] = []
    loaded: bool = False
    # The request being decided: its row and "decision" ("approve" or "reject").
    deciding: dict[str, str] = {}
    errors: dict[str, str] = {}

    async def _refresh(self) -> Any:
        actor = handler_actor()
        try:
            found = await db.run_async(facility_requests.requests_for_admin, actor)
        except DomainError as exc:
            self.rows, self.loaded = [], False
            return toast_for(exc)
        self.rows = [request_lookups.request_view(row) for row in found]
        if self.deciding and not any(r["id"] == self.deciding["id"] for r in self.rows):
            self.deciding = {}
        self.loaded = True
        return None

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def load(self) -> Any:
        self.deciding, self.errors = {}, {}
        return await self._refresh()

    def _ask(self, request_id: str, decision: str) -> None:
        self.errors = {}
        row = next((r for r in self.rows if r["id"] == request_id), None)
        self.deciding = {**row, "decision": decision} if row else {}

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
        self.deciding, self.errors = {}, {}

    @requires(Permission.SYSTEM_ADMIN)
    @rx.event
    async def decide(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "request_id", "decision", "comment")
        if values["decision"] not in ("approve", "reject"):
            return toast_for(ValidationFailed(message="Choose Approve or Reject."))
        approve = values["decision"] == "approve"
        actor = handler_actor()
        try:
            await db.run_async(
                facility_requests.decide,
                actor,
                page_number(values["request_id"]),
                approve,
                values["comment"],
            )
        except ValidationFailed as exc:
            errors = field_errors(exc)
            self.errors = {"comment": errors["note"]} if "note" in errors else {}
            return toast_for(exc)
        except DomainError as exc:
            self.deciding, self.errors = {}, {}
            refreshed = await self._refresh()
            return [toast_for(exc), *([refreshed] if refreshed else [])]
        who = self.deciding.get("requested_by", "The requester")
        self.deciding, self.errors = {}, {}
        message = (
            f"Approved: {who} was added to the business and told by email."
            if approve
            else f"Rejected: {who} was told by email."
        )
        refreshed = await self._refresh()
        return [
            rx.toast.success(message, id="admin-request-decided"),
            *([refreshed] if refreshed else []),
        ]


def _decision_form() -> rx.Component:
    deciding = AdminRequestsState.deciding
    approve = deciding["decision"] == "approve"
    errors = AdminRequestsState.errors
    return rx.form(
        rx.vstack(
            rx.text(
                rx.cond(approve, "Approve", "Reject"),
                " the request of ",
                rx.text.strong(deciding["requested_by"]),
                " to join ",
                deciding["business"],
                " as ",
                deciding["role"],
                "?",
                size="2",
            ),
            rx.el.input(type="hidden", name="request_id", value=deciding["id"]),
            rx.el.input(type="hidden", name="decision", value=deciding["decision"]),
            rx.el.label(
                rx.text("Comment for the requester (optional)", weight="medium", size="2"),
                html_for="admin-request-comment",
            ),
            rx.text_area(
                name="comment", id="admin-request-comment", max_length=NOTE_MAX, width="100%"
            ),
            rx.cond(
                errors.contains("comment"),
                rx.text(errors["comment"], size="2", color=ERROR_COLOR, role="alert"),
            ),
            rx.flex(
                rx.button(
                    rx.cond(approve, "Approve", "Reject"),
                    type="submit",
                    color_scheme=rx.cond(approve, "green", "red"),
                    id="admin-request-confirm",
                ),
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    on_click=AdminRequestsState.cancel,
                    id="admin-request-cancel",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            align="stretch",
        ),
        on_submit=AdminRequestsState.decide,
        id="admin-request-decision",
        key=deciding["id"] + deciding["decision"],
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
    actions = rx.flex(
        rx.button(
            "Approve",
            size="1",
            color_scheme="green",
            on_click=AdminRequestsState.ask_approve(row["id"]),
            id="admin-request-approve-" + row["id"],
        ),
        rx.button(
            "Reject",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=AdminRequestsState.ask_reject(row["id"]),
            id="admin-request-reject-" + row["id"],
        ),
        spacing="2",
        wrap="wrap",
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
