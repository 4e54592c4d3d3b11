"""The emails the regulator's facility pages send to a business (CERS event 37: an element's
reporting requirement set by the regulator)."""

from __future__ import annotations

from cers_app.core import routes
from cers_app.core.mail import Rendered, render


def requirement_changed(
    first_name: str,
    facility: str,
    cers_id: int,
    facility_id: int,
    agency: str,
    labels: list[str],
    applicable: bool,
) -> Rendered:
    """To a Lead User or Approver: the regulator made elements applicable or not applicable."""
    state = "Applicable" if applicable else "Not Applicable"
    consequence = (
        "You now need to prepare and submit them."
        if applicable
        else "You no longer need to submit them unless your regulator decides otherwise."
    )
    return render(
        f"Reporting requirement changed to {state}: {facility}",
        f"Hello {first_name},",
        [
            f"{agency} set the following for {facility}, CERS ID {cers_id}, to {state}:",
            *[f"- {label}" for label in labels],
            consequence,
        ],
        action=("Open the facility", routes.absolute(routes.FACILITY, id=str(facility_id))),
    )
