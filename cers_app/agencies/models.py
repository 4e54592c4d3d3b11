"""Regulator agencies (CUPAs and participating agencies) and their staff."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlmodel import Field, SQLModel, UniqueConstraint

from cers_app.core.db import UTCDateTime


class AgencyKind(StrEnum):
    CUPA = "CUPA"
    PA = "PA"  # participating agency


AGENCY_KIND_LABELS = {
    AgencyKind.CUPA: "Certified Unified Program Agency (CUPA)",
    AgencyKind.PA: "Participating Agency (PA)",
}


class RegulatorRole(StrEnum):
    VIEWER = "viewer"
    REVIEWER = "reviewer"
    REQUEST_HANDLER = "request_handler"
    ADMIN = "admin"
    RESPONDER = "responder"


REGULATOR_ROLE_LABELS = {
    RegulatorRole.VIEWER: "Viewer",
    RegulatorRole.REVIEWER: "Reviewer",
    RegulatorRole.REQUEST_HANDLER: "Request Handler",
    RegulatorRole.ADMIN: "Agency Admin",
    RegulatorRole.RESPONDER: "Emergency Responder",
}


class Agency(SQLModel, table=True):
    """A regulator agency; `code` is the 4-digit CERS regulator code (1001-9999)."""

    __tablename__ = "agency"

    id: int | None = Field(default=None, primary_key=True)
    code: int = Field(unique=True)
    name: str = Field(max_length=100)
    kind: str = Field(default=AgencyKind.CUPA.value, max_length=4)
    county: int  # CERS county code 1-58
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    # A participating agency works under a CUPA.
    parent_agency_id: int | None = Field(default=None, foreign_key="agency.id", ondelete="RESTRICT")
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    website: str = Field(default="", max_length=200)
    address: str = Field(default="", max_length=200)
    # Lead User access requests to businesses in this jurisdiction need the agency's approval.
    verify_lead_access: bool = False
    # The annual HMBP certification falls on a calendar date (annual_month/annual_day) or, with
    # annual_rule "anniversary", on the date of each facility's first HMBP submittal.
    annual_rule: str = Field(default="date", max_length=12)
    annual_month: int = 3
    annual_day: int = 1
    time_zone: str = Field(default="America/Los_Angeles", max_length=40)


class AgencyContact(SQLModel, table=True):
    """A person businesses can contact at the agency (public directory, notifications)."""

    __tablename__ = "agency_contact"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", ondelete="RESTRICT", index=True)
    name: str = Field(max_length=80)
    title: str = Field(default="", max_length=80)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    public: bool = True


class JurisdictionRule(SQLModel, table=True):
    """Agency `agency_id` regulates `element` in `zip_code` (only in `city` when it is set)."""

    __tablename__ = "jurisdiction_rule"
    __table_args__ = (UniqueConstraint("element", "zip_code", "city"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", ondelete="RESTRICT", index=True)
    element: int  # 1-10
    zip_code: str = Field(max_length=5, index=True)
    city: str = Field(default="", max_length=60)  # case-folded; empty = the whole ZIP


class AgencyMember(SQLModel, table=True):
    """A regulator user's role in an agency."""

    __tablename__ = "agency_member"
    __table_args__ = (UniqueConstraint("agency_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", ondelete="RESTRICT", index=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    role: str = Field(max_length=20)
    active: bool = True
    added_at: dt.datetime = Field(sa_type=UTCDateTime)
    added_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )


class AgencyElementSetting(SQLModel, table=True):
    """What an agency asks of businesses for one submittal element (1-10) beyond the state's
    rules: its local requirements, shown on the element's draft, and whether the element's
    "locally required" document must be provided."""

    __tablename__ = "agency_element_setting"
    __table_args__ = (UniqueConstraint("agency_id", "element"),)

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", ondelete="RESTRICT", index=True)
    element: int
    local_requirements: str = Field(default="", max_length=4000)
    local_document_required: bool = False
    version: int = 1
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )


class NoticeLevel(StrEnum):
    INFO = "info"
    WARNING = "warning"


class SiteNotice(SQLModel, table=True):
    """A banner every page shows between `starts_at` and `ends_at` (e.g. planned maintenance).

    Made by an Agency Admin (agency_id set) or a system administrator (agency_id None); shown
    to everyone, signed in or not.
    """

    __tablename__ = "site_notice"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", ondelete="RESTRICT")
    message: str = Field(max_length=500)
    level: str = Field(default=NoticeLevel.INFO.value, max_length=10)
    starts_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    ends_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    version: int = 1


class AssistanceStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    FORWARDED = "forwarded"
    CLOSED = "closed"


ASSISTANCE_STATUS_LABELS = {
    AssistanceStatus.NEW: "New",
    AssistanceStatus.IN_PROGRESS: "In progress",
    AssistanceStatus.FORWARDED: "Forwarded to the system administrator",
    AssistanceStatus.CLOSED: "Closed",
}


class AssistanceRequest(SQLModel, table=True):
    """A "Request Technical Assistance" message sent from the public form to one agency."""

    __tablename__ = "assistance_request"

    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", ondelete="RESTRICT", index=True)
    # Signed-in senders are linked; anonymous ones are not.
    user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="RESTRICT")
    name: str = Field(max_length=80)
    email: str = Field(max_length=254)
    phone: str = Field(default="", max_length=30)
    business_name: str = Field(default="", max_length=100)
    cers_id: str = Field(default="", max_length=9)
    topic: str = Field(max_length=40)
    subject: str = Field(max_length=120)
    message: str = Field(max_length=4000)
    status: str = Field(default=AssistanceStatus.NEW.value, max_length=12, index=True)
    agency_note: str = Field(default="", max_length=2000)
    created_at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    forwarded_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    forwarded_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    version: int = 1
