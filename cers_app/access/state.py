"""Sign-in state: the two CERS-style steps, then a page load that sets the session cookie."""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.access import identity
from cers_app.accounts import sessions
from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Portal, public
from cers_app.ops import training
from cers_app.ui.feedback import field_errors, form_values, toast_for


class SignInState(rx.State):
    """Two steps as in CERS: the username, then the phrase is shown beside the password."""

    portal: str = Portal.BUSINESS.value
    step: str = "username"
    username: str = ""
    phrase: str = ""
    notice: str = ""
    errors: dict[str, str] = {}
    exchange_url: str = ""
    _exchange_sid: str = ""
    training: bool = False

    @rx.var(cache=False)
    def leave_url(self) -> str:
        """The exchange link to follow now: only on the connection whose password earned it.

        Reflex keeps a tab's state across page loads, so a used link would otherwise come back
        with every later page's state and send the browser to it again (and to "sign-in
        expired") as soon as the sign-in page is shown.
        """
        if self.exchange_url and self._exchange_sid == self.router.session.session_id:
            return self.exchange_url
        return ""

    @rx.var
    def portal_title(self) -> str:
        if self.portal == Portal.REGULATOR.value:
            return "Regulator Portal Sign In"
        return "Business Portal Sign In"

    @public
    @rx.event
    def load(self) -> None:
        params = self.router.url.query_parameters
        wanted = params.get("portal", Portal.BUSINESS.value)
        self.portal = wanted if wanted in {p.value for p in Portal} else Portal.BUSINESS.value
        self.step, self.phrase, self.errors, self.exchange_url = "username", "", {}, ""
        self._exchange_sid = ""
        self.training = training.active()
        notices = {
            "expired": "Your sign-in took too long or was already used. Please sign in again.",
            "activated": "Your account is active. Sign in to continue.",
            "reset": "Your password was changed. Sign in with your new password.",
        }
        self.notice = notices.get(params.get("problem") or params.get("done") or "", "")

    @public
    @rx.event
    async def submit_username(self, form_data: dict[str, str]) -> Any:
        username = form_values(form_data, "username")["username"].strip()
        try:
            phrase = await db.run_async(sessions.sign_in_phrase, username)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.username, self.phrase, self.errors, self.step = username, phrase, {}, "password"
        self.notice = ""
        return rx.set_focus("signin-password")

    @public
    @rx.event
    def change_username(self) -> None:
        self.step, self.phrase, self.errors = "username", "", {}

    @public
    @rx.event
    async def submit_password(self, form_data: dict[str, str]) -> Any:
        if self.step != "password" or not self.username:
            self.step = "username"
            return rx.toast.error("Enter your username first.")
        values = form_values(form_data, "password", "acknowledge")
        password = values["password"]
        try:
            grant = await db.run_async(
                sessions.check_password,
                self.username,
                password,
                Portal(self.portal),
                client_ip=self.router.session.client_ip or "unknown",
                portal_check=identity.portal_refusal,
                training_acknowledged=values["acknowledge"] == "on",
            )
        except DomainError as exc:
            self.errors = field_errors(exc) or {"password": exc.message}
            return rx.set_value("signin-password", "")
        self.errors = {}
        self.exchange_url = routes.with_query(routes.AUTH_SESSION, token=grant.token)
        self._exchange_sid = self.router.session.session_id
        return None
