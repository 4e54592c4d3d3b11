"""Account pages: landing, sign-in, sign-up, activation, recovery and the user's own account."""

from __future__ import annotations

import reflex as rx

from cers_app.accounts.conditions import CONDITIONS, VERSION
from cers_app.accounts.rules import PASSWORD_RULES, SECURITY_QUESTIONS, USERNAME_RULE
from cers_app.accounts.state import (
    AcceptConditionsState,
    AccountState,
    ActivateState,
    ConfirmEmailState,
    EmailHistoryState,
    ForgotPasswordState,
    ForgotUsernameState,
    PasswordState,
    ResendActivationState,
    ResetPasswordState,
    SignUpState,
)
from cers_app.core import routes
from cers_app.ui.forms import (
    checkbox_field,
    rules_box,
    select_field,
    submit_button,
    text_field,
)
from cers_app.ui.layout import (
    PageSpec,
    account_heading,
    card,
    narrow,
    page_title,
    shell,
    small_link,
)
from cers_app.ui.session import SessionState
from cers_app.ui.tables import pager, table


def new_password_fields(errors: rx.Var, prefix: str) -> list[rx.Component]:
    """The password rules, then the new password and its confirmation.

    Ids: `{prefix}-password-rules`, `{prefix}-password`, `{prefix}-password-confirm`.
    """
    new_label = "Password" if prefix == "signup" else "New password"
    return [
        rules_box("Password requirements", PASSWORD_RULES, id=f"{prefix}-password-rules"),
        text_field(
            new_label,
            "password",
            errors,
            id=f"{prefix}-password",
            type="password",
            autocomplete="new-password",
        ),
        text_field(
            f"Confirm {new_label.lower()}",
            "password_confirm",
            errors,
            id=f"{prefix}-password-confirm",
            type="password",
            autocomplete="new-password",
        ),
    ]


