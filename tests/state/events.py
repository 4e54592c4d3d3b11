"""Reading what a handler returned, and moving the fake browser to another page."""

from __future__ import annotations

from typing import Any

from reflex.state import State


def navigate(root: State, path: str) -> None:
    """Pretend the browser navigated to `path` (with its query)."""
    root.router_data = root._update_router_vars(
        {**root.router_data, "pathname": path.split("?")[0], "asPath": path}, root.router_data
    )


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
