"""seed-demo: one upcoming planned-maintenance notice of the demo CUPA (added once)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from cers_app.agencies.models import Agency, NoticeLevel, SiteNotice
from cers_app.agencies.site_notices import _snapshot
from cers_app.core import audit, clock, db
from cers_app.core.audit import AuditEventType
from cers_app.core.db import transaction

MESSAGE = (
    "Planned maintenance: OpenCERS will be unavailable for about two hours next week, "
    "starting at 8:00 PM. Please save your work before then."
)


def _ensure(session: Session, agency_code: int, user_id: int) -> int:
    with transaction(session):
        agency_id = session.exec(select(Agency.id).where(Agency.code == agency_code)).first()
        assert agency_id is not None, f"no agency {agency_code}"
        now = clock.now()
        found = session.exec(
            select(SiteNotice.id).where(
                SiteNotice.agency_id == agency_id,
                SiteNotice.message == MESSAGE,
                col(SiteNotice.ends_at) > now,
            )
        ).first()
        if found is not None:
            return found
        day = clock.local(now).date() + dt.timedelta(days=7)
        starts = dt.datetime.combine(day, dt.time(20, 0), tzinfo=clock.agency_zone())
        notice = SiteNotice(
            agency_id=agency_id,
            message=MESSAGE,
            level=NoticeLevel.WARNING.value,
            starts_at=starts.astimezone(dt.UTC),
            ends_at=(starts + dt.timedelta(hours=2)).astimezone(dt.UTC),
            created_at=now,
            created_by_user_id=user_id,
        )
        session.add(notice)
        session.flush()
        audit.record(
            session,
            actor_user_id=user_id,
            event=AuditEventType.SITE_NOTICE_SAVED,
            subject_type="site_notice",
            subject_id=notice.id or 0,
            agency_id=notice.agency_id,
            after=_snapshot(notice),
        )
        return notice.id or 0


def ensure_demo_notice(agency_code: int, user_id: int) -> int:
    """The demo CUPA's upcoming maintenance notice (made by `user_id`); returns its id."""
    return db.run(_ensure, agency_code, user_id)
