"""The headline security test: a hostile client on a raw websocket against the real backend.

One `reflex run --env prod --backend-only` serves the module, on a temporary SQLite database that
was migrated and seeded with the demo data and has a canary string planted in rows only the
regulator may see. With no browser and no session cookie the client calls EVERY registered
handler (the registry is read in this process) with an empty payload and with garbage: wrong
types, unknown keys, huge strings, nested junk, forged ids and form-data wire format with junk.

The server must refuse every protected handler ("Please sign in", no delta), answer garbage sent
to public and framework handlers with a validation error and never with a backend exception, leave
every table exactly as it was, and never send the canary. Raw POSTs to /_upload naming each
handler must not run it. A signed-in business user (signed in through the real two-step flow over
the socket and the cookie exchange) is refused every regulator and administrator handler.

Failing to start the backend fails the module: it is our own app, nothing optional is missing.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest
from reflex_base.constants.compiler import CompileVars
from sqlmodel import Session

from cers_app import demo
from cers_app.access import gate, identity
from cers_app.core.permissions import Permission
from tests.security import backend as server
from tests.security.handlers import Handler, all_handlers, registry_size, reviewed_public_names
from tests.security.payloads import FORGED_ID_TEXT, Case, cases_for
from tests.security.raw_client import Reply, SocketClient
from tests.security.report import tally
from tests.security.socket_session import form, sign_in

HANDLERS = all_handlers()
REVIEWED_PUBLIC = reviewed_public_names()
ROOT = "reflex___state____state"
ADMIN_LOAD = f"{ROOT}.cers_app___admin___state____admin_state.load"
SIGN_IN_STATE = f"{ROOT}.cers_app___access___state____sign_in_state"
EMAIL_HISTORY = f"{ROOT}.cers_app___accounts___state____email_history_state"
REGULATOR_REFUSAL = "That page is part of the Regulator Portal."
THROTTLES = "throttle_hit"
BUSINESS_PERMISSIONS = frozenset(
    {Permission.SIGNED_IN, Permission.ACCOUNT, Permission.BUSINESS_PORTAL}
)


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[server.Backend]:
    try:
        running = server.start(tmp_path_factory.mktemp("hostile"))
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"the OpenCERS backend did not start: {exc}", pytrace=False)
    try:
        yield running
    finally:
        server.stop(running.process)


@pytest.fixture
def log_window(backend: server.Backend) -> Iterator[None]:
    """Fails the test if the server logged a traceback or an unhandled error during it."""
    start = backend.log_size()
    yield
    time.sleep(0.3)  # let the last log lines reach the file
    written = backend.log_since(start)
    found = [marker for marker in server.TRACEBACK_MARKERS if marker in written]
    assert not found, f"the server logged {found} during this test:\n{written[-6000:]}"


def _marker_answers(handler: Handler) -> int:
    """The marker is a refused `setvar`; a handler refused the same way answers like it."""
    return 2 if handler.policy is None and not handler.is_framework else 1


def _assert_no_leak(backend: server.Backend, client: SocketClient, *secrets: str) -> None:
    for secret in (backend.canary, *secrets):
        leaked = [frame for frame in client.frames if secret in frame]
        assert not leaked, f"{secret!r} was sent to the client: {leaked[0][:800]}"


def _assert_refused(reply: Reply, message: str, redirect: str | None, context: str) -> None:
    """Exactly one answer: the gate's toast (and redirect), and no state change at all."""
    assert len(reply.updates) == 1, f"{context}: {reply.describe()}"
    assert reply.says(message), f"{context}: expected {message!r}: {reply.describe()}"
    assert not reply.deltas, f"{context}: a refused event changed state: {reply.describe()}"
    assert reply.redirects == ([redirect] if redirect else []), f"{context}: {reply.describe()}"


def _outcome(reply: Reply) -> str:
    """For the report: "refused" when the answer turned the call away, else "allowed"."""
    refusals = (gate.SIGN_IN_NEEDED, gate.NOT_ALLOWED, gate.BAD_REQUEST, REGULATOR_REFUSAL)
    turned_away = any(reply.says(text) for text in refusals) or reply.error_toasts
    return "refused" if turned_away or reply.shows_field_errors else "allowed"


