"""What /health reports: the database and (when configured) Redis, each "ok" or why not."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from cers_app.core import db
from cers_app.core.settings import get_settings

log = logging.getLogger("cers_app.health")
REDIS_TIMEOUT_SECONDS = 2.0


def _database() -> str:
    def ping(session) -> None:
        session.execute(sa.text("SELECT 1"))

    try:
        db.run(ping)
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        log.warning("health: database: %s", exc)
        return "unreachable"
    return "ok"


def _redis() -> str:
    url = get_settings().redis_url
    if not url:
        return "not configured"
    import redis

    client = redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as exc:
        log.warning("health: redis: %s", exc)
        return "unreachable"
    finally:
        client.close()
    return "ok"


def probe() -> dict[str, str]:
    """{"database": ..., "redis": ...}: "ok", "unreachable" or "not configured"."""
    return {"database": _database(), "redis": _redis()}
