"""The real backend for the hostile-client tests: `reflex run --env prod --backend-only`.

It gets a temporary SQLite database, migrated and seeded with the demo data through the CLI, with
a canary string planted in rows that only a regulator may see. The process runs in its own
process group and writes stdout and stderr to one log file, which the tests read for tracebacks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from cers_app import demo
from cers_app.accounts.models import User
from cers_app.accounts.rules import username_key
from cers_app.core.mail import EmailMessage
from cers_app.core.settings import normalise_database_url
from tests import env

PROJECT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = float(os.environ.get("CERS_SECURITY_START_TIMEOUT", "180"))
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "unhandled error in an event handler")


def free_port() -> int:
    """A free TCP port on the loopback interface (never 3000, which the developer may use)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port != 3000:
            return port


@dataclass
class Backend:
    port: int
    log_path: Path
    database_url: str
    canary: str
    canary_email_id: int
    process: subprocess.Popen

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def engine(self) -> sa.Engine:
        """A separate engine on the server's database (no pooled connections kept)."""
        return sa.create_engine(self.database_url, poolclass=NullPool)

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode("utf-8", errors="replace")

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_since(0).splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None and answers(self.base_url + "/ping")


def answers(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def environment(data_dir: Path, database_url: str, port: int) -> dict[str, str]:
    """The server's environment: nothing inherited from the test process's CERS_/REFLEX_ vars."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CERS_", "REFLEX_", "PYTEST_"))
    }
    tools = PROJECT / ".tools" / "node_modules" / ".bin"
    path = os.pathsep.join([str(tools), str(Path(sys.executable).parent), os.environ["PATH"]])
    return {
        **inherited,
        "PATH": path,
        "CERS_ENV": "test",
        "CERS_DATABASE_URL": database_url,
        "CERS_BASE_URL": f"http://127.0.0.1:{port}",
        "CERS_SECRET_KEY": secrets.token_urlsafe(48),
        "CERS_MAIL_BACKEND": "outbox",
        "CERS_DATA_DIR": str(data_dir),
        "CERS_BCRYPT_ROUNDS": "4",
        "CERS_LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",  # every log line reaches the file before a test reads it
        "REFLEX_STATE_MANAGER_MODE": "memory",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "REFLEX_CHECK_LATEST_VERSION": "false",
        "REFLEX_USE_SYSTEM_BUN": "1",
    }


def run_cli(command: str, env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cers_app", command],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"python -m cers_app {command} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )


def plant_canary(database_url: str, canary: str) -> int:
    """Put `canary` where only the regulator (or an administrator) may see it.

    Returns the id of an email message addressed to the regulator, for forged-id requests.
    """
    engine = sa.create_engine(database_url, poolclass=NullPool)
    try:
        with Session(engine) as session:
            regulator = session.exec(
                select(User).where(User.username_key == username_key(demo.REGULATOR.username))
            ).one()
            regulator.last_name = canary
            session.add(regulator)
            session.execute(sa.text("UPDATE agency SET name = :name"), {"name": f"Agency {canary}"})
            message = EmailMessage(
                created_at=dt.datetime.now(dt.UTC),
                user_id=regulator.id,
                kind="password_reset",
                to_address=regulator.email,
                subject=f"Reset link {canary}",
                body_text=f"Your reset token is {canary}",
                body_html=f"<p>Your reset token is {canary}</p>",
                status="sent",
            )
            session.add(message)
            session.commit()
            assert message.id is not None
            return message.id
    finally:
        engine.dispose()


def table_digests(engine: sa.Engine, ignore: dict[str, set[str]] | None = None) -> dict[str, str]:
    """A digest of every table (all rows, ordered by primary key), keyed by table name.

    `ignore` names columns left out per table (for example a session's last-seen time).
    """
    ignore = ignore or {}
    inspector = sa.inspect(engine)
    digests = {}
    with engine.connect() as connection:
        for table in sorted(inspector.get_table_names()):
            columns = [column["name"] for column in inspector.get_columns(table)]
            order = inspector.get_pk_constraint(table)["constrained_columns"] or columns
            kept = [column for column in columns if column not in ignore.get(table, set())]
            select_list = ", ".join(f'"{column}"' for column in kept)
            order_by = ", ".join(f'"{column}"' for column in order)
            rows = connection.execute(
                sa.text(f'SELECT {select_list} FROM "{table}" ORDER BY {order_by}')  # noqa: S608
            )
            digest = hashlib.sha256()
            count = 0
            for row in rows:
                digest.update(repr(tuple(row)).encode())
                count += 1
            digests[table] = f"{count} rows, sha256 {digest.hexdigest()[:16]}"
    return digests


@contextlib.contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A new, empty schema in the PostgreSQL test database, dropped afterwards; yields its URL.

    Raises OSError when PostgreSQL does not answer.
    """
    admin = sa.create_engine(normalise_database_url(base_url), poolclass=NullPool)
    schema = f"backend_{uuid.uuid4().hex[:12]}"
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        raise OSError(f"PostgreSQL is not available at {base_url}: {exc}") from exc
    separator = "&" if "?" in base_url else "?"
    try:
        yield normalise_database_url(f"{base_url}{separator}options=-csearch_path%3D{schema}")
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def start(data_dir: Path, database_url: str | None = None) -> Backend:
    """Migrate, seed, plant the canary and start the backend; raise if it does not come up.

    The database is a new SQLite file unless `database_url` names another (an empty one).
    """
    port = free_port()
    database_url = database_url or f"sqlite:///{data_dir / 'hostile.db'}"
    env = environment(data_dir, database_url, port)
    run_cli("migrate", env)
    run_cli("seed-demo", env)
    canary = f"CANARY{secrets.token_hex(8)}"
    email_id = plant_canary(database_url, canary)
    log_path = data_dir / "server.log"
    command = [str(Path(sys.executable).parent / "reflex"), "run", "--env", "prod"]
    command += ["--backend-only", "--backend-port", str(port), "--backend-host", "127.0.0.1"]
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
    backend = Backend(port, log_path, database_url, canary, email_id, process)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not answers(backend.base_url + "/ping"):
        if process.poll() is not None:
            raise RuntimeError(
                f"reflex run exited ({process.returncode}) before answering:\n{backend.tail()}"
            )
        if time.monotonic() > deadline:
            stop(process)
            raise RuntimeError(
                f"reflex run did not answer /ping within {START_TIMEOUT_SECONDS:.0f}s:\n"
                + backend.tail()
            )
        time.sleep(0.25)
    return backend


def stop(process: subprocess.Popen) -> None:
    """End the server and everything it started (its own process group)."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
        with contextlib.suppress(ProcessLookupError):  # workers the leader left behind
            os.killpg(process.pid, signal.SIGKILL)
        return


def serving(request, tmp_path_factory, name: str) -> Iterator[Backend]:
    """A started backend for a module-scoped fixture whose `request.param` is "sqlite" or
    "postgresql" (a schema of its own). A PostgreSQL that cannot be reached skips the module,
    or fails it when CERS_REQUIRE_POSTGRES is set; a backend that does not start fails it."""
    with contextlib.ExitStack() as stack:
        database_url = None
        if request.param == "postgresql":
            try:
                database_url = stack.enter_context(postgres_schema(env.postgres_url()))
            except OSError as exc:
                if env.required("CERS_REQUIRE_POSTGRES"):
                    pytest.fail(str(exc), pytrace=False)
                pytest.skip(str(exc))
        try:
            running = start(tmp_path_factory.mktemp(name), database_url)
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            pytest.fail(f"the OpenCERS backend did not start: {exc}", pytrace=False)
        try:
            yield running
        finally:
            stop(running.process)
            running.engine().dispose()
