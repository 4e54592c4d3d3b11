"""Deny by default, checked statically: every registered handler has a reviewed policy.

The AuthGate refuses any app handler without a policy marker, but a forgotten marker still breaks
a page; these tests make it a CI failure instead, keep the set of @public handlers equal to the
reviewed list in public_handlers.txt, and pin down what the gate does with handlers that are not
ours (Reflex's framework handlers run with their payload checked; everything else, `setvar`
included, is refused).
"""

from __future__ import annotations

from typing import Any

import pytest
import reflex as rx
from reflex.state import State
from reflex_base.event import Event
from reflex_base.utils.form import FORM_DATA_ENTRIES_KEY as REFLEX_FORM_DATA_KEY

from cers_app.access import gate
from cers_app.core import handler_args
from cers_app.core.permissions import PUBLIC, Permission, public, requires
from tests.security.handlers import (
    PUBLIC_LIST,
    Handler,
    all_handlers,
    is_checked_annotation,
    reviewed_public_names,
)

HANDLERS = all_handlers()
APP = [h for h in HANDLERS if h.in_app]
OTHERS = [h for h in HANDLERS if not h.in_app]

# A payload each framework handler accepts, as the Reflex frontend sends it.
FRAMEWORK_PAYLOADS: dict[str, dict[str, Any]] = {
    "hydrate": {},
    "hydrate_and_load": {"vars": {}, "hashes": ["0123abcd"]},
    "on_load_internal": {},
    "set_is_hydrated": {"value": True},
    "update_vars_internal": {"vars": {}},
    "handle_frontend_exception": {"info": "Error: boom\n    at x.js:1:1", "component_stack": ""},
}


def _name(handler: Handler) -> str:
    return handler.name


def _messages(update: Any) -> list[str]:
    """The JavaScript of every frontend event in a gate refusal (toasts carry their text)."""
    assert update is not None, "the gate let the event through"
    return [str(event.payload) for event in update.events]


def _refused_with(update: Any, message: str) -> bool:
    return any(message in text for text in _messages(update))


async def _preprocess(name: str, payload: Any) -> Any:
    """Run the gate on an event, for a fresh tab with no session cookie."""
    state = State(_reflex_internal_init=True)
    return await gate.AuthGate().preprocess(None, state, Event(name=name, payload=payload))  # type: ignore[arg-type]


def test_the_registry_holds_the_app() -> None:
    assert len(APP) >= 20, f"only {len(APP)} app handlers registered: did the app import?"
    print(f"\n{len(HANDLERS)} registered handlers: {len(APP)} in cers_app, {len(OTHERS)} others")


def test_every_app_handler_has_a_policy_marker() -> None:
    unmarked = [h.name for h in APP if h.policy is None]
    assert not unmarked, (
        "These event handlers have no policy marker; add @requires(Permission.X) (or, after "
        "review, @public) directly above @rx.event:\n  " + "\n  ".join(unmarked)
    )


def test_app_policies_are_public_or_permission_sets() -> None:
    for handler in APP:
        policy = handler.policy
        if policy == PUBLIC:
            continue
        assert isinstance(policy, frozenset), (handler.name, policy)
        assert policy, f"{handler.name} requires an empty set of permissions"
        assert all(isinstance(p, Permission) for p in policy), (handler.name, policy)


def test_public_handlers_equal_the_reviewed_list() -> None:
    marked = {h.name for h in HANDLERS if h.is_public}
    reviewed = reviewed_public_names()
    problems = []
    if unreviewed := sorted(marked - reviewed):
        problems.append(
            f"@public in the code but not in {PUBLIC_LIST.name} (review each one, then add its "
            "name to the list):\n  " + "\n  ".join(unreviewed)
        )
    if stale := sorted(reviewed - marked):
        problems.append(
            f"listed in {PUBLIC_LIST.name} but not a registered @public handler (renamed, "
            "removed or now protected? remove the line):\n  " + "\n  ".join(stale)
        )
    assert not problems, "\n".join(problems)


def test_requires_needs_a_permission_at_decoration_time() -> None:
    with pytest.raises(TypeError, match="at least one Permission"):
        requires()
    with pytest.raises(TypeError, match="Permission members"):
        requires("system_admin")  # type: ignore[arg-type]
    with pytest.raises(TypeError):

        class _Careless(rx.State):  # the mistake fails the import of the module that makes it
            @requires()
            @rx.event
            def load(self) -> None: ...


