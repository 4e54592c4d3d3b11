"""Inventory benchmarks, each figure beside its yardstick measured in the same run.

* Validating 10,000 rows (all rules, default settings) against merely iterating over every
  field of those rows. Target: at most 1 s.
* One page (25 rows) of a 5,000-row inventory through `list_items` (access check, count,
  filters, sort, guidance messages) against the raw SQL page query alone. Target: 100 ms.

Run with `make bench` (or `python bench/inventory.py`); SQLite unless CERS_BENCH_DATABASE_URL
names another (empty) database.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("CERS_ENV", "test")
os.environ.setdefault("CERS_SECRET_KEY", "benchmark-secret-key-that-is-long-enough-0123")
os.environ.setdefault("CERS_DATA_DIR", tempfile.mkdtemp(prefix="opencers-bench-"))

from run import report, timed  # bench/run.py: the shared report format

ROWS_VALIDATED = 10_000
ROWS_LISTED = 5_000


def _rows(count: int) -> list[dict[str, str]]:
    """`count` realistic rows: the demo fuel yard's materials, varied (and a few broken)."""
    from cers_app.inventory.demo_rows import ROWS

    chance = random.Random(5)
    made = []
    for n in range(count):
        row = dict(ROWS[n % len(ROWS)])
        row["CommonName"] = f"{row['CommonName']} #{n}"
        row["ChemicalLocation"] = f"Building {n % 40}"
        row["MaximumDailyAmount"] = str(chance.randint(1, 20_000))
        if n % 7 == 0:
            row["AverageDailyAmount"] = "30000"
        if n % 11 == 0:
            row["SCSteelDrum"] = row["SCAboveGroundTank"] = row["SCCan"] = ""
        made.append(row)
    return made


def bench_validation() -> None:
    from cers_app.inventory.fields import TAGS
    from cers_app.inventory.rules import validate

    rows = _rows(ROWS_VALIDATED)

    def iterate() -> None:
        for row in rows:
            for tag in TAGS:
                row.get(tag)

    def validate_all() -> None:
        for row in rows:
            validate(row)

    report(
        f"validate {ROWS_VALIDATED:,} rows",
        timed(validate_all, 3),
        "iterate their fields",
        timed(iterate, 3),
    )


def _inventory() -> tuple[object, int, int]:
    """The demo fuel yard with 5,000 rows in its draft: (its Lead User, facility, draft)."""
    from sqlmodel import select

    from cers_app import demo
    from cers_app.accounts.models import User
    from cers_app.core import clock, db
    from cers_app.core.permissions import Actor, Permission, Portal
    from cers_app.facilities.models import Facility
    from cers_app.inventory import findings, service
    from cers_app.inventory.models import InventoryItem
    from cers_app.inventory.values import clean

    demo.seed()
    lead = demo.INVENTORY_FACILITY.business.lead
    user = db.run(lambda s: s.exec(select(User).where(User.username == lead.username)).one())
    actor = Actor(
        user_id=user.id,
        session_id=0,
        username=user.username,
        display_name=lead.first_name,
        email=user.email,
        portal=Portal.BUSINESS,
        permissions=frozenset({Permission.BUSINESS_PORTAL}),
    )
    facility_id = db.run(
        lambda s: s.exec(
            select(Facility.id).where(Facility.name == demo.INVENTORY_FACILITY.name)
        ).one()
    )
    header = db.run(service.inventory, actor, facility_id)
    missing = ROWS_LISTED - header.row_count

    def fill(session) -> None:
        with db.transaction(session):
            now = clock.now()
            for values in _rows(missing):
                item = InventoryItem(
                    facility_id=facility_id,
                    element_version_id=header.version_id,
                    created_at=now,
                    updated_at=now,
                )
                findings.sync_columns(item, clean(values)[0])
                session.add(item)
            session.flush()
            settings, local = findings.settings_for(session, None)
            findings.recompute_version(session, header.version_id, settings, local)

    db.run(fill)
    return actor, facility_id, header.version_id


def bench_page() -> None:
    import sqlalchemy as sa

    from cers_app.core import db
    from cers_app.inventory import service
    from cers_app.inventory.models import InventoryItem

    start = time.perf_counter()
    actor, facility_id, version_id = _inventory()
    print(f"(built a {ROWS_LISTED:,}-row inventory in {time.perf_counter() - start:.1f} s)")
    query = service.ItemQuery(page=100, page_size=25, sort="CommonName")
    filtered = service.ItemQuery(page=2, page_size=25, only_findings=True, text="oil")

    def raw_page() -> None:
        db.run(
            lambda s: s.execute(
                sa.select(InventoryItem.id, InventoryItem.common_name, InventoryItem.location)
                .where(InventoryItem.element_version_id == version_id)
                .order_by(sa.func.lower(InventoryItem.common_name), InventoryItem.id)
                .limit(25)
                .offset(99 * 25)
            ).all()
        )

    def one_page() -> None:
        page = db.run(service.list_items, actor, facility_id, query)
        assert len(page.rows) == 25

    def filtered_page() -> None:
        db.run(service.list_items, actor, facility_id, filtered)

    yardstick = timed(raw_page, 30)
    report("inventory page (5,000 rows)", timed(one_page, 30), "raw SQL page query", yardstick)
    report(
        "filtered page (findings, text)", timed(filtered_page, 30), "raw SQL page query", yardstick
    )
    page = db.run(service.list_items, actor, facility_id, query)
    size = len(json.dumps([asdict(row) for row in page.rows]))
    print(f"one page of rows as JSON: {size / 1024:.1f} KB (the state delta budget is 50 KB)")


def main() -> None:
    from cers_app.core import migrations
    from cers_app.core.settings import reload_settings

    url = os.environ.get("CERS_BENCH_DATABASE_URL") or (
        f"sqlite:///{Path(os.environ['CERS_DATA_DIR']) / 'bench-inventory.db'}"
    )
    os.environ["CERS_DATABASE_URL"] = url
    reload_settings()
    migrations.upgrade(url)
    print(f"database: {url.split('://')[0]}")
    bench_validation()
    bench_page()


if __name__ == "__main__":
    main()
