"""The emails of a "Request Technical Assistance" message: to the agency, the sender's receipt,
and the agency's forward to the system administrators."""

from __future__ import annotations

from cers_app.agencies.models import AssistanceRequest
from cers_app.core import routes
from cers_app.core.mail import Rendered, render


def reference(request_id: int) -> str:
    """The number the sender quotes: TA-000042."""
    return f"TA-{request_id:06d}"


def _details(request: AssistanceRequest) -> list[str]:
    lines = [
        f"Reference: {reference(request.id or 0)}",
        f"Topic: {request.topic}",
        f"Subject: {request.subject}",
        f"From: {request.name} <{request.email}>",
    ]
    if request.phone:
        lines.append(f"Phone: {request.phone}")
    if request.business_name:
        lines.append(f"Business: {request.business_name}")
    if request.cers_id:
        lines.append(f"CERS ID: {request.cers_id}")
    return lines


def to_agency(request: AssistanceRequest, agency_name: str) -> Rendered:
    """To the agency's notification address: the whole request and a link to its inbox."""
    return render(
        f"Technical assistance request {reference(request.id or 0)}: {request.subject}",
        f"Hello {agency_name},",
        [
            "Someone asked your agency for technical assistance through OpenCERS.",
            *_details(request),
            "Message:",
            request.message,
            "Reply to the sender by email, and keep the request's status up to date in the "
            "Regulator Portal.",
        ],
        action=(
            "Open the request",
            routes.absolute(routes.REGULATOR_ASSISTANCE, id=str(request.id or 0)),
        ),
    )


def receipt(request: AssistanceRequest, agency_name: str) -> Rendered:
    """To the sender: the reference number. It repeats none of the text typed in the form, so
    the form cannot be used to send someone else a message of one's choosing."""
    ref = reference(request.id or 0)
    return render(
        f"We received your request {ref}",
        "Hello,",
        [
            f"Your request for technical assistance ({request.topic}) was sent to {agency_name}. "
            f"Its reference number is {ref}.",
            "The agency answers by email or phone. Quote the reference number if you write again "
            "about the same question.",
            "If you did not send this request, you can ignore this message.",
        ],
    )


def forwarded(
    request: AssistanceRequest, agency_name: str, note: str, forwarded_by: str
) -> Rendered:
    """To every system administrator: an agency's request it cannot answer itself."""
    return render(
        f"Forwarded by {agency_name}: {reference(request.id or 0)} {request.subject}",
        "Hello,",
        [
            f"{forwarded_by} of {agency_name} forwarded this technical assistance request to the "
            "system administrators of OpenCERS.",
            f"Agency's note: {note}" if note else "The agency added no note.",
            *_details(request),
            "Message:",
            request.message,
            "Answer the sender by email, and tell the agency what you did.",
        ],
    )
