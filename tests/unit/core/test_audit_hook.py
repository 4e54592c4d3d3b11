"""The test hook that fails a transaction changing an audited table without an audit event."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from cers_app.accounts.models import User
from cers_app.core import audit, clock, db
from cers_app.core.audit import AuditEvent, AuditEventType
from cers_app.organizations.models import Organization
from tests import audit_hook, helpers
from tests.security.report import tally


def _organization(name: str = "Acme Plating") -> int:
    def write(session: Session) -> int:
        with db.transaction(session):
            row = Organization(code=100000001, name=name, created_at=clock.now())
            session.add(row)
            session.flush()
            return row.id or 0

    with audit_hook.exempt("the organization the cases below change"):
        return db.run(write)


def _audited(session: Session, organization_id: int) -> None:
    audit.record(
        session,
        actor_user_id=None,
        event=AuditEventType.ORGANIZATION_CHANGED,
        subject_type="organization",
        subject_id=organization_id,
        organization_id=organization_id,
    )


def _refused(change) -> list[audit_hook.Violation]:
    """Run `change` (a function of a session), expecting the hook to refuse its commit."""
    with audit_hook.caught() as seen, pytest.raises(audit_hook.UnauditedChange):
        db.run(change)
    tally("audit-hook", "refused", len(seen))
    return seen


def _name(organization_id: int) -> str:
    return db.run(lambda s: s.get(Organization, organization_id).name)


def test_it_refuses_an_unaudited_insert(database):
    def insert(session: Session) -> None:
        with db.transaction(session):
            session.add(Organization(code=100000002, name="Sly Co", created_at=clock.now()))

    seen = _refused(insert)

    assert [str(c) for c in seen[0].changes] == ["INSERT organization"]
    assert "test_audit_hook.py" in seen[0].where
    assert db.run(lambda s: s.exec(select(Organization)).all()) == []


def test_it_refuses_an_unaudited_update_and_rolls_it_back(database):
    organization_id = _organization()

    def rename(session: Session) -> None:
        with db.transaction(session):
            session.get(Organization, organization_id).name = "Renamed quietly"

    seen = _refused(rename)

    assert str(seen[0].changes[0]) == "UPDATE organization (name)"
    assert _name(organization_id) == "Acme Plating"


def test_it_refuses_an_unaudited_delete(database):
    organization_id = _organization()

    def remove(session: Session) -> None:
        with db.transaction(session):
            session.delete(session.get(Organization, organization_id))

    seen = _refused(remove)

    assert str(seen[0].changes[0]) == "DELETE organization"


def test_it_refuses_an_unaudited_bulk_update(database):
    organization_id = _organization()

    def bulk(session: Session) -> None:
        with db.transaction(session):
            session.execute(sa.update(Organization).values(headquarters="Nowhere"))

    seen = _refused(bulk)

    assert str(seen[0].changes[0]) == "UPDATE organization (headquarters)"
    assert db.run(lambda s: s.get(Organization, organization_id).headquarters) == ""


def test_it_refuses_unaudited_raw_sql_on_a_bare_connection(database):
    organization_id = _organization()

    with (
        audit_hook.caught() as seen,
        pytest.raises(audit_hook.UnauditedChange),
        db.get_engine().begin() as connection,
    ):
        connection.execute(
            sa.text("UPDATE organization SET name = :name WHERE id = :id"),
            {"name": "Raw SQL", "id": organization_id},
        )
    tally("audit-hook", "refused", len(seen))

    assert [str(c) for v in seen for c in v.changes] == ["UPDATE organization (name)"]
    assert _name(organization_id) == "Acme Plating"


def test_it_passes_a_change_written_with_its_audit_event(database):
    organization_id = _organization()

    def rename(session: Session) -> None:
        with db.transaction(session):
            session.get(Organization, organization_id).name = "Acme Plating Inc"
            session.execute(sa.update(Organization).values(headquarters="Davis"))
            _audited(session, organization_id)

    with audit_hook.caught() as seen:
        db.run(rename)

    assert seen == []
    assert _name(organization_id) == "Acme Plating Inc"
    assert len(helpers.audit_events(AuditEventType.ORGANIZATION_CHANGED)) == 1


def test_an_event_in_another_transaction_does_not_count(database):
    organization_id = _organization()

    def rename(session: Session) -> None:
        with db.transaction(session):
            _audited(session, organization_id)
        with db.transaction(session):
            session.get(Organization, organization_id).name = "Later, unaudited"

    seen = _refused(rename)

    assert len(seen) == 1


def test_bookkeeping_columns_and_unaudited_tables_need_no_event(database):
    user_id = helpers.activated_user()

    def sign_in_time(session: Session) -> None:
        with db.transaction(session):
            session.get(User, user_id).last_sign_in_at = clock.now()
            session.execute(sa.delete(AuditEvent).where(sa.false()))

    with audit_hook.caught() as seen:
        db.run(sign_in_time)

    assert seen == []


def test_a_rolled_back_change_needs_no_event(database):
    organization_id = _organization()

    def abandoned(session: Session) -> None:
        with db.transaction(session):
            session.get(Organization, organization_id).name = "Never stored"
            raise LookupError("changed my mind")

    with audit_hook.caught() as seen, pytest.raises(LookupError):
        db.run(abandoned)

    assert seen == []
    assert _name(organization_id) == "Acme Plating"


def test_exempt_code_needs_no_event(database):
    with audit_hook.caught() as seen:
        _organization()

    assert seen == []


@pytest.mark.audit_exempt("proves the marker turns the hook off for one test")
def test_a_marked_test_may_write_without_events(database):
    def rename(session: Session) -> None:
        with db.transaction(session):
            session.add(Organization(code=100000003, name="Marked", created_at=clock.now()))

    with audit_hook.caught() as seen:
        db.run(rename)

    assert seen == []


def test_an_exemption_needs_a_reason():
    with pytest.raises(ValueError, match="say why"), audit_hook.exempt(" "):
        pass


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("INSERT INTO facility (name) VALUES (?)", ("INSERT facility", False)),
        (
            'UPDATE "inventory_item" SET data=%(data)s WHERE id = 1',
            ("UPDATE inventory_item (data)", False),
        ),
        ("DELETE FROM review_action WHERE id = ?", ("DELETE review_action", False)),
        ("INSERT OR IGNORE INTO org_member (role) VALUES (?)", ("INSERT org_member", False)),
        ("UPDATE user_account SET last_sign_in_at=? WHERE user_account.id = ?", (None, False)),
        (
            "UPDATE user_account SET last_sign_in_at=?, status=? WHERE id = ?",
            ("UPDATE user_account (last_sign_in_at, status)", False),
        ),
        ("INSERT INTO audit_event (event) VALUES (?)", (None, True)),
        ("UPDATE throttle_hit SET at=?", (None, False)),
        ("SELECT * FROM facility", (None, False)),
    ],
)
def test_it_reads_the_table_and_columns_a_statement_changes(statement, expected):
    change, audited = audit_hook.classify(statement)

    assert (str(change) if change else None, audited) == expected
