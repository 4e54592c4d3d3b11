"""The people and places of the regulator tests, shared by the service tests (through
tests/unit/regulator/conftest.py), the account administration tests and the state tests.

Staff of the agencies in tests/unit/facilities/county.py: `rita` Agency Admin, `hank` Request
Handler, `rob` Reviewer and `vic` Viewer of the Yolo CUPA; `pam` Agency Admin of the Woodland PA
(which takes the inventory in Woodland only); `rex` Agency Admin of Bay City, another CUPA.
"""

from __future__ import annotations

from typing import Any

import pytest

from cers_app.core.permissions import Portal
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World
from tests.unit.submittals import hmbp

FI, HMI, ERTP = 1, 2, 3

# name -> (username, first name, last name, agency field of yolo.County, role)
STAFF = {
    "rita": ("ritaramos", "Rita", "Ramos", "cupa", "admin"),
    "hank": ("hankhill", "Hank", "Hill", "cupa", "request_handler"),
    "rob": ("robreyes", "Rob", "Reyes", "cupa", "reviewer"),
    "vic": ("vicvance", "Vic", "Vance", "cupa", "viewer"),
    "pam": ("pamprice", "Pam", "Price", "pa", "admin"),
    "rex": ("rexroth", "Rex", "Roth", "other", "admin"),
}

AGENCY_NAMES = {"cupa": "Yolo CUPA", "pa": "Woodland PA", "other": "Bay City CUPA"}

# Acme's plant in Woodland (its inventory goes to the Woodland PA) and Otto's depot in San
# Francisco (Bay City's), as overrides of yolo.site().
WOODLAND = {
    "name": "Acme Plating - Woodland",
    "street": "55 Court St",
    "city": "Woodland",
    "zip_code": "95695",
}
DEPOT = {
    "name": "Owens Oil Depot",
    "street": "9 Market St",
    "city": "San Francisco",
    "zip_code": "94102",
    "county": "38",
}


def regulator(county: yolo.County, name: str, role: str | None = None) -> Person:
    """The named member of STAFF, signed in to the Regulator Portal (`role` replaces theirs)."""
    username, first, last, agency, usual_role = STAFF[name]
    return yolo.regulator(username, first, last, getattr(county, agency), role or usual_role)


def staff_fixtures(*names: str) -> tuple[Any, ...]:
    """Fixtures named after members of STAFF, each needing the `county` fixture; assign them in a
    conftest or test module: `rita, hank = cast.staff_fixtures("rita", "hank")`."""

    def fixture(name: str):
        def member(county: yolo.County) -> Person:
            return regulator(county, name)

        _, first, last, agency, role = STAFF[name]
        member.__doc__ = f"{first} {last}, {role} of the {AGENCY_NAMES[agency]}."
        return pytest.fixture(member, name=name)

    return tuple(fixture(name) for name in names)


def system_admin() -> Person:
    """sam, the system administrator, signed in through the Regulator Portal."""
    made = support.make_admin()
    person = Person(made.id, made.username, made.email, "Sam Admin")
    person.session_cookie = acme_world.sign_in(made.username, Portal.REGULATOR)
    return person


def woodland(world: World, **overrides: str) -> int:
    """Acme's plant in Woodland, created by lena."""
    return yolo.add_facility(world.lena, world.acme, **{**WOODLAND, **overrides})


def depot(world: World) -> int:
    """Otto's depot in San Francisco, created by otto."""
    return yolo.add_facility(world.otto, world.ottos, **DEPOT)


def sites(world: World, **woodland_overrides: str) -> dict[str, int]:
    """Acme's Davis works and Woodland plant (Yolo), Otto's depot (Bay City), made in that order."""
    davis = yolo.add_facility(world.lena, world.acme)
    return {
        "davis": davis,
        "woodland": woodland(world, **woodland_overrides),
        "depot": depot(world),
    }


def davis(*, team: bool = False) -> tuple[World, yolo.County, int]:
    """Acme (only lena, or its whole team with `team`), the county and Acme's Davis facility:
    for the state tests, which build their world inside the test."""
    world = acme_world.build() if team else acme_world.build(roles=())
    county = yolo.build()
    return world, county, yolo.add_facility(world.lena, world.acme)


def submitted_plan(
    world: World, facility_id: int, rows: tuple[dict[str, str], ...] | None = None
) -> dict[int, int]:
    """Prepare the facility's HMBP (lena; `rows` in the inventory, as hmbp.prepare) and have
    connie submit it; its submitted version ids by element."""
    hmbp.prepare(world.lena, facility_id, rows=rows)
    ids = {e: hmbp.draft_id(facility_id, e) for e in (FI, HMI, ERTP)}
    hmbp.submitted(world.connie, facility_id)
    return ids
