"""HTTP routes served beside the Reflex app, each with an explicit access policy.

POLICIES is the reviewed table: a route without an entry is not mounted, and
tests/security/test_http_policies.py checks every mounted route against it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import ipaddress
import logging
import re
from collections.abc import Awaitable, Callable
from enum import StrEnum

from reflex_base.config import get_config
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cers_app.access import identity
from cers_app.accounts import sessions
from cers_app.core import clock, db, routes, storage
from cers_app.core.error_reports import ErrorReference
from cers_app.core.errors import DomainError
from cers_app.core.origins import OriginCheck, foreign_origin
from cers_app.core.permissions import Actor, Permission, Portal
from cers_app.core.settings import get_settings
from cers_app.inventory import http_routes as inventory_http
from cers_app.organizations import service as org_service
from cers_app.regulator import document_route as regulator_documents
from cers_app.reports import edt_routes, job_routes
from cers_app.submittals import document_routes

log = logging.getLogger("cers_app.http")

Endpoint = Callable[[Request], Awaitable[Response]]


class RoutePolicy(StrEnum):
    PUBLIC = "public"
    """Anyone; the route checks its own credential (for example a single-use token)."""
    SESSION = "session"
    """A live session cookie; the route acts only on the caller's own data."""
    LOOPBACK_DEVELOPMENT = "loopback-development"
    """Only with CERS_ENV=development and only for clients on this machine; 404 otherwise."""


def client_ip(request: Request) -> str:
    """The caller's address, trusting X-Forwarded-For only through configured proxy hops."""
    address = request.client.host if request.client else "0.0.0.0"  # noqa: S104
    hops = get_config().trusted_proxy_hops
    if hops:
        forwarded = [ip.strip() for ip in request.headers.get("x-forwarded-for", "").split(",")]
        forwarded = [ip for ip in forwarded if ip]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    return address


def _same_origin(request: Request) -> bool:
    # OriginCheck already refused these for the whole app; routes keep their own check too.
    return foreign_origin(request.scope) is None


def _home_url(opened_portal: Portal, actor: Actor | None) -> str:
    if opened_portal is Portal.BUSINESS:
        return routes.BUSINESS_HOME
    if actor and actor.can(Permission.SYSTEM_ADMIN) and not actor.can(Permission.REGULATOR_PORTAL):
        return routes.ADMIN_HOME
    return routes.REGULATOR_HOME


async def open_session(request: Request) -> Response:
    """Exchange the single-use sign-in token for the HttpOnly session cookie."""
    raw = request.query_params.get("token", "")
    settings = get_settings()
    try:
        opened = await asyncio.to_thread(
            db.run,
            sessions.open_session,
            raw,
            client_ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
        )
    except DomainError as exc:
        log.info("sign-in token refused: %s", exc.message)
        return RedirectResponse(routes.with_query(routes.SIGN_IN, problem="expired"), 303)
    if opened.portal is Portal.BUSINESS:
        # An invited person who just activated their account joins at first sign-in.
        await asyncio.to_thread(db.run, org_service.claim_invitations, opened.user_id)
    actor = await asyncio.to_thread(
        db.run, identity.resolve_actor, f"{identity.SESSION_COOKIE}={opened.cookie_value}", None
    )
    if actor is not None and Permission.ACCOUNT not in actor.permissions:
        target = routes.ACCEPT_CONDITIONS
    else:
        target = _home_url(opened.portal, actor)
    response = RedirectResponse(target, 303)
    response.set_cookie(
        identity.SESSION_COOKIE,
        opened.cookie_value,
        max_age=opened.max_age_seconds,
        path="/",
        httponly=True,
        samesite="strict",
        secure=settings.uses_https or request.url.scheme == "https",
    )
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def sign_out(request: Request) -> Response:
    """Revoke the caller's session and clear the cookie (a native form POST)."""
    if not _same_origin(request):
        return PlainTextResponse("Cross-site sign-out refused.", 403)
    actor: Actor | None = request.state.actor
    if actor is not None:
        await asyncio.to_thread(
            db.run, sessions.sign_out, actor.session_id, actor.user_id, client_ip(request)
        )
    response = RedirectResponse(routes.with_query(routes.LANDING, signed_out="1"), 303)
    response.delete_cookie(
        identity.SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=get_settings().uses_https or request.url.scheme == "https",
    )
    return response


