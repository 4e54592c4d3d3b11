"""Facility request pages: Search Facilities, Requests, Manage Facility, Archived Facilities."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.facilities.request_decisions import decision_buttons, decision_form
from cers_app.facilities.request_state import (
    ArchivedFacilitiesState,
    FacilitySearchState,
    ManageFacilityState,
    RequestsState,
)
from cers_app.facilities.requests import NOTE_MAX
from cers_app.organizations.roles import ROLE_DESCRIPTIONS, ROLE_LABELS, OrgRole
from cers_app.ui.forms import field_error, select_field, text_field
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell, small_link
from cers_app.ui.tables import table

ROLE_OPTIONS = {role.value: ROLE_LABELS[role] for role in OrgRole}
STATUS_COLORS = {"pending": "amber", "approved": "green", "rejected": "red", "withdrawn": "gray"}


# ------------------------------------------------------------------ small building blocks


def _note_field(label: str, errors: rx.Var, *, id: str, name: str = "note") -> rx.Component:
    """A labelled multi-line note (optional), with its server-side message."""
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.text_area(
            name=name,
            id=id,
            max_length=NOTE_MAX,
            rows="3",
            width="100%",
            color_scheme=rx.cond(errors.contains(name), "red", "gray"),
        ),
        field_error(errors, name, id),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _options_select(
    label: str,
    name: str,
    options: rx.Var,
    value_key: str,
    label_key: str,
    errors: rx.Var,
    *,
    id: str,
    placeholder: str = "Choose...",
) -> rx.Component:
    """A labelled native <select> whose options come from state rows."""
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        rx.el.select(
            rx.el.option(placeholder, value=""),
            rx.foreach(options, lambda o: rx.el.option(o[label_key], value=o[value_key])),
            name=name,
            id=id,
            default_value="",
            class_name="cers-select",
            aria_invalid=rx.cond(errors.contains(name), "true", "false"),
        ),
        field_error(errors, name, id),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _buttons(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, spacing="2", wrap="wrap")


def _status(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.badge(
            row["status_label"],
            color_scheme=rx.match(
                row["status"],
                *[(status, color) for status, color in STATUS_COLORS.items()],
                "gray",
            ),
        ),
        rx.cond(
            row["waiting_for"] != "",
            rx.text("Decided by ", row["waiting_for"], size="1", color_scheme="gray"),
        ),
        spacing="1",
    )


def _facility_cell(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.text(row["facility"], size="2"),
        rx.text("CERS ID ", row["cers_id"], size="1", color_scheme="gray"),
        spacing="0",
    )


def _none(text: str, id: str) -> rx.Component:
    return rx.text(text, id=id, size="2", color_scheme="gray")


# ------------------------------------------------------------------ Search Facilities


def _search_cells(row: rx.Var) -> list:
    name = rx.vstack(
        rx.text.strong(row["name"]),
        rx.cond(row["note"] != "", rx.text(row["note"], size="1", color_scheme="gray")),
        spacing="0",
    )
    actions = _buttons(
        rx.button(
            "Request access",
            size="1",
            on_click=FacilitySearchState.ask_access(row["facility_id"]),
            id="search-request-access-" + row["facility_id"],
        ),
        rx.cond(
            FacilitySearchState.lead_businesses.length() > 0,
            rx.button(
                "Move to my business",
                size="1",
                variant="soft",
                on_click=FacilitySearchState.ask_take(row["facility_id"]),
                id="search-take-" + row["facility_id"],
            ),
        ),
    )
    return [row["cers_id"], name, row["address"], row["city"], actions]


def _chosen_heading(prefix: str) -> rx.Component:
    chosen = FacilitySearchState.chosen
    return rx.heading(
        prefix, chosen["name"], " (CERS ID ", chosen["cers_id"], ")", size="4", as_="h2"
    )


def _access_form() -> rx.Component:
    errors = FacilitySearchState.form_errors
    chosen = FacilitySearchState.chosen
    return card(
        _chosen_heading("Request access to "),
        rx.text(
            "You ask to join the business that reports for this facility. Its Lead Users "
            "decide (the regulator does when the business has none, or for a Lead User role "
            "where the regulator verifies those). You get an email either way.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                rx.el.input(type="hidden", name="facility_id", value=chosen["facility_id"]),
                select_field(
                    "Permission group", "role", ROLE_OPTIONS, errors, id="search-access-role"
                ),
                rx.el.ul(
                    *[
                        rx.el.li(rx.text(rx.text.strong(ROLE_LABELS[r]), ": ", d, size="1"))
                        for r, d in ROLE_DESCRIPTIONS.items()
                    ]
                ),
                _note_field(
                    "Note to whoever decides (who you are, why you need access)",
                    errors,
                    id="search-access-note",
                ),
                _buttons(
                    rx.button("Send request", type="submit", id="search-access-submit"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        on_click=FacilitySearchState.cancel,
                        id="search-access-cancel",
                    ),
                ),
                spacing="3",
            ),
            on_submit=FacilitySearchState.request_access,
            id="search-access-form",
            key=chosen["facility_id"],
        ),
        id="search-access",
    )


def _take_form() -> rx.Component:
    errors = FacilitySearchState.form_errors
    chosen = FacilitySearchState.chosen
    return card(
        _chosen_heading("Move into my business: "),
        rx.text(
            "Use this when your business now operates this site. It moves at once when you "
            "are also a Lead User of the business it belongs to; otherwise the regulator "
            "decides and you get an email.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                rx.el.input(type="hidden", name="facility_id", value=chosen["facility_id"]),
                _options_select(
                    "The business that takes the facility",
                    "business",
                    FacilitySearchState.lead_businesses,
                    "id",
                    "name",
                    errors,
                    id="search-take-business",
                ),
                _note_field("Note to the regulator", errors, id="search-take-note"),
                _buttons(
                    rx.button("Send request", type="submit", id="search-take-submit"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        on_click=FacilitySearchState.cancel,
                        id="search-take-cancel",
                    ),
                ),
                spacing="3",
            ),
            on_submit=FacilitySearchState.take_ownership,
            id="search-take-form",
            key=chosen["facility_id"],
        ),
        id="search-take",
    )


def facility_search() -> rx.Component:
    ready = after_load(FacilitySearchState.loaded)
    chosen = FacilitySearchState.chosen
    return shell(
        page_title(
            "Search Facilities",
            "Find a facility by its CERS ID, its name or its street address.",
        ),
        card(
            rx.form(
                rx.flex(
                    rx.box(
                        text_field(
                            "CERS ID, name or address",
                            "query",
                            FacilitySearchState.errors,
                            id="search-query",
                            default_value=FacilitySearchState.query,
                            max_length=100,
                        ),
                        flex_grow="1",
                        min_width="0",
                    ),
                    rx.button("Search", type="submit", id="search-submit", size="3"),
                    spacing="2",
                    align="end",
                    width="100%",
                ),
                on_submit=FacilitySearchState.search,
                id="search-form",
                key=FacilitySearchState.form_key,
            ),
        ),
        # A chosen result's form takes the place of the results until it is sent or cancelled.
        rx.cond(ready & (chosen["mode"] == "access"), _access_form()),
        rx.cond(ready & (chosen["mode"] == "take"), _take_form()),
        rx.cond(
            ready & FacilitySearchState.searched & ~chosen.contains("mode"),
            card(
                rx.heading("Results", size="4", as_="h2"),
                rx.cond(
                    FacilitySearchState.rows.length() > 0,
                    table(
                        ["CERS ID", "Name", "Address", "City", ""],
                        FacilitySearchState.rows,
                        _search_cells,
                        id="search-results",
                    ),
                    _none(
                        "No facility matches. Check the CERS ID or try part of the name or the "
                        "street.",
                        "search-none",
                    ),
                ),
            ),
        ),
        small_link("My Requests", routes.BUSINESS_REQUESTS, "search-my-requests"),
    )


# ------------------------------------------------------------------ Requests


def _to_answer(row: rx.Var) -> rx.Component:
    deciding = RequestsState.deciding.contains("id") & (RequestsState.deciding["id"] == row["id"])
    return rx.box(
        rx.vstack(
            rx.text(
                rx.text.strong(row["requested_by"]),
                " asks to join as ",
                rx.text.strong(row["role"]),
                size="2",
            ),
            rx.text(
                "Facility ",
                row["facility"],
                " (CERS ID ",
                row["cers_id"],
                ") · ",
                row["requested_at"],
                size="1",
                color_scheme="gray",
            ),
            rx.cond(row["note"] != "", rx.text("“", row["note"], "”", size="2")),
            rx.cond(
                deciding,
                decision_form(RequestsState),
                decision_buttons(
                    RequestsState,
                    row["id"],
                    approve_id="request-approve-" + row["id"],
                    reject_id="request-reject-" + row["id"],
                ),
            ),
            spacing="2",
        ),
        id="request-answer-" + row["id"],
        class_name="cers-request",
        padding="12px",
        border="1px solid var(--gray-5)",
        border_radius="var(--radius-3)",
        width="100%",
    )


def _mine_cells(row: rx.Var) -> list:
    what = rx.vstack(
        rx.text(row["what"], size="2"),
        rx.cond(row["role"] != "", rx.text("as ", row["role"], size="1", color_scheme="gray")),
        rx.cond(row["business"] != "", rx.text(row["business"], size="1", color_scheme="gray")),
        spacing="0",
    )
    withdraw = rx.cond(
        row["pending"] == "yes",
        rx.button(
            "Withdraw",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=RequestsState.withdraw(row["id"]),
            id="request-withdraw-" + row["id"],
        ),
    )
    return [what, _facility_cell(row), _status(row), row["requested_at"], row["comment"], withdraw]


def business_requests() -> rx.Component:
    ready = after_load(RequestsState.loaded)
    return shell(
        page_title("Requests", "Access requests to answer, and the requests you made."),
        rx.cond(
            ready & RequestsState.can_answer,
            card(
                rx.heading("Access requests to ", RequestsState.business, size="4", as_="h2"),
                rx.cond(
                    RequestsState.to_answer.length() > 0,
                    rx.vstack(
                        rx.foreach(RequestsState.to_answer, _to_answer),
                        spacing="3",
                        width="100%",
                        id="request-to-answer",
                    ),
                    _none("No access request is waiting for an answer.", "request-to-answer-none"),
                ),
                id="request-queue",
            ),
        ),
        rx.cond(
            ready,
            card(
                rx.heading("My requests", size="4", as_="h2"),
                rx.cond(
                    RequestsState.mine.length() > 0,
                    table(
                        ["Request", "Facility", "Status", "Requested", "Comment", ""],
                        RequestsState.mine,
                        _mine_cells,
                        id="request-mine",
                    ),
                    _none("You have not made any request.", "request-mine-none"),
                ),
                small_link("Search Facilities", routes.FACILITY_SEARCH, "request-search"),
            ),
            rx.spinner(),
        ),
    )


# ------------------------------------------------------------------ Manage Facility


def _pending_cells(row: rx.Var) -> list:
    what = rx.vstack(
        rx.text(row["what"], size="2"),
        rx.cond(row["role"] != "", rx.text("as ", row["role"], size="1", color_scheme="gray")),
        spacing="0",
    )
    return [what, row["requested_by"], row["requested_at"], _status(row)]


def _transfer_card() -> rx.Component:
    errors = ManageFacilityState.transfer_errors
    return card(
        rx.heading("Transfer to another business", size="4", as_="h2"),
        rx.text(
            "The facility moves at once when you are a Lead User of both businesses; otherwise "
            "the regulator decides. ",
            ManageFacilityState.facility["business"],
            " keeps a read-only record under Archived Facilities.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                rx.cond(
                    ManageFacilityState.transfer_options.length() > 0,
                    _options_select(
                        "One of your businesses",
                        "business",
                        ManageFacilityState.transfer_options,
                        "id",
                        "name",
                        errors,
                        id="manage-transfer-business",
                    ),
                ),
                text_field(
                    "Or the receiving business's 9-digit organization code",
                    "code",
                    errors,
                    id="manage-transfer-code",
                    max_length=9,
                    hint="Its Lead User sees the code on the business's home page.",
                ),
                _note_field("Note (optional)", errors, id="manage-transfer-note"),
                rx.button("Transfer", type="submit", id="manage-transfer-submit"),
                spacing="3",
            ),
            on_submit=ManageFacilityState.transfer,
            id="manage-transfer-form",
            key=ManageFacilityState.form_key,
        ),
        id="manage-transfer",
    )


def _merge_card() -> rx.Component:
    errors = ManageFacilityState.merge_errors
    return card(
        rx.heading("Merge a duplicate", size="4", as_="h2"),
        rx.text(
            "When this facility is the same site as another facility of ",
            ManageFacilityState.facility["business"],
            ", ask the regulator to merge them: the facility you keep keeps its CERS ID and the "
            "history of both; this facility's CERS ID is retired and still leads to it in "
            "search.",
            size="2",
        ),
        rx.cond(
            ManageFacilityState.merge_options.length() > 0,
            rx.form(
                rx.vstack(
                    _options_select(
                        "The facility to keep",
                        "survivor",
                        ManageFacilityState.merge_options,
                        "id",
                        "label",
                        errors,
                        id="manage-merge-survivor",
                    ),
                    _note_field("Note to the regulator", errors, id="manage-merge-note"),
                    rx.button("Request merge", type="submit", id="manage-merge-submit"),
                    spacing="3",
                ),
                on_submit=ManageFacilityState.merge,
                id="manage-merge-form",
                key=ManageFacilityState.form_key,
            ),
            _none("The business has no other facility to merge it into.", "manage-merge-none"),
        ),
        id="manage-merge",
    )


def _delete_card() -> rx.Component:
    errors = ManageFacilityState.delete_errors
    return card(
        rx.heading("Delete the facility", size="4", as_="h2"),
        rx.text(
            "Only a facility that never submitted anything can be deleted, for instance one "
            "added by mistake. The regulator decides.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                _note_field("Why should it be deleted?", errors, id="manage-delete-note"),
                rx.button(
                    "Request deletion",
                    type="submit",
                    color_scheme="red",
                    variant="soft",
                    id="manage-delete-submit",
                ),
                spacing="3",
            ),
            on_submit=ManageFacilityState.delete,
            id="manage-delete-form",
            key=ManageFacilityState.form_key,
        ),
        id="manage-delete",
    )


def manage_facility() -> rx.Component:
    ready = after_load(ManageFacilityState.loaded)
    facility = ManageFacilityState.facility
    return shell(
        page_title("Manage Facility"),
        rx.cond(
            ready,
            rx.vstack(
                card(
                    rx.heading(facility["name"], size="5", as_="h2", id="manage-name"),
                    rx.text(
                        "CERS ID ",
                        facility["cers_id"],
                        " · ",
                        facility["address"],
                        ", ",
                        facility["city"],
                        size="2",
                        id="manage-identity",
                    ),
                    rx.text("Business: ", facility["business"], size="2", id="manage-business"),
                    rx.flex(
                        rx.link("Facility page", href=facility["url"], id="manage-facility-link"),
                        rx.link("Requests", href=routes.BUSINESS_REQUESTS, id="manage-requests"),
                        spacing="4",
                        wrap="wrap",
                    ),
                ),
                card(
                    rx.heading("Pending requests", size="4", as_="h2"),
                    rx.cond(
                        ManageFacilityState.pending.length() > 0,
                        table(
                            ["Request", "By", "Requested", "Status"],
                            ManageFacilityState.pending,
                            _pending_cells,
                            id="manage-pending",
                        ),
                        _none("No request about this facility is pending.", "manage-pending-none"),
                    ),
                ),
                _transfer_card(),
                _merge_card(),
                _delete_card(),
                spacing="5",
                width="100%",
                align="stretch",
            ),
            rx.spinner(),
        ),
    )


# ------------------------------------------------------------------ Archived Facilities


def archived_facilities() -> rx.Component:
    ready = after_load(ArchivedFacilitiesState.loaded)
    return shell(
        page_title("Archived Facilities"),
        rx.cond(
            ready,
            card(
                rx.text(
                    "Facilities transferred out of ",
                    rx.text.strong(ArchivedFacilitiesState.business),
                    ": when, and to which business. They are read-only here; the receiving "
                    "business reports for them now.",
                    size="2",
                ),
                rx.cond(
                    ArchivedFacilitiesState.rows.length() > 0,
                    table(
                        ["CERS ID", "Name", "Address", "Transferred", "To"],
                        ArchivedFacilitiesState.rows,
                        ["cers_id", "name", "address", "transferred_at", "to_business"],
                        id="archived-table",
                    ),
                    _none("No facility was transferred out of this business.", "archived-none"),
                ),
            ),
            rx.spinner(),
        ),
    )


PAGES = [
    PageSpec(
        routes.FACILITY_SEARCH, facility_search, "Search Facilities", (FacilitySearchState.load,)
    ),
    PageSpec(routes.BUSINESS_REQUESTS, business_requests, "Requests", (RequestsState.load,)),
    PageSpec(
        routes.FACILITY_MANAGE, manage_facility, "Manage Facility", (ManageFacilityState.load,)
    ),
    PageSpec(
        routes.ARCHIVED_FACILITIES,
        archived_facilities,
        "Archived Facilities",
        (ArchivedFacilitiesState.load,),
    ),
]
