"""seed-demo: one technical-assistance request from the public to the demo CUPA (idempotent)."""

from __future__ import annotations

from sqlmodel import select

from cers_app.agencies import assistance
from cers_app.agencies.models import Agency, AssistanceRequest
from cers_app.core import db

DEMO_SENDER = "sam.sender@example.net"
DEMO_REQUEST = assistance.AssistanceInput(
    name="Sam Sender",
    email=DEMO_SENDER,
    phone="(530) 555-0190",
    business_name="Sender Auto Body",
    topic="inventory",
    subject="Which unit for a paint mixture?",
    message=(
        "We keep about 40 gallons of mixed paint in 5-gallon cans. Do we report it in gallons "
        "or in pounds, and do we list each pigment separately?"
    ),
)


def ensure_request(agency_code: int) -> int:
    """The demo request to the agency with `agency_code`: made once, through the real service
    (so the agency's email and the receipt go out like any other). Returns its id."""

    def existing(session) -> int | None:
        return session.exec(
            select(AssistanceRequest.id)
            .join(Agency, Agency.id == AssistanceRequest.agency_id)
            .where(Agency.code == agency_code, AssistanceRequest.email == DEMO_SENDER)
        ).first()

    found = db.run(existing)
    if found is not None:
        return found
    data = assistance.AssistanceInput(**{**DEMO_REQUEST.__dict__, "agency": str(agency_code)})
    return db.run(assistance.send_request, None, data, client_ip="seed-demo").request_id
