"""HTTP routes of element documents: uploading a file into a slot, downloading one.

Plain HTTP rather than Reflex events, like the inventory spreadsheets: the file streams
straight to private storage (cers_app.core.storage) and downloads are ordinary attachments. The
policy table in cers_app.http_api mounts both with the SESSION policy (the caller from the
session cookie; cross-site POSTs refused), behind its body-size guard. A browser's form is
answered with a redirect back to the element's page, naming the slot and what happened as short
codes (document_state.RESULTS words them); other callers get JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)

from cers_app.core import db, routes, storage
from cers_app.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.http_replies import download_headers, parse_id, signed_out, wants_html
from cers_app.core.permissions import Actor
from cers_app.facilities.service import SUBMITTED_UNCHANGEABLE
from cers_app.submittals import document_rules, documents

UPLOADED = "uploaded"
# The page that shows each element's documents.
ELEMENT_PAGES = {1: routes.FACILITY, 2: routes.FACILITY_INVENTORY, 3: routes.FACILITY_PLANS}
BAD_FORM = "The upload form could not be read; reload the page and try again."


def page_url(facility_id: int, slot: int | None, result: str) -> str:
    """The element page of `slot`, told which slot the upload was for and how it went."""
    definition = document_rules.find_slot(slot)
    element = definition.element if definition else 0
    page = ELEMENT_PAGES.get(element, routes.FACILITY_PLANS if definition else routes.FACILITY)
    query = {"id": str(facility_id), "doc_result": result}
    if definition and element not in ELEMENT_PAGES:  # the documents page of that element
        query["element"] = str(element)
    if slot is not None:
        query["doc_slot"] = str(slot)
    return routes.with_query(page, **query)


def domain_code(exc: DomainError) -> tuple[str, int]:
    """The short code and HTTP status of a refusal by the documents service."""
    if isinstance(exc, storage.UploadRefused):
        return exc.code, exc.status
    if isinstance(exc, NotFound):
        return "not_found", 404
    if isinstance(exc, PermissionDenied):
        return "forbidden", 403
    if isinstance(exc, ValidationFailed):
        field = next(iter(exc.fields), "form")
        return f"invalid_{field}", 400
    if isinstance(exc, Conflict):
        if isinstance(exc, documents.NoDraft):
            return "no_draft", 409
        if exc.message == SUBMITTED_UNCHANGEABLE:
            return "submitted", 409
        if exc.message == documents.TOO_MANY_FILES:
            return "too_many", 409
        return "conflict", 409
    return "refused", 400


def _refusal(
    request: Request, facility_id: int | None, slot: int | None, exc: DomainError
) -> Response:
    code, status = domain_code(exc)
    if wants_html(request) and facility_id is not None and status != 413:
        return RedirectResponse(page_url(facility_id, slot, code), 303)
    return JSONResponse(
        {"error": code, "message": exc.message}, status, headers={"Cache-Control": "no-store"}
    )


def _agreed(query: int | None, form: str) -> tuple[int | None, bool]:
    """The id named by the form (or only by the link); False when the two disagree."""
    named = parse_id(form.strip()) if form.strip() else None
    if query is not None and named is not None and named != query:
        return None, False
    return named if named is not None else query, True


async def upload(request: Request) -> Response:
    """Receive one file for a slot of an element draft."""
    actor: Actor | None = request.state.actor
    if actor is None:
        return signed_out(request)
    params = request.query_params
    facility_id = parse_id(params.get("id"))
    version_id = parse_id(params.get("version"))
    slot = parse_id(params.get("slot"))
    if None not in (facility_id, version_id, slot):
        # Refuse before reading the body when the link already names where the file goes.
        try:
            await db.run_async(documents.check_can_attach, actor, facility_id, version_id, slot)
        except DomainError as exc:
            return _refusal(request, facility_id, slot, exc)
    try:
        fields, staged = await storage.receive_upload(request)
    except storage.UploadRefused as exc:
        return _refusal(request, facility_id, slot, exc)
    try:
        return await _accept(request, actor, (facility_id, version_id, slot), fields, staged)
    finally:
        staged.discard()  # a kept file was moved away; anything else goes


async def _accept(
    request: Request,
    actor: Actor,
    named: tuple[int | None, int | None, int | None],
    fields: dict[str, str],
    staged: storage.Staged,
) -> Response:
    facility_id, facility_ok = _agreed(named[0], fields.get("facility", ""))
    version_id, version_ok = _agreed(named[1], fields.get("version", ""))
    slot, slot_ok = _agreed(named[2], fields.get("slot", ""))
    if not (facility_ok and version_ok and slot_ok):
        return _refusal(request, named[0], named[2], storage.UploadRefused("bad_form", BAD_FORM))
    if facility_id is None:
        return _refusal(request, None, slot, NotFound("That facility was not found."))
    try:
        view = await db.run_async(
            documents.attach_file,
            actor,
            facility_id,
            version_id,
            slot,
            staged,
            title=fields.get("title", ""),
            description=fields.get("description", ""),
            date_authored=fields.get("date_authored", ""),
        )
    except DomainError as exc:
        return _refusal(request, facility_id, slot, exc)
    if wants_html(request):
        return RedirectResponse(page_url(facility_id, slot, UPLOADED), 303)
    files = [{"id": f.id, "name": f.original_name, "title": f.title} for f in view.files]
    return JSONResponse({"slot": view.code, "files": files}, 201)


async def download(request: Request) -> Response:
    """One uploaded file, as an attachment, to the people of the facility's business."""
    return await send_file(request, documents.download_file)


async def send_file(request: Request, fetch: Callable[..., Any]) -> Response:
    """The file `fetch(session, actor, facility_id, file_id)` finds for the signed-in actor
    (from ?id=<facility>&file=<file>), as an attachment that never runs in the browser."""
    actor: Actor | None = request.state.actor
    if actor is None:
        return signed_out(request)
    facility_id = parse_id(request.query_params.get("id"))
    file_id = parse_id(request.query_params.get("file"))
    try:
        found = await db.run_async(fetch, actor, facility_id, file_id)
    except DomainError as exc:
        _code, status = domain_code(exc)
        return PlainTextResponse(exc.message, status, headers={"Cache-Control": "no-store"})
    return FileResponse(
        found.path,
        media_type=found.media_type,
        headers={**download_headers(found.filename), "Content-Security-Policy": "sandbox"},
    )
