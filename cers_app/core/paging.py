"""Server-side paging: big lists stay in the database and one page at a time reaches the UI."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session

T = TypeVar("T")

MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def clamp(page: Any, page_size: Any, default_size: int = 25) -> tuple[int, int]:
    """A safe (page, page_size) from client input: page >= 1, 1 <= size <= MAX_PAGE_SIZE."""
    try:
        page = int(page)
    except (TypeError, ValueError):
        page = 1
    try:
        page_size = int(page_size)
    except (TypeError, ValueError):
        page_size = default_size
    return max(1, page), min(MAX_PAGE_SIZE, max(1, page_size))


def fetch_page(
    session: Session,
    statement: sa.Select,
    page: int,
    page_size: int,
    *,
    count_with_rows: bool = False,
) -> tuple[list, int]:
    """The rows of one page of `statement` and the total count, both computed in SQL.

    `count_with_rows` counts in the page's own query (a window over the matching rows): one
    pass instead of two for a search that must read every match anyway to sort it. Leave
    it off when the sort can stop early by an index, which a window count would defeat.
    """
    if count_with_rows:
        counted = statement.add_columns(sa.func.count().over())
        rows = session.execute(counted.limit(page_size).offset((page - 1) * page_size)).all()
        if rows:
            return [tuple(row[:-1]) for row in rows], int(rows[0][-1])
        if page == 1:
            return [], 0
        return [], _count(session, statement)  # a page past the end: no rows, but how many
    total = _count(session, statement)
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return list(rows), total


def _count(session: Session, statement: sa.Select) -> int:
    counted = sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    return int(session.execute(counted).scalar_one())
