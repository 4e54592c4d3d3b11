"""Which worker process served each event: one log line per event, when asked for.

With several backend workers a tab's websocket stays on one worker while another tab (or an
upload) may land on another; operators and the two-worker browser test read these lines to
see the spread. Off unless CERS_LOG_EVENT_WORKERS=1 (a line per event is noisy).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from reflex.middleware import Middleware
from reflex.state import BaseState, StateUpdate
from reflex_base.event import Event

log = logging.getLogger("cers_app.workers")

ENV_VAR = "CERS_LOG_EVENT_WORKERS"
# The test parses this; keep it stable.
LINE = "event %s served by worker pid=%d"


def enabled() -> bool:
    """Whether CERS_LOG_EVENT_WORKERS asks for the per-event lines."""
    return os.environ.get(ENV_VAR, "").strip().lower() in {"1", "true", "yes"}


def short_name(event_name: str) -> str:
    """`...inventory___state____inventory_state.save_row` -> `inventory_state.save_row`."""
    return ".".join(event_name.rsplit(".", 2)[-2:])


class EventWorkerTrace(Middleware):
    """Logs the event's name and this process's id before the event runs."""

    async def preprocess(self, app: Any, state: BaseState, event: Event) -> StateUpdate | None:
        log.info(LINE, short_name(event.name), os.getpid())
        return None
