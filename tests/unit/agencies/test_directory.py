"""The public Local regulators directory: by ZIP code, city, street address and county."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cers_app.agencies import directory
from cers_app.agencies import service as agencies
from cers_app.core import db
from cers_app.core.errors import ValidationFailed
from tests.unit import support
from tests.unit.facilities import county as yolo


@pytest.fixture
def world(database) -> yolo.County:
    """The Yolo CUPA (with contact details, one public and one private contact), its
    Woodland PA (the inventory in Woodland, ZIP 95695) and Bay City."""
    found = yolo.build()
    cupa = replace(
        yolo.CUPA,
        phone="(530) 555-0100",
        email="hazmat@yolo.example.gov",
        website="https://yolo.example.gov",
        address="625 Court Street, Woodland, CA 95695",
    )
    db.run(agencies.load_agencies, actor_user_id=None, records=[cupa, yolo.PA, yolo.OTHER])
    db.run(
        agencies.add_agency_contact,
        actor_user_id=None,
        agency_id=found.cupa,
        name="Hazel Moreno",
        title="Specialist",
        email="hazel@yolo.example.gov",
    )
    db.run(
        agencies.add_agency_contact,
        actor_user_id=None,
        agency_id=found.cupa,
        name="Private Person",
        email="private@yolo.example.gov",
        public=False,
    )
    return found


def _search(by: str, text: str) -> directory.DirectoryResult:
    return db.run(directory.search, by, text)


def _by_element(place: directory.Place) -> dict[int, int]:
    return {row.element: row.agency_code for row in place.elements}


def test_a_zip_code_lists_the_agency_of_every_element_and_its_public_contacts(world):
    result = _search("zip", "95616")

    [place] = result.places
    assert place.covered and place.zip_code == "95616"
    assert [row.element for row in place.elements] == list(range(1, 11))
    assert place.elements[0].element_name == "Facility Information"
    assert set(_by_element(place).values()) == {yolo.CUPA_CODE}
    [agency] = result.agencies
    assert (agency.code, agency.kind, agency.county) == (yolo.CUPA_CODE, "CUPA", "Yolo")
    assert (agency.phone, agency.email, agency.website) == (
        "(530) 555-0100",
        "hazmat@yolo.example.gov",
        "https://yolo.example.gov",
    )
    assert [c.name for c in agency.contacts] == ["Hazel Moreno"]  # the private one is left out
    assert "private@" not in repr(result)


def test_a_street_address_takes_its_city_so_the_pa_holds_the_inventory(world):
    result = _search("address", "1200 Main St, Woodland, CA 95695-1234")

    [place] = result.places
    assert (place.zip_code, place.city) == ("95695", "Woodland")
    by_element = _by_element(place)
    assert by_element[2] == yolo.PA_CODE
    assert by_element[1] == by_element[3] == yolo.CUPA_CODE
    assert [a.code for a in result.agencies] == [yolo.CUPA_CODE, yolo.PA_CODE]
    assert result.agencies[1].kind == "PA"


def test_the_same_zip_without_the_city_is_the_cupa_alone(world):
    place = _search("zip", "95695").places[0]

    assert set(_by_element(place).values()) == {yolo.CUPA_CODE}


def test_a_city_search_finds_its_zip_codes(world):
    result = _search("city", "  woodland ")

    assert [p.zip_code for p in result.places] == ["95695"]
    assert _by_element(result.places[0])[2] == yolo.PA_CODE


def test_an_unknown_city_says_what_to_do(world):
    result = _search("city", "Atlantis")

    assert result.places == () and result.agencies == ()
    assert "Search by ZIP code" in result.message


def test_a_county_search_lists_the_agencies_serving_it(world):
    for text in ("Yolo", "57", "yolo county"):
        result = _search("county", text)
        assert [a.code for a in result.agencies] == [yolo.CUPA_CODE, yolo.PA_CODE], text
    assert "Yolo County" in result.heading


def test_an_uncovered_zip_says_no_agency_covers_it(world):
    result = _search("zip", "99999")

    [place] = result.places
    assert not place.covered
    assert result.agencies == ()
    assert "No regulator of this OpenCERS site covers ZIP code 99999" in result.message
    assert {row.agency_code for row in place.elements} == {0}


@pytest.mark.parametrize(
    ("by", "text", "field", "words"),
    [
        ("zip", "9561", "query", "5 digits"),
        ("zip", "abcde", "query", "5 digits"),
        ("zip", "", "query", "Enter what to search for"),
        ("address", "1200 Main St, Davis", "query", "Add the ZIP code"),
        ("county", "Narnia", "query", "California county"),
        ("county", "59", "query", "California county"),
        ("city", "95616", "query", "name of a city"),
        ("city", "x" * 201, "query", "at most 200"),
        ("planet", "Mars", "by", "Choose what to search by"),
    ],
)
def test_malformed_input_is_refused_with_a_clear_message(world, by, text, field, words):
    with pytest.raises(ValidationFailed) as caught:
        _search(by, text)

    assert words in caught.value.fields[field]


@pytest.mark.parametrize("garbage", [None, 12, ["95616"], {"zip": "95616"}])
def test_wrong_types_are_refused(world, garbage):
    before = support.table_counts()
    with pytest.raises(ValidationFailed):
        _search("zip", garbage)
    with pytest.raises(ValidationFailed):
        _search(garbage, "95616")
    assert support.table_counts() == before


def test_the_agency_for_a_zip_is_the_one_taking_facility_information(world):
    assert db.run(directory.agency_for_zip, "95695") == (yolo.CUPA_CODE, yolo.CUPA.name)
    with pytest.raises(ValidationFailed, match="99999"):
        db.run(directory.agency_for_zip, "99999")
