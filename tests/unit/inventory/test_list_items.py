"""list_items: one page at a time, sorted and filtered in SQL, with each row's guidance."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cers_app.core import db
from cers_app.core.errors import ValidationFailed
from cers_app.inventory import service
from tests.unit.inventory import stock


@pytest.fixture
def stocked(yard, world) -> int:
    """Four materials in three locations: Gasoline (no findings), Motor Oil (no container),
    Nitrogen (a gas in gallons) and Sulfuric Acid (an EHS, with a trade secret advisory)."""
    for values in (
        stock.GASOLINE,
        stock.MOTOR_OIL,
        stock.NITROGEN,
        {**stock.SULFURIC_ACID, "TradeSecret": "Y"},
    ):
        stock.added(world.ed, yard, values)
    return yard


def test_rows_show_what_the_list_needs(stocked, world):
    rows = {r.common_name: r for r in stock.page(world.val, stocked).rows}

    oil, acid = rows["Motor Oil"], rows["Sulfuric Acid"]
    assert (oil.location, oil.physical_state, oil.amount, oil.ehs) == (
        "Maintenance shop",
        "Liquid",
        "110 gal",
        False,
    )
    assert (oil.worst_level, oil.finding_count) == ("required", 1)
    assert oil.messages[0].startswith("Tick at least one storage container")
    assert oil.reportable.startswith("Reportable because")
    assert (acid.amount, acid.ehs, acid.worst_level, acid.cas) == (
        "1,200 lb",
        True,
        "advisory",
        "7664-93-9",
    )
    assert rows["Gasoline"].worst_level == "" and rows["Gasoline"].messages == ()


def test_it_pages(stocked, world):
    first = stock.page(world.val, stocked, page_size=3)
    second = stock.page(world.val, stocked, page_size=3, page=2)
    beyond = stock.page(world.val, stocked, page_size=3, page=99)

    assert (first.total, first.pages, first.page, len(first.rows)) == (4, 2, 1, 3)
    assert [r.common_name for r in second.rows] == ["Sulfuric Acid"]
    assert (beyond.page, [r.common_name for r in beyond.rows]) == (2, ["Sulfuric Acid"])


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("CommonName", ["Gasoline", "Motor Oil", "Nitrogen", "Sulfuric Acid"]),
        ("ChemicalName", ["Gasoline", "Motor Oil", "Nitrogen", "Sulfuric Acid"]),
        ("CASNumber", ["Motor Oil", "Sulfuric Acid", "Nitrogen", "Gasoline"]),
        ("ChemicalLocation", ["Sulfuric Acid", "Gasoline", "Motor Oil", "Nitrogen"]),
        ("PhysicalState", ["Gasoline", "Motor Oil", "Sulfuric Acid", "Nitrogen"]),
        ("MaximumDailyAmount", ["Nitrogen", "Motor Oil", "Sulfuric Acid", "Gasoline"]),
        ("EHS", ["Gasoline", "Motor Oil", "Nitrogen", "Sulfuric Acid"]),
        ("GuidanceLevel", ["Motor Oil", "Nitrogen", "Sulfuric Acid", "Gasoline"]),
    ],
)
def test_it_sorts_both_ways(stocked, world, sort, expected):
    up = stock.names(world.val, stocked, sort=sort)
    down = stock.names(world.val, stocked, sort=sort, descending=True)

    assert up == expected
    # Ties (the same chemical name, state or EHS answer) keep the order they were added in.
    if sort not in ("ChemicalName", "PhysicalState", "EHS"):
        assert down == list(reversed(up))


def test_rows_without_an_amount_sort_last_both_ways(stocked, world):
    stock.added(
        world.ed,
        stocked,
        stock.row(
            CommonName="Unknown drum",
            CASNumber="",
            MaximumDailyAmount="",
            AverageDailyAmount="",
            LargestContainer="",
        ),
    )

    for descending in (False, True):
        rows = stock.page(world.val, stocked, sort="MaximumDailyAmount", descending=descending)
        assert rows.rows[-1].common_name == "Unknown drum"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"text": "oil"}, ["Motor Oil"]),
        ({"text": "7664-93"}, ["Sulfuric Acid"]),
        ({"text": "SHOP"}, ["Motor Oil"]),
        ({"text": "100%_"}, []),
        ({"location": "fuel island"}, ["Gasoline"]),
        ({"hazard": "FHCPhysicalGasUnderPressure"}, ["Nitrogen"]),
        ({"hazard": "FHCHealthAspirationHazard"}, ["Gasoline", "Motor Oil"]),
        ({"ehs": "Y"}, ["Sulfuric Acid"]),
        ({"ehs": "N"}, ["Gasoline", "Motor Oil", "Nitrogen"]),
        ({"level": "required"}, ["Motor Oil"]),
        ({"level": "warning"}, ["Nitrogen"]),
        ({"level": "advisory"}, ["Sulfuric Acid"]),
        ({"only_findings": True}, ["Motor Oil", "Nitrogen", "Sulfuric Acid"]),
        ({"only_findings": True, "text": "n", "ehs": "N"}, ["Motor Oil", "Nitrogen"]),
    ],
)
def test_it_filters(stocked, world, query, expected):
    found = stock.page(world.val, stocked, **query)

    assert [r.common_name for r in found.rows] == expected
    assert found.total == len(expected)


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "data"},
        {"sort": "id; DROP TABLE inventory_item"},
        {"hazard": "SCSteelDrum"},
        {"ehs": "maybe"},
        {"level": "fatal"},
        {"text": "x" * 201},
    ],
)
def test_it_refuses_sorts_and_filters_outside_its_choices(stocked, world, query):
    with pytest.raises(ValidationFailed):
        stock.page(world.val, stocked, **query)


def test_locations_for_the_filter(stocked, world):
    assert db.run(service.locations, world.val.actor(), stocked) == [
        "Battery room",
        "Fuel island",
        "Maintenance shop",
        "Welding bay",
    ]


def test_a_page_takes_a_fixed_number_of_queries(stocked, world):
    for n in range(30):
        stock.added(world.ed, stocked, stock.row(CommonName=f"Solvent {n}", TradeSecret="Y"))
    actor = world.val.actor()
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.get_engine()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        page = db.run(service.list_items, actor, stocked, service.ItemQuery(page_size=25))
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)

    assert len(page.rows) == 25 and page.total == 34
    assert len(statements) <= 8, statements


def test_a_query_of_the_wrong_types_is_refused(stocked, world):
    with pytest.raises(ValidationFailed):
        db.run(service.list_items, world.val.actor(), stocked, service.ItemQuery(text=None))
