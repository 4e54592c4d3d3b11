"""Load: simulated users over real websockets against `reflex run --env prod --backend-only`.

For each set-up, in one run: 1 worker on SQLite, 1 worker on PostgreSQL, 2 granian workers
on PostgreSQL with Redis holding Reflex's state, and 1 worker on PostgreSQL + Redis (what
Redis costs apart from what the second worker gains). USERS Lead Users (default 50)
each sign in (a sign-in token exchanged at /auth/session for the session cookie), open their
inventory over a websocket of their own and then loop: turn to the next page, open a row,
save it with a changed location. Every event reads or writes the database (the session check
alone does). Two phases per set-up, each bounded in time:

* paced: every user waits 0.5-1.5 s between events (a person working), giving latency;
* flat out: no waiting, giving the most events/s the set-up serves.

Prints events/s and p50/p95/p99 latency per phase and set-up, and the 2-workers/1-worker
events/s ratio on PostgreSQL. Targets on a 2-core machine: p95 <= 250 ms paced with 50 users
on one worker; 2 workers >= 1.3x the flat-out events/s of one.

Run with `make bench-load` (or `python bench/load.py [--users N] [--seconds S]`).
PostgreSQL: CERS_BENCH_POSTGRES_URL (default the test database; a schema per set-up, dropped
afterwards). Redis: CERS_BENCH_REDIS_URL (default redis://127.0.0.1:6379; an empty database
number, emptied afterwards). A set-up whose peer is missing is reported as skipped.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from load_client import ClientError, ReflexClient, delta_value  # noqa: E402

POSTGRES_URL = os.environ.get(
    "CERS_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("CERS_BENCH_REDIS_URL", "redis://127.0.0.1:6379")
ROWS = 60  # per user's inventory: three pages of 25
START_SECONDS = 180
INVENTORY, ITEM = "/facilities/inventory", "/facilities/inventory/item"
P95_TARGET_MS, RATIO_TARGET = 250, 1.3


@dataclass
class Setup:
    name: str
    database: str  # sqlite | postgresql
    workers: int
    redis: bool = False


SETUPS = [
    Setup("1 worker, SQLite", "sqlite", 1),
    Setup("1 worker, PostgreSQL", "postgresql", 1),
    Setup("2 workers, PostgreSQL + Redis", "postgresql", 2, redis=True),
    # Not asked for, but it separates what Redis costs from what a second worker gains.
    Setup("1 worker, PostgreSQL + Redis", "postgresql", 1, redis=True),
]


@dataclass
class Phase:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu: float = 0.0  # share of one core the load generator itself used

    def line(self, label: str) -> str:
        if not self.latencies:
            return f"  {label:9} no events completed ({len(self.errors)} errors)"
        ms = sorted(value * 1000 for value in self.latencies)
        cut = statistics.quantiles(ms, n=100, method="inclusive")
        return (
            f"  {label:9} {len(ms) / self.seconds:7.1f} events/s  p50 {cut[49]:6.0f} ms  "
            f"p95 {cut[94]:6.0f} ms  p99 {cut[98]:6.0f} ms  ({len(ms)} events, "
            f"{len(self.errors)} errors; generator {self.client_cpu:.0%} of a core)"
        )

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def p95_ms(self) -> float:
        ms = sorted(value * 1000 for value in self.latencies)
        return statistics.quantiles(ms, n=100, method="inclusive")[94] if len(ms) > 1 else 0.0


# ---------------------------------------------------------------- the server


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


class Server:
    """Migrate, seed and serve one set-up; `stop()` ends it and cleans up after it."""

    def __init__(self, setup: Setup, users: int) -> None:
        self.setup, self.users = setup, users
        self.port = _free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="opencers-load-"))
        self.schema = ""
        self.redis_db: int | None = None
        self.process: subprocess.Popen | None = None

    def _database_url(self) -> str:
        if self.setup.database == "sqlite":
            return f"sqlite:///{self.folder / 'load.db'}"
        import sqlalchemy as sa

        from cers_app.core.settings import normalise_database_url

        self.schema = f"load_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(normalise_database_url(POSTGRES_URL))
        with engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{self.schema}"'))
        engine.dispose()
        separator = "&" if "?" in POSTGRES_URL else "?"
        return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{self.schema}"

    def _redis_url(self) -> str:
        import redis

        for number in random.sample(range(1, 16), 15):
            client = redis.Redis.from_url(REDIS_URL, db=number, socket_connect_timeout=2)
            if client.dbsize() == 0:
                self.redis_db = number
                return f"{REDIS_URL.rstrip('/')}/{number}"
        raise RuntimeError(f"every Redis database at {REDIS_URL} holds keys")

    def environment(self) -> dict[str, str]:
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("CERS_", "REFLEX_"))}
        tools = PROJECT / ".tools" / "node_modules" / ".bin"
        env = {
            **inherited,
            "PATH": os.pathsep.join(
                [str(tools), str(Path(sys.executable).parent), os.environ["PATH"]]
            ),
            "CERS_ENV": "test",
            "CERS_DATABASE_URL": self._database_url(),
            "CERS_BASE_URL": self.origin,
            "CERS_SECRET_KEY": secrets.token_urlsafe(48),
            "CERS_MAIL_BACKEND": "outbox",
            "CERS_DATA_DIR": str(self.folder),
            "CERS_BCRYPT_ROUNDS": "4",
            "CERS_LOG_LEVEL": "WARNING",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "REFLEX_CHECK_LATEST_VERSION": "false",
            "REFLEX_USE_SYSTEM_BUN": "1",
            "GRANIAN_WORKERS": str(self.setup.workers),
        }
        if self.setup.workers > 1:  # to count the events each worker served
            env["CERS_LOG_EVENT_WORKERS"] = "1"
            env["CERS_LOG_LEVEL"] = "INFO"
        if self.setup.redis:
            env["REFLEX_REDIS_URL"] = self._redis_url()
            env["REFLEX_STATE_MANAGER_MODE"] = "redis"
        else:
            env["REFLEX_STATE_MANAGER_MODE"] = "memory"
        return env

    def start(self) -> list[dict]:
        """Prepare the database and serve; the users' data (bench/load_setup.py)."""
        self.env = self.environment()
        for command in (["-m", "cers_app", "migrate"], ["-m", "cers_app", "seed-demo"]):
            self._python(command)
        made = self._python(["bench/load_setup.py", str(self.users), str(ROWS)])
        users = json.loads(made.strip().splitlines()[-1])
        command = [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod"]
        command += ["--backend-only", "--backend-host", "127.0.0.1"]
        command += ["--backend-port", str(self.port), "--loglevel", "warning"]
        self.log = (self.folder / "server.log").open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_SECONDS
        while _status(self.origin + "/health") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.folder / "server.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"the server did not come up:\n{tail}")
            time.sleep(0.5)
        return users

    def _python(self, args: list[str]) -> str:
        done = subprocess.run(
            [sys.executable, *args],
            cwd=PROJECT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def events_per_worker(self) -> list[int]:
        """Events each worker process served (only logged when there are several)."""
        text = (self.folder / "server.log").read_text(errors="replace")
        counts: dict[str, int] = {}
        for pid in re.findall(r"served by worker pid=(\d+)", text):
            counts[pid] = counts.get(pid, 0) + 1
        return sorted(counts.values(), reverse=True)

    def stop(self) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind
        if self.schema:
            import sqlalchemy as sa

            from cers_app.core.settings import normalise_database_url

            engine = sa.create_engine(normalise_database_url(POSTGRES_URL))
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA "{self.schema}" CASCADE'))
            engine.dispose()
        if self.redis_db is not None:
            import redis

            redis.Redis.from_url(REDIS_URL, db=self.redis_db).flushdb()
        shutil.rmtree(self.folder, ignore_errors=True)


# ---------------------------------------------------------------- the users


def _cookie(origin: str, token: str) -> str:
    """Exchange the sign-in token for the session cookie, as the browser does."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)
    try:
        opener.open(f"{origin}/auth/session?token={token}", timeout=30)
        raise RuntimeError("the sign-in exchange did not redirect")
    except urllib.error.HTTPError as exc:
        if exc.code != 303:
            raise
        cookies = exc.headers.get_all("set-cookie") or []
    return "; ".join(cookie.split(";", 1)[0] for cookie in cookies)


class User:
    """One simulated person working through their inventory."""

    def __init__(self, server: Server, data: dict, names: dict[str, str]) -> None:
        self.server, self.data, self.names = server, data, names
        self.page = 1
        self.client: ReflexClient | None = None

    def _router(self, path: str, query: dict[str, str]) -> dict:
        from urllib.parse import urlencode

        return {"pathname": path, "asPath": f"{path}?{urlencode(query)}", "query": query}

    async def sign_in(self, cookie: str) -> None:
        port = self.server.port
        self.client = await ReflexClient.connect("127.0.0.1", port, cookie, self.server.origin)
        await self._event("inventory_load", {}, INVENTORY, {}, record=None)

    async def _event(
        self, handler: str, payload: dict, path: str, query: dict, record: Phase | None
    ) -> list[dict]:
        assert self.client is not None
        query = {"id": str(self.data["facility_id"]), **query}
        state = self.names["inventory_state" if path == INVENTORY else "item_state"]
        seconds, updates = await self.client.call(
            self.names[handler], payload, self._router(path, query), state
        )
        for update in updates:
            for event in update.get("events") or []:
                if "toast" in json.dumps(event) and "error" in json.dumps(event):
                    raise ClientError(f"{handler} answered with an error toast: {event}")
        if record is not None:
            record.latencies.append(seconds)
        return updates

    async def work(self, phase: Phase, until: float, paced: bool) -> None:
        """Page, open a row, save it; again until `until`."""
        rng = random.Random()
        step = 0
        while time.monotonic() < until:
            try:
                if step % 3 == 0:
                    self.page = self.page % 3 + 1
                    await self._event("go_to_page", {"page": self.page}, INVENTORY, {}, phase)
                elif step % 3 == 1:
                    self.item = str(rng.choice(self.data["items"]))
                    self.updates = await self._event(
                        "item_load", {}, ITEM, {"item": self.item}, phase
                    )
                else:
                    values = delta_value(self.updates, self.names["item_state"], "values") or {}
                    if not values:
                        raise ClientError("the item form sent no values")
                    values = {**values, "ChemicalLocation": f"Bay {rng.randrange(1000)}"}
                    await self._event(
                        "item_save", {"form_data": values}, ITEM, {"item": self.item}, phase
                    )
            except (ClientError, OSError, asyncio.IncompleteReadError) as exc:
                phase.errors.append(f"{type(exc).__name__}: {exc}")
                return
            step += 1
            if paced:
                await asyncio.sleep(rng.uniform(0.5, 1.5))


def _names() -> dict[str, str]:
    from cers_app.inventory.state import InventoryState, ItemFormState

    inventory, item = InventoryState.get_full_name(), ItemFormState.get_full_name()
    return {
        "inventory_load": f"{inventory}.load",
        "go_to_page": f"{inventory}.go_to_page",
        "item_load": f"{item}.load",
        "item_save": f"{item}.save",
        "item_state": item,
        "inventory_state": inventory,
    }


async def _drive(server: Server, users: list[User], seconds: float) -> dict[str, Phase]:
    cookies = await asyncio.gather(
        *(asyncio.to_thread(_cookie, server.origin, user.data["token"]) for user in users)
    )
    await asyncio.gather(
        *(user.sign_in(cookie) for user, cookie in zip(users, cookies, strict=True))
    )
    phases = {}
    for label, paced in (("paced", True), ("flat out", False)):
        phase = Phase()
        started, cpu = time.monotonic(), time.process_time()
        await asyncio.gather(*(user.work(phase, started + seconds, paced) for user in users))
        phase.seconds = time.monotonic() - started
        phase.client_cpu = (time.process_time() - cpu) / phase.seconds
        phases[label] = phase
    await asyncio.gather(*(user.client.close() for user in users if user.client))
    return phases


def run_setup(setup: Setup, users: int, seconds: float) -> dict[str, Phase] | str:
    """The phases of one set-up, or why it was skipped."""
    if setup.database == "postgresql" or setup.redis:
        problem = _peer_problem(setup)
        if problem:
            return problem
    server = Server(setup, users)
    try:
        data = server.start()
        people = [User(server, one, _names()) for one in data]
        phases = asyncio.run(_drive(server, people, seconds))
        if setup.workers > 1:
            print(f"  events per worker process: {server.events_per_worker()}")
        return phases
    finally:
        server.stop()


def _peer_problem(setup: Setup) -> str:
    import sqlalchemy as sa

    from cers_app.core.settings import normalise_database_url

    try:
        engine = sa.create_engine(normalise_database_url(POSTGRES_URL))
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        engine.dispose()
    except sa.exc.OperationalError as exc:
        return f"PostgreSQL not available at {POSTGRES_URL}: {str(exc).splitlines()[0]}"
    if setup.redis:
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except (redis.RedisError, OSError) as exc:
            return f"Redis not available at {REDIS_URL}: {exc}"
    return ""


def main() -> None:
    """Run the three set-ups and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (max 200)")
    parser.add_argument("--seconds", type=float, default=15, help="per phase (max 120)")
    args = parser.parse_args()
    users, seconds = max(1, min(args.users, 200)), max(2.0, min(args.seconds, 120.0))
    load = os.getloadavg()[0]
    print(
        f"load: {users} users, {seconds:.0f} s per phase, {ROWS} rows each; "
        f"{os.cpu_count()} cores, load average {load:.1f} at the start"
    )
    results: dict[str, dict[str, Phase]] = {}
    for setup in SETUPS:
        outcome = run_setup(setup, users, seconds)
        print(setup.name)
        if isinstance(outcome, str):
            print(f"  skipped: {outcome}")
            continue
        results[setup.name] = outcome
        for label, phase in outcome.items():
            print(phase.line(label))
            for error in sorted(set(phase.errors))[:3]:
                print(f"    error: {error[:200]}")
    two = results.get(SETUPS[2].name)
    for base in (SETUPS[1], SETUPS[3]):
        one = results.get(base.name)
        if one and two and one["flat out"].rate:
            ratio = two["flat out"].rate / one["flat out"].rate
            print(
                f"2 workers + Redis / {base.name} (flat out): {ratio:.2f}x "
                f"(target >= {RATIO_TARGET}x)"
            )
    for name, phases in results.items():
        if SETUPS[2].name != name:
            p95 = phases["paced"].p95_ms
            verdict = "met" if p95 <= P95_TARGET_MS else "NOT met"
            print(f"p95 <= {P95_TARGET_MS} ms paced, {name}: {verdict} ({p95:.0f} ms)")


if __name__ == "__main__":
    main()
