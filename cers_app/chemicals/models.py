"""The chemical library: substances and products, their searchable names, and where they came from.

Every value carries its source: `Chemical.sources` maps a field ("physical_state", "density",
"flash_point", "ehs", "hazard_suggestions", ...) to the source it came from, and `origin` says which
load added the row. Nothing here is authoritative for a business: the library only pre-fills an
inventory row, and hazard categories and fire code classes are suggestions.

Search reads `chemical_name` only. Each chemical has one `primary` row (its display name), `iupac`
and `synonym` rows, and `word` rows (the primary name from its second, third ... word on, so a
word inside a name matches as a prefix). `common` splits the names into a small tier of
well-known chemicals (ranked by `weight`) and the long tail (read in index order). Both tiers are
stored in the order search reads them: the tail by `name_norm`, the well-known tier by its first
two letters and then by rank, so a search reads about as many index entries as it returns and a
two-letter prefix costs no more than a six-letter one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.expression import Grouping
from sqlmodel import Field, SQLModel

from cers_app.core.db import UTCDateTime

# Physical state (CERS field 214): a Solid, b Liquid, c Gas.
SOLID, LIQUID, GAS = "a", "b", "c"

# Origins of a chemical row.
ORIGIN_PUBCHEM = "chemicals {version} (PubChem identifiers)"
ORIGIN_CURATED = "curated"
ORIGIN_LIST_OF_LISTS = "list of lists"

# Kinds of chemical_name rows, in search rank order after an exact match.
PRIMARY, IUPAC, SYNONYM, WORD = "primary", "iupac", "synonym", "word"


class ChemicalLibraryVersion(SQLModel, table=True):
    """One load of one part of the library (a package release, the curated CSV, an EHS list).

    A load whose (part, version) row exists is skipped, so seeding again is quick and harmless.
    """

    __tablename__ = "chemical_library_version"
    __table_args__ = (sa.UniqueConstraint("part", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    part: str = Field(max_length=40)  # pubchem | curated | ehs_seed | list_of_lists | fixture
    version: str = Field(max_length=80)  # package version or the sha256 of the file loaded
    source: str = Field(max_length=300)  # what was read, with its licence where it matters
    loaded_at: dt.datetime = Field(sa_type=UTCDateTime)
    chemicals_added: int = 0
    chemicals_updated: int = 0
    names_added: int = 0
    seconds: float = 0.0


class Chemical(SQLModel, table=True):
    """A substance or product of the library, with suggested inventory values and their sources."""

    __tablename__ = "chemical"
    __table_args__ = (
        sa.Index(
            "ix_chemical_common_cas_key",
            "common",
            "cas_key",
            postgresql_ops={"cas_key": "text_pattern_ops"},
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Dashed CAS number (check digit ok). Not unique: a product (bleach, battery electrolyte)
    # carries the CAS of its hazardous substance, which has a row of its own.
    cas: str | None = Field(default=None, max_length=15, index=True)
    cas_key: str = Field(default="", max_length=15)  # CAS digits only, for undashed search
    name: str = Field(max_length=300)  # display (common) name
    name_norm: str = Field(max_length=300)
    chemical_name: str = Field(default="", max_length=500)  # systematic/IUPAC name when known
    formula: str = Field(default="", max_length=100)
    molecular_weight: float | None = None
    pubchem_cid: int | None = None
    hm_type: str = Field(default="", max_length=1)  # a pure, b mixture, c waste, "" unknown
    physical_state: str = Field(default="", max_length=1)  # a solid, b liquid, c gas at 25 °C
    melting_point_c: float | None = None
    boiling_point_c: float | None = None
    density_kg_per_l: float | None = None
    density_phase: str = Field(default="", max_length=10)  # solid | liquid | gas
    density_temp_c: float | None = None
    flash_point_c: float | None = None
    ehs: bool = False
    tpq_lb: float | None = None  # EPCRA 302 threshold planning quantity
    tpq_solid_lb: float | None = None  # the second TPQ of "500/10,000" (certain solids)
    rq_lb: float | None = None  # reportable quantity (EPCRA 304 / CERCLA)
    hazard_suggestions: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # FHC* tags
    fire_code_suggestions: list[str] = Field(default_factory=list, sa_type=sa.JSON)  # "1".."39"
    dot_class: str = Field(default="", max_length=4)
    sources: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)  # field -> source
    origin: str = Field(max_length=80)
    weight: int = 0  # how well known (PubChem synonym count, curated and EHS boosts)
    common: bool = False  # in the small, ranked search tier
    library_version_id: int | None = Field(
        default=None, foreign_key="chemical_library_version.id", ondelete="RESTRICT"
    )
    updated_at: dt.datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class ChemicalName(SQLModel, table=True):
    """A searchable name of a chemical; `weight` and `common` are copied from the chemical."""

    __tablename__ = "chemical_name"

    id: int | None = Field(default=None, primary_key=True)
    chemical_id: int = Field(foreign_key="chemical.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=300)
    name_norm: str = Field(max_length=300)
    kind: str = Field(max_length=10)  # primary | iupac | synonym | word
    weight: int = 0
    common: bool = False


# Search keys of the well-known tier are grouped by their first two letters (a query has at least
# two), each group in rank order. The constants are written into the SQL, not bound, so that a
# query spelling the same expressions is served by the index in its order.
NAME_BUCKET_LENGTH = 2


def name_bucket(key: Any) -> Any:
    """The first letters of a search key: the group of the well-known tier that it is in."""
    return sa.func.substr(key, sa.literal_column("1"), sa.literal_column(str(NAME_BUCKET_LENGTH)))


def is_word(kind: Any) -> Any:
    """True for a word row (a name from its second, third ... word on)."""
    return Grouping(kind == sa.literal_column(f"'{WORD}'"))


def kind_order(kind: Any) -> tuple[Any, Any]:
    """Primary names, then IUPAC names and synonyms, then words: (is a word, is not primary).

    Two comparisons rather than a CASE: the database reports them back in a form that the
    migration check can compare (false sorts before true on both databases).
    """
    return is_word(kind), Grouping(kind.op("<>")(sa.literal_column(f"'{PRIMARY}'")))


def in_common_tier(names: sa.Table) -> Any:
    """The well-known tier, spelt as the partial index spells it (SQLite compares the text)."""
    return names.c.common == sa.true()


def common_rank_order(names: sa.Table) -> tuple[Any, ...]:
    """The well-known tier's search order within a group: kind, weight, length, then the key."""
    return (
        *kind_order(names.c.kind),
        names.c.weight.desc(),
        sa.func.length(names.c.name_norm),
        names.c.name_norm,
    )


