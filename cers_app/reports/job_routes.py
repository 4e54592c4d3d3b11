"""The download of a finished report job's PDF (?id=<facility>&file=<job>): only for the
person who asked for it, while they may still print that facility."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from cers_app.reports import jobs
from cers_app.submittals.document_routes import send_file


async def job_file(request: Request) -> Response:
    """The job's PDF as an attachment."""
    return await send_file(request, jobs.download)
