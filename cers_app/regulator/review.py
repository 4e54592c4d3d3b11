"""The regulator's review of a submitted element version: set its status, edit a comment,
read its history.

Only a Reviewer or Agency Admin of an agency that reaches the version acts on it; anyone
with a role that sees it reads its history. Each action is a `ReviewAction` row with its
action date: a later action needs a later date, never one in the future or before the
submittal. Accepting a Facility Information version brings its name, address and EPA ID to
the facility (nothing else changes those); Not Applicable makes the element not required
and answers its Business Activities question "No" in the current Facility Information
draft. The business's Lead Users and the submitter are emailed after the change commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.accounts.models import User, UserStatus
from cers_app.agencies.models import Agency
from cers_app.core import audit, clock
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import (
    ACCEPTED,
    FACILITY_INFORMATION,
    NOT_ACCEPTED,
    NOT_APPLICABLE,
    NOT_REQUIRED,
    UNDER_REVIEW,
    element_label,
    status_label,
)
from cers_app.core.db import transaction
from cers_app.core.errors import NotFound, ValidationFailed
from cers_app.core.mail import Rendered, queue_email
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.facilities.service import accept_site_identity, is_id
from cers_app.organizations.models import OrgMember
from cers_app.organizations.roles import OrgRole
from cers_app.regulator import requirements, review_emails, scope
from cers_app.regulator.models import ReviewAction
from cers_app.regulator.scope import Right
from cers_app.submittals.annual import today_for
from cers_app.submittals.models import Submittal

REVIEW_STATUSES = (UNDER_REVIEW, ACCEPTED, NOT_ACCEPTED, NOT_APPLICABLE)
COMMENT_MAX = 1500
ACTION_NOT_FOUND = "That review action was not found in your agency's jurisdiction."
STATUS_CHOICE = "Choose Under Review, Accepted, Not Accepted or Not Applicable."
COMMENT_NEEDED = "Say what the business must correct: Not Accepted needs a comment."
COMMENT_TOO_LONG = f"Comments must be at most {COMMENT_MAX:,} characters (now {{n:,}})."
FI_ALWAYS = "Facility Information is always required, so it cannot be Not Applicable."


@dataclass(frozen=True)
class ReviewOutcome:
    """What a review action did."""

    action_id: int
    version_id: int
    facility_id: int
    status: int
    status_label: str
    acted_at: str
    facility_updated: bool = False
    emailed: int = 0


@dataclass(frozen=True)
class HistoryRow:
    """One line of a version's history: its submittal, or a review action."""

    kind: str  # "submitted" | "action"
    action_id: int  # 0 for the submittal
    status: int
    status_label: str
    when: str
    who: str
    comment: str
    edited: str  # when the comment was last edited, or ""
    next_due_date: str


@dataclass(frozen=True)
class ReviewView:
    """A submitted version's review panel: where it stands and what the actor may do."""

    version_id: int
    facility_id: int
    cers_id: int
    facility_name: str
    element: int
    element_label: str
    status: int
    status_label: str
    can_review: bool
    next_due_date: str
    history: list[HistoryRow]


# -- checking what arrives ---------------------------------------------------------------


def _check_status(status: object, element: int, errors: dict[str, str]) -> int:
    if type(status) is not int or status not in REVIEW_STATUSES:
        errors["status"] = STATUS_CHOICE
        return 0
    if status == NOT_APPLICABLE and element == FACILITY_INFORMATION:
        errors["status"] = FI_ALWAYS
    return status


def _check_comment(comment: object, status: int, errors: dict[str, str]) -> str:
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        errors["comment"] = "Comments must be text."
        return ""
    cleaned = comment.strip()
    if len(cleaned) > COMMENT_MAX:
        errors["comment"] = COMMENT_TOO_LONG.format(n=len(cleaned))
    elif status == NOT_ACCEPTED and not cleaned:
        errors["comment"] = COMMENT_NEEDED
    return cleaned


def _check_acted_at(
    session: Session, version: ElementVersion, acted_at: object, errors: dict[str, str]
) -> dt.datetime:
    now = clock.now()
    if acted_at is None:
        acted_at = now
    if not isinstance(acted_at, dt.datetime) or acted_at.tzinfo is None:
        errors["acted_at"] = "Enter the action date as a date and time."
        return now
    acted_at = acted_at.astimezone(dt.UTC)
    if acted_at > now:
        errors["acted_at"] = "The action date cannot be in the future."
    elif version.submitted_at is not None and acted_at < version.submitted_at:
        errors["acted_at"] = (
            "The action date cannot be before the submittal "
            f"({clock.format_local(version.submitted_at)})."
        )
    else:
        previous = _latest_action(session, version.id or 0)
        if previous is not None and acted_at <= previous.acted_at:
            errors["acted_at"] = (
                "A later action needs a later time: the previous action on this submittal "
                f"was at {clock.format_local(previous.acted_at)}."
            )
    return acted_at


