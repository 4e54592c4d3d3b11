"""core.sql_sets.member_of: the same rows as IN on every database, written as
`= ANY(ARRAY(...))` for PostgreSQL, and never sharing a cached statement with another."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select

from cers_app.accounts.models import User
from cers_app.core import db
from cers_app.core.sql_sets import member_of
from tests import helpers


@pytest.fixture
def people(database) -> dict[str, int]:
    """Five accounts, username -> id."""
    for n in range(5):
        helpers.register(f"member{n}", email=f"m{n}@example.com")
    return {
        name: user_id
        for user_id, name in db.run(
            lambda session: session.exec(select(User.id, User.username)).all()
        )
    }


def _names(where) -> list[str]:
    statement = select(User.username).where(where).order_by(col(User.username))
    return db.run(lambda session: list(session.exec(statement).all()))


@pytest.mark.parametrize(
    "wanted",
    [[], ["member0"], ["member1", "member3", "member4"], [f"member{n}" for n in range(5)]],
)
def test_it_selects_the_rows_in_the_subquery_as_in_does(people, wanted):
    chosen = select(User.id).where(col(User.username).in_(wanted))

    assert _names(member_of(User.id, chosen)) == wanted
    assert _names(member_of(User.id, chosen)) == _names(col(User.id).in_(chosen))
    assert _names(~member_of(User.id, chosen)) == sorted(set(people) - set(wanted))


def test_an_empty_subquery_and_one_of_nulls_match_nothing(people):
    nothing = select(User.id).where(col(User.id) < 0)
    only_null = select(sa.null()).select_from(User)  # one NULL per account

    assert _names(member_of(User.id, nothing)) == []
    assert _names(member_of(User.username, only_null)) == []


def test_postgresql_gets_any_of_an_array_and_others_a_plain_in():
    chosen = select(User.id).where(User.username == "x")
    clause = select(User.username).where(member_of(User.id, chosen))

    on_postgresql = str(clause.compile(dialect=postgresql.dialect()))
    on_sqlite = str(clause.compile(dialect=sqlite.dialect()))

    assert "user_account.id = ANY(ARRAY(SELECT user_account.id" in on_postgresql
    assert "user_account.id IN (SELECT user_account.id" in on_sqlite
    assert "= 1" not in on_sqlite  # a condition of its own, not a boolean column compared


def test_different_subqueries_never_share_a_cached_statement():
    by_name = select(User.username).where(
        member_of(User.id, select(User.id).where(User.username == "a"))
    )
    by_email = select(User.username).where(
        member_of(User.id, select(User.id).where(User.email == "a"))
    )
    same_shape = select(User.username).where(
        member_of(User.id, select(User.id).where(User.username == "b"))
    )

    assert by_name._generate_cache_key().key != by_email._generate_cache_key().key
    assert by_name._generate_cache_key().key == same_shape._generate_cache_key().key
