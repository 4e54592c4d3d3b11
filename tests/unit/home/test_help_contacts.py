"""help_contacts: a business user sees the regulators of their own facilities with their contact
details, nobody else's; anyone without a business (or signed in as a regulator) sees none."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cers_app.agencies import service as agencies
from cers_app.core import db
from cers_app.core.codes import REQUIRED
from cers_app.home.help_contacts import help_contacts
from cers_app.organizations.roles import OrgRole
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world

HMI = 2
CUPA_PHONE, CUPA_EMAIL, CUPA_SITE = (
    "(530) 555-0100",
    "hazmat@yolo.example.gov",
    "https://yolo.example.gov",
)


@pytest.fixture
def world(database) -> acme_world.World:
    """Acme with lena (Lead User) and val (Viewer); otto's business beside it."""
    return acme_world.build(roles=(OrgRole.VIEWER,))


@pytest.fixture
def county(database) -> yolo.County:
    """The Yolo CUPA (with its contact details), the Woodland PA and Bay City's CUPA."""
    built = yolo.build()
    details = replace(yolo.CUPA, phone=CUPA_PHONE, email=CUPA_EMAIL, website=CUPA_SITE)
    db.run(agencies.load_agencies, actor_user_id=None, records=[details])
    return built


@pytest.fixture
def sites(world, county) -> dict[str, int]:
    """Acme's Davis plant (all Yolo CUPA), its Woodland yard (inventory with the Woodland PA)
    and otto's San Francisco depot (Bay City)."""
    davis = yolo.add_facility(world.lena, world.acme)
    woodland = yolo.add_facility(
        world.lena,
        world.acme,
        name="Acme Plating - Woodland Yard",
        street="500 Court St",
        city="Woodland",
        zip_code="95695",
    )
    yolo.set_by_regulator(woodland, HMI, REQUIRED)
    depot = yolo.add_facility(
        world.otto,
        world.ottos,
        name="Owens Oil - Depot",
        street="10 Market St",
        city="San Francisco",
        zip_code="94102",
        county="38",
    )
    return {"davis": davis, "woodland": woodland, "depot": depot}


def _by_facility(person) -> dict[int, list[tuple[str, tuple[int, ...]]]]:
    found = db.run(help_contacts, person.actor())
    return {f.facility_id: [(a.name, a.elements) for a in f.agencies] for f in found.facilities}


def test_a_member_sees_the_agencies_of_their_facilities_with_contacts(world, county, sites):
    found = db.run(help_contacts, world.lena.actor())

    assert [f.facility_id for f in found.facilities] == [sites["davis"], sites["woodland"]]
    assert found.more is False
    davis, woodland = found.facilities
    assert (davis.business, davis.city) == (acme_world.ACME, "Davis")
    [cupa] = davis.agencies
    assert (cupa.name, cupa.kind) == (
        "Yolo County Environmental Health",
        "Certified Unified Program Agency (CUPA)",
    )
    assert (cupa.phone, cupa.email, cupa.website) == (CUPA_PHONE, CUPA_EMAIL, CUPA_SITE)
    assert 1 in cupa.elements
    # The Woodland yard's inventory goes to the city's fire department, the rest to the CUPA.
    assert [(a.name, a.kind) for a in woodland.agencies] == [
        ("Yolo County Environmental Health", "Certified Unified Program Agency (CUPA)"),
        ("Woodland Fire Department", "Participating Agency (PA)"),
    ]
    assert woodland.agencies[1].elements == (HMI,)
    assert HMI not in woodland.agencies[0].elements


def test_nobody_sees_another_business_regulators(world, county, sites):
    lena_sees = _by_facility(world.lena)
    otto_sees = _by_facility(world.otto)

    assert sites["depot"] not in lena_sees
    assert all(
        name != "Bay City Environmental Health" for rows in lena_sees.values() for name, _ in rows
    )
    assert list(otto_sees) == [sites["depot"]]
    assert [name for name, _ in otto_sees[sites["depot"]]] == ["Bay City Environmental Health"]


def test_a_viewer_sees_them_too(world, county, sites):
    assert set(_by_facility(world.val)) == {sites["davis"], sites["woodland"]}


def test_an_actor_of_no_business_gets_an_empty_list(world, county, sites):
    loner = acme_world.person("lonelou", "Lou", "Loner")

    found = db.run(help_contacts, loner.actor())

    assert (found.facilities, found.more) == ((), False)


def test_a_removed_person_sees_nothing_more(world, county, sites):
    from cers_app.organizations import service as org_service

    member = acme_world.member_id(world.acme, world.val)
    db.run(org_service.remove_person, world.lena.actor(), world.acme, member)

    assert _by_facility(world.val) == {}


def test_regulator_staff_and_anonymous_visitors_get_nothing(world, county, sites):
    rita = yolo.regulator("ritaramos", "Rita", "Ramos", county.cupa, "admin")

    assert db.run(help_contacts, rita.actor()).facilities == ()
    assert db.run(help_contacts, None).facilities == ()
