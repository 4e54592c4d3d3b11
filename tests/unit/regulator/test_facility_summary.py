"""The regulator's facility summary and Reporting Requirements: what each regulator sees,
applicability (HMI and ERTP together, FI always), due dates and Change CUPA."""

from __future__ import annotations

import datetime as dt

import pytest

from cers_app.core import db
from cers_app.core.codes import ALWAYS_REQUIRED, NOT_REQUIRED, REQUIRED
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.regulator import facility_summary as summary
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast
from tests.unit.submittals import hmbp

FI, HMI, ERTP, UST = 1, 2, 3, 4
TODAY = dt.date(2026, 11, 20)  # the frozen clock's date in California


@pytest.fixture
def woodland(small_world, county) -> int:
    """Acme's facility in Woodland: its inventory goes to the Woodland PA."""
    return cast.woodland(small_world)


def _summary(person: Person, facility_id: int) -> summary.FacilitySummary:
    return db.run(summary.facility_summary, person.actor(), facility_id)


def _by_element(view: summary.FacilitySummary) -> dict[int, summary.ElementSummary]:
    return {row.element: row for row in view.elements}


def test_the_cupa_sees_every_element_its_requirement_agency_and_due_date(
    frozen_clock, small_world, county, plant, rob
):
    hmbp.set_due(plant, TODAY - dt.timedelta(days=1))
    yolo.set_by_regulator(plant, HMI, REQUIRED)

    view = _summary(rob, plant)

    assert (view.id, view.name, view.business) == (
        plant,
        "Acme Plating - Davis Works",
        acme_world.ACME,
    )
    assert view.organization_id == small_world.acme and view.cers_id == yolo.facility(plant).cers_id
    assert view.address == "1200 MAIN ST, Davis 95616" and view.today == TODAY.isoformat()
    rows = _by_element(view)
    assert sorted(rows) == list(range(1, 11))
    assert (rows[FI].requirement, rows[FI].always, rows[FI].applicable) == ("Always", True, True)
    assert rows[FI].requirement_source == "Every facility reports it"
    assert (rows[HMI].requirement, rows[HMI].requirement_source) == (
        "Applicable",
        "Set by the regulator",
    )
    assert rows[UST].requirement == "Not applicable" and not rows[UST].applicable
    assert {row.agency for row in rows.values()} == {"Yolo County Environmental Health"}
    # Past due: the applicable plan elements are overdue; ERTP is not applicable, so not.
    assert rows[FI].overdue and rows[HMI].overdue and not rows[ERTP].overdue
    assert rows[FI].next_due == (TODAY - dt.timedelta(days=1)).isoformat()
    assert all(row.can_manage and not row.can_change_agency for row in rows.values())
    assert rows[FI].last_submitted == "" and view.submittals == []


def test_it_shows_the_last_submittal_its_status_the_comments_and_the_submittals(
    frozen_clock, small_world, county, plant, rob
):
    hmbp.prepare(small_world.lena, plant)
    hmbp.submitted(small_world.lena, plant)
    hmbp.reviewed(plant, status=5, comments="Site map lacks the north arrow.")

    view = _summary(rob, plant)

    rows = _by_element(view)
    submitted = yolo.elements(plant)[HMI].last_submitted_version_id
    assert rows[HMI].last_submitted_version_id == submitted and submitted is not None
    assert rows[HMI].last_submitted == TODAY.isoformat()
    assert rows[HMI].last_submitted_status == "Not Accepted"
    assert rows[HMI].comments == "Site map lacks the north arrow."
    assert rows[HMI].last_accepted == "" and rows[HMI].last_accepted_version_id is None
    assert {line.version_id for line in view.submittals} == {
        yolo.elements(plant)[e].last_submitted_version_id for e in (FI, HMI, ERTP)
    }
    assert {line.status for line in view.submittals} == {"Not Accepted"}


