"""A real SMTP server for the browser tests: the app delivers to it, the tests read the mail.

aiosmtpd runs the server on its own thread and event loop; messages are kept in memory.
"""

from __future__ import annotations

import email
import re
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

LINK = re.compile(r"https?://[^\s<>\"']+")


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it from its ephemeral range)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Mail:
    """One delivered message, as the tests need it."""

    recipients: tuple[str, ...]
    subject: str
    text: str
    html: str

    def link(self, path: str) -> str:
        """The first absolute link in the text body whose path starts with `path`."""
        for url in LINK.findall(self.text):
            after_host = url.split("://", 1)[1]
            url_path = "/" + after_host.split("/", 1)[1] if "/" in after_host else "/"
            if url_path.startswith(path):
                return url
        raise AssertionError(f"no link to {path} in the message {self.subject!r}:\n{self.text}")


def _parse(recipients: list[str], content: bytes) -> Mail:
    message = email.message_from_bytes(content, policy=default_policy)
    assert isinstance(message, EmailMessage)
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    return Mail(
        recipients=tuple(address.lower() for address in recipients),
        subject=str(message["Subject"] or ""),
        text=text_part.get_content() if text_part is not None else "",
        html=html_part.get_content() if html_part is not None else "",
    )


class SmtpSink:
    """Collects every message delivered to it; `wait_for` blocks until a wanted one arrives."""

    def __init__(self) -> None:
        self.port = free_port()
        self._messages: list[Mail] = []
        self._arrived = threading.Condition()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    # aiosmtpd handler hook
    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        mail = _parse(list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        with self._arrived:
            self._messages.append(mail)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def mark(self) -> int:
        """A position in the stream of messages; pass it to `wait_for(since=...)`."""
        with self._arrived:
            return len(self._messages)

    def messages_to(self, address: str) -> list[Mail]:
        with self._arrived:
            return [m for m in self._messages if address.lower() in m.recipients]

    def wait_for(
        self, address: str, subject: str, *, since: int = 0, timeout: float = 30.0
    ) -> Mail:
        """The first message to `address` whose subject contains `subject`, after `since`."""

        def found() -> Mail | None:
            for mail in self._messages[since:]:
                if address.lower() in mail.recipients and subject in mail.subject:
                    return mail
            return None

        with self._arrived:
            if not self._arrived.wait_for(lambda: found() is not None, timeout=timeout):
                seen = [(m.recipients, m.subject) for m in self._messages[since:]]
                raise AssertionError(
                    f"no message {subject!r} to {address} arrived within {timeout:.0f}s; "
                    f"received since then: {seen}"
                )
            mail = found()
        assert mail is not None
        return mail
