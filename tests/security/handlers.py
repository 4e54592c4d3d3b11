"""The registered event handlers, as the security tests see them.

Importing this module imports the app, which registers every state and handler. Each handler is
classified the way the AuthGate treats it: an app handler with a policy marker, a framework
handler (Reflex's own, let through with its payload checked) or anything else (denied).
"""

from __future__ import annotations

import inspect
import types
import typing
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from reflex_base.event import resolve_upload_chunk_handler_param, resolve_upload_handler_param
from reflex_base.registry import RegistrationContext
from reflex_base.utils.exceptions import UploadTypeError, UploadValueError

import cers_app.cers_app  # noqa: F401  (registers every state and handler)
from cers_app.access import gate
from cers_app.core.permissions import PUBLIC, Permission, policy_of

PUBLIC_LIST = Path(__file__).with_name("public_handlers.txt")


@dataclass(frozen=True)
class Handler:
    """One registered handler: its full event name and the function behind it."""

    name: str
    fn: Any
    is_background: bool
    registered: Any

    @property
    def short_name(self) -> str:
        return self.name.rsplit(".", 1)[-1]

    @property
    def in_app(self) -> bool:
        return self.fn.__module__.startswith(gate.APP_PACKAGE)

    @property
    def is_framework(self) -> bool:
        return gate._is_framework(self.name, self.fn)

    @property
    def policy(self) -> frozenset[Permission] | str | None:
        return policy_of(self.fn)

    @property
    def is_public(self) -> bool:
        return self.policy == PUBLIC

    @property
    def needs(self) -> frozenset[Permission]:
        """The permissions an app handler requires (empty for public and unmarked ones)."""
        policy = self.policy
        return policy if isinstance(policy, frozenset) else frozenset()

    @cached_property
    def parameters(self) -> list[inspect.Parameter]:
        """The handler's parameters after `self`, with annotations resolved."""
        hints = typing.get_type_hints(self.fn)
        params = []
        for param in inspect.signature(self.fn).parameters.values():
            if param.name == "self":
                continue
            params.append(param.replace(annotation=hints.get(param.name, Any)))
        return params

    @property
    def upload_parameter(self) -> str | None:
        """The name of the parameter that receives uploaded files, if this is an upload handler."""
        handler = self.registered.handler
        resolvers = (resolve_upload_handler_param, resolve_upload_chunk_handler_param)
        for resolve in resolvers:
            try:
                name, _annotation = resolve(handler)
            except (UploadTypeError, UploadValueError):
                continue
            return name
        return None


def is_checked_annotation(annotation: Any) -> bool:
    """Whether cers_app.core.handler_args really checks values of this annotation."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        return all(arg is type(None) or is_checked_annotation(arg) for arg in args)
    if annotation in (str, int, float, bool):
        return True
    if origin is dict:
        key, value = typing.get_args(annotation) or (None, None)
        return key is str and (value is Any or is_checked_annotation(value))
    if origin is list:
        (item,) = typing.get_args(annotation) or (None,)
        return is_checked_annotation(item)
    return False


def _registry() -> dict[str, Any]:
    """The registry without states that tests define on the fly (the server has none of them)."""
    return {
        name: registered
        for name, registered in RegistrationContext.get().event_handlers.items()
        if not registered.states[0].__module__.startswith("tests.")
    }


def all_handlers() -> list[Handler]:
    """Every handler in the registry, sorted by name."""
    return [
        Handler(
            name=name,
            fn=registered.handler.fn,
            is_background=bool(registered.handler.is_background),
            registered=registered,
        )
        for name, registered in sorted(_registry().items())
    ]


def registry_size() -> int:
    """How many handlers are registered right now."""
    return len(_registry())


def reviewed_public_names() -> set[str]:
    """The names listed in public_handlers.txt (blank lines and # comments ignored)."""
    names = set()
    for line in PUBLIC_LIST.read_text("utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            names.add(entry)
    return names
