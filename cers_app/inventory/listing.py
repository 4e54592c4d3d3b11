"""The inventory list: one page of an inventory version, sorted and filtered in SQL.

The sort is one of a fixed list of fields and every filter is checked against its choices, so
nothing from the client reaches the query as SQL. Services call `page_of` after checking who
is asking (`service.list_items`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session, col, func

from cers_app.core.paging import clamp
from cers_app.inventory import codes, values
from cers_app.inventory.fields import HAZARD_TAGS, label_of
from cers_app.inventory.models import InventoryFinding, InventoryItem
from cers_app.inventory.rules import LEVEL_RANK, LEVELS
from cers_app.inventory.units import abbreviation

SORTABLE = (
    "CommonName",
    "ChemicalName",
    "CASNumber",
    "ChemicalLocation",
    "PhysicalState",
    "MaximumDailyAmount",
    "EHS",
    "GuidanceLevel",
)
_RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}


@dataclass(frozen=True)
class ItemQuery:
    page: int = 1
    page_size: int = 25
    sort: str = "CommonName"
    descending: bool = False
    text: str = ""
    location: str = ""
    hazard: str = ""
    ehs: str = ""
    level: str = ""
    only_findings: bool = False
    # Set by a service, never from the client: locations marked confidential (EPCRA) are
    # not searched, so a search cannot reveal one the reader is not shown.
    hide_confidential: bool = False


@dataclass(frozen=True)
class ItemRow:
    id: int
    common_name: str
    chemical_name: str
    cas: str
    location: str
    physical_state: str  # label
    amount: str  # maximum daily amount with its unit, e.g. "1,000 gal"
    ehs: bool
    worst_level: str  # "" when none
    finding_count: int
    messages: tuple[str, ...]
    reportable: str


@dataclass(frozen=True)
class ItemPage:
    rows: list[ItemRow]
    total: int
    page: int
    pages: int


def _sort_columns(sort: str):
    return {
        "CommonName": (func.lower(InventoryItem.common_name),),
        "ChemicalName": (func.lower(InventoryItem.chemical_name),),
        "CASNumber": (InventoryItem.cas,),
        "ChemicalLocation": (func.lower(InventoryItem.location),),
        "PhysicalState": (InventoryItem.physical_state,),
        # Rows without an amount go last whichever way the list is sorted.
        "MaximumDailyAmount": (InventoryItem.max_daily,),
        "EHS": (InventoryItem.ehs,),
        "GuidanceLevel": (InventoryItem.worst_rank,),
    }[sort]


def check_query(query: ItemQuery) -> dict[str, str]:
    """What is wrong with a query from the client, by field ({} when nothing is)."""
    texts = (query.sort, query.text, query.location, query.hazard, query.ehs, query.level)
    if not all(isinstance(text, str) for text in texts):
        return {"query": "The list cannot be shown that way."}
    problems = {}
    if query.sort not in SORTABLE:
        problems["sort"] = "The list cannot be sorted that way."
    if query.hazard and query.hazard not in HAZARD_TAGS:
        problems["hazard"] = "Choose a hazard category from the list."
    if query.ehs not in ("", codes.YES, codes.NO):
        problems["ehs"] = "Choose Yes or No for Extremely Hazardous Substance."
    if query.level not in ("", *LEVELS):
        problems["level"] = "Choose Required, Warning or Advisory."
    if len(query.text) > 200 or len(query.location) > 140:
        problems["text"] = "The search text is too long."
    return problems


def _location_searchable(query: ItemQuery):
    """A clause: the row's location may be searched by this query's reader."""
    if not query.hide_confidential:
        return sa.true()
    flag = InventoryItem.data["CLConfidential"].as_string()  # type: ignore[index]
    return sa.func.coalesce(flag, "") != codes.YES


def _filtered(version_id: int, query: ItemQuery) -> sa.Select:
    statement = sa.select(
        InventoryItem.id,
        InventoryItem.common_name,
        InventoryItem.chemical_name,
        InventoryItem.cas,
        InventoryItem.location,
        InventoryItem.physical_state,
        InventoryItem.max_daily,
        InventoryItem.units,
        InventoryItem.ehs,
        InventoryItem.worst_rank,
        InventoryItem.finding_count,
        InventoryItem.reportable,
    ).where(InventoryItem.element_version_id == version_id)
    text = " ".join(query.text.split()).casefold()
    if text:
        statement = statement.where(
            sa.or_(
                *(
                    func.lower(column).contains(text, autoescape=True)
                    for column in (
                        InventoryItem.common_name,
                        InventoryItem.chemical_name,
                        InventoryItem.cas,
                    )
                ),
                func.lower(InventoryItem.location).contains(text, autoescape=True)
                & _location_searchable(query),
            )
        )
    location = " ".join(query.location.split()).casefold()
    if location:
        statement = statement.where(
            func.lower(InventoryItem.location) == location, _location_searchable(query)
        )
    if query.hazard:
        statement = statement.where(
            col(InventoryItem.hazards).contains(f";{query.hazard};", autoescape=True)
        )
    if query.ehs:
        statement = statement.where(InventoryItem.ehs == (query.ehs == codes.YES))
    if query.level:
        statement = statement.where(
            sa.exists().where(
                InventoryFinding.item_id == InventoryItem.id,
                InventoryFinding.level == query.level,
            )
        )
    if query.only_findings:
        statement = statement.where(InventoryItem.finding_count > 0)
    return statement


def _amount(max_daily: float | None, unit: str) -> str:
    if max_daily is None:
        return ""
    shown = values.grouped(Decimal(repr(max_daily)))
    return f"{shown} {abbreviation(unit)}".strip()


def page_of(session: Session, version_id: int, query: ItemQuery) -> ItemPage:
    """One page of the version's rows for a checked query (see `check_query`)."""
    page, page_size = clamp(query.page, query.page_size)
    statement = _filtered(version_id, query)
    total = session.execute(
        sa.select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    pages = max(1, -(-int(total) // page_size))
    page = min(page, pages)
    order = [sa.desc(c) if query.descending else sa.asc(c) for c in _sort_columns(query.sort)]
    if query.sort == "MaximumDailyAmount":
        order.insert(0, col(InventoryItem.max_daily).is_(None))
    order.append(sa.asc(InventoryItem.id))
    found = session.execute(
        statement.order_by(*order).limit(page_size).offset((page - 1) * page_size)
    ).all()
    messages: dict[int, list[str]] = defaultdict(list)
    flagged = [row.id for row in found if row.finding_count]
    if flagged:
        for item_id, message in session.execute(
            sa.select(InventoryFinding.item_id, InventoryFinding.message)
            .where(col(InventoryFinding.item_id).in_(flagged))
            .order_by(InventoryFinding.item_id, InventoryFinding.position)
        ):
            messages[item_id].append(message)
    rows = [
        ItemRow(
            id=row.id,
            common_name=row.common_name,
            chemical_name=row.chemical_name,
            cas=row.cas,
            location=row.location,
            physical_state=label_of("PhysicalState", row.physical_state),
            amount=_amount(row.max_daily, row.units),
            ehs=row.ehs,
            worst_level=_RANK_LEVEL.get(row.worst_rank, ""),
            finding_count=row.finding_count,
            messages=tuple(messages.get(row.id, ())),
            reportable=row.reportable,
        )
        for row in found
    ]
    return ItemPage(rows=rows, total=int(total), page=page, pages=pages)
