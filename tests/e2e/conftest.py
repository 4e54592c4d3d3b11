"""Browser journeys against `reflex run --env prod`: one server, one Chromium, a real SMTP sink.

Run them in their own pytest process: `python -m pytest tests/e2e`. The server and the browser
start once per run; every test gets a fresh browser context (no shared cookies) and makes its
own users, so tests do not depend on each other.

Without /usr/bin/chromium the suite is skipped, unless CERS_REQUIRE_BROWSER=1 makes that a
failure (CI sets it).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import playwright as playwright_package
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests import env
from tests.e2e.flows import SHOTS
from tests.e2e.server import PROJECT, SERVER_LOG, AppServer, ServerFailed, start_server, tail
from tests.e2e.smtp_sink import SmtpSink

CHROMIUM = Path(os.environ.get("CERS_E2E_CHROMIUM", "/usr/bin/chromium"))  # Debian's package
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_SECONDS = float(os.environ.get("CERS_E2E_START_TIMEOUT", "600"))
WAIT_MS = 20_000  # Playwright's waiting limit for one action or expectation
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
VIDEO_SIZE = {"width": 1280, "height": 900}
BROWSERS_JSON = Path("driver") / "package" / "browsers.json"

# Reflex calls window.__reflex_otel.onSocketConnect() once its websocket is open, which also
# means React has hydrated the page and form handlers are attached. Tests wait for this flag
# before they type, so a click can never fall through to a native form submission.
READY_HOOK = """
window.__cersE2E = { connected: false };
window.__reflex_otel = Object.assign(window.__reflex_otel || {}, {
  onSocketConnect() { window.__cersE2E.connected = true; },
  onSocketDisconnect() { window.__cersE2E.connected = false; },
});
"""

_server_dirs: list[Path] = []
# Servers started by this run: a test needing a server of its own (two workers) stops these
# first, since every `reflex run --env prod` rebuilds the one .web/build for its own port.
running_servers: list[AppServer] = []
LAST_MODULES = ("test_two_workers.py",)


# ---------------------------------------------------------------- collection and reporting


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the journeys; refuse to run them beside other tests or under xdist workers."""
    here = Path(__file__).parent
    journeys = [item for item in items if here in item.path.parents]
    for item in journeys:
        item.add_marker(pytest.mark.e2e)
    reason = None
    if os.environ.get("PYTEST_XDIST_WORKER"):
        reason = "browser journeys do not run under pytest-xdist"
    elif len(journeys) < len(items):
        reason = "browser journeys run in their own pytest process"
    if reason:
        skip = pytest.mark.skip(reason=f"{reason}: python -m pytest tests/e2e")
        for item in journeys:
            item.add_marker(skip)
    # Journeys that start a server of their own run after everything using the shared one.
    items.sort(key=lambda item: item.path.name in LAST_MODULES)


