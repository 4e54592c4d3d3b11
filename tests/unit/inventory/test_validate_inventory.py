"""validate_inventory ("Validate My Inventory") and blocking_findings (for submitting)."""

from __future__ import annotations

import sqlalchemy as sa

from cers_app.core import db
from cers_app.facilities.models import ElementVersion
from cers_app.inventory import findings, service
from cers_app.inventory.models import InventoryFinding, InventoryItem
from tests import audit_hook
from tests.unit.inventory import stock


def _tamper(item_id: int, **data: str) -> None:
    """Change a stored row behind the service's back (as an older release or an import
    might have left it): its findings are then out of date."""

    def change(session):
        with db.transaction(session):
            item = session.get(InventoryItem, item_id)
            item.data = {**item.data, **data}
            session.add(item)

    with audit_hook.exempt("changes the row behind the service's back"):
        db.run(change)


def test_it_recomputes_every_row_and_counts_by_level(yard, world):
    oil = stock.added(world.ed, yard, stock.MOTOR_OIL)
    gas = stock.added(world.ed, yard, stock.GASOLINE)
    _tamper(gas, Units="", TradeSecret="Y")
    _tamper(oil, SCSteelDrum="Y")

    header = db.run(service.validate_inventory, world.val.actor(), yard)

    assert header.counts == {"required": 1, "warning": 0, "advisory": 1}
    assert (header.row_count, header.rows_with_findings) == (2, 1)
    assert [r.common_name for r in stock.page(world.val, yard, only_findings=True).rows] == [
        "Gasoline"
    ]
    assert db.run(service.blocking_findings, yard) == 1


def test_it_is_idempotent(yard, world):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    db.run(service.validate_inventory, world.ed.actor(), yard)

    def findings(session):
        return session.execute(
            sa.select(InventoryFinding.code, InventoryFinding.level, InventoryFinding.fields)
        ).all()

    first = db.run(findings)
    db.run(service.validate_inventory, world.ed.actor(), yard)
    assert db.run(findings) == first


def test_blocking_findings_without_a_draft_or_facility(plant, world):
    assert db.run(service.blocking_findings, plant) == 0
    assert db.run(service.blocking_findings, 999_999) == 0


def test_reading_a_draft_validated_by_an_older_rule_catalogue_validates_it_again(yard, world):
    oil = stock.added(world.ed, yard, stock.MOTOR_OIL)
    _tamper(oil, Units="")  # the stored findings no longer match the row

    def codes() -> list[str]:
        form = db.run(service.get_item, world.val.actor(), yard, oil)
        return [finding.code for finding in form.findings]

    def older_catalogue(session):
        with db.transaction(session):
            item = session.get(InventoryItem, oil)
            version = session.get(ElementVersion, item.element_version_id)
            version.data = {**version.data, findings.FINGERPRINT_KEY: "an-older-release"}
            session.add(version)

    stock.page(world.val, yard)
    assert "1028" not in codes()  # same catalogue: nothing is validated on reading
    with audit_hook.exempt("stamps the draft with an older rule catalogue by hand"):
        db.run(older_catalogue)

    # Known gap: re-validating after a rules upgrade re-stamps the draft with no event type.
    with audit_hook.exempt("re-validation after a rules upgrade has no audit event yet"):
        stock.page(world.val, yard)

    assert "1028" in codes()
    header = db.run(service.inventory, world.val.actor(), yard)
    assert header.counts["required"] >= 1
