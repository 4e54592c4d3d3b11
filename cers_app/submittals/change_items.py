"""30-day change items: changes the business must submit within 30 days (19 CCR 2654(d)).

Design: the items are rows, but they are found when read. `refresh` compares the open
Facility Information and inventory drafts with their last submittals (the change view's
significance reasons: a new material, an amount up 100% or more, a new owner or operator)
and keeps the rows in step: a new reason becomes an item due 30 days later, a reason that
disappeared from the draft (the row was deleted again, the draft discarded) drops its open
item. It runs wherever the items are shown (Home, the Submit page) and in the daily
`send-reminders` run, so no draft-changing service (saves, copies, uploads) has to remember
to call it. Submitting an element resolves its items.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.core import clock
from cers_app.facilities.models import ElementVersion, FacilityElement
from cers_app.submittals import annual, change_view
from cers_app.submittals.models import ChangeItem

FI, HMI = 1, 2
WATCHED = (FI, HMI)
DAYS = 30
REASON_MAX = 300
AMOUNT_REASON = "maximum daily amount up 100% or more"


def _stable(reason: str) -> str:
    # The amount reason ends with "(old -> new)": a further increase is the same change.
    if AMOUNT_REASON in reason:
        reason = reason.rsplit(" (", 1)[0]
    return reason[:REASON_MAX]


def _current_reasons(session: Session, slots: list[FacilityElement]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for slot in slots:
        if not (slot.draft_version_id and slot.last_submitted_version_id):
            continue
        draft = session.get(ElementVersion, slot.draft_version_id)
        previous = session.get(ElementVersion, slot.last_submitted_version_id)
        if draft is None or previous is None:
            continue
        changes = change_view.compare_versions(session, draft, previous)
        found |= {(slot.element, _stable(reason)) for reason in changes.reasons}
    return found


def open_items(session: Session, facility_id: int) -> list[ChangeItem]:
    """The facility's unresolved change items, soonest due first."""
    return list(
        session.exec(
            select(ChangeItem)
            .where(ChangeItem.facility_id == facility_id, col(ChangeItem.resolved_at).is_(None))
            .order_by(col(ChangeItem.due_on), col(ChangeItem.id))
        )
    )


def refresh(session: Session, facility_id: int) -> list[ChangeItem]:
    """Bring the facility's open change items in step with its drafts (in the caller's
    transaction) and return them."""
    slots = list(
        session.exec(
            select(FacilityElement)
            .where(
                FacilityElement.facility_id == facility_id,
                col(FacilityElement.element).in_(WATCHED),
            )
            .order_by(col(FacilityElement.element))
            .with_for_update()  # two refreshes at once: the second sees the first's rows
        )
    )
    found = _current_reasons(session, slots)
    items = open_items(session, facility_id)
    known = {(item.element, item.reason) for item in items}
    for item in items:
        if (item.element, item.reason) not in found:
            session.delete(item)
    now = clock.now()
    due = annual.today_for(session, facility_id) + dt.timedelta(days=DAYS)
    for element, reason in sorted(found - known):
        session.add(
            ChangeItem(
                facility_id=facility_id,
                element=element,
                reason=reason,
                detected_at=now,
                due_on=due,
            )
        )
    session.flush()
    return open_items(session, facility_id)


def resolve(session: Session, facility_id: int, elements: set[int]) -> None:
    """Submitting these elements settles their open change items."""
    session.execute(
        sa.update(ChangeItem)
        .where(
            col(ChangeItem.facility_id) == facility_id,
            col(ChangeItem.element).in_(elements),
            col(ChangeItem.resolved_at).is_(None),
        )
        .values(resolved_at=clock.now())
    )
