"""Account pages' state: thin handlers that call the accounts services off the event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import reflex as rx

from cers_app.accounts import service
from cers_app.accounts.conditions import VERSION as CONDITIONS_VERSION
from cers_app.accounts.rules import SECURITY_QUESTIONS
from cers_app.accounts.views import ProfileChange, Registration
from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.paging import clamp
from cers_app.core.permissions import Permission, Portal, public, requires
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor


class SignUpState(rx.State):
    errors: dict[str, str] = {}
    done: bool = False
    sent_to: str = ""
    prefill_email: str = ""

    @public
    @rx.event
    def load(self) -> None:
        self.errors, self.done, self.sent_to = {}, False, ""
        # An invitation link offers sign-up with the invited address filled in.
        self.prefill_email = self.router.url.query_parameters.get("email", "")[:254]

    @public
    @rx.event
    async def submit(self, form_data: dict[str, str]) -> Any:
        accepted = CONDITIONS_VERSION if form_data.get("accept_conditions") else ""
        registration = Registration.from_fields(form_data, accepted)
        try:
            await db.run_async(
                service.register, registration, client_ip=self.router.session.client_ip or None
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return [
                toast_for(exc),
                rx.set_value("signup-password", ""),
                rx.set_value("signup-password-confirm", ""),
            ]
        self.errors, self.done, self.sent_to = {}, True, registration.email.strip()
        return None


class TokenPageState(rx.State):
    """Pages opened from an emailed link: the token comes from the URL's query string."""

    status: str = "checking"  # checking | ready (a form to fill) | done | error
    message: str = ""

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    async def _follow(self, use_token: Callable[[Any, str], str], done: str) -> None:
        """Spend the link's token with `use_token`; `done` is formatted with its result."""
        try:
            result = await db.run_async(use_token, self._token())
        except DomainError as exc:
            self.status, self.message = "error", exc.message
            return
        self.status, self.message = "done", done.format(result)


class ActivateState(TokenPageState):
    @public
    @rx.event
    async def load(self) -> AsyncIterator[None]:
        # Show "checking" at once: a tab keeps its state, so the last link's result would
        # otherwise flash while this one is checked.
        self.status, self.message = "checking", ""
        yield
        await self._follow(service.activate, "The account {} is now active. You can sign in.")


class ConfirmEmailState(TokenPageState):
    @public
    @rx.event
    async def load(self) -> AsyncIterator[None]:
        self.status, self.message = "checking", ""
        yield
        await self._follow(service.confirm_email_change, "Your account's email address is now {}.")


class RequestFormState(rx.State):
    """The 'send me an email' forms: the same answer whether or not an account matched."""

    errors: dict[str, str] = {}
    sent: bool = False

    @public
    @rx.event
    def load(self) -> None:
        self.errors, self.sent = {}, False

    async def _send(self, fn: Any, value: str) -> Any:
        try:
            await db.run_async(fn, value, client_ip=self.router.session.client_ip or None)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors, self.sent = {}, True
        return None


class ResendActivationState(RequestFormState):
    @public
    @rx.event
    async def submit(self, form_data: dict[str, str]) -> Any:
        return await self._send(service.resend_activation, form_values(form_data, "who")["who"])


class ForgotUsernameState(RequestFormState):
    @public
    @rx.event
    async def submit(self, form_data: dict[str, str]) -> Any:
        return await self._send(service.remind_usernames, form_values(form_data, "email")["email"])


class ForgotPasswordState(RequestFormState):
    @public
    @rx.event
    async def submit(self, form_data: dict[str, str]) -> Any:
        username = form_values(form_data, "username")["username"]
        return await self._send(service.request_password_reset, username)


