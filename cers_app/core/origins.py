"""Which web origins may talk to the app, and the guard that turns the others away.

The allowed origins are the base URL's (CERS_BASE_URL) plus any listed in
CERS_ALLOWED_ORIGINS (comma-separated, for a site reached under a second name). A browser
always names the page's origin in `Origin` on a cross-site POST and on every websocket
handshake, so a request that names another origin comes from another site's page and is
refused before the app reads a byte of its body or runs an event. A request that names no
origin at all did not come from a browser page (the CLI, curl, the tests): it carries no
ambient credential a foreign page could borrow, so it is let through to the route's own checks.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from cers_app.core.settings import Settings, get_settings

log = logging.getLogger("cers_app.http")

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}
CROSS_SITE_REFUSED = b"Cross-site request refused."


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of `url`, lower-cased, without a default port; None if not a URL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def allowed_origins(settings: Settings | None = None) -> frozenset[str]:
    """The origins whose pages may post to the app and open its websocket."""
    settings = settings or get_settings()
    found = {origin_of(settings.base_url)}
    found.update(origin_of(text) for text in settings.allowed_origins.split(",") if text.strip())
    origins = {origin for origin in found if origin}
    # A development site on localhost is as often opened as 127.0.0.1.
    origins |= {
        o.replace("://localhost:", "://127.0.0.1:") for o in origins if "://localhost:" in o
    }
    return frozenset(origins)


def websocket_origins(origins: frozenset[str]) -> list[str]:
    """The ws:// or wss:// origins of `origins`, for the policy's connect-src."""
    return sorted(o.replace("http", "ws", 1) for o in origins)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def foreign_origin(scope: Scope) -> str | None:
    """The other site a request came from, or None when it came from ours or from no page.

    `Origin` decides; without it, `Referer` (some browsers leave `Origin` out of same-origin
    requests). A `null` origin (a sandboxed frame, a privacy redirect) is treated as foreign.
    """
    origin = _header(scope, b"origin")
    if origin is None:
        referer = _header(scope, b"referer")
        if not referer:
            return None
        origin = origin_of(referer) or referer
    claimed = origin_of(origin) if origin.strip().lower() != "null" else None
    if claimed is not None and claimed in allowed_origins():
        return None
    return origin[:200]


class OriginCheck:
    """Refuses unsafe HTTP methods (403) and websocket handshakes from another site's pages.

    It wraps every route of the backend, Reflex's own (`/_event`, `/_upload`) included, and
    answers before the request body is read.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http" and scope.get("method", "GET") in UNSAFE_METHODS:
            foreign = foreign_origin(scope)
            if foreign is not None:
                log.warning(
                    "cross-site %s %s from %s refused", scope["method"], scope["path"], foreign
                )
                await _refuse_http(send)
                return
        elif kind == "websocket":
            foreign = foreign_origin(scope)
            if foreign is not None:
                log.warning("websocket from %s refused at the handshake", foreign)
                message = await receive()
                if message["type"] == "websocket.connect":
                    # Closing before accepting makes the server answer the handshake with 403.
                    await send({"type": "websocket.close", "code": 1008})
                return
        await self.app(scope, receive, send)


async def _refuse_http(send: Send) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(CROSS_SITE_REFUSED)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": CROSS_SITE_REFUSED})
