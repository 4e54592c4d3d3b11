"""The HTTP routes beside the Reflex app: one reviewed policy per route, and each one enforced.

Every test runs the real Starlette app from `build_api()` in-process (Starlette's TestClient), on
SQLite and on PostgreSQL through the `database` fixture.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from sqlmodel import select
from starlette.routing import Route

from cers_app import http_api
from cers_app.access import identity
from cers_app.accounts import sessions
from cers_app.accounts.models import UserSession
from cers_app.core import clock, db, routes
from cers_app.core.permissions import Portal
from cers_app.core.settings import get_settings, reload_settings
from tests import helpers

with warnings.catch_warnings():  # "install httpx2": the TestClient works with httpx as it is
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient

LOCAL_CLIENT = ("127.0.0.1", 50123)
REMOTE_CLIENT = ("203.0.113.9", 50123)
SIGN_IN_AGAIN = routes.with_query(routes.SIGN_IN, problem="expired")
REFLEX_OWN_PATHS = ("/_event", "/_upload", "/ping", "/_health", "/_all_routes")


def _client(peer: tuple[str, int] = LOCAL_CLIENT) -> TestClient:
    return TestClient(http_api.build_api(), client=peer, follow_redirects=False)


@pytest.fixture
def client(database) -> Iterator[TestClient]:
    with _client() as test_client:
        yield test_client


def _grant(username: str = "lenalead", portal: Portal = Portal.BUSINESS) -> str:
    """A single-use sign-in token, from the real password check."""
    grant = db.run(
        sessions.check_password,
        username,
        helpers.PASSWORD,
        portal,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
    )
    return grant.token


def _set_cookies(response) -> list[SimpleCookie]:
    jars = []
    for header in response.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        jar.load(header)
        jars.append(jar)
    return jars


def _session_cookie(response) -> tuple[str, str]:
    """(cookie value, raw Set-Cookie header) of the one session cookie the response sets."""
    headers = response.headers.get_list("set-cookie")
    assert len(headers) == 1, headers
    morsel = _set_cookies(response)[0][identity.SESSION_COOKIE]
    return morsel.value, headers[0]


def _session_rows() -> list[UserSession]:
    return db.run(lambda s: list(s.exec(select(UserSession)).all()))


def _open(client: TestClient, token: str):
    return client.get(routes.AUTH_SESSION, params={"token": token})


# ------------------------------------------------------------------ the policy table


def test_every_mounted_route_has_a_policy_and_every_policy_is_mounted() -> None:
    from cers_app.cers_app import app

    for api in (http_api.build_api(), app.api_transformer):
        mounted = {route.path: route for route in api.routes if isinstance(route, Route)}
        others = [route for route in api.routes if not isinstance(route, Route)]
        assert set(mounted) == set(http_api.POLICIES), (
            f"mounted without a policy: {sorted(set(mounted) - set(http_api.POLICIES))}; "
            f"in POLICIES but not mounted: {sorted(set(http_api.POLICIES) - set(mounted))}"
        )
        # Reflex mounts itself under our app at "" (a Mount), after our routes.
        assert all(getattr(route, "path", "") == "" for route in others), others
        for path, (endpoint, methods, policy) in http_api.POLICIES.items():
            route = mounted[path]
            assert (route.methods or set()) - {"HEAD"} == set(methods), (path, route.methods)
            assert route.endpoint is not endpoint, f"{path} is mounted without its policy check"
            assert route.endpoint.__name__ == endpoint.__name__
            assert isinstance(policy, http_api.RoutePolicy)
            assert not path.startswith(REFLEX_OWN_PATHS), f"{path} shadows a Reflex route"


def test_every_session_post_refuses_another_origin(client: TestClient) -> None:
    value = _signed_in(client)
    posts = [
        path
        for path, (_endpoint, methods, policy) in http_api.POLICIES.items()
        if policy is http_api.RoutePolicy.SESSION and "POST" in methods
    ]
    assert routes.INVENTORY_UPLOAD in posts
    for path in posts:
        response = client.post(
            path,
            headers={
                "cookie": f"{identity.SESSION_COOKIE}={value}",
                "origin": "https://evil.example",
            },
        )
        assert response.status_code == 403, path
    assert _live(value)


def test_the_body_size_guard_wraps_the_app_reflex_mounts_itself_in() -> None:
    from cers_app.cers_app import app

    for api in (http_api.build_api(), app.api_transformer):
        assert [m.cls for m in api.user_middleware if m.cls is http_api.BodySizeLimit] == [
            http_api.BodySizeLimit
        ]


# ------------------------------------------------------------------ /health


def test_health_reports_the_database(client: TestClient) -> None:
    response = client.get(routes.HEALTH)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "not configured"}


def test_health_is_503_when_the_database_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERS_DATABASE_URL", "postgresql://nobody:hunter2@127.0.0.1:1/nowhere")
    reload_settings()
    try:
        with _client() as client:
            response = client.get(routes.HEALTH)
    finally:
        db.dispose_engines()
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unreachable",
        "redis": "not configured",
    }
    assert "hunter2" not in response.text and "nobody" not in response.text


# ------------------------------------------------------------------ /auth/session


@pytest.mark.parametrize(
    "token",
    ["", "not-a-token", "A" * 43, "x" * 5000, "../../etc/passwd", "' OR 1=1 --"],
    ids=["empty", "garbage", "token-shaped", "huge", "path", "sql"],
)
def test_a_bad_sign_in_token_redirects_without_a_cookie(client: TestClient, token: str) -> None:
    helpers.activated_user()
    response = _open(client, token)
    assert response.status_code == 303
    assert response.headers["location"] == SIGN_IN_AGAIN
    assert not response.headers.get_list("set-cookie")
    assert _session_rows() == []


def test_a_token_for_another_purpose_is_not_a_sign_in_token(client: TestClient) -> None:
    helpers.register()
    activation = helpers.token_from(helpers.emails("activation")[-1])
    response = _open(client, activation)
    assert response.headers["location"] == SIGN_IN_AGAIN
    assert not response.headers.get_list("set-cookie")


def test_an_expired_sign_in_token_redirects_without_a_cookie(
    client: TestClient, frozen_clock: dt.datetime
) -> None:
    helpers.activated_user()
    token = _grant()
    clock.advance(seconds=61)
    response = _open(client, token)
    assert response.status_code == 303
    assert response.headers["location"] == SIGN_IN_AGAIN
    assert not response.headers.get_list("set-cookie")
    assert _session_rows() == []


def test_a_good_token_sets_a_strict_httponly_cookie_once(client: TestClient) -> None:
    helpers.activated_user()
    token = _grant()
    response = _open(client, token)
    assert response.status_code == 303
    assert response.headers["location"] == routes.BUSINESS_HOME
    assert response.headers["cache-control"] == "no-store"
    value, raw = _session_cookie(response)
    morsel = _set_cookies(response)[0][identity.SESSION_COOKIE]
    assert morsel["httponly"] is True
    assert morsel["samesite"].lower() == "strict"
    assert morsel["path"] == "/"
    assert not morsel["secure"], "plain-http base URL: a Secure cookie would never come back"
    assert int(morsel["max-age"]) == get_settings().session_max_hours * 3600
    assert token not in raw, "the cookie must be a new secret, not the sign-in token"
    actor = db.run(identity.resolve_actor, f"{identity.SESSION_COOKIE}={value}", None)
    assert actor is not None and actor.username == "lenalead"

    again = _open(client, token)
    assert again.status_code == 303
    assert again.headers["location"] == SIGN_IN_AGAIN
    assert not again.headers.get_list("set-cookie")
    assert len(_session_rows()) == 1


def test_the_cookie_is_secure_when_the_site_is_https(
    database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CERS_BASE_URL", "https://cers.example.org")
    reload_settings()
    helpers.activated_user()
    token = _grant()
    with _client() as client:
        response = _open(client, token)
    _value, raw = _session_cookie(response)
    morsel = _set_cookies(response)[0][identity.SESSION_COOKIE]
    assert morsel["secure"] is True, raw
    assert morsel["httponly"] is True


# ------------------------------------------------------------------ /auth/sign-out


def _signed_in(client: TestClient) -> str:
    helpers.activated_user()
    value, _raw = _session_cookie(_open(client, _grant()))
    return value


def _live(cookie_value: str) -> bool:
    cookie = f"{identity.SESSION_COOKIE}={cookie_value}"
    return db.run(identity.resolve_actor, cookie, None) is not None


def test_sign_out_revokes_the_session_and_clears_the_cookie(client: TestClient) -> None:
    value = _signed_in(client)
    response = client.post(
        routes.AUTH_SIGN_OUT,
        headers={"cookie": f"{identity.SESSION_COOKIE}={value}", "origin": "http://testserver"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == routes.with_query(routes.LANDING, signed_out="1")
    cleared = _set_cookies(response)[0][identity.SESSION_COOKIE]
    assert cleared.value == ""
    assert cleared["max-age"] == "0"
    assert cleared["httponly"] is True
    (row,) = _session_rows()
    assert row.revoked_at is not None
    assert not _live(value)


def test_sign_out_refuses_a_cross_origin_post(client: TestClient) -> None:
    value = _signed_in(client)
    response = client.post(
        routes.AUTH_SIGN_OUT,
        headers={"cookie": f"{identity.SESSION_COOKIE}={value}", "origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not response.headers.get_list("set-cookie")
    (row,) = _session_rows()
    assert row.revoked_at is None
    assert _live(value)


def test_sign_out_is_post_only(client: TestClient) -> None:
    value = _signed_in(client)
    response = client.get(
        routes.AUTH_SIGN_OUT, headers={"cookie": f"{identity.SESSION_COOKIE}={value}"}
    )
    assert response.status_code == 405
    assert _live(value)


def test_sign_out_without_a_session_only_clears_the_cookie(client: TestClient) -> None:
    value = _signed_in(client)
    response = client.post(
        routes.AUTH_SIGN_OUT, headers={"cookie": f"{identity.SESSION_COOKIE}=forged-{value[:10]}"}
    )
    assert response.status_code == 303
    assert _set_cookies(response)[0][identity.SESSION_COOKIE].value == ""
    assert _live(value), "someone else's session must not be touched"


# ------------------------------------------------------------------ /dev/outbox


@pytest.fixture
def outbox() -> Path:
    """An outbox with one message, and a secret .eml beside (not inside) the outbox folder."""
    folder = get_settings().outbox_dir
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "20261120-0001-welcome.eml").write_text("Subject: Welcome\n\nHello Lena\n")
    (folder.parent / "secret.eml").write_text("Subject: secret\n\nTOP-SECRET-OUTSIDE\n")
    (folder / "notes.txt").write_text("TOP-SECRET-TXT")
    (folder / "link.eml").symlink_to(folder.parent / "secret.eml")
    return folder


def _environment(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv("CERS_ENV", env)
    if env == "production":
        monkeypatch.setenv("CERS_MAIL_BACKEND", "smtp")
        monkeypatch.setenv("CERS_SMTP_HOST", "127.0.0.1")
    reload_settings()


def test_outbox_answers_a_local_client_in_development(
    outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _environment(monkeypatch, "development")
    with _client() as client:
        index = client.get(routes.DEV_OUTBOX)
        message = client.get(f"{routes.DEV_OUTBOX}/20261120-0001-welcome.eml")
    assert index.status_code == 200
    assert "20261120-0001-welcome.eml" in index.text
    assert message.status_code == 200
    assert "Hello Lena" in message.text


@pytest.mark.parametrize("env", ["test", "production"])
def test_outbox_is_404_outside_development(
    outbox: Path, monkeypatch: pytest.MonkeyPatch, env: str
) -> None:
    _environment(monkeypatch, env)
    with _client() as client:
        for path in (routes.DEV_OUTBOX, f"{routes.DEV_OUTBOX}/20261120-0001-welcome.eml"):
            response = client.get(path)
            assert response.status_code == 404, (env, path)
            assert "Hello Lena" not in response.text


def test_outbox_is_404_through_a_proxy_or_from_another_machine(
    outbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _environment(monkeypatch, "development")
    paths = (routes.DEV_OUTBOX, f"{routes.DEV_OUTBOX}/20261120-0001-welcome.eml")
    with _client() as local:
        for path in paths:
            forwarded = local.get(path, headers={"x-forwarded-for": "127.0.0.1"})
            assert forwarded.status_code == 404, path
    with _client(REMOTE_CLIENT) as remote:
        for path in paths:
            assert remote.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "name",
    [
        "..%2Fsecret.eml",
        "%2e%2e%2fsecret.eml",
        "..%5Csecret.eml",
        "%2e%2e",
        "link.eml",
        "notes.txt",
        "missing.eml",
        "%00.eml",
    ],
)
def test_outbox_refuses_path_traversal(
    outbox: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    _environment(monkeypatch, "development")
    with _client() as client:
        response = client.get(f"{routes.DEV_OUTBOX}/{name}")
    assert response.status_code == 404
    assert "TOP-SECRET" not in response.text
