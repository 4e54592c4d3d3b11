"""The Yolo CUPA, its Woodland PA and Bay City (tests/unit/facilities/county.py) with staff for
the agency administration tests: rita (Agency Admin of the CUPA), pam (Agency Admin of the PA),
rob (Reviewer of the CUPA), rex (Agency Admin of Bay City), and Acme (lena its Lead User)."""

from __future__ import annotations

from dataclasses import dataclass

from cers_app.agencies.models import RegulatorRole
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person


@dataclass(frozen=True)
class AdminWorld:
    county: yolo.County
    rita: Person
    pam: Person
    rob: Person
    rex: Person
    business: acme_world.World

    @property
    def lena(self) -> Person:
        return self.business.lena


def build() -> AdminWorld:
    county = yolo.build()
    admin = RegulatorRole.ADMIN.value
    return AdminWorld(
        county=county,
        rita=yolo.regulator("ritaadmin", "Rita", "Ramos", county.cupa, admin),
        pam=yolo.regulator("pamadmin", "Pam", "Park", county.pa, admin),
        rob=yolo.regulator("robreview", "Rob", "Reyes", county.cupa, RegulatorRole.REVIEWER.value),
        rex=yolo.regulator("rexadmin", "Rex", "Rowe", county.other, admin),
        business=acme_world.build(()),
    )
