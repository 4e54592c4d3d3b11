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
    session: Session, statement: sa.Select, page: int, page_size: int
) -> tuple[list, int]:
    """The rows of one page of `statement` and the total count, both computed in SQL."""
    total = session.execute(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    rows = session.execute(statement.limit(page_size).offset((page - 1) * page_size)).all()
    return list(rows), int(total)
