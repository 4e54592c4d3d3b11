"""Which agency regulates each element of a new facility: ZIP code rules, a city rule first."""

from __future__ import annotations

import pytest

from cers_app.agencies import service as agencies
from cers_app.agencies.jurisdiction import RuleRow, regulators_for, uncovered_message
from cers_app.core import db
from cers_app.core.codes import ELEMENTS
from cers_app.core.errors import ValidationFailed
from cers_app.facilities.models import Facility
from tests.unit import support
from tests.unit.facilities import county as yolo


def _agencies(facility_id: int) -> dict[int, int | None]:
    return {e: row.agency_id for e, row in yolo.elements(facility_id).items()}


def test_it_gives_every_element_to_the_cupa_of_the_zip_code(small_world, county):
    facility_id = yolo.add_facility(small_world.lena, small_world.acme, zip_code="95618")

    assert _agencies(facility_id) == dict.fromkeys(ELEMENTS, county.cupa)


def test_it_gives_the_inventory_to_the_participating_agency_in_its_city(small_world, county):
    facility_id = yolo.add_facility(
        small_world.lena, small_world.acme, city="Woodland", zip_code="95695"
    )

    assert _agencies(facility_id) == {e: county.pa if e == 2 else county.cupa for e in ELEMENTS}
    [draft] = yolo.versions(facility_id)
    assert draft.agency_id == county.cupa  # Facility Information stays with the CUPA


def test_it_matches_the_city_whatever_its_case_and_spacing(small_world, county):
    facility_id = yolo.add_facility(
        small_world.lena, small_world.acme, city="  WOODLAND ", zip_code="95695-0042"
    )

    assert _agencies(facility_id)[2] == county.pa


def test_it_keeps_the_inventory_with_the_cupa_elsewhere_in_the_same_zip_code(small_world, county):
    facility_id = yolo.add_facility(
        small_world.lena, small_world.acme, city="Yolo", zip_code="95695"
    )

    assert _agencies(facility_id) == dict.fromkeys(ELEMENTS, county.cupa)


def test_it_keeps_the_inventory_with_the_cupa_in_the_city_in_another_zip_code(small_world, county):
    facility_id = yolo.add_facility(
        small_world.lena, small_world.acme, city="Woodland", zip_code="95776"
    )

    assert _agencies(facility_id)[2] == county.cupa


@pytest.mark.parametrize("city_rule_first", [True, False])
def test_it_prefers_a_city_rule_to_a_zip_wide_rule_whatever_their_order(county, city_rule_first):
    city_rule = RuleRow(yolo.PA_CODE, 3, "95620", "dixon")
    zip_rule = RuleRow(yolo.CUPA_CODE, 3, "95620", "")
    for rule in [city_rule, zip_rule] if city_rule_first else [zip_rule, city_rule]:
        db.run(agencies.load_jurisdictions, actor_user_id=None, rules=[rule])

    assert db.run(regulators_for, "95620", " DIXON ").agencies == {3: county.pa}
    assert db.run(regulators_for, "95620-1234", "Elmira").agencies == {3: county.cupa}


def test_it_gives_an_element_without_a_rule_to_no_agency(small_world, county):
    db.run(
        agencies.load_jurisdictions,
        actor_user_id=None,
        rules=[RuleRow(yolo.CUPA_CODE, 1, "95620", "")],
    )

    facility_id = yolo.add_facility(
        small_world.lena, small_world.acme, city="Dixon", zip_code="95620"
    )

    assert _agencies(facility_id) == {e: county.cupa if e == 1 else None for e in ELEMENTS}


def test_it_counts_a_zip_code_as_uncovered_when_nobody_takes_facility_information(
    small_world, county
):
    db.run(
        agencies.load_jurisdictions,
        actor_user_id=None,
        rules=[RuleRow(yolo.CUPA_CODE, e, "95620", "") for e in ELEMENTS if e != 1],
    )

    assert not db.run(regulators_for, "95620", "Dixon").covered
    with pytest.raises(ValidationFailed) as caught:
        yolo.add_facility(small_world.lena, small_world.acme, city="Dixon", zip_code="95620")
    assert caught.value.fields == {"zip_code": uncovered_message("95620")}


def test_it_refuses_an_uncovered_zip_code_saying_where_to_look(small_world, county):
    with pytest.raises(ValidationFailed) as caught:
        yolo.add_facility(small_world.lena, small_world.acme, city="Fresno", zip_code="93721")

    assert caught.value.message == (
        "No regulator of this OpenCERS site covers ZIP code 93721. Check the ZIP code, or find "
        "the regulator for this address in the statewide directory at "
        "https://cersapps.calepa.ca.gov/Public/Directory/ and report through the portal it uses."
    )
    assert support.count(Facility) == 0


def test_it_gives_a_city_rule_only_to_its_own_city(small_world, county):
    # A city rule alone covers only that city: the rest of the ZIP code stays uncovered.
    db.run(
        agencies.load_jurisdictions,
        actor_user_id=None,
        rules=[RuleRow(yolo.CUPA_CODE, e, "95620", "dixon") for e in ELEMENTS],
    )

    assert db.run(regulators_for, "95620", "Dixon").covered
    assert not db.run(regulators_for, "95620", "Elmira").covered
