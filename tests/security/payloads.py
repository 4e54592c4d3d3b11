"""Hostile payloads for one handler, built from its signature.

Each case says whether the AuthGate's payload check must refuse it (`must_refuse`): unknown or
missing arguments, payloads that are not a mapping, values of the wrong type, oversized values,
malformed form data and lone surrogates. The other cases have the right shape but junk content
(forged ids, control characters, script tags, bidi overrides, form-data wire format full of junk
fields): the gate lets those reach a public handler, which must answer with its own validation
errors. Upload parameters get JSON look-alikes of files, which no websocket event may deliver.
"""

from __future__ import annotations

import inspect
import types
import typing
from dataclasses import dataclass
from typing import Any

from cers_app.core.handler_args import FORM_DATA_ENTRIES_KEY, MAX_ITEMS, MAX_STRING
from tests.security.handlers import Handler, is_checked_annotation

FORM = FORM_DATA_ENTRIES_KEY
JUNK_TEXT = "\x00<script>alert(1)</script>' OR '1'='1'; DROP TABLE user_account; --\u202e"
SURROGATE = "x\ud800y"  # JSON can carry a lone surrogate; no database or hash can take one
LONG_JUNK = "\x07" + "j" * (MAX_STRING - 2_000)  # fits the gate's limit, not any field's
FIELD_NAMES = (
    "username",
    "password",
    "password_confirm",
    "current_password",
    "email",
    "who",
    "first_name",
    "last_name",
    "security_question",
    "security_answer",
    "phrase",
    "accept",
    "accept_conditions",
    "query",
    "id",
    "user_id",
    "agency_id",
    "token",
    "__proto__",
)
FORGED_IDS: tuple[Any, ...] = (1, 2, 0, -1, 2**53)
FORGED_ID_TEXT = ("1", "2", "-1", "1 OR 1=1", "../../1", "0x1")


@dataclass(frozen=True)
class Case:
    label: str
    payload: Any
    must_refuse: bool
    junk_form: bool = False
    """A well-formed form full of junk: an app handler must answer with validation errors."""


