"""The regulator's review actions on submitted element versions (the CERS "SubmittalAction")."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from cers_app.core.db import UTCDateTime


class ReviewAction(SQLModel, table=True):
    """One status a reviewer set on one submitted element version, with its comment.

    `acted_at` is the action date (CERS 20.0006): each later action on a version needs a
    later one. `recorded_at` is when it was entered; `comment_edited_at` when its comment was
    last changed. The reviewer's name and email are kept as they were at the time.
    """

    __tablename__ = "review_action"

    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="element_version.id", ondelete="RESTRICT", index=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    element: int
    status: int  # core.codes UNDER_REVIEW / ACCEPTED / NOT_ACCEPTED / NOT_APPLICABLE
    comment: str = Field(default="", max_length=1500)
    acted_at: dt.datetime = Field(sa_type=UTCDateTime)
    reviewer_user_id: int = Field(foreign_key="user_account.id", ondelete="RESTRICT")
    reviewer_name: str = Field(max_length=101)
    reviewer_email: str = Field(max_length=254)
    recorded_at: dt.datetime = Field(sa_type=UTCDateTime)
    comment_edited_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_due_date: dt.date | None = None
