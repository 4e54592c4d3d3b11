"""Report jobs: a PDF asked for in the portal, made in the background and kept for its owner.

A job is queued when asked for, taken by a worker through a lease (`lease_owner`,
`lease_until`) that expires if the worker dies, so another worker can make it again, and ends
done (its file stored) or failed (a message for the person who asked).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cers_app.core.db import UTCDateTime


class ReportJob(SQLModel, table=True):
    """One PDF asked for by one person: what to print, and where it stands."""

    __tablename__ = "report_job"
    __table_args__ = (sa.Index("ix_report_job_user_created", "user_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    # The portal and business the person asked from: the job acts with the rights they hold
    # in it when it runs, not those they held when they asked.
    portal: str = Field(max_length=20)
    organization_id: int | None = None
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)  # packet | public | inventory
    params: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
    status: str = Field(default="queued", max_length=10, index=True)
    message: str = Field(default="", max_length=500)
    file_name: str = Field(default="", max_length=255)
    stored_file_id: int | None = Field(
        default=None, foreign_key="stored_file.id", ondelete="SET NULL"
    )
    lease_owner: str = Field(default="", max_length=80)
    lease_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    finished_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
