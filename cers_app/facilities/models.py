"""Facilities, their reporting requirements per submittal element, and element versions."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, UniqueConstraint

from cers_app.core.db import UTCDateTime


class FacilityStatus(StrEnum):
    ACTIVE = "active"
    MERGED = "merged"  # retired into another facility (its CERS ID stays findable)
    DELETED = "deleted"


class Facility(SQLModel, table=True):
    """A regulated site. Its CERS ID never changes and is never reused."""

    __tablename__ = "facility"

    id: int | None = Field(default=None, primary_key=True)
    cers_id: int = Field(unique=True)
    regulator_key: str = Field(max_length=36, unique=True)  # GUID (EDT FacilityRegulatorKey)
    local_facility_id: str = Field(default="", max_length=13)  # the CUPA's Facility ID (field 1)
    name: str = Field(max_length=70)
    street: str = Field(max_length=70)
    supplemental: str = Field(default="", max_length=30)
    city: str = Field(max_length=60)
    zip_code: str = Field(max_length=10, index=True)
    county: int
    epa_id: str = Field(default="", max_length=12)
    latitude: float | None = None
    longitude: float | None = None
    address_key: str = Field(max_length=90, index=True)  # normalised street + ZIP5
    name_key: str = Field(max_length=70, index=True)
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT", index=True)
    status: str = Field(default=FacilityStatus.ACTIVE.value, max_length=10)
    merged_into_id: int | None = Field(default=None, foreign_key="facility.id", ondelete="RESTRICT")
    no_regulated_activities: bool = False
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    version: int = 1


class CersIdAllocation(SQLModel, table=True):
    """Every CERS ID ever handed out, in its own committed transaction: never reused."""

    __tablename__ = "cers_id_allocation"

    cers_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    allocated_at: dt.datetime = Field(sa_type=UTCDateTime)
    imported: bool = False


class FacilityElement(SQLModel, table=True):
    """One submittal element of one facility: is it required, who regulates it, its versions."""

    __tablename__ = "facility_element"
    __table_args__ = (
        UniqueConstraint("facility_id", "element"),
        # A regulator's reach: the facilities of an agency, read from the index alone.
        sa.Index("ix_facility_element_agency_facility", "agency_id", "facility_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    element: int  # 1-10, core.codes.ELEMENTS
    requirement: int  # core.codes NOT_REQUIRED / REQUIRED / ALWAYS_REQUIRED
    requirement_source: str = Field(max_length=20)  # business_activities | regulator | always
    agency_id: int | None = Field(default=None, foreign_key="agency.id", ondelete="RESTRICT")
    agency_overridden: bool = False  # the regulator chose the agency instead of the ZIP rules
    next_due_date: dt.date | None = None
    regulator_comments: str = Field(default="", max_length=1500)
    draft_version_id: int | None = None
    last_submitted_version_id: int | None = None
    last_accepted_version_id: int | None = None


class ElementVersion(SQLModel, table=True):
    """One version of one element of a facility: a draft, or a submitted (immutable) version."""

    __tablename__ = "element_version"
    __table_args__ = (
        # The review queue sorts and counts a reach's versions from this index alone and
        # reads the full rows of one page only (regulator/queue.py).
        sa.Index(
            "ix_element_version_queue",
            "facility_id",
            "status",
            "submitted_at",
            "id",
            "element",
            "agency_id",
        ),
        # The same for a participating agency's staff, who see the versions submitted to it.
        sa.Index(
            "ix_element_version_agency_queue",
            "agency_id",
            "status",
            "submitted_at",
            "id",
            "facility_id",
            "element",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    element: int
    status: int  # core.codes STATUSES
    regulator_key: str = Field(max_length=36, unique=True)  # GUID (SubmittalElementRegulatorKey)
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT")
    agency_id: int | None = Field(default=None, foreign_key="agency.id", ondelete="RESTRICT")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    submitted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    submitted_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    submitted_comments: str = Field(default="", max_length=1000)
    reviewed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    review_comments: str = Field(default="", max_length=1500)
    # Set when the draft was started as a copy of an earlier version.
    based_on_version_id: int | None = Field(
        default=None, foreign_key="element_version.id", ondelete="SET NULL"
    )
    # Set at submit: the Submit press it belonged to, the version it is compared with in the
    # change view (the element's previous submittal) and how much changed (changes.LEVELS).
    submittal_id: int | None = Field(
        default=None, foreign_key="facility_submittal.id", ondelete="RESTRICT", index=True
    )
    previous_version_id: int | None = Field(
        default=None, foreign_key="element_version.id", ondelete="SET NULL"
    )
    change_level: int | None = None
    version: int = 1


class FacilityWizard(SQLModel, table=True):
    """An add-facility wizard in progress: every step is saved here, so Back, refresh and
    coming back later all resume where the user left off."""

    __tablename__ = "facility_wizard"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT", index=True)
    step: int = 1
    data: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    facility_id: int | None = Field(default=None, foreign_key="facility.id", ondelete="RESTRICT")
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome: str = Field(default="", max_length=30)  # created | access_requested | ...
    version: int = 1


class RequestKind(StrEnum):
    ACCESS = "access"  # join the facility's business with a role
    TRANSFER = "transfer"  # move a facility of mine to another business
    TAKE_OWNERSHIP = "take_ownership"  # move someone else's facility into my business
    MERGE = "merge"  # retire a duplicate facility into another of the same business
    DELETE = "delete"  # remove a facility that never submitted anything


class RequestStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Decider(StrEnum):
    LEAD = "lead"  # the Lead Users of the facility's business
    REGULATOR = "regulator"  # the agency regulating the facility
    ADMIN = "admin"  # the system administrator (businesses across several agencies)


class FacilityRequest(SQLModel, table=True):
    """A request about a facility that someone else must decide."""

    __tablename__ = "facility_request"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    status: str = Field(default=RequestStatus.PENDING.value, max_length=10, index=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    # access: the business joined; transfer/take ownership: the business receiving the facility
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT", index=True)
    role: str = Field(default="", max_length=10)  # access requests
    other_facility_id: int | None = Field(
        default=None, foreign_key="facility.id", ondelete="RESTRICT"
    )  # merge: the facility that survives
    decider: str = Field(max_length=10)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", ondelete="RESTRICT")
    note: str = Field(default="", max_length=1000)
    requested_by_user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    decided_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    decided_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    decision_comment: str = Field(default="", max_length=1000)


class FacilityArchive(SQLModel, table=True):
    """A facility that left a business (transferred out): shown to it read-only."""

    __tablename__ = "facility_archive"

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT", index=True)
    to_organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT")
    transferred_at: dt.datetime = Field(sa_type=UTCDateTime)
    by_user_id: int | None = Field(default=None, foreign_key="user_account.id", ondelete="RESTRICT")
