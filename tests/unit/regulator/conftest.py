"""The Acme world, the Yolo agencies and their staff (tests/unit/regulator/cast.py) as
fixtures for the regulator service tests, each on SQLite and PostgreSQL; and a submitted
business plan for the review and queue tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World
from tests.unit.regulator import cast


@pytest.fixture
def world(database) -> World:
    """Acme with lena (Lead User), ed (Editor), val (Viewer) and connie (Approver); otto's
    business beside it."""
    return acme_world.build()


@pytest.fixture
def small_world(database) -> World:
    """Acme with only lena (Lead User); otto's business beside it (otto its Lead User)."""
    return acme_world.build(roles=())


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


rita, hank, rob, vic, pam, rex = cast.staff_fixtures("rita", "hank", "rob", "vic", "pam", "rex")


@pytest.fixture
def plant(small_world, county) -> int:
    """Acme's facility in Davis (every element the Yolo CUPA's), created by lena."""
    return yolo.add_facility(small_world.lena, small_world.acme)


@dataclass(frozen=True)
class Review:
    """Acme's Davis facility with its HMBP (FI, HMI, ERTP) submitted by connie, and staff:
    rob reviews and vic views for the Yolo CUPA, pam is Agency Admin of the Woodland PA, rex
    of Bay City (another CUPA)."""

    world: World
    county: yolo.County
    plant: int
    versions: dict[int, int]  # element -> submitted version id
    rob: Person
    vic: Person
    pam: Person
    rex: Person


@pytest.fixture
def review(world, county) -> Review:
    plant = yolo.add_facility(world.lena, world.acme)
    versions = cast.submitted_plan(world, plant)
    return Review(
        world=world,
        county=county,
        plant=plant,
        versions=versions,
        rob=cast.regulator(county, "rob"),
        vic=cast.regulator(county, "vic"),
        pam=cast.regulator(county, "pam"),
        rex=cast.regulator(county, "rex"),
    )
