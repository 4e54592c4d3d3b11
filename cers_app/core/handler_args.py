"""Checking an event's payload against the handler's signature before the handler runs.

Reflex does not enforce type hints on event arguments (a client may send anything), so the
gate refuses payloads with unknown or missing arguments, wrong types, oversized values, or text
that is not valid Unicode (lone surrogates, which JSON can carry but no database can store).
Supported annotations: str, int, float, bool, dict[str, str], dict[str, Any], list[str],
list[int], and `X | None` of those. Parameters with other annotations are not checked here.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from typing import Any

MAX_STRING = 20_000
MAX_ITEMS = 200
# How Reflex sends a submitted form: {"__reflex_form_data__": [[name, value], ...]}.
# Must equal reflex_base.utils.form.FORM_DATA_ENTRIES_KEY (a test checks it).
FORM_DATA_ENTRIES_KEY = "__reflex_form_data__"


class PayloadError(ValueError):
    """The payload does not fit the handler's signature."""


def _encodable(text: str) -> bool:
    """False for JSON-escaped lone surrogates: no database, hash or log can take them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_value(name: str, annotation: Any, value: Any) -> None:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(annotation)
        if value is None and type(None) in options:
            return
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                _check_value(name, option, value)
                return
            except PayloadError as exc:
                errors.append(str(exc))
        raise PayloadError(errors[0] if errors else f"{name}: not allowed")
    if annotation is Any:
        return
    if annotation is str:
        if not isinstance(value, str):
            raise PayloadError(f"{name} must be text")
        if len(value) > MAX_STRING:
            raise PayloadError(f"{name} is too long")
        if not _encodable(value):
            raise PayloadError(f"{name} is not valid text")
        return
    if annotation is bool:
        if not isinstance(value, bool):
            raise PayloadError(f"{name} must be true or false")
        return
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**53:
            raise PayloadError(f"{name} must be a whole number")
        return
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PayloadError(f"{name} must be a number")
        return
    if origin is dict:
        key_type, value_type = typing.get_args(annotation) or (str, Any)
        if isinstance(value, dict) and set(value) == {FORM_DATA_ENTRIES_KEY}:
            _check_form_entries(name, value_type, value[FORM_DATA_ENTRIES_KEY])
            return
        if not isinstance(value, dict) or len(value) > MAX_ITEMS:
            raise PayloadError(f"{name} must be a form of at most {MAX_ITEMS} fields")
        for key, item in value.items():
            _check_value(f"{name} key", key_type, key)
            _check_value(f"{name}.{key}"[:80], value_type, item)
        return
    if origin is list:
        (item_type,) = typing.get_args(annotation) or (Any,)
        if not isinstance(value, list) or len(value) > MAX_ITEMS:
            raise PayloadError(f"{name} must be a list of at most {MAX_ITEMS} items")
        for item in value:
            _check_value(name, item_type, item)
        return
    # Other annotations (for example upload files) are left to the handler itself.


def _check_form_entries(name: str, value_type: Any, entries: Any) -> None:
    if not isinstance(entries, list) or len(entries) > MAX_ITEMS:
        raise PayloadError(f"{name} must be a form of at most {MAX_ITEMS} fields")
    for entry in entries:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)):
            raise PayloadError(f"{name} has a malformed field")
        _check_value(f"{name} key", str, entry[0])
        _check_value(f"{name}.{entry[0]}"[:80], value_type, entry[1])


def check_payload(fn: Callable[..., Any], payload: Any) -> None:
    """Raise PayloadError unless `payload` fits the parameters of handler `fn` (after self)."""
    if not isinstance(payload, dict):
        raise PayloadError("the request arguments must be named")
    signature = inspect.signature(fn)
    hints = typing.get_type_hints(fn)
    params = [p for p in signature.parameters.values() if p.name != "self"]
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    known = {p.name for p in params}
    unknown = set(payload) - known
    if unknown and not takes_any:
        raise PayloadError("unexpected argument " + ", ".join(sorted(map(str, unknown)))[:200])
    for param in params:
        if param.kind in (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL):
            continue
        if param.name not in payload:
            if param.default is inspect.Parameter.empty:
                raise PayloadError(f"missing argument {param.name}")
            continue
        _check_value(param.name, hints.get(param.name, Any), payload[param.name])
