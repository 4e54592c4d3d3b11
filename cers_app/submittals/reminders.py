"""Due-date reminders for the annual HMBP certification, sent by `send-reminders` (cron).

Reminders go 60, 30 and 7 days before the due date and once it is overdue, to the Lead
Users and Approvers of the facility's business. Each goes once per user, facility, due date
and threshold: the sent_reminder row is inserted first with "on conflict do nothing", so a
second run, or a run racing this one on PostgreSQL (it waits on the unique key), sends
nothing twice. A run that starts late sends only the nearest threshold, not the ones missed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from cers_app.accounts.models import User, UserStatus
from cers_app.core import clock
from cers_app.core.db import transaction
from cers_app.core.mail import queue_email
from cers_app.facilities.models import Facility, FacilityElement, FacilityStatus
from cers_app.organizations.models import OrgMember
from cers_app.organizations.roles import OrgRole
from cers_app.submittals import annual, change_items, due_dates, emails
from cers_app.submittals.models import SentReminder

THRESHOLDS = (60, 30, 7)
OVERDUE = 0
RECIPIENT_ROLES = (OrgRole.LEAD.value, OrgRole.APPROVER.value)


def threshold_for(days_left: int) -> int | None:
    """The reminder due with this many days left (0 when overdue); None for none yet."""
    if days_left < 0:
        return OVERDUE
    due = [t for t in THRESHOLDS if days_left <= t]
    return min(due) if due else None


def _candidates(session: Session) -> list[int]:
    # A day of slack for time zones; the exact days are counted per facility.
    horizon = clock.now().date() + dt.timedelta(days=max(THRESHOLDS) + 1)
    return list(
        session.exec(
            select(Facility.id)
            .join(FacilityElement, col(FacilityElement.facility_id) == Facility.id)
            .where(
                Facility.status == FacilityStatus.ACTIVE.value,
                col(FacilityElement.element).in_(annual.HMBP),
                col(FacilityElement.next_due_date).is_not(None),
                col(FacilityElement.next_due_date) <= horizon,
            )
            .distinct()
            .order_by(col(Facility.id))
        )
    )


def _claim(session: Session, row: dict[str, object]) -> bool:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(SentReminder).values(**row).on_conflict_do_nothing().returning(col(SentReminder.id))
    )
    # rowcount is not reliable here with psycopg; a returned id means this run claimed it.
    return session.execute(statement).first() is not None


def _recipients(session: Session, organization_id: int) -> list[User]:
    return list(
        session.exec(
            select(User)
            .join(OrgMember, col(OrgMember.user_id) == User.id)
            .where(
                OrgMember.organization_id == organization_id,
                col(OrgMember.role).in_(RECIPIENT_ROLES),
                User.status == UserStatus.ACTIVE.value,
            )
            .order_by(col(User.id))
        )
    )


def _remind_facility(session: Session, facility_id: int) -> int:
    facility = session.get(Facility, facility_id)
    due = annual.hmbp_due_date(session, facility_id)
    if facility is None or due is None:
        return 0
    days = due_dates.days_left(due, annual.today_for(session, facility_id))
    threshold = threshold_for(days)
    if threshold is None:
        return 0
    sent = 0
    shown_due = due.strftime("%b %d, %Y").replace(" 0", " ")
    for user in _recipients(session, facility.organization_id):
        row = {
            "user_id": user.id,
            "facility_id": facility_id,
            "due_date": due,
            "threshold": threshold,
            "sent_at": clock.now(),
        }
        if not _claim(session, row):
            continue
        message = emails.due_reminder(
            user.first_name, facility.name, facility.cers_id, shown_due, days, facility_id
        )
        queue_email(session, to=user.email, message=message, kind="due_reminder", user_id=user.id)
        sent += 1
    return sent


def _facilities_with_drafts(session: Session) -> list[int]:
    return list(
        session.exec(
            select(FacilityElement.facility_id)
            .where(
                col(FacilityElement.element).in_(change_items.WATCHED),
                col(FacilityElement.draft_version_id).is_not(None),
                col(FacilityElement.last_submitted_version_id).is_not(None),
            )
            .distinct()
        )
    )


def send_reminders(session: Session) -> int:
    """Send the reminders due now; returns how many emails were queued. Also brings the
    30-day change items up to date, so their clock starts within a day of the change."""
    with transaction(session):
        facility_ids = _candidates(session)
        draft_ids = _facilities_with_drafts(session)
    sent = 0
    for facility_id in facility_ids:
        with transaction(session):
            sent += _remind_facility(session, facility_id)
    for facility_id in draft_ids:
        with transaction(session):
            change_items.refresh(session, facility_id)
    return sent
