"""A raw Engine.IO / Socket.IO client for Reflex's /_event websocket, with no browser.

Protocol (docs/reflex-notes.md section 7.1): connect to
`ws://HOST:PORT/_event/?EIO=4&transport=websocket&token=T`, join the namespace with `40/_event,`,
send events as `42/_event,["event",{...}]`, and answer Engine.IO pings (`2`) with pongs (`3`).
The server answers with `42/_event,["event",{"delta": ..., "events": [...]}]` frames.

Reflex runs the events of one client token in order, so after each call the client sends a
marker event whose answer is known (root `setvar`, which the AuthGate always refuses with
"You do not have permission"): everything received before the marker's answer belongs to the
call, and nothing is missed or mixed with the next call.
"""

from __future__ import annotations

import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import simple_websocket
from reflex_base.constants.state import FIELD_MARKER
from wsproto.utilities import RemoteProtocolError

from cers_app.access import gate

NAMESPACE = "/_event"
EVENT_FRAME = f"42{NAMESPACE},"
MARKER_EVENT = "reflex___state____state.setvar"
ROUTER_DATA = {"pathname": "/", "asPath": "/", "query": {}}
BACKEND_ERROR_ID = "backend-error"


class ProtocolError(AssertionError):
    """The server did not answer the way the Socket.IO protocol says it should."""


@dataclass
class Update:
    """One StateUpdate the server emitted: a delta and/or frontend events."""

    delta: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]

    @property
    def scripts(self) -> list[str]:
        """The JavaScript of `_call_function` events (toasts are shown this way)."""
        return [
            str(event.get("payload", {}).get("function", ""))
            for event in self.events
            if event.get("name") == "_call_function"
        ]

    @property
    def redirects(self) -> list[str]:
        return [
            str(event.get("payload", {}).get("path"))
            for event in self.events
            if event.get("name") == "_redirect"
        ]

    def says(self, text: str) -> bool:
        return any(text in script for script in self.scripts)

    @property
    def is_marker_answer(self) -> bool:
        return (
            not self.delta
            and len(self.events) == 1
            and self.says(gate.NOT_ALLOWED)
            and not self.redirects
        )


@dataclass
class Reply:
    """Everything the server sent in answer to one event."""

    updates: list[Update] = field(default_factory=list)

    @property
    def deltas(self) -> list[dict[str, dict[str, Any]]]:
        return [update.delta for update in self.updates if update.delta]

    def says(self, text: str) -> bool:
        return any(update.says(text) for update in self.updates)

    @property
    def redirects(self) -> list[str]:
        return [path for update in self.updates for path in update.redirects]

    @property
    def backend_error(self) -> bool:
        return any(BACKEND_ERROR_ID in script for u in self.updates for script in u.scripts)

    @property
    def error_toasts(self) -> list[str]:
        return [s for u in self.updates for s in u.scripts if '["error"](' in s]

    def vars(self, name: str) -> list[Any]:
        """Every value the deltas gave a var called `name`, in any state."""
        key = name + FIELD_MARKER
        return [values[key] for delta in self.deltas for values in delta.values() if key in values]

    @property
    def shows_field_errors(self) -> bool:
        return any(value for value in self.vars("errors")) or "error" in self.vars("status")

    def describe(self) -> str:
        return json.dumps([{"delta": u.delta, "events": u.events} for u in self.updates])[:1500]


@dataclass(frozen=True)
class Call:
    """One event to send with `SocketClient.call_many`."""

    name: str
    payload: Any
    router_data: Any = None
    marker_answers: int = 1
    """How many marker-shaped answers end it: 2 when the event is refused like the marker."""


HANDSHAKE_TRIES = 3


def _connect(url: str, headers: dict[str, str] | None) -> simple_websocket.Client:
    """Open the websocket, trying again if a handshake is dropped.

    The barrage opens a thousand connections in a row next to a busy test worker; now and then
    the server's listener drops one mid-handshake. That says nothing about the gate, so the
    connection is retried; a server that stays down still fails the test.
    """
    for attempt in range(1, HANDSHAKE_TRIES):
        try:
            return simple_websocket.Client.connect(url, headers=headers)
        except (RemoteProtocolError, ConnectionError):
            time.sleep(0.2 * attempt)
    return simple_websocket.Client.connect(url, headers=headers)