def _check_due(
    session: Session, facility_id: int, due: object, errors: dict[str, str]
) -> dt.date | None:
    if due is None:
        return None
    if not isinstance(due, dt.date) or isinstance(due, dt.datetime):
        errors["next_due_date"] = "Enter the next due date as a date."
        return None
    if due < today_for(session, facility_id):
        errors["next_due_date"] = "The next due date cannot be in the past."
    return due


# -- loading ------------------------------------------------------------------------------


def _locked_version(session: Session, actor: Actor, version_id: object) -> ElementVersion:
    """The version, row-locked so two reviewers' actions on it never interleave, if the
    actor may review it."""
    if is_id(version_id):
        if session.get_bind().dialect.name == "sqlite":
            # SQLite has no row locks and begins a transaction at its first write: a no-op
            # write takes the database's write lock before anything is read.
            session.execute(
                sa.update(ElementVersion)
                .where(col(ElementVersion.id) == version_id)
                .values(version=ElementVersion.version)
            )
        session.exec(
            select(ElementVersion)
            .where(ElementVersion.id == version_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
    return scope.load_version(session, actor, version_id, Right.REVIEW)


def _slot(session: Session, version: ElementVersion) -> FacilityElement:
    return session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == version.facility_id,
            FacilityElement.element == version.element,
        )
    ).one()


def _latest_action(session: Session, version_id: int) -> ReviewAction | None:
    return session.exec(
        select(ReviewAction)
        .where(ReviewAction.version_id == version_id)
        .order_by(col(ReviewAction.acted_at).desc(), col(ReviewAction.id).desc())
    ).first()


def _newer(version: ElementVersion, other: ElementVersion | None) -> bool:
    if other is None:
        return True
    mine = (version.submitted_at or version.created_at, version.id or 0)
    theirs = (other.submitted_at or other.created_at, other.id or 0)
    return mine > theirs


# -- what an action changes -----------------------------------------------------------------


def _accept(
    session: Session, version: ElementVersion, slot: FacilityElement
) -> dict[str, tuple[Any, Any]]:
    """Point the element at the version as its last accepted one when it is the newest;
    for Facility Information also update the facility. Returns the facility's changes."""
    current = session.get(ElementVersion, slot.last_accepted_version_id or 0)
    if current is not None and current.id != version.id and not _newer(version, current):
        return {}
    slot.last_accepted_version_id = version.id
    if version.element != FACILITY_INFORMATION:
        return {}
    facility = session.get(Facility, version.facility_id)
    assert facility is not None
    try:
        return accept_site_identity(session, facility, version.data)
    except ValidationFailed:
        # A site the business could not have saved (older data): the record stays as it is.
        return {}


def _unaccept(session: Session, version: ElementVersion, slot: FacilityElement) -> None:
    """A version no longer accepted stops being the element's last accepted one; the newest
    other accepted version takes its place."""
    if slot.last_accepted_version_id != version.id:
        return
    slot.last_accepted_version_id = session.exec(
        select(ElementVersion.id)
        .where(
            ElementVersion.facility_id == version.facility_id,
            ElementVersion.element == version.element,
            ElementVersion.status == ACCEPTED,
            ElementVersion.id != version.id,
        )
        .order_by(col(ElementVersion.submitted_at).desc(), col(ElementVersion.id).desc())
    ).first()


def _not_applicable(
    session: Session, version: ElementVersion, slot: FacilityElement
) -> dict[str, Any]:
    """The element (and the one that moves with it) is not required, by the regulator's
    decision, as the facility page's reporting requirements would set it."""
    elements = requirements.together(version.element)
    slots = session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == version.facility_id,
            col(FacilityElement.element).in_(elements),
        )
    ).all()
    slots = [slot if s.id == slot.id else s for s in slots]
    for changed in requirements.pin(slots, NOT_REQUIRED):
        session.add(changed)
    return requirements.answer_no_for(session, version.facility_id, elements)


# -- emails -------------------------------------------------------------------------------


