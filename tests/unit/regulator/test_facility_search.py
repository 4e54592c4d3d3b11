"""Regulator facility search: one text box, only the facilities in the actor's reach."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.codes import REQUIRED
from cers_app.core.errors import PermissionDenied, ValidationFailed
from cers_app.facilities.models import Facility
from cers_app.regulator import facility_search
from tests import audit_hook
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast

HMI = 2


@pytest.fixture
def sites(small_world, county) -> dict[str, int]:
    """Acme's Davis works and Woodland plant (Yolo), Otto's depot in San Francisco (Bay City)."""
    made = cast.sites(small_world, name="Acme Plating - Woodland 100% Plant")
    woodland = made["woodland"]

    def give_local_id(session):
        with db.transaction(session):
            row = session.get(Facility, woodland)
            row.local_facility_id = "FA0042X"
            session.add(row)

    with audit_hook.exempt("sets the local facility id by hand"):
        db.run(give_local_id)
    return made


def _search(person: Person, text: object, page: int = 1, size: int = 25):
    return db.run(facility_search.search_facilities, person.actor(), text, page, size)


def _names(person: Person, text: object) -> list[str]:
    return [row.name for row in _search(person, text).rows]


def test_the_text_matches_ids_names_addresses_and_the_business(sites, vic):
    davis_id = db.run(
        lambda s: s.exec(select(Facility.cers_id).where(Facility.id == sites["davis"])).one()
    )
    davis, woodland = "Acme Plating - Davis Works", "Acme Plating - Woodland 100% Plant"

    assert _names(vic, "") == [davis, woodland]
    assert _names(vic, str(davis_id)) == [davis]
    assert _names(vic, "fa0042") == [woodland]  # the CUPA's Facility ID, any case
    assert _names(vic, "DAVIS works") == [davis]
    assert _names(vic, "court st") == [woodland]
    assert _names(vic, "woodland") == [woodland]
    assert _names(vic, "95616") == [davis]
    assert _names(vic, "acme plating co") == [davis, woodland]  # the business's name
    assert _names(vic, "100%") == [woodland]  # a literal percent sign, not a wildcard
    assert _names(vic, "  acme   plating -  davis ") == [davis]
    assert _names(vic, "owens") == []  # Bay City's, not in reach


def test_a_row_carries_the_facility_business_and_its_element_statuses(small_world, sites, vic):
    yolo.set_by_regulator(sites["davis"], HMI, REQUIRED)

    [row] = _search(vic, "davis works").rows

    assert (row.facility_id, row.business, row.organization_id) == (
        sites["davis"],
        acme_world.ACME,
        small_world.acme,
    )
    assert row.address == "1200 MAIN ST, Davis 95616"
    assert row.elements == "FI Not submitted · HMI Not submitted"


def test_each_agency_finds_only_its_own_facilities(sites, pam, rex):
    assert _names(rex, "") == ["Owens Oil Depot"]
    assert _names(rex, "acme") == []
    # The participating agency regulates only the Woodland plant's inventory.
    [row] = _search(pam, "").rows
    assert row.facility_id == sites["woodland"]
    assert row.elements == ""  # its inventory is not applicable yet


def test_results_are_paged_by_name(sites, vic):
    first = _search(vic, "acme", page=1, size=1)
    second = _search(vic, "acme", page=2, size=1)

    assert (first.total, first.pages, second.total) == (2, 2, 2)
    assert [r.name for r in first.rows + second.rows] == [
        "Acme Plating - Davis Works",
        "Acme Plating - Woodland 100% Plant",
    ]
    beyond = _search(vic, "acme", page=5, size=1)
    assert beyond.rows == [] and beyond.total == 2  # past the end: still counted


def test_bad_text_is_refused_and_a_business_user_cannot_search(small_world, sites, vic):
    with pytest.raises(ValidationFailed) as refused:
        _search(vic, "x" * 101)
    assert "at most 100 characters" in refused.value.fields["query"]
    with pytest.raises(ValidationFailed):
        _search(vic, ["acme"])
    with pytest.raises(PermissionDenied):
        _search(small_world.lena, "")
    assert _names(vic, "9" * 40) == []  # digits too long for a CERS ID are just text