async def health(request: Request) -> Response:
    """A database round trip and, when configured, a Redis PING; 503 naming what failed."""
    from cers_app.ops.health import probe

    parts = await asyncio.to_thread(probe)
    healthy = all(state in ("ok", "not configured") for state in parts.values())
    if not healthy:
        log.warning("health check failed: %s", parts)
    return JSONResponse({"status": "ok" if healthy else "error", **parts}, 200 if healthy else 503)


async def outbox_index(request: Request) -> Response:
    """Development only: the emails written to data/outbox, newest first."""
    folder = get_settings().outbox_dir
    files = sorted(folder.glob("*.eml"), reverse=True) if folder.exists() else []
    items = "".join(
        f'<li><a href="{routes.DEV_OUTBOX}/{html.escape(f.name)}">{html.escape(f.name)}</a></li>'
        for f in files[:500]
    )
    body = (
        "<!doctype html><title>Development outbox</title><h1>Development outbox</h1>"
        f"<p>{len(files)} message(s) in {html.escape(str(folder))}</p><ol>{items}</ol>"
    )
    return HTMLResponse(body)


_OUTBOX_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.eml")


async def outbox_message(request: Request) -> Response:
    """Development only: one outbox message, as raw text."""
    name = request.path_params["name"]
    folder = get_settings().outbox_dir
    if not _OUTBOX_NAME.fullmatch(name):  # also keeps NUL bytes away from the filesystem
        return PlainTextResponse("No such message.", 404)
    path = (folder / name).resolve()
    if path.parent != folder.resolve() or path.suffix != ".eml" or not path.is_file():
        return PlainTextResponse("No such message.", 404)
    return PlainTextResponse(path.read_text("utf-8", errors="replace"))


async def dev_clock(request: Request) -> Response:
    """Development only: GET shows the server clock; POST `at` (an aware ISO datetime) freezes
    it there, an empty `at` or DELETE lets it run again (browser tests of schedules)."""
    if request.method == "DELETE":
        clock.set_now(None)
    elif request.method == "POST":
        if "json" in request.headers.get("content-type", ""):
            try:
                body = await request.json()
            except ValueError:
                return JSONResponse({"error": "The body is not JSON."}, 400)
            at = str(body.get("at", "") if isinstance(body, dict) else "")
        else:
            at = str((await request.form()).get("at", ""))
        if not at.strip():
            clock.set_now(None)
        else:
            try:
                moment = dt.datetime.fromisoformat(at.strip())
                clock.set_now(moment)
            except ValueError:
                return JSONResponse({"error": "`at` must be an ISO datetime with an offset."}, 400)
    return JSONResponse({"now": clock.now().isoformat()})


def _is_loopback(request: Request) -> bool:
    if request.headers.get("x-forwarded-for"):
        return False  # came through a proxy: not a local client
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "testclient"


def _enforce(policy: RoutePolicy, endpoint: Endpoint) -> Endpoint:
    async def guarded(request: Request) -> Response:
        local_dev = get_settings().is_development and _is_loopback(request)
        if policy is RoutePolicy.LOOPBACK_DEVELOPMENT and not local_dev:
            return PlainTextResponse("Not Found", 404)
        request.state.actor = None
        unsafe = request.method not in ("GET", "HEAD")
        if policy is RoutePolicy.SESSION and unsafe and not _same_origin(request):
            return PlainTextResponse("Cross-site request refused.", 403)
        if policy is RoutePolicy.SESSION:
            request.state.actor = await asyncio.to_thread(
                db.run,
                identity.resolve_actor,
                request.headers.get("cookie"),
                client_ip(request),
            )
        return await endpoint(request)

    guarded.__name__ = endpoint.__name__
    return guarded


