"""The import's bulk writes and its Replace plan, on SQLite and PostgreSQL: `insert_many`
stores what SQLAlchemy's own executemany stores, and Replace keeps the draft's library
links row by row, first come first served."""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa

from cers_app.core import clock, db
from cers_app.inventory import findings, importing
from cers_app.inventory.import_plan import REPLACE, Existing, Planner, stored_json
from cers_app.inventory.models import InventoryFinding, InventoryItem
from tests import audit_hook
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock
from tests.unit.inventory.test_prefill_from_library import _chemical

ITEMS = cast(sa.Table, InventoryItem.__table__)
FINDINGS = cast(sa.Table, InventoryFinding.__table__)


NOW = clock.now()


def _item(item_id: int, version_id: int, facility_id: int, values: dict[str, str]) -> dict:
    columns, _ = findings.columns_of(values)
    return {
        **columns,
        "id": item_id,
        "facility_id": facility_id,
        "element_version_id": version_id,
        "chemical_id": None,
        "reportable": "Check whether it needs reporting: …",
        "worst_rank": 2,
        "finding_count": 1,
        "created_at": NOW,
        "created_by_user_id": None,
        "updated_at": NOW,
        "updated_by_user_id": None,
        "version": 1,
    }


def _stored(ids: range) -> list[tuple]:
    """Every column of the rows `ids` but the id, the data column as the database holds
    its text."""
    columns = [column for column in ITEMS.c if column.name not in ("id", "data")]
    with db.new_session() as session:
        return [
            tuple(row)
            for row in session.execute(
                sa.select(sa.cast(ITEMS.c.data, sa.Text), *columns)
                .where(ITEMS.c.id.in_(ids))
                .order_by(ITEMS.c.id)
            )
        ]


def test_insert_many_stores_what_a_core_insert_stores(yard, world):
    version_id = files.draft_id(yard)
    materials = [stock.BASE, stock.NITROGEN, stock.row(CommonName="Ünïcode “quotes”", EHS="")]
    core = [_item(1001 + n, version_id, yard, values) for n, values in enumerate(materials)]
    quick = [_item(2001 + n, version_id, yard, values) for n, values in enumerate(materials)]
    for row in quick:
        row["data"] = stored_json(row["data"])

    with (
        audit_hook.exempt("compares the bulk insert with a Core insert, no service"),
        db.new_session() as session,
        db.transaction(session),
    ):
        connection = session.connection()
        connection.execute(ITEMS.insert(), core)
        importing.insert_many(connection, ITEMS, quick, json_text=("data",))
        importing.insert_many(connection, ITEMS, [])  # nothing to insert: nothing happens

    assert _stored(range(2001, 2004)) == _stored(range(1001, 1004))
    assert len(_stored(range(2001, 2004))) == 3


def test_insert_many_leaves_defaults_to_sqlalchemy(yard, world):
    version_id = files.draft_id(yard)
    item_id = stock.added(world.ed, yard, stock.BASE)
    rows = [
        {
            "item_id": item_id,
            "element_version_id": version_id,
            "code": "1028",
            "level": "required",
            "fields": "Units",
            "message": f"Finding {n}",
        }
        for n in range(3)
    ]  # no "position": a column with a default

    with db.new_session() as session, db.transaction(session):
        importing.insert_many(session.connection(), FINDINGS, rows)

    with db.new_session() as session:
        stored = session.execute(
            sa.select(InventoryFinding.position, InventoryFinding.message)
            .where(InventoryFinding.code == "1028", InventoryFinding.item_id == item_id)
            .order_by(InventoryFinding.id)
        ).all()
    assert [tuple(row) for row in stored] == [(0, f"Finding {n}") for n in range(3)]


def test_replace_matches_only_when_a_library_link_is_to_be_kept():
    unlinked = [Existing(n, 1, {"CommonName": "Diesel"}, None, "", "") for n in (1, 2)]
    linked = [*unlinked, Existing(3, 1, {"CommonName": "Diesel"}, 7, "", "")]

    assert Planner(REPLACE, unlinked).matcher is None
    assert Planner(REPLACE, linked).matcher is not None
    planned = Planner(REPLACE, linked).add([(5, {"CommonName": "Diesel"})] * 3)
    assert [p.target.id if p.target else None for p in planned] == [1, 2, 3]


def test_replace_keeps_library_links_first_come_first_served(yard, world, tmp_path):
    acid = _chemical(name="Sulfuric acid", cas="7664-93-9", physical_state="b")
    acid_row = stock.row(CommonName="Sulfuric acid", CASNumber="7664-93-9")
    stock.added(world.ed, yard, acid_row)
    second = stock.added(world.ed, yard, acid_row)
    with (
        audit_hook.exempt("links the row to the library by hand"),
        db.new_session() as session,
        db.transaction(session),
    ):
        session.execute(
            sa.update(InventoryItem).where(InventoryItem.id == second).values(chemical_id=acid)
        )
    path = files.workbook(tmp_path, yard, [acid_row, acid_row, stock.NITROGEN])

    read = files.upload(world.ed, yard, path, importing.REPLACE)
    done = files.confirm(world.ed, yard, read.id)

    assert (done.added, done.removed) == (3, 2)
    items = files.draft_items(yard)
    assert [(item.common_name, item.chemical_id) for item in items] == [
        ("Sulfuric acid", None),  # took the first draft row, which had no link
        ("Sulfuric acid", acid),  # took the second, and keeps its link
        ("Nitrogen", None),
    ]
