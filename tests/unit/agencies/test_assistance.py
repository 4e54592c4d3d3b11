"""Request Technical Assistance: validation per field, the agency's email and the receipt,
the throttle, and refusals that write nothing."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlmodel import select

from cers_app.agencies import assistance, demo_assistance
from cers_app.agencies import service as agencies
from cers_app.agencies.assistance import AssistanceInput
from cers_app.agencies.models import AssistanceRequest
from cers_app.core import clock, db
from cers_app.core.errors import Throttled, ValidationFailed
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo

IP = "198.51.100.9"
GOOD = AssistanceInput(
    agency=str(yolo.CUPA_CODE),
    name="  Pat   Visitor ",
    email="Pat@Example.com",
    phone="530 555 0199",
    business_name="Pat's Plating",
    cers_id="10123456",
    topic="inventory",
    subject="How do I report a mixture?",
    message="We store a 50/50 mixture.\nWhich CAS number goes in the inventory?",
)


@pytest.fixture
def world(database) -> yolo.County:
    found = yolo.build()
    cupa = replace(yolo.CUPA, email="hazmat@yolo.example.gov")
    db.run(agencies.load_agencies, actor_user_id=None, records=[cupa, yolo.PA, yolo.OTHER])
    return found


def _send(data: AssistanceInput = GOOD, actor=None, ip: str = IP) -> assistance.Sent:
    return db.run(assistance.send_request, actor, data, client_ip=ip)


def _requests() -> list[AssistanceRequest]:
    return db.run(lambda s: list(s.exec(select(AssistanceRequest).order_by(AssistanceRequest.id))))


def test_a_request_is_stored_the_agency_emailed_and_the_sender_given_a_receipt(world, frozen_clock):
    sent = _send()

    [stored] = _requests()
    assert sent.request_id == stored.id and sent.reference == f"TA-{stored.id:06d}"
    assert sent.agency_name == yolo.CUPA.name
    assert (stored.agency_id, stored.user_id, stored.status, stored.version) == (
        world.cupa,
        None,
        "new",
        1,
    )
    assert (stored.name, stored.email, stored.phone) == (
        "Pat Visitor",
        "Pat@example.com",
        "(530) 555-0199",
    )
    assert (stored.topic, stored.cers_id, stored.created_at) == (
        "Inventory",
        "10123456",
        frozen_clock,
    )
    [to_agency] = helpers.emails("assistance_request")
    assert to_agency.to_address == "hazmat@yolo.example.gov"
    support.assert_email_contains(
        to_agency, sent.reference, "How do I report a mixture?", "Which CAS number", "Pat Visitor"
    )
    assert f"/regulator/assistance?id={stored.id}" in to_agency.body_text
    [receipt] = helpers.emails("assistance_receipt")
    assert receipt.to_address == "Pat@example.com"
    support.assert_email_contains(receipt, sent.reference, yolo.CUPA.name)
    assert "CAS number" not in receipt.body_text  # the receipt repeats nothing typed
    [event] = helpers.audit_events("ASSISTANCE_REQUESTED")
    assert (event.subject_type, event.subject_id, event.client_ip) == (
        "assistance_request",
        str(stored.id),
        IP,
    )
    assert event.after["agency_id"] == world.cupa


def test_a_signed_in_sender_is_linked(world, lena):
    actor = helpers.sign_in(lena.username)

    _send(actor=actor)

    assert _requests()[0].user_id == lena.id


def test_an_agency_without_an_address_is_written_through_its_request_handlers(world):
    pam = yolo.regulator("pamadmin", "Pam", "Admin", world.pa, "admin")

    _send(replace(GOOD, agency=str(yolo.PA_CODE)))

    [to_agency] = helpers.emails("assistance_request")
    assert to_agency.to_address == pam.email


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("agency", "", "Choose the agency"),
        ("agency", "9999", "Choose the agency"),
        ("agency", "12x", "Choose the agency"),
        ("name", "  ", "Enter your name"),
        ("name", "x" * 81, "at most 80"),
        ("name", "Pat\x00", "not allowed"),
        ("email", "", "Enter an email address"),
        ("email", "pat@", "valid email"),
        ("phone", "12", "valid phone number"),
        ("business_name", "b" * 101, "at most 100"),
        ("cers_id", "1234567", "8 or 9 digits"),
        ("cers_id", "1234567890", "8 or 9 digits"),
        ("cers_id", "abcdefgh", "8 or 9 digits"),
        ("topic", "", "Choose a topic"),
        ("topic", "Inventory", "Choose a topic"),
        ("subject", "", "Enter a subject"),
        ("subject", "s" * 121, "at most 120"),
        ("message", " \n ", "Enter your message"),
        ("message", "m" * 4001, "at most 4000"),
        ("message", "bell\x07", "not allowed"),
    ],
)
def test_each_field_is_checked_and_nothing_is_written(world, field, value, words):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _send(replace(GOOD, **{field: value}))

    assert set(caught.value.fields) == {field}
    assert words in caught.value.fields[field]
    assert support.table_snapshot() == before


def test_optional_fields_may_be_empty(world):
    _send(replace(GOOD, phone="", business_name="", cers_id=""))

    assert (_requests()[0].phone, _requests()[0].cers_id) == ("", "")


@pytest.mark.parametrize(
    "form",
    [None, "text", [], {"agency": 1, "name": ["x"]}, {"message": {"a": "b"}}, {"x" * 50: "y"}],
)
def test_garbage_forms_are_refused_without_writing(world, form):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed):
        _send(AssistanceInput.from_form(form))

    assert support.table_snapshot() == before


def test_too_many_requests_from_one_client_are_refused_for_a_while(world, frozen_clock):
    for n in range(assistance.PER_CLIENT.max_hits):
        _send(replace(GOOD, email=f"sender{n}@example.com"))
    before = support.table_snapshot()

    with pytest.raises(Throttled, match=r"Too many assistance requests\. Try again in 60 minutes"):
        _send(replace(GOOD, email="another@example.com"))

    assert support.table_snapshot() == before
    _send(replace(GOOD, email="another@example.com"), ip="198.51.100.10")  # another client
    clock.advance(minutes=61)
    _send(replace(GOOD, email="later@example.com"))
    assert len(_requests()) == assistance.PER_CLIENT.max_hits + 2


def test_too_many_requests_from_one_email_address_are_refused(world, frozen_clock):
    for n in range(assistance.PER_EMAIL.max_hits):
        _send(ip=f"198.51.100.{n + 20}")

    with pytest.raises(Throttled, match="Try again in"):
        _send(replace(GOOD, email="PAT@example.com"), ip="198.51.100.99")

    assert len(_requests()) == assistance.PER_EMAIL.max_hits


def test_the_agency_name_of_a_link(world):
    assert db.run(assistance.agency_name, str(yolo.CUPA_CODE)) == yolo.CUPA.name
    for bad in ("", "9999", "x", None):
        with pytest.raises(Exception, match="not found"):
            db.run(assistance.agency_name, bad)


def test_the_demo_request_is_made_once(world):
    first = demo_assistance.ensure_request(yolo.CUPA_CODE)
    before = support.table_counts()

    assert demo_assistance.ensure_request(yolo.CUPA_CODE) == first
    assert support.table_counts() == before
    [stored] = _requests()
    assert (stored.agency_id, stored.email) == (world.cupa, demo_assistance.DEMO_SENDER)
