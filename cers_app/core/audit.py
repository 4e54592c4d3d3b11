"""The audit trail: one row per change, written by services in the change's own transaction."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel

from cers_app.core import audit_chain, clock
from cers_app.core.db import UTCDateTime


class AuditEventType(StrEnum):
    """Stable NOUN_VERB_PAST names, grouped by feature. Stored as these strings."""

    # accounts
    USER_REGISTERED = "USER_REGISTERED"
    USER_ACTIVATED = "USER_ACTIVATED"
    USER_CREATED_BY_ADMIN = "USER_CREATED_BY_ADMIN"
    USER_SIGNED_IN = "USER_SIGNED_IN"
    USER_SIGNED_OUT = "USER_SIGNED_OUT"
    USER_SIGN_IN_FAILED = "USER_SIGN_IN_FAILED"
    USER_PROFILE_CHANGED = "USER_PROFILE_CHANGED"
    USER_EMAIL_CHANGE_REQUESTED = "USER_EMAIL_CHANGE_REQUESTED"
    USER_EMAIL_CHANGED = "USER_EMAIL_CHANGED"
    USER_PASSWORD_CHANGED = "USER_PASSWORD_CHANGED"
    USER_PASSWORD_RESET_REQUESTED = "USER_PASSWORD_RESET_REQUESTED"
    USER_PASSWORD_RESET = "USER_PASSWORD_RESET"
    USER_CONDITIONS_ACCEPTED = "USER_CONDITIONS_ACCEPTED"
    USER_SESSIONS_REVOKED = "USER_SESSIONS_REVOKED"
    # organizations
    ORGANIZATION_CREATED = "ORGANIZATION_CREATED"
    ORGANIZATION_CHANGED = "ORGANIZATION_CHANGED"
    ORG_MEMBER_ADDED = "ORG_MEMBER_ADDED"
    ORG_MEMBER_CHANGED = "ORG_MEMBER_CHANGED"
    ORG_MEMBER_REMOVED = "ORG_MEMBER_REMOVED"
    ORG_INVITATION_SENT = "ORG_INVITATION_SENT"
    ORG_INVITATION_REVOKED = "ORG_INVITATION_REVOKED"
    ORG_INVITATION_ACCEPTED = "ORG_INVITATION_ACCEPTED"
    # facilities
    FACILITY_CREATED = "FACILITY_CREATED"
    FACILITY_INFORMATION_DRAFT_SAVED = "FACILITY_INFORMATION_DRAFT_SAVED"
    FACILITY_NO_REGULATED_ACTIVITIES = "FACILITY_NO_REGULATED_ACTIVITIES"
    FACILITY_REQUESTED = "FACILITY_REQUESTED"
    FACILITY_REQUEST_DECIDED = "FACILITY_REQUEST_DECIDED"
    FACILITY_REQUEST_WITHDRAWN = "FACILITY_REQUEST_WITHDRAWN"
    FACILITY_TRANSFERRED = "FACILITY_TRANSFERRED"
    FACILITY_MERGED = "FACILITY_MERGED"
    FACILITY_DELETED = "FACILITY_DELETED"
    FACILITY_REGULATOR_CHANGED = "FACILITY_REGULATOR_CHANGED"
    # agencies
    AGENCY_CHANGED = "AGENCY_CHANGED"
    JURISDICTION_LOADED = "JURISDICTION_LOADED"
    AGENCY_CREATED = "AGENCY_CREATED"
    AGENCY_MEMBER_ADDED = "AGENCY_MEMBER_ADDED"
    AGENCY_MEMBER_ROLE_CHANGED = "AGENCY_MEMBER_ROLE_CHANGED"
    # hazardous materials inventory
    INVENTORY_DRAFT_STARTED = "INVENTORY_DRAFT_STARTED"
    INVENTORY_ITEM_ADDED = "INVENTORY_ITEM_ADDED"
    INVENTORY_ITEM_CHANGED = "INVENTORY_ITEM_CHANGED"
    INVENTORY_ITEM_COPIED = "INVENTORY_ITEM_COPIED"
    INVENTORY_ITEM_DELETED = "INVENTORY_ITEM_DELETED"
    INVENTORY_SETTINGS_CHANGED = "INVENTORY_SETTINGS_CHANGED"
    INVENTORY_IMPORT_CREATED = "INVENTORY_IMPORT_CREATED"
    INVENTORY_IMPORTED = "INVENTORY_IMPORTED"
    INVENTORY_IMPORT_CANCELLED = "INVENTORY_IMPORT_CANCELLED"
    # element documents (site map, emergency response and training plans)
    DOCUMENT_SOURCE_SAVED = "DOCUMENT_SOURCE_SAVED"
    DOCUMENT_FILE_ATTACHED = "DOCUMENT_FILE_ATTACHED"
    DOCUMENT_FILE_REMOVED = "DOCUMENT_FILE_REMOVED"
    # submittals
    ELEMENT_DRAFT_STARTED = "ELEMENT_DRAFT_STARTED"
    ELEMENT_DRAFT_DISCARDED = "ELEMENT_DRAFT_DISCARDED"
    FACILITY_SUBMITTED = "FACILITY_SUBMITTED"
    NO_CHANGE_CERTIFIED = "NO_CHANGE_CERTIFIED"
    DUE_DATE_SET = "DUE_DATE_SET"
    # regulator review
    SUBMITTAL_REVIEWED = "SUBMITTAL_REVIEWED"
    SUBMITTAL_REVIEW_COMMENT_EDITED = "SUBMITTAL_REVIEW_COMMENT_EDITED"
    # regulator reporting requirements
    REPORTING_REQUIREMENT_SET = "REPORTING_REQUIREMENT_SET"
    # account administration (system administrator, Agency Admin)
    USER_DISABLED = "USER_DISABLED"
    USER_ENABLED = "USER_ENABLED"
    USER_UNLOCKED = "USER_UNLOCKED"
    USER_SESSIONS_ENDED = "USER_SESSIONS_ENDED"
    ELEMENT_FORM_SAVED = "ELEMENT_FORM_SAVED"
    ELEMENT_RECORD_ADDED = "ELEMENT_RECORD_ADDED"
    ELEMENT_RECORD_SAVED = "ELEMENT_RECORD_SAVED"
    ELEMENT_RECORD_DELETED = "ELEMENT_RECORD_DELETED"
    # printing and data exchange
    REPORT_REQUESTED = "REPORT_REQUESTED"
    ELEMENT_VERSION_IMPORTED = "ELEMENT_VERSION_IMPORTED"
    ELEMENTS_MADE_NOT_APPLICABLE_BY_BUSINESS = "ELEMENTS_MADE_NOT_APPLICABLE_BY_BUSINESS"
    # Agency administration (issue 11)
    AGENCY_PROFILE_CHANGED = "AGENCY_PROFILE_CHANGED"
    AGENCY_CONTACT_ADDED = "AGENCY_CONTACT_ADDED"
    AGENCY_CONTACT_CHANGED = "AGENCY_CONTACT_CHANGED"
    AGENCY_CONTACT_REMOVED = "AGENCY_CONTACT_REMOVED"
    JURISDICTION_RULE_ADDED = "JURISDICTION_RULE_ADDED"
    JURISDICTION_RULE_REMOVED = "JURISDICTION_RULE_REMOVED"
    AGENCY_ELEMENT_SETTING_CHANGED = "AGENCY_ELEMENT_SETTING_CHANGED"
    AGENCY_MEMBER_INVITED = "AGENCY_MEMBER_INVITED"
    AGENCY_MEMBER_DEACTIVATED = "AGENCY_MEMBER_DEACTIVATED"
    AGENCY_MEMBER_REACTIVATED = "AGENCY_MEMBER_REACTIVATED"
    SITE_NOTICE_SAVED = "SITE_NOTICE_SAVED"
    SITE_NOTICE_REMOVED = "SITE_NOTICE_REMOVED"
    ASSISTANCE_REQUESTED = "ASSISTANCE_REQUESTED"
    ASSISTANCE_UPDATED = "ASSISTANCE_UPDATED"
    ASSISTANCE_FORWARDED = "ASSISTANCE_FORWARDED"
    # Operations (issue 13)
    MAINTENANCE_MODE_CHANGED = "MAINTENANCE_MODE_CHANGED"
    TRAINING_DATA_RESET = "TRAINING_DATA_RESET"


class AuditEvent(SQLModel, table=True):
    """Who (`actor_user_id`) did what (`event`) to which object (`subject_type`/`subject_id`).

    The actor is kept apart from the object acted on: a Lead User removing a member is
    actor=lead, subject=membership. `before`/`after` hold only the fields that changed.
    Rows are never updated or deleted; the foreign key to the actor is RESTRICT.
    """

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(sa_type=UTCDateTime, index=True)
    event: str = Field(max_length=64, index=True)
    actor_user_id: int | None = Field(
        default=None, foreign_key="user_account.id", ondelete="RESTRICT", index=True
    )
    subject_type: str = Field(max_length=40)
    subject_id: str = Field(max_length=40)
    before: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=sa.JSON)
    client_ip: str | None = Field(default=None, max_length=64)
    # Where the event belongs, so a trail can be read per facility, business or agency.
    # Plain ids (no foreign keys): a merged or deleted facility keeps its history.
    facility_id: int | None = Field(default=None)
    organization_id: int | None = Field(default=None, index=True)
    agency_id: int | None = Field(default=None, index=True)
    # Tamper evidence: each event is chained to the previous event of its stream.
    stream: str | None = Field(default=None, max_length=80)
    seq: int | None = Field(default=None)
    prev_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)

    __table_args__ = (
        sa.UniqueConstraint("stream", "seq", name="uq_audit_event_stream_seq"),
        sa.Index("ix_audit_event_facility_at", "facility_id", "at"),
    )


class AuditStreamHead(SQLModel, table=True):
    """The last link of each audit stream; its row lock orders the writers of one stream only."""

    __tablename__ = "audit_stream_head"

    stream: str = Field(primary_key=True, max_length=80)
    seq: int = Field(default=0)
    hash: str = Field(max_length=64)


def record(
    session: Session,
    *,
    actor_user_id: int | None,
    event: AuditEventType,
    subject_type: str,
    subject_id: int | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    client_ip: str | None = None,
    facility_id: int | None = None,
    organization_id: int | None = None,
    agency_id: int | None = None,
) -> AuditEvent:
    """Add one audit row to the caller's transaction, chained to the last event of its stream.

    `facility_id`, `organization_id` and `agency_id` say whose trail the event belongs to, and
    so which stream it joins (`audit_chain.stream_for`). The stream's head row is locked until
    the caller's transaction ends: writers of one stream take turns, other streams never wait.
    """
    fields: dict[str, Any] = {
        "at": clock.now(),
        "event": event.value,
        "actor_user_id": actor_user_id,
        "subject_type": subject_type,
        "subject_id": str(subject_id),
        # Stored as they read back, so the hash over them holds after the round trip.
        "before": audit_chain.as_stored(before),
        "after": audit_chain.as_stored(after),
        "client_ip": client_ip,
        "facility_id": facility_id,
        "organization_id": organization_id,
        "agency_id": agency_id,
    }
    fields["stream"] = audit_chain.stream_for(
        facility_id=facility_id,
        organization_id=organization_id,
        agency_id=agency_id,
        subject_type=subject_type,
        subject_id=fields["subject_id"],
    )
    fields["seq"], fields["prev_hash"], fields["hash"] = _chain(session, fields)
    row = AuditEvent(**fields)
    session.add(row)
    return row


_HEAD = AuditStreamHead.__table__
_HEAD_CREATE = {
    dialect: insert(_HEAD)
    .values(stream=sa.bindparam("name"), seq=0, hash=audit_chain.GENESIS)
    .on_conflict_do_nothing(index_elements=[_HEAD.c.stream])
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}
_HEAD_READ = (
    sa.select(_HEAD.c.seq, _HEAD.c.hash)
    .where(_HEAD.c.stream == sa.bindparam("name"))
    .with_for_update()
)
_HEAD_MOVE = (
    sa.update(_HEAD)
    .where(_HEAD.c.stream == sa.bindparam("name"))
    .values(seq=sa.bindparam("new_seq"), hash=sa.bindparam("new_hash"))
)


def _chain(session: Session, fields: dict[str, Any]) -> tuple[int, str, str]:
    """The (seq, prev_hash, hash) of the event `fields` describe; moves its stream's head.

    Insert-if-missing first: on PostgreSQL the head row then exists to be locked (FOR UPDATE
    waits for the stream's other writer until its transaction ends); on SQLite the insert
    takes the database's write lock before the head is read, so no other writer can read the
    same head meanwhile. Statements go to the session's connection, in the caller's
    transaction, and do not flush the caller's pending rows.
    """
    connection = session.connection()
    stream = fields["stream"]
    connection.execute(_HEAD_CREATE[connection.dialect.name], {"name": stream})
    last_seq, last_hash = connection.execute(_HEAD_READ, {"name": stream}).one()
    seq = last_seq + 1
    digest = audit_chain.event_hash(last_hash, **{**fields, "seq": seq})
    connection.execute(_HEAD_MOVE, {"name": stream, "new_seq": seq, "new_hash": digest})
    return seq, last_hash, digest


def changed_fields(
    old: dict[str, Any], new: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (before, after) pair limited to keys whose value differs."""
    keys = [key for key in new if old.get(key) != new[key]]
    return {key: old.get(key) for key in keys}, {key: new[key] for key in keys}