_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(item: pytest.Item) -> bool:
    return any(report.failed for report in item.stash.get(_REPORTS, {}).values())


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if exitstatus == 0:
        for path in _server_dirs:
            shutil.rmtree(path, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus: int) -> None:
    """On failure, show the end of the server's log (its tracebacks explain most failures)."""
    if exitstatus == 0:
        return
    for path in _server_dirs:
        log_path = path / SERVER_LOG
        if log_path.exists():
            terminalreporter.section(f"OpenCERS server log (kept in {path})")
            terminalreporter.write_line(tail(log_path, 200))
    if SHOTS.exists():
        terminalreporter.write_line(f"Screenshots of failed tests: {SHOTS}/FAILED-*.png")


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    """Debian's chromium; its absence skips the suite unless CERS_REQUIRE_BROWSER=1."""
    if not CHROMIUM.is_file() or not os.access(CHROMIUM, os.X_OK):
        message = (
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium, or "
            "make setup-dev) to run the browser journeys"
        )
        if env.required("CERS_REQUIRE_BROWSER"):
            pytest.fail(message + " (CERS_REQUIRE_BROWSER=1)", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


def _use_system_ffmpeg() -> None:
    """Playwright records videos with an ffmpeg of its own that it downloads, which this
    machine cannot; point it at Debian's ffmpeg instead, through a browsers folder of ours
    holding only that link (Chromium itself is always given by its path)."""
    system = shutil.which("ffmpeg")
    if system is None:
        return  # only recording needs it; that test says so
    spec = json.loads((Path(playwright_package.__file__).parent / BROWSERS_JSON).read_text())
    revision = next(b["revision"] for b in spec["browsers"] if b["name"] == "ffmpeg")
    folder = PROJECT / ".tools" / "ms-playwright"
    link = folder / f"ffmpeg-{revision}" / "ffmpeg-linux"
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(system)
    os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(folder)


@pytest.fixture(scope="session")
def chromium(chromium_executable: Path) -> Iterator[Browser]:
    """One Chromium for the whole run."""
    for old_shot in SHOTS.glob("FAILED-*.png"):
        old_shot.unlink()
    _use_system_ffmpeg()
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


# ---------------------------------------------------------------- mail and server


@pytest.fixture(scope="session")
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture(scope="session")
def _one_build_at_a_time() -> Iterator[None]:
    """`reflex run --env prod` rebuilds .web/build on start: two runs of this checkout would
    break each other's frontend, so e2e runs of one checkout take turns."""
    digest = hashlib.sha256(str(PROJECT).encode()).hexdigest()[:12]
    lock_path = Path(tempfile.gettempdir()) / f"opencers-e2e-{digest}.lock"
    with lock_path.open("w") as handle:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another e2e run of {PROJECT} holds {lock_path}", pytrace=False)
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def server_dir() -> Path:
    """The server's database, data files and log; removed after a run that passed."""
    path = Path(tempfile.mkdtemp(prefix="opencers-e2e-"))
    _server_dirs.append(path)
    return path


@pytest.fixture(scope="session")
def app_server(
    chromium_executable: Path,
    smtp_sink: SmtpSink,
    server_dir: Path,
    _one_build_at_a_time: None,
) -> Iterator[AppServer]:
    """`reflex run --env prod` on a free port with a migrated, seeded temporary database."""
    try:
        server = start_server(server_dir, smtp_sink.port, START_TIMEOUT_SECONDS)
    except ServerFailed as exc:
        pytest.fail(str(exc), pytrace=False)
    running_servers.append(server)
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- pages


@pytest.fixture
def open_page(
    chromium: Browser, app_server: AppServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Opens a page in a new browser context (its own cookies); `phone=True` for 390x844,
    `video_dir` to record the context's pages as WebM videos there.

    Every context is closed after the test; a failing test leaves screenshots of its pages in
    /tmp/e2e-shots. Uncaught page errors fail the test.
    """
    contexts: list[BrowserContext] = []
    pages: list[Page] = []
    page_errors: list[str] = []

    def opener(*, phone: bool = False, video_dir: Path | None = None) -> Page:
        options: dict = {"base_url": app_server.base_url}
        if video_dir is not None:  # the Help page's demo video is recorded this way
            options |= {"record_video_dir": str(video_dir), "record_video_size": VIDEO_SIZE}
        if phone:
            options |= {"viewport": PHONE, "is_mobile": True, "has_touch": True}
            options["device_scale_factor"] = 2
        else:
            options["viewport"] = DESKTOP
        context = chromium.new_context(**options)
        context.set_default_timeout(WAIT_MS)
        context.add_init_script(READY_HOOK)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: page_errors.append(f"{page.url}: {error}"))
        pages.append(page)
        return page

    yield opener

    if _failed(request.node):
        SHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, page in enumerate(pages):
            if not page.is_closed():
                with contextlib.suppress(PlaywrightError):  # never hide the test's own failure
                    shot = SHOTS / f"FAILED-{name}-{number}.png"
                    page.screenshot(path=str(shot), full_page=True)
    for context in contexts:
        context.close()
    assert not page_errors, "uncaught errors in the page:\n" + "\n".join(page_errors)


@pytest.fixture
def ui(open_page: Callable[..., Page]) -> Page:
    """A desktop-sized page of its own for this test."""
    return open_page()


expect.set_options(timeout=WAIT_MS)
