"""Statewide scale on PostgreSQL: facility search, review queue and inventory page timings.

`python bench/scale.py [--scale 1.0] [--rebuild] [--runs 60] [--url URL]` (`make bench-scale`)
builds a synthetic statewide dataset (bench/scale_data.py: 150,000 facilities, 3,000,000
inventory rows and 400,000 submittals at scale 1) in its own database `bench_scale` on
127.0.0.1:5432 (created and migrated when missing, reused when its counts match),
VACUUM ANALYZEs it (as autovacuum would have), then times the app's own service functions:
the regulator's facility search, the review-queue page (a CUPA reviewer) and the inventory
page (a business Lead User), each with varied parameters. Prints p50/p95/max per query
against the 100 ms p95 target, the table sizes and the generation time. Exit status 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale"
os.environ.setdefault("CERS_ENV", "development")
os.environ["CERS_DATABASE_URL"] = os.environ.get("CERS_BENCH_SCALE_URL", DEFAULT_URL)

import sqlalchemy as sa  # noqa: E402
from sqlmodel import Session  # noqa: E402

import cers_app.models  # noqa: E402, F401  (every table first)
from bench import scale_data  # noqa: E402
from cers_app.core.permissions import Actor, Permission, Portal  # noqa: E402
from cers_app.inventory import service as inventory_service  # noqa: E402
from cers_app.inventory.listing import SORTABLE, ItemQuery  # noqa: E402
from cers_app.regulator import facility_search, queue  # noqa: E402

TARGET_MS = 100.0


def ensure_database(url: str) -> None:
    """Create the database when missing, then run the project's migrations on it."""
    server = sa.make_url(url).set(database="postgres")
    name = sa.make_url(url).database
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if found.first() is None:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    env = {**os.environ, "CERS_DATABASE_URL": url, "CERS_ENV": "development"}
    subprocess.run([sys.executable, "-m", "cers_app", "migrate"], cwd=ROOT, env=env, check=True)


def counts(engine: sa.Engine, tables) -> dict[str, int]:
    """Rows per table."""
    with engine.connect() as conn:
        query = "SELECT count(*) FROM {}"  # our own table names
        return {t: conn.execute(sa.text(query.format(t))).scalar_one() for t in tables}


def build(engine: sa.Engine, sizes: scale_data.Sizes, rebuild: bool) -> float | None:
    """Generate the dataset unless it is present with the right counts; seconds, or None."""
    expected = sizes.expected()
    if not rebuild and counts(engine, expected) == expected:
        return None
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(scale_data.TABLES)} CASCADE"))
        for what, sql in scale_data.statements(sizes):
            step = time.perf_counter()
            conn.execute(sa.text(sql), scale_data.params(sizes))
            print(f"  {what:<18} {time.perf_counter() - step:7.1f} s", flush=True)
        for table in scale_data.SEQUENCES:
            sequence = (
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT max(id) FROM {0}))"
            )
            conn.execute(sa.text(sequence.format(table)))
    settle(engine)
    return time.perf_counter() - started