def test_markers_survive_rx_event() -> None:
    def handler(self) -> None: ...

    assert getattr(public(handler), "__cers_policy__", None) == PUBLIC
    marked = requires(Permission.ACCOUNT)(rx.event(lambda self: None))
    assert getattr(marked, "__cers_policy__", None) == frozenset({Permission.ACCOUNT})


def test_only_reflex_framework_handlers_are_let_through_from_outside_the_app() -> None:
    let_through = {h.short_name for h in OTHERS if h.is_framework}
    assert let_through == set(gate.FRAMEWORK_HANDLERS), (
        "gate.FRAMEWORK_HANDLERS must name exactly the framework handlers Reflex registers: "
        f"missing {sorted(set(gate.FRAMEWORK_HANDLERS) - let_through)}, "
        f"unexpected {sorted(let_through - set(gate.FRAMEWORK_HANDLERS))}"
    )
    for handler in OTHERS:
        if not handler.is_framework:
            assert handler.policy is None, handler.name
            assert handler.short_name == "setvar", (
                f"{handler.name}: a handler from {handler.fn.__module__} that is neither ours nor "
                "a known framework handler; the gate refuses it, but find out where it comes from"
            )


def test_an_app_handler_named_like_a_framework_handler_is_not_let_through() -> None:
    def hydrate(self) -> None: ...

    hydrate.__module__ = "cers_app.accounts.state"
    assert not gate._is_framework("reflex___state____state.cers_app___x____y.hydrate", hydrate)


@pytest.mark.parametrize("handler", [h for h in HANDLERS if h.short_name == "setvar"], ids=_name)
async def test_setvar_is_refused(handler: Handler) -> None:
    update = await _preprocess(handler.name, {"var_name": "errors", "value": {}})
    assert _refused_with(update, gate.NOT_ALLOWED)
    assert not update.delta


@pytest.mark.parametrize("handler", [h for h in OTHERS if h.is_framework], ids=_name)
async def test_framework_handlers_run_only_with_fitting_payloads(handler: Handler) -> None:
    assert await _preprocess(handler.name, FRAMEWORK_PAYLOADS[handler.short_name]) is None
    for junk in (
        {"__hostile__": 1},
        [1, 2, 3],
        {**FRAMEWORK_PAYLOADS[handler.short_name], "vars": {"no.such_state.var": "x"}},
        {key: {"nested": [1]} for key in FRAMEWORK_PAYLOADS[handler.short_name]} or None,
    ):
        if junk is None:
            continue
        update = await _preprocess(handler.name, junk)
        assert _refused_with(update, gate.BAD_REQUEST), (handler.name, junk)


def test_every_app_handler_argument_has_a_checked_type() -> None:
    """The gate checks payloads against annotations; an unchecked annotation passes anything."""
    unchecked = []
    for handler in APP:
        if handler.upload_parameter:
            continue  # files arrive through /_upload and are checked by the handler
        for param in handler.parameters:
            if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                unchecked.append(f"{handler.name}: **{param.name} accepts any argument")
            elif not is_checked_annotation(param.annotation):
                unchecked.append(f"{handler.name}: {param.name}: {param.annotation!r}")
    assert not unchecked, (
        "Use str, int, float, bool, dict[str, str], list[str], list[int] (or X | None) for event "
        "arguments, or teach cers_app/core/handler_args.py the new type:\n  "
        + "\n  ".join(unchecked)
    )


def test_form_data_wire_key_matches_reflex() -> None:
    assert handler_args.FORM_DATA_ENTRIES_KEY == REFLEX_FORM_DATA_KEY


async def test_an_oversized_frontend_error_report_is_refused() -> None:
    [handler] = [h for h in OTHERS if h.name.endswith(".handle_frontend_exception")]
    flood = {"info": "x" * (gate.MAX_FRONTEND_REPORT + 1), "component_stack": ""}
    assert _refused_with(await _preprocess(handler.name, flood), gate.BAD_REQUEST)
    normal = FRAMEWORK_PAYLOADS["handle_frontend_exception"]
    assert await _preprocess(handler.name, normal) is None
