"""The Acme world for the organization tests; each test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.unit.organizations import world as acme_world


@pytest.fixture
def world(database) -> acme_world.World:
    """Acme with lena (Lead User), ed, val and connie; otto's business beside it."""
    return acme_world.build()


@pytest.fixture
def small_world(database) -> acme_world.World:
    """Acme with only lena; otto's business beside it (for tests that need no one else)."""
    return acme_world.build(roles=())
