"""The AuthGate: deny-by-default checks that run before every Reflex event handler.

For each event the gate finds the handler's policy marker (`@public` or `@requires(...)`),
re-reads the session behind the connection's HttpOnly cookie (nothing is cached between
events), checks the coarse permissions and the payload's shape, and makes the actor available
to the handler through `current_actor()`. Object-level rights are checked later, in services.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx
from reflex.middleware import Middleware
from reflex.state import BaseState, State, StateUpdate
from reflex_base.constants.state import FIELD_MARKER
from reflex_base.event import Event
from reflex_base.registry import RegistrationContext

from cers_app.access import identity
from cers_app.core import db, routes
from cers_app.core.handler_args import PayloadError, check_payload
from cers_app.core.permissions import (
    PUBLIC,
    Actor,
    Permission,
    Portal,
    policy_of,
    set_current_actor,
)
from cers_app.core.tokens import hash_token
from cers_app.ui.session import SessionState

log = logging.getLogger("cers_app.gate")

APP_PACKAGE = "cers_app."

# Reflex's own handlers that every page needs (hydration, page-load dispatch, client-side
# storage sync, error reports). They run no code of ours; the on_load handlers they trigger
# arrive as separate events and pass through this gate themselves. Their payloads are still
# checked: Reflex trusts them, and junk in them raises inside Reflex.
FRAMEWORK_HANDLERS = frozenset(
    {
        "hydrate",
        "hydrate_and_load",
        "on_load_internal",
        "set_is_hydrated",
        "update_vars_internal",
        "handle_frontend_exception",
    }
)

SIGN_IN_NEEDED = "Please sign in to continue."
NOT_ALLOWED = "You do not have permission to do that."
BAD_REQUEST = "That request was not valid. Reload the page and try again."


def _deny(message: str, redirect_to: str | None = None) -> StateUpdate:
    specs: list[Any] = [rx.toast.error(message, id="gate-denied")]
    if redirect_to:
        specs.append(rx.redirect(redirect_to))
    return StateUpdate(events=Event.from_event_type(specs))


def _is_framework(event_name: str, fn: Any) -> bool:
    short = event_name.rsplit(".", 1)[-1]
    return short in FRAMEWORK_HANDLERS and not fn.__module__.startswith(APP_PACKAGE)


def _is_client_storage_var(key: Any) -> bool:
    """Whether `key` names a cookie/local-storage var ("<state path>.<var>") of this app."""
    if not isinstance(key, str):
        return False
    state_path, _, var_name = key.rpartition(".")
    try:
        owner = State.get_class_substate(state_path)
    except ValueError:
        return False
    return owner._is_client_storage(var_name.removesuffix(FIELD_MARKER))


# Reflex writes a browser's error report to the server log as sent; anyone may send one, so
# a report longer than a real stack trace would only flood the log.
MAX_FRONTEND_REPORT = 4_000


def _check_framework_payload(fn: Any, payload: Any) -> None:
    """Reflex's own handlers trust their arguments: hold them to their signature too."""
    check_payload(fn, payload)
    if fn.__name__ == "handle_frontend_exception" and any(
        len(value) > MAX_FRONTEND_REPORT for value in payload.values() if isinstance(value, str)
    ):
        raise PayloadError("the error report is too long")
    client_storage = payload.get("vars") or {}
    if not all(_is_client_storage_var(key) for key in client_storage):
        raise PayloadError("vars names something that is not a client storage var")


def _home_of(actor: Actor) -> str:
    return routes.REGULATOR_HOME if actor.portal is Portal.REGULATOR else routes.BUSINESS_HOME


def _refusal(actor: Actor | None, needed: frozenset[Permission]) -> StateUpdate | None:
    if actor is None:
        return _deny(SIGN_IN_NEEDED, routes.SIGN_IN)
    missing = needed - actor.permissions
    if not missing:
        return None
    if Permission.ACCOUNT not in actor.permissions:
        return _deny(
            "Please read and accept the current conditions of use first.",
            routes.ACCEPT_CONDITIONS,
        )
    if Permission.REGULATOR_PORTAL in missing and actor.portal is Portal.BUSINESS:
        return _deny("That page is part of the Regulator Portal.", _home_of(actor))
    if Permission.BUSINESS_PORTAL in missing and actor.portal is Portal.REGULATOR:
        return _deny("That page is part of the Business Portal.", _home_of(actor))
    return _deny(NOT_ALLOWED, _home_of(actor))


def _session_marker(cookie_header: str | None) -> str:
    raw = identity.cookie_value(cookie_header)
    return hash_token(raw)[:32] if raw else ""


async def _forget_other_sessions_data(state: BaseState) -> None:
    """Start the tab's state afresh when the signed-in session behind it changed.

    Reflex keeps a browser tab's state across page loads and sends it back on every
    (re)connect before any page loads its own data: after a sign-out, or when someone else
    signs in in the same tab, the last person's page data would be sent again.
    """
    marker = _session_marker(state.router.headers.cookie or None)
    root = state._get_root_state()
    holder = await root.get_state(SessionState)
    if holder._session_marker != marker:
        root.reset()
        holder._session_marker = marker


class AuthGate(Middleware):
    """Runs before every event: websocket events and uploads alike."""

    async def preprocess(self, app: Any, state: BaseState, event: Event) -> StateUpdate | None:
        set_current_actor(None)
        registered = RegistrationContext.get().event_handlers.get(event.name)
        if registered is None:
            log.warning("refused unknown handler %.120s", event.name)
            return _deny(BAD_REQUEST)
        fn = registered.handler.fn
        await _forget_other_sessions_data(state)
        if _is_framework(event.name, fn):
            try:
                _check_framework_payload(fn, event.payload)
            except PayloadError as exc:
                log.info("refused payload for %s: %s", event.name, exc)
                return _deny(BAD_REQUEST)
            return None
        policy = policy_of(fn)
        if policy is None:
            if fn.__module__.startswith(APP_PACKAGE):
                log.error("refused handler without a policy marker: %s", event.name)
            else:  # Reflex's setvar: any client can ask, so not an error of ours
                log.info("refused %s", event.name)
            return _deny(NOT_ALLOWED)
        router = state.router
        # Database work runs in a thread so a slow query never blocks other users' events.
        actor = await asyncio.to_thread(
            db.run,
            identity.resolve_actor,
            router.headers.cookie or None,
            router.session.client_ip or None,
        )
        set_current_actor(actor)
        if policy != PUBLIC:
            refusal = _refusal(actor, policy)  # type: ignore[arg-type]
            if refusal is not None:
                log.info("denied %s to %s", event.name, actor.username if actor else "anonymous")
                return refusal
        try:
            check_payload(fn, event.payload)
        except PayloadError as exc:
            log.info("refused payload for %s: %s", event.name, exc)
            return _deny(BAD_REQUEST)
        return None
