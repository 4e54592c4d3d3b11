"""The page an invited regulator opens from their email to finish their new account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from cers_app.accounts import setup
from cers_app.accounts.pages import new_password_fields
from cers_app.accounts.rules import SECURITY_QUESTIONS
from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import public
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.forms import select_field, submit_button, text_field
from cers_app.ui.layout import PageSpec, card, narrow, page_title, shell, small_link


class AccountSetupState(rx.State):
    """The emailed token is the credential; it is read from the URL once per page load."""

    status: str = "checking"  # checking | ready | done | error
    message: str = ""
    username: str = ""
    errors: dict[str, str] = {}
    _token_value: str = ""

    @public
    @rx.event
    async def load(self) -> AsyncIterator[None]:
        self._token_value = self.router.url.query_parameters.get("token", "")[:100]
        self.errors, self.status, self.message, self.username = {}, "checking", "", ""
        yield
        try:
            self.username = await db.run_async(setup.setup_username, self._token_value)
        except DomainError as exc:
            self.status, self.message = "error", exc.message
            return
        self.status = "ready"

    @public
    @rx.event
    async def submit(self, form_data: dict[str, str]) -> Any:
        values = form_values(
            form_data,
            "password",
            "password_confirm",
            "security_question",
            "security_answer",
            "phrase",
        )
        try:
            username = await db.run_async(setup.complete_setup, self._token_value, **values)
        except DomainError as exc:
            self.errors = field_errors(exc)
            if not self.errors:
                self.status, self.message = "error", exc.message
            return [toast_for(exc), rx.set_value("setup-password", "")]
        self.errors, self.status = {}, "done"
        self.message = f"Your account {username} is ready. Sign in to the Regulator Portal."
        return None


def account_setup() -> rx.Component:
    s = AccountSetupState
    form = card(
        rx.form(
            rx.vstack(
                rx.text("Your username: ", rx.text.strong(s.username), id="setup-username"),
                *new_password_fields(s.errors, "setup"),
                select_field(
                    "Security question",
                    "security_question",
                    SECURITY_QUESTIONS,
                    s.errors,
                    id="setup-question",
                ),
                text_field(
                    "Your answer", "security_answer", s.errors, id="setup-answer", max_length=100
                ),
                text_field(
                    "Password protection phrase",
                    "phrase",
                    s.errors,
                    id="setup-phrase",
                    max_length=100,
                    hint="Shown beside the password box when you sign in, so you know the "
                    "page is ours.",
                ),
                submit_button("Set up my account", id="setup-submit"),
                spacing="3",
            ),
            on_submit=s.submit,
            id="setup-form",
        )
    )
    return shell(
        narrow(
            page_title("Set up your account"),
            rx.match(
                s.status,
                ("checking", rx.hstack(rx.spinner(), rx.text("Checking your link..."))),
                ("ready", form),
                (
                    "done",
                    rx.callout(
                        s.message, icon="circle-check", color_scheme="green", id="token-result"
                    ),
                ),
                rx.callout(s.message, icon="triangle-alert", color_scheme="red", id="token-result"),
            ),
            small_link(
                "Sign in", routes.with_query(routes.SIGN_IN, portal="regulator"), "setup-sign-in"
            ),
        )
    )


PAGES = [
    PageSpec(routes.ACCOUNT_SETUP, account_setup, "Set up your account", (AccountSetupState.load,))
]