def _recipients(session: Session, facility: Facility, version: ElementVersion) -> dict[str, int]:
    """The business's active Lead Users and the submitter: address -> user id (0 if none),
    one entry per address whatever its case."""
    found: dict[str, tuple[str, int]] = {}
    leads = session.exec(
        select(User.email, User.id)
        .join(OrgMember, col(OrgMember.user_id) == User.id)
        .where(
            OrgMember.organization_id == facility.organization_id,
            OrgMember.role == OrgRole.LEAD.value,
            User.status == UserStatus.ACTIVE.value,
        )
        .order_by(col(User.id))
    ).all()
    for email, user_id in leads:
        if email:
            found.setdefault(email.strip().casefold(), (email.strip(), user_id or 0))
    submittal = session.get(Submittal, version.submittal_id or 0)
    if submittal is not None and submittal.submitter_email:
        address = submittal.submitter_email.strip()
        found.setdefault(address.casefold(), (address, submittal.submitted_by_user_id))
    return dict(found.values())


def _send(
    session: Session, facility: Facility, version: ElementVersion, message: Rendered, kind: str
) -> int:
    recipients = _recipients(session, facility, version)
    for address, user_id in recipients.items():
        queue_email(session, to=address, message=message, kind=kind, user_id=user_id or None)
    return len(recipients)


def _agency_name(session: Session, version: ElementVersion) -> str:
    agency = session.get(Agency, version.agency_id or 0)
    return agency.name if agency is not None else "the regulator"


# -- the use cases ------------------------------------------------------------------------


def set_status(
    session: Session,
    actor: Actor,
    version_id: object,
    status: object,
    comment: object,
    *,
    acted_at: object = None,
    next_due_date: object = None,
) -> ReviewOutcome:
    """Set a submitted version's status (Under Review, Accepted, Not Accepted or Not
    Applicable) with the reviewer's comment, action date and optionally the element's next
    due date; the business is emailed once the change commits."""
    with transaction(session):
        version = _locked_version(session, actor, version_id)
        assert version.id is not None
        errors: dict[str, str] = {}
        new_status = _check_status(status, version.element, errors)
        text = _check_comment(comment, new_status, errors)
        when = _check_acted_at(session, version, acted_at, errors)
        due = _check_due(session, version.facility_id, next_due_date, errors)
        if errors:
            raise ValidationFailed(errors)
        facility = session.get(Facility, version.facility_id)
        assert facility is not None and facility.id is not None
        slot = _slot(session, version)
        before_status = version.status
        now = clock.now()
        version.status = new_status
        version.reviewed_at = when
        version.reviewed_by_user_id = actor.user_id
        version.review_comments = text
        version.version += 1
        session.add(version)
        if slot.last_submitted_version_id == version.id:
            slot.regulator_comments = text
        changed: dict[str, Any] = {}
        if new_status == ACCEPTED:
            site = _accept(session, version, slot)
            if site:
                changed["facility"] = {k: list(v) for k, v in site.items()}
        else:
            _unaccept(session, version, slot)
        if new_status == NOT_APPLICABLE:
            changed["not_applicable"] = _not_applicable(session, version, slot)
        if due is not None:
            changed["next_due_date"] = [
                slot.next_due_date.isoformat() if slot.next_due_date else None,
                due.isoformat(),
            ]
            slot.next_due_date = due
        session.add(slot)
        action = ReviewAction(
            version_id=version.id,
            facility_id=facility.id,
            element=version.element,
            status=new_status,
            comment=text,
            acted_at=when,
            reviewer_user_id=actor.user_id,
            reviewer_name=actor.display_name[:101],
            reviewer_email=actor.email,
            recorded_at=now,
            next_due_date=due,
        )
        session.add(action)
        session.flush()
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.SUBMITTAL_REVIEWED,
            subject_type="element_version",
            subject_id=version.id,
            facility_id=facility.id,
            organization_id=version.organization_id,
            agency_id=version.agency_id,
            before={"status": before_status},
            after={
                "status": new_status,
                "action_id": action.id,
                "acted_at": when.isoformat(),
                "comment": text,
                **changed,
            },
            client_ip=actor.client_ip,
        )
        message = review_emails.status_set(
            facility=facility.name,
            cers_id=facility.cers_id,
            facility_id=facility.id,
            element=element_label(version.element),
            submitted_on=clock.format_local(version.submitted_at),
            before=before_status,
            after=new_status,
            comment=text,
            reviewer=actor.display_name,
            agency=_agency_name(session, version),
        )
        emailed = _send(session, facility, version, message, "submittal_review")
        return ReviewOutcome(
            action_id=action.id or 0,
            version_id=version.id,
            facility_id=facility.id,
            status=new_status,
            status_label=status_label(new_status),
            acted_at=clock.format_local(when),
            facility_updated="facility" in changed,
            emailed=emailed,
        )