def landing() -> rx.Component:
    portal_card = lambda title, text, href, id: card(  # noqa: E731
        rx.heading(title, size="5", as_="h2"),
        rx.text(text, size="2"),
        rx.link(rx.button(f"{title} Sign In", size="3", width="100%"), href=href, id=id),
    )
    return shell(
        rx.vstack(
            rx.heading("California Environmental Reporting, made simple", size="8", as_="h1"),
            rx.text(
                "Keep your Hazardous Materials Business Plan up to date and submit it to your "
                "local regulator. Regulators review submittals in the same place.",
                size="4",
                color_scheme="gray",
            ),
            spacing="3",
        ),
        rx.cond(
            SessionState.signed_in,
            rx.callout(
                rx.hstack(
                    rx.text("You are signed in as ", SessionState.display_name, "."),
                    rx.link("Go to your home page", href=SessionState.home_url, id="landing-home"),
                    wrap="wrap",
                ),
                icon="user",
            ),
        ),
        rx.grid(
            portal_card(
                "Business Portal",
                "For businesses and their consultants: facilities, inventories, plans and "
                "submittals.",
                routes.with_query(routes.SIGN_IN, portal="business"),
                "landing-business-sign-in",
            ),
            portal_card(
                "Regulator Portal",
                "For CUPA and participating agency staff: review submittals and manage "
                "facilities in your jurisdiction.",
                routes.with_query(routes.SIGN_IN, portal="regulator"),
                "landing-regulator-sign-in",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="4",
            width="100%",
        ),
        card(
            rx.heading("New to OpenCERS?", size="4", as_="h2"),
            rx.text(
                "Each person needs their own account. After you activate it from the email we "
                "send, you can add your facility or ask for access to an existing business.",
                size="2",
            ),
            rx.link(
                rx.button("Create New Account", variant="outline", size="3"),
                href=routes.SIGN_UP,
                id="landing-sign-up",
            ),
        ),
    )


def _conditions_list() -> rx.Component:
    return rx.el.ol(
        *[rx.el.li(rx.text(item, size="2"), style={"marginBottom": "6px"}) for item in CONDITIONS],
        style={"paddingLeft": "20px", "margin": 0},
    )


def sign_up() -> rx.Component:
    errors = SignUpState.errors
    form = rx.form(
        rx.vstack(
            rx.grid(
                text_field(
                    "First name",
                    "first_name",
                    errors,
                    id="signup-first-name",
                    autocomplete="given-name",
                    max_length=50,
                ),
                text_field(
                    "Last name",
                    "last_name",
                    errors,
                    id="signup-last-name",
                    autocomplete="family-name",
                    max_length=50,
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            text_field(
                "Email address",
                "email",
                errors,
                id="signup-email",
                type="email",
                default_value=SignUpState.prefill_email,
                autocomplete="email",
                max_length=254,
            ),
            rules_box("Username requirements", [USERNAME_RULE], id="signup-username-rules"),
            text_field(
                "Username",
                "username",
                errors,
                id="signup-username",
                autocomplete="username",
                max_length=16,
            ),
            *new_password_fields(errors, "signup"),
            select_field(
                "Security question",
                "security_question",
                SECURITY_QUESTIONS,
                errors,
                id="signup-security-question",
            ),
            text_field(
                "Answer",
                "security_answer",
                errors,
                id="signup-security-answer",
                hint="Used with an emailed link if you ever forget your password.",
                max_length=100,
            ),
            text_field(
                "Password protection phrase",
                "phrase",
                errors,
                id="signup-phrase",
                hint="A few words only you would choose. We show them when you sign in, so you "
                "know the page is genuine before you type your password.",
                max_length=100,
            ),
            card(
                rx.heading("Conditions of use", size="3", as_="h2"),
                _conditions_list(),
                rx.text(f"Version {VERSION}", size="1", color_scheme="gray"),
                checkbox_field(
                    "I have read and accept the conditions of use.",
                    "accept_conditions",
                    errors,
                    id="signup-accept",
                ),
                variant="surface",
            ),
            submit_button("Create My Account", id="signup-submit"),
            spacing="4",
        ),
        on_submit=SignUpState.submit,
        id="signup-form",
        key=SignUpState.prefill_email,
    )
    done = card(
        rx.heading("Check your email", size="5", as_="h2"),
        rx.text(
            "We sent an activation link to ",
            rx.text.strong(SignUpState.sent_to),
            ". Open it to activate your account; the link works for 48 hours. "
            "If it does not arrive, check your spam folder or ask for a new one.",
            id="signup-done",
        ),
        small_link("Resend activation email", routes.RESEND_ACTIVATION, "signup-resend"),
    )
    return shell(
        narrow(
            page_title("Create New Account", "Every field is required."),
            rx.cond(SignUpState.done, done, form),
            small_link("Already have an account? Sign in", routes.SIGN_IN, "signup-sign-in"),
        )
    )


def _token_result(state: type, title: str, next_link: rx.Component) -> rx.Component:
    return shell(
        narrow(
            page_title(title),
            rx.match(
                state.status,
                ("checking", rx.hstack(rx.spinner(), rx.text("Checking your link..."))),
                (
                    "done",
                    rx.callout(
                        state.message, icon="circle-check", color_scheme="green", id="token-result"
                    ),
                ),
                rx.callout(
                    state.message, icon="triangle-alert", color_scheme="red", id="token-result"
                ),
            ),
            next_link,
        )
    )


def activate() -> rx.Component:
    return _token_result(
        ActivateState,
        "Activate your account",
        rx.flex(
            small_link("Sign in", routes.SIGN_IN, "activate-sign-in"),
            small_link("Resend activation email", routes.RESEND_ACTIVATION, "activate-resend"),
            spacing="4",
        ),
    )


def confirm_email() -> rx.Component:
    return _token_result(
        ConfirmEmailState,
        "Confirm your new email address",
        small_link("Go to my account", routes.ACCOUNT, "confirm-email-account"),
    )


def _request_page(
    state: type,
    title: str,
    intro: str,
    field: rx.Component,
    button: str,
    sent_text: str,
    id: str,
) -> rx.Component:
    return shell(
        narrow(
            page_title(title, intro),
            rx.cond(
                state.sent,
                rx.callout(sent_text, icon="mail", color_scheme="green", id=f"{id}-sent"),
                card(
                    rx.form(
                        rx.vstack(field, submit_button(button, id=f"{id}-submit"), spacing="3"),
                        on_submit=state.submit,
                        id=f"{id}-form",
                    )
                ),
            ),
            small_link("Back to sign in", routes.SIGN_IN, f"{id}-back"),
        )
    )


def resend_activation() -> rx.Component:
    return _request_page(
        ResendActivationState,
        "Resend activation email",
        "Enter the username or email address you registered with.",
        text_field(
            "Username or email address",
            "who",
            ResendActivationState.errors,
            id="resend-who",
            max_length=254,
            auto_focus=True,
        ),
        "Send a new link",
        "If an account with that username or address is waiting for activation, a new link "
        "is on its way. Earlier links no longer work.",
        "resend",
    )


def forgot_username() -> rx.Component:
    return _request_page(
        ForgotUsernameState,
        "Forgot your username?",
        "We will email the usernames registered to your address.",
        text_field(
            "Email address",
            "email",
            ForgotUsernameState.errors,
            id="forgot-username-email",
            type="email",
            max_length=254,
            auto_focus=True,
        ),
        "Email my username",
        "If any accounts use that address, we sent their usernames to it.",
        "forgot-username",
    )


def forgot_password() -> rx.Component:
    return _request_page(
        ForgotPasswordState,
        "Forgot your password?",
        "We will email a link to reset it. You will also need the answer to your security "
        "question.",
        text_field(
            "Username",
            "username",
            ForgotPasswordState.errors,
            id="forgot-password-username",
            max_length=16,
            auto_focus=True,
        ),
        "Email me a reset link",
        "If that username belongs to an active account, a reset link is on its way to the "
        "account's email address. It works once, for one hour.",
        "forgot-password",
    )


def reset_password() -> rx.Component:
    errors = ResetPasswordState.errors
    form = card(
        rx.form(
            rx.vstack(
                rx.text(
                    rx.text.strong("Security question: "),
                    ResetPasswordState.question,
                    id="reset-question",
                ),
                text_field(
                    "Your answer",
                    "security_answer",
                    errors,
                    id="reset-answer",
                    max_length=100,
                    auto_focus=True,
                ),
                *new_password_fields(errors, "reset"),
                submit_button("Set my new password", id="reset-submit"),
                spacing="3",
            ),
            on_submit=ResetPasswordState.submit,
            id="reset-form",
        )
    )
    return shell(
        narrow(
            page_title("Reset your password"),
            rx.match(
                ResetPasswordState.status,
                ("checking", rx.hstack(rx.spinner(), rx.text("Checking your link..."))),
                ("ready", form),
                (
                    "done",
                    rx.callout(
                        ResetPasswordState.message,
                        icon="circle-check",
                        color_scheme="green",
                        id="token-result",
                    ),
                ),
                rx.callout(
                    ResetPasswordState.message,
                    icon="triangle-alert",
                    color_scheme="red",
                    id="token-result",
                ),
            ),
            rx.flex(
                small_link(
                    "Sign in", routes.with_query(routes.SIGN_IN, done="reset"), "reset-sign-in"
                ),
                small_link("Ask for a new link", routes.FORGOT_PASSWORD, "reset-new-link"),
                spacing="4",
            ),
        )
    )


def conditions() -> rx.Component:
    return shell(
        narrow(
            page_title("Conditions of use", f"Version {VERSION}"),
            card(_conditions_list()),
        )
    )


def accept_conditions() -> rx.Component:
    return shell(
        narrow(
            page_title(
                "Please accept the conditions of use",
                "They changed since you last accepted them, or you have not accepted them yet.",
            ),
            card(
                _conditions_list(),
                rx.text(f"Version {VERSION}", size="1", color_scheme="gray"),
                rx.form(
                    rx.vstack(
                        checkbox_field(
                            "I have read and accept the conditions of use.",
                            "accept",
                            AcceptConditionsState.errors,
                            id="conditions-accept",
                        ),
                        submit_button("Continue", id="conditions-submit"),
                        spacing="3",
                    ),
                    on_submit=AcceptConditionsState.accept,
                    id="conditions-form",
                ),
            ),
        )
    )


def account() -> rx.Component:
    errors = AccountState.errors
    form = rx.form(
        rx.vstack(
            text_field(
                "Username",
                "username",
                errors,
                id="profile-username",
                default_value=AccountState.username,
                max_length=16,
                hint=USERNAME_RULE,
            ),
            rx.grid(
                text_field(
                    "First name",
                    "first_name",
                    errors,
                    id="profile-first-name",
                    default_value=AccountState.first_name,
                    max_length=50,
                ),
                text_field(
                    "Last name",
                    "last_name",
                    errors,
                    id="profile-last-name",
                    default_value=AccountState.last_name,
                    max_length=50,
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            text_field(
                "Email address",
                "email",
                errors,
                id="profile-email",
                type="email",
                default_value=AccountState.email,
                max_length=254,
                hint="A new address is used once you confirm it from its inbox.",
            ),
            rx.cond(
                AccountState.pending_email != "",
                rx.callout(
                    rx.text(
                        "Waiting for confirmation of ",
                        rx.text.strong(AccountState.pending_email),
                        ".",
                    ),
                    icon="mail",
                    id="profile-pending-email",
                    size="1",
                ),
            ),
            select_field(
                "Security question",
                "security_question",
                SECURITY_QUESTIONS,
                errors,
                id="profile-security-question",
                default_value=AccountState.security_question,
            ),
            text_field(
                "New answer",
                "security_answer",
                errors,
                id="profile-security-answer",
                max_length=100,
                hint="Leave empty to keep your current answer.",
            ),
            text_field(
                "Password protection phrase",
                "phrase",
                errors,
                id="profile-phrase",
                default_value=AccountState.phrase,
                max_length=100,
            ),
            text_field(
                "Current password",
                "current_password",
                errors,
                id="profile-current-password",
                type="password",
                autocomplete="current-password",
                hint="Needed only to change your email address or security question.",
            ),
            submit_button("Save", id="profile-save"),
            spacing="3",
        ),
        on_submit=AccountState.save,
        id="profile-form",
        key=AccountState.form_key,
    )
    return shell(
        account_heading("profile"),
        rx.cond(
            AccountState.loaded,
            rx.grid(
                card(rx.heading("Edit My Profile", size="4", as_="h2"), form),
                card(
                    rx.heading("About this account", size="4", as_="h2"),
                    rx.text("Member since ", AccountState.member_since, size="2"),
                    rx.text("Last sign-in ", AccountState.last_sign_in, size="2"),
                    rx.text("Security question: ", AccountState.security_question_text, size="2"),
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="4",
                width="100%",
            ),
            rx.spinner(),
        ),
    )


def password() -> rx.Component:
    errors = PasswordState.errors
    return shell(
        account_heading("password"),
        narrow(
            card(
                rx.heading("Edit My Password", size="4", as_="h2"),
                rx.form(
                    rx.vstack(
                        text_field(
                            "Current password",
                            "current_password",
                            errors,
                            id="password-current",
                            type="password",
                            autocomplete="current-password",
                        ),
                        *new_password_fields(errors, "account"),
                        submit_button("Change password", id="password-save"),
                        spacing="3",
                    ),
                    on_submit=PasswordState.save,
                    id="password-form",
                ),
                rx.cond(
                    PasswordState.done,
                    rx.callout(
                        "Your password was changed. Other sessions were signed out.",
                        icon="circle-check",
                        color_scheme="green",
                        id="password-done",
                    ),
                ),
            )
        ),
    )


def _email_cells(row: rx.Var) -> list:
    subject = rx.link(
        row["subject"],
        # prevent_default: following href="#" is a route change, which re-ran the
        # page's on_load and closed the message again
        on_click=EmailHistoryState.open_message(row["id"]).prevent_default,
        id="email-open-" + row["id"],
        href="#",
    )
    return [row["sent"], subject, row["to"], rx.badge(row["status"])]


def email_history() -> rx.Component:
    emails = table(
        ["Sent", "Subject", "To", "Status"],
        EmailHistoryState.rows,
        _email_cells,
        id="email-table",
    )
    paging = pager(
        EmailHistoryState.page, EmailHistoryState.pages, EmailHistoryState.go_to_page, id="email"
    )
    message = card(
        rx.hstack(
            rx.heading(EmailHistoryState.open_subject, size="4", as_="h2"),
            rx.spacer(),
            rx.button(
                "Close",
                variant="soft",
                size="1",
                id="email-close",
                on_click=EmailHistoryState.close_message,
            ),
        ),
        rx.text(EmailHistoryState.open_meta, size="1", color_scheme="gray"),
        rx.el.pre(
            EmailHistoryState.open_body,
            id="email-body",
            style={"whiteSpace": "pre-wrap", "wordBreak": "break-word", "margin": 0},
        ),
    )
    return shell(
        account_heading("emails"),
        rx.text(
            "Every message OpenCERS sent you (",
            EmailHistoryState.total,
            " in all).",
            size="2",
        ),
        rx.cond(EmailHistoryState.open_subject != "", message),
        card(emails, paging),
    )


PAGES = [
    PageSpec(routes.LANDING, landing, "Welcome"),
    PageSpec(routes.SIGN_UP, sign_up, "Create New Account", (SignUpState.load,)),
    PageSpec(routes.ACTIVATE, activate, "Activate Account", (ActivateState.load,)),
    PageSpec(
        routes.RESEND_ACTIVATION,
        resend_activation,
        "Resend Activation",
        (ResendActivationState.load,),
    ),
    PageSpec(
        routes.FORGOT_USERNAME, forgot_username, "Forgot Username", (ForgotUsernameState.load,)
    ),
    PageSpec(
        routes.FORGOT_PASSWORD, forgot_password, "Forgot Password", (ForgotPasswordState.load,)
    ),
    PageSpec(routes.RESET_PASSWORD, reset_password, "Reset Password", (ResetPasswordState.load,)),
    PageSpec(routes.CONDITIONS, conditions, "Conditions of Use"),
    PageSpec(
        routes.ACCEPT_CONDITIONS,
        accept_conditions,
        "Accept Conditions of Use",
        (AcceptConditionsState.load,),
    ),
    PageSpec(routes.ACCOUNT, account, "My Account", (AccountState.load,)),
    PageSpec(routes.ACCOUNT_PASSWORD, password, "Edit My Password", (PasswordState.load,)),
    PageSpec(routes.ACCOUNT_EMAILS, email_history, "Email History", (EmailHistoryState.load,)),
    PageSpec(routes.CONFIRM_EMAIL, confirm_email, "Confirm Email", (ConfirmEmailState.load,)),
]
