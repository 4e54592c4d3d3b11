"""Counting an in-process HTTP client's answers for `make security-report`."""

from __future__ import annotations

from typing import Any

import httpx

from cers_app.core import routes
from cers_app.submittals.document_routes import UPLOADED
from tests.security.report import tally


def outcome(response: httpx.Response) -> str:
    """How the route answered: a 5xx "crashed"; a 4xx, or a redirect back to the form with an
    error (or to sign in), "refused"; anything else "allowed"."""
    if response.status_code >= 500:
        return "crashed"
    if response.status_code >= 400:
        return "refused"
    location = response.headers.get("location", "")
    if location.startswith(routes.SIGN_IN) or "error=" in location:
        return "refused"
    if "doc_result=" in location and f"doc_result={UPLOADED}" not in location:
        return "refused"
    return "allowed"


def count_responses(client: Any, suite: str) -> None:
    """Tally every response `client` (an httpx client, or Starlette's TestClient) receives."""

    def record(response: httpx.Response) -> None:
        tally(suite, outcome(response))

    client.event_hooks = {
        **client.event_hooks,
        "response": [*client.event_hooks["response"], record],
    }