def test_a_participating_agency_sees_only_its_element(county, plant, woodland, pam):
    view = _summary(pam, woodland)

    assert [row.element for row in view.elements] == [HMI]
    assert view.elements[0].agency == "Woodland Fire Department"
    assert view.elements[0].can_change_agency
    with pytest.raises(NotFound):
        _summary(pam, plant)


def test_other_agencies_and_bad_ids_find_nothing(county, plant, rex):
    for forged in (plant, plant + 1000, "1", None, True, -3):
        with pytest.raises(NotFound):
            db.run(summary.facility_summary, rex.actor(), forged)


def test_hmi_and_ertp_become_not_applicable_together_and_the_business_is_told(
    small_world, county, plant, rob
):
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite"))
    yolo.set_by_regulator(plant, HMI, REQUIRED)
    yolo.set_by_regulator(plant, ERTP, REQUIRED)

    assert db.run(summary.set_requirement, rob.actor(), plant, ERTP, False) is True

    slots = yolo.elements(plant)
    assert {(slots[e].requirement, slots[e].requirement_source) for e in (HMI, ERTP)} == {
        (NOT_REQUIRED, "regulator")
    }
    assert slots[FI].requirement == ALWAYS_REQUIRED
    [message] = helpers.emails("requirement_set")
    assert message.to_address == small_world.lena.email
    assert message.subject == "Reporting requirement changed to Not Applicable: " + (
        "Acme Plating - Davis Works"
    )
    support.assert_email_contains(
        message,
        "Yolo County Environmental Health set the following",
        "- Hazardous Materials Inventory",
        "- Emergency Response and Training Plans",
        "to Not Applicable",
    )
    [event] = support.audit_events("REPORTING_REQUIREMENT_SET")
    assert (event.actor_user_id, event.subject_id) == (rob.id, str(plant))
    # As CERS does, "hazardous materials on site" is answered No in the open draft.
    assert event.after == {
        "2": [NOT_REQUIRED, "regulator"],
        "3": [NOT_REQUIRED, "regulator"],
        "activities": {
            "answers_reset": ["HMOnSite"],
            "draft_id": yolo.fi_draft(plant).id,
            "requirements_followed": [],
        },
    }
    assert yolo.fi_draft(plant).data["business_activities"]["HMOnSite"] == "N"

    # The same choice again changes nothing and sends nothing.
    before = support.table_snapshot()
    assert db.run(summary.set_requirement, rob.actor(), plant, HMI, False) is False
    assert support.table_snapshot() == before


def test_making_an_element_applicable_sticks_against_business_activities(
    small_world, county, plant, rob
):
    assert db.run(summary.set_requirement, rob.actor(), plant, UST, True) is True
    yolo.save_answers(small_world.lena, plant, yolo.answers())  # "No" to everything

    assert yolo.elements(plant)[UST].requirement == REQUIRED
    [message] = helpers.emails("requirement_set")
    assert "changed to Applicable" in message.subject
    assert "- Underground Storage Tanks" in message.body_text


def test_facility_information_cannot_be_made_not_applicable(county, plant, rob):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as refused:
        db.run(summary.set_requirement, rob.actor(), plant, FI, False)
    assert "Facility Information is always required" in refused.value.message
    for bad_element, bad_value in ((0, False), (11, True), ("2", True), (HMI, "no")):
        with pytest.raises(ValidationFailed):
            db.run(summary.set_requirement, rob.actor(), plant, bad_element, bad_value)
    assert support.table_snapshot() == before


def test_a_viewer_is_refused_and_another_agency_finds_nothing(county, plant, vic, rex, pam):
    before = support.table_snapshot()
    with pytest.raises(PermissionDenied):
        db.run(summary.set_requirement, vic.actor(), plant, HMI, False)
    with pytest.raises(PermissionDenied):
        db.run(summary.set_due_date, vic.actor(), plant, HMI, dt.date(2027, 3, 1))
    for outsider in (rex, pam):
        with pytest.raises(NotFound):
            db.run(summary.set_requirement, outsider.actor(), plant, HMI, False)
        with pytest.raises(NotFound):
            db.run(summary.set_due_date, outsider.actor(), plant, UST, None)
    assert support.table_snapshot() == before


