"""The one clock of the app: UTC now (settable in tests) and the agency time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from cers_app.core.settings import get_settings

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    if _frozen is not None:
        return _frozen
    return dt.datetime.now(dt.UTC)


def set_now(value: dt.datetime | None) -> None:
    """Freeze the clock at `value` (aware), or unfreeze it with None. For tests and the CLI."""
    global _frozen
    if value is not None and value.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    _frozen = value.astimezone(dt.UTC) if value else None


def advance(**delta: float) -> dt.datetime:
    """Move a frozen clock forward by a timedelta given as keywords (minutes=16)."""
    set_now(now() + dt.timedelta(**delta))
    return now()


def agency_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().agency_time_zone)


def local(moment: dt.datetime) -> dt.datetime:
    """`moment` in the agency's time zone, for display and due dates."""
    return moment.astimezone(agency_zone())


def today() -> dt.date:
    """Today's date in the agency's time zone."""
    return local(now()).date()


def format_local(moment: dt.datetime | None) -> str:
    """A short local timestamp such as 'Nov 22, 2026 4:05 PM PST'; empty for None."""
    if moment is None:
        return ""
    shown = local(moment)
    return shown.strftime("%b %d, %Y %I:%M %p %Z").replace(" 0", " ")