def _options(annotation: Any) -> tuple[Any, bool]:
    """(the annotation without None, whether None is allowed)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        optional = len(args) < len(typing.get_args(annotation))
        return (args[0] if len(args) == 1 else annotation), optional
    return annotation, False


def _wrong_values(annotation: Any) -> list[tuple[str, Any]]:
    """Values the payload check must refuse for `annotation` (empty when it is not checked)."""
    base, optional = _options(annotation)
    origin = typing.get_origin(base)
    wrong: list[tuple[str, Any]] = []
    if not optional:
        wrong.append(("null", None))
    if origin is list and not is_checked_annotation(base):
        # Upload files: over the websocket a client can only send JSON look-alikes.
        fake = {"filename": "../../etc/passwd", "content_type": "text/plain", "size": 1}
        return [*wrong, ("text", "junk"), ("fake-files", [fake])]
    if base is str:
        wrong += [
            ("number", 12345),
            ("bool", True),
            ("nested", {"nested": [[{"deep": ["junk"]}]]}),
            ("list", ["a", "b"]),
            ("huge", "x" * (MAX_STRING + 1)),
            ("lone-surrogate", SURROGATE),
        ]
    elif base is int:
        wrong += [
            ("text", "12"),
            ("float", 1.5),
            ("bool", True),
            ("huge", 2**60),
            ("nested", {"id": 1}),
        ]
    elif base is float:
        wrong += [("text", "1.5"), ("bool", False), ("nested", [1.0])]
    elif base is bool:
        wrong += [("text", "true"), ("number", 1), ("nested", {"value": True})]
    elif origin is list:
        wrong += [("text", "junk"), ("too-many", ["x"] * (MAX_ITEMS + 1)), ("nested", [[["x"]]])]
    elif origin is dict:
        _key, value = typing.get_args(base) or (str, Any)
        wrong += [
            ("text", "not a form"),
            ("list", ["a", "b"]),
            ("too-many", {f"f{i}": "v" for i in range(MAX_ITEMS + 1)}),
            ("form-not-a-list", {FORM: "junk"}),
            ("form-short-entry", {FORM: [["username"]]}),
            ("form-entry-not-a-list", {FORM: ["username", "x"]}),
            ("form-number-name", {FORM: [[7, "x"]]}),
            ("form-too-many", {FORM: [["f", "v"]] * (MAX_ITEMS + 1)}),
            ("form-huge-name", {FORM: [["n" * (MAX_STRING + 1), "v"]]}),
            ("form-surrogate-name", {FORM: [[SURROGATE, "v"]]}),
            ("surrogate-key", {SURROGATE: "v"}),
        ]
        if value is not Any:
            # With Any values a mixed dict is a plain form to the check (its handler validates).
            wrong += [
                ("form-plus-keys", {FORM: [["username", "x"]], "is_admin": "1"}),
                ("nested-value", {"username": {"$ne": None}}),
                ("number-value", {"username": 1}),
                ("huge-value", {"username": "x" * (MAX_STRING + 1)}),
                ("form-number-value", {FORM: [["username", 5]]}),
                ("form-nested-value", {FORM: [["username", ["x", ["y"]]]]}),
                ("form-huge-value", {FORM: [["username", "x" * (MAX_STRING + 1)]]}),
                ("form-surrogate-values", {FORM: [[name, SURROGATE] for name in FIELD_NAMES]}),
            ]
    return wrong


def _valid_junk(handler: Handler, param: inspect.Parameter) -> list[tuple[str, Any]]:
    """Values of the right type with hostile content."""
    base, _optional = _options(param.annotation)
    origin = typing.get_origin(base)
    if handler.is_framework and param.name == "vars":
        return [("no-client-storage", {})]  # this app has no cookie/local-storage vars
    if base is str:
        if handler.is_framework:
            return [("junk-text", JUNK_TEXT)]
        return [("junk-text", JUNK_TEXT), ("long-text", LONG_JUNK)] + [
            (f"forged-id-{value}", value) for value in FORGED_ID_TEXT
        ]
    if base is int:
        return [(f"forged-id-{value}", value) for value in FORGED_IDS]
    if base is float:
        return [("float", 1e308)]
    if base is bool:
        return [("bool", True)]
    if origin is list and is_checked_annotation(base):
        (item,) = typing.get_args(base)
        sample = {str: JUNK_TEXT, int: 1, float: 1.0, bool: True}.get(_options(item)[0])
        return [("junk-list", [sample, sample])] if sample is not None else [("empty", [])]
    if origin is dict:
        junk_form = [
            [name, LONG_JUNK if i % 2 else JUNK_TEXT] for i, name in enumerate(FIELD_NAMES)
        ]
        return [
            ("form-data-junk", {FORM: junk_form}),
            ("form-data-forged-ids", {FORM: [[n, "1"] for n in ("id", "user_id", "agency_id")]}),
            ("form-data-empty", {FORM: []}),
            ("plain-dict-junk", dict(junk_form)),
        ]
    return []


def _valid_base(handler: Handler) -> dict[str, Any]:
    """Well-typed values for every required parameter (so one bad value is the only problem)."""
    base: dict[str, Any] = {}
    for param in handler.parameters:
        if param.default is not inspect.Parameter.empty:
            continue
        values = _valid_junk(handler, param)
        if values:
            base[param.name] = values[0][1]
    return base


def cases_for(handler: Handler) -> list[Case]:
    """Every hostile payload for `handler`."""
    params = [p for p in handler.parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    takes_any = len(params) < len(handler.parameters)
    required = [p for p in params if p.default is inspect.Parameter.empty]
    base = _valid_base(handler)
    cases = [
        Case("empty", {}, must_refuse=bool(required)),
        Case("not-a-mapping", [1, "2", None], must_refuse=True),
        Case("text", "junk", must_refuse=True),
        Case("null", None, must_refuse=True),
        Case(
            "unknown-keys",
            {**base, "__proto__": {"is_admin": True}, "is_admin": True},
            must_refuse=not takes_any,
        ),
    ]
    for param in params:
        for label, value in _wrong_values(param.annotation):
            cases.append(Case(f"{param.name}-{label}", {**base, param.name: value}, True))
        is_form = typing.get_origin(_options(param.annotation)[0]) is dict
        for label, value in _valid_junk(handler, param):
            payload = {**base, param.name: value}
            cases.append(Case(f"{param.name}-{label}", payload, False, junk_form=is_form))
    return cases
