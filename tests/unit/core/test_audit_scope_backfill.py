"""Migration 0014 files older audit events under their facility, business or agency when the
subject is one of those; other events keep no scope."""

from __future__ import annotations

import sqlalchemy as sa

from cers_app.core import db, migrations

ROWS = [
    ("facility", "7"),
    ("organization", "3"),
    ("agency", "2"),
    ("inventory_item", "9"),
]


def test_upgrading_fills_the_scope_of_facility_business_and_agency_events(tmp_path):
    url = f"sqlite:///{tmp_path / 'older.db'}"
    migrations.upgrade(url, "0013")
    engine = db.make_engine(url)
    with engine.begin() as connection:
        for subject_type, subject_id in ROWS:
            connection.execute(
                sa.text(
                    "INSERT INTO audit_event (at, event, subject_type, subject_id) "
                    "VALUES ('2026-01-01 00:00:00', 'X', :t, :i)"
                ),
                {"t": subject_type, "i": subject_id},
            )
    engine.dispose()

    migrations.upgrade(url)

    engine = db.make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT subject_type, facility_id, organization_id, agency_id "
                "FROM audit_event ORDER BY id"
            )
        ).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("facility", 7, None, None),
        ("organization", None, 3, None),
        ("agency", None, None, 2),
        ("inventory_item", None, None, None),
    ]
