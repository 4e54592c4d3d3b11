"""The regulator's download of a file of a submitted element (?id=<facility>&file=<file>):
only files of versions submitted to the regulator's agencies, never a business's draft."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from cers_app.regulator import submittal_view
from cers_app.submittals.document_routes import send_file


async def download(request: Request) -> Response:
    """One file of a submitted version in the regulator's reach, as an attachment."""
    return await send_file(request, submittal_view.download_file)