class ResetPasswordState(TokenPageState):
    question: str = ""
    errors: dict[str, str] = {}
    _token_value: str = ""

    @public
    @rx.event
    async def load(self) -> AsyncIterator[None]:
        self._token_value = self._token()
        self.errors, self.status, self.message, self.question = {}, "checking", "", ""
        yield
        try:
            self.question = await db.run_async(service.reset_question, self._token_value)
        except DomainError as exc:
            self.status, self.message = "error", exc.message
            return
        self.status, self.message = "ready", ""

    @public
    @rx.event
    async def submit(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "security_answer", "password", "password_confirm")
        try:
            await db.run_async(
                service.reset_password,
                self._token_value,
                values["security_answer"],
                values["password"],
                values["password_confirm"],
                client_ip=self.router.session.client_ip or None,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            if not self.errors:
                self.status, self.message = "error", exc.message
            return [toast_for(exc), rx.set_value("reset-password", "")]
        self.errors, self.status = {}, "done"
        self.message = "Your password was changed and every signed-in session was ended."
        return None


class AcceptConditionsState(rx.State):
    errors: dict[str, str] = {}

    @requires(Permission.SIGNED_IN)
    @rx.event
    def load(self) -> None:
        self.errors = {}

    @requires(Permission.SIGNED_IN)
    @rx.event
    async def accept(self, form_data: dict[str, str]) -> Any:
        actor = handler_actor()
        if not form_values(form_data, "accept")["accept"]:
            self.errors = {"accept": "Tick the box to accept the conditions of use."}
            return None
        try:
            await db.run_async(service.accept_conditions, actor, CONDITIONS_VERSION)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        home = routes.REGULATOR_HOME if actor.portal is Portal.REGULATOR else routes.BUSINESS_HOME
        accepted = rx.toast.success("Thank you. The conditions of use are accepted.")
        return [accepted, rx.redirect(home)]


class AccountState(rx.State):
    """[Your Name]'s Account: Edit My Profile."""

    loaded: bool = False
    username: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    pending_email: str = ""
    security_question: str = ""
    phrase: str = ""
    member_since: str = ""
    last_sign_in: str = ""
    form_key: int = 0
    errors: dict[str, str] = {}
    _version: int = 0

    @rx.var
    def security_question_text(self) -> str:
        return SECURITY_QUESTIONS.get(self.security_question, "")

    def _show(self, profile: Any) -> None:
        for name in (
            "username",
            "first_name",
            "last_name",
            "email",
            "pending_email",
            "security_question",
            "phrase",
            "member_since",
            "last_sign_in",
        ):
            setattr(self, name, getattr(profile, name))
        self._version = profile.version
        self.form_key += 1  # re-mount the form so its inputs show the saved values
        self.loaded = True

    @requires(Permission.ACCOUNT)
    @rx.event
    async def load(self) -> Any:
        self.errors = {}
        try:
            self._show(await db.run_async(service.get_profile, handler_actor()))
        except DomainError as exc:
            return toast_for(exc)
        return None

    @requires(Permission.ACCOUNT)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        values = form_values(
            form_data,
            "username",
            "first_name",
            "last_name",
            "email",
            "security_question",
            "security_answer",
            "phrase",
            "current_password",
        )
        change = ProfileChange(version=self._version, **values)
        try:
            profile = await db.run_async(service.update_profile, handler_actor(), change)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return [toast_for(exc), rx.set_value("profile-current-password", "")]
        self.errors = {}
        self._show(profile)
        message = "Your profile was saved."
        if profile.pending_email:
            message += f" Confirm {profile.pending_email} from that inbox to switch to it."
        return rx.toast.success(message, id="profile-saved")


class PasswordState(rx.State):
    errors: dict[str, str] = {}
    done: bool = False

    @requires(Permission.ACCOUNT)
    @rx.event
    def load(self) -> None:
        self.errors, self.done = {}, False

    @requires(Permission.ACCOUNT)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "current_password", "password", "password_confirm")
        clear = [
            rx.set_value(field, "")
            for field in ("password-current", "account-password", "account-password-confirm")
        ]
        try:
            await db.run_async(
                service.change_password,
                handler_actor(),
                values["current_password"],
                values["password"],
                values["password_confirm"],
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return [toast_for(exc), *clear]
        self.errors, self.done = {}, True
        return [rx.toast.success("Your password was changed.", id="password-saved"), *clear]


class EmailHistoryState(rx.State):
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    open_subject: str = ""
    open_body: str = ""
    open_meta: str = ""

    async def _fetch(self, page: Any) -> Any:
        page_number, size = clamp(page, 20)
        try:
            result = await db.run_async(service.list_emails, handler_actor(), page_number, size)
        except DomainError as exc:
            return toast_for(exc)
        self.rows = [
            {
                "id": str(row.id),
                "sent": row.sent,
                "to": row.to_address,
                "subject": row.subject,
                "status": row.status,
            }
            for row in result.rows
        ]
        self.page, self.pages, self.total = result.page, result.pages, result.total
        return None

    @requires(Permission.ACCOUNT)
    @rx.event
    async def load(self) -> Any:
        self.open_subject = self.open_body = self.open_meta = ""
        return await self._fetch(1)

    @requires(Permission.ACCOUNT)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        return await self._fetch(page)

    @requires(Permission.ACCOUNT)
    @rx.event
    async def open_message(self, message_id: str) -> Any:
        try:
            number = int(message_id)
        except ValueError:
            return rx.toast.error("That message was not found in your email history.")
        try:
            message = await db.run_async(service.get_email, handler_actor(), number)
        except DomainError as exc:
            return toast_for(exc)
        self.open_subject, self.open_body = message.subject, message.body_text
        self.open_meta = f"Sent {message.sent} to {message.to_address}"
        return None

    @requires(Permission.ACCOUNT)
    @rx.event
    def close_message(self) -> None:
        self.open_subject = self.open_body = self.open_meta = ""
