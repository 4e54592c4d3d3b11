"""The Submit page's data, the submit itself and its receipt.

Submitting needs the submit right (Approver or Lead User). Facility Information goes with
every submittal; an element with Required findings cannot go; the submitter certifies with
name, title and the statement, which are stored. The submit is idempotent: the page's key
makes a double click or a resend return the first result, and the drafts, locked while they
are submitted, can only be submitted once whatever the key. The versions become immutable,
each element's regulator is emailed and the submitter gets a receipt.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from cers_app.accounts.models import User
from cers_app.agencies.models import Agency
from cers_app.agencies.service import notification_addresses
from cers_app.core import audit, clock, db, idempotency
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, FACILITY_INFORMATION, SUBMITTED, element_label
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.mail import queue_email
from cers_app.core.permissions import Actor
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.facilities.service import access_facility, is_id
from cers_app.inventory import copying, findings
from cers_app.organizations.models import Organization
from cers_app.organizations.roles import OrgAction, allows
from cers_app.submittals import annual, change_items, change_view, emails, readiness
from cers_app.submittals.changes import LEVEL_LABELS
from cers_app.submittals.models import Submittal

HMI = 2
ACTION = "submit"
NAME_MAX, TITLE_MAX, COMMENT_MAX = 100, 100, 1000
STATEMENT = (
    "I certify under penalty of law that I have personally examined and am familiar with the "
    "information submitted, and that, based on my inquiry of those responsible for obtaining "
    "it, I believe the information is true, accurate and complete. I am aware that there are "
    "significant penalties for submitting false information."
)
FI_MUST_GO = (
    "Facility Information goes with every submittal: tick Facility Information too (start "
    "its draft from the last submittal if it has none)."
)
NOTHING_TICKED = "Tick at least one element to submit."
GONE = (
    "{label} was already submitted or its draft was discarded meanwhile: nothing was "
    "submitted. Reload the page to see where things stand."
)
NO_SUBMITTAL = "That submittal was not found for this facility."


@dataclass(frozen=True)
class ReadyElement:
    """An element with a draft, as the Submit page lists it."""

    element: int
    label: str
    version_id: int
    regulator: str
    blockers: tuple[str, ...]
    change_level: str

    @property
    def ready(self) -> bool:
        return not self.blockers


@dataclass(frozen=True)
class SubmitPage:
    facility_id: int
    cers_id: int
    facility_name: str
    can_submit: bool
    elements: list[ReadyElement]
    fi_has_draft: bool
    certifier_name: str
    annual_default: bool = False
    due_date: str = ""
    statement: str = STATEMENT


@dataclass(frozen=True)
class SubmitRequest:
    version_ids: list[int]
    certifier_name: str
    certifier_title: str
    certified: bool
    key: str
    comments: dict[int, str] = field(default_factory=dict)  # version id -> comment
    annual: bool = False  # "This is my annual certification": moves the HMBP due date


@dataclass(frozen=True)
class ReceiptLine:
    element: str
    regulator: str
    comments: str


@dataclass(frozen=True)
class Receipt:
    submittal_id: int
    facility_id: int
    cers_id: int
    facility_name: str
    submitted_at: str
    submitted_by: str
    certifier: str
    statement: str
    lines: list[ReceiptLine]


def _regulators(session: Session, slots: list[FacilityElement]) -> dict[int, str]:
    ids = {slot.agency_id for slot in slots if slot.agency_id}
    return {
        agency.id or 0: agency.name
        for agency in session.exec(select(Agency).where(col(Agency.id).in_(ids or {0})))
    }


def _slots(session: Session, facility_id: int, lock: bool = False) -> list[FacilityElement]:
    query = (
        select(FacilityElement)
        .where(FacilityElement.facility_id == facility_id)
        .order_by(FacilityElement.element)  # type: ignore[arg-type]
    )
    if lock:
        db.write_lock(session)
    return list(session.exec(query.with_for_update() if lock else query))


def _fresh_findings(session: Session, version: ElementVersion) -> None:
    """An inventory draft validated by an older rule catalogue is validated again first."""
    if version.element == HMI and not findings.findings_are_current(version):
        settings, local = copying.version_settings(session, version)
        findings.recompute_version(session, version.id or 0, settings, local)
        session.flush()


def submit_page(session: Session, actor: Actor, facility_id: object) -> SubmitPage:
    """Every element with a draft, whether it is ready and how much it changed."""
    with transaction(session):
        facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
        assert facility.id is not None
        slots = _slots(session, facility.id)
        regulators = _regulators(session, slots)
        change_items.refresh(session, facility.id)
        due = annual.hmbp_due_date(session, facility.id)
        ready: list[ReadyElement] = []
        for slot in slots:
            draft = session.get(ElementVersion, slot.draft_version_id or 0)
            if draft is None or draft.status != DRAFT:
                continue
            _fresh_findings(session, draft)
            previous = change_view.previous_of(session, draft)
            level = change_view.compare_versions(session, draft, previous).level
            ready.append(
                ReadyElement(
                    element=slot.element,
                    label=element_label(slot.element),
                    version_id=draft.id or 0,
                    regulator=regulators.get(slot.agency_id or 0, "Not assigned"),
                    blockers=tuple(b.message for b in readiness.blockers(session, draft)),
                    change_level=LEVEL_LABELS[level],
                )
            )
        return SubmitPage(
            facility_id=facility.id,
            cers_id=facility.cers_id,
            facility_name=facility.name,
            can_submit=allows(member.role, OrgAction.SUBMIT),
            elements=ready,
            fi_has_draft=any(e.element == FACILITY_INFORMATION for e in ready),
            certifier_name=actor.display_name,
            annual_default=annual.annual_by_default(session, facility.id),
            due_date=due.strftime("%b %d, %Y").replace(" 0", " ") if due else "",
        )


def _check_request(request: SubmitRequest) -> tuple[str, str, dict[int, str]]:
    errors: dict[str, str] = {}
    name = " ".join(str(request.certifier_name or "").split())
    title = " ".join(str(request.certifier_title or "").split())
    if not name:
        errors["certifier_name"] = "Enter your name as the person certifying."
    elif len(name) > NAME_MAX:
        errors["certifier_name"] = f"At most {NAME_MAX} characters."
    if not title:
        errors["certifier_title"] = "Enter your title (for example Owner or EHS Manager)."
    elif len(title) > TITLE_MAX:
        errors["certifier_title"] = f"At most {TITLE_MAX} characters."
    if request.certified is not True:
        errors["certified"] = "Tick the box to certify the statement."
    comments = {}
    for version_id, text in request.comments.items():
        cleaned = str(text or "").strip()
        if len(cleaned) > COMMENT_MAX:
            errors[f"comment_{version_id}"] = f"At most {COMMENT_MAX} characters."
        comments[version_id] = cleaned
    if errors:
        raise ValidationFailed(
            fields=errors, message="Check the certification: " + " ".join(errors.values())
        )
    return name, title, comments


def _ticked(
    session: Session, slots: list[FacilityElement], version_ids: list[int]
) -> list[tuple[FacilityElement, ElementVersion]]:
    """The ticked drafts with their element rows; each must still be the element's draft."""
    if not version_ids:
        raise ValidationFailed(message=NOTHING_TICKED)
    by_draft = {slot.draft_version_id: slot for slot in slots if slot.draft_version_id}
    chosen = []
    for version_id in dict.fromkeys(version_ids):
        version = session.get(ElementVersion, version_id) if is_id(version_id) else None
        slot = by_draft.get(version_id)
        if version is None or version.facility_id != (slots[0].facility_id if slots else None):
            raise NotFound("One of the ticked elements was not found. Reload the page.")
        if slot is None or version.status != DRAFT:
            raise Conflict(GONE.format(label=element_label(version.element)))
        chosen.append((slot, version))
    if FACILITY_INFORMATION not in {slot.element for slot, _ in chosen}:
        raise ValidationFailed(message=FI_MUST_GO)
    return chosen


