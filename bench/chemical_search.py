"""Chemical library search on the FULL seed, beside a bare indexed prefix query.

Loads the whole library (the `chemicals` package, curated products, EHS seed) into a temporary
SQLite file and into a schema of its own in the PostgreSQL test database (dropped afterwards),
then times 1,000 mixed queries: prefixes of common CERS chemicals (weighted), prefixes of random
library names, CAS prefixes with and without dashes, and synonym prefixes. The yardstick is a
bare indexed prefix query on the same database and the same normalised prefixes:
`SELECT chemical_id, name FROM chemical_name WHERE name_norm LIKE 'p%' LIMIT 20`, served by an
index made for it here. Targets: search p95 <= 20 ms on SQLite, <= 2x the yardstick on
PostgreSQL.

Run with `make bench` or `python bench/chemical_search.py [--sqlite-only]`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("CERS_ENV", "test")
os.environ.setdefault("CERS_SECRET_KEY", "benchmark-secret-key-that-is-long-enough-0123")
os.environ.setdefault("CERS_DATA_DIR", tempfile.mkdtemp(prefix="opencers-bench-"))

QUERIES = 1000
COMMON = (
    "acetone", "sulfuric acid", "sodium hydroxide", "diesel fuel", "gasoline", "motor oil",
    "nitrogen", "propane", "hydrochloric acid", "ammonia", "chlorine", "toluene", "xylene",
    "methanol", "isopropyl alcohol", "ethylene glycol", "oxygen", "argon", "carbon dioxide",
    "acetylene", "hydrogen peroxide", "nitric acid", "phosphoric acid", "sodium hypochlorite",
    "bleach", "kerosene", "hydraulic oil", "used oil", "lead", "helium", "paint",
    "mineral spirits", "antifreeze", "battery", "calcium hypochlorite", "potassium hydroxide",
    "formaldehyde", "ethanol", "butane", "lubricating oil",
)  # fmt: skip


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def query_mix(session, rng: random.Random) -> list[str]:
    """1,000 queries: half common CERS chemicals, then library names, CAS numbers, synonyms."""
    import sqlalchemy as sa

    from cers_app.chemicals.models import Chemical, ChemicalName

    names = list(session.execute(sa.select(Chemical.name, Chemical.cas)).all())
    synonyms = list(
        session.execute(
            sa.select(ChemicalName.name).where(ChemicalName.kind == "synonym").limit(200_000)
        ).scalars()
    )
    queries = []
    for _ in range(QUERIES):
        roll = rng.random()
        if roll < 0.50:
            word = rng.choice(COMMON)
            queries.append(word[: rng.randint(2, min(len(word), 9))])
        elif roll < 0.70:
            name = rng.choice(names).name
            queries.append(name[: rng.randint(3, 6)])
        elif roll < 0.85:
            cas = rng.choice([row.cas for row in rng.sample(names, 20) if row.cas] or ["7664-93-9"])
            text = cas if rng.random() < 0.5 else cas.replace("-", "")
            queries.append(text[: rng.randint(2, len(text))])
        else:
            synonym = rng.choice(synonyms)
            queries.append(synonym[: rng.randint(4, 10)])
    session.rollback()
    return queries


def timings(fn: Callable[[str], object], queries: list[str]) -> list[float]:
    for query in queries[:100]:  # warm the cache
        fn(query)
    samples = []
    for query in queries:
        start = time.perf_counter()
        fn(query)
        samples.append(time.perf_counter() - start)
    return samples


def bench_database(label: str, url: str) -> tuple[float, float]:
    """Seed `url` fully, then time search() and the yardstick; returns their p95s."""
    import sqlalchemy as sa

    from cers_app.chemicals import rules, seed, service
    from cers_app.core import db, migrations
    from cers_app.core.settings import reload_settings

    os.environ["CERS_DATABASE_URL"] = url
    reload_settings()
    db.dispose_engines()
    migrations.upgrade(url)
    report = db.run(seed.seed_library)
    print(f"{label}: {report.summary()}")

    engine = db.get_engine(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(
                sa.text(
                    "CREATE INDEX bench_name_like ON chemical_name (name_norm text_pattern_ops)"
                )
            )
            connection.execute(sa.text("ANALYZE"))
        else:
            connection.execute(
                sa.text("CREATE INDEX bench_name_like ON chemical_name (name_norm COLLATE NOCASE)")
            )
            connection.execute(sa.text("ANALYZE"))

    # The pattern is rendered into the SQL (literal_execute) so PostgreSQL plans each query
    # with its prefix, as a hand-written query would be: no generic plan handicaps it.
    yardstick_sql = sa.text(
        "SELECT chemical_id, name FROM chemical_name WHERE name_norm LIKE :pattern LIMIT 20"
    ).bindparams(sa.bindparam("pattern", type_=sa.String(), literal_execute=True))

    with db.new_session() as session:
        queries = query_mix(session, random.Random(5))

        def search(text: str) -> object:
            return service.search(session, text)

        def yardstick(text: str) -> object:
            pattern = (rules.normalise_name(text) or "zz") + "%"
            return session.execute(yardstick_sql, {"pattern": pattern}).all()

        found = sum(1 for query in queries if service.search(session, query))
        search_samples = timings(search, queries)
        yard_samples = timings(yardstick, queries)
        session.rollback()

    s50, s95 = statistics.median(search_samples), percentile(search_samples, 0.95)
    y50, y95 = statistics.median(yard_samples), percentile(yard_samples, 0.95)
    slowest = max(search_samples) * 1000
    print(f"  {QUERIES} mixed queries, {found} with hits; slowest search {slowest:.1f} ms")
    print(
        f"  search()   p50 {s50 * 1000:7.3f} ms   p95 {s95 * 1000:7.3f} ms\n"
        f"  yardstick  p50 {y50 * 1000:7.3f} ms   p95 {y95 * 1000:7.3f} ms   "
        f"(bare indexed LIKE 'p%' LIMIT 20)\n"
        f"  ratio      p50 {s50 / y50:7.2f}      p95 {s95 / y95:7.2f}"
    )
    db.dispose_engines()
    return s95, y95


def main() -> None:
    import sqlalchemy as sa

    from cers_app.core.settings import normalise_database_url

    sqlite_path = Path(os.environ["CERS_DATA_DIR"]) / f"chemicals-{uuid.uuid4().hex[:8]}.db"
    s95, _ = bench_database("SQLite", f"sqlite:///{sqlite_path}")
    print(f"  target: search p95 <= 20 ms on SQLite: {'met' if s95 <= 0.020 else 'NOT met'}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)

    if "--sqlite-only" in sys.argv:
        return
    base = os.environ.get("CERS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    schema = f"bench_chemicals_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(normalise_database_url(base))
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        print(f"PostgreSQL: not available at {base} ({str(exc.orig).strip().splitlines()[0]})")
        return
    try:
        separator = "&" if "?" in base else "?"
        url = normalise_database_url(f"{base}{separator}options=-csearch_path%3D{schema}")
        s95, y95 = bench_database("PostgreSQL", url)
        verdict = "met" if s95 <= 2 * y95 else "NOT met"
        print(f"  target: search p95 <= 2x the yardstick on PostgreSQL: {verdict}")
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
