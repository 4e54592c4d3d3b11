"""The load generator's data, made through the services on the server's database.

`python bench/load_setup.py USERS ROWS` (in the server's environment, after `migrate` and
`seed-demo`): USERS Lead Users, each with a business, a facility and a draft inventory of ROWS
clean materials, and a single-use sign-in token per user (what a correct password earns; the
load generator exchanges it at /auth/session for the session cookie). Prints JSON.
"""

from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cers_app.models  # noqa: F401  (every table first)
from cers_app.accounts import tokens
from cers_app.accounts.models import TokenPurpose
from cers_app.core import clock, db
from cers_app.inventory import findings, service
from cers_app.inventory.models import InventoryItem
from cers_app.inventory.values import clean
from tests.e2e import facility_setup

PASSWORD = "load-Generator-passphrase-" + "7" * 8


def material(number: int) -> dict[str, str]:
    """A material without findings."""
    return {
        "CommonName": f"Load Solvent {number:03d}",
        "ChemicalLocation": f"Rack {number % 12}",
        "EHS": "N",
        "PhysicalState": "b",
        "HMType": "b",
        "Units": "a",
        "MaximumDailyAmount": str(10 + number % 80),
        "AverageDailyAmount": "5",
        "LargestContainer": "55",
        "DaysOnSite": "365",
        "StoragePressure": "a",
        "StorageTemperature": "a",
        "SCSteelDrum": "Y",
        "FHCPhysicalFlammable": "Y",
    }


def one_user(number: int, rows: int, run: str) -> dict:
    """A Lead User with a facility whose draft inventory holds `rows` materials."""
    username = f"load{run}{number:03d}"
    made = facility_setup.user(
        username=username,
        email=f"{username}@example.org",
        first_name="Load",
        last_name=f"User {number}",
        password=PASSWORD,
        phrase="load generator phrase",
        security_answer="rex",
    )
    business = facility_setup.business(username, f"Load Business {run} {number}")
    facility = facility_setup.facility(
        username,
        business["id"],
        f"Load Yard {run} {number}",
        f"{1000 + number} Load St",
        "Davis",
        "95616",
    )
    actor = facility_setup.actor_of(username)
    header = db.run(service.start_draft, actor, facility["id"])

    def fill(session) -> list[int]:
        with db.transaction(session):
            now = clock.now()
            items = []
            for index in range(rows):
                item = InventoryItem(
                    facility_id=facility["id"],
                    element_version_id=header.version_id,
                    created_at=now,
                    updated_at=now,
                )
                findings.sync_columns(item, clean(material(index))[0])
                session.add(item)
                items.append(item)
            session.flush()
            settings, local = findings.settings_for(session, None)
            findings.recompute_version(session, header.version_id, settings, local)
            return [item.id for item in items]

    item_ids = db.run(fill)

    def token(session) -> str:
        with db.transaction(session):
            return tokens.issue(session, made["id"], TokenPurpose.SIGN_IN, "business")

    return {"facility_id": facility["id"], "items": item_ids, "token": db.run(token)}


def main(argv: list[str]) -> None:
    """Make the users and print them as JSON (one line)."""
    users, rows = int(argv[0]), int(argv[1])
    run = secrets.token_hex(2)
    print(json.dumps([one_user(number, rows, run) for number in range(users)]))


if __name__ == "__main__":
    main(sys.argv[1:])
