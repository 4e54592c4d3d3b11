"""Account tables: users, their sessions, single-use tokens and accepted conditions of use."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from cers_app.core.db import UTCDateTime


class UserStatus(StrEnum):
    PENDING = "pending"  # registered, activation email not yet answered
    ACTIVE = "active"
    DISABLED = "disabled"


class TokenPurpose(StrEnum):
    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGE = "email_change"
    SIGN_IN = "sign_in"  # exchanged once for the session cookie


class User(SQLModel, table=True):
    """One person's account. A user may hold agency and organization roles at the same time."""

    __tablename__ = "user_account"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=16)
    username_key: str = Field(max_length=16, unique=True)  # lower-case, for uniqueness
    first_name: str = Field(max_length=50)
    last_name: str = Field(max_length=50)
    email: str = Field(max_length=254, index=True)
    password_hash: str = Field(max_length=100)
    security_question: str = Field(max_length=20)
    security_answer_hash: str = Field(max_length=100)
    phrase: str = Field(max_length=100)
    status: str = Field(default=UserStatus.PENDING.value, max_length=10)
    is_system_admin: bool = False
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    activated_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    password_changed_at: dt.datetime = Field(sa_type=UTCDateTime)
    last_sign_in_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    version: int = 1

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class AccountToken(SQLModel, table=True):
    """A single-use secret sent to the user (by email, or to the browser for the cookie)."""

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    purpose: str = Field(max_length=20)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    used_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # email_change: the new address; sign_in: the portal chosen.
    payload: str | None = Field(default=None, max_length=254)


class UserSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds the raw token; only its hash is stored."""

    __tablename__ = "user_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    portal: str = Field(max_length=10)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    last_seen_at: dt.datetime = Field(sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    client_ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=200)
    # The business chosen with "Select Business" (Business Portal); membership is re-checked
    # on every use, so a removed member loses it at once.
    organization_id: int | None = Field(
        default=None, foreign_key="organization.id", ondelete="SET NULL"
    )


class ConditionsAcceptance(SQLModel, table=True):
    """The user accepted this version of the conditions of use."""

    __tablename__ = "conditions_acceptance"
    __table_args__ = (UniqueConstraint("user_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    version: str = Field(max_length=20)
    accepted_at: dt.datetime = Field(sa_type=UTCDateTime)
    client_ip: str | None = Field(default=None, max_length=64)
