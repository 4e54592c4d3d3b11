"""`python -m cers_app inventory validate --cers-id ID`: one JSON list of findings."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cers_app.cli import cli
from tests.unit.facilities import county as yolo
from tests.unit.inventory import stock


def _run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_it_prints_the_findings_of_the_draft_as_one_json_list(yard, world):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    stock.added(world.ed, yard, stock.NITROGEN)
    stock.added(world.ed, yard, stock.GASOLINE)
    cers_id = yolo.facility(yard).cers_id

    result = _run("inventory", "validate", "--cers-id", str(cers_id))

    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [(f["material"], f["location"], f["code"], f["level"]) for f in found] == [
        ("Motor Oil", "Maintenance shop", "HMI-STORAGE-CONTAINER", "required"),
        ("Nitrogen", "Welding bay", "HMI-GAS-GALLONS", "warning"),
    ]
    assert "SCSteelDrum" in found[0]["fields"]
    assert found[1]["fields"] == ["PhysicalState", "Units"]
    assert set(found[0]) == {"material", "location", "code", "level", "fields", "message"}
    assert found[0]["message"].startswith("Tick at least one storage container")


def test_an_empty_draft_prints_an_empty_list(yard):
    result = _run("inventory", "validate", "--cers-id", str(yolo.facility(yard).cers_id))

    assert (result.exit_code, json.loads(result.stdout)) == (0, [])


def test_an_unknown_cers_id_is_a_clear_error(database):
    result = _run("inventory", "validate", "--cers-id", "12345678")

    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "Error: No facility has CERS ID 12345678.\n"


def test_a_facility_without_a_draft_is_a_clear_error(plant):
    cers_id = yolo.facility(plant).cers_id

    result = _run("inventory", "validate", "--cers-id", str(cers_id))

    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        f"Error: Facility {cers_id} has no Hazardous Materials Inventory draft.\n"
    )