def _assert_tables_unchanged(before: dict[str, str], after: dict[str, str]) -> None:
    changed = {t: (before.get(t), after.get(t)) for t in before.keys() | after.keys()}
    changed = {t: v for t, v in changed.items() if v[0] != v[1]}
    assert not changed, f"tables changed: {json.dumps(changed, indent=1)}"


# ------------------------------------------------------------------ anonymous barrage


def _check_anonymous(handler: Handler, case: Case, reply: Reply) -> None:
    context = f"{handler.name} [{case.label}]"
    assert not reply.backend_error, f"{context}: backend exception: {reply.describe()}"
    if not (handler.is_framework or handler.name in REVIEWED_PUBLIC):
        # Not reviewed as public: refused whatever the payload, before it is even looked at.
        if handler.needs:
            _assert_refused(reply, gate.SIGN_IN_NEEDED, "/signin", context)
        else:
            _assert_refused(reply, gate.NOT_ALLOWED, None, context)
    elif case.must_refuse:
        _assert_refused(reply, gate.BAD_REQUEST, None, context)
    else:
        for refusal in (gate.SIGN_IN_NEEDED, gate.NOT_ALLOWED, gate.BAD_REQUEST):
            assert not reply.says(refusal), f"{context}: wrongly refused: {reply.describe()}"
        if handler.in_app and case.junk_form:
            assert reply.error_toasts or reply.shows_field_errors, (
                f"{context}: junk form accepted without a validation error: {reply.describe()}"
            )


def test_anonymous_client_can_call_nothing_it_should_not(
    backend: server.Backend, log_window: None
) -> None:
    engine = backend.engine()
    before = server.table_digests(engine)
    exercised: set[str] = set()
    calls = 0
    started = time.monotonic()
    for handler in HANDLERS:
        for case in cases_for(handler):
            with SocketClient(backend.port) as client:
                reply = client.call(
                    handler.name,
                    case.payload,
                    marker_answers=_marker_answers(handler),
                    quiet_after=0.5 if handler.is_background else 0.0,
                )
                _check_anonymous(handler, case, reply)
                _assert_no_leak(backend, client)
                tally("handlers:anonymous", _outcome(reply))
            calls += 1
        exercised.add(handler.name)
    elapsed = time.monotonic() - started
    print(
        f"\nhostile client: {len(exercised)} of {registry_size()} registered handlers exercised "
        f"with {calls} calls in {elapsed:.1f}s ({len(REVIEWED_PUBLIC)} public)"
    )
    assert len(exercised) == registry_size() == len(HANDLERS)
    assert backend.alive()
    after = server.table_digests(engine)
    # Junk sent to the account forms counts against this client's limits: the throttle
    # working, not data changing (its rows only grow).
    throttled = [int(d.get(THROTTLES, "0 rows").split()[0]) for d in (before, after)]
    assert throttled[1] >= throttled[0]
    _assert_tables_unchanged(
        {t: d for t, d in before.items() if t != THROTTLES},
        {t: d for t, d in after.items() if t != THROTTLES},
    )


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        f"{identity.SESSION_COOKIE}=",
        f"{identity.SESSION_COOKIE}={'A' * 43}",
        f"{identity.SESSION_COOKIE}={'x' * 5000}",
        f'{identity.SESSION_COOKIE}="unterminated',
        f"{identity.SESSION_COOKIE}=a; {identity.SESSION_COOKIE}=b",
        "other=1; cers_session_x=2",
    ],
    ids=["blank", "empty", "token-shaped", "huge", "malformed", "twice", "lookalike"],
)
def test_forged_session_cookies_are_anonymous(
    backend: server.Backend, log_window: None, cookie: str
) -> None:
    for handler in HANDLERS:
        if not handler.needs:
            continue
        with SocketClient(backend.port, cookie=cookie) as client:
            reply = client.call(handler.name, {})
            _assert_refused(reply, gate.SIGN_IN_NEEDED, "/signin", f"{handler.name} [{cookie}]")
            tally("handlers:forged-cookie", "refused")


