"""Business organizations, their people and invitations to join them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from cers_app.core.db import UTCDateTime


class OrgStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class OrgOrigin(StrEnum):
    BUSINESS = "business"  # created by a business user in the portal
    CUPA = "cupa"  # created by regulator staff
    SEEDING = "seeding"  # loaded in bulk (demo data, migrations from another system)


class Organization(SQLModel, table=True):
    """A business: one owner/operator whose people manage its facilities together."""

    __tablename__ = "organization"

    id: int | None = Field(default=None, primary_key=True)
    code: int = Field(unique=True)  # 9 digits, 100000001-999999999 (EDT OrganizationCode)
    name: str = Field(max_length=100)
    headquarters: str = Field(default="", max_length=75)
    status: str = Field(default=OrgStatus.ACTIVE.value, max_length=10)
    origin: str = Field(default=OrgOrigin.BUSINESS.value, max_length=10)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    version: int = 1


class OrgMember(SQLModel, table=True):
    """A person's role in an organization (roles are listed in organizations/roles.py)."""

    __tablename__ = "org_member"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT", index=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    role: str = Field(max_length=10)
    title: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=30)
    added_at: dt.datetime = Field(sa_type=UTCDateTime)
    added_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    version: int = 1


class OrgInvitation(SQLModel, table=True):
    """An invitation emailed to someone without an account; it joins them once they have one."""

    __tablename__ = "org_invitation"

    id: int | None = Field(default=None, primary_key=True)
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT", index=True)
    email: str = Field(max_length=254, index=True)
    full_name: str = Field(max_length=101)
    title: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=30)
    role: str = Field(max_length=10)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    expires_at: dt.datetime = Field(sa_type=UTCDateTime)
    invited_by_user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    accepted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    accepted_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    revoked_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
