"""Business pages: My Businesses (Select Business), Manage People, Edit Organization, invitation."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.organizations.roles import ROLE_DESCRIPTIONS, ROLE_LABELS, OrgRole
from cers_app.organizations.state import (
    EditOrganizationState,
    InvitationState,
    MyBusinessesState,
    PeopleState,
)
from cers_app.ui.forms import select_field, submit_button, text_field
from cers_app.ui.layout import (
    PageSpec,
    account_heading,
    after_load,
    card,
    narrow,
    page_title,
    shell,
    small_link,
)
from cers_app.ui.session import SessionState
from cers_app.ui.tables import table

ROLE_OPTIONS = {role.value: ROLE_LABELS[role] for role in OrgRole}


def _business_row(row: rx.Var) -> list:
    choose = rx.cond(
        row["current"] == "yes",
        rx.badge("Current", color_scheme="green"),
        rx.button(
            "Select",
            size="1",
            on_click=MyBusinessesState.select(row["id"]),
            id="business-select-" + row["id"],
        ),
    )
    return [rx.text.strong(row["name"]), row["code"], row["role"], row["people"], choose]


def _create_business_form() -> rx.Component:
    errors = MyBusinessesState.errors
    return card(
        rx.heading("Create a business", size="4", as_="h2"),
        rx.text(
            "Create a business if yours is not in OpenCERS yet; you become its Lead User. If it "
            "already is, ask its Lead User to add you instead. Consultants are added by each "
            "client.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                text_field("Business name", "name", errors, id="business-name", max_length=100),
                text_field(
                    "Headquarters (city or address)",
                    "headquarters",
                    errors,
                    id="business-headquarters",
                    max_length=75,
                ),
                rx.el.input(
                    type="hidden", name="idempotency_key", value=MyBusinessesState.form_key
                ),
                submit_button("Create business", id="business-create"),
                spacing="3",
            ),
            on_submit=MyBusinessesState.create,
            id="business-create-form",
        ),
        id="create-business",
    )


def my_businesses() -> rx.Component:
    return shell(
        account_heading("businesses"),
        rx.text(
            "Every business you belong to. Select one to work on its facilities; your rights "
            "there depend on your role in it.",
            size="2",
        ),
        card(
            rx.heading("My businesses", size="4", as_="h2"),
            rx.cond(
                after_load(MyBusinessesState.loaded),
                rx.cond(
                    MyBusinessesState.rows.length() > 0,
                    table(
                        ["Business", "Code", "Your role", "People", ""],
                        MyBusinessesState.rows,
                        _business_row,
                        id="businesses-table",
                    ),
                    rx.text(
                        "You do not belong to any business yet.",
                        id="businesses-none",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                rx.spinner(),
            ),
        ),
        _create_business_form(),
    )


def _person_cells(row: rx.Var) -> list:
    actions = rx.hstack(
        rx.button(
            "Edit",
            size="1",
            variant="soft",
            on_click=PeopleState.start_edit(row["member_id"]),
            id="person-edit-" + row["member_id"],
        ),
        rx.button(
            "Remove",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=PeopleState.ask_remove(row["member_id"]),
            id="person-remove-" + row["member_id"],
        ),
        spacing="2",
    )
    who = rx.vstack(
        rx.text.strong(row["name"], rx.cond(row["me"] == "yes", " (you)", "")),
        rx.text(row["username"], " · ", row["email"], size="1", color_scheme="gray"),
        spacing="0",
    )
    return [who, row["title"], row["phone"], rx.badge(row["role_label"]), row["added"], actions]


def _edit_person() -> rx.Component:
    errors = PeopleState.edit_errors
    person = PeopleState.editing
    return card(
        rx.heading("Edit ", person["name"], size="4", as_="h2"),
        rx.form(
            rx.vstack(
                rx.el.input(type="hidden", name="member_id", value=person["member_id"]),
                rx.el.input(type="hidden", name="version", value=person["version"]),
                select_field(
                    "Permission group",
                    "role",
                    ROLE_OPTIONS,
                    errors,
                    id="edit-person-role",
                    default_value=person["role"],
                ),
                text_field(
                    "Title",
                    "title",
                    errors,
                    id="edit-person-title",
                    default_value=person["title"],
                    max_length=100,
                ),
                text_field(
                    "Phone",
                    "phone",
                    errors,
                    id="edit-person-phone",
                    default_value=person["phone"],
                    max_length=40,
                ),
                rx.hstack(
                    rx.button("Save", type="submit", id="edit-person-save"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        on_click=PeopleState.cancel,
                        id="edit-person-cancel",
                    ),
                ),
                spacing="3",
            ),
            on_submit=PeopleState.save_person,
            id="edit-person-form",
            key=person["member_id"],
        ),
        id="edit-person",
    )


def _confirm_remove() -> rx.Component:
    person = PeopleState.confirm_remove
    return rx.callout.root(
        rx.callout.text(
            "Remove ",
            rx.text.strong(person["name"]),
            " from ",
            PeopleState.business,
            "? They lose access to its facilities at once.",
        ),
        rx.hstack(
            rx.button(
                "Remove",
                color_scheme="red",
                on_click=PeopleState.remove(person["member_id"]),
                id="person-confirm-remove",
            ),
            rx.button("Cancel", variant="soft", on_click=PeopleState.cancel, id="person-cancel"),
        ),
        color_scheme="red",
        id="confirm-remove",
    )


def _add_person() -> rx.Component:
    errors = PeopleState.add_errors
    return card(
        rx.heading("Add Person", size="4", as_="h2"),
        rx.text(
            "Enter the person's email address. Someone with an account is added at once; anyone "
            "else gets an invitation and joins when their account is active.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                text_field(
                    "Email address (or username)",
                    "who",
                    errors,
                    id="add-person-who",
                    max_length=254,
                ),
                text_field("Full name", "full_name", errors, id="add-person-name", max_length=101),
                rx.grid(
                    text_field("Title", "title", errors, id="add-person-title", max_length=100),
                    text_field("Phone", "phone", errors, id="add-person-phone", max_length=40),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                select_field(
                    "Permission group", "role", ROLE_OPTIONS, errors, id="add-person-role"
                ),
                rx.el.ul(
                    *[
                        rx.el.li(rx.text(rx.text.strong(ROLE_LABELS[r]), ": ", d, size="1"))
                        for r, d in ROLE_DESCRIPTIONS.items()
                    ]
                ),
                submit_button("Add Person", id="add-person-submit"),
                spacing="3",
            ),
            on_submit=PeopleState.add,
            id="add-person-form",
            key=PeopleState.add_form_key,
        ),
    )


def _invitation_cells(row: rx.Var) -> list:
    withdraw = rx.button(
        "Withdraw",
        size="1",
        variant="soft",
        color_scheme="red",
        on_click=PeopleState.revoke(row["id"]),
        id="invitation-revoke-" + row["id"],
    )
    return [row["name"], row["email"], row["role"], row["sent"], row["expires"], withdraw]


def manage_people() -> rx.Component:
    ready = after_load(PeopleState.loaded)
    return shell(
        page_title("Manage People"),
        rx.cond(ready, rx.text("People of ", rx.text.strong(PeopleState.business), ".", size="2")),
        rx.cond(ready & PeopleState.confirm_remove.contains("member_id"), _confirm_remove()),
        rx.cond(ready & PeopleState.editing.contains("member_id"), _edit_person()),
        rx.cond(
            ready,
            card(
                table(
                    ["Person", "Title", "Phone", "Permission group", "Added", ""],
                    PeopleState.people,
                    _person_cells,
                    id="people-table",
                ),
            ),
        ),
        rx.cond(
            ready & (PeopleState.invitations.length() > 0),
            card(
                rx.heading("Pending invitations", size="4", as_="h2"),
                table(
                    ["Name", "Email", "Permission group", "Sent", "Expires", ""],
                    PeopleState.invitations,
                    _invitation_cells,
                    id="invitations-table",
                ),
            ),
        ),
        rx.cond(ready, _add_person()),
    )


def edit_organization() -> rx.Component:
    errors = EditOrganizationState.errors
    return shell(
        narrow(
            page_title("Edit Organization", "Changes are recorded and visible to your regulator."),
            rx.cond(
                after_load(EditOrganizationState.loaded),
                card(
                    rx.text("Organization code ", EditOrganizationState.code, size="2"),
                    rx.form(
                        rx.vstack(
                            text_field(
                                "Business name",
                                "name",
                                errors,
                                id="organization-name",
                                default_value=EditOrganizationState.name,
                                max_length=100,
                            ),
                            text_field(
                                "Headquarters",
                                "headquarters",
                                errors,
                                id="organization-headquarters",
                                default_value=EditOrganizationState.headquarters,
                                max_length=75,
                            ),
                            submit_button("Save", id="organization-save"),
                            spacing="3",
                        ),
                        on_submit=EditOrganizationState.save,
                        id="organization-form",
                        key=EditOrganizationState.form_key,
                    ),
                ),
            ),
        )
    )


def invitation() -> rx.Component:
    offer = card(
        rx.text(
            rx.text.strong(InvitationState.invited_by),
            " invited you to join ",
            rx.text.strong(InvitationState.business),
            " as ",
            InvitationState.role,
            ".",
            id="invitation-offer",
        ),
        rx.cond(
            SessionState.signed_in,
            rx.button("Accept and join", on_click=InvitationState.accept, id="invitation-accept"),
            rx.vstack(
                rx.text(
                    "Create your account with ",
                    rx.text.strong(InvitationState.email),
                    " and you join the business as soon as it is active. If you already have an "
                    "account, sign in and open this link again.",
                    size="2",
                ),
                rx.flex(
                    rx.link(
                        rx.button("Create New Account"),
                        href=InvitationState.sign_up_url,
                        id="invitation-sign-up",
                    ),
                    rx.link(
                        rx.button("Sign in", variant="soft"),
                        href=routes.with_query(routes.SIGN_IN, portal="business"),
                        id="invitation-sign-in",
                    ),
                    spacing="3",
                    wrap="wrap",
                ),
                spacing="3",
            ),
        ),
    )
    return shell(
        narrow(
            page_title("Invitation to a business"),
            rx.match(
                rx.cond(rx.State.is_hydrated, InvitationState.status, "checking"),
                ("checking", rx.hstack(rx.spinner(), rx.text("Checking your invitation..."))),
                ("ready", offer),
                rx.callout(
                    InvitationState.message,
                    icon="triangle-alert",
                    color_scheme="red",
                    id="invitation-problem",
                ),
            ),
            small_link("Go to the start page", routes.LANDING, "invitation-home"),
        )
    )


PAGES = [
    PageSpec(routes.MY_BUSINESSES, my_businesses, "My Businesses", (MyBusinessesState.load,)),
    PageSpec(routes.MANAGE_PEOPLE, manage_people, "Manage People", (PeopleState.load,)),
    PageSpec(
        routes.EDIT_ORGANIZATION,
        edit_organization,
        "Edit Organization",
        (EditOrganizationState.load,),
    ),
    PageSpec(routes.INVITATION, invitation, "Invitation", (InvitationState.load,)),
]