class SocketClient:
    """One websocket connection with its own Reflex client token."""

    def __init__(
        self,
        port: int,
        *,
        cookie: str | None = None,
        token: str | None = None,
        connect_auth: dict[str, Any] | None = None,
        timeout: float = 20.0,
    ) -> None:
        self.token = token or f"hostile-{uuid.uuid4().hex}"
        self.timeout = timeout
        self._joined = False
        self.frames: list[str] = []
        self.other_events: list[Any] = []
        self._pending: list[Update] = []
        headers = {"Cookie": cookie} if cookie is not None else None
        url = f"ws://127.0.0.1:{port}{NAMESPACE}/?EIO=4&transport=websocket&token={self.token}"
        self.ws = _connect(url, headers)
        # Join the namespace at once: simple_websocket may hold the Engine.IO open packet that
        # arrived with the handshake until the next frame comes in.
        connect = f"40{NAMESPACE},"
        self.ws.send(connect + (json.dumps(connect_auth) if connect_auth else ""))
        self._read_until(lambda: self._joined, what="the namespace connect answer")

    def __enter__(self) -> SocketClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()

    # ------------------------------------------------------------------ sending

    def send_raw(self, text: str) -> None:
        self.ws.send(text)

    def send_event(self, name: Any, payload: Any, router_data: Any = None) -> None:
        event = {"name": name, "payload": payload, "router_data": router_data or ROUTER_DATA}
        self.ws.send(EVENT_FRAME + json.dumps(["event", event]))

    def call(
        self,
        name: str,
        payload: Any,
        *,
        marker_answers: int = 1,
        quiet_after: float = 0.0,
        router_data: Any = None,
    ) -> Reply:
        """Send one event and return everything the server answered to it.

        `marker_answers` is how many marker-shaped answers to wait for: 2 when the called
        handler itself is expected to be refused exactly like the marker.
        """
        self.send_event(name, payload, router_data)
        self.send_event(MARKER_EVENT, {})
        updates: list[Update] = []

        def marker_seen() -> bool:
            updates.extend(self._pending)
            self._pending.clear()
            return sum(u.is_marker_answer for u in updates) >= marker_answers

        self._read_until(marker_seen, what=f"the answer to {name}")
        last_marker = max(i for i, u in enumerate(updates) if u.is_marker_answer)
        del updates[last_marker]
        if quiet_after:
            self._read_quiet(quiet_after)
            updates.extend(self._pending)
            self._pending.clear()
        return Reply(updates)

    def call_many(self, calls: list[Call], *, window: int = 40) -> list[Reply]:
        """Send `calls` pipelined (each followed by the marker) and return one Reply each.

        Reflex handles one token's events in order, so the answers come back in the order sent
        and the markers still split them; `window` calls are in flight at once, which saves a
        round trip per call without filling the server's queue.
        """
        replies: list[Reply] = []
        for start in range(0, len(calls), window):
            batch = calls[start : start + window]
            for call in batch:
                self.send_event(call.name, call.payload, call.router_data)
                self.send_event(MARKER_EVENT, {})
            for call in batch:
                updates: list[Update] = []

                def marker_seen(updates: list[Update] = updates, call: Call = call) -> bool:
                    while self._pending and not (
                        sum(u.is_marker_answer for u in updates) >= call.marker_answers
                    ):
                        updates.append(self._pending.pop(0))
                    return sum(u.is_marker_answer for u in updates) >= call.marker_answers

                self._read_until(marker_seen, what=f"the answer to {call.name}")
                last_marker = max(i for i, u in enumerate(updates) if u.is_marker_answer)
                del updates[last_marker]
                replies.append(Reply(updates))
        return replies

    def drain(self, seconds: float) -> list[Update]:
        """Whatever arrives within `seconds` (for answers that need no marker)."""
        self._read_quiet(seconds)
        updates, self._pending = self._pending, []
        return updates

    # ------------------------------------------------------------------ receiving

    def _receive(self, timeout: float) -> bool:
        """Handle one frame if one arrives within `timeout`; False on timeout."""
        message = self.ws.receive(timeout=timeout)
        if message is None:
            return False
        if isinstance(message, bytes):
            message = message.decode("utf-8", errors="replace")
        self.frames.append(message)
        if message == "2":
            self.ws.send("3")
        elif message.startswith(f"40{NAMESPACE},"):
            self._joined = True
        elif message.startswith(f"44{NAMESPACE},"):
            raise ProtocolError(f"the server refused the namespace connect: {message[:300]}")
        elif message.startswith(EVENT_FRAME):
            packet = json.loads(message[len(EVENT_FRAME) :])
            if packet and packet[0] == "event" and isinstance(packet[1], dict):
                body = packet[1]
                self._pending.append(Update(body.get("delta") or {}, body.get("events") or []))
            else:
                self.other_events.append(packet)
        return True

    def _read_until(self, done: Any, *, what: str) -> None:
        deadline = time.monotonic() + self.timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                raise ProtocolError(
                    f"no {what} within {self.timeout:.0f}s; last frames: {self.frames[-5:]}"
                )
            try:
                self._receive(min(left, 1.0))
            except simple_websocket.ConnectionClosed as exc:
                raise ProtocolError(f"connection closed while waiting for {what}") from exc

    def _read_quiet(self, seconds: float) -> None:
        with contextlib.suppress(simple_websocket.ConnectionClosed):
            while self._receive(seconds):
                pass
