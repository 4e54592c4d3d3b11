"""Searching and reading the chemical library (reference data: every signed-in user may read it).

Search ranks an exact match (a name or the CAS number) first, then primary-name prefixes,
then synonym prefixes, then a word inside a name; within a rank the well-known tier comes
first, then heavier (better known) chemicals, then shorter names, then names in byte order. One
statement shape serves SQLite and PostgreSQL: prefix matches are B-tree range scans (PostgreSQL
uses its pattern operators `~>=~`/`~<~`, which a `text_pattern_ops` index serves whatever the
database collation is, and which keep using the index when a statement is prepared), every part
reads its index in the order it ranks in, and the database ranks the few candidates.

On PostgreSQL the statement is written so that one plan serves every text (see `_looked_up` and
`_constant`): planning it again for each search would cost more than running it.

Nothing is ever refused for not matching the library: an inventory row may name a material the
library does not know.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from cers_app.chemicals import rules
from cers_app.chemicals.models import (
    IUPAC,
    NAME_BUCKET_LENGTH,
    PRIMARY,
    SYNONYM,
    WORD,
    Chemical,
    ChemicalName,
    common_rank_order,
    in_common_tier,
    is_word,
    name_bucket,
)

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 300  # no stored name is longer
MAX_LIMIT = 50
# Each tier returns `limit` plus this many rows: one chemical may match under several names.
EXTRA_ROWS = 10
_RANK_OF_KIND = {PRIMARY: 1, IUPAC: 2, SYNONYM: 2, WORD: 3}
EXACT = 0
CAS_MATCH = "cas"
CAS_PREFIX = _RANK_OF_KIND[PRIMARY]


@dataclass(frozen=True)
class ChemicalHit:
    """One search result. `matched` is the synonym that matched ("" for the name or CAS)."""

    id: int
    name: str
    cas: str
    matched: str
    ehs: bool
    physical_state: str  # CERS code: a solid, b liquid, c gas, "" unknown


@dataclass(frozen=True)
class ChemicalView:
    """What an inventory row may take from the library; every value with its source."""

    id: int
    name: str
    cas: str
    ehs: bool
    physical_state: str
    density_kg_per_l: float | None
    density_source: str
    tpq_lb: float | None
    tpq_solid_lb: float | None
    hazard_suggestions: tuple[str, ...]
    sources: dict[str, str]
    # Beyond the agreed contract, for pre-filling more of a row.
    chemical_name: str = ""
    hm_type: str = ""  # a pure, b mixture, c waste
    fire_code_suggestions: tuple[str, ...] = ()
    dot_class: str = ""
    density_phase: str = ""  # solid | liquid | gas
    density_temp_c: float | None = None
    flash_point_c: float | None = None
    rq_lb: float | None = None
    origin: str = ""
    synonyms: tuple[str, ...] = ()


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _starts_with(postgres: bool, column: sa.ColumnElement, low: str, high: str) -> Any:
    """`column` starts with the bound prefix `low` (`high` is `_after(low)`): a range scan."""
    low_param, high_param = _looked_up(postgres, low), _looked_up(postgres, high)
    if postgres:
        return sa.and_(column.op("~>=~")(low_param), column.op("~<~")(high_param))
    return sa.and_(column >= low_param, column < high_param)


def _looked_up(postgres: bool, name: str) -> Any:
    """The bound text `name` where an index looks it up.

    On PostgreSQL it is read through a sub-select, which the planner does not look into: every
    plan of a prepared search is then costed alike, so after its first few runs PostgreSQL
    keeps one plan (made without the text, as it has to be for any text) instead of planning
    again for each text, which costs more than running the search.
    """
    value = sa.bindparam(name, type_=sa.String)
    return sa.select(value).scalar_subquery() if postgres else value


def _index_order(postgres: bool, column: sa.ColumnElement) -> Any:
    """Ordering by `column` as its prefix index stores it, so LIMIT stops early.

    A `text_pattern_ops` index is in byte order (`~<~`), not in the database collation's order
    that a plain ORDER BY asks for; asking for the byte order lets PostgreSQL read the index in
    order instead of sorting every match.
    """
    if postgres:
        return column.op("USING ~<~", is_comparison=False)(sa.literal_column(""))
    return column


def search(session: Session, text: str, limit: int = 20) -> list[ChemicalHit]:
    """Library chemicals matching `text` by name, word, synonym or CAS, best first.

    Fewer than two letters or digits (or anything but text) return nothing; `limit` is capped
    at 50 and the text at 300 characters. One statement, one round trip: each candidate set is
    read from an index in the order it ranks in and stops after a few rows, and the database
    ranks those few rows and returns only the best match of each of the first `limit` chemicals.
    """
    if not isinstance(text, str):
        return []
    text = text[:MAX_QUERY_LENGTH]
    limit = max(1, min(int(limit), MAX_LIMIT))
    query = rules.normalise_name(text)
    digits = rules.cas_digits(text) if rules.looks_like_cas(text) else ""
    by_name = len(query.replace(" ", "")) >= MIN_QUERY_LENGTH
    if not (digits or by_name):
        return []
    cas = rules.normalise_cas(text) or ""
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _search_statement(postgres, bool(digits), bool(cas), by_name, limit)
    params: dict[str, Any] = {}
    if by_name:
        params.update(q=query, q_high=_after(query), q_bucket=query[:NAME_BUCKET_LENGTH])
    if digits:
        params.update(digits=digits, digits_high=_after(digits), cas=cas)
    return [_hit(*row) for row in session.execute(statement, params)]


def _hit(
    chemical_id: int,
    matched: str,
    kind: str,
    name: str,
    key: str,
    cas: str | None,
    ehs: bool,
    physical_state: str,
) -> ChemicalHit:
    """One result row (unpacked: reading a row's fields by name costs more than the rest)."""
    if kind == CAS_MATCH or rules.normalise_name(matched) == key:
        matched = ""
    return ChemicalHit(
        id=chemical_id,
        name=name,
        cas=cas or "",
        matched=matched,
        ehs=bool(ehs),
        physical_state=physical_state,
    )


def _constant(value: int | str) -> Any:
    """A constant written into the SQL, not bound.

    Only the searched text is bound, so that PostgreSQL's plan of a prepared search, made
    without the text, is costed with the real row limits and reused (a custom plan per search
    would cost more to make than to run).
    """
    if isinstance(value, str):
        return sa.literal_column("'{}'".format(value.replace("'", "''")), sa.String)
    return sa.literal_column(str(int(value)), sa.Integer)


@functools.cache
def _search_statement(
    postgres: bool, by_cas: bool, exact_cas: bool, by_name: bool, limit: int
) -> Any:
    """The search statement of one shape and limit, built once.

    The candidates of every part are ranked: an exact name (not a word inside one) or the exact
    CAS number first, then primary names and CAS prefixes, synonyms, words; within a rank the
    well-known tier, heavier chemicals, shorter keys, then the key in byte order (so that equal
    ranks always come in the same order). Each chemical keeps its best match, and the first
    `limit` chemicals are joined to their rows.
    """
    parts: list[Any] = []
    if by_cas:
        parts += _cas_parts(postgres, exact_cas, limit)
    if by_name:
        parts += _name_parts(postgres, limit + EXTRA_ROWS)
    found = sa.union_all(*(sa.select(part.subquery()) for part in parts)).subquery("found")
    key, kind = found.c.key, found.c.kind
    whens: list[Any] = []
    if by_cas:
        exact_cas_match = key == sa.bindparam("cas", type_=sa.String)
        cas_rank = sa.case((exact_cas_match, _constant(EXACT)), else_=_constant(CAS_PREFIX))
        whens.append((kind == _constant(CAS_MATCH), cas_rank))
    if by_name:
        # A word row equal to the query ("oil" in "motor oil") is a word match, not a name.
        exact_name = sa.and_(key == sa.bindparam("q", type_=sa.String), kind != _constant(WORD))
        whens.append((exact_name, _constant(EXACT)))
    whens += [(kind == _constant(name), _constant(rank)) for name, rank in _RANK_OF_KIND.items()]
    rank = sa.case(*whens)
    best_first = sa.func.row_number().over(
        partition_by=found.c.chemical_id,
        order_by=(rank, sa.func.length(key), _byte_order(postgres, key)),
    )
    ranked = sa.select(found, rank.label("rank"), best_first.label("nth")).subquery("ranked")

    def order(rows: Any) -> tuple[Any, ...]:
        return (
            rows.c.rank,
            rows.c.common.desc(),
            rows.c.weight.desc(),
            sa.func.length(rows.c.key),
            _byte_order(postgres, rows.c.key),
            rows.c.chemical_id,
        )

    top = (
        sa.select(ranked)
        .where(ranked.c.nth == _constant(1))
        .order_by(*order(ranked))
        .limit(_constant(limit))
        .subquery("top")
    )
    table = Chemical.__table__
    return (
        sa.select(
            top.c.chemical_id,
            top.c.matched,
            top.c.kind,
            table.c.name.label("chemical_name"),
            table.c.name_norm.label("chemical_key"),
            table.c.cas,
            table.c.ehs,
            table.c.physical_state,
        )
        .join(table, table.c.id == top.c.chemical_id)
        .order_by(*order(top))
    )


def _byte_order(postgres: bool, column: sa.ColumnElement) -> Any:
    """`column` compared byte by byte, as the prefix indexes store it."""
    return sa.collate(column, "C") if postgres else column


def _name_parts(postgres: bool, rows: int) -> list[Any]:
    """Exact names (both tiers), the well-known tier in rank order, the long tail in key order.

    The well-known tier is read from its two-letter group of `ix_chemical_name_common_rank`,
    which is in rank order: the prefix test is made on the index entries, and the scan stops
    after `rows` matches, so even a two-letter prefix with thousands of matches reads a few
    dozen rows.
    """
    names = ChemicalName.__table__
    columns = (
        names.c.chemical_id,
        names.c.name.label("matched"),
        names.c.name_norm.label("key"),
        names.c.kind,
        names.c.weight,
        names.c.common,
    )
    exact = [
        sa.select(*columns).where(
            tier,
            names.c.name_norm == _looked_up(postgres, "q"),
            is_word(names.c.kind).is_(False),  # tested in the index: no word row is read
        )
        for tier in (names.c.common.is_(True), names.c.common.is_(False))
    ]
    rank_order = common_rank_order(names)
    common = (
        sa.select(*columns)
        .where(
            in_common_tier(names),
            name_bucket(names.c.name_norm) == _looked_up(postgres, "q_bucket"),
            _starts_with(postgres, names.c.name_norm, "q", "q_high"),
        )
        .order_by(*rank_order[:-1], _index_order(postgres, rank_order[-1]))
        .limit(_constant(rows))
    )
    tail = (
        sa.select(*columns)
        .where(names.c.common.is_(False), _starts_with(postgres, names.c.name_norm, "q", "q_high"))
        .order_by(_index_order(postgres, names.c.name_norm))
        .limit(_constant(rows))
    )
    return [*exact, common, tail]


def _cas_parts(postgres: bool, exact_cas: bool, rows: int) -> list[Any]:
    """The exact CAS number, then CAS numbers starting with the digits, well-known first."""
    table = Chemical.__table__
    columns = (
        table.c.id.label("chemical_id"),
        table.c.name.label("matched"),
        sa.func.coalesce(table.c.cas, _constant("")).label("key"),
        _constant(CAS_MATCH).label("kind"),
        table.c.weight,
        table.c.common,
    )
    parts = []
    if exact_cas:
        parts.append(sa.select(*columns).where(table.c.cas == _looked_up(postgres, "cas")))
    for common in (True, False):
        parts.append(
            sa.select(*columns)
            .where(
                table.c.common.is_(common),
                _starts_with(postgres, table.c.cas_key, "digits", "digits_high"),
            )
            .order_by(_index_order(postgres, table.c.cas_key))
            .limit(_constant(rows))
        )
    return parts


def get_chemical(session: Session, chemical_id: int) -> ChemicalView | None:
    """One library chemical with its suggested values and their sources, or None."""
    try:
        chemical_id = int(chemical_id)
    except (TypeError, ValueError):
        return None
    chemical = session.get(Chemical, chemical_id)
    if chemical is None:
        return None
    names = ChemicalName.__table__
    synonyms = session.execute(
        sa.select(names.c.name)
        .where(names.c.chemical_id == chemical_id, names.c.kind.in_([SYNONYM, IUPAC]))
        .order_by(names.c.id)
    ).scalars()
    sources = {str(key): str(value) for key, value in (chemical.sources or {}).items()}
    return ChemicalView(
        id=chemical.id,
        name=chemical.name,
        cas=chemical.cas or "",
        ehs=chemical.ehs,
        physical_state=chemical.physical_state,
        density_kg_per_l=chemical.density_kg_per_l,
        density_source=sources.get("density", ""),
        tpq_lb=chemical.tpq_lb,
        tpq_solid_lb=chemical.tpq_solid_lb,
        hazard_suggestions=tuple(chemical.hazard_suggestions or ()),
        sources=sources,
        chemical_name=chemical.chemical_name,
        hm_type=chemical.hm_type,
        fire_code_suggestions=tuple(chemical.fire_code_suggestions or ()),
        dot_class=chemical.dot_class,
        density_phase=chemical.density_phase,
        density_temp_c=chemical.density_temp_c,
        flash_point_c=chemical.flash_point_c,
        rq_lb=chemical.rq_lb,
        origin=chemical.origin,
        synonyms=tuple(synonyms),
    )
