"""Starting and stopping `reflex run --env prod` for the browser tests."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.smtp_sink import free_port

PROJECT = Path(__file__).resolve().parents[2]
SERVER_LOG = "server.log"
CHEMICAL_FIXTURE = PROJECT / "tests" / "unit" / "chemicals" / "fixture_library"


class ServerFailed(Exception):
    """The server could not be prepared or did not come up; the message has the log's end."""


def tail(path: Path, lines: int) -> str:
    text = path.read_text("utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


@dataclass
class AppServer:
    base_url: str
    log_path: Path
    process: subprocess.Popen = field(repr=False)
    env: dict[str, str] = field(repr=False)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_mark(self) -> int:
        """The log's current length; pass it to `log_since` to read what a test caused."""
        return self.log_path.stat().st_size

    def log_since(self, mark: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(mark)
            return log.read().decode("utf-8", errors="replace")

    def cli(self, *args: str) -> str:
        """Run `python -m cers_app ARGS` against this server's database; returns its output."""
        return _run_cli(list(args), self.env)

    def stop(self) -> None:
        """End the server and everything it started (it leads its own process group)."""
        group = self.process.pid
        for sig, grace in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                continue
            with contextlib.suppress(ProcessLookupError):  # workers the leader left behind
                os.killpg(group, signal.SIGKILL)
            return


def environment(
    data_dir: Path,
    base_url: str,
    smtp_port: int,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    workers: int = 1,
) -> dict[str, str]:
    """The server's environment: development mode, our SMTP sink, a database of its own.

    With `redis_url`, Reflex keeps state in that Redis and runs `workers` granian workers,
    each logging the events it serves (cers_app/core/worker_trace.py)."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CERS_", "REFLEX_", "PYTEST_"))
    }
    # Passed on as given: where CalEPA's EDT schemas are (not in the repository).
    passed = {key: os.environ[key] for key in ("CERS_EDT_XSD_DIR",) if key in os.environ}
    tools = PROJECT / ".tools" / "node_modules" / ".bin"
    path = os.pathsep.join([str(tools), str(Path(sys.executable).parent), os.environ["PATH"]])
    scale_out = (
        {
            "REFLEX_REDIS_URL": redis_url,
            "REFLEX_STATE_MANAGER_MODE": "redis",
            "GRANIAN_WORKERS": str(workers),
            "CERS_LOG_EVENT_WORKERS": "1",
        }
        if redis_url
        else {}
    )
    return {
        **inherited,
        **passed,
        "PATH": path,
        "PYTHONUNBUFFERED": "1",  # the log shows each line as it happens
        "CERS_ENV": "development",
        "CERS_DATABASE_URL": f"sqlite:///{data_dir / 'e2e.db'}",
        "CERS_BASE_URL": base_url,
        "CERS_SECRET_KEY": secrets.token_urlsafe(48),
        "CERS_SMTP_HOST": "127.0.0.1",
        "CERS_SMTP_PORT": str(smtp_port),
        "CERS_MAIL_BACKEND": "smtp",
        "CERS_DATA_DIR": str(data_dir),
        "CERS_BCRYPT_ROUNDS": "4",
        "REFLEX_STATE_MANAGER_MODE": "memory",  # no shared .states between test servers
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "NPM_CONFIG_REGISTRY": "https://registry.npmjs.org/",
        **({"CERS_DATABASE_URL": database_url} if database_url else {}),
        **scale_out,
    }


def _run_cli(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cers_app", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise ServerFailed(
            f"python -m cers_app {args[0]} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def _answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(
    data_dir: Path,
    smtp_port: int,
    timeout_seconds: float,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    workers: int = 1,
) -> AppServer:
    """Migrate and seed a new database, then serve the app on a free port until stopped.

    The first start of a checkout builds the frontend, which takes a while; the wait polls the
    page and the health route until both answer, or the process dies, or time runs out.
    """
    port = free_port()
    base_url = f"http://localhost:{port}"
    env = environment(
        data_dir,
        base_url,
        smtp_port,
        database_url=database_url,
        redis_url=redis_url,
        workers=workers,
    )
    _run_cli(["migrate"], env)
    # The small chemical library (with Motor Oil and Nitrogen), not the full seed.
    _run_cli(["chemicals", "seed", "--from", str(CHEMICAL_FIXTURE)], env)
    _run_cli(["seed-demo"], env)
    log_path = data_dir / SERVER_LOG
    command = [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod"]
    command += ["--frontend-port", str(port), "--backend-port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = AppServer(base_url=base_url, log_path=log_path, process=process, env=env)
    deadline = time.monotonic() + timeout_seconds
    while not (_answers(base_url + "/") and _answers(base_url + "/health")):
        problem = None
        if process.poll() is not None:
            problem = f"reflex run exited ({process.returncode}) before serving"
        elif time.monotonic() > deadline:
            problem = f"reflex run did not answer on {base_url} within {timeout_seconds:.0f}s"
        if problem:
            server.stop()
            raise ServerFailed(f"{problem}:\n{tail(log_path, 80)}")
        time.sleep(0.5)
    return server
