"""Small read-only views the accounts services hand to the UI (never ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Registration:
    """What the Create Account form sends."""

    first_name: str
    last_name: str
    email: str
    username: str
    password: str
    password_confirm: str
    security_question: str
    security_answer: str
    phrase: str
    accepted_conditions_version: str

    @classmethod
    def from_fields(cls, fields: dict[str, str], accepted_conditions_version: str) -> Registration:
        """From the form's text fields; a missing field is empty, a missing confirmation too."""
        names = [f for f in cls.__dataclass_fields__ if f != "accepted_conditions_version"]
        values = {name: str(fields.get(name, "")) for name in names}
        return cls(**values, accepted_conditions_version=accepted_conditions_version)


@dataclass(frozen=True)
class ProfileChange:
    """What the Edit My Profile form sends; an empty answer keeps the current one."""

    username: str
    first_name: str
    last_name: str
    email: str
    security_question: str
    security_answer: str
    phrase: str
    current_password: str
    version: int


@dataclass(frozen=True)
class ProfileView:
    username: str
    first_name: str
    last_name: str
    email: str
    pending_email: str
    security_question: str
    phrase: str
    version: int
    member_since: str
    last_sign_in: str


@dataclass(frozen=True)
class EmailRow:
    id: int
    sent: str
    to_address: str
    subject: str
    status: str


@dataclass(frozen=True)
class EmailView:
    id: int
    sent: str
    to_address: str
    subject: str
    status: str
    body_text: str


@dataclass(frozen=True)
class AccountRow:
    """One account in the system administrator's list."""

    id: int
    username: str
    name: str
    email: str
    status: str
    created: str
    last_sign_in: str
    system_admin: bool
