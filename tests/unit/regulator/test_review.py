"""The regulator's review: statuses, comments, action dates, what acceptance and Not
Applicable change, due dates, emails, comment edits, history, and who may do it."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlmodel import select

from cers_app.core import clock, db
from cers_app.core.codes import (
    ACCEPTED,
    NOT_ACCEPTED,
    NOT_APPLICABLE,
    NOT_REQUIRED,
    REQUIRED,
    SUBMITTED,
    UNDER_REVIEW,
)
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import EmailMessage
from cers_app.facilities.addresses import name_key
from cers_app.facilities.models import ElementVersion
from cers_app.regulator import review as service
from cers_app.regulator.models import ReviewAction
from cers_app.submittals import drafts
from cers_app.submittals.models import Submittal
from tests import audit_hook
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.regulator.cast import ERTP, FI, HMI, submitted_plan
from tests.unit.regulator.conftest import Review
from tests.unit.submittals import hmbp


@pytest.fixture(autouse=True)
def _an_hour_after_the_submittal(review):
    """The clock stopped an hour after the plan was submitted: actions are dated in between
    and each later one is given a later time (clock.advance)."""
    clock.set_now(_version(review.versions[FI]).submitted_at + dt.timedelta(hours=1))
    yield
    clock.set_now(None)


def _version(version_id: int) -> ElementVersion:
    return db.run(lambda s: s.get(ElementVersion, version_id))


def _actions(version_id: int) -> list[ReviewAction]:
    return db.run(
        lambda s: list(
            s.exec(
                select(ReviewAction)
                .where(ReviewAction.version_id == version_id)
                .order_by(ReviewAction.id)
            )
        )
    )


def _emails(kind: str) -> list[EmailMessage]:
    return db.run(
        lambda s: list(
            s.exec(select(EmailMessage).where(EmailMessage.kind == kind).order_by(EmailMessage.id))
        )
    )


def _set(review_world: Review, element: int, status: int, comment: str = "", **kw):
    return db.run(
        service.set_status,
        review_world.rob.actor(),
        review_world.versions[element],
        status,
        comment,
        **kw,
    )


def _error(exc: pytest.ExceptionInfo) -> dict[str, str]:
    return exc.value.fields


@pytest.mark.parametrize("status", [UNDER_REVIEW, ACCEPTED, NOT_ACCEPTED, NOT_APPLICABLE])
def test_each_status_is_recorded_on_the_version_and_as_an_action(review, status):
    outcome = _set(review, HMI, status, "  Checked the site map.  ")

    version = _version(review.versions[HMI])
    assert version.status == status
    assert version.reviewed_by_user_id == review.rob.id
    assert version.review_comments == "Checked the site map."
    [action] = _actions(version.id)
    assert (action.status, action.comment, action.reviewer_name) == (
        status,
        "Checked the site map.",
        "Rob Reyes",
    )
    assert action.reviewer_email == review.rob.email and action.element == HMI
    assert outcome.action_id == action.id and outcome.status == status
    assert yolo.elements(review.plant)[HMI].regulator_comments == "Checked the site map."
    [event] = support.audit_events("SUBMITTAL_REVIEWED")
    assert event.actor_user_id == review.rob.id and event.subject_id == str(version.id)
    assert (event.before["status"], event.after["status"]) == (SUBMITTED, status)


@pytest.mark.parametrize("status", [True, "4", 4.0, 1, 2, 7, None, [4]])
def test_only_the_four_review_statuses_are_taken_as_whole_numbers(review, status):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as exc:
        _set(review, HMI, status, "x")
    assert "status" in _error(exc)
    assert support.table_snapshot() == before


def test_facility_information_cannot_be_not_applicable(review):
    with pytest.raises(ValidationFailed) as exc:
        _set(review, FI, NOT_APPLICABLE, "No.")
    assert "always required" in _error(exc)["status"]


def test_not_accepted_needs_a_comment_and_comments_are_at_most_1500(review):
    with pytest.raises(ValidationFailed) as exc:
        _set(review, HMI, NOT_ACCEPTED, "   ")
    assert "needs a comment" in _error(exc)["comment"]
    with pytest.raises(ValidationFailed) as exc:
        _set(review, HMI, ACCEPTED, "x" * 1501)
    assert "at most 1,500" in _error(exc)["comment"]
    with pytest.raises(ValidationFailed):
        _set(review, HMI, ACCEPTED, 42)

    _set(review, HMI, NOT_ACCEPTED, " " + "y" * 1500 + "\n")

    assert _version(review.versions[HMI]).review_comments == "y" * 1500
    _set(review, ERTP, ACCEPTED, "")  # a comment is optional otherwise
    assert _version(review.versions[ERTP]).status == ACCEPTED


def test_a_later_action_needs_a_later_time(review):
    first = clock.now() - dt.timedelta(minutes=30)
    _set(review, HMI, UNDER_REVIEW, "Looking.", acted_at=first)

    for when in (first, first - dt.timedelta(seconds=1)):
        with pytest.raises(ValidationFailed) as exc:
            _set(review, HMI, ACCEPTED, "", acted_at=when)
        message = _error(exc)["acted_at"]
        assert "A later action needs a later time" in message
        assert clock.format_local(first) in message

    _set(review, HMI, ACCEPTED, "", acted_at=first + dt.timedelta(seconds=1))
    assert [a.status for a in _actions(review.versions[HMI])] == [UNDER_REVIEW, ACCEPTED]


def test_the_action_date_is_neither_future_nor_before_the_submittal_nor_naive(review):
    submitted_at = _version(review.versions[HMI]).submitted_at
    cases = {
        clock.now() + dt.timedelta(hours=1): "future",
        submitted_at - dt.timedelta(days=1): "before the submittal",
        dt.datetime(2026, 1, 5, 10, 0): "date and time",
        "2026-01-05": "date and time",
    }
    for when, words in cases.items():
        with pytest.raises(ValidationFailed) as exc:
            _set(review, HMI, ACCEPTED, "", acted_at=when)
        assert words in _error(exc)["acted_at"]
    assert _actions(review.versions[HMI]) == []


def _resubmit_hmi(review_world: Review) -> int:
    """A second HMI version, copied from the first and submitted with Facility Information."""
    world, plant = review_world.world, review_world.plant
    hmbp.answer_facility_information(world.lena, plant)
    db.run(drafts.start_element, world.lena.actor(), plant, HMI, "")
    second = hmbp.draft_id(plant, HMI)
    hmbp.submitted(world.connie, plant, FI, HMI)
    return second


def test_acceptance_moves_the_accepted_pointer_only_forward(review):
    first = review.versions[HMI]
    _set(review, HMI, ACCEPTED, "Fine.")
    assert yolo.elements(review.plant)[HMI].last_accepted_version_id == first

    clock.advance(minutes=1)
    second = _resubmit_hmi(review)
    clock.advance(minutes=1)
    db.run(service.set_status, review.rob.actor(), second, ACCEPTED, "")
    assert yolo.elements(review.plant)[HMI].last_accepted_version_id == second

    # The older one accepted again (after a deferral) does not take the pointer back.
    clock.advance(minutes=1)
    db.run(service.set_status, review.rob.actor(), first, UNDER_REVIEW, "Again.")
    clock.advance(minutes=1)
    db.run(service.set_status, review.rob.actor(), first, ACCEPTED, "")
    assert yolo.elements(review.plant)[HMI].last_accepted_version_id == second
    # The newest one no longer accepted hands the pointer back to the older accepted one.
    clock.advance(minutes=1)
    db.run(service.set_status, review.rob.actor(), second, NOT_ACCEPTED, "Missing tank.")
    slot = yolo.elements(review.plant)[HMI]
    assert slot.last_accepted_version_id == first
    assert slot.regulator_comments == "Missing tank."


def _edit_fi_draft_site(plant: int, **site: str) -> int:
    """Change the site fields of the Facility Information draft (as a business would)."""
    draft_id = hmbp.draft_id(plant, FI)

    def change(session):
        with db.transaction(session):
            draft = session.get(ElementVersion, draft_id)
            data = dict(draft.data)
            data["business_activities"] = {**data["business_activities"], **site}
            draft.data = data
            session.add(draft)

    with audit_hook.exempt("edits the draft's site by hand"):
        db.run(change)
    return draft_id


def test_accepting_facility_information_updates_the_facility_and_submitting_does_not(review):
    world, plant = review.world, review.plant
    before = yolo.facility(plant)
    hmbp.answer_facility_information(world.lena, plant)
    fi = _edit_fi_draft_site(
        plant,
        name="Acme Plating  - Davis Annex",
        street="1300 north main street",
        epa_id="cal000123456",
    )
    hmbp.submitted(world.connie, plant, FI)
    after_submit = yolo.facility(plant)
    assert (after_submit.name, after_submit.street) == (before.name, before.street)

    outcome = db.run(service.set_status, review.rob.actor(), fi, ACCEPTED, "")

    facility = yolo.facility(plant)
    assert outcome.facility_updated
    assert facility.name == "Acme Plating - Davis Annex"
    assert facility.street == "1300 N MAIN ST"
    assert facility.epa_id == "CAL000123456"
    assert facility.name_key == name_key("Acme Plating - Davis Annex")
    assert facility.address_key == "1300 N MAIN ST|95616"
    [event] = support.audit_events("SUBMITTAL_REVIEWED")
    assert event.after["facility"]["name"] == [before.name, "Acme Plating - Davis Annex"]


def test_not_accepted_facility_information_leaves_the_facility_alone(review):
    world, plant = review.world, review.plant
    hmbp.answer_facility_information(world.lena, plant)
    fi = _edit_fi_draft_site(plant, name="Renamed Works")
    hmbp.submitted(world.connie, plant, FI)

    db.run(service.set_status, review.rob.actor(), fi, NOT_ACCEPTED, "Name is wrong.")

    assert yolo.facility(plant).name == "Acme Plating - Davis Works"


@pytest.mark.parametrize("element", [HMI, ERTP])
def test_not_applicable_answers_hazardous_materials_no_in_the_draft(review, element):
    world, plant = review.world, review.plant
    submitted_fi = _version(review.versions[FI])
    hmbp.answer_facility_information(world.lena, plant)  # a new FI draft: HMOnSite = Y
    draft_id = hmbp.draft_id(plant, FI)
    draft_version = _version(draft_id).version

    _set(review, element, NOT_APPLICABLE, "No materials above the thresholds.")

    draft = _version(draft_id)
    assert draft.data["business_activities"]["HMOnSite"] == "N"
    assert draft.version == draft_version + 1  # an open form must reload before saving
    assert _version(submitted_fi.id).data == submitted_fi.data  # submitted data never changes
    slots = yolo.elements(plant)
    assert (slots[element].requirement, slots[element].requirement_source) == (
        NOT_REQUIRED,
        "regulator",
    )
    other = ERTP if element == HMI else HMI
    assert slots[other].requirement == NOT_REQUIRED
    [event] = support.audit_events("SUBMITTAL_REVIEWED")
    assert event.after["not_applicable"]["answers_reset"] == ["HMOnSite"]


def test_not_applicable_without_a_draft_still_changes_the_requirements(review):
    assert yolo.elements(review.plant)[ERTP].requirement == REQUIRED

    _set(review, HMI, NOT_APPLICABLE, "")

    slots = yolo.elements(review.plant)
    assert slots[FI].draft_version_id is None
    assert slots[HMI].requirement == NOT_REQUIRED and slots[ERTP].requirement == NOT_REQUIRED


def test_the_next_due_date_is_set_and_checked(review):
    today = clock.today()
    _set(review, HMI, ACCEPTED, "", next_due_date=today + dt.timedelta(days=365))
    assert yolo.elements(review.plant)[HMI].next_due_date == today + dt.timedelta(days=365)
    assert _actions(review.versions[HMI])[0].next_due_date == today + dt.timedelta(days=365)

    for bad, words in (
        (today - dt.timedelta(days=2), "past"),
        (dt.datetime.now(dt.UTC), "as a date"),
        ("2030-01-01", "as a date"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            _set(review, ERTP, ACCEPTED, "", next_due_date=bad)
        assert words in _error(exc)["next_due_date"]


def test_the_lead_users_and_the_submitter_are_emailed_once_each(review):
    outcome = _set(review, HMI, NOT_ACCEPTED, "Add the location of the diesel tank.")

    mails = _emails("submittal_review")
    assert sorted(m.to_address for m in mails) == sorted(
        [review.world.lena.email, review.world.connie.email]
    )
    assert outcome.emailed == 2
    facility = yolo.facility(review.plant)
    for mail in mails:
        support.assert_email_contains(
            mail,
            facility.name,
            str(facility.cers_id),
            "Hazardous Materials Inventory",
            "Not Accepted",
            "Add the location of the diesel tank.",
            "Rob Reyes",
            f"/facilities/view?id={review.plant}",
        )


def test_a_lead_user_who_submitted_gets_one_email(review):
    def submitter_is_lena(session):
        with db.transaction(session):
            for submittal in session.exec(select(Submittal)):
                submittal.submitter_email = review.world.lena.email.upper()
                session.add(submittal)

    with audit_hook.exempt("changes the submitter by hand"):
        db.run(submitter_is_lena)

    _set(review, ERTP, ACCEPTED, "")

    [mail] = _emails("submittal_review")
    assert mail.to_address == review.world.lena.email


def test_edit_comment_changes_the_latest_comment_and_tells_the_business(review):
    early = clock.now() - dt.timedelta(minutes=5)
    first = _set(review, HMI, UNDER_REVIEW, "Starting.", acted_at=early)
    latest = _set(review, HMI, NOT_ACCEPTED, "Site map missing.")

    sent = db.run(
        service.edit_comment, review.rob.actor(), latest.action_id, " Site map is blank. "
    )

    assert sent == 2
    [_, action] = _actions(review.versions[HMI])
    assert action.comment == "Site map is blank." and action.comment_edited_at is not None
    assert _version(review.versions[HMI]).review_comments == "Site map is blank."
    assert yolo.elements(review.plant)[HMI].regulator_comments == "Site map is blank."
    mails = _emails("submittal_review_comment")
    assert len(mails) == 2
    support.assert_email_contains(mails[0], "Site map is blank.", "changed the comments")
    [event] = support.audit_events("SUBMITTAL_REVIEW_COMMENT_EDITED")
    assert event.before == {"comment": "Site map missing."}

    # An earlier action's comment changes only that action.
    db.run(service.edit_comment, review.rob.actor(), first.action_id, "Started.")
    assert _version(review.versions[HMI]).review_comments == "Site map is blank."
    with pytest.raises(ValidationFailed) as exc:
        db.run(service.edit_comment, review.rob.actor(), latest.action_id, "")
    assert "needs a comment" in _error(exc)["comment"]
    with pytest.raises(PermissionDenied):
        db.run(service.edit_comment, review.vic.actor(), latest.action_id, "Mine.")
    for who in (review.rex, review.world.lena):
        with pytest.raises(NotFound):
            db.run(service.edit_comment, who.actor(), latest.action_id, "Mine.")
    with pytest.raises(NotFound):
        db.run(service.edit_comment, review.rob.actor(), "nope", "Mine.")


def test_a_viewer_is_refused_and_nothing_changes(review):
    before = support.table_snapshot()
    with pytest.raises(PermissionDenied) as exc:
        db.run(service.set_status, review.vic.actor(), review.versions[HMI], ACCEPTED, "")
    assert "Reviewer or Agency Admin" in exc.value.message
    assert support.table_snapshot() == before


def test_other_agencies_businesses_and_drafts_are_not_found(review):
    before = support.table_snapshot()
    for who in (review.rex, review.world.lena, review.world.otto):
        with pytest.raises(NotFound):
            db.run(service.set_status, who.actor(), review.versions[HMI], ACCEPTED, "")
    hmbp.answer_facility_information(review.world.lena, review.plant)
    draft = hmbp.draft_id(review.plant, FI)
    for version_id in (draft, "abc", True, None, -1, 10**9):
        with pytest.raises(NotFound):
            db.run(service.set_status, review.rob.actor(), version_id, ACCEPTED, "")
    assert support.count(ReviewAction) == 0
    assert (
        before["audit_event"]
        == support.table_snapshot()["audit_event"][: len(before["audit_event"])]
    )


def test_a_participating_agency_reviews_only_its_own_element(review):
    world = review.world
    woodland = yolo.add_facility(
        world.lena, world.acme, name="Acme Woodland", city="Woodland", zip_code="95695"
    )
    ids = submitted_plan(world, woodland)

    db.run(service.set_status, review.pam.actor(), ids[HMI], ACCEPTED, "PA accepts.")
    with pytest.raises(NotFound):
        db.run(service.set_status, review.pam.actor(), ids[ERTP], ACCEPTED, "")
    # The CUPA's reviewer reaches the PA's element too.
    db.run(service.set_status, review.rob.actor(), ids[ERTP], UNDER_REVIEW, "")
    assert _version(ids[HMI]).status == ACCEPTED and _version(ids[ERTP]).status == UNDER_REVIEW


def test_history_lists_the_submittal_and_every_action_oldest_first(review):
    version_id = review.versions[HMI]
    _set(review, HMI, UNDER_REVIEW, "Looking.", acted_at=clock.now() - dt.timedelta(minutes=1))
    _set(review, HMI, ACCEPTED, "Good.", next_due_date=clock.today() + dt.timedelta(days=30))

    rows = db.run(service.history, review.vic.actor(), version_id)

    assert [(r.kind, r.status_label, r.comment) for r in rows] == [
        ("submitted", "Submitted", ""),
        ("action", "Under Review", "Looking."),
        ("action", "Accepted", "Good."),
    ]
    assert rows[0].who == "Connie Chen" and rows[1].who == "Rob Reyes"
    assert rows[2].next_due_date and rows[2].when
    view = db.run(service.review_view, review.vic.actor(), version_id)
    assert view.status == ACCEPTED and view.can_review is False
    assert db.run(service.review_view, review.rob.actor(), version_id).can_review is True
    with pytest.raises(NotFound):
        db.run(service.history, review.rex.actor(), version_id)


def test_two_reviewers_acting_at_once_do_not_interleave(review, rita):
    when = clock.now() - dt.timedelta(minutes=10)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def act(person, status) -> None:
        start.wait(timeout=30)
        try:
            outcomes.append(
                db.run(
                    service.set_status,
                    person.actor(),
                    review.versions[HMI],
                    status,
                    "At once.",
                    acted_at=when,
                )
            )
        except ValidationFailed as exc:
            outcomes.append(exc)

    threads = [
        threading.Thread(target=act, args=(review.rob, ACCEPTED)),
        threading.Thread(target=act, args=(rita, NOT_ACCEPTED)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(type(o).__name__ for o in outcomes) == ["ReviewOutcome", "ValidationFailed"]
    [refused] = [o for o in outcomes if isinstance(o, ValidationFailed)]
    assert "A later action needs a later time" in refused.fields["acted_at"]
    [action] = _actions(review.versions[HMI])
    assert _version(review.versions[HMI]).status == action.status
