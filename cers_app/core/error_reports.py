"""Unhandled errors: a generic message with a short reference for the client, details in the log.

Whatever went wrong (a traceback, a file path, a SQL statement, a value from the database) is
written to the server log under a reference such as `E-7K3QX9PA`; the browser is only told
that something failed and given the same reference to quote, so an operator can find the
log entry and an attacker learns nothing about the code.
"""

from __future__ import annotations

import logging
import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("cers_app.errors")

_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I to misread on the phone
GENERIC = "Something went wrong on our side. Your data was not changed; please try again."


def new_reference() -> str:
    """A short, random reference for one error, easy to read out: `E-` and 8 characters."""
    return "E-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def report(exception: BaseException, where: str) -> str:
    """Log `exception` with its traceback under a new reference; returns the reference."""
    reference = new_reference()
    log.error("unhandled error in %s (reference %s)", where, reference, exc_info=exception)
    return reference


def client_message(reference: str) -> str:
    """What the person sees: nothing about the error but the reference to quote."""
    return f"{GENERIC} If it happens again, quote reference {reference}."


class ErrorReference:
    """Answers an HTTP request whose route raised with a plain 500 naming only a reference."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as exc:
            reference = report(exc, f"{scope.get('method', '')} {scope.get('path', '')}")
            if started:
                raise  # the response is half sent: the server closes the connection
            body = client_message(reference).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                        (b"cache-control", b"no-store"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
