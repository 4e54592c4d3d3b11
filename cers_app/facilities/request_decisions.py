"""Approve or reject a facility request with a comment: one behaviour for the three places that
decide requests (a business's Lead Users, the regulator's inbox, the system administrator's
queue).

`RequestDecisionMixin` holds the request being decided and the work. Each state that uses it
lists its own handlers with the permission its deciders hold (as `regulator.account_state`
does), says which of its rows can be decided (`_decidable`) and how it reloads (`_refresh`).
`decision_buttons` and `decision_form` are the parts of the page; the service decides who may
decide what.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.facilities import requests as facility_requests
from cers_app.facilities.models import RequestKind
from cers_app.facilities.requests import NOTE_MAX
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.forms import field_error
from cers_app.ui.handlers import handler_actor, page_number

APPROVED_MESSAGES = {
    RequestKind.ACCESS.value: "Approved: {who} was added to the business and told by email.",
    RequestKind.TRANSFER.value: "Approved: the facility was transferred; everyone was emailed.",
    RequestKind.TAKE_OWNERSHIP.value: "Approved: the facility was moved; everyone was emailed.",
    RequestKind.MERGE.value: "Approved: the duplicate was merged; {who} was told by email.",
    RequestKind.DELETE.value: "Approved: the facility was deleted; the business was emailed.",
}


class RequestDecisionMixin(rx.State, mixin=True):
    # The request being decided: its row and "decision" ("approve" or "reject").
    deciding: dict[str, str] = {}
    errors: dict[str, str] = {}

    def _decidable(self) -> list[dict[str, str]]:
        """The pending requests shown to the user, which they may decide."""
        raise NotImplementedError

    async def _refresh(self) -> Any:
        """Reload the rows: None, or the event (or list of events) to send."""
        raise NotImplementedError

    async def _reloaded(self) -> list[Any]:
        """Reload the rows; the events to send after the outcome's toast."""
        refreshed = await self._refresh()
        if refreshed is None:
            return []
        return list(refreshed) if isinstance(refreshed, list) else [refreshed]

    def _keep_deciding(self) -> None:
        """Close the decision form when its request is no longer pending."""
        if self.deciding and not any(r["id"] == self.deciding["id"] for r in self._decidable()):
            self.deciding = {}

    async def _open(self) -> Any:
        self.deciding, self.errors = {}, {}
        return await self._refresh()

    def _ask(self, request_id: object, decision: str) -> None:
        self.errors = {}
        row = next((r for r in self._decidable() if r["id"] == str(request_id)), None)
        self.deciding = {**row, "decision": decision} if row else {}

    def _cancel(self) -> None:
        self.deciding, self.errors = {}, {}

    async def _decide(
        self,
        form_data: dict[str, str],
        *,
        reason_to_reject: bool = False,
        toast_id: str = "request-decided",
    ) -> Any:
        values = form_values(form_data, "request_id", "decision", "comment")
        if values["decision"] not in ("approve", "reject"):
            return toast_for(ValidationFailed(message="Choose Approve or Reject."))
        approve = values["decision"] == "approve"
        try:
            await db.run_async(
                facility_requests.decide,
                handler_actor(),
                page_number(values["request_id"]),
                approve,
                values["comment"],
                reason_to_reject=reason_to_reject,
            )
        except ValidationFailed as exc:
            errors = field_errors(exc)
            self.errors = {"comment": errors["note"]} if "note" in errors else {}
            return toast_for(exc)
        except DomainError as exc:
            # Decided meanwhile (a colleague, a second click) or no longer theirs to decide.
            self.deciding, self.errors = {}, {}
            return [toast_for(exc), *await self._reloaded()]
        decided = self.deciding
        who = decided.get("requested_by", "The requester")
        message = (
            APPROVED_MESSAGES.get(decided.get("kind", ""), "Approved.").format(who=who)
            if approve
            else f"Rejected: {who} was told by email."
        )
        self.deciding, self.errors = {}, {}
        return [rx.toast.success(message, id=toast_id), *await self._reloaded()]


def decision_buttons(
    state: type[RequestDecisionMixin],
    request_id: rx.Var,
    *,
    approve_id: rx.Var | str,
    reject_id: rx.Var | str,
    size: str = "1",
) -> rx.Component:
    """Approve and Reject for one pending request: each opens the decision form."""
    return rx.flex(
        rx.button(
            "Approve",
            size=size,
            color_scheme="green",
            on_click=state.ask_approve(request_id),
            id=approve_id,
        ),
        rx.button(
            "Reject",
            size=size,
            variant="soft",
            color_scheme="red",
            on_click=state.ask_reject(request_id),
            id=reject_id,
        ),
        spacing="2",
        wrap="wrap",
    )


def decision_form(
    state: type[RequestDecisionMixin],
    *intro: rx.Var | str | rx.Component,
    id: str = "request",
    reason_to_reject: bool = False,
) -> rx.Component:
    """The open decision: what is decided (`intro`), a comment and the confirm button.

    Element ids start with `id`; with `reason_to_reject` the comment is asked as the reason of
    a rejection.
    """
    deciding, errors = state.deciding, state.errors
    approve = deciding["decision"] == "approve"
    optional = "Comment for the requester (optional)"
    label = (
        rx.cond(approve, optional, "Why you reject it (the requester reads this)")
        if reason_to_reject
        else optional
    )
    invalid = errors.contains("comment")
    return rx.form(
        rx.vstack(
            *([rx.text(rx.cond(approve, "Approve", "Reject"), *intro, size="2")] if intro else []),
            rx.el.input(type="hidden", name="request_id", value=deciding["id"]),
            rx.el.input(type="hidden", name="decision", value=deciding["decision"]),
            rx.el.label(rx.text(label, weight="medium", size="2"), html_for=f"{id}-comment"),
            rx.text_area(
                name="comment",
                id=f"{id}-comment",
                max_length=NOTE_MAX,
                rows="3",
                width="100%",
                color_scheme=rx.cond(invalid, "red", "gray"),
                aria_invalid=rx.cond(invalid, "true", "false"),
            ),
            field_error(errors, "comment", f"{id}-comment"),
            rx.flex(
                rx.button(
                    rx.cond(approve, "Approve", "Reject"),
                    type="submit",
                    color_scheme=rx.cond(approve, "green", "red"),
                    id=f"{id}-confirm",
                ),
                rx.button(
                    "Cancel",
                    type="button",
                    variant="soft",
                    on_click=state.cancel,
                    id=f"{id}-cancel",
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            align="stretch",
        ),
        on_submit=state.decide,
        id=f"{id}-decision",
        key=deciding["id"] + deciding["decision"],
    )
