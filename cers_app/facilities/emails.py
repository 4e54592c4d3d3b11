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


def elements_not_applicable(facility: str, cers_id: int, by: str, elements: list[str]) -> Rendered:
    """To the regulator: Business Activities answers made some of its elements not required
    (CERS event 15)."""
    listed = "; ".join(elements)
    return render(
        f"{facility} (CERS ID {cers_id}): elements no longer required",
        "Hello,",
        [
            f"{by} changed the Business Activities answers of {facility}, CERS ID {cers_id}. "
            f"By those answers these elements are no longer required: {listed}.",
            "Nothing more is due for them unless you decide otherwise: you can set an "
            "element's reporting requirement yourself on the facility's page in the "
            "Regulator Portal.",
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
    facility: str, cers_id: int, from_business: str, to_business: str, reason: str = ""
) -> Rendered:
    paragraphs = [
        f"The facility {facility}, CERS ID {cers_id}, was transferred from {from_business} "
        f"to {to_business}. {from_business} keeps a read-only view of it under Archived "
        "Facilities.",
    ]
    if reason:
        paragraphs.append(reason)
    return render(f"{facility} (CERS ID {cers_id}) moved to {to_business}", "Hello,", paragraphs)


def facility_deleted(facility: str, cers_id: int, business: str, reason: str = "") -> Rendered:
    paragraphs = [
        f"The facility {facility}, CERS ID {cers_id}, of {business} was deleted from OpenCERS. "
        "It no longer appears in your facility list and nothing more is due for it."
    ]
    if reason:
        paragraphs.append(reason)
    return render(f"{facility} (CERS ID {cers_id}) was deleted", "Hello,", paragraphs)


def facilities_merged(
    facility: str, cers_id: int, survivor: str, survivor_cers_id: int, reason: str = ""
) -> Rendered:
    paragraphs = [
        f"The facility {facility}, CERS ID {cers_id}, was a duplicate and was merged into "
        f"{survivor}, CERS ID {survivor_cers_id}. Keep reporting under CERS ID "
        f"{survivor_cers_id}; the retired CERS ID still finds it."
    ]
    if reason:
        paragraphs.append(reason)
    return render(
        f"{facility} (CERS ID {cers_id}) was merged into CERS ID {survivor_cers_id}",
        "Hello,",
        paragraphs,
    )
