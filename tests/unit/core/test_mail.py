"""Mail: a row first, delivery after commit, to the outbox or SMTP; failures are recorded."""

from __future__ import annotations

import email
import socket
from collections.abc import Iterator
from email.message import EmailMessage as MimeMessage
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from cers_app.accounts.models import User
from cers_app.core import clock, db, mail
from cers_app.core.mail import EmailMessage
from cers_app.core.settings import get_settings, reload_settings
from tests import helpers
from tests.unit import support


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Sink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], MimeMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def _use_smtp(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("CERS_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CERS_SMTP_PORT", str(port))
    monkeypatch.setenv("CERS_SMTP_TIMEOUT_SECONDS", "5")
    monkeypatch.delenv("CERS_MAIL_BACKEND", raising=False)
    reload_settings()
    assert get_settings().mail_backend == "smtp"


@pytest.fixture
def no_retry_pause(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record the pauses between SMTP attempts instead of sleeping."""
    pauses: list[float] = []

    class _Time:
        @staticmethod
        def sleep(seconds: float) -> None:
            pauses.append(seconds)

    monkeypatch.setattr(mail, "time", _Time)
    return pauses


@pytest.fixture
def smtp_sink(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Sink]:
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
    controller.start()
    _use_smtp(monkeypatch, controller.port)
    yield sink
    controller.stop()


def _queue(to: str = "lena@example.com", kind: str = "test") -> int:
    message = mail.render(
        "Subject <with> & signs",
        "Hello Lena,",
        ["First paragraph with <b>markup</b> & more."],
        action=("Open it", "http://testserver/page?token=abc&x=1"),
        after=["Closing words."],
    )

    def queue(session):
        with db.transaction(session):
            return mail.queue_email(session, to=to, message=message, kind=kind, user_id=None).id

    return db.run(queue)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n")


def _row(message_id: int) -> EmailMessage:
    return db.run(lambda s: s.get(EmailMessage, message_id))


def _outbox_files():
    folder = get_settings().outbox_dir
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def test_it_renders_a_text_and_an_html_body():
    rendered = mail.render(
        "Subject",
        "Hello Lena,",
        ["Tom & Jerry <3"],
        action=("Open it", "http://testserver/a?token=abc&x=1"),
        after=["Bye."],
    )

    assert rendered.text.startswith("Hello Lena,\n\nTom & Jerry <3\n\n")
    assert "Open it:\nhttp://testserver/a?token=abc&x=1" in rendered.text
    assert rendered.text.endswith("-- \nOpenCERS - hazardous materials business plan portal\n")
    assert "<p>Tom &amp; Jerry &lt;3</p>" in rendered.html
    assert '<a href="http://testserver/a?token=abc&amp;x=1">Open it</a>' in rendered.html
    assert "<script" not in mail.render("s", "<script>", ["x"]).html


def test_it_delivers_to_the_outbox_after_commit(database, frozen_clock):
    message_id = _queue()

    row = _row(message_id)
    assert (row.status, row.attempts, row.sent_at, row.last_error) == (
        "sent",
        1,
        frozen_clock,
        None,
    )
    [path] = _outbox_files()
    assert path.name == f"20261120T170000-{message_id:06d}-test.eml"
    parsed = email.message_from_bytes(path.read_bytes(), policy=default_policy)
    assert parsed["To"] == "lena@example.com"
    assert parsed["Subject"] == "Subject <with> & signs"
    assert parsed["X-OpenCERS-Kind"] == "test"
    assert parsed.get_body(("plain",)).get_content() == row.body_text
    assert parsed.get_body(("html",)).get_content().rstrip("\n") == row.body_html


def test_it_sends_nothing_when_the_transaction_rolls_back(database):
    def queue_then_fail(session):
        with db.transaction(session):
            mail.queue_email(
                session,
                to="lena@example.com",
                message=mail.render("s", "Hello,", ["x"]),
                kind="test",
                user_id=None,
            )
            raise RuntimeError("the change was refused")

    with pytest.raises(RuntimeError):
        db.run(queue_then_fail)

    assert support.count(EmailMessage) == 0
    assert _outbox_files() == []


def test_it_records_a_failed_smtp_delivery_without_failing_the_change(
    database, monkeypatch, no_retry_pause
):
    _use_smtp(monkeypatch, _free_port())  # nobody listens there

    user_id = helpers.register("lenalead")

    assert helpers.user(user_id).status == "pending"
    [row] = helpers.emails()
    assert row.status == "failed"
    assert row.attempts == mail.SMTP_TRIES
    assert row.sent_at is None
    assert "ConnectionRefusedError" in row.last_error
    assert len(no_retry_pause) == mail.SMTP_TRIES - 1
    assert _outbox_files() == []


def test_it_delivers_a_real_smtp_message_with_both_bodies(database, smtp_sink, frozen_clock):
    helpers.register("lenalead")

    [(sender, recipients, parsed)] = smtp_sink.messages
    [row] = helpers.emails()
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, frozen_clock)
    assert sender == "no-reply@localhost"
    assert recipients == ["lenalead@example.com"]
    assert parsed["Subject"] == "Activate your OpenCERS account"
    assert parsed["X-OpenCERS-Kind"] == "activation"
    # SMTP carries CRLF line ends; the content is otherwise what the row recorded.
    assert _lines(parsed.get_body(("plain",)).get_content()) == row.body_text
    assert _lines(parsed.get_body(("html",)).get_content()).rstrip("\n") == row.body_html


def test_it_retries_failed_messages_when_the_server_is_back(database, monkeypatch, no_retry_pause):
    port = _free_port()
    _use_smtp(monkeypatch, port)
    helpers.register("lenalead")
    assert helpers.emails()[0].status == "failed"
    sink = _Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mail.retry_unsent() == 1
        assert mail.retry_unsent() == 0
    finally:
        controller.stop()

    [row] = helpers.emails()
    assert (row.status, row.attempts, row.last_error) == ("sent", mail.SMTP_TRIES + 1, None)
    assert len(sink.messages) == 1


def test_it_never_sends_a_delivered_message_twice(database, smtp_sink):
    helpers.register("lenalead")
    [row] = helpers.emails()

    assert mail.deliver(row.id) is True

    assert len(smtp_sink.messages) == 1
    assert helpers.emails()[0].attempts == 1


def test_it_reports_an_unknown_message_as_not_delivered(database):
    assert mail.deliver(12345) is False


def test_it_keeps_each_message_for_the_recipients_history(database, frozen_clock):
    user_id = helpers.register("lenalead")

    row = db.run(
        lambda s: s.exec(select(EmailMessage).where(EmailMessage.user_id == user_id)).one()
    )
    assert row.created_at == clock.now()
    assert db.run(lambda s: s.get(User, user_id)).email == row.to_address