def settle(engine: sa.Engine) -> None:
    """VACUUM ANALYZE: the statistics and visibility map autovacuum keeps on a live database
    (rows just bulk-loaded have neither, so index-only scans would still read the table)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def actor(user_id: int, username: str, *, regulator: bool) -> Actor:
    """The actor a signed-in session would give the services."""
    portal = Permission.REGULATOR_PORTAL if regulator else Permission.BUSINESS_PORTAL
    return Actor(
        user_id=user_id,
        session_id=0,
        username=username,
        display_name=username,
        email=f"{username}@example.org",
        portal=Portal.REGULATOR if regulator else Portal.BUSINESS,
        permissions=frozenset({Permission.SIGNED_IN, Permission.ACCOUNT, portal}),
        agency_ids=(user_id,) if regulator else (),
    )


def timed(engine: sa.Engine, calls) -> tuple[list[float], int]:
    """Milliseconds of each call, each in a fresh session (as one event would), and how many
    calls found something (a benchmark of empty pages would prove nothing)."""
    spent, found = [], 0
    for call in calls:
        with Session(engine) as session:
            started = time.perf_counter()
            total = call(session)
            spent.append((time.perf_counter() - started) * 1000)
        found += total > 0
    return spent, found


def search_calls(sizes: scale_data.Sizes, runs: int):
    texts = ["", "yard", "oak ave", "sacramento", "9501", "acme", "plant 12", "fa00001"]
    for n in range(runs):
        reviewer = actor(1 + n % scale_data.CUPAS, f"scale_rev{1 + n % 20:02d}", regulator=True)
        text = texts[n % len(texts)]
        if n % 5 == 4:
            # The CERS ID of a facility of the reviewer's CUPA (CUPA of f: 1 + (f - 1) % 20).
            own = (
                1
                + n % scale_data.CUPAS
                + scale_data.CUPAS * ((n * 7919) % (sizes.facilities // 20))
            )
            text = str(10_000_000 + own)
        page = 1 + (n // len(texts)) % 3

        def call(session, reviewer=reviewer, text=text, page=page):
            return facility_search.search_facilities(session, reviewer, text, page).total

        yield call


def queue_calls(runs: int):
    variants = [
        queue.QueueQuery(),
        queue.QueueQuery(sort=queue.NEWEST),
        queue.QueueQuery(element="2"),
        queue.QueueQuery(status="all", page=3),
        queue.QueueQuery(status="4", sort=queue.NEWEST),
        queue.QueueQuery(facility="davis"),
        queue.QueueQuery(submitted_from="2025-03-01", submitted_to="2025-06-30"),
        queue.QueueQuery(page=10),
    ]
    for n in range(runs):
        reviewer = actor(1 + n % scale_data.CUPAS, f"scale_rev{1 + n % 20:02d}", regulator=True)
        query = variants[n % len(variants)]

        def call(session, reviewer=reviewer, query=query):
            return queue.queue_page(session, reviewer, query).total

        yield call


def inventory_calls(sizes: scale_data.Sizes, runs: int):
    texts = ["", "", "acid", "room 3", "7664"]
    for n in range(runs):
        # Every other run a facility with one of the largest inventories.
        if n % 2:
            facility = 1 + (n * 31) % sizes.big_facilities
        else:
            facility = (
                sizes.big_facilities + 1 + (n * 7919) % (sizes.facilities - sizes.big_facilities)
            )
        organization = 1 + (facility - 1) // 3
        lead = actor(scale_data.CUPAS + organization, f"scale_b{organization}", regulator=False)
        query = ItemQuery(
            page=1 + n % 4,
            sort=SORTABLE[n % len(SORTABLE)],
            descending=bool(n % 3 == 1),
            text=texts[n % len(texts)],
        )

        def call(session, lead=lead, facility=facility, query=query):
            return inventory_service.list_items(session, lead, facility, query).total

        yield call


def summary(name: str, result: tuple[list[float], int]) -> tuple[str, bool]:
    ms, found = result
    ordered = sorted(ms)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    ok = p95 <= TARGET_MS
    line = (
        f"{name:<22} runs {len(ms):>3}  p50 {statistics.median(ms):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {max(ms):7.1f} ms  {found:>3} non-empty  "
        f"{'ok' if ok else 'MISSED'} (target p95 <= {TARGET_MS:.0f} ms)"
    )
    return line, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = statewide (default)")
    parser.add_argument("--rebuild", action="store_true", help="generate the data again")
    parser.add_argument("--runs", type=int, default=60, help="timed runs per query")
    args = parser.parse_args()
    if not 0 < args.scale <= 1.0:
        parser.error("--scale must be above 0 and at most 1")
    url = os.environ["CERS_DATABASE_URL"]
    sizes = scale_data.sizes(args.scale)
    ensure_database(url)
    engine = sa.create_engine(url)
    print(f"bench-scale on {sa.make_url(url).render_as_string(hide_password=True)}")
    print(f"scale {args.scale}: {sizes.facilities:,} facilities, {sizes.items:,} inventory rows,")
    print(f"  {sizes.submittals:,} submittals ({2 * sizes.submittals:,} element versions)")
    generated = build(engine, sizes, args.rebuild)
    if generated is None:
        print("dataset present with the right counts: reused (--rebuild to generate again)")
        settle(engine)
    else:
        print(f"generated in {generated:.1f} s (including VACUUM ANALYZE)")
    print("\nrows and sizes (pg_total_relation_size, with indexes):")
    with engine.connect() as conn:
        for table, rows in counts(engine, sizes.expected()).items():
            size = conn.execute(
                sa.text("SELECT pg_size_pretty(pg_total_relation_size(:t))"), {"t": table}
            ).scalar_one()
            print(f"  {table:<20} {rows:>11,} rows  {size:>10}")
    # One untimed pass warms the caches and the connection pool.
    for calls in (
        search_calls(sizes, 5),
        queue_calls(5),
        inventory_calls(sizes, 5),
    ):
        timed(engine, calls)
    print(f"\ntimings ({args.runs} runs each, varied parameters):")
    results = [
        summary("facility search", timed(engine, search_calls(sizes, args.runs))),
        summary("review queue page", timed(engine, queue_calls(args.runs))),
        summary("inventory page", timed(engine, inventory_calls(sizes, args.runs))),
    ]
    for line, _ in results:
        print("  " + line)
    engine.dispose()
    return 0 if all(ok for _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
