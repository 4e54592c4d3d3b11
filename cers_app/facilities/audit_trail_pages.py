"""The business's history pages: what changed, who changed it and when, newest first."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.facilities.audit_trail_state import BusinessHistoryState
from cers_app.ui import history
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell, small_link

S = BusinessHistoryState


def _body(with_facility: bool) -> rx.Component:
    return rx.fragment(
        page_title(
            rx.cond(S.whole_business, "History of " + S.title, "History: " + S.title),
            S.subtitle,
        ),
        card(history.filters(S, "history")),
        history.events(S, "history", with_facility=with_facility),
        rx.cond(
            S.whole_business,
            small_link("Back to home", routes.BUSINESS_HOME, "history-home"),
            rx.link("Back to the facility", href=S.facility_url, size="2", id="history-facility"),
        ),
    )


def facility_history() -> rx.Component:
    return shell(rx.cond(after_load(S.loaded), _body(False), rx.spinner()))


def business_history() -> rx.Component:
    return shell(rx.cond(after_load(S.loaded), _body(True), rx.spinner()))


PAGES = [
    PageSpec(routes.FACILITY_HISTORY, facility_history, "Facility history", (S.load_facility,)),
    PageSpec(routes.BUSINESS_HISTORY, business_history, "Business history", (S.load_business,)),
]
