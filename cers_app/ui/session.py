"""What the page header needs to know about the signed-in person (display values only)."""

from __future__ import annotations

import reflex as rx

from cers_app.core.permissions import Permission, Portal, current_actor, public


class SessionState(rx.State):
    """Refreshed by every page's first on_load event from the actor the gate resolved."""

    signed_in: bool = False
    display_name: str = ""
    portal: str = ""
    is_admin: bool = False
    needs_conditions: bool = False
    organization_name: str = ""
    # Which signed-in session this tab's state belongs to (see access/gate.py).
    _session_marker: str = ""

    @public
    @rx.event
    def load(self) -> None:
        actor = current_actor()
        self.signed_in = actor is not None
        self.display_name = actor.display_name if actor else ""
        self.portal = actor.portal.value if actor else ""
        self.is_admin = bool(actor and actor.can(Permission.SYSTEM_ADMIN))
        self.needs_conditions = bool(actor and not actor.can(Permission.ACCOUNT))
        self.organization_name = actor.organization_name if actor else ""

    @rx.var
    def home_url(self) -> str:
        if not self.signed_in:
            return "/"
        return "/regulator" if self.portal == Portal.REGULATOR.value else "/home"

    @rx.var
    def portal_label(self) -> str:
        if not self.signed_in:
            return ""
        return "Regulator Portal" if self.portal == Portal.REGULATOR.value else "Business Portal"
