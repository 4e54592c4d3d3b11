"""Small core pieces: audit rows, paging and the county code list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from cers_app.accounts.models import User
from cers_app.core import audit, clock, codes, db, paging
from cers_app.core.audit import AuditEvent, AuditEventType
from tests import helpers


def test_it_keeps_only_the_fields_that_changed():
    before, after = audit.changed_fields(
        {"name": "Acme", "county": 57, "kind": "CUPA"},
        {"name": "Acme Inc", "county": 57, "kind": "CUPA", "code": 1234},
    )

    assert before == {"name": "Acme", "code": None}
    assert after == {"name": "Acme Inc", "code": 1234}
    assert audit.changed_fields({"a": 1}, {"a": 1}) == ({}, {})


def test_it_names_every_event_noun_verb_past():
    for event in AuditEventType:
        assert event.value == event.name
        assert event.value.isupper()


def test_it_records_an_audit_row_in_the_callers_transaction(database, frozen_clock):
    def write(session):
        with db.transaction(session):
            audit.record(
                session,
                actor_user_id=None,
                event=AuditEventType.AGENCY_CREATED,
                subject_type="agency",
                subject_id=7,
                after={"code": 1234},
                client_ip="203.0.113.7",
            )

    db.run(write)

    [row] = helpers.audit_events()
    assert (row.at, row.event, row.subject_type, row.subject_id) == (
        frozen_clock,
        "AGENCY_CREATED",
        "agency",
        "7",
    )
    assert (row.before, row.after, row.client_ip) == (None, {"code": 1234}, "203.0.113.7")


def test_it_refuses_to_delete_a_user_who_has_audit_rows(lena):
    def delete(session):
        session.exec(sa.delete(User).where(col(User.id) == lena.id))
        session.commit()

    with pytest.raises(IntegrityError):
        db.run(delete)

    assert helpers.user(lena.id) is not None
    assert db.run(lambda s: s.exec(select(AuditEvent)).all())


@pytest.mark.parametrize(
    ("page", "size", "expected"),
    [
        (1, 25, (1, 25)),
        ("3", "10", (3, 10)),
        (0, 0, (1, 1)),
        (-5, -1, (1, 1)),
        (None, None, (1, 25)),
        ("abc", "many", (1, 25)),
        (2, 10_000, (2, paging.MAX_PAGE_SIZE)),
    ],
)
def test_it_clamps_paging_input_from_the_client(page, size, expected):
    assert paging.clamp(page, size) == expected


def test_it_counts_pages_rounding_up():
    assert paging.Page(rows=[], total=0, page=1, page_size=25).pages == 1
    assert paging.Page(rows=[], total=25, page=1, page_size=25).pages == 1
    assert paging.Page(rows=[], total=26, page=1, page_size=25).pages == 2


def test_it_fetches_one_page_and_the_total_in_sql(database, frozen_clock):
    for n in range(7):
        helpers.register(f"person{n}", email=f"p{n}@example.com")
        clock.advance(seconds=1)

    statement = select(User.username).order_by(col(User.id))
    rows, total = db.run(paging.fetch_page, statement, 2, 3)

    assert total == 7
    assert [row[0] for row in rows] == ["person3", "person4", "person5"]


def test_it_knows_the_58_counties():
    assert len(codes.COUNTIES) == 58
    assert (codes.COUNTIES[1], codes.COUNTIES[58]) == ("Alameda", "Yuba")
    assert codes.county_label(57) == "Yolo"
    assert codes.county_label(None) == codes.county_label(99) == ""
    assert codes.county_code("  los   ANGELES ") == 19
    assert codes.county_code("Atlantis") is None


def test_it_can_count_in_the_page_query_itself(database, frozen_clock):
    for n in range(7):
        helpers.register(f"person{n}", email=f"p{n}@example.com")
        clock.advance(seconds=1)
    statement = select(User.username, User.email).order_by(col(User.id))

    rows, total = db.run(paging.fetch_page, statement, 2, 3, count_with_rows=True)
    assert total == 7
    assert rows == [(f"person{n}", f"p{n}@example.com") for n in (3, 4, 5)]
    # A page past the end has no rows but still says how many there are.
    assert db.run(paging.fetch_page, statement, 4, 3, count_with_rows=True) == ([], 7)
    nobody = statement.where(User.username == "nobody")
    assert db.run(paging.fetch_page, nobody, 1, 3, count_with_rows=True) == ([], 0)
    assert db.run(paging.fetch_page, nobody, 2, 3, count_with_rows=True) == ([], 0)
