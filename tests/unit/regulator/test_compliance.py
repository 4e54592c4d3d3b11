"""Compliance overview: counts of applicable element slots in reach, and the lists behind them.

Acme's Davis works submitted its plan: Facility Information was accepted, the inventory not
accepted, the plans await review. Its Woodland plant submitted nothing and is overdue (its
inventory belongs to the Woodland PA). Otto's depot is Bay City's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.codes import ACCEPTED, NOT_ACCEPTED, REQUIRED
from cers_app.core.errors import NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities.models import ElementVersion
from cers_app.regulator import compliance
from tests import audit_hook
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3
TODAY = dt.date(2026, 11, 20)


def _status(facility_id: int, element: int, status: int) -> None:
    """The regulator's decision on the element's last submitted version."""
    version_id = yolo.elements(facility_id)[element].last_submitted_version_id

    def change(session):
        with db.transaction(session):
            version = session.exec(
                select(ElementVersion).where(ElementVersion.id == version_id)
            ).one()
            version.status = status
            session.add(version)

    with audit_hook.exempt("sets the version status by hand"):
        db.run(change)


@pytest.fixture
def sites(frozen_clock, small_world, county) -> dict[str, int]:
    """Davis submitted its plan (FI accepted, HMI not accepted, ERTP awaits review); Woodland's
    inventory is required and overdue; Otto's depot is Bay City's."""
    made = cast.sites(small_world)
    davis, woodland = made["davis"], made["woodland"]
    hmbp.prepare(small_world.lena, davis)
    hmbp.submitted(small_world.lena, davis)
    _status(davis, FI, ACCEPTED)
    _status(davis, HMI, NOT_ACCEPTED)
    yolo.set_by_regulator(woodland, HMI, REQUIRED)
    hmbp.set_due(woodland, TODAY - dt.timedelta(days=1))
    return made


def _overview(person: Person, **kwargs) -> compliance.ComplianceOverview:
    return db.run(compliance.compliance_overview, person.actor(), **kwargs)


def _list(person: Person, category: str, **kwargs) -> list[tuple[str, str]]:
    page = db.run(compliance.compliance_list, person.actor(), category, **kwargs)
    return [(row.name, row.element) for row in page.rows]


def test_the_cupa_counts_every_applicable_slot_in_its_jurisdiction(sites, vic):
    view = _overview(vic)

    assert view.today == TODAY.isoformat() and view.applicable == 5
    assert view.totals == {
        "overdue": 2,
        "not_accepted": 1,
        "never_submitted": 2,
        "awaiting_review": 1,
        "accepted": 1,
    }
    by_element = {e.element: (e.applicable, e.counts) for e in view.elements}
    assert by_element[FI] == (
        2,
        {
            "overdue": 1,
            "not_accepted": 0,
            "never_submitted": 1,
            "awaiting_review": 0,
            "accepted": 1,
        },
    )
    assert by_element[HMI][1]["not_accepted"] == 1 and by_element[HMI][1]["overdue"] == 1
    assert by_element[ERTP] == (
        1,
        {
            "overdue": 0,
            "not_accepted": 0,
            "never_submitted": 0,
            "awaiting_review": 1,
            "accepted": 0,
        },
    )
    assert sorted(by_element) == [FI, HMI, ERTP]  # nothing else is applicable
    assert [name for _, name in view.agencies] == [
        "Woodland Fire Department",
        "Yolo County Environmental Health",
    ]


def test_each_count_opens_the_slots_behind_it(sites, vic):
    woodland = "Acme Plating - Woodland"
    assert _list(vic, "overdue") == [
        (woodland, "Facility Information"),
        (woodland, "Hazardous Materials Inventory"),
    ]
    assert _list(vic, "not_accepted") == [
        ("Acme Plating - Davis Works", "Hazardous Materials Inventory")
    ]
    assert _list(vic, "never_submitted", element=HMI) == [
        (woodland, "Hazardous Materials Inventory")
    ]
    assert _list(vic, "awaiting_review") == [
        ("Acme Plating - Davis Works", "Emergency Response and Training Plans")
    ]
    page = db.run(compliance.compliance_list, vic.actor(), "overdue", page=2, page_size=1)
    [row] = page.rows
    assert (page.total, row.facility_id, row.next_due, row.status) == (
        2,
        sites["woodland"],
        (TODAY - dt.timedelta(days=1)).isoformat(),
        "Not submitted",
    )


def test_other_agencies_count_only_their_own(county, sites, vic, pam, rex):
    pa_view = _overview(pam)
    assert pa_view.applicable == 1
    assert pa_view.totals["overdue"] == 1 and pa_view.totals["never_submitted"] == 1
    assert _list(pam, "overdue") == [("Acme Plating - Woodland", "Hazardous Materials Inventory")]

    bay = _overview(rex)
    assert bay.applicable == 1 and bay.totals["never_submitted"] == 1
    assert bay.totals["overdue"] == 0
    assert _list(rex, "never_submitted") == [("Owens Oil Depot", "Facility Information")]

    # The CUPA can narrow the overview to its participating agency.
    narrowed = _overview(vic, agency_id=county.pa)
    assert narrowed.agency_id == county.pa and narrowed.applicable == 1
    assert _list(vic, "overdue", agency_id=county.pa) == [
        ("Acme Plating - Woodland", "Hazardous Materials Inventory")
    ]


def test_bad_filters_and_non_regulators_are_refused(small_world, county, sites, vic, pam):
    for agency_id in (county.other, 9999, "1"):
        with pytest.raises(NotFound):
            _overview(vic, agency_id=agency_id)
    with pytest.raises(NotFound):
        _overview(pam, agency_id=county.cupa)
    with pytest.raises(ValidationFailed):
        _list(vic, "everything")
    with pytest.raises(ValidationFailed):
        _list(vic, "overdue", element=11)
    with pytest.raises(PermissionDenied):
        _overview(small_world.lena)
