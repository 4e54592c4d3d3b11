"""Maintenance mode: every change refused with nothing changed, reading and sign-in kept, for
every worker (the switch is in the database), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from sqlmodel import select, update

from cers_app import demo
from cers_app.accounts.models import User
from cers_app.agencies import service as agencies
from cers_app.cli import cli
from cers_app.core import db, storage
from cers_app.core.db import transaction
from cers_app.core.permissions import Portal
from cers_app.core.settings import reload_settings
from cers_app.facilities.models import Facility
from cers_app.inventory import service as inventory
from cers_app.inventory.models import InventoryItem
from cers_app.ops import maintenance
from cers_app.ops.banner import site_mode_notices
from cers_app.ops.maintenance import MaintenanceRefused
from cers_app.organizations import service as organizations
from cers_app.organizations.models import OrgMember
from tests import helpers
from tests.unit import support

REFUSAL = "OpenCERS is in maintenance until 18:00 UTC; nothing was changed."


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def _switch_on() -> None:
    result = _run("maintenance", "on", "--until", "18:00 UTC", "--message", "Upgrading.")
    assert result.exit_code == 0, result.output


def _inventory_facility() -> tuple[int, int, demo.DemoUser]:
    """The demo inventory facility's id, its newest row (of its draft) and its Lead User."""
    seeded_cers_id = demo.seed().inventory.cers_id

    def find(session):
        facility = session.exec(select(Facility).where(Facility.cers_id == seeded_cers_id)).one()
        item = session.exec(
            select(InventoryItem)
            .where(InventoryItem.facility_id == facility.id)
            .order_by(InventoryItem.id.desc())
        ).first()
        lead = session.exec(
            select(User.username)
            .join(OrgMember, OrgMember.user_id == User.id)
            .where(OrgMember.organization_id == facility.organization_id, OrgMember.role == "lead")
        ).first()
        return facility.id, item.id, lead

    facility_id, item_id, username = db.run(find)
    return facility_id, item_id, next(u for u in demo.seed().users if u.username == username)


def test_every_change_is_refused_and_reading_and_sign_in_still_work(database) -> None:
    facility_id, item_id, lead_user = _inventory_facility()
    lead = helpers.sign_in(lead_user.username, lead_user.password)
    _switch_on()
    before = support.table_snapshot()
    business_tables = {
        name: rows
        for name, rows in before.items()
        if name not in maintenance.ALLOWED_TABLES and name != "user_account"
    }

    changes = {
        "accounts: register": lambda: helpers.register("newperson"),
        "organizations: create a business": lambda: db.run(
            organizations.create_organization,
            lead,
            "Fresh Business",
            "Sacramento",
            idempotency_key="maintenance-test-key-0001",
        ),
        "agencies: create an agency": lambda: db.run(
            agencies.create_agency, actor_user_id=None, code=4242, name="New CUPA", county=34
        ),
        "inventory: copy a row": lambda: db.run(inventory.copy_item, lead, facility_id, item_id),
        "inventory: delete a row": lambda: db.run(
            inventory.delete_items, lead, facility_id, [item_id]
        ),
        "storage: keep a document": lambda: db.run(
            _attach_document_like, lead.user_id, facility_id
        ),
        "bulk statement": lambda: db.run(_rename_all_facilities),
        "accounts: a name (not the sign-in stamp)": lambda: db.run(_rename_user, lead.user_id),
    }
    for what, change in changes.items():
        with pytest.raises(MaintenanceRefused) as refused:
            change()
        assert refused.value.message == f"{REFUSAL} Upgrading.", what

    after = support.table_snapshot()
    assert {name: after[name] for name in business_tables} == business_tables
    assert helpers.user(lead.user_id).first_name == lead_user.first_name

    # Reading works, and so does signing in (a new session) and out.
    header = db.run(inventory.inventory, lead, facility_id)
    assert header is not None
    regulator = helpers.sign_in(demo.REGULATOR.username, demo.REGULATOR.password, Portal.REGULATOR)
    assert regulator.user_id != lead.user_id
    notices = db.run(site_mode_notices)
    assert [n["id"] for n in notices] == ["maintenance"]
    assert "until 18:00 UTC" in notices[0]["message"]

    off = _run("maintenance", "off")
    assert off.exit_code == 0 and "off" in off.output
    assert db.run(agencies.create_agency, actor_user_id=None, code=4242, name="New CUPA", county=34)
    assert db.run(site_mode_notices) == []


def _attach_document_like(session, user_id: int, facility_id: int) -> None:
    """A change that writes an allowed table (a stored file) and a business one together."""
    with transaction(session):
        session.add(storage.StoredFile(**_file_fields(user_id)))
        facility = session.get(Facility, facility_id)
        facility.name = "Renamed during maintenance"
        session.add(facility)


def _file_fields(user_id: int) -> dict:
    from cers_app.core import clock

    return {
        "name": "0" * 32,
        "original_name": "x.pdf",
        "size": 1,
        "sha256": "0" * 64,
        "kind": "pdf",
        "owner_user_id": user_id,
        "created_at": clock.now(),
    }


def _rename_user(session, user_id: int) -> None:
    with transaction(session):
        user = session.get(User, user_id)
        user.first_name = "Changed"
        session.add(user)


def _rename_all_facilities(session) -> None:
    with transaction(session):
        session.exec(update(Facility).values(name="Bulk rename"))


def test_the_environment_switch_refuses_changes_and_cannot_be_switched_off(
    database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CERS_MAINTENANCE_MODE", "1")
    reload_settings()
    with pytest.raises(MaintenanceRefused, match="OpenCERS is in maintenance; nothing was changed"):
        helpers.register("newperson")
    assert support.table_counts()["user_account"] == 0
    result = _run("maintenance", "off")
    assert result.exit_code == 0
    assert "stays on: CERS_MAINTENANCE_MODE=1" in result.output
    status = _run("maintenance", "status")
    assert "OpenCERS is in maintenance" in status.output


def test_switching_is_audited_and_status_reports_it(database) -> None:
    assert "off" in _run("maintenance", "status").output
    _switch_on()
    assert "until 18:00 UTC" in _run("maintenance", "status").output
    _run("maintenance", "off")
    events = support.audit_events("MAINTENANCE_MODE_CHANGED")
    assert [e.after["maintenance"] for e in events] == [True, False]
    assert events[0].after["until"] == "18:00 UTC"
    # Off again: the next change goes through.
    assert helpers.register("newperson")
