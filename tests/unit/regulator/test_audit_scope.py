"""Every feature files its audit events under the facility, business and agency they belong
to (`audit_event.facility_id`, `organization_id`, `agency_id`), which the audit-trail pages
read."""

from __future__ import annotations

import datetime as dt

from cers_app.agencies import assistance
from cers_app.agencies.assistance import AssistanceInput
from cers_app.core import clock, db
from cers_app.core.codes import ACCEPTED
from cers_app.facilities import requests
from cers_app.facilities.models import ElementVersion
from cers_app.organizations import service as organizations
from cers_app.regulator import review as review_service
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.regulator.cast import HMI
from tests.unit.regulator.conftest import Review


def _scope(event: str) -> set[tuple[int | None, int | None, int | None]]:
    return {(e.facility_id, e.organization_id, e.agency_id) for e in support.audit_events(event)}


def test_business_side_events_name_their_facility_and_business(review: Review):
    plant, acme = review.plant, review.world.acme

    assert _scope("ORGANIZATION_CREATED") >= {(None, acme, None)}
    assert _scope("ORG_MEMBER_ADDED") == {(None, acme, None)}
    for event in (
        "FACILITY_CREATED",
        "ELEMENT_DRAFT_STARTED",
        "INVENTORY_ITEM_ADDED",
        "DOCUMENT_SOURCE_SAVED",
        "FACILITY_SUBMITTED",
    ):
        assert _scope(event) == {(plant, acme, None)}, event


def test_regulator_events_name_their_agency_and_a_review_all_three(review: Review):
    county = review.county
    submitted = db.run(lambda s: s.get(ElementVersion, review.versions[HMI]))
    clock.set_now(submitted.submitted_at + dt.timedelta(hours=1))

    db.run(review_service.set_status, review.rob.actor(), review.versions[HMI], ACCEPTED, "")

    assert _scope("SUBMITTAL_REVIEWED") == {(review.plant, review.world.acme, county.cupa)}
    assert {a for _, _, a in _scope("AGENCY_CREATED")} == {county.cupa, county.pa, county.other}
    assert {a for _, _, a in _scope("JURISDICTION_LOADED")} == {
        county.cupa,
        county.pa,
        county.other,
    }
    assert county.cupa in {a for _, _, a in _scope("AGENCY_MEMBER_ADDED")}


def test_an_invitation_names_its_business(review: Review):
    lena, acme = review.world.lena, review.world.acme

    db.run(
        organizations.add_person,
        lena.actor(),
        acme,
        "newhire@example.com",
        "New Hire",
        "",
        "",
        "viewer",
    )

    assert _scope("ORG_INVITATION_SENT") == {(None, acme, None)}


def test_a_facility_request_names_its_facility_business_and_deciding_agency(review: Review):
    otto = review.world.otto

    db.run(requests.request_access, otto.actor(), review.plant, "viewer", "Please")

    [(facility_id, organization_id, agency_id)] = _scope("FACILITY_REQUESTED")
    assert (facility_id, organization_id) == (review.plant, review.world.acme)
    assert agency_id in {None, review.county.cupa}


def test_an_assistance_request_names_its_agency(review: Review):
    data = AssistanceInput(
        agency=str(yolo.CUPA_CODE),
        name="Pat Visitor",
        email="pat@example.com",
        phone="530 555 0199",
        business_name="Pat's Plating",
        cers_id="",
        topic="inventory",
        subject="A mixture",
        message="Which CAS number goes in the inventory?",
    )

    db.run(assistance.send_request, None, data, client_ip="198.51.100.9")

    assert _scope("ASSISTANCE_REQUESTED") == {(None, None, review.county.cupa)}