def _blocked(session: Session, chosen: list[tuple[FacilityElement, ElementVersion]]) -> None:
    problems = []
    for _, version in chosen:
        _fresh_findings(session, version)
        for blocker in readiness.blockers(session, version):
            problems.append(f"{element_label(version.element)}: {blocker.message}")
    if problems:
        raise ValidationFailed(
            message="These elements have Required findings and cannot be submitted yet. "
            + " ".join(problems)
        )


def _notify(
    session: Session,
    actor: Actor,
    facility: Facility,
    submittal: Submittal,
    chosen: list[tuple[FacilityElement, ElementVersion]],
    regulators: dict[int, str],
) -> None:
    organization = session.get(Organization, facility.organization_id)
    business = organization.name if organization else ""
    when = clock.format_local(submittal.submitted_at)
    by_agency: dict[int | None, list[str]] = defaultdict(list)
    for slot, version in chosen:
        by_agency[slot.agency_id].append(element_label(version.element))
    for agency_id, labels in by_agency.items():
        if agency_id is None:
            continue
        message = emails.submittal_received(
            facility.name, facility.cers_id, business, actor.display_name, when, labels
        )
        for address in notification_addresses(session, agency_id):
            queue_email(session, to=address, message=message, kind="submittal", user_id=None)
    user = session.get(User, actor.user_id)
    lines = [
        f"- {label} to {regulators.get(agency_id or 0, 'no regulator assigned yet')}"
        for agency_id, labels in by_agency.items()
        for label in labels
    ]
    if user is not None and user.email:
        queue_email(
            session,
            to=user.email,
            message=emails.submittal_sent(
                user.first_name, facility.name, facility.cers_id, when, lines
            ),
            kind="submittal_receipt",
            user_id=user.id,
        )


