"""Handler policy markers and the Actor."""

from __future__ import annotations

import pytest

from cers_app.core.permissions import (
    PUBLIC,
    Actor,
    Permission,
    Portal,
    current_actor,
    policy_of,
    public,
    requires,
    set_current_actor,
)


def _actor(*permissions: Permission) -> Actor:
    return Actor(
        user_id=1,
        session_id=1,
        username="lenalead",
        display_name="Lena Lopez",
        email="lenalead@example.com",
        portal=Portal.BUSINESS,
        permissions=frozenset(permissions),
    )


def test_it_refuses_requires_without_a_permission_when_decorating():
    with pytest.raises(TypeError, match="at least one Permission"):

        @requires()
        def handler(self):  # pragma: no cover - never defined
            pass


@pytest.mark.parametrize("wrong", ["signed_in", None, 1, Portal.BUSINESS])
def test_it_refuses_anything_but_permission_members(wrong):
    with pytest.raises(TypeError, match="takes Permission members"):
        requires(wrong)


def test_it_marks_a_handler_with_every_permission_it_needs():
    @requires(Permission.ACCOUNT, Permission.BUSINESS_PORTAL)
    def handler(self):
        return "ran"

    assert policy_of(handler) == {Permission.ACCOUNT, Permission.BUSINESS_PORTAL}
    assert handler(None) == "ran"


def test_it_marks_a_public_handler():
    @public
    def handler(self):
        return "ran"

    assert policy_of(handler) == PUBLIC
    assert handler(None) == "ran"


def test_it_reports_no_policy_for_an_unmarked_handler():
    def handler(self):
        pass

    assert policy_of(handler) is None


def test_it_tells_what_an_actor_can_do():
    actor = _actor(Permission.SIGNED_IN, Permission.ACCOUNT)

    assert actor.can(Permission.ACCOUNT)
    assert not actor.can(Permission.SYSTEM_ADMIN)


def test_it_keeps_the_current_actor_per_event():
    actor = _actor(Permission.SIGNED_IN)
    set_current_actor(actor)
    try:
        assert current_actor() is actor
    finally:
        set_current_actor(None)
    assert current_actor() is None
