"""A submitted business plan to print: what the PDF, report-job and print-card tests share."""

from __future__ import annotations

from dataclasses import dataclass

from cers_app.core import db
from cers_app.core.codes import NOT_ACCEPTED
from cers_app.regulator import review
from cers_app.submittals import documents
from tests import document_samples as samples
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person, World
from tests.unit.regulator import cast
from tests.unit.submittals import hmbp
from tests.unit.submittals.document_world import stage

FI, HMI, ERTP = 1, 2, 3
SITE_MAP, RESPONSE_PLAN = 5, 6
PLAN_TEXT = "Evacuate to the north lot"
COMMENT = "Show the vault on the site map."
SECRET = stock.row(
    CommonName="Blend 77 Solvent",
    ChemicalName="Secret Ketone",
    CASNumber="",
    TradeSecret="Y",
    ChemicalLocation="Vault 9",
    MaximumDailyAmount="200",
    AverageDailyAmount="100",
    LargestContainer="55",
)
WASTE_OIL = stock.row(
    CommonName="Waste Oil",
    CASNumber="",
    HMType="c",
    StateWasteCode="221",
    AnnualWasteAmount="500",
    ChemicalLocation="Drum Yard",
    CLConfidential="Y",
    MaximumDailyAmount="300",
    AverageDailyAmount="150",
    LargestContainer="55",
)
ROWS = (stock.row(), SECRET, WASTE_OIL)


@dataclass(frozen=True)
class Plan:
    world: World
    plant: int
    cers_id: int
    submittal: int
    versions: dict[int, int]
    rob: Person
    rex: Person


def submitted_plan(tmp_path) -> Plan:
    """Acme's Davis plant with its HMBP submitted (three materials, an uploaded PDF
    emergency plan and a PNG site map) and rob's Not Accepted comment on the inventory."""
    world = acme_world.build()
    county = yolo.build()
    plant = yolo.add_facility(world.lena, world.acme)
    hmbp.prepare(world.lena, plant, rows=ROWS)
    versions = {e: hmbp.draft_id(plant, e) for e in (FI, HMI, ERTP)}
    for element, slot, name, content in (
        (ERTP, RESPONSE_PLAN, "ER Plan.pdf", samples.pdf(PLAN_TEXT)),
        (HMI, SITE_MAP, "site-map.png", samples.png()),
    ):
        staged = stage(tmp_path, name, content)
        db.run(
            documents.attach_file,
            world.lena.actor(),
            plant,
            versions[element],
            slot,
            staged,
        )
    submittal = hmbp.submitted(world.connie, plant)
    rob = cast.regulator(county, "rob")
    db.run(review.set_status, rob.actor(), versions[HMI], NOT_ACCEPTED, COMMENT)
    return Plan(
        world,
        plant,
        yolo.facility(plant).cers_id,
        submittal,
        versions,
        rob,
        cast.regulator(county, "rex"),
    )
