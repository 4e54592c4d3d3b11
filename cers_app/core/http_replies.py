"""Small pieces the HTTP routes beside the Reflex app share: reading ids, answering a signed-out
caller, and the headers of a download."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from cers_app.core import routes


def wants_html(request: Request) -> bool:
    """A browser following a link or a form (it gets redirects); other callers get text."""
    return "text/html" in request.headers.get("accept", "")


def parse_id(raw: str | None) -> int | None:
    """A database id from a query or form value, or None."""
    return int(raw) if raw and re.fullmatch(r"[0-9]{1,10}", raw) else None


def signed_out(request: Request) -> Response:
    """A browser is sent to sign in; other callers get 401."""
    if wants_html(request):
        return RedirectResponse(routes.SIGN_IN, 303)
    return PlainTextResponse("Sign in first.", 401)


def download_headers(filename: str) -> dict[str, str]:
    """A download: never shown inline, never cached, never sniffed."""
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "download"
    return {
        "Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''"
        f"{quote(filename)}",
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    }
