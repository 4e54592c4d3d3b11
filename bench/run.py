"""Benchmarks: each prints its figure and the ratio to a yardstick measured in the same run.

Run with `make bench`. Figures vary by machine; the ratios are what to compare over time.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("CERS_ENV", "test")
os.environ.setdefault("CERS_SECRET_KEY", "benchmark-secret-key-that-is-long-enough-0123")
os.environ.setdefault("CERS_DATA_DIR", tempfile.mkdtemp(prefix="opencers-bench-"))


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds of one call of `fn` over `repeat` calls (after one warm-up)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(name: str, value: float, yardstick_name: str, yardstick: float) -> None:
    print(
        f"{name:<34} {value * 1000:9.3f} ms   yardstick {yardstick_name:<26} "
        f"{yardstick * 1000:8.3f} ms   ratio {value / yardstick:7.2f}"
    )


def main() -> None:
    from cers_app.core import migrations
    from cers_app.core.settings import reload_settings

    url = os.environ.get("CERS_BENCH_DATABASE_URL") or (
        f"sqlite:///{Path(os.environ['CERS_DATA_DIR']) / 'bench.db'}"
    )
    os.environ["CERS_DATABASE_URL"] = url
    reload_settings()
    migrations.upgrade(url)

    import bcrypt
    import sqlalchemy as sa

    from cers_app.access import identity
    from cers_app.accounts import service, sessions
    from cers_app.accounts.views import Registration
    from cers_app.core import db
    from cers_app.core.permissions import Portal
    from cers_app.core.settings import get_settings

    password = "Quiet-Meadow-Lantern-7"
    db.run(
        service.create_activated_user,
        Registration(
            "Bea",
            "Bench",
            "bea@example.com",
            "beabench",
            password,
            password,
            "first_pet",
            "Rex",
            "bench phrase",
            "",
        ),
        actor_user_id=None,
        accept_conditions=True,
    )
    grant = db.run(
        sessions.check_password,
        "beabench",
        password,
        Portal.BUSINESS,
        client_ip="127.0.0.1",
        portal_check=identity.portal_refusal,
    )
    opened = db.run(sessions.open_session, grant.token, client_ip="127.0.0.1", user_agent="b")
    cookie = f"{identity.SESSION_COOKIE}={opened.cookie_value}"

    print(f"database: {url.split('://')[0]}   bcrypt cost {get_settings().bcrypt_rounds}")

    def select_one() -> None:
        db.run(lambda s: s.execute(sa.text("SELECT 1")).scalar_one())

    def resolve() -> None:
        assert db.run(identity.resolve_actor, cookie, "127.0.0.1") is not None

    yard = timed(select_one, 300)
    report("gate: resolve actor per event", timed(resolve, 300), "SELECT 1 round trip", yard)

    stored = bcrypt.hashpw(password.encode(), bcrypt.gensalt(get_settings().bcrypt_rounds))

    def raw_bcrypt() -> None:
        bcrypt.checkpw(password.encode(), stored)

    def check() -> None:
        db.run(
            sessions.check_password,
            "beabench",
            password,
            Portal.BUSINESS,
            client_ip="127.0.0.2",
            portal_check=identity.portal_refusal,
        )

    report("sign-in: password step", timed(check, 15), "one bcrypt verify", timed(raw_bcrypt, 15))


if __name__ == "__main__":
    main()
