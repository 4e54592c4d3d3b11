"""The small fixture library, loaded into the test's database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cers_app.chemicals import seed
from cers_app.core import db

FIXTURE_LIBRARY = Path(__file__).parent / "fixture_library"


@pytest.fixture
def library(database) -> seed.SeedReport:
    """The fixture library with the repository's curated products and EHS seed."""
    return db.run(seed.seed_library, source_dir=FIXTURE_LIBRARY)
