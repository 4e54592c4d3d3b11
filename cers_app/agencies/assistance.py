"""Request Technical Assistance: a public form that sends a question to one agency.

Anyone may write, signed in or not (a signed-in sender is linked to the request). The request
is stored, the agency is emailed (`service.notification_addresses`), the sender gets a receipt
with the reference number, and the whole thing is one transaction. Sending is throttled per
client address and per email address, counted in the database so the limits hold across
workers; a refused or throttled request writes nothing at all.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, select

from cers_app.accounts.rules import normalise_email
from cers_app.agencies import assistance_emails as emails
from cers_app.agencies.models import Agency, AssistanceRequest, AssistanceStatus
from cers_app.agencies.service import notification_addresses
from cers_app.core import audit, clock, throttle
from cers_app.core.audit import AuditEventType
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.permissions import Actor
from cers_app.core.phones import normalise_phone

NAME_MAX, BUSINESS_MAX, SUBJECT_MAX, MESSAGE_MAX = 80, 100, 120, 4000
TOPICS = {
    "account": "Account and sign-in",
    "facility": "Facility and access",
    "inventory": "Inventory",
    "documents": "Documents and plans",
    "submitting": "Submitting",
    "other": "Other",
}
AGENCY_NEEDED = (
    "Choose the agency to write to: enter the business's ZIP code, or pick the agency in "
    "Local regulators."
)
FIELDS = ("agency", "name", "email", "phone", "business_name", "cers_id", "topic", "subject")
FIELDS += ("message",)
# From one client address: 5 requests an hour; to one email address: 3 an hour.
PER_CLIENT = throttle.Limit("assist_client", 5, dt.timedelta(hours=1), "assistance requests")
PER_EMAIL = throttle.Limit("assist_email", 3, dt.timedelta(hours=1), "assistance requests")


@dataclass(frozen=True)
class AssistanceInput:
    """The form as typed (all text; checked by `check_input`)."""

    agency: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    business_name: str = ""
    cers_id: str = ""
    topic: str = ""
    subject: str = ""
    message: str = ""

    @classmethod
    def from_form(cls, form: object) -> AssistanceInput:
        """The known fields of a submitted form; anything that is not text counts as empty."""
        data = form if isinstance(form, dict) else {}
        return cls(
            **{name: value for name in FIELDS if isinstance(value := data.get(name, ""), str)}
        )


@dataclass(frozen=True)
class CleanRequest:
    agency_code: int
    name: str
    email: str
    phone: str
    business_name: str
    cers_id: str
    topic: str  # the topic's label
    subject: str
    message: str


@dataclass(frozen=True)
class Sent:
    request_id: int
    reference: str
    agency_name: str
    email: str


def _controls(text: str, allow_newlines: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    return any(unicodedata.category(ch).startswith("C") and ch not in allowed for ch in text)


def _line(value: str, label: str, limit: int, *, required: bool) -> tuple[str, str | None]:
    text = " ".join(value.split())
    if not text:
        return "", f"Enter {label}." if required else None
    if len(text) > limit:
        return text, f"{label.capitalize()} must be at most {limit} characters."
    if _controls(text):
        return text, f"{label.capitalize()} contains characters that are not allowed."
    return text, None


def check_input(data: AssistanceInput) -> CleanRequest:
    """The cleaned request, or ValidationFailed naming every field at fault."""
    errors: dict[str, str] = {}
    code_text = data.agency.strip()
    if not (code_text.isascii() and code_text.isdigit() and len(code_text) <= 6):
        errors["agency"] = AGENCY_NEEDED
    name, problem = _line(data.name, "your name", NAME_MAX, required=True)
    if problem:
        errors["name"] = problem
    email, problem = normalise_email(data.email[:300])
    if problem or email is None:
        errors["email"] = problem or "Enter an email address."
    elif len(email) > 254:
        errors["email"] = "The email address must be at most 254 characters."
    phone, problem = normalise_phone(data.phone)
    if problem:
        errors["phone"] = problem
    business, problem = _line(data.business_name, "the business name", BUSINESS_MAX, required=False)
    if problem:
        errors["business_name"] = problem
    cers_id = data.cers_id.strip()
    if cers_id and not (cers_id.isascii() and cers_id.isdigit() and 8 <= len(cers_id) <= 9):
        errors["cers_id"] = "A CERS ID is 8 or 9 digits, such as 10123456 (or leave it empty)."
    topic = TOPICS.get(data.topic.strip())
    if topic is None:
        errors["topic"] = "Choose a topic."
    subject, problem = _line(data.subject, "a subject", SUBJECT_MAX, required=True)
    if problem:
        errors["subject"] = problem
    message = data.message.strip()
    if not message:
        errors["message"] = "Enter your message."
    elif len(message) > MESSAGE_MAX:
        errors["message"] = f"The message must be at most {MESSAGE_MAX} characters."
    elif _controls(message, allow_newlines=True):
        errors["message"] = "The message contains characters that are not allowed."
    if errors:
        raise ValidationFailed(errors)
    return CleanRequest(
        agency_code=int(code_text),
        name=name,
        email=email or "",
        phone=phone,
        business_name=business,
        cers_id=cers_id,
        topic=topic or "",
        subject=subject,
        message=message,
    )


def send_request(
    session: Session, actor: Actor | None, data: AssistanceInput, *, client_ip: str
) -> Sent:
    """Store the request, email the agency and the sender; throttled per client and email."""
    clean = check_input(data)
    client_key = PER_CLIENT.key(client_ip or "unknown")
    email_key = PER_EMAIL.key(clean.email.casefold())
    with throttle.counted_transaction(session, client_key, email_key):
        agency = session.exec(select(Agency).where(Agency.code == clean.agency_code)).first()
        if agency is None or agency.id is None:
            raise ValidationFailed({"agency": AGENCY_NEEDED})
        throttle.check(session, PER_CLIENT, client_key)
        throttle.check(session, PER_EMAIL, email_key)
        now = clock.now()
        request = AssistanceRequest(
            agency_id=agency.id,
            user_id=actor.user_id if actor is not None else None,
            name=clean.name,
            email=clean.email,
            phone=clean.phone,
            business_name=clean.business_name,
            cers_id=clean.cers_id,
            topic=clean.topic,
            subject=clean.subject,
            message=clean.message,
            status=AssistanceStatus.NEW.value,
            created_at=now,
            updated_at=now,
        )
        session.add(request)
        session.flush()
        for address in notification_addresses(session, agency.id):
            queue_email(
                session,
                to=address,
                message=emails.to_agency(request, agency.name),
                kind="assistance_request",
                user_id=None,
            )
        queue_email(
            session,
            to=clean.email,
            message=emails.receipt(request, agency.name),
            kind="assistance_receipt",
            user_id=actor.user_id if actor is not None else None,
        )
        throttle.hit(session, PER_CLIENT, client_key)
        throttle.hit(session, PER_EMAIL, email_key)
        audit.record(
            session,
            actor_user_id=actor.user_id if actor is not None else None,
            event=AuditEventType.ASSISTANCE_REQUESTED,
            subject_type="assistance_request",
            subject_id=request.id or 0,
            agency_id=agency.id,
            after={
                "agency_id": agency.id,
                "topic": clean.topic,
                "subject": clean.subject,
                "user_id": actor.user_id if actor is not None else None,
            },
            client_ip=client_ip or None,
        )
        request_id = request.id or 0
        return Sent(request_id, emails.reference(request_id), agency.name, clean.email)


def agency_name(session: Session, code: object) -> str:
    """The name of the agency with regulator `code` (text from a link), else NotFound."""
    text = str(code).strip() if isinstance(code, str | int) else ""
    if not (text.isascii() and text.isdigit() and len(text) <= 6):
        raise NotFound("That agency was not found.")
    name = session.exec(select(Agency.name).where(Agency.code == int(text))).first()
    if name is None:
        raise NotFound("That agency was not found.")
    return name