# path -> (endpoint, methods, policy). Sign-out tolerates a missing session: it then only
# clears the cookie, so it needs no sign-in but still reads the session when there is one.
POLICIES: dict[str, tuple[Endpoint, list[str], RoutePolicy]] = {
    routes.AUTH_SESSION: (open_session, ["GET"], RoutePolicy.PUBLIC),
    routes.AUTH_SIGN_OUT: (sign_out, ["POST"], RoutePolicy.SESSION),
    routes.HEALTH: (health, ["GET"], RoutePolicy.PUBLIC),
    routes.DEV_OUTBOX: (outbox_index, ["GET"], RoutePolicy.LOOPBACK_DEVELOPMENT),
    routes.DEV_OUTBOX + "/{name}": (outbox_message, ["GET"], RoutePolicy.LOOPBACK_DEVELOPMENT),
    routes.DEV_CLOCK: (dev_clock, ["GET", "POST", "DELETE"], RoutePolicy.LOOPBACK_DEVELOPMENT),
    routes.INVENTORY_UPLOAD: (inventory_http.upload, ["POST"], RoutePolicy.SESSION),
    routes.INVENTORY_TEMPLATE: (inventory_http.template, ["GET"], RoutePolicy.SESSION),
    routes.INVENTORY_EXPORT: (inventory_http.export, ["GET"], RoutePolicy.SESSION),
    routes.INVENTORY_MARKED: (inventory_http.marked, ["GET"], RoutePolicy.SESSION),
    routes.DOCUMENT_UPLOAD: (document_routes.upload, ["POST"], RoutePolicy.SESSION),
    routes.DOCUMENT_FILE: (document_routes.download, ["GET"], RoutePolicy.SESSION),
    routes.REGULATOR_DOCUMENT_FILE: (regulator_documents.download, ["GET"], RoutePolicy.SESSION),
    routes.REPORT_FILE: (job_routes.job_file, ["GET"], RoutePolicy.SESSION),
    routes.REGULATOR_EDT_EXPORT: (edt_routes.regulator_download, ["GET"], RoutePolicy.SESSION),
}


class BodySizeLimit:
    """Refuses request bodies over storage.MAX_REQUEST_BYTES with 413, before reading them.

    Reflex has no server-side upload limit, and our app wraps Reflex's (its routes, /_upload
    among them, are mounted inside ours), so this guards every HTTP request of the backend: a
    declared Content-Length over the limit, or a body without a declared length (chunked), is
    answered at once; otherwise the bytes are counted as they arrive and the request is cut
    off, with 413, the moment they pass the limit or the declared length.
    """

    def __init__(self, app: ASGIApp, limit: int = storage.MAX_REQUEST_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key.lower(): value for key, value in scope.get("headers", [])}
        declared_raw = headers.get(b"content-length")
        if declared_raw is None and b"transfer-encoding" in headers:
            await _too_large(send)
            return
        declared = int(declared_raw) if declared_raw and declared_raw.isdigit() else None
        if declared_raw is not None and (declared is None or declared > self.limit):
            await _too_large(send)
            return
        allowed = self.limit if declared is None else declared
        received = 0
        cut_off = False
        started = False

        async def counted_receive() -> Message:
            nonlocal received, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > allowed:
                    cut_off = True
                    if not started:
                        await _too_large(send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if cut_off:
                return  # the 413 went out; whatever the app answers to the cut-off is dropped
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, guarded_send)


async def _too_large(send: Send) -> None:
    body = storage.too_large().message.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def build_api() -> Starlette:
    """The Starlette app Reflex mounts its own routes under (via api_transformer)."""
    return Starlette(
        routes=[
            Route(path, _enforce(policy, endpoint), methods=methods)
            for path, (endpoint, methods, policy) in POLICIES.items()
        ],
        # Outermost first: a cross-site request is refused before its size is even looked at,
        # and a route that raises answers with a reference instead of its traceback.
        middleware=[Middleware(OriginCheck), Middleware(BodySizeLimit), Middleware(ErrorReference)],
    )
