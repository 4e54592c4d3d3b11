"""The inventory page's state, each figure beside its yardstick measured in the same run.

* Turning to a page of a 5,000-row inventory through `InventoryState.go_to_page` (the
  service's access check, count, filters, sort and messages, and the view rows) against the
  raw SQL page query alone. Target: 100 ms.
* The state delta that page change sends to the browser, against what the same view rows of
  the whole inventory would weigh if they were kept in state. Budget: 50 KB.

Run with `make bench` (or `python bench/inventory_page_state.py`); SQLite unless
CERS_BENCH_DATABASE_URL names another (empty) database. The 5,000-row inventory is built as
bench/inventory.py builds it.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("CERS_ENV", "test")
os.environ.setdefault("CERS_SECRET_KEY", "benchmark-secret-key-that-is-long-enough-0123")
os.environ.setdefault("CERS_DATA_DIR", tempfile.mkdtemp(prefix="opencers-bench-"))

from inventory import ROWS_LISTED, _inventory  # bench/inventory.py: the same 5,000 rows
from run import report, timed  # bench/run.py: the shared report format

DELTA_BUDGET_KB = 50


def _root(facility_id: int):
    """A root state as a browser tab on the inventory page would have it."""
    from reflex.state import State

    import cers_app.cers_app  # noqa: F401  (registers every state, as the server does)
    from cers_app.core import routes

    root = State(_reflex_internal_init=True)
    path = routes.with_query(routes.FACILITY_INVENTORY, id=str(facility_id))
    root.router_data = root._update_router_vars(
        {
            "token": "bench-token",
            "sid": "bench-sid",
            "pathname": routes.FACILITY_INVENTORY,
            "asPath": path,
            "query": {"id": str(facility_id)},
            "headers": {},
            "ip": "127.0.0.1",
        },
        {},
    )
    return root


def _whole_inventory_kb(actor, facility_id: int) -> float:
    """The view rows of every material, as the page would hold them if it kept them all."""
    from cers_app.core import db
    from cers_app.core.paging import MAX_PAGE_SIZE
    from cers_app.inventory import service
    from cers_app.inventory.state import _row_view

    rows, page, pages = [], 1, 1
    while page <= pages:
        query = service.ItemQuery(page=page, page_size=MAX_PAGE_SIZE)
        found = db.run(service.list_items, actor, facility_id, query)
        rows += [_row_view(row) for row in found.rows]
        page, pages = page + 1, found.pages
    assert len(rows) == ROWS_LISTED, len(rows)
    return len(json.dumps(rows)) / 1024


async def _page_change(root, actor) -> tuple[float, float]:
    """(seconds for one page change, KB of the delta it sends), over pages 2..31."""
    from cers_app.core.permissions import set_current_actor
    from cers_app.inventory.state import InventoryState

    set_current_actor(actor)
    page = await root.get_state(InventoryState)
    await InventoryState.load.fn(page)
    await root._get_resolved_delta()
    root._clean()
    seconds, sizes = [], []
    for number in range(2, 32):
        start = time.perf_counter()
        await InventoryState.go_to_page.fn(page, number)
        delta = await root._get_resolved_delta()
        seconds.append(time.perf_counter() - start)
        sizes.append(len(json.dumps(delta, default=str)) / 1024)
        root._clean()
        assert len(page.rows) == 25 and page.page == number
    seconds.sort()
    return seconds[len(seconds) // 2], max(sizes)


def bench_page_state() -> None:
    import sqlalchemy as sa

    from cers_app.core import db
    from cers_app.inventory.models import InventoryItem

    start = time.perf_counter()
    actor, facility_id, version_id = _inventory()
    print(f"(built a {ROWS_LISTED:,}-row inventory in {time.perf_counter() - start:.1f} s)")

    def raw_page() -> None:
        db.run(
            lambda s: s.execute(
                sa.select(InventoryItem.id, InventoryItem.common_name, InventoryItem.location)
                .where(InventoryItem.element_version_id == version_id)
                .order_by(sa.func.lower(InventoryItem.common_name), InventoryItem.id)
                .limit(25)
                .offset(15 * 25)
            ).all()
        )

    yardstick = timed(raw_page, 30)
    seconds, delta_kb = asyncio.run(_page_change(_root(facility_id), actor))
    report("inventory page change (state)", seconds, "raw SQL page query", yardstick)
    whole_kb = _whole_inventory_kb(actor, facility_id)
    print(
        f"{'state delta of one page':<34} {delta_kb:9.1f} KB   yardstick "
        f"{'every row in state':<26} {whole_kb:8.1f} KB   ratio {delta_kb / whole_kb:7.3f}"
        f"   (budget {DELTA_BUDGET_KB} KB)"
    )


def main() -> None:
    from cers_app.core import migrations
    from cers_app.core.settings import reload_settings

    url = os.environ.get("CERS_BENCH_DATABASE_URL") or (
        f"sqlite:///{Path(os.environ['CERS_DATA_DIR']) / 'bench-inventory-state.db'}"
    )
    os.environ["CERS_DATABASE_URL"] = url
    reload_settings()
    migrations.upgrade(url)
    print(f"database: {url.split('://')[0]}")
    bench_page_state()


if __name__ == "__main__":
    main()
