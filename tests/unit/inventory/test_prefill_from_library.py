"""blank_item: a new row prefilled from a library entry (the library rows are inserted here
directly; the library has its own tests)."""

from __future__ import annotations

import pytest

from cers_app.chemicals.models import Chemical
from cers_app.core import clock, db
from cers_app.core.errors import Conflict
from cers_app.inventory import service
from cers_app.inventory.models import InventoryItem
from tests.unit.inventory import stock


def _chemical(**fields) -> int:
    def insert(session):
        with db.transaction(session):
            chemical = Chemical(
                name_norm=fields["name"].lower(),
                origin="test fixture",
                updated_at=clock.now(),
                **fields,
            )
            session.add(chemical)
            session.flush()
            return chemical.id

    return db.run(insert)


@pytest.fixture
def acetone(database) -> int:
    return _chemical(
        name="Acetone",
        cas="67-64-1",
        chemical_name="Propan-2-one",
        physical_state="b",
        density_kg_per_l=0.7845,
        density_phase="liquid",
        hazard_suggestions=["FHCPhysicalFlammable", "FHCHealthSeriousEyeDamageEyeIrritation"],
        fire_code_suggestions=["10"],
        dot_class="3",
    )


def test_it_prefills_a_row_from_the_library(yard, world, acetone):
    form = db.run(service.blank_item, world.ed.actor(), yard, acetone)

    values = form.values
    assert (form.id, form.version, form.chemical_id, form.findings) == (None, None, acetone, ())
    assert (values["CommonName"], values["ChemicalName"], values["CASNumber"]) == (
        "Acetone",
        "Propan-2-one",
        "67-64-1",
    )
    assert (values["EHS"], values["PhysicalState"], values["HMType"], values["Units"]) == (
        "N",
        "b",
        "a",
        "a",
    )
    assert values["FHCPhysicalFlammable"] == values["FHCHealthSeriousEyeDamageEyeIrritation"] == "Y"
    assert values["FHCHealthCarcinogenicity"] == "N"
    assert (values["PFCodeHazardClass"], values["DOTHazardClassificationID"]) == ("10", "3")
    assert values["MaximumDailyAmount"] == values["ChemicalLocation"] == values["CCLID"] == ""


def test_an_ehs_is_prefilled_in_pounds_and_odd_suggestions_are_dropped(yard, world):
    chlorine = _chemical(
        name="Chlorine",
        cas="7782-50-5",
        physical_state="c",
        ehs=True,
        tpq_lb=100,
        hazard_suggestions=["FHCPhysicalOxidizer", "NotATag"],
        fire_code_suggestions=["21", "99"],
    )

    values = db.run(service.blank_item, world.ed.actor(), yard, chlorine).values

    assert (values["EHS"], values["Units"], values["FHCPhysicalOxidizer"]) == ("Y", "c", "Y")
    assert (values["PFCodeHazardClass"], values["SFCodeHazardClass"]) == ("21", "")


def test_the_saved_row_keeps_its_library_link_and_uses_its_density(yard, world, acetone):
    form = db.run(service.blank_item, world.ed.actor(), yard, acetone)
    values = {
        **form.values,
        "MaximumDailyAmount": "400",
        "Units": "c",
        "SCCan": "Y",
        "ChemicalLocation": "Paint booth",
    }

    saved, errors = stock.add(world.ed, yard, values, chemical_id=form.chemical_id)

    assert errors == {} and saved.chemical_id == acetone
    assert db.run(lambda s: s.get(InventoryItem, saved.id).chemical_id) == acetone
    # 400 lb of acetone at 0.7845 kg/L are 61.1 gal.
    assert saved.threshold == (
        "Reportable because the facility has 61.1 gal in 1 location, at or above the 55 gal "
        "threshold for liquids."
    )


@pytest.mark.parametrize("bad", [None, 0, 999_999, "1", True])
def test_an_unknown_library_id_gives_a_blank_row(yard, world, bad):
    form = db.run(service.blank_item, world.ed.actor(), yard, bad)

    assert form.chemical_id is None and form.values["CommonName"] == ""
    assert form.values["SCSteelDrum"] == "N"


def test_a_new_row_needs_a_draft(plant, world):
    with pytest.raises(Conflict):
        db.run(service.blank_item, world.ed.actor(), plant)
