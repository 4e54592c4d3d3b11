"""Help and Tools: the only live part is "Your local regulator" for a signed-in business user."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.codes import element_label
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, current_actor, public
from cers_app.core.settings import get_settings
from cers_app.home.help_contacts import AgencyContact, FacilityRegulators, help_contacts
from cers_app.ui.feedback import toast_for


def _idle_text(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def _web_address(website: str) -> str:
    """The agency's website as a link target, only when it is a plain web address."""
    text = website.strip()
    return text if text.lower().startswith(("https://", "http://")) else ""


def _agency_row(facility: FacilityRegulators, agency: AgencyContact, first: bool) -> dict:
    phone_digits = "".join(ch for ch in agency.phone if ch.isdigit() or ch == "+")
    return {
        "id": f"help-agency-{facility.facility_id}-{agency.agency_id}",
        "first": "yes" if first else "",
        "agency": agency.name,
        "kind": agency.kind,
        "elements": ", ".join(element_label(element) for element in agency.elements),
        "phone": agency.phone,
        "phone_href": f"tel:{phone_digits}" if phone_digits else "",
        "email": agency.email,
        "email_href": f"mailto:{agency.email}" if "@" in agency.email else "",
        "website": agency.website,
        "website_url": _web_address(agency.website),
    }


_CONTACT_KEYS = ("agency", "kind", "elements", "phone", "phone_href", "email", "email_href")
_CONTACT_KEYS += ("website", "website_url")


def regulator_rows(facilities: tuple[FacilityRegulators, ...]) -> list[dict[str, str]]:
    """One row per facility and agency; the facility's heading is on its first row, and a
    facility without an agency yet gets one row with an empty agency."""
    rows: list[dict[str, str]] = []
    for facility in facilities:
        heading = {
            "facility_id": str(facility.facility_id),
            "facility": f"{facility.name} ({facility.city})",
            "cers_id": str(facility.cers_id),
            "business": facility.business,
            "facility_url": routes.with_query(routes.FACILITY, id=str(facility.facility_id)),
        }
        if not facility.agencies:
            blank = dict.fromkeys(_CONTACT_KEYS, "")
            none_id = f"help-agency-{facility.facility_id}-none"
            rows.append({**heading, **blank, "id": none_id, "first": "yes"})
        for index, agency in enumerate(facility.agencies):
            rows.append({**heading, **_agency_row(facility, agency, index == 0)})
    return rows


class HelpState(rx.State):
    loaded: bool = False
    signed_in: bool = False
    business_user: bool = False
    regulators: list[dict[str, str]] = []
    more: bool = False
    idle_limit: str = "2 hours"

    @public
    @rx.event
    async def load(self) -> Any:
        """Anyone may read the page; a business user also gets their facilities' regulators."""
        actor = current_actor()
        self.idle_limit = _idle_text(get_settings().session_idle_minutes)
        self.signed_in = actor is not None
        self.business_user = bool(actor and actor.can(Permission.BUSINESS_PORTAL))
        self.regulators, self.more = [], False
        self.loaded = True
        if not self.business_user:
            return None
        try:
            found = await db.run_async(help_contacts, actor)
        except DomainError as exc:
            return toast_for(exc)
        self.regulators = regulator_rows(found.facilities)
        self.more = found.more
        return None
