"""Reading what a handler returned, and moving the fake browser to another page."""

from __future__ import annotations

from typing import Any

from reflex.state import State


def navigate(root: State, path: str) -> None:
    """Pretend the browser navigated to `path` (with its query)."""
    root.router_data = root._update_router_vars(
        {**root.router_data, "pathname": path.split("?")[0], "asPath": path}, root.router_data
    )


def root_at(path: str = "/", **query: str) -> State:
    """A fresh root state for a browser at `path?query` (on 127.0.0.1, as the `root` fixture)."""
    state = State(_reflex_internal_init=True)
    as_path = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    state.router_data = state._update_router_vars(
        {
            "token": "state-test-token",
            "sid": "sid-1",
            "pathname": path,
            "asPath": as_path,
            "query": dict(query),
            "headers": {},
            "ip": "198.51.100.20",
        },
        {},
    )
    return state


def events(result: Any) -> list[Any]:
    """A handler's result as a list of events."""
    return result if isinstance(result, list) else [result] if result is not None else []


def says(result: Any, text: str) -> bool:
    """Whether one of the returned events (a toast, usually) carries `text`."""
    return any(text in str(event.args) for event in events(result))


def redirects(result: Any) -> list[str]:
    """The paths the returned events redirect to."""
    return [
        str(event.args[0][1]._var_value)
        for event in events(result)
        if getattr(event.handler.fn, "__qualname__", "") == "_redirect"
    ]
