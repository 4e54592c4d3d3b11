"""HTTP hardening: security headers on every response, the Content-Security-Policy's script
hashes, the origin check on every unsafe method and on websocket handshakes, and errors that
tell the client only a reference.

The routes run in-process (Starlette's TestClient, the real `build_api()` with the middleware
`cers_app.py` installs); the origin guard is also driven as a bare ASGI app, to see that a
refused request's body is never read.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from cers_app import http_api
from cers_app.core import routes
from cers_app.core.origins import OriginCheck, allowed_origins, origin_of
from cers_app.core.security_headers import SecurityHeaders, inline_script_hashes
from cers_app.core.settings import reload_settings
from tests.security.report import tally

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

SITE = "http://testserver"  # the tests' CERS_BASE_URL
FOREIGN = ["https://evil.example", "null", "http://testserver:8080", "https://testserver"]
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
BASELINE = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def _site(**options) -> TestClient:
    """The backend as `cers_app.py` assembles it: our routes, the guards and the headers."""
    api = http_api.build_api()
    api.add_middleware(SecurityHeaders)
    return TestClient(api, follow_redirects=False, **options)


def _assert_headers(response, what: str) -> str:
    for name, value in BASELINE.items():
        assert response.headers.get(name) == value, (what, name, response.headers)
    assert "camera=()" in response.headers.get("permissions-policy", ""), what
    policy = response.headers.get("content-security-policy", "")
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "img-src 'self' data: blob:",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ):
        assert directive in policy, (what, directive, policy)
    assert "unsafe-eval" not in policy, what
    assert not re.search(r"script-src[^;]*'unsafe-inline'", policy), what
    return policy


# ------------------------------------------------------------------ headers


def test_every_kind_of_response_carries_the_security_headers(database) -> None:
    with _site() as client:
        answers = {
            "a route": client.get(routes.HEALTH),
            "a missing page": client.get("/no-such-page"),
            "a refused cross-site post": client.post(
                routes.AUTH_SIGN_OUT, headers={"origin": "https://evil.example"}
            ),
            "a body too large": client.post(
                routes.INVENTORY_UPLOAD, headers={"content-length": str(10**10)}
            ),
            "a redirect": client.get(routes.AUTH_SESSION, params={"token": "x"}),
        }
    for what, response in answers.items():
        policy = _assert_headers(response, what)
        assert "connect-src 'self' ws://testserver" in policy, policy
        assert "strict-transport-security" not in response.headers, f"{what}: http has no HSTS"
    tally("http", "allowed", len(answers))


def test_an_https_site_sends_hsts_and_allows_only_its_wss_origin(
    database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CERS_BASE_URL", "https://cers.example.org/")
    reload_settings()
    with _site(base_url="https://cers.example.org") as client:
        response = client.get(routes.HEALTH)
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    policy = _assert_headers(response, "https")
    assert "connect-src 'self' wss://cers.example.org;" in policy, policy
    tally("http", "allowed")


def test_a_route_s_own_stricter_policy_is_kept() -> None:
    async def download(request) -> Response:
        return PlainTextResponse("x", headers={"Content-Security-Policy": "sandbox"})

    app = Starlette(routes=[Route("/file", download)], middleware=[Middleware(SecurityHeaders)])
    with TestClient(app) as client:
        response = client.get("/file")
    assert response.headers["content-security-policy"] == "sandbox"
    assert response.headers["x-content-type-options"] == "nosniff"
    tally("http", "allowed")


@pytest.mark.parametrize("base", ["http://testserver", "https://cers.example.org"])
def test_the_cookie_cleared_at_sign_out_has_the_session_cookie_s_flags(
    database, monkeypatch: pytest.MonkeyPatch, base: str
) -> None:
    monkeypatch.setenv("CERS_BASE_URL", base)
    reload_settings()
    with _site(base_url=base) as client:
        response = client.post(routes.AUTH_SIGN_OUT)
    cleared = response.headers["set-cookie"].lower()
    assert "httponly" in cleared and "samesite=strict" in cleared and "path=/" in cleared
    assert ("; secure" in cleared) == base.startswith("https://"), cleared
    tally("http", "allowed")


# ------------------------------------------------------------------ script hashes


BUILT = b'<html><script>window.__built = 1;</script><script src="/a.js"></script></html>'
INJECTED = b"<script>alert(document.cookie)</script>"


@pytest.fixture
def built_pages(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_bytes(BUILT)
    return tmp_path


def _html_app(folder: Path, body: bytes, *, gzipped: bool = False) -> Starlette:
    async def page(request) -> Response:
        if gzipped:
            return Response(
                gzip.compress(body), media_type="text/html", headers={"content-encoding": "gzip"}
            )
        return HTMLResponse(body)

    return Starlette(
        routes=[Route("/", page)],
        middleware=[Middleware(SecurityHeaders, built_pages=lambda: folder)],
    )


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_a_page_may_run_the_inline_scripts_of_the_build_and_no_other(
    built_pages: Path, gzipped: bool
) -> None:
    [built_hash] = inline_script_hashes(BUILT)
    [injected_hash] = inline_script_hashes(INJECTED)
    served = BUILT.replace(b"</html>", INJECTED + b"</html>")
    with TestClient(_html_app(built_pages, served, gzipped=gzipped)) as client:
        response = client.get("/")
    policy = response.headers["content-security-policy"]
    assert f"script-src 'self' {built_hash};" in policy, policy
    assert injected_hash not in policy
    tally("http", "refused")


def test_a_page_the_server_sends_by_path_gets_its_hashes_too(built_pages: Path) -> None:
    # Starlette hands a static file to the server as `http.response.pathsend` (granian).
    async def static(scope, receive, send):
        headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-encoding", b"gzip")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.pathsend", "path": str(built_pages / "index.html.gz")})

    (built_pages / "index.html.gz").write_bytes(gzip.compress(BUILT))
    call = _Call(SecurityHeaders(static, built_pages=lambda: built_pages), _scope("GET", "/", {}))
    start, pathsend = call.run().sent
    policy = dict(start["headers"])[b"content-security-policy"].decode()
    assert f"script-src 'self' {inline_script_hashes(BUILT)[0]};" in policy
    assert pathsend["type"] == "http.response.pathsend"
    tally("http", "allowed")


def test_a_not_modified_answer_leaves_the_cached_page_s_policy_alone(built_pages: Path) -> None:
    # A 304's headers replace the cached ones: a policy without the page's hashes would
    # block its scripts on every revisit.
    async def not_modified(request) -> Response:
        return Response(status_code=304, headers={"etag": '"1"'})

    app = Starlette(
        routes=[Route("/", not_modified)],
        middleware=[Middleware(SecurityHeaders, built_pages=lambda: built_pages)],
    )
    with TestClient(app) as client:
        response = client.get("/")
    assert response.status_code == 304
    assert "content-security-policy" not in response.headers
    assert response.headers["x-frame-options"] == "DENY"
    tally("http", "allowed")


def test_script_hashes_are_the_sha256_of_the_script_text() -> None:
    # echo -n 'window.__built = 1;' | openssl dgst -sha256 -binary | base64
    assert inline_script_hashes(BUILT) == ["'sha256-Rc0PXF/9nYVGaoWGNI+thZp7xnsDzgVu2OfrIrCbLoA='"]


# ------------------------------------------------------------------ origins


def test_origins_are_normalised_and_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert origin_of("HTTPS://Cers.Example.org:443/path") == "https://cers.example.org"
    assert origin_of("http://localhost:3000/x") == "http://localhost:3000"
    assert origin_of("javascript:alert(1)") is None
    monkeypatch.setenv("CERS_BASE_URL", "http://localhost:3000")
    monkeypatch.setenv("CERS_ALLOWED_ORIGINS", "https://hazmat.example.gov, http://x:8")
    reload_settings()
    assert allowed_origins() == {
        "http://localhost:3000",
        "http://127.0.0.1:3000",
        "https://hazmat.example.gov",
        "http://x:8",
    }


def _unsafe_routes() -> list[tuple[str, str]]:
    found = [
        (method, path)
        for path, (_endpoint, methods, _policy) in http_api.POLICIES.items()
        for method in methods
        if method in UNSAFE
    ]
    return [*found, ("POST", "/_upload"), ("PUT", "/anything")]


class _Call:
    """Drives an ASGI app with one request and records what it read and answered."""

    def __init__(self, app, scope: dict) -> None:
        self.app, self.scope = app, scope
        self.read = False
        self.sent: list[dict] = []

    async def _receive(self) -> dict:
        self.read = True
        if self.scope["type"] == "websocket":
            return {"type": "websocket.connect"}
        return {"type": "http.request", "body": b"x" * 10, "more_body": False}

    async def _send(self, message: dict) -> None:
        self.sent.append(message)

    def run(self) -> _Call:
        asyncio.run(self.app(self.scope, self._receive, self._send))
        return self

    @property
    def status(self) -> int | None:
        starts = [m for m in self.sent if m["type"] == "http.response.start"]
        return starts[0]["status"] if starts else None


def _scope(method: str, path: str, headers: dict[str, str], kind: str = "http") -> dict:
    return {
        "type": kind,
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "scheme": "http" if kind == "http" else "ws",
        "server": ("testserver", 80),
        "client": ("203.0.113.5", 5000),
        "root_path": "",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "asgi": {"version": "3.0"},
    }


def _never_called(scope, receive, send):
    raise AssertionError("the app behind the guard was reached")


@pytest.mark.parametrize("origin", FOREIGN)
def test_every_unsafe_route_refuses_a_foreign_origin_before_reading_the_body(origin: str) -> None:
    guard = OriginCheck(_never_called)
    for method, path in _unsafe_routes():
        call = _Call(guard, _scope(method, path, {"origin": origin})).run()
        assert call.status == 403, (method, path, origin)
        assert not call.read, f"{method} {path}: the body was read"
        tally("http", "refused")


def test_without_an_origin_a_foreign_referer_is_refused() -> None:
    guard = OriginCheck(_never_called)
    for method, path in _unsafe_routes():
        call = _Call(guard, _scope(method, path, {"referer": "https://evil.example/a"})).run()
        assert call.status == 403 and not call.read, (method, path)
        tally("http", "refused")


def test_reading_methods_are_not_checked() -> None:
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])
        await PlainTextResponse("ok")(scope, receive, send)

    for method in ("GET", "HEAD", "OPTIONS"):
        call = _Call(OriginCheck(app), _scope(method, "/", {"origin": "https://evil.example"}))
        assert call.run().status == 200
    assert len(reached) == 3
    tally("http", "allowed", 3)


def test_same_site_and_headerless_posts_reach_the_route(database) -> None:
    with _site() as client:
        for headers in ({"origin": SITE}, {"referer": f"{SITE}/home"}, {}):
            response = client.post(routes.AUTH_SIGN_OUT, headers=headers)
            assert response.status_code == 303, headers
            tally("http", "allowed")


def test_a_configured_extra_origin_may_post(database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERS_ALLOWED_ORIGINS", "https://hazmat.example.gov")
    reload_settings()
    with _site() as client:
        allowed = client.post(
            routes.AUTH_SIGN_OUT, headers={"origin": "https://hazmat.example.gov"}
        )
        refused = client.post(routes.AUTH_SIGN_OUT, headers={"origin": "https://other.example"})
    assert (allowed.status_code, refused.status_code) == (303, 403)
    tally("http", "allowed")
    tally("http", "refused")


@pytest.mark.parametrize("origin", FOREIGN)
def test_a_websocket_from_a_foreign_origin_is_closed_at_the_handshake(origin: str) -> None:
    call = _Call(
        OriginCheck(_never_called), _scope("GET", "/_event/", {"origin": origin}, "websocket")
    )
    call.run()
    assert call.sent == [{"type": "websocket.close", "code": 1008}]
    tally("http", "refused")


def test_a_websocket_from_the_site_or_without_an_origin_goes_through() -> None:
    reached = []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    for headers in ({"origin": SITE}, {}):
        _Call(OriginCheck(app), _scope("GET", "/_event/", headers, "websocket")).run()
    assert reached == ["/_event/", "/_event/"]
    tally("http", "allowed", 2)


# ------------------------------------------------------------------ errors


@pytest.fixture
def failing_session_lookup(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def explode(*args, **kwargs):
        raise RuntimeError("boom in /srv/opencers/cers_app/access/identity.py: SELECT secret")

    monkeypatch.setattr(http_api.identity, "resolve_actor", explode)
    yield


def test_a_route_that_fails_answers_with_a_reference_only(
    database, failing_session_lookup: None, caplog: pytest.LogCaptureFixture
) -> None:
    logger = logging.getLogger("cers_app")
    logger.addHandler(caplog.handler)
    try:
        with _site(raise_server_exceptions=False) as client:
            response = client.get(routes.INVENTORY_TEMPLATE)
    finally:
        logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    [reference] = re.findall(r"E-[2-9A-Z]{8}", response.text)
    for leak in ("boom", "/srv", "identity.py", "SELECT", "Traceback", "RuntimeError"):
        assert leak not in response.text
    _assert_headers(response, "a 500")
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info and "boom" in str(logged[0].exc_info[1])
    tally("http", "refused")
