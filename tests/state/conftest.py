"""Running state handlers without a browser, as the gate would let them run."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reflex.state import State

import cers_app.cers_app  # noqa: F401  (registers every state and handler)
from cers_app.core.permissions import Actor, set_current_actor


@pytest.fixture
def root() -> State:
    """A fresh root state with router data like a browser on 127.0.0.1 would send."""
    state = State(_reflex_internal_init=True)
    state.router_data = state._update_router_vars(
        {
            "token": "state-test-token",
            "sid": "sid-1",
            "pathname": "/",
            "asPath": "/",
            "query": {},
            "headers": {},
            "ip": "198.51.100.20",
        },
        {},
    )
    return state


@pytest.fixture
def as_actor() -> Iterator:
    """Set the actor the handlers see (what the gate does before each event)."""

    def use(actor: Actor | None) -> None:
        set_current_actor(actor)

    yield use
    set_current_actor(None)


def form(**fields: str) -> dict[str, str]:
    return dict(fields)
