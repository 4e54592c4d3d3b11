"""Action Required on the Business home: what the selected business must do next.

For one business the actor belongs to: access requests waiting for a Lead User (only for a
role that answers them), elements the regulator did Not Accept with its comments, the HMBP
due within 60 days or overdue, and the open 30-day change items (found when read, so this
refreshes them in its transaction).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from cers_app.core.codes import NOT_ACCEPTED, element_label
from cers_app.core.db import transaction
from cers_app.core.permissions import Actor
from cers_app.facilities.models import (
    Decider,
    ElementVersion,
    Facility,
    FacilityElement,
    FacilityRequest,
    FacilityStatus,
    RequestStatus,
)
from cers_app.organizations.roles import OrgAction, allows
from cers_app.organizations.service import access_organization
from cers_app.submittals import annual, change_items, due_dates

REQUESTS, NOT_ACCEPTED_KIND, DUE, CHANGE = "requests", "not-accepted", "due", "change"
DUE_WINDOW_DAYS = 60


@dataclass(frozen=True)
class ActionItem:
    """One thing to do; `facility_id` is 0 for the business-wide access requests."""

    kind: str
    facility_id: int
    facility: str
    text: str
    detail: str = ""
    element: int = 0
    overdue: bool = False


def _shown(day: dt.date) -> str:
    return day.strftime("%b %d, %Y").replace(" 0", " ")


def _requests(session: Session, organization_id: int) -> list[ActionItem]:
    waiting = session.exec(
        select(func.count())
        .select_from(FacilityRequest)
        .where(
            FacilityRequest.organization_id == organization_id,
            FacilityRequest.decider == Decider.LEAD.value,
            FacilityRequest.status == RequestStatus.PENDING.value,
        )
    ).one()
    if not waiting:
        return []
    noun = "request" if waiting == 1 else "requests"
    return [ActionItem(REQUESTS, 0, "", f"{waiting} access {noun} waiting for your answer")]


def _not_accepted(session: Session, facility: Facility) -> list[ActionItem]:
    found = session.exec(
        select(FacilityElement)
        .join(ElementVersion, col(ElementVersion.id) == FacilityElement.last_submitted_version_id)
        .where(
            FacilityElement.facility_id == facility.id,
            ElementVersion.status == NOT_ACCEPTED,
        )
        .order_by(col(FacilityElement.element))
    )
    return [
        ActionItem(
            NOT_ACCEPTED_KIND,
            facility.id or 0,
            facility.name,
            f"{element_label(slot.element)} was Not Accepted",
            slot.regulator_comments,
            element=slot.element,
        )
        for slot in found
    ]


def _due(session: Session, facility: Facility) -> list[ActionItem]:
    assert facility.id is not None
    due = annual.hmbp_due_date(session, facility.id)
    if due is None:
        return []
    days = due_dates.days_left(due, annual.today_for(session, facility.id))
    if days > DUE_WINDOW_DAYS:
        return []
    if days < 0:
        text = f"HMBP annual certification overdue since {_shown(due)}"
    else:
        text = f"HMBP annual certification due {_shown(due)} ({days} days left)"
    return [ActionItem(DUE, facility.id, facility.name, text, overdue=days < 0)]


def _changes(session: Session, facility: Facility) -> list[ActionItem]:
    return [
        ActionItem(
            CHANGE,
            facility.id or 0,
            facility.name,
            f"Submit by {_shown(item.due_on)}: {item.reason}",
            element_label(item.element),
            element=item.element,
        )
        for item in change_items.refresh(session, facility.id or 0)
    ]


def action_required(session: Session, actor: Actor, organization_id: object) -> list[ActionItem]:
    """What the business (one the actor belongs to) must do: requests first, then each
    facility's items by facility name."""
    with transaction(session):
        organization, member = access_organization(session, actor, organization_id, OrgAction.VIEW)
        assert organization.id is not None
        items: list[ActionItem] = []
        if allows(member.role, OrgAction.ANSWER_ACCESS_REQUEST):
            items += _requests(session, organization.id)
        facilities = session.exec(
            select(Facility)
            .where(
                Facility.organization_id == organization.id,
                Facility.status == FacilityStatus.ACTIVE.value,
            )
            .order_by(col(Facility.name), col(Facility.id))
        ).all()
        for facility in facilities:
            items += _not_accepted(session, facility)
            items += _due(session, facility)
            items += _changes(session, facility)
        return items
