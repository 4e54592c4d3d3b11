"""The regulator's requests inbox: pending requests its agencies decide, and the last decisions."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.facilities import request_lookups
from cers_app.facilities import requests as facility_requests
from cers_app.facilities.models import RequestKind
from cers_app.facilities.request_decisions import RequestDecisionMixin
from cers_app.facilities.requests import RequestRow
from cers_app.regulator.links import facility_url
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor

RECENT = 10


def summary(row: RequestRow) -> str:
    """What the request asks for, in one line, by kind."""
    kind = RequestKind(row.kind)
    if kind is RequestKind.ACCESS:
        return f"Access to {row.business} as {row.role}"
    if kind is RequestKind.TRANSFER:
        return f"Transfer from {row.owner} to {row.business}"
    if kind is RequestKind.TAKE_OWNERSHIP:
        return f"Take ownership: move from {row.owner} into {row.business}"
    if kind is RequestKind.MERGE:
        return f"Merge this duplicate into {row.other_facility}"
    return "Delete the facility (it never submitted anything)"


KIND_LABELS = {
    RequestKind.ACCESS.value: "Access",
    RequestKind.TRANSFER.value: "Transfer",
    RequestKind.TAKE_OWNERSHIP.value: "Take ownership",
    RequestKind.MERGE.value: "Merge",
    RequestKind.DELETE.value: "Delete",
}


def inbox_view(row: RequestRow) -> dict[str, str]:
    """A request as the inbox shows it (text only)."""
    return {
        **request_lookups.request_view(row),
        "kind_label": KIND_LABELS.get(row.kind, row.kind),
        "summary": summary(row),
        "owner": row.owner,
        "facility_href": facility_url(row.facility_id),
        "decided_by": row.decided_by,
        "decided_at": row.decided_at,
    }


class RegulatorRequestsState(RequestDecisionMixin, rx.State):
    rows: list[dict[str, str]] = []
    recent: list[dict[str, str]] = []
    loaded: bool = False

    def _decidable(self) -> list[dict[str, str]]:
        return self.rows

    async def _refresh(self) -> Any:
        actor = handler_actor()
        try:
            pending = await db.run_async(facility_requests.requests_for_regulator, actor)
            recent = await db.run_async(
                facility_requests.recently_decided_for_regulator, actor, RECENT
            )
        except DomainError as exc:
            self.rows, self.recent, self.loaded, self.deciding = [], [], False, {}
            return toast_for(exc)
        self.rows = [inbox_view(row) for row in pending]
        self.recent = [inbox_view(row) for row in recent]
        self._keep_deciding()
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        return await self._open()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def ask_approve(self, request_id: str) -> None:
        self._ask(request_id, "approve")

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def ask_reject(self, request_id: str) -> None:
        self._ask(request_id, "reject")

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def cancel(self) -> None:
        self._cancel()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def decide(self, form_data: dict[str, str]) -> Any:
        # The regulator's decision is on the record: a rejection says why.
        return await self._decide(form_data, reason_to_reject=True)
