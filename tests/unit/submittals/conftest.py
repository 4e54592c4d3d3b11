"""The Acme world with a facility in Yolo County, for the submittal service tests."""

from __future__ import annotations

import pytest

from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world


@pytest.fixture
def world(database) -> acme_world.World:
    """Acme with lena (Lead User), ed (Editor), val (Viewer) and connie (Approver); otto's
    business beside it."""
    return acme_world.build()


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


@pytest.fixture
def plant(world, county) -> int:
    """Acme's facility in Davis, created by lena (its Facility Information draft started)."""
    return yolo.add_facility(world.lena, world.acme)
