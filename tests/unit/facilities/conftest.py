"""The Acme world with its regulators, for the facility tests (each on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from cers_app.core.permissions import Portal
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person


@pytest.fixture
def world(database) -> acme_world.World:
    """Acme with lena (Lead User), ed (Editor), val (Viewer) and connie (Approver); otto's
    business beside it."""
    return acme_world.build()


@pytest.fixture
def small_world(database) -> acme_world.World:
    """Acme with only lena; otto's business beside it."""
    return acme_world.build(roles=())


@pytest.fixture
def county(database) -> yolo.County:
    return yolo.build()


@pytest.fixture
def rita(county) -> Person:
    """Agency Admin of the Yolo CUPA."""
    return yolo.regulator("ritaramos", "Rita", "Ramos", county.cupa, "admin")


@pytest.fixture
def hank(county) -> Person:
    """Request Handler of the Yolo CUPA."""
    return yolo.regulator("hankhill", "Hank", "Hill", county.cupa, "request_handler")


@pytest.fixture
def rob(county) -> Person:
    """Reviewer of the Yolo CUPA (does not decide requests)."""
    return yolo.regulator("robreyes", "Rob", "Reyes", county.cupa, "reviewer")


@pytest.fixture
def pam(county) -> Person:
    """Agency Admin of the Woodland PA."""
    return yolo.regulator("pamprice", "Pam", "Price", county.pa, "admin")


@pytest.fixture
def rex(county) -> Person:
    """Agency Admin of Bay City, another CUPA."""
    return yolo.regulator("rexroth", "Rex", "Roth", county.other, "admin")


@pytest.fixture
def sam(database) -> Person:
    """The system administrator, signed in through the Regulator Portal."""
    made = support.make_admin()
    person = Person(made.id, made.username, made.email, "Sam Admin")
    person.session_cookie = acme_world.sign_in(made.username, Portal.REGULATOR)
    return person


@pytest.fixture
def plant(small_world, county) -> int:
    """Acme's facility in Davis, created by lena."""
    return yolo.add_facility(small_world.lena, small_world.acme)
