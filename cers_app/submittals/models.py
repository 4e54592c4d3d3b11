"""A submittal: the element versions sent together in one "Submit", with the certification."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel, UniqueConstraint

from cers_app.core.db import UTCDateTime


class Submittal(SQLModel, table=True):
    """One press of Submit: which facility, who certified what, when. The element versions
    it carries point at it (ElementVersion.submittal_id)."""

    __tablename__ = "facility_submittal"

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT")
    submitted_at: dt.datetime = Field(sa_type=UTCDateTime)
    submitted_by_user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    submitter_email: str = Field(max_length=254)
    certifier_name: str = Field(max_length=100)
    certifier_title: str = Field(max_length=100)
    certification_statement: str = Field(max_length=2000)
    # "annual": the yearly certification, which moves the HMBP due date; "change": does not.
    kind: str = Field(default="change", max_length=10)


class ChangeItem(SQLModel, table=True):
    """A change the business must submit within 30 days (a new material, a doubled amount,
    a new owner or name), found in a draft; resolved when that element is submitted."""

    __tablename__ = "change_item"

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    element: int
    reason: str = Field(max_length=300)
    detected_at: dt.datetime = Field(sa_type=UTCDateTime)
    due_on: dt.date
    resolved_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class SentReminder(SQLModel, table=True):
    """One due-date reminder sent: the unique key makes each one go once, however often (and
    however concurrently) the reminder command runs."""

    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("user_id", "facility_id", "due_date", "threshold"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    due_date: dt.date
    threshold: int  # days before the due date; 0 = overdue
    sent_at: dt.datetime = Field(sa_type=UTCDateTime)
