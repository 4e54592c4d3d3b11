"""Logging for the app's own loggers (Reflex configures its own)."""

from __future__ import annotations

import logging
import os


def configure() -> None:
    """Send `cers_app.*` records to stderr at CERS_LOG_LEVEL (default INFO), once."""
    logger = logging.getLogger("cers_app")
    if logger.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(os.environ.get("CERS_LOG_LEVEL", "INFO").upper())
    logger.propagate = False
