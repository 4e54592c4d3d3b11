"""Fixtures of the report tests."""

from __future__ import annotations

import pytest

from tests.unit.reports.printable import Plan, submitted_plan


@pytest.fixture
def plan(database, tmp_path) -> Plan:
    """A submitted plan to print (`printable.submitted_plan`)."""
    return submitted_plan(tmp_path)
