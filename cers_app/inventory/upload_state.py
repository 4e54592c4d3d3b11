"""State of the Upload Inventory page (/facilities/inventory/upload?id=F[&import=J][&error=C]).

The file itself never passes through Reflex: the page's plain HTML form posts it to the
upload route, which stores it, starts the import job and sends the browser back here with the
job's id. This state follows that job: a background event polls it while the file is read,
then the page shows the counts and one page of problems or preview rows at a time. Nothing
else of the workbook is ever in state. Ids come from the address, are parsed here and are
re-scoped by `inventory.importing`, which checks the actor's rights on every call.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any

import reflex as rx

from cers_app.access import identity
from cers_app.core import db, routes
from cers_app.core.codes import DRAFT
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Actor, Permission, requires
from cers_app.inventory import importing, service
from cers_app.inventory.importing import ImportView, PreviewRow, ProblemView
from cers_app.inventory.rules import LEVEL_LABELS
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor, page_number

log = logging.getLogger("cers_app.inventory.upload")

PAGE_SIZE = 25
POLL_SECONDS = 0.5
POLL_LIMIT_SECONDS = 15 * 60  # then the page asks for a reload instead of polling forever
WORKING = importing.RUNNING
ACTIONS = {importing.ADD: "Rows to add", importing.UPDATE: "Rows to update"}
# What the upload route's ?error= codes mean (it sends a code, never text, in the address).
ERRORS = {
    "too_large": "The file is larger than 25 MB. Split it into smaller files and upload each.",
    "empty": "The file is empty. Choose the inventory spreadsheet and upload it again.",
    "no_file": "Choose a spreadsheet file (xlsx, xls, ods or csv) to upload.",
    "not_spreadsheet": "That file is not a spreadsheet. Upload an xlsx, xls, ods or csv file.",
    "unreadable": "The file could not be read as a spreadsheet. Save it as .xlsx and try again.",
    "bomb": "The file unpacks to far more data than a spreadsheet holds, so it was refused.",
    "encrypted": "The file is password-protected. Save it without a password and try again.",
    "mode": "Choose how to upload: Append, Replace or Merge.",
    "bad_form": "The upload form could not be read. Reload the page and try again.",
    "disconnected": "The upload stopped before the whole file arrived. Try again.",
    "forbidden": "Your role does not let you upload inventories for this facility.",
    "not_found": "That facility was not found.",
    "refused": "The upload was refused. Check that the facility has an inventory draft.",
}
UNKNOWN_ERROR = "The upload did not work. Please try again."


async def _session_actor(cookie: str | None, client_ip: str | None) -> Actor | None:
    """The person behind the tab's session cookie now (None once signed out)."""
    return await db.run_async(identity.resolve_actor, cookie, client_ip)


def upload_url(facility_id: int | str, import_id: int | str | None = None) -> str:
    query = {"id": str(facility_id)}
    if import_id is not None:
        query["import"] = str(import_id)
    return routes.with_query(routes.FACILITY_INVENTORY_UPLOAD, **query)


def _job_view(view: ImportView) -> dict[str, str]:
    """The job as the page shows it: text only, no workbook content beyond counts."""
    return {
        "id": str(view.id),
        "status": view.status,
        "status_label": view.status_label,
        "file_name": view.file_name,
        "mode": view.mode,
        "valid_only": "yes" if view.valid_rows_only else "",
        "done": str(view.done),
        "total": str(view.total),
        "percent": str(view.percent),
        "rows": str(view.rows),
        "added": str(view.added),
        "updated": str(view.updated),
        "removed": str(view.removed),
        "unchanged": str(view.unchanged),
        "problems": str(view.problem_count),
        "message": view.message,
        "marked": "yes" if view.has_file and view.problem_count else "",
    }


def _problem_view(problem: ProblemView) -> dict[str, str]:
    return {
        "row": str(problem.row or ""),  # 0: the whole file
        "column": problem.column,
        "heading": problem.heading,
        "message": problem.message,
    }


def _preview_view(row: PreviewRow) -> dict[str, str]:
    return {
        "row": str(row.sheet_row),
        "action": row.action,
        "common_name": row.common_name,
        "location": row.location,
        "cas": row.cas,
        "amount": row.amount,
    }


def _start_reading(import_id: int) -> None:
    """Read a queued job's file in a worker thread, as the upload route does."""

    def work() -> None:
        try:
            importing.run_import(import_id)
        except Exception:  # the job records its own failure; this only keeps the thread quiet
            log.exception("inventory import %s failed", import_id)

    threading.Thread(target=work, name=f"inventory-import-{import_id}", daemon=True).start()


