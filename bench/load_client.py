"""A small Reflex client for the load generator: a websocket (wsproto over asyncio) speaking
Engine.IO 4 / Socket.IO 5 to Reflex's `/_event` endpoint, as the browser's state.js does.

`ReflexClient.call(name, payload, router_data, state)` sends one event and waits for the
update carrying the handler's changes to `state` (Reflex 0.10 no longer marks an event's last
update, so the caller names the state its handler changes), answering the server's pings
meanwhile. Events the server asks the client to run (redirects, toasts, follow-up handlers)
are not sent back: each call measures one handler's round trip.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from typing import Any

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

NAMESPACE = "/_event"
READ_BYTES = 65536


class ClientError(Exception):
    """The server refused the connection, closed it, or answered something unexpected."""


class WebSocket:
    """A client websocket: text messages in and out, nothing else."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer
        self._ws = WSConnection(ConnectionType.CLIENT)
        self._texts: list[str] = []
        self._partial = ""
        self._accepted = False

    @classmethod
    async def open(cls, host: str, port: int, target: str, headers: dict[str, str]) -> WebSocket:
        """Open `ws://host:port/target` with extra request headers (cookie, origin)."""
        reader, writer = await asyncio.open_connection(host, port)
        socket = cls(reader, writer)
        extra = [(key.encode(), value.encode()) for key, value in headers.items()]
        writer.write(
            socket._ws.send(Request(host=f"{host}:{port}", target=target, extra_headers=extra))
        )
        await writer.drain()
        while not socket._accepted:
            await socket._pump()
        return socket

    async def _pump(self) -> None:
        """Read what the server sent and sort it: the handshake's answer, texts, pings."""
        data = await self._reader.read(READ_BYTES)
        if not data:
            raise ClientError("the server closed the connection")
        self._ws.receive_data(data)
        for event in self._ws.events():
            if isinstance(event, AcceptConnection):
                self._accepted = True
            elif isinstance(event, RejectConnection):
                raise ClientError(f"websocket refused with HTTP {event.status_code}")
            elif isinstance(event, TextMessage):
                self._partial += event.data
                if event.message_finished:
                    self._texts.append(self._partial)
                    self._partial = ""
            elif isinstance(event, Ping):
                self._writer.write(self._ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                raise ClientError(f"the server closed the websocket ({event.code})")
            elif isinstance(event, BytesMessage):
                raise ClientError("unexpected binary message")

    async def send(self, text: str) -> None:
        """Send one text message."""
        self._writer.write(self._ws.send(TextMessage(data=text)))
        await self._writer.drain()

    async def receive(self) -> str:
        """The next whole text message."""
        while not self._texts:
            await self._pump()
        return self._texts.pop(0)

    async def close(self) -> None:
        """Close without waiting for the server's answer."""
        try:
            self._writer.write(self._ws.send(CloseConnection(code=1000)))
            await self._writer.drain()
        except (ConnectionError, RuntimeError):
            pass
        self._writer.close()


class ReflexClient:
    """One browser tab's connection to the Reflex backend."""

    def __init__(self, socket: WebSocket, token: str) -> None:
        self.socket, self.token = socket, token

    @classmethod
    async def connect(cls, host: str, port: int, cookie: str, origin: str) -> ReflexClient:
        """Connect to the event namespace as a tab of the session behind `cookie`."""
        token = secrets.token_hex(16)
        target = f"{NAMESPACE}/?token={token}&EIO=4&transport=websocket"
        socket = await WebSocket.open(host, port, target, {"Cookie": cookie, "Origin": origin})
        opened = await socket.receive()
        if not opened.startswith("0"):
            raise ClientError(f"no Engine.IO open packet: {opened[:80]}")
        await socket.send(f"40{NAMESPACE},")
        while True:
            answer = await socket.receive()
            if answer.startswith(f"40{NAMESPACE}"):
                return cls(socket, token)
            if answer.startswith(f"44{NAMESPACE}"):
                raise ClientError(f"namespace refused: {answer[:200]}")

    async def call(
        self, name: str, payload: dict[str, Any], router_data: dict[str, Any], state: str
    ) -> tuple[float, list[dict[str, Any]]]:
        """Send one event; (seconds until an update changed `state`, the updates received)."""
        event = {"name": name, "payload": payload, "router_data": router_data}
        started = time.perf_counter()
        await self.socket.send(f"42{NAMESPACE}," + json.dumps(["event", event]))
        updates: list[dict[str, Any]] = []
        while True:
            message = await self.socket.receive()
            if message == "2":  # Engine.IO ping
                await self.socket.send("3")
                continue
            if not message.startswith(f"42{NAMESPACE},"):
                continue
            kind, *data = json.loads(message[len(NAMESPACE) + 3 :])
            if kind != "event" or not data:
                continue
            update = data[0] if isinstance(data[0], dict) else json.loads(data[0])
            updates.append(update)
            if state in (update.get("delta") or {}):
                return time.perf_counter() - started, updates

    async def close(self) -> None:
        await self.socket.close()


def delta_value(updates: list[dict[str, Any]], state: str, var: str) -> Any:
    """The last value of `var` of `state` in the updates' deltas (None if never sent)."""
    found = None
    for update in updates:
        values = (update.get("delta") or {}).get(state) or {}
        for key, value in values.items():
            if key == var or key.startswith(var + "_rx_state_"):
                found = value
    return found
