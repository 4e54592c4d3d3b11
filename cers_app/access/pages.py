"""The sign-in page of both portals."""

from __future__ import annotations

import reflex as rx

from cers_app.access.state import SignInState
from cers_app.core import routes
from cers_app.ops.training import ACKNOWLEDGMENT
from cers_app.ui.forms import checkbox_field, submit_button, text_field
from cers_app.ui.layout import PageSpec, card, narrow, page_title, shell, small_link
from cers_app.ui.native import leave_for


def _sign_in_username_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field(
                "Username",
                "username",
                SignInState.errors,
                id="signin-username",
                autocomplete="username",
                default_value=SignInState.username,
                max_length=16,
                auto_focus=True,
            ),
            submit_button("Continue", id="signin-continue"),
            spacing="3",
        ),
        on_submit=SignInState.submit_username,
        id="signin-username-form",
    )


def _sign_in_password_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.hstack(
                rx.text("Username: ", rx.text.strong(SignInState.username), size="2"),
                rx.button(
                    "Change",
                    type="button",
                    variant="ghost",
                    size="1",
                    on_click=SignInState.change_username,
                    id="signin-change-username",
                ),
                align="center",
            ),
            rx.callout.root(
                rx.callout.text("Your password protection phrase:"),
                rx.callout.text(rx.text.strong(SignInState.phrase, id="signin-phrase")),
                rx.callout.text(
                    "Only enter your password if this is the phrase you chose.", size="1"
                ),
                color_scheme="teal",
                variant="surface",
            ),
            text_field(
                "Password",
                "password",
                SignInState.errors,
                id="signin-password",
                type="password",
                autocomplete="current-password",
                auto_focus=True,
            ),
            rx.cond(
                SignInState.training,
                checkbox_field(
                    ACKNOWLEDGMENT, "acknowledge", SignInState.errors, id="signin-acknowledge"
                ),
            ),
            submit_button("Sign In", id="signin-submit"),
            spacing="3",
        ),
        on_submit=SignInState.submit_password,
        id="signin-password-form",
    )


def sign_in() -> rx.Component:
    return shell(
        narrow(
            page_title(SignInState.portal_title),
            rx.cond(
                SignInState.notice != "",
                rx.callout(SignInState.notice, icon="info", id="signin-notice"),
            ),
            leave_for(SignInState.leave_url, "Signing you in...", id="signin-continue-link"),
            card(
                rx.cond(
                    SignInState.step == "password",
                    _sign_in_password_form(),
                    _sign_in_username_form(),
                )
            ),
            rx.flex(
                small_link(
                    "Forgot your username?", routes.FORGOT_USERNAME, "signin-forgot-username"
                ),
                small_link(
                    "Forgot your password?", routes.FORGOT_PASSWORD, "signin-forgot-password"
                ),
                small_link("Resend activation email", routes.RESEND_ACTIVATION, "signin-resend"),
                small_link("Create New Account", routes.SIGN_UP, "signin-sign-up"),
                wrap="wrap",
                spacing="3",
            ),
            rx.cond(
                SignInState.portal == "regulator",
                small_link(
                    "Business user? Use the Business Portal",
                    routes.with_query(routes.SIGN_IN, portal="business"),
                    "signin-other-portal",
                ),
                small_link(
                    "Regulator staff? Use the Regulator Portal",
                    routes.with_query(routes.SIGN_IN, portal="regulator"),
                    "signin-other-portal",
                ),
            ),
        )
    )


PAGES = [PageSpec(routes.SIGN_IN, sign_in, "Sign In", (SignInState.load,))]
