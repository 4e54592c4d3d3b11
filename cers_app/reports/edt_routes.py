"""HTTP route of the regulator's CERS EDT download (?id=<facility>): a ZIP of the facility's
latest submittal as EDT XML with its uploaded files, limited to what the regulator's agencies
see. Mounted by cers_app.http_api with the SESSION policy, like the document downloads."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from cers_app.core import db
from cers_app.core.errors import DomainError, NotFound, PermissionDenied
from cers_app.core.http_replies import download_headers, parse_id, signed_out
from cers_app.core.permissions import Actor
from cers_app.facilities.models import Facility
from cers_app.reports import edt_export, edt_schema

ZIP_TYPE = "application/zip"
SCHEMAS_MISSING = (
    "The CERS EDT export is not available: this site's administrator has to install the CERS "
    "EDT schemas (setting CERS_EDT_XSD_DIR)."
)
log = logging.getLogger("cers_app.reports")


@dataclass(frozen=True)
class EdtDownload:
    filename: str
    content: bytes


def fetch(session: Session, actor: Actor, facility_id: object) -> EdtDownload:
    """The regulator's EDT ZIP of facility `facility_id` (NotFound outside their reach)."""
    content = edt_export.regulator_export_zip(session, actor, facility_id)
    facility = session.get(Facility, facility_id)
    assert facility is not None  # the export has just loaded it
    return EdtDownload(f"CERS-EDT-{facility.cers_id}.zip", content)


def _status(exc: DomainError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, PermissionDenied):
        return 403
    return 422  # the document does not pass the official schema


async def regulator_download(request: Request) -> Response:
    """The EDT ZIP of a facility in the signed-in regulator's jurisdiction, as an
    attachment; 404 (or 403) as plain text for anything outside it."""
    actor: Actor | None = request.state.actor
    if actor is None:
        return signed_out(request)
    facility_id = parse_id(request.query_params.get("id"))
    try:
        found = await db.run_async(fetch, actor, facility_id)
    except DomainError as exc:
        return PlainTextResponse(exc.message, _status(exc), headers={"Cache-Control": "no-store"})
    except edt_schema.SchemaMissing:
        # The site's setup, not the request: the administrator sets CERS_EDT_XSD_DIR.
        log.exception("EDT export: the CERS EDT schemas are missing")
        return PlainTextResponse(SCHEMAS_MISSING, 503, headers={"Cache-Control": "no-store"})
    return Response(found.content, media_type=ZIP_TYPE, headers=download_headers(found.filename))
