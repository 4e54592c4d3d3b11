"""The emails the organizations feature sends to the people affected by a change."""

from __future__ import annotations

from cers_app.core import routes
from cers_app.core.mail import Rendered, render


def added(first_name: str, business: str, role: str, by: str) -> Rendered:
    return render(
        f"You were added to {business} in OpenCERS",
        f"Hello {first_name},",
        [
            f"{by} added you to the business {business} as {role}. Sign in to the Business "
            "Portal and choose it under Select Business to work on its facilities."
        ],
        action=("Open my businesses", routes.absolute(routes.MY_BUSINESSES)),
    )


def membership_changed(first_name: str, business: str, changes: list[str], by: str) -> Rendered:
    return render(
        f"Your details in {business} changed",
        f"Hello {first_name},",
        [f"{by} changed your membership of {business}: " + "; ".join(changes) + "."],
        action=("Open my businesses", routes.absolute(routes.MY_BUSINESSES)),
    )


def removed(first_name: str, business: str, by: str) -> Rendered:
    return render(
        f"You were removed from {business} in OpenCERS",
        f"Hello {first_name},",
        [
            f"{by} removed you from the business {business}. You can no longer see or change "
            "its facilities. If this is a mistake, contact the business's Lead User."
        ],
    )


def invitation(
    full_name: str, business: str, role: str, by: str, token: str, days: int
) -> Rendered:
    return render(
        f"{by} invited you to {business} in OpenCERS",
        f"Hello {full_name},",
        [
            f"{by} invited you to join the business {business} as {role} in OpenCERS, the portal "
            "where businesses keep their hazardous materials business plans.",
            "Open the link to create your account (or sign in if you have one). You join the "
            f"business as soon as your account is active. The invitation expires in {days} days.",
        ],
        action=("Accept the invitation", routes.absolute(routes.INVITATION, token=token)),
        after=["If you do not know this business, ignore this message."],
    )