def test_protected_handler_in_the_connect_packet_is_refused(
    backend: server.Backend, log_window: None
) -> None:
    """The frontend sends its first event inside the Socket.IO CONNECT packet; so can we."""
    boot = {"name": ADMIN_LOAD, "payload": {}, "router_data": {"pathname": "/admin"}}
    with SocketClient(backend.port, connect_auth={CompileVars.CONNECT_AUTH_EVENT: boot}) as client:
        updates = client.drain(1.0)
        assert Reply(updates).says(gate.SIGN_IN_NEEDED), Reply(updates).describe()
        assert not Reply(updates).deltas
        _assert_no_leak(backend, client)


# ------------------------------------------------------------------ uploads


def test_raw_uploads_never_run_a_handler(backend: server.Backend, log_window: None) -> None:
    engine = backend.engine()
    before = server.table_digests(engine)
    upload_handlers = [h.name for h in HANDLERS if h.upload_parameter]
    posted = 0
    with httpx.Client(base_url=backend.base_url, timeout=30, trust_env=False) as http:
        for handler in HANDLERS:
            token = f"hostile-upload-{posted}"
            response = http.post(
                "/_upload",
                headers={"reflex-client-token": token, "reflex-event-handler": handler.name},
                files={"files": ("junk.txt", b"\x00junk" * 100, "text/plain")},
                data={"__reflex_event_args": json.dumps({"is_admin": True})},
            )
            posted += 1
            context = f"/_upload {handler.name}: {response.status_code} {response.text[:500]}"
            assert response.status_code < 500, context
            assert backend.canary not in response.text, context
            tally("uploads:raw-reflex", "refused")  # no handler ran (checked below)
            if response.status_code in (404, 405):
                continue  # no upload component in the app: Reflex has not mounted /_upload
            if response.status_code >= 400:
                continue  # Reflex refused the request itself (not an upload handler)
            assert handler.upload_parameter, f"a non-upload handler answered 2xx: {context}"
            answers = [json.loads(line) for line in response.text.splitlines() if line.strip()]
            text = json.dumps(answers)
            if handler.needs:
                assert gate.SIGN_IN_NEEDED in text, context
                assert not any(answer.get("delta") for answer in answers), context
            elif handler.is_public:
                assert gate.BAD_REQUEST in text or "error" in text, context
    print(f"\n/_upload: {posted} handlers posted, {len(upload_handlers)} take uploads")
    assert posted == registry_size()
    _assert_tables_unchanged(before, server.table_digests(engine))


# ------------------------------------------------------------------ a signed-in business user


def test_the_canary_is_reachable_by_the_regulator(
    backend: server.Backend, log_window: None
) -> None:
    """Positive control: the canary is where the protocol can reach it, for the right person."""
    cookie = f"{identity.SESSION_COOKIE}={sign_in(backend, demo.REGULATOR)}"
    with SocketClient(backend.port, cookie=cookie) as client:
        reply = client.call(f"{ROOT}.cers_app___regulator___state____regulator_home_state.load", {})
        assert backend.canary in json.dumps(reply.vars("memberships")), reply.describe()


def test_business_user_is_refused_regulator_and_admin_handlers(
    backend: server.Backend, log_window: None
) -> None:
    # A Viewer: every handler the gate lets through reaches a service that refuses any change,
    # so no table may change. (What each role may change is the permission matrix's job.)
    session_value = sign_in(backend, demo.VIEWER)
    cookie = f"{identity.SESSION_COOKIE}={session_value}"
    engine = backend.engine()
    with Session(engine) as session:
        actor = identity.resolve_actor(session, cookie, None)
    assert actor is not None and actor.username == demo.VIEWER.username
    assert actor.permissions == BUSINESS_PERMISSIONS
    # Opening the home page selects the only business of the session (a legitimate write).
    ignore = {"user_session": {"last_seen_at", "organization_id"}}
    before = server.table_digests(engine, ignore)

    refused = allowed = 0
    for handler in HANDLERS:
        if not handler.needs:
            continue
        payloads: list[object] = [{}]
        if handler.needs <= actor.permissions:
            # Allowed by the gate: ids of other people's rows must still reveal nothing.
            for param in handler.parameters:
                if param.annotation in (str, int):
                    forged = [str(backend.canary_email_id), *FORGED_ID_TEXT]
                    if param.annotation is int:
                        forged = [backend.canary_email_id, 1, -1, 2**40]
                    payloads += [{param.name: value} for value in forged]
        else:
            payloads += [{"page": 1}, {"form_data": form(query="%")}, [1]]
        for payload in payloads:
            context = f"{handler.name} {payload!r} as {actor.username}"
            with SocketClient(backend.port, cookie=cookie) as client:
                reply = client.call(handler.name, payload)
                assert not reply.backend_error, f"{context}: {reply.describe()}"
                _assert_no_leak(backend, client, session_value)
            tally("handlers:business-viewer", _outcome(reply))
            if handler.needs <= actor.permissions:
                for refusal in (gate.SIGN_IN_NEEDED, gate.NOT_ALLOWED, REGULATOR_REFUSAL):
                    assert not reply.says(refusal), f"{context}: {reply.describe()}"
                allowed += 1
            elif Permission.REGULATOR_PORTAL in handler.needs:
                _assert_refused(reply, REGULATOR_REFUSAL, "/home", context)
                refused += 1
            else:
                _assert_refused(reply, gate.NOT_ALLOWED, "/home", context)
                refused += 1
    print(f"\nbusiness user: {refused} calls refused, {allowed} allowed calls leaked nothing")
    assert refused and allowed
    _assert_tables_unchanged(before, server.table_digests(engine, ignore))


