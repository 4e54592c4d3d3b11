"""The browser journey against two granian workers sharing state through Redis, on PostgreSQL.

A Lead User signs in, opens the inventory, edits a row and uploads a workbook, while further
tabs of the same session open the inventory until the server's log shows that events were
served by two different worker processes (each worker logs its pid per event:
cers_app/core/worker_trace.py). Every tab sees the edit, whichever worker serves it.

Needs Redis at CERS_TEST_REDIS_URL (default redis://127.0.0.1:6379): without it the test is
skipped, unless CERS_REQUIRE_REDIS=1 (CI) makes that a failure. The server uses a Redis
database number nobody else is using and empties it afterwards, and a PostgreSQL schema of
its own. It starts its own `reflex run`, so it runs after the journeys of the shared server.
"""

from __future__ import annotations

import os
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cers_app.core.settings import normalise_database_url
from cers_app.core.worker_trace import LINE
from cers_app.demo import BUSINESS
from cers_app.inventory import sheet_write
from tests import env
from tests.e2e import conftest
from tests.e2e.flows import expect_toast, url_of, visit, wait_until_live
from tests.e2e.inventory_setup import setup
from tests.e2e.server import AppServer, ServerFailed, start_server
from tests.e2e.smtp_sink import SmtpSink

REDIS_URL = os.environ.get("CERS_TEST_REDIS_URL", "redis://127.0.0.1:6379")
WORKERS = 2
MAX_TABS = 12  # new websockets opened, at most, until a second worker has served one
INVENTORY, ITEM, UPLOAD = (
    "/facilities/inventory",
    "/facilities/inventory/item",
    "/facilities/inventory/upload",
)
SERVED_BY = re.compile(LINE.replace("%s", r"(?P<event>\S+)").replace("%d", r"(?P<pid>\d+)"))


def _missing(problem: str) -> None:
    if env.required("CERS_REQUIRE_REDIS"):
        pytest.fail(f"{problem} and CERS_REQUIRE_REDIS=1", pytrace=False)
    pytest.skip(problem)


def _free_redis_db() -> tuple[redis.Redis, int]:
    """A connection to an empty Redis database number (1..15) for this run."""
    try:
        probe = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
        probe.ping()
    except (redis.RedisError, OSError) as exc:
        _missing(f"Redis is not available at {REDIS_URL} ({exc})")
    for number in secrets.SystemRandom().sample(range(1, 16), 15):
        client = redis.Redis.from_url(REDIS_URL, db=number, socket_connect_timeout=2)
        if client.dbsize() == 0:
            return client, number
    _missing(f"every Redis database at {REDIS_URL} holds keys")
    raise AssertionError("unreachable")


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A schema of its own in the PostgreSQL test database (dropped afterwards)."""
    base = env.postgres_url()
    admin = sa.create_engine(normalise_database_url(base))
    schema = f"e2e_two_{uuid.uuid4().hex[:8]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        message = f"PostgreSQL is not available at {base} ({str(exc).splitlines()[0]})"
        if env.required("CERS_REQUIRE_POSTGRES"):
            pytest.fail(message + " and CERS_REQUIRE_POSTGRES=1", pytrace=False)
        pytest.skip(message)
    separator = "&" if "?" in base else "?"
    yield f"{base}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="module")
def two_workers(
    chromium_executable: Path,
    smtp_sink: SmtpSink,
    server_dir: Path,
    postgres_url: str,
    _one_build_at_a_time: None,
) -> Iterator[AppServer]:
    """`reflex run --env prod` with two granian workers, Redis state and PostgreSQL."""
    client, number = _free_redis_db()
    for shared in conftest.running_servers:  # the build is rebuilt for this server's port
        shared.stop()
    data_dir = server_dir / "two-workers"
    data_dir.mkdir()
    try:
        server = start_server(
            data_dir,
            smtp_sink.port,
            conftest.START_TIMEOUT_SECONDS,
            database_url=postgres_url,
            redis_url=f"{REDIS_URL.rstrip('/')}/{number}",
            workers=WORKERS,
        )
    except ServerFailed as exc:
        client.flushdb()
        pytest.fail(str(exc), pytrace=False)
    conftest._server_dirs.append(data_dir)
    try:
        yield server
    finally:
        server.stop()
        client.flushdb()


def _material(number: int, location: str) -> dict[str, str]:
    return {
        "CommonName": f"Scale Solvent {number}",
        "ChemicalLocation": location,
        "EHS": "N",
        "PhysicalState": "b",
        "HMType": "b",
        "Units": "a",
        "MaximumDailyAmount": "60",
        "AverageDailyAmount": "30",
        "LargestContainer": "55",
        "DaysOnSite": "365",
        "StoragePressure": "a",
        "StorageTemperature": "a",
        "SCSteelDrum": "Y",
        "FHCPhysicalFlammable": "Y",
    }


def _facility_with_inventory(server: AppServer) -> dict:
    [acme] = setup(server, ("organization_id", {"name": "Acme Plating Co."}))
    [made] = setup(
        server,
        (
            "facility",
            {
                "lead": BUSINESS.username,
                "organization_id": acme["id"],
                "name": f"Acme Scale Yard {uuid.uuid4().hex[:6]}",
                "street": f"{10000 + secrets.randbelow(89999)} Seventh St",
                "city": "Davis",
                "zip_code": "95616",
            },
        ),
    )
    lead, fid = BUSINESS.username, made["id"]
    setup(
        server,
        ("start_inventory", {"lead": lead, "facility_id": fid}),
        ("material", {"lead": lead, "facility_id": fid, "values": _material(1, "Rack 1")}),
        ("material", {"lead": lead, "facility_id": fid, "values": _material(2, "Rack 2")}),
    )
    return made


def _pids(server: AppServer, mark: int) -> dict[int, set[str]]:
    """Worker pid -> the events it served since `mark`."""
    served: dict[int, set[str]] = {}
    for match in SERVED_BY.finditer(server.log_since(mark)):
        served.setdefault(int(match["pid"]), set()).add(match["event"])
    return served


def _served_since(server: AppServer, mark: int, event: str) -> None:
    """Wait until a worker has taken `event` (its on_load, say) from this page's queue."""
    deadline = time.monotonic() + conftest.WAIT_MS / 1000
    while not any(event in name for names in _pids(server, mark).values() for name in names):
        assert time.monotonic() < deadline, f"no worker served {event}"
        time.sleep(0.1)