_names = ChemicalName.__table__
# Prefix and exact lookups in either tier. Being a word is tested in the index, so an exact
# lookup skips the word rows (the word "acid" ends thousands of names) without reading them.
sa.Index(
    "ix_chemical_name_common_name_norm",
    _names.c.common,
    _names.c.name_norm,
    is_word(_names.c.kind),
    postgresql_ops={"name_norm": "text_pattern_ops"},
)
sa.Index(
    "ix_chemical_name_common_rank",
    name_bucket(_names.c.name_norm),
    *common_rank_order(_names),
    postgresql_where=in_common_tier(_names),
    sqlite_where=in_common_tier(_names),
    postgresql_ops={"name_norm": "text_pattern_ops"},
)


class ChemicalListValue(SQLModel, table=True):
    """A chemical's entry on an imported regulatory list, as the list printed it."""

    __tablename__ = "chemical_list_value"
    __table_args__ = (sa.UniqueConstraint("chemical_id", "list_name"),)

    id: int | None = Field(default=None, primary_key=True)
    chemical_id: int = Field(foreign_key="chemical.id", ondelete="CASCADE")
    # epcra_302_tpq | epcra_304_rq | cercla_rq | epcra_313 | rcra_code | caa_112r_tq
    list_name: str = Field(max_length=20)
    value: str = Field(max_length=100)
    library_version_id: int = Field(
        foreign_key="chemical_library_version.id", ondelete="RESTRICT", index=True
    )
