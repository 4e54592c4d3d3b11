"""An agency's inventory settings: who may read and change them, what they accept, and the
re-validation of the drafts they govern."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.inventory import agency_settings, service
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock

LENIENT = {
    "location_level": "advisory",
    "container_level": "warning",
    "gas_gallons_level": "required",
    "local_liquid_gal": "",
    "local_solid_lb": "",
    "local_gas_ft3": "",
}


@pytest.fixture
def rita(county):
    """Agency Admin of the Yolo CUPA (which regulates the Davis plant)."""
    return yolo.regulator("ritaramos", "Rita", "Ramos", county.cupa, "admin")


@pytest.fixture
def rob(county):
    return yolo.regulator("robreyes", "Rob", "Reyes", county.cupa, "reviewer")


@pytest.fixture
def rex(county):
    return yolo.regulator("rexroth", "Rex", "Roth", county.other, "admin")


def test_the_defaults_apply_until_the_agency_saves_its_own(county, rob):
    view = db.run(agency_settings.inventory_settings, rob.actor(), county.cupa)

    assert view.values == {
        "location_level": "required",
        "container_level": "required",
        "gas_gallons_level": "warning",
        "local_liquid_gal": "",
        "local_solid_lb": "",
        "local_gas_ft3": "",
    }
    assert (view.inherited_from, view.version, view.can_edit) == ("the state defaults", None, False)


def test_saving_revalidates_the_drafts_of_the_agency(yard, world, county, rita):
    oil = stock.added(world.ed, yard, {**stock.MOTOR_OIL, "ChemicalLocation": ""})
    nitrogen = stock.added(world.ed, yard, stock.NITROGEN)
    local = {**LENIENT, "local_liquid_gal": "30", "local_gas_ft3": "50.5"}

    view = db.run(agency_settings.save_inventory_settings, rita.actor(), county.cupa, local, None)

    assert (view.version, view.inherited_from, view.values["local_gas_ft3"]) == (1, "", "50.5")
    oil_form = db.run(service.get_item, world.ed.actor(), yard, oil)
    assert {(f.code, f.level) for f in oil_form.findings} == {
        ("HMI-LOCATION", "advisory"),
        ("HMI-STORAGE-CONTAINER", "warning"),
    }
    assert oil_form.threshold == (
        "Reportable because the facility has 110 gal in 1 location, at or above the 30 gal "
        "threshold set locally by the regulator."
    )
    nitrogen_form = db.run(service.get_item, world.ed.actor(), yard, nitrogen)
    assert [(f.code, f.level) for f in nitrogen_form.findings] == [("HMI-GAS-GALLONS", "required")]
    [event] = helpers.audit_events("INVENTORY_SETTINGS_CHANGED")
    assert event.after == {**{k: v for k, v in local.items() if v}, "local_gas_ft3": "50.5"}


def test_a_participating_agency_inherits_its_cupa_s_settings(world, county, rita):
    woodland = yolo.add_facility(
        world.lena, world.acme, street="10 Main St", city="Woodland", zip_code="95695"
    )
    db.run(service.start_draft, world.lena.actor(), woodland)
    item = stock.added(world.ed, woodland, {**stock.GASOLINE, "ChemicalLocation": ""})

    db.run(agency_settings.save_inventory_settings, rita.actor(), county.cupa, LENIENT, None)

    pam = yolo.regulator("pamprice", "Pam", "Price", county.pa, "admin")
    view = db.run(agency_settings.inventory_settings, pam.actor(), county.pa)
    assert (view.inherited_from, view.values["location_level"]) == (
        "Yolo County Environmental Health",
        "advisory",
    )
    form = db.run(service.get_item, world.ed.actor(), woodland, item)
    assert [(f.code, f.level) for f in form.findings] == [("HMI-LOCATION", "advisory")]


def test_only_an_agency_admin_changes_them(county, rob, rex):
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied):
        db.run(agency_settings.save_inventory_settings, rob.actor(), county.cupa, LENIENT, None)
    with pytest.raises(NotFound):
        db.run(agency_settings.save_inventory_settings, rex.actor(), county.cupa, LENIENT, None)
    with pytest.raises(NotFound):
        db.run(agency_settings.inventory_settings, rex.actor(), county.cupa)

    assert support.table_snapshot() == before


def test_a_business_user_finds_no_agency(county, world):
    with pytest.raises(NotFound):
        db.run(agency_settings.inventory_settings, world.lena.actor(), county.cupa)


def test_bad_values_are_named_and_nothing_is_saved(county, rita):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        db.run(
            agency_settings.save_inventory_settings,
            rita.actor(),
            county.cupa,
            {
                **LENIENT,
                "location_level": "fatal",
                "local_liquid_gal": "55",
                "local_solid_lb": "-1",
                "local_gas_ft3": "lots",
            },
            None,
        )

    assert caught.value.fields == {
        "location_level": "Choose the level of a missing chemical location: Required, Warning "
        "or Advisory.",
        "local_liquid_gal": "A local threshold is a number above 0 and below the state's 55 gal.",
        "local_solid_lb": "A local threshold is a number above 0 and below the state's 500 lb.",
        "local_gas_ft3": "A local threshold is a number above 0 and below the state's 200 ft³.",
    }
    assert support.table_snapshot() == before


def test_a_stale_version_is_refused(county, rita):
    db.run(agency_settings.save_inventory_settings, rita.actor(), county.cupa, LENIENT, None)

    with pytest.raises(Conflict):
        db.run(agency_settings.save_inventory_settings, rita.actor(), county.cupa, LENIENT, None)
    view = db.run(
        agency_settings.save_inventory_settings,
        rita.actor(),
        county.cupa,
        {**LENIENT, "container_level": "required"},
        1,
    )
    assert (view.version, view.values["container_level"]) == (2, "required")
