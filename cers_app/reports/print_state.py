"""The Print card of a facility (business facility page, regulator facility page): ask for a
PDF, follow its job, download it.

Handlers call `reports.jobs` with the actor of the event; a background event follows working
jobs, reading the session again each round (a sign-out stops it). The facility is the page's
?id=, re-checked by the service on every call. Only text rows live in the state.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import reflex as rx

from cers_app.access import identity
from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.reports import jobs
from cers_app.reports.jobs import JobView
from cers_app.reports.pdf_inventory import ALL
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

POLL_SECONDS = 1.0
POLL_LIMIT_SECONDS = 10 * 60
STATUS_TEXT = {
    jobs.QUEUED: "Waiting",
    jobs.RUNNING: "Making the PDF...",
    jobs.DONE: "Ready",
    jobs.FAILED: "Failed",
}


def job_row(view: JobView) -> dict[str, str]:
    """A job as the card lists it."""
    done = view.status == jobs.DONE
    return {
        "id": str(view.id),
        "label": view.label,
        "status": view.status,
        "status_text": STATUS_TEXT.get(view.status, view.status),
        "message": view.message,
        "asked": view.created_at.strftime("%b %d, %Y %H:%M UTC").replace(" 0", " "),
        "href": routes.with_query(routes.REPORT_FILE, id=str(view.facility_id), file=str(view.id))
        if done
        else "",
    }


class PrintMixin(rx.State, mixin=True):
    jobs: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    following: bool = False
    _facility_id: int = 0
    _round: int = 0

    async def _refresh(self) -> None:
        views = await db.run_async(jobs.recent_jobs, handler_actor(), self._facility_id)
        self.jobs = [job_row(view) for view in views]

    def _working(self) -> bool:
        return any(row["status"] in jobs.WORKING for row in self.jobs)

    async def _load(self) -> Any:
        self.jobs, self.errors, self.following = [], {}, False
        self._round += 1
        self._facility_id = page_number(self.router.url.query_parameters.get("id", "")) or 0
        if not self._facility_id:
            return None
        await self._refresh()
        return self._follow_event() if self._working() else None

    def _follow_event(self) -> Any:
        raise NotImplementedError

    async def _ask(self, kind: str, params: dict[str, Any]) -> Any:
        self.errors = {}
        try:
            view = await db.run_async(
                jobs.request_report, handler_actor(), self._facility_id, kind, params
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        jobs.start(view.id)
        await self._refresh()
        return [
            rx.toast.info(f"{view.label}: the PDF is being made.", id="print-asked"),
            self._follow_event(),
        ]

    async def _ask_inventory(self, form_data: dict[str, Any]) -> Any:
        values = form_values(form_data, "location", "waste", "trade_secrets")
        chosen = {
            "location": values["location"],
            "waste": values["waste"] or ALL,
            "trade_secrets": values["trade_secrets"] != "exclude",
        }
        return await self._ask("inventory", {"filter": chosen})

    async def _follow(self) -> Any:
        """Read the jobs again every second while one is working (or the page moved on)."""
        async with self:
            if self.following:
                return None
            self.following = True
            self._round += 1
            my_round, facility_id = self._round, self._facility_id
            cookie = self.router.headers.cookie or None
            client_ip = self.router.session.client_ip or None
        started = time.monotonic()
        while time.monotonic() - started < POLL_LIMIT_SECONDS:
            await asyncio.sleep(POLL_SECONDS)
            actor = await db.run_async(identity.resolve_actor, cookie, client_ip)
            views = (
                [] if actor is None else await db.run_async(jobs.recent_jobs, actor, facility_id)
            )
            # Looking at a job hands it to a worker again if its worker died.
            for view in views:
                if view.working and actor is not None:
                    await db.run_async(jobs.job_view, actor, view.id)
            async with self:
                if self._round != my_round:
                    return None
                self.jobs = [job_row(view) for view in views]
                if actor is None or not self._working():
                    self.following = False
                    return None
        async with self:
            self.following = False
        return None


class BusinessPrintState(PrintMixin, rx.State):
    """The Print card of the business facility page."""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        return await self._load()

    def _follow_event(self) -> Any:
        return BusinessPrintState.follow

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def ask(self, kind: str) -> Any:
        """Ask for the submittal packet ("packet") or its public copy ("public")."""
        return await self._ask(str(kind)[:20], {})

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def ask_inventory(self, form_data: dict[str, Any]) -> Any:
        """Ask for the inventory report, filtered as the form says."""
        return await self._ask_inventory(form_data)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event(background=True)
    async def follow(self) -> Any:
        return await self._follow()


class RegulatorPrintState(PrintMixin, rx.State):
    """The Print card of the regulator's facility page."""

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        return await self._load()

    def _follow_event(self) -> Any:
        return RegulatorPrintState.follow

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def ask(self, kind: str) -> Any:
        """Ask for the latest submittal's packet ("packet") or its public copy ("public")."""
        return await self._ask(str(kind)[:20], {})

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def ask_inventory(self, form_data: dict[str, Any]) -> Any:
        """Ask for the inventory report, filtered as the form says."""
        return await self._ask_inventory(form_data)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event(background=True)
    async def follow(self) -> Any:
        return await self._follow()
