"""A Business Activities save that makes required elements not required tells the regulator
(CERS event 15): one email to the agency's notification addresses listing the elements (the
inventory and the plans together), and an audit event; nothing when nothing was dropped."""

from __future__ import annotations

from sqlmodel import select

from cers_app.core import db
from cers_app.core.codes import NOT_REQUIRED, REQUIRED
from cers_app.core.mail import EmailMessage
from tests.unit import support
from tests.unit.facilities import county as yolo

KIND = "facility_elements_not_applicable"


def _emails(kind: str = KIND) -> list[EmailMessage]:
    return db.run(lambda s: list(s.exec(select(EmailMessage).where(EmailMessage.kind == kind))))


def test_the_regulator_is_told_which_elements_are_no_longer_required(
    plant, small_world, rita, hank, rob
):
    yolo.save_answers(
        small_world.lena, plant, yolo.answers("HMOnSite", "OwnOrOperateAPST", "Recycle")
    )
    assert _emails() == []

    _, errors = yolo.save_answers(small_world.lena, plant, yolo.answers("Recycle"))

    assert errors == {}
    slots = yolo.elements(plant)
    assert [slots[e].requirement for e in (2, 3, 9)] == [NOT_REQUIRED] * 3
    assert slots[6].requirement == REQUIRED
    mails = _emails()
    # the CUPA's staff who handle requests (no public address): admin and request handler
    assert sorted(m.to_address for m in mails) == sorted([rita.email, hank.email])
    facility = yolo.facility(plant)
    for mail in mails:
        support.assert_email_contains(
            mail,
            facility.name,
            str(facility.cers_id),
            "Hazardous Materials Inventory",
            "Emergency Response and Training Plans",
            "Aboveground Petroleum",
            small_world.lena.name,
        )
        assert "Recyclable Materials" not in mail.body_text
    [event] = support.audit_events("ELEMENTS_MADE_NOT_APPLICABLE_BY_BUSINESS")
    assert event.subject_id == str(plant)
    assert event.after == {"cers_id": facility.cers_id, "elements": [2, 3, 9]}
    assert event.actor_user_id == small_world.lena.id


def test_nothing_is_sent_when_no_element_stops_being_required(plant, small_world, rita):
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite"))
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite", "Recycle"))
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite", "Recycle"))

    assert _emails() == []
    assert support.audit_events("ELEMENTS_MADE_NOT_APPLICABLE_BY_BUSINESS") == []


def test_an_element_the_regulator_decided_is_not_reported(plant, small_world, rita):
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite", "OwnOrOperateAPST"))
    yolo.set_by_regulator(plant, 9, REQUIRED)

    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite"))

    assert yolo.elements(plant)[9].requirement == REQUIRED
    assert _emails() == []


def test_answering_no_to_everything_sends_only_the_no_regulated_activities_email(
    plant, small_world, rita
):
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite"))

    yolo.save_answers(small_world.lena, plant, yolo.answers())

    assert _emails() == []
    assert [m.to_address for m in _emails("facility_no_regulated_activities")] == [rita.email]