def edit_comment(session: Session, actor: Actor, action_id: object, comment: object) -> int:
    """Change the comment of an earlier review action (a Reviewer or Agency Admin reaching
    its version); the business is told the comments changed. Returns the emails sent."""
    with transaction(session):
        action = session.get(ReviewAction, action_id) if is_id(action_id) else None
        if action is None:
            raise NotFound(ACTION_NOT_FOUND)
        try:
            version = _locked_version(session, actor, action.version_id)
        except NotFound:
            raise NotFound(ACTION_NOT_FOUND) from None
        assert version.id is not None
        errors: dict[str, str] = {}
        text = _check_comment(comment, action.status, errors)
        if errors:
            raise ValidationFailed(errors)
        if text == action.comment:
            return 0
        before = action.comment
        action.comment = text
        action.comment_edited_at = clock.now()
        session.add(action)
        latest = _latest_action(session, version.id)
        if latest is not None and latest.id == action.id:
            version.review_comments = text
            version.version += 1
            session.add(version)
            slot = _slot(session, version)
            if slot.last_submitted_version_id == version.id:
                slot.regulator_comments = text
                session.add(slot)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.SUBMITTAL_REVIEW_COMMENT_EDITED,
            subject_type="review_action",
            subject_id=action.id or 0,
            facility_id=version.facility_id,
            organization_id=version.organization_id,
            agency_id=version.agency_id,
            before={"comment": before},
            after={"comment": text, "version_id": version.id},
            client_ip=actor.client_ip,
        )
        facility = session.get(Facility, version.facility_id)
        assert facility is not None and facility.id is not None
        message = review_emails.comments_changed(
            facility=facility.name,
            cers_id=facility.cers_id,
            facility_id=facility.id,
            element=element_label(version.element),
            submitted_on=clock.format_local(version.submitted_at),
            status=action.status,
            comment=text,
            reviewer=actor.display_name,
            agency=_agency_name(session, version),
        )
        return _send(session, facility, version, message, "submittal_review_comment")


def _date(value: dt.date | None) -> str:
    return value.strftime("%b %d, %Y").replace(" 0", " ") if value else ""


def _history(session: Session, version: ElementVersion) -> list[HistoryRow]:
    submitter = session.get(User, version.submitted_by_user_id or 0)
    rows = [
        HistoryRow(
            kind="submitted",
            action_id=0,
            status=2,
            status_label=status_label(2),
            when=clock.format_local(version.submitted_at),
            who=f"{submitter.first_name} {submitter.last_name}".strip() if submitter else "",
            comment=version.submitted_comments,
            edited="",
            next_due_date="",
        )
    ]
    actions = session.exec(
        select(ReviewAction)
        .where(ReviewAction.version_id == version.id)
        .order_by(col(ReviewAction.acted_at), col(ReviewAction.id))
    )
    rows += [
        HistoryRow(
            kind="action",
            action_id=action.id or 0,
            status=action.status,
            status_label=status_label(action.status),
            when=clock.format_local(action.acted_at),
            who=action.reviewer_name,
            comment=action.comment,
            edited=clock.format_local(action.comment_edited_at),
            next_due_date=_date(action.next_due_date),
        )
        for action in actions
    ]
    return rows


def history(session: Session, actor: Actor, version_id: object) -> list[HistoryRow]:
    """The version's submittal and every review action on it, oldest first."""
    version = scope.load_version(session, actor, version_id, Right.VIEW)
    return _history(session, version)


def review_view(session: Session, actor: Actor, version_id: object) -> ReviewView:
    """Everything the review panel shows for one submitted version."""
    version = scope.load_version(session, actor, version_id, Right.VIEW)
    facility = session.get(Facility, version.facility_id)
    assert facility is not None and version.id is not None
    can_review = scope.reaches_version(session, actor, version, Right.REVIEW)
    slot = _slot(session, version)
    return ReviewView(
        version_id=version.id,
        facility_id=facility.id or 0,
        cers_id=facility.cers_id,
        facility_name=facility.name,
        element=version.element,
        element_label=element_label(version.element),
        status=version.status,
        status_label=status_label(version.status),
        can_review=can_review,
        next_due_date=slot.next_due_date.isoformat() if slot.next_due_date else "",
        history=_history(session, version),
    )
