"""Security headers on every HTTP response: pages, static assets, downloads and API routes.

The Content-Security-Policy allows scripts from the site itself and, in a page, only the inline
scripts that the frontend build wrote into its HTML files (each by its SHA-256): never
'unsafe-eval' and never 'unsafe-inline' for scripts. Styles need 'unsafe-inline' (Radix
themes and Emotion set style attributes and insert style elements at run time). A route that
sets its own, stricter header (a document download's `sandbox` policy, the sign-in exchange's
`no-referrer`) keeps it.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cers_app.core.origins import allowed_origins, websocket_origins
from cers_app.core.settings import get_settings

log = logging.getLogger("cers_app.http")

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
HSTS = "max-age=31536000; includeSubDomains"
_INLINE_SCRIPT = re.compile(rb"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.DOTALL | re.I)
_HAS_SRC = re.compile(rb"\ssrc\s*=", re.I)
_MAX_PAGE_BYTES = 4 * 1024 * 1024
_RESCAN_SECONDS = 30.0


def inline_script_hashes(html: bytes) -> list[str]:
    """CSP source expressions ('sha256-...') of the inline scripts of `html`, in order."""
    found = []
    for match in _INLINE_SCRIPT.finditer(html):
        if _HAS_SRC.search(match["attrs"]) or not match["body"]:
            continue
        digest = base64.b64encode(hashlib.sha256(match["body"]).digest()).decode()
        source = f"'sha256-{digest}'"
        if source not in found:
            found.append(source)
    return found


class BuiltScripts:
    """The inline-script hashes of the frontend build's HTML files (read when first needed).

    Only these may run: a script that is not in the build (whatever put it into a response)
    gets no hash and the browser refuses it.
    """

    def __init__(self, folder: Callable[[], Path | None]) -> None:
        self._folder = folder
        self._hashes: frozenset[str] = frozenset()
        self._scanned_at = float("-inf")
        self._lock = threading.Lock()

    def _scan(self) -> None:
        folder = self._folder()
        hashes: set[str] = set()
        if folder is not None and folder.is_dir():
            for page in folder.rglob("*.html"):
                hashes.update(inline_script_hashes(page.read_bytes()))
        self._hashes, self._scanned_at = frozenset(hashes), time.monotonic()

    def known(self, wanted: list[str]) -> list[str]:
        """Those of `wanted` that the build wrote; a rebuilt frontend is read again."""
        with self._lock:
            stale = time.monotonic() - self._scanned_at > _RESCAN_SECONDS
            if stale and not set(wanted) <= self._hashes:
                self._scan()
            return [source for source in wanted if source in self._hashes]


def content_security_policy(script_hashes: list[str] | None = None) -> str:
    """The site's policy; `script_hashes` are the inline scripts a page may run."""
    origins = allowed_origins()
    scripts = " ".join(["'self'", *(script_hashes or [])])
    connect = " ".join(["'self'", *websocket_origins(origins)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "font-src 'self' data:",
            f"connect-src {connect}",
            "media-src 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def _baseline(headers: MutableHeaders) -> None:
    defaults = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": PERMISSIONS_POLICY,
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if get_settings().uses_https:
        defaults["Strict-Transport-Security"] = HSTS
    for name, value in defaults.items():
        if name not in headers:
            headers[name] = value


def _is_html(headers: MutableHeaders) -> bool:
    return headers.get("content-type", "").lower().startswith("text/html")


class SecurityHeaders:
    """ASGI middleware that gives every HTTP response the site's security headers."""

    def __init__(self, app: ASGIApp, built_pages: Callable[[], Path | None] | None = None) -> None:
        self.app = app
        self.scripts = BuiltScripts(built_pages or (lambda: None))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal held, size
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                _baseline(headers)
                if "content-security-policy" in headers or message["status"] == 304:
                    # A 304's headers replace the cached page's: leave its policy, hashes and all.
                    await send(message)
                elif _is_html(headers) and scope.get("method") != "HEAD":
                    held = message  # the policy names the page's scripts: wait for the body
                else:
                    headers["Content-Security-Policy"] = content_security_policy()
                    await send(message)
                return
            if held is not None and message["type"] == "http.response.pathsend":
                # The server sends the file itself (a built page): read it for its scripts.
                start, held = held, None
                headers = MutableHeaders(scope=start)
                page = Path(message["path"])
                scripts = await asyncio.to_thread(self._page_scripts, headers, page.read_bytes)
                headers["Content-Security-Policy"] = content_security_policy(scripts)
                await send(start)
                await send(message)
                return
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if message.get("more_body", False) and size <= _MAX_PAGE_BYTES:
                return
            start, held = held, None
            body = b"".join(chunks)
            headers = MutableHeaders(scope=start)
            scripts = await asyncio.to_thread(self._page_scripts, headers, lambda: body)
            headers["Content-Security-Policy"] = content_security_policy(scripts)
            await send(start)
            await send({**message, "body": body})

        await self.app(scope, receive, send_with_headers)

    def _page_scripts(self, headers: MutableHeaders, read: Callable[[], bytes]) -> list[str]:
        # Runs in a worker thread: reading, unzipping and (rarely) rescanning the build.
        encoding = headers.get("content-encoding", "").lower()
        try:
            body = read()
            html = gzip.decompress(body) if encoding == "gzip" else body if not encoding else b""
        except (OSError, EOFError):
            html = b""
        return self.scripts.known(inline_script_hashes(html))


def frontend_build_folder() -> Path | None:
    """Where `reflex run --env prod` serves the built pages from (None if not built)."""
    from reflex.utils import prerequisites
    from reflex_base import constants
    from reflex_base.config import get_config

    folder = prerequisites.get_web_dir() / constants.Dirs.STATIC
    folder = folder / get_config().frontend_path.strip("/")
    return folder.resolve() if folder.is_dir() else None
