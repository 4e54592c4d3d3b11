"""Submitting: the submit right, FI with every submittal, Required findings block, the
certification, idempotency, immutability afterwards, emails and the receipt."""

from __future__ import annotations

import dataclasses
import threading

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.codes import DRAFT, SUBMITTED
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.mail import EmailMessage
from cers_app.facilities.models import ElementVersion
from cers_app.submittals import drafts, submit
from cers_app.submittals.changes import SIGNIFICANT
from cers_app.submittals.models import Submittal
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3


def _submittals() -> list[Submittal]:
    return db.run(lambda s: list(s.exec(select(Submittal).order_by(Submittal.id))))


def _emails(kind: str) -> list[EmailMessage]:
    return db.run(lambda s: list(s.exec(select(EmailMessage).where(EmailMessage.kind == kind))))


def test_fi_hmi_and_plans_are_submitted_together(plant, world, county):
    yolo.regulator("ritareyes", "Rita", "Reyes", county.cupa, "admin")
    hmbp.prepare(world.lena, plant)
    ids = {e: hmbp.draft_id(plant, e) for e in (FI, HMI, ERTP)}
    request = hmbp.request(plant, comments={ids[HMI]: "Added the diesel tank."})

    submittal_id = db.run(submit.submit, world.connie.actor(), plant, request)

    [submittal] = _submittals()
    assert submittal.id == submittal_id
    assert (submittal.certifier_name, submittal.certifier_title) == (
        "Connie Approver",
        "EHS Manager",
    )
    assert submittal.certification_statement == submit.STATEMENT
    slots = yolo.elements(plant)
    for element, version_id in ids.items():
        version = db.run(lambda s, v=version_id: s.get(ElementVersion, v))
        assert (version.status, version.submittal_id) == (SUBMITTED, submittal_id)
        assert version.change_level == SIGNIFICANT  # a first submittal
        assert version.agency_id == county.cupa
        assert slots[element].last_submitted_version_id == version_id
        assert slots[element].draft_version_id is None
    hmi = db.run(lambda s: s.get(ElementVersion, ids[HMI]))
    assert hmi.submitted_comments == "Added the diesel tank."
    [to_agency] = _emails("submittal")
    assert to_agency.to_address == "ritareyes@example.com"
    support.assert_email_contains(
        to_agency, "Facility Information", "Hazardous Materials Inventory", "Emergency Response"
    )
    [receipt_mail] = _emails("submittal_receipt")
    assert receipt_mail.to_address == world.connie.email
    [event] = support.audit_events("FACILITY_SUBMITTED")
    assert event.after["elements"] == [FI, HMI, ERTP]


def test_the_receipt_says_what_went_to_whom(plant, world):
    hmbp.prepare(world.lena, plant)
    submittal_id = hmbp.submitted(world.connie, plant, FI, HMI)

    receipt = db.run(submit.receipt, world.val.actor(), plant, submittal_id)

    assert [(line.element, line.regulator) for line in receipt.lines] == [
        ("Facility Information", "Yolo County Environmental Health"),
        ("Hazardous Materials Inventory", "Yolo County Environmental Health"),
    ]
    assert receipt.certifier == "Connie Approver, EHS Manager"
    with pytest.raises(NotFound):
        db.run(submit.receipt, world.otto.actor(), plant, submittal_id)
    with pytest.raises(NotFound):
        db.run(submit.receipt, world.val.actor(), plant, submittal_id + 1)


def test_facility_information_must_go_with_every_submittal(plant, world):
    hmbp.prepare(world.lena, plant)
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        db.run(submit.submit, world.connie.actor(), plant, hmbp.request(plant, HMI, ERTP))

    assert caught.value.message == submit.FI_MUST_GO
    assert support.table_snapshot() == before


def test_an_editor_cannot_submit(plant, world):
    hmbp.prepare(world.lena, plant)
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied):
        db.run(submit.submit, world.ed.actor(), plant, hmbp.request(plant))
    with pytest.raises(NotFound):
        db.run(submit.submit, world.otto.actor(), plant, hmbp.request(plant))

    assert support.table_snapshot() == before
    page = db.run(submit.submit_page, world.ed.actor(), plant)
    assert page.can_submit is False and len(page.elements) == 3


def test_required_findings_block_the_submit(plant, world):
    hmbp.prepare(world.lena, plant)
    stock.added(world.ed, plant, stock.MOTOR_OIL)  # lacks a fire code hazard class: Required
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        db.run(submit.submit, world.connie.actor(), plant, hmbp.request(plant))

    assert "Hazardous Materials Inventory: 1 Required finding" in caught.value.message
    assert support.table_snapshot() == before
    page = db.run(submit.submit_page, world.connie.actor(), plant)
    ready = {row.element: row.ready for row in page.elements}
    assert ready == {FI: True, HMI: False, ERTP: True}


