"""The emails a regulator's review sends to the business: a new status, changed comments."""

from __future__ import annotations

from cers_app.core import routes
from cers_app.core.codes import ACCEPTED, NOT_ACCEPTED, UNDER_REVIEW, status_label
from cers_app.core.mail import Rendered, render

# What the business should do next, by the new status.
NEXT_STEP = {
    UNDER_REVIEW: "The regulator is reviewing it; you get another email when they decide.",
    ACCEPTED: "Nothing more is needed for this submittal.",
    NOT_ACCEPTED: (
        "Correct what the comments describe, then submit the element again (start its draft "
        "from this submittal on the facility page)."
    ),
}


def _transition(before: int, after: int) -> str:
    """The CERS notification the change amounts to (events 44, 45, 46), when it is one."""
    if before == ACCEPTED and after == UNDER_REVIEW:
        return "It had been accepted and is now under review again."
    if before == ACCEPTED and after == NOT_ACCEPTED:
        return "It had been accepted and is now not accepted."
    if before == NOT_ACCEPTED and after == ACCEPTED:
        return "It had not been accepted and is now accepted."
    return ""


def status_set(
    *,
    facility: str,
    cers_id: int,
    facility_id: int,
    element: str,
    submitted_on: str,
    before: int,
    after: int,
    comment: str,
    reviewer: str,
    agency: str,
) -> Rendered:
    """To the business's Lead Users and the submitter: the regulator set a status."""
    label = status_label(after)
    paragraphs = [
        f"{reviewer} of {agency} set the {element} submitted on {submitted_on} for {facility}, "
        f"CERS ID {cers_id}, to {label}.",
    ]
    transition = _transition(before, after)
    if transition:
        paragraphs.append(transition)
    paragraphs.append(f"Regulator's comments: {comment}" if comment else "No comments were given.")
    if after in NEXT_STEP:
        paragraphs.append(NEXT_STEP[after])
    return render(
        f"{label}: {element} of {facility} (CERS ID {cers_id})",
        "Hello,",
        paragraphs,
        action=("Open the facility", routes.absolute(routes.FACILITY, id=str(facility_id))),
    )


def comments_changed(
    *,
    facility: str,
    cers_id: int,
    facility_id: int,
    element: str,
    submitted_on: str,
    status: int,
    comment: str,
    reviewer: str,
    agency: str,
) -> Rendered:
    """To the business: the regulator changed the comments of a review (CERS event 54)."""
    return render(
        f"Regulator comments changed: {element} of {facility} (CERS ID {cers_id})",
        "Hello,",
        [
            f"{reviewer} of {agency} changed the comments on the {element} submitted on "
            f"{submitted_on} for {facility}, CERS ID {cers_id} (status: {status_label(status)}).",
            f"Regulator's comments now: {comment}" if comment else "The comments were removed.",
        ],
        action=("Open the facility", routes.absolute(routes.FACILITY, id=str(facility_id))),
    )
