"""Personas for the service tests; each needs the parametrised `database` fixture."""

from __future__ import annotations

import pytest

from tests.unit import support


@pytest.fixture
def lena(database) -> support.Persona:
    return support.make_lena()


@pytest.fixture
def otto(database) -> support.Persona:
    return support.make_otto()


@pytest.fixture
def rita(database) -> support.Persona:
    return support.make_rita()


@pytest.fixture
def admin(database) -> support.Persona:
    return support.make_admin()
