"""Inventories the journeys start from, made through the services on the server's database:
`python -m tests.e2e.inventory_setup '<json steps>'` in the server's environment.

It adds two steps to those of `facility_setup` (people, businesses, facilities): starting a
facility's inventory draft and adding a material to it. Journeys that test the inventory
pages themselves make their materials through the pages instead.
"""

from __future__ import annotations

import sys
from typing import Any

from cers_app.core import db
from cers_app.inventory import service
from tests.e2e import facility_setup


def start_inventory(lead: str, facility_id: int) -> dict[str, Any]:
    """`lead` starts the facility's Hazardous Materials Inventory draft."""
    header = db.run(service.start_draft, facility_setup.actor_of(lead), facility_id)
    return {"version_id": header.version_id}


def material(lead: str, facility_id: int, values: dict[str, str]) -> dict[str, Any]:
    """`lead` adds a material with `values` (XML tags to CERS codes) to the draft."""
    form, errors = db.run(
        service.save_item, facility_setup.actor_of(lead), facility_id, None, values, None
    )
    if errors:
        raise ValueError(f"the material was refused: {errors}")
    return {"id": form.id, "findings": [finding.code for finding in form.findings]}


STEPS = {**facility_setup.STEPS, "start_inventory": start_inventory, "material": material}


def setup(server: Any, *steps: tuple[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the steps in one process on the server's database; their results, in order."""
    return facility_setup.run_steps(server, "tests.e2e.inventory_setup", steps)


if __name__ == "__main__":
    facility_setup.main_of(STEPS, sys.argv[1:])
