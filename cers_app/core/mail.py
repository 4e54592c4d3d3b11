"""Outgoing email: every message is a row first, then delivered after the transaction commits.

Delivery goes to SMTP, or in development to `data/outbox/*.eml` (listed at /dev/outbox).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import smtplib
import time
from dataclasses import dataclass
from email.message import EmailMessage as MimeMessage
from email.utils import formatdate, make_msgid

import sqlalchemy as sa
from sqlmodel import Field, Session, SQLModel, select

from cers_app.core import clock
from cers_app.core.db import UTCDateTime, new_session, on_commit
from cers_app.core.settings import get_settings

log = logging.getLogger(__name__)

SMTP_TRIES = 3


class EmailMessage(SQLModel, table=True):
    """A message the app sent (or tried to send), kept as the recipient's email history."""

    __tablename__ = "email_message"

    id: int | None = Field(default=None, primary_key=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT", index=True
    )
    kind: str = Field(max_length=40)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str = Field(sa_type=sa.Text)
    status: str = Field(default="queued", max_length=10)
    attempts: int = 0
    sent_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def render(
    subject: str,
    greeting: str,
    paragraphs: list[str],
    action: tuple[str, str] | None = None,
    after: list[str] | None = None,
) -> Rendered:
    """Build the text and HTML bodies of a message from plain paragraphs and one action link."""
    after = after or []
    text_parts = [greeting, *paragraphs]
    html_parts = [f"<p>{html.escape(greeting)}</p>"]
    html_parts += [f"<p>{html.escape(p)}</p>" for p in paragraphs]
    if action:
        label, url = action
        text_parts.append(f"{label}:\n{url}")
        html_parts.append(
            f'<p><a href="{html.escape(url, quote=True)}">{html.escape(label)}</a></p>'
            f'<p style="color:#555">{html.escape(url)}</p>'
        )
    text_parts += after
    html_parts += [f"<p>{html.escape(p)}</p>" for p in after]
    footer = "OpenCERS - hazardous materials business plan portal"
    text_parts.append(f"-- \n{footer}")
    html_parts.append(f'<hr><p style="color:#555;font-size:small">{html.escape(footer)}</p>')
    body_html = (
        '<!doctype html><html><body style="font-family:sans-serif">'
        + "".join(html_parts)
        + "</body></html>"
    )
    return Rendered(subject=subject, text="\n\n".join(text_parts) + "\n", html=body_html)


def queue_email(
    session: Session, *, to: str, message: Rendered, kind: str, user_id: int | None
) -> EmailMessage:
    """Record `message` in the caller's transaction and deliver it once that commits."""
    row = EmailMessage(
        created_at=clock.now(),
        user_id=user_id,
        kind=kind,
        to_address=to,
        subject=message.subject,
        body_text=message.text,
        body_html=message.html,
    )
    session.add(row)
    session.flush()
    message_id = row.id
    assert message_id is not None
    on_commit(session, lambda: deliver(message_id))
    return row


def _mime(row: EmailMessage) -> MimeMessage:
    settings = get_settings()
    mime = MimeMessage()
    mime["From"] = settings.mail_from
    mime["To"] = row.to_address
    mime["Subject"] = row.subject
    mime["Date"] = formatdate(row.created_at.timestamp(), localtime=False)
    mime["Message-ID"] = make_msgid(domain="opencers.local")
    mime["X-OpenCERS-Kind"] = row.kind
    mime.set_content(row.body_text)
    mime.add_alternative(row.body_html, subtype="html")
    return mime


def _send_smtp(mime: MimeMessage) -> None:
    settings = get_settings()
    assert settings.smtp_host
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(mime)


def _write_outbox(row: EmailMessage, mime: MimeMessage) -> None:
    folder = get_settings().outbox_dir
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{row.created_at:%Y%m%dT%H%M%S}-{row.id:06d}-{row.kind}.eml"
    (folder / name).write_bytes(mime.as_bytes())


def deliver(message_id: int) -> bool:
    """Send one queued message and record the outcome; never raises for a mail failure."""
    settings = get_settings()
    with new_session() as session:
        row = session.get(EmailMessage, message_id)
        if row is None or row.status == "sent":
            return row is not None
        mime = _mime(row)
        error: str | None = None
        tries = SMTP_TRIES if settings.mail_backend == "smtp" else 1
        for attempt in range(1, tries + 1):
            row.attempts += 1
            try:
                if settings.mail_backend == "smtp":
                    _send_smtp(mime)
                else:
                    _write_outbox(row, mime)
                error = None
                break
            except (OSError, smtplib.SMTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"[:500]
                log.warning("mail %s attempt %s failed: %s", message_id, attempt, error)
                if attempt < tries:
                    time.sleep(0.2 * attempt)
        row.status = "failed" if error else "sent"
        row.last_error = error
        row.sent_at = None if error else clock.now()
        session.add(row)
        session.commit()
        return error is None


def retry_unsent(limit: int = 100) -> int:
    """Try again every queued or failed message (CLI `mail-retry`); returns how many were sent."""
    with new_session() as session:
        ids = session.exec(
            select(EmailMessage.id)
            .where(EmailMessage.status != "sent")
            .order_by(EmailMessage.id)
            .limit(limit)
        ).all()
    return sum(1 for message_id in ids if message_id is not None and deliver(message_id))
