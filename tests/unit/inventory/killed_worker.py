"""A worker process for tests/unit/inventory/test_import_worker_killed.py: runs one phase of
an inventory import job and stops forever at a point in the middle, after writing a file
that tells the test it is there (the test then kills it with SIGKILL).

    python -m tests.unit.inventory.killed_worker reading|writing IMPORT_ID USER_ID SIGNAL_FILE

`reading` claims the queued job and stops before its first staged batch is written;
`writing` confirms the ready job and stops inside the one transaction that changes the
draft, after every row was deleted and inserted but before the commit. The database comes
from CERS_DATABASE_URL, as in the app.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from cers_app.core import db
from cers_app.inventory import importing
from cers_app.inventory.models import InventoryItem


def _stop_here(signal_file: Path, note: str) -> None:
    # Written aside and renamed: the test never reads a half-written note.
    aside = signal_file.with_suffix(".part")
    aside.write_text(note, encoding="utf-8")
    aside.replace(signal_file)
    while True:  # killed here
        time.sleep(60)


def main(phase: str, import_id: int, user_id: int, signal_file: Path) -> None:
    """Run `phase` of the job until it reaches its stopping point."""
    if phase == "reading":

        def stage_rows(*args: Any, **kwargs: Any) -> None:
            _stop_here(signal_file, "staging")

        importing._stage_rows = stage_rows
        importing.run_import(import_id)
    elif phase == "writing":
        real_apply = importing._apply

        def apply(session, version_id, prepared) -> None:
            real_apply(session, version_id, prepared)
            session.flush()
            # What the uncommitted transaction holds: the test sees none of it.
            names = session.scalars(
                sa.select(InventoryItem.common_name)
                .where(InventoryItem.element_version_id == version_id)
                .order_by(InventoryItem.id)
            ).all()
            _stop_here(signal_file, "applied: " + ", ".join(names))

        importing._apply = apply
        db.run(importing._confirm, import_id, user_id, None)
    raise SystemExit(f"the {phase} phase finished without stopping")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
