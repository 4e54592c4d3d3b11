"""The Acme world with a facility and its inventory draft, for the concurrency tests."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.inventory import service
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world


@pytest.fixture
def world(database) -> acme_world.World:
    """Acme with lena (Lead User), ed (Editor), val (Viewer) and connie (Approver)."""
    return acme_world.build()


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


@pytest.fixture
def plant(world, county) -> int:
    """Acme's facility in Davis (its Facility Information draft started)."""
    return yolo.add_facility(world.lena, world.acme)


@pytest.fixture
def yard(plant, world) -> int:
    """Acme's facility with its Hazardous Materials Inventory draft started (no rows)."""
    db.run(service.start_draft, world.lena.actor(), plant)
    return plant