def _sign_in(page: Page, server: AppServer) -> None:
    """The demo Lead User signs in; typing waits for the page's on_load to reach a worker, or
    a slow load (state read from Redis) would reset the form after the username step."""
    mark = server.log_mark()
    visit(page, "/signin?portal=business")
    _served_since(server, mark, "sign_in_state.load")
    page.fill("#signin-username", BUSINESS.username)
    page.click("#signin-continue")
    expect(page.locator("#signin-phrase")).to_contain_text(BUSINESS.first_name)
    page.fill("#signin-password", BUSINESS.password)
    page.click("#signin-submit")
    expect(page).to_have_url(url_of("/home"))
    wait_until_live(page)


def _open_inventory(page: Page, facility_id: int) -> None:
    visit(page, f"{INVENTORY}?id={facility_id}")
    wait_until_live(page)
    expect(page.locator("h1")).to_have_text("Hazardous Materials Inventory")


@pytest.fixture
def browser_context(chromium: Browser, two_workers: AppServer) -> Iterator[BrowserContext]:
    """A desktop browser context of its own (the shared `open_page` needs the shared server)."""
    context = chromium.new_context(base_url=two_workers.base_url, viewport=conftest.DESKTOP)
    context.set_default_timeout(conftest.WAIT_MS)
    context.add_init_script(conftest.READY_HOOK)
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    yield context
    context.close()
    assert not errors, "uncaught errors in the page:\n" + "\n".join(errors)


def test_a_journey_is_served_by_two_worker_processes(
    two_workers: AppServer, browser_context: BrowserContext, tmp_path: Path
) -> None:
    server = two_workers
    facility = _facility_with_inventory(server)
    mark = server.log_mark()
    page = browser_context.new_page()
    _sign_in(page, server)
    _open_inventory(page, facility["id"])
    row = page.locator("#inventory-table tbody tr", has_text="Scale Solvent 1")
    expect(row).to_have_count(1)

    # Edit a row: its storage location.
    item_id = (row.get_attribute("id") or "").removeprefix("inventory-row-")
    page.click(f"#inventory-edit-{item_id}")
    expect(page).to_have_url(url_of(ITEM))
    wait_until_live(page)
    expect(page.locator("#item-ChemicalLocation")).to_have_value("Rack 1")  # loaded
    page.fill("#item-ChemicalLocation", "Paint booth")
    page.click("#item-save-close")
    expect_toast(page, "Scale Solvent 1 saved. No problems found.")
    expect(page).to_have_url(url_of(INVENTORY))
    wait_until_live(page)
    expect(row).to_contain_text("Paint booth")

    # More tabs of the same session: each opens its own websocket, which lands on either
    # worker; every one shows the edit, and the session holds on both workers.
    context = browser_context
    tabs = 0
    while len(_pids(server, mark)) < WORKERS and tabs < MAX_TABS:
        tab = context.new_page()
        _open_inventory(tab, facility["id"])
        expect(tab.locator("#inventory-table tbody tr", has_text="Paint booth")).to_have_count(1)
        tab.close()
        tabs += 1

    # Upload a workbook (an HTTP POST, then the page follows the reading over its websocket).
    workbook = tmp_path / "two-workers.xlsx"
    sheet_write.inventory_workbook(
        workbook, str(facility["cers_id"]), [_material(n, f"Bay {n}") for n in range(3, 8)]
    )
    visit(page, f"{UPLOAD}?id={facility['id']}")
    expect(page.locator("#upload-form")).to_be_visible()
    page.set_input_files("#upload-file", str(workbook))
    page.check("#upload-mode-append")
    page.click("#upload-submit")
    expect(page).to_have_url(re.compile(r"/facilities/inventory/upload/?\?.*import=\d+"))
    wait_until_live(page)
    expect(page.locator("#upload-ready")).to_be_visible(timeout=60_000)
    expect(page.locator("#upload-count-add")).to_have_text("5")
    page.click("#upload-confirm")
    expect_toast(page, "The inventory was imported.")

    served = _pids(server, mark)
    assert len(served) >= WORKERS, (
        f"all events were served by one worker after {tabs} extra tabs: {served}"
    )
    assert server.process.pid not in served, "events ran in the supervisor, not in workers"
    assert all(events for events in served.values())
