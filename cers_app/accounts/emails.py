"""The emails the accounts feature sends: one function per kind, each text + HTML."""

from __future__ import annotations

from cers_app.core import routes
from cers_app.core.mail import Rendered, render


def _hello(first_name: str) -> str:
    return f"Hello {first_name},"


def activation(first_name: str, username: str, token: str, hours: int) -> Rendered:
    return render(
        "Activate your OpenCERS account",
        _hello(first_name),
        [
            f"An OpenCERS account with the username {username} was created with this email "
            "address. Open the link below to activate it; you cannot sign in until you do.",
            f"The link works once and expires in {hours} hours.",
        ],
        action=("Activate my account", routes.absolute(routes.ACTIVATE, token=token)),
        after=["If you did not create this account, ignore this message and nothing happens."],
    )


def username_reminder(usernames: list[str]) -> Rendered:
    listed = ", ".join(usernames)
    noun = "username is" if len(usernames) == 1 else "usernames are"
    return render(
        "Your OpenCERS username",
        "Hello,",
        [
            f"Someone asked for the usernames registered to this email address. Your {noun}: "
            f"{listed}.",
        ],
        action=("Sign in", routes.absolute(routes.SIGN_IN)),
        after=["If you did not ask for this, you can ignore this message."],
    )


def password_reset(first_name: str, username: str, token: str, minutes: int) -> Rendered:
    return render(
        "Reset your OpenCERS password",
        _hello(first_name),
        [
            f"Someone asked to reset the password of the OpenCERS account {username}. Open the "
            "link below, answer your security question and choose a new password.",
            f"The link works once and expires in {minutes} minutes.",
        ],
        action=("Reset my password", routes.absolute(routes.RESET_PASSWORD, token=token)),
        after=["If you did not ask for this, ignore this message; your password stays the same."],
    )


def password_changed(first_name: str, how: str) -> Rendered:
    return render(
        "Your OpenCERS password was changed",
        _hello(first_name),
        [
            f"The password of your OpenCERS account was {how}. Every other signed-in session "
            "was signed out.",
            "If you did not do this, reset your password now and tell your local regulator.",
        ],
        action=("Reset my password", routes.absolute(routes.FORGOT_PASSWORD)),
    )


def profile_changed(first_name: str, changes: list[str]) -> Rendered:
    return render(
        "Your OpenCERS account details were changed",
        _hello(first_name),
        ["These details of your OpenCERS account were changed: " + "; ".join(changes) + "."],
        action=("Review my account", routes.absolute(routes.ACCOUNT)),
        after=["If you did not make this change, reset your password now."],
    )


def confirm_new_email(first_name: str, token: str, hours: int) -> Rendered:
    return render(
        "Confirm your new OpenCERS email address",
        _hello(first_name),
        [
            "You asked to use this address for your OpenCERS account. Open the link below to "
            "confirm it; until then, messages keep going to your old address.",
            f"The link works once and expires in {hours} hours.",
        ],
        action=("Confirm this address", routes.absolute(routes.CONFIRM_EMAIL, token=token)),
        after=["If you did not ask for this, ignore this message."],
    )


def email_change_requested(first_name: str, new_address: str) -> Rendered:
    return render(
        "A new email address was requested for your OpenCERS account",
        _hello(first_name),
        [
            f"Someone signed in to your account asked to move it to {new_address}. The change "
            "only happens once that address is confirmed.",
            "If this was not you, change your password now.",
        ],
        action=("Change my password", routes.absolute(routes.ACCOUNT_PASSWORD)),
    )


def email_changed(first_name: str, new_address: str) -> Rendered:
    return render(
        "Your OpenCERS email address was changed",
        _hello(first_name),
        [f"Messages for your OpenCERS account now go to {new_address}."],
        after=["If you did not make this change, contact your local regulator at once."],
    )