def test_a_missing_document_and_unanswered_questions_block_the_submit(plant, world):
    yolo.save_answers(world.lena, plant, yolo.answers("HMOnSite"))
    db.run(drafts.start_element, world.ed.actor(), plant, ERTP, drafts.BLANK)
    yolo.save_answers(world.lena, plant, yolo.answers("HMOnSite", HWGenerator=""))

    page = db.run(submit.submit_page, world.connie.actor(), plant)

    blockers = {row.element: " ".join(row.blockers) for row in page.elements}
    assert "Business Activities: 1 question(s) not answered" in blockers[FI]
    assert "Owner/Operator Identification" in blockers[FI]
    assert "Emergency Response/Contingency Plan" in blockers[ERTP]
    assert "Employee Training Plan" in blockers[ERTP]
    with pytest.raises(ValidationFailed):
        db.run(submit.submit, world.connie.actor(), plant, hmbp.request(plant, FI, ERTP))
    assert _submittals() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"certifier_name": "  "}, "certifier_name"),
        ({"certifier_name": "x" * 101}, "certifier_name"),
        ({"certifier_title": ""}, "certifier_title"),
        ({"certified": False}, "certified"),
        ({"certified": "yes"}, "certified"),
    ],
)
def test_the_certification_is_required(plant, world, changes, field):
    hmbp.prepare(world.lena, plant)

    with pytest.raises(ValidationFailed) as caught:
        db.run(submit.submit, world.connie.actor(), plant, hmbp.request(plant, **changes))

    assert field in caught.value.fields
    assert _submittals() == []


def test_nothing_ticked_or_a_bad_key_is_refused(plant, world):
    hmbp.prepare(world.lena, plant)
    request = hmbp.request(plant)

    with pytest.raises(ValidationFailed) as caught:
        db.run(
            submit.submit,
            world.connie.actor(),
            plant,
            submit.SubmitRequest([], "Connie", "EHS", True, request.key),
        )
    assert caught.value.message == submit.NOTHING_TICKED
    with pytest.raises(ValidationFailed):
        db.run(submit.submit, world.connie.actor(), plant, hmbp.request(plant, key="short"))
    assert _submittals() == []


def test_the_same_form_sent_twice_makes_one_submittal(plant, world):
    hmbp.prepare(world.lena, plant)
    request = hmbp.request(plant)

    first = db.run(submit.submit, world.connie.actor(), plant, request)
    again = db.run(submit.submit, world.connie.actor(), plant, request)

    assert first == again
    assert len(_submittals()) == 1
    assert len(_emails("submittal_receipt")) == 1


def test_a_new_form_for_drafts_already_submitted_is_refused(plant, world):
    """Back to the old page and Submit again: its drafts are gone, nothing is submitted."""
    hmbp.prepare(world.lena, plant)
    stale = hmbp.request(plant)
    db.run(submit.submit, world.connie.actor(), plant, stale)
    before = support.table_snapshot()

    again = dataclasses.replace(stale, key=yolo.new_key())

    with pytest.raises(Conflict) as caught:
        db.run(submit.submit, world.lena.actor(), plant, again)

    assert "already submitted" in caught.value.message
    assert support.table_snapshot() == before


def test_a_version_of_another_facility_is_not_found(plant, world):
    hmbp.prepare(world.lena, plant)
    other = yolo.add_facility(world.lena, world.acme, name="Acme Two", street="9 Oak St")
    hmbp.prepare(world.lena, other)
    theirs = hmbp.request(other)

    with pytest.raises(NotFound):
        db.run(submit.submit, world.connie.actor(), plant, theirs)
    assert _submittals() == []


def test_submitted_versions_are_shown_and_a_new_draft_copies_them(plant, world):
    hmbp.prepare(world.lena, plant)
    hmbp.submitted(world.connie, plant)

    page = db.run(submit.submit_page, world.connie.actor(), plant)
    draft_id = db.run(drafts.start_element, world.ed.actor(), plant, HMI, "")

    assert page.elements == [] and page.fi_has_draft is False
    draft = db.run(lambda s: s.get(ElementVersion, draft_id))
    assert draft.status == DRAFT


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_submits_of_the_same_drafts_at_once_make_one_submittal(plant, world):
    hmbp.prepare(world.lena, plant)
    requests = [hmbp.request(plant), hmbp.request(plant)]
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def send(request, person) -> None:
        start.wait(timeout=30)
        try:
            outcomes.append(db.run(submit.submit, person.actor(), plant, request))
        except Conflict as exc:
            outcomes.append(exc)

    threads = [
        threading.Thread(target=send, args=(requests[0], world.connie)),
        threading.Thread(target=send, args=(requests[1], world.lena)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(_submittals()) == 1
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "int"]
