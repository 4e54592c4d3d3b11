"""Business pages' state: My Businesses, Manage People, Edit Organization, invitations."""

from __future__ import annotations

import secrets
from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Actor, Permission, public, requires
from cers_app.organizations import service
from cers_app.organizations.roles import OrgAction
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number
from cers_app.ui.session import SessionState

NO_BUSINESS = "Choose a business first."


def _to_select_business() -> list[Any]:
    return [rx.toast.info(NO_BUSINESS, id="select-business"), rx.redirect(routes.MY_BUSINESSES)]


async def _show_in_header(state: rx.State, business: str) -> None:
    """The header read the session before the page's own load changed the business."""
    header = await state.get_state(SessionState)
    header.organization_name = business


async def _selected_business(state: rx.State, actor: Actor) -> tuple[int, str] | None:
    """The session's business (id, name). As on the home page, someone who belongs to exactly
    one business gets it selected, so a page opened straight after sign-in works too."""
    if actor.organization_id is not None:
        return actor.organization_id, actor.organization_name
    current = await db.run_async(service.current_organization, actor)
    if current is None:
        return None
    await _show_in_header(state, current.name)
    return current.id, current.name


class MyBusinessesState(rx.State):
    """The user's businesses (a consultant has several): Select Business, create a business."""

    rows: list[dict[str, str]] = []
    loaded: bool = False
    errors: dict[str, str] = {}
    form_key: str = ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.errors, self.form_key = {}, secrets.token_urlsafe(16)
        actor = handler_actor()
        mine = await db.run_async(service.list_my_organizations, actor)
        self.rows = [
            {
                "id": str(row.id),
                "name": row.name,
                "code": str(row.code),
                "headquarters": row.headquarters,
                "role": row.role_label,
                "people": str(row.people),
                "current": "yes" if row.id == actor.organization_id else "",
            }
            for row in mine
        ]
        self.loaded = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def select(self, organization_id: str) -> Any:
        try:
            chosen = await db.run_async(
                service.select_organization, handler_actor(), page_number(organization_id)
            )
        except DomainError as exc:
            return toast_for(exc)
        return [
            rx.toast.success(f"You are working in {chosen.name}.", id="business-selected"),
            rx.redirect(routes.BUSINESS_HOME),
        ]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def create(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "name", "headquarters", "idempotency_key")
        try:
            await db.run_async(
                service.create_organization,
                handler_actor(),
                values["name"],
                values["headquarters"],
                idempotency_key=values["idempotency_key"],
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        return [
            rx.toast.success(f"{values['name'].strip()} was created. You are its Lead User."),
            rx.redirect(routes.BUSINESS_HOME),
        ]


class PeopleState(rx.State):
    """Manage People of the selected business (Lead Users)."""

    business: str = ""
    people: list[dict[str, str]] = []
    invitations: list[dict[str, str]] = []
    loaded: bool = False
    add_errors: dict[str, str] = {}
    edit_errors: dict[str, str] = {}
    editing: dict[str, str] = {}
    confirm_remove: dict[str, str] = {}
    notice: str = ""
    add_form_key: int = 0

    def _forget(self) -> None:
        """Drop what the last list showed: a tab keeps its state across reloads, and someone
        who lost access must not see the business's people again while being sent away."""
        self.business, self.people, self.invitations = "", [], []
        self.editing, self.confirm_remove, self.loaded = {}, {}, False

    async def _refresh(self) -> Any:
        actor = handler_actor()
        selected = await _selected_business(self, actor)
        if selected is None:
            self._forget()
            return _to_select_business()
        try:
            found = await db.run_async(service.list_people, actor, selected[0])
        except DomainError as exc:
            self._forget()
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self.business = selected[1]
        self.people = [
            {
                "member_id": str(p.member_id),
                "name": p.name,
                "username": p.username,
                "email": p.email,
                "title": p.title,
                "phone": p.phone,
                "role": p.role,
                "role_label": p.role_label,
                "added": p.added,
                "me": "yes" if p.is_me else "",
                "version": str(p.version),
            }
            for p in found.people
        ]
        self.invitations = [
            {
                "id": str(i.id),
                "email": i.email,
                "name": i.name,
                "role": i.role_label,
                "sent": i.sent,
                "expires": i.expires,
            }
            for i in found.invitations
        ]
        self.loaded = True
        return None

    async def _done(self, message: str, toast_id: str) -> list[Any]:
        """A success toast, and the list read again (or the way out if access was lost)."""
        return [rx.toast.success(message, id=toast_id), *(await self._refresh() or [])]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.add_errors, self.edit_errors, self.editing, self.confirm_remove = {}, {}, {}, {}
        self.notice = ""
        return await self._refresh()

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def add(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "who", "full_name", "title", "phone", "role")
        actor = handler_actor()
        try:
            self.notice = await db.run_async(
                service.add_person,
                actor,
                actor.organization_id,
                values["who"],
                values["full_name"],
                values["title"],
                values["phone"],
                values["role"],
            )
        except DomainError as exc:
            self.add_errors = field_errors(exc)
            return toast_for(exc)
        self.add_errors = {}
        self.add_form_key += 1  # a fresh, empty Add Person form (kept as typed on errors)
        return await self._done(self.notice, "person-added")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def start_edit(self, member_id: str) -> None:
        self.edit_errors, self.confirm_remove = {}, {}
        self.editing = next((dict(p) for p in self.people if p["member_id"] == member_id), {})

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def cancel(self) -> None:
        self.editing, self.confirm_remove, self.edit_errors = {}, {}, {}

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save_person(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "member_id", "version", "role", "title", "phone")
        actor = handler_actor()
        try:
            await db.run_async(
                service.change_person,
                actor,
                actor.organization_id,
                page_number(values["member_id"]),
                values["role"],
                values["title"],
                values["phone"],
                page_number(values["version"]),
            )
        except DomainError as exc:
            self.edit_errors = field_errors(exc)
            return toast_for(exc)
        self.editing, self.edit_errors = {}, {}
        return await self._done("Saved.", "person-saved")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_remove(self, member_id: str) -> None:
        self.editing = {}
        self.confirm_remove = next(
            (dict(p) for p in self.people if p["member_id"] == member_id), {}
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def remove(self, member_id: str) -> Any:
        actor = handler_actor()
        try:
            await db.run_async(
                service.remove_person, actor, actor.organization_id, page_number(member_id)
            )
        except DomainError as exc:
            return toast_for(exc)
        self.confirm_remove = {}
        return await self._done("Removed from the business.", "person-removed")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def revoke(self, invitation_id: str) -> Any:
        actor = handler_actor()
        try:
            await db.run_async(
                service.revoke_invitation, actor, actor.organization_id, page_number(invitation_id)
            )
        except DomainError as exc:
            return toast_for(exc)
        return await self._done("The invitation was withdrawn.", "invitation-revoked")


class EditOrganizationState(rx.State):
    name: str = ""
    headquarters: str = ""
    code: str = ""
    loaded: bool = False
    errors: dict[str, str] = {}
    form_key: int = 0
    _version: int = 0

    def _show(self, details: Any) -> None:
        self.name, self.headquarters = details.name, details.headquarters
        self.code, self._version = str(details.code), details.version
        self.form_key += 1
        self.loaded = True

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.errors = {}
        actor = handler_actor()
        selected = await _selected_business(self, actor)
        if selected is None:
            self.loaded = False
            return _to_select_business()
        try:
            details = await db.run_async(service.get_organization, actor, selected[0])
        except DomainError as exc:
            self.loaded = False
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        if OrgAction.EDIT_ORGANIZATION.value not in details.actions:
            self.loaded = False
            return [
                rx.toast.error(
                    f"Only a Lead User can edit the details of {details.name} (your role: "
                    f"{details.role_label})."
                ),
                rx.redirect(routes.BUSINESS_HOME),
            ]
        self._show(details)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "name", "headquarters")
        actor = handler_actor()
        try:
            details = await db.run_async(
                service.edit_organization,
                actor,
                actor.organization_id,
                values["name"],
                values["headquarters"],
                self._version,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        self._show(details)
        await _show_in_header(self, details.name)  # a new name shows in the header at once
        return rx.toast.success("The business's details were saved.", id="organization-saved")


class InvitationState(rx.State):
    """The page an invitation email links to."""

    status: str = "checking"  # checking | ready | error
    message: str = ""
    business: str = ""
    invited_by: str = ""
    role: str = ""
    email: str = ""
    sign_up_url: str = routes.SIGN_UP
    _token_value: str = ""

    @public
    @rx.event
    async def load(self) -> Any:
        self.status, self.message = "checking", ""
        yield
        self._token_value = self.router.url.query_parameters.get("token", "")
        try:
            view = await db.run_async(service.preview_invitation, self._token_value)
        except DomainError as exc:
            self.status, self.message = "error", exc.message
            return
        self.business, self.invited_by = view.business, view.invited_by
        self.role, self.email = view.role_label, view.email
        # Encoded: a "+" in an address would otherwise arrive on Create New Account as a space.
        self.sign_up_url = routes.with_query(routes.SIGN_UP, email=view.email)
        self.status = "ready"

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def accept(self) -> Any:
        try:
            joined = await db.run_async(
                service.accept_invitation, handler_actor(), self._token_value
            )
        except DomainError as exc:
            self.status, self.message = "error", exc.message
            return toast_for(exc)
        return [
            rx.toast.success(f"You joined {joined.name} as {joined.role_label}."),
            rx.redirect(routes.BUSINESS_HOME),
        ]
