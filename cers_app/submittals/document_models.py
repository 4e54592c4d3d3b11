"""Document slots of an element version: the chosen document source, and uploaded files.

A slot (site map, emergency plan, training plan, locally required document) is identified by
its CERS resource type code (`document_rules.SLOTS`). A row exists once someone answered the
slot; a slot without a row has no source chosen yet. Files point at `stored_file` rows, which
copies of a draft share: a stored file is removed only when no version refers to it any more.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from cers_app.core.db import UTCDateTime


class ElementDocument(SQLModel, table=True):
    """The answer to one document slot of one element version."""

    __tablename__ = "element_document"
    __table_args__ = (sa.UniqueConstraint("element_version_id", "slot"),)

    id: int | None = Field(default=None, primary_key=True)
    facility_id: int = Field(foreign_key="facility.id", ondelete="RESTRICT", index=True)
    element_version_id: int = Field(foreign_key="element_version.id", ondelete="RESTRICT")
    slot: int  # the resource type code of the slot
    source: int  # DocumentSource 1-6
    exempt_reason: str = Field(default="", max_length=500)  # source 1
    provided_on: dt.date | None = None  # source 2
    other_element: int | None = None  # source 3
    comment: str = Field(default="", max_length=500)  # source 3
    url: str = Field(default="", max_length=1000)  # source 4
    stored_at_cers_id: int | None = None  # source 6
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    updated_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
    version: int = 1


class ElementDocumentFile(SQLModel, table=True):
    """One uploaded file of a slot whose source is Upload Documents (5)."""

    __tablename__ = "element_document_file"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="element_document.id", ondelete="RESTRICT", index=True)
    element_version_id: int = Field(
        foreign_key="element_version.id", ondelete="RESTRICT", index=True
    )
    stored_file_id: int = Field(foreign_key="stored_file.id", ondelete="RESTRICT", index=True)
    title: str = Field(max_length=300)
    description: str = Field(default="", max_length=500)
    date_authored: dt.date | None = None
    original_name: str = Field(max_length=255)
    kind: str = Field(max_length=10)
    size: int
    sha256: str = Field(max_length=64)
    created_at: dt.datetime = Field(sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT"
    )
