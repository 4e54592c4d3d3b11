"""Staff and roles: the agency's members, their roles, and inviting a regulator."""

from __future__ import annotations

import reflex as rx

from cers_app.agencies.models import REGULATOR_ROLE_LABELS
from cers_app.core import routes
from cers_app.regulator.staff_state import StaffState
from cers_app.ui.forms import select_field, text_field
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

ROLE_OPTIONS = {role.value: label for role, label in REGULATOR_ROLE_LABELS.items()}


def _member(row: rx.Var) -> rx.Component:
    prefix = "staff-" + row["id"]
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.text.strong(row["name"]),
                rx.text(row["username"], size="2", color_scheme="gray"),
                rx.badge(
                    rx.cond(row["active"] == "yes", "Active", "Inactive"),
                    color_scheme=rx.cond(row["active"] == "yes", "green", "gray"),
                    id=prefix + "-status",
                ),
                rx.badge(row["role_label"], variant="soft", id=prefix + "-role-label"),
                rx.cond(row["account"] != "", rx.badge(row["account"], color_scheme="amber")),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(row["email"], size="2", style={"overflowWrap": "anywhere"}),
            rx.text(row["agency"], size="1", color_scheme="gray"),
            rx.flex(
                rx.el.label(rx.text("Role", size="2"), html_for=prefix + "-role"),
                rx.el.select(
                    *[rx.el.option(text, value=value) for value, text in ROLE_OPTIONS.items()],
                    value=row["role"],
                    on_change=lambda value: StaffState.change_role(row["id"], value),
                    id=prefix + "-role",
                    class_name="cers-select",
                ),
                rx.cond(
                    row["active"] == "yes",
                    rx.button(
                        "Deactivate",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=StaffState.deactivate(row["id"]),
                        id=prefix + "-deactivate",
                    ),
                    rx.button(
                        "Reactivate",
                        size="1",
                        color_scheme="green",
                        on_click=StaffState.reactivate(row["id"]),
                        id=prefix + "-reactivate",
                    ),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="1",
            align="stretch",
        ),
        width="100%",
        id=prefix,
    )


def _invite_form() -> rx.Component:
    s = StaffState
    return card(
        rx.heading("Invite a regulator", size="4", as_="h2"),
        rx.text(
            "An existing account with this email address gets the role at once. For a new "
            "address an account is created and its holder is emailed a link to set it up.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                rx.cond(
                    s.agencies.length() > 1,
                    rx.vstack(
                        rx.el.label(rx.text("Agency", size="2"), html_for="staff-invite-agency"),
                        rx.el.select(
                            rx.foreach(
                                s.agencies, lambda a: rx.el.option(a["name"], value=a["id"])
                            ),
                            name="agency",
                            # A plain attribute: an `id=` prop would add the select's ref to
                            # the form data even while it is not shown (as null).
                            custom_attrs={"id": "staff-invite-agency"},
                            class_name="cers-select",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                ),
                text_field(
                    "Email address",
                    "email",
                    s.errors,
                    id="staff-invite-email",
                    type="email",
                    max_length=254,
                ),
                select_field("Role", "role", ROLE_OPTIONS, s.errors, id="staff-invite-role"),
                rx.flex(
                    rx.box(
                        text_field(
                            "First name (new accounts)",
                            "first_name",
                            s.errors,
                            id="staff-invite-first-name",
                            max_length=50,
                        ),
                        flex="1",
                        min_width="160px",
                    ),
                    rx.box(
                        text_field(
                            "Last name (new accounts)",
                            "last_name",
                            s.errors,
                            id="staff-invite-last-name",
                            max_length=50,
                        ),
                        flex="1",
                        min_width="160px",
                    ),
                    spacing="2",
                    wrap="wrap",
                    width="100%",
                ),
                rx.button("Invite", type="submit", id="staff-invite-submit"),
                spacing="3",
                align="stretch",
            ),
            on_submit=s.invite,
            reset_on_submit=False,
            id="staff-invite-form",
            key=s.invite_key,
        ),
    )


def staff_page() -> rx.Component:
    s = StaffState
    return shell(
        page_title("Staff and roles"),
        rx.link("Back to the Regulator Portal", href=routes.REGULATOR_HOME, id="staff-back"),
        _invite_form(),
        card(
            rx.heading("Members", size="4", as_="h2"),
            rx.text(
                "An inactive member keeps their account but has no role in the agency; they "
                "lose the Regulator Portal at once. The agency always keeps one active Agency "
                "Admin.",
                size="2",
            ),
            rx.cond(
                after_load(s.loaded),
                rx.vstack(rx.foreach(s.rows, _member), spacing="2", width="100%", id="staff"),
            ),
        ),
    )


PAGES = [PageSpec(routes.REGULATOR_STAFF, staff_page, "Staff and roles", (StaffState.load,))]