def test_email_history_is_scoped_to_the_caller(backend: server.Backend, log_window: None) -> None:
    """A business user asking for the regulator's email by id gets a not-found answer."""
    cookie = f"{identity.SESSION_COOKIE}={sign_in(backend)}"
    with SocketClient(backend.port, cookie=cookie) as client:
        client.call(f"{EMAIL_HISTORY}.load", {})
        reply = client.call(
            f"{EMAIL_HISTORY}.open_message", {"message_id": str(backend.canary_email_id)}
        )
        assert reply.error_toasts, reply.describe()
        assert not any(reply.vars("open_body")), reply.describe()
        _assert_no_leak(backend, client)


# ------------------------------------------------------------------ envelope garbage


def test_malformed_frames_do_not_change_data_or_leak(backend: server.Backend) -> None:
    """Garbage around the event (not in its payload) is refused by Reflex before our gate runs.

    Reflex logs some of these with a traceback of its own (an unknown handler name, router data
    that is not a mapping, an event that is not an object); none may reach our code, change data
    or leak, and the server must keep serving.
    """
    engine = backend.engine()
    before = server.table_digests(engine)
    start = backend.log_size()
    sign_in_load = f"{SIGN_IN_STATE}.load"
    frames = [
        ["event", {"name": ADMIN_LOAD, "payload": {}, "router_data": "junk"}],
        ["event", {"name": ADMIN_LOAD, "payload": {}, "router_data": {"pathname": 5}}],
        ["event", {"name": ADMIN_LOAD, "payload": {}, "router_data": {"query": "x"}}],
        ["event", {"name": 5, "payload": {}}],
        ["event", {"name": f"{ROOT}.no_such_handler", "payload": {}}],
        ["event", {"name": f"{ROOT}.cers_app___admin___state____admin_state._accounts"}],
        ["event", "not an object"],
        ["event", {"name": sign_in_load, "token": "someone-elses-token", "payload": {}}],
        ["event"],
        ["no_such_socket_event", {}],
        [],
    ]
    raw = [
        "42/_event," + "[" * 50_000 + "]" * 50_000,
        "42/_event,{not json",
        "42/_event,",
        "4" + "x" * 10,
        "42/_event," + json.dumps(["event", {"name": ADMIN_LOAD, "payload": "x" * 1_100_000}]),
    ]
    for frame in frames:
        with SocketClient(backend.port) as client:
            client.send_raw("42/_event," + json.dumps(frame))
            client.drain(0.3)
            _assert_no_leak(backend, client)
    for text in raw:
        with SocketClient(backend.port) as client:
            client.send_raw(text)
            client.drain(0.3)
            _assert_no_leak(backend, client)
    assert backend.alive(), "the server stopped answering after malformed frames"
    with SocketClient(backend.port) as client:
        _assert_refused(client.call(ADMIN_LOAD, {}), gate.SIGN_IN_NEEDED, "/signin", "after")
    time.sleep(0.3)
    written = backend.log_since(start)
    assert "unhandled error in an event handler" not in written, written[-4000:]
    assert "/cers_app/" not in written, f"our code was reached:\n{written[-4000:]}"
    _assert_tables_unchanged(before, server.table_digests(engine))
