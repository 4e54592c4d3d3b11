"""A facility's history in the Regulator Portal: what changed, who changed it and when."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.regulator.audit_trail_state import RegulatorHistoryState
from cers_app.ui import history
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

S = RegulatorHistoryState


def facility_history() -> rx.Component:
    body = rx.fragment(
        page_title("History: " + S.title, S.subtitle),
        card(history.filters(S, "history")),
        history.events(S, "history"),
        rx.link("Back to the facility", href=S.facility_url, size="2", id="history-facility"),
    )
    return shell(rx.cond(after_load(S.loaded), body, rx.spinner()))


PAGES = [
    PageSpec(routes.REGULATOR_FACILITY_HISTORY, facility_history, "Facility history", (S.load,)),
]
