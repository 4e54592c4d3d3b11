"""HTTP routes of inventory spreadsheets: the upload, the template, the export, the marked file.

Plain HTTP rather than Reflex events: a 25 MB file streams straight to private storage
(cers_app.core.storage) and downloads are ordinary attachments, so nothing from a workbook
passes through Reflex state. The policy table in cers_app.http_api mounts them with the SESSION
policy, which resolves the caller from the session cookie and refuses cross-site POSTs.
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from cers_app.core import db, routes, storage
from cers_app.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from cers_app.core.http_replies import download_headers
from cers_app.core.http_replies import parse_id as _id
from cers_app.core.http_replies import signed_out as _signed_out
from cers_app.core.http_replies import wants_html as _wants_html
from cers_app.core.permissions import Actor
from cers_app.facilities.service import access_facility
from cers_app.inventory import importing, sheet_read, sheet_write
from cers_app.organizations.roles import OrgAction

log = logging.getLogger("cers_app.inventory.http")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_NAME = importing.TEMPLATE_NAME
SPREADSHEET = "a spreadsheet we can read: save it as .xlsx, .xls, .ods or .csv and upload it again"
_TRUE = {"1", "on", "true", "yes", "y"}

# Refusals the route makes itself; the upload page (upload_state.ERRORS) words each code.
BAD_FORM = "The upload form could not be read; reload the page and try again."
BAD_MODE = "Choose how to upload: Append, Replace or Merge."
NO_FACILITY = "That facility was not found."


def _refusal(request: Request, facility_id: int | None, code: str, message: str, status: int):
    """A browser goes back to the upload page with the code; other callers get the message."""
    if _wants_html(request) and facility_id is not None and status != 413:
        target = routes.with_query(
            routes.FACILITY_INVENTORY_UPLOAD, id=str(facility_id), error=code
        )
        return RedirectResponse(target, 303)
    return PlainTextResponse(message, status, headers={"Cache-Control": "no-store"})


def _domain_status(exc: DomainError) -> tuple[str, int]:
    if isinstance(exc, NotFound):
        return "not_found", 404
    if isinstance(exc, PermissionDenied):
        return "forbidden", 403
    if isinstance(exc, Conflict):  # the only conflict of create_import: no draft to import into
        return "no_draft", 409
    return "refused", 400


def _sniff(path: Path) -> str | None:
    return sheet_read.sniff_kind(storage.head(path, sheet_read.HEAD_BYTES))


def _unreadable_code(message: str) -> str:
    lowered = message.lower()
    if "decompression bomb" in lowered:
        return "bomb"
    if "password" in lowered:
        return "encrypted"
    return "unreadable"


def _start_job(import_id: int) -> None:
    def work() -> None:
        try:
            importing.run_import(import_id)
        except Exception:  # the job records its own failure; this only keeps the thread quiet
            log.exception("inventory import %s failed", import_id)

    threading.Thread(target=work, name=f"inventory-import-{import_id}", daemon=True).start()


async def upload(request: Request) -> Response:
    """Receive a spreadsheet for a facility's inventory draft and queue its import."""
    actor: Actor | None = request.state.actor
    if actor is None:
        return _signed_out(request)
    facility_id = _id(request.query_params.get("id"))
    if facility_id is not None:
        # Refuse before reading the body when the link already names the facility.
        try:
            await db.run_async(access_facility, actor, facility_id, OrgAction.UPLOAD)
        except DomainError as exc:
            code, status = _domain_status(exc)
            return _refusal(request, facility_id, code, exc.message, status)
    try:
        fields, staged = await storage.receive_upload(request)
    except storage.UploadRefused as exc:
        return _refusal(request, facility_id, exc.code, exc.message, exc.status)
    try:
        return await _accept(request, actor, facility_id, fields, staged)
    finally:
        staged.discard()  # kept files were moved away; anything else goes


async def _accept(
    request: Request,
    actor: Actor,
    facility_id: int | None,
    fields: dict[str, str],
    staged: storage.Staged,
) -> Response:
    named = fields.get("facility", "").strip()
    if named:
        if facility_id is not None and _id(named) != facility_id:
            return _refusal(request, facility_id, "bad_form", BAD_FORM, 400)
        facility_id = _id(named)
    if facility_id is None:
        return _refusal(request, None, "not_found", NO_FACILITY, 404)
    try:
        await db.run_async(access_facility, actor, facility_id, OrgAction.UPLOAD)
    except DomainError as exc:
        code, status = _domain_status(exc)
        return _refusal(request, facility_id, code, exc.message, status)
    mode = fields.get("mode", "").strip().lower()
    if mode not in importing.MODES:
        return _refusal(request, facility_id, "mode", BAD_MODE, 400)
    valid_rows_only = fields.get("valid_rows_only", "").strip().lower() in _TRUE
    try:
        await asyncio.to_thread(storage.check_kind, staged, _sniff, SPREADSHEET)
        # What can never be read (a decompression bomb, a password) is refused now, not queued.
        await asyncio.to_thread(sheet_read.check_file, staged.path)
    except storage.UploadRefused as exc:
        return _refusal(request, facility_id, exc.code, exc.message, exc.status)
    except sheet_read.UnreadableFile as exc:
        return _refusal(request, facility_id, _unreadable_code(str(exc)), str(exc), 400)
    stored = await db.run_async(storage.keep, actor.user_id, staged)
    try:
        job = await db.run_async(
            importing.create_import, actor, facility_id, stored.id, mode, valid_rows_only
        )
    except DomainError as exc:
        await db.run_async(storage.delete_stored, stored)
        code, status = _domain_status(exc)
        return _refusal(request, facility_id, code, exc.message, status)
    _start_job(job.id)
    target = routes.with_query(
        routes.FACILITY_INVENTORY_UPLOAD, id=str(facility_id), **{"import": str(job.id)}
    )
    return RedirectResponse(target, 303)


def attachment(filename: str, data: bytes, media_type: str = XLSX) -> Response:
    """A download: never shown inline, never cached, never sniffed."""
    return Response(data, media_type=media_type, headers=download_headers(filename))


async def _download(request: Request, make: Callable[[Actor], tuple[str, bytes]]) -> Response:
    actor: Actor | None = request.state.actor
    if actor is None:
        return _signed_out(request)
    try:
        filename, data = await asyncio.to_thread(make, actor)
    except DomainError as exc:
        _code, status = _domain_status(exc)
        return PlainTextResponse(exc.message, status, headers={"Cache-Control": "no-store"})
    return attachment(filename, data)


async def template(request: Request) -> Response:
    """The blank inventory template."""

    def make(_actor: Actor) -> tuple[str, bytes]:
        out = io.BytesIO()
        sheet_write.template_workbook(out)
        return TEMPLATE_NAME, out.getvalue()

    return await _download(request, make)


async def export(request: Request) -> Response:
    """The facility's current inventory in the template's layout."""
    facility_id = _id(request.query_params.get("id"))

    def make(actor: Actor) -> tuple[str, bytes]:
        if facility_id is None:
            raise NotFound("That facility was not found.")
        return db.run(importing.export_workbook, actor, facility_id)

    return await _download(request, make)


async def marked(request: Request) -> Response:
    """An upload's workbook with each problem cell highlighted and commented."""
    facility_id = _id(request.query_params.get("id"))
    import_id = _id(request.query_params.get("import"))

    def make(actor: Actor) -> tuple[str, bytes]:
        if facility_id is None or import_id is None:
            raise NotFound("That upload was not found.")
        return db.run(importing.marked_workbook, actor, facility_id, import_id)

    return await _download(request, make)
