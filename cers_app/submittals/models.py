"""A submittal: the element versions sent together in one "Submit", with the certification."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

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
