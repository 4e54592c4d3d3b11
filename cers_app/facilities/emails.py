"""The emails the facilities feature sends (to regulators, to requesters, to deciders)."""

from __future__ import annotations

from cers_app.core import routes
from cers_app.core.mail import Rendered, render


def no_regulated_activities(facility: str, cers_id: int, by: str) -> Rendered:
    return render(
        f"{facility} (CERS ID {cers_id}) reports no regulated activities",
        "Hello,",
        [
            f"{by} answered No to every Business Activities question for {facility}, CERS ID "
            f"{cers_id}: the facility reports no regulated activities. Its elements other than "
            "Facility Information are no longer required unless you decide otherwise.",
        ],
    )


def request_to_decide(what: str, facility: str, cers_id: int, by: str, note: str) -> Rendered:
    paragraphs = [f"{by} asks: {what} (facility {facility}, CERS ID {cers_id})."]
    if note:
        paragraphs.append(f"Their note: {note}")
    paragraphs.append("Sign in to OpenCERS to approve or reject the request.")
    return render(
        f"Request to decide: {what}",
        "Hello,",
        paragraphs,
        action=("Sign in", routes.absolute(routes.SIGN_IN)),
    )


def request_decided(
    first_name: str, what: str, facility: str, cers_id: int, approved: bool, comment: str
) -> Rendered:
    outcome = "approved" if approved else "rejected"
    paragraphs = [f"Your request ({what}, facility {facility}, CERS ID {cers_id}) was {outcome}."]
    if comment:
        paragraphs.append(f"Comment: {comment}")
    return render(
        f"Your request was {outcome}: {what}",
        f"Hello {first_name},",
        paragraphs,
        action=("Sign in", routes.absolute(routes.SIGN_IN)),
    )


def facility_transferred(
    facility: str, cers_id: int, from_business: str, to_business: str
) -> Rendered:
    return render(
        f"{facility} (CERS ID {cers_id}) moved to {to_business}",
        "Hello,",
        [
            f"The facility {facility}, CERS ID {cers_id}, was transferred from {from_business} "
            f"to {to_business}. {from_business} keeps a read-only view of it under Archived "
            "Facilities.",
        ],
    )
