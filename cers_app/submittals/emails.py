"""The emails a submit sends: to each element's regulator, and a receipt to the submitter."""

from __future__ import annotations

from cers_app.core import routes
from cers_app.core.mail import Rendered, render


def submittal_received(
    facility: str, cers_id: int, business: str, by: str, when: str, elements: list[str]
) -> Rendered:
    """To an agency: these elements of one facility were submitted to it."""
    return render(
        f"Submittal received: {facility} (CERS ID {cers_id})",
        "Hello,",
        [
            f"{by} of {business} submitted the following for {facility}, CERS ID {cers_id}, "
            f"on {when}:",
            *[f"- {label}" for label in elements],
            "Sign in to OpenCERS to review the submittal.",
        ],
        action=("Sign in", routes.absolute(routes.SIGN_IN)),
    )


def submittal_sent(
    first_name: str, facility: str, cers_id: int, when: str, lines: list[str]
) -> Rendered:
    """To the submitter: what went to whom."""
    return render(
        f"You submitted {facility} (CERS ID {cers_id})",
        f"Hello {first_name},",
        [f"On {when} you submitted the following for {facility}, CERS ID {cers_id}:", *lines],
        after=["Each regulator reviews its elements; you get an email when they decide."],
    )


def due_reminder(
    first_name: str, facility: str, cers_id: int, due: str, days: int, facility_id: int
) -> Rendered:
    """To a Lead User or Approver: the facility's annual HMBP certification is due or late."""
    when = (
        f"was due on {due} and is overdue"
        if days < 0
        else f"is due on {due} ({days} day{'' if days == 1 else 's'} from today)"
    )
    return render(
        f"HMBP annual certification {'overdue' if days < 0 else 'due'}: {facility}",
        f"Hello {first_name},",
        [
            f"The annual Hazardous Materials Business Plan certification of {facility}, "
            f"CERS ID {cers_id}, {when}.",
            'If nothing changed, use "No change" on the facility page; otherwise update the '
            "drafts and submit them as your annual certification.",
        ],
        action=("Open the facility", routes.absolute(routes.FACILITY, id=str(facility_id))),
    )