def _summary(header: service.InventoryHeader) -> str:
    """The guidance line shown after an import: the findings the rules left to look at."""
    if not header.rows_with_findings:
        return f"{header.row_count} materials in the inventory draft. No problems found."
    counts = ", ".join(
        f"{header.counts.get(level, 0)} {label.lower()}" for level, label in LEVEL_LABELS.items()
    )
    return (
        f"{header.row_count} materials in the inventory draft; {header.rows_with_findings} "
        f"need attention ({counts}). Look for the guidance icons in the list."
    )


class UploadState(rx.State):
    """Upload Inventory: the form, then the job's progress, preview and confirmation."""

    loaded: bool = False
    facility: dict[str, str] = {}  # id, cers_id, name
    can_upload: bool = False
    reason: str = ""  # why this person cannot upload here
    error: str = ""  # the upload route's refusal, as text
    job: dict[str, str] = {}
    polling: bool = False
    stalled: bool = False
    problems: list[dict[str, str]] = []
    problems_page: int = 1
    problems_pages: int = 1
    preview: list[dict[str, str]] = []
    preview_action: str = importing.ADD
    preview_page: int = 1
    preview_pages: int = 1
    preview_total: int = 0
    guidance: str = ""  # after import: the findings summary of the inventory
    _facility_id: int = 0
    _import_id: int = 0
    _poll_round: int = 0

    def _forget(self) -> None:
        self.loaded = self.can_upload = False
        self.facility, self.reason, self.error = {}, "", ""
        self.job, self.polling, self.stalled, self.guidance = {}, False, False, ""
        self.problems, self.problems_page, self.problems_pages = [], 1, 1
        self.preview, self.preview_action, self.preview_page = [], importing.ADD, 1
        self.preview_pages, self.preview_total = 1, 0
        self._facility_id = self._import_id = 0
        self._poll_round += 1  # a poll still running for an earlier job stops

    def _show_header(self, header: service.InventoryHeader) -> None:
        self._facility_id = header.facility_id
        self.facility = {
            "id": str(header.facility_id),
            "cers_id": str(header.cers_id),
            "name": header.facility_name,
        }
        has_draft = header.version_id is not None and header.status == DRAFT
        self.can_upload = header.can_upload and has_draft
        if not header.can_upload:
            self.reason = "Your role lets you view this inventory but not upload to it."
        elif not has_draft:
            self.reason = (
                "This facility has no inventory draft. Start one on the inventory page, "
                "then upload your spreadsheet."
            )
        else:
            self.reason = ""

    async def _read_problems(self, actor: Actor, page: int) -> None:
        result = await db.run_async(
            importing.problems_page,
            actor,
            self._facility_id,
            self._import_id,
            max(1, page),
            PAGE_SIZE,
        )
        self.problems = [_problem_view(problem) for problem in result.rows]
        self.problems_page, self.problems_pages = result.page, result.pages

    async def _read_preview(self, actor: Actor, page: int) -> None:
        result = await db.run_async(
            importing.preview_page,
            actor,
            self._facility_id,
            self._import_id,
            self.preview_action,
            max(1, page),
            PAGE_SIZE,
        )
        self.preview = [_preview_view(row) for row in result.rows]
        self.preview_page, self.preview_pages = result.page, result.pages
        self.preview_total = result.total

    async def _show_job(self, actor: Actor, view: ImportView) -> None:
        """The job's counts, and its first pages once the file has been read."""
        self.job = _job_view(view)
        status = self.job["status"]
        self.problems, self.preview = [], []
        if status in WORKING or status == importing.CANCELLED:
            return
        if int(self.job["problems"]):
            await self._read_problems(actor, 1)
        if status == importing.READY:
            self.preview_action = (
                importing.ADD if view.added or not view.updated else importing.UPDATE
            )
            await self._read_preview(actor, 1)
        if status == importing.IMPORTED:
            header = await db.run_async(service.inventory, actor, self._facility_id)
            self.guidance = _summary(header)

    def _start_polling(self) -> Any:
        self.polling, self.stalled = True, False
        self._poll_round += 1
        return UploadState.follow_job

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self._forget()
        query = self.router.url.query_parameters
        facility_id = page_number(query.get("id", ""))
        actor = handler_actor()
        try:
            header = await db.run_async(service.inventory, actor, facility_id)
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self._show_header(header)
        code = str(query.get("error", ""))[:40]
        if code:
            self.error = ERRORS.get(code, UNKNOWN_ERROR)
        import_id = page_number(query.get("import", ""))
        if import_id is not None:
            try:
                view = await db.run_async(
                    importing.import_view, actor, self._facility_id, import_id
                )
                self._import_id = import_id
                await self._show_job(actor, view)
            except DomainError as exc:
                self.loaded = True
                return toast_for(exc)
        self.loaded = True
        if self.job.get("status") in WORKING:
            return self._start_polling()
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event(background=True)
    async def follow_job(self) -> Any:
        """Poll the job every half second until the file has been read (or the page moved on)."""
        async with self:
            my_round, import_id = self._poll_round, self._import_id
            facility_id = self._facility_id
            cookie = self.router.headers.cookie or None
            client_ip = self.router.session.client_ip or None
        started = time.monotonic()
        while True:
            await asyncio.sleep(POLL_SECONDS)
            # The session is read again each round: a sign-out stops the polling.
            actor = await _session_actor(cookie, client_ip)
            try:
                view = (
                    None
                    if actor is None
                    else await db.run_async(importing.import_view, actor, facility_id, import_id)
                )
            except DomainError:
                view = None
            async with self:
                if self._poll_round != my_round or self._import_id != import_id:
                    return None
                if actor is None or view is None:
                    self.polling = False
                    return rx.toast.error(
                        "The upload can no longer be followed. Reload the page.",
                        id="form-problem",
                    )
                if view.running:
                    self.job = _job_view(view)
                    if time.monotonic() - started > POLL_LIMIT_SECONDS:
                        self.polling, self.stalled = False, True
                        return None
                    continue
                try:
                    await self._show_job(actor, view)
                except DomainError as exc:
                    self.polling = False
                    return toast_for(exc)
                self.polling = False
                return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def go_to_problems(self, page: int) -> Any:
        if not self._import_id:
            return None
        try:
            await self._read_problems(handler_actor(), page if isinstance(page, int) else 1)
        except DomainError as exc:
            return toast_for(exc)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def go_to_preview(self, page: int) -> Any:
        if not self._import_id or self.job.get("status") != importing.READY:
            return None
        try:
            await self._read_preview(handler_actor(), page if isinstance(page, int) else 1)
        except DomainError as exc:
            return toast_for(exc)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def show_action(self, action: str) -> Any:
        """Which rows the preview lists: those to add, to update or to remove."""
        if (
            action not in ACTIONS
            or not self._import_id
            or self.job.get("status") != importing.READY
        ):
            return None
        self.preview_action = action
        try:
            await self._read_preview(handler_actor(), 1)
        except DomainError as exc:
            return toast_for(exc)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def confirm(self) -> Any:
        """Import the previewed rows into the draft, all in one short transaction."""
        if not self._import_id or self.job.get("status") != importing.READY:
            return rx.toast.error("There is nothing ready to import.", id="form-problem")
        actor = handler_actor()
        try:
            view = await db.run_async(
                importing.confirm_import, actor, self._facility_id, self._import_id
            )
            await self._show_job(actor, view)
        except DomainError as exc:
            return toast_for(exc)
        if self.job.get("status") != importing.IMPORTED:
            return rx.toast.error(self.job.get("message") or "Not imported.", id="form-problem")
        return rx.toast.success("The inventory was imported.", id="upload-done")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def cancel(self) -> Any:
        """Drop the previewed upload; the inventory stays as it was."""
        if not self._import_id:
            return None
        actor = handler_actor()
        try:
            view = await db.run_async(
                importing.cancel_import, actor, self._facility_id, self._import_id
            )
            await self._show_job(actor, view)
        except DomainError as exc:
            return toast_for(exc)
        self._poll_round += 1
        self.polling = False
        return rx.toast.info("Upload cancelled. The inventory was not changed.", id="upload-done")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def retry(self) -> Any:
        """Read a failed upload's file again (after a crash or a stopped worker)."""
        if not self._import_id:
            return None
        actor = handler_actor()
        try:
            view = await db.run_async(
                importing.retry_import, actor, self._facility_id, self._import_id
            )
            await self._show_job(actor, view)
        except DomainError as exc:
            return toast_for(exc)
        if view.status == importing.QUEUED:
            _start_reading(view.id)
        return self._start_polling() if view.running else None
