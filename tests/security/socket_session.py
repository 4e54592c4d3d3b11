"""Signing in as a demo user the way a browser does, over a raw websocket, for the socket tests."""

from __future__ import annotations

import httpx
from reflex.state import State

from cers_app import demo
from cers_app.access import identity
from cers_app.access.state import SignInState
from cers_app.core.handler_args import FORM_DATA_ENTRIES_KEY
from tests.security import backend as server
from tests.security.raw_client import SocketClient

ROOT = State.get_full_name()
REGULATOR_PORTAL = "Regulator Portal"  # a DemoUser's portal, as cers_app.demo names it


def form(**fields: str) -> dict[str, object]:
    """A form submission in the wire format the browser sends."""
    return {FORM_DATA_ENTRIES_KEY: [[name, value] for name, value in fields.items()]}


def sign_in(backend: server.Backend, who: demo.DemoUser = demo.BUSINESS) -> str:
    """The real flow: username, then password, over the socket; then the cookie exchange.

    Returns the session cookie's value.
    """
    regulator = who.portal == REGULATOR_PORTAL
    portal = "regulator" if regulator else "business"
    page = {
        "pathname": "/signin",
        "asPath": f"/signin?portal={portal}",
        "query": {"portal": portal},
    }
    state = SignInState.get_full_name()
    with SocketClient(backend.port) as client:
        client.call(f"{state}.load", {}, router_data=page)
        client.call(
            f"{state}.submit_username", {"form_data": form(username=who.username)}, router_data=page
        )
        reply = client.call(
            f"{state}.submit_password", {"form_data": form(password=who.password)}, router_data=page
        )
        urls = [url for url in reply.vars("exchange_url") if url]
        assert urls, f"no sign-in link after a correct password: {reply.describe()}"
        leaked = [frame for frame in client.frames if backend.canary in frame]
        assert not leaked, f"the canary was sent to the client: {leaked[0][:800]}"
    with httpx.Client(base_url=backend.base_url, trust_env=False) as http:
        response = http.get(urls[-1], follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == ("/regulator" if regulator else "/home")
    set_cookie = response.headers["set-cookie"]
    assert "HttpOnly" in set_cookie and "samesite=strict" in set_cookie.lower(), set_cookie
    value = response.cookies[identity.SESSION_COOKIE]
    assert value
    return value


def cookie_header(backend: server.Backend, who: demo.DemoUser) -> str:
    """The Cookie header of a new session of `who`."""
    return f"{identity.SESSION_COOKIE}={sign_in(backend, who)}"