def submit(session: Session, actor: Actor, facility_id: object, request: SubmitRequest) -> int:
    """Submit the ticked drafts together; returns the submittal's id (the first one's when
    the same form is sent again)."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.SUBMIT)
        key = idempotency.check_key(request.key)
        # Lock first: the same form sent twice at once then finds the first one's key.
        _slots(session, facility.id or 0, lock=True)
        done = idempotency.recall(session, actor.user_id, key, ACTION)
        if done is not None:
            return done
        submittal_id = submit_in(session, actor, facility, request)
        idempotency.remember(session, actor.user_id, key, ACTION, submittal_id)
        return submittal_id


def submit_in(session: Session, actor: Actor, facility: Facility, request: SubmitRequest) -> int:
    """`submit` inside the caller's transaction, for a facility already checked and a key
    the caller keeps."""
    assert facility.id is not None
    name, title, comments = _check_request(request)
    slots = _slots(session, facility.id, lock=True)
    chosen = _ticked(session, slots, request.version_ids)
    _blocked(session, chosen)
    now = clock.now()
    kind = annual.ANNUAL if request.annual else annual.CHANGE
    submittal = Submittal(
        facility_id=facility.id,
        organization_id=facility.organization_id,
        submitted_at=now,
        submitted_by_user_id=actor.user_id,
        submitter_email=actor.email,
        certifier_name=name,
        certifier_title=title,
        certification_statement=STATEMENT,
        kind=kind,
    )
    session.add(submittal)
    session.flush()
    for slot, version in chosen:
        previous = change_view.previous_of(session, version)
        version.change_level = change_view.compare_versions(session, version, previous).level
        version.previous_version_id = previous.id if previous else None
        version.status = SUBMITTED
        version.agency_id = slot.agency_id
        version.submitted_at = now
        version.submitted_by_user_id = actor.user_id
        version.submitted_comments = comments.get(version.id or 0, "")
        version.submittal_id = submittal.id
        version.updated_at = now
        version.version += 1
        slot.last_submitted_version_id = version.id
        slot.draft_version_id = None
        session.add(version)
        session.add(slot)
    session.flush()
    elements = {version.element for _, version in chosen}
    annual.after_submit(session, facility, kind, elements)
    change_items.resolve(session, facility.id, elements)
    regulators = _regulators(session, slots)
    audit.record(
        session,
        actor_user_id=actor.user_id,
        event=AuditEventType.FACILITY_SUBMITTED,
        subject_type="facility_submittal",
        subject_id=submittal.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        after={
            "facility_id": facility.id,
            "elements": [version.element for _, version in chosen],
            "version_ids": [version.id for _, version in chosen],
            "certifier": name,
            "kind": kind,
        },
        client_ip=actor.client_ip,
    )
    _notify(session, actor, facility, submittal, chosen, regulators)
    return submittal.id or 0


def receipt(session: Session, actor: Actor, facility_id: object, submittal_id: object) -> Receipt:
    """What one submittal sent to whom, for the page shown after submitting."""
    facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
    submittal = session.get(Submittal, submittal_id) if is_id(submittal_id) else None
    if submittal is None or submittal.facility_id != facility.id:
        raise NotFound(NO_SUBMITTAL)
    versions = list(
        session.exec(
            select(ElementVersion)
            .where(ElementVersion.submittal_id == submittal.id)
            .order_by(ElementVersion.element)  # type: ignore[arg-type]
        )
    )
    agency_ids = {v.agency_id for v in versions if v.agency_id}
    agencies = {
        a.id: a.name
        for a in session.exec(select(Agency).where(col(Agency.id).in_(agency_ids or {0})))
    }
    user = session.get(User, submittal.submitted_by_user_id)
    return Receipt(
        submittal_id=submittal.id or 0,
        facility_id=facility.id or 0,
        cers_id=facility.cers_id,
        facility_name=facility.name,
        submitted_at=clock.format_local(submittal.submitted_at),
        submitted_by=f"{user.first_name} {user.last_name}".strip() if user else "",
        certifier=f"{submittal.certifier_name}, {submittal.certifier_title}",
        statement=submittal.certification_statement,
        lines=[
            ReceiptLine(
                element_label(v.element),
                agencies.get(v.agency_id, "No regulator assigned yet")
                if v.agency_id
                else "No regulator assigned yet",
                v.submitted_comments,
            )
            for v in versions
        ],
    )