def test_a_participating_agency_cannot_split_the_inventory_from_the_plans(county, woodland, pam):
    with pytest.raises(PermissionDenied) as refused:
        db.run(summary.set_requirement, pam.actor(), woodland, HMI, True)
    assert "Emergency Response and Training Plans" in refused.value.message
    assert "another agency" in refused.value.message


def test_due_dates_of_the_plan_move_together_and_others_alone(frozen_clock, county, plant, rob):
    due = dt.date(2027, 3, 1)

    assert db.run(summary.set_due_date, rob.actor(), plant, HMI, due) is True
    slots = yolo.elements(plant)
    assert {slots[e].next_due_date for e in (FI, HMI, ERTP)} == {due}
    assert slots[UST].next_due_date is None
    [event] = support.audit_events("DUE_DATE_SET")
    assert event.before == {"1": None, "2": None, "3": None}
    assert event.after == {"1": "2027-03-01", "2": "2027-03-01", "3": "2027-03-01"}

    assert db.run(summary.set_due_date, rob.actor(), plant, UST, TODAY) is True
    assert db.run(summary.set_due_date, rob.actor(), plant, UST, None) is True
    assert yolo.elements(plant)[UST].next_due_date is None
    assert db.run(summary.set_due_date, rob.actor(), plant, UST, None) is False


def test_a_due_date_in_the_past_or_not_a_date_is_refused(frozen_clock, county, plant, rob):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as refused:
        db.run(summary.set_due_date, rob.actor(), plant, FI, TODAY - dt.timedelta(days=1))
    assert refused.value.fields == {"due": summary.IN_THE_PAST}
    for bad in ("2027-03-01", dt.datetime(2027, 3, 1, tzinfo=dt.UTC), 20270301):
        with pytest.raises(ValidationFailed):
            db.run(summary.set_due_date, rob.actor(), plant, FI, bad)
    assert support.table_snapshot() == before


def test_change_cupa_lists_the_agencies_whose_rules_cover_the_site_first(county, woodland, rita):
    choices = db.run(summary.agency_choices, rita.actor(), woodland, HMI)

    # The Woodland PA has the inventory now; the Yolo CUPA's rules cover the site too.
    assert [(c.name, c.potential) for c in choices] == [
        ("Yolo County Environmental Health", True),
        ("Bay City Environmental Health", False),
    ]
    ust = db.run(summary.agency_choices, rita.actor(), woodland, UST)
    # The Yolo CUPA has UST now; nobody else's rules cover the site for it.
    assert [(c.name, c.potential) for c in ust] == [
        ("Bay City Environmental Health", False),
        ("Woodland Fire Department", False),
    ]


def test_change_cupa_through_the_summary_hands_the_element_over(county, plant, rita, rob, rex, pam):
    with pytest.raises(PermissionDenied):
        db.run(summary.change_agency, rob.actor(), plant, UST, county.pa)
    with pytest.raises(NotFound):
        db.run(summary.change_agency, rex.actor(), plant, UST, county.other)
    with pytest.raises(NotFound):
        db.run(summary.agency_choices, rex.actor(), plant, UST)

    assert db.run(summary.change_agency, rita.actor(), plant, UST, county.pa) is True

    rows = _by_element(_summary(rita, plant))
    assert rows[UST].agency == "Woodland Fire Department"
    assert not rows[UST].can_change_agency and rows[HMI].can_change_agency
    [pa_row] = _summary(pam, plant).elements
    assert pa_row.element == UST and pa_row.can_change_agency
    [event] = support.audit_events("FACILITY_REGULATOR_CHANGED")
    assert event.actor_user_id == rita.id
