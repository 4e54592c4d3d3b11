"""Planning an inventory import: what each row of the file does to the draft, and every
value the final transaction stores, worked out before it starts.

`Planner` decides row by row (in the file's order) whether a row is added, updates a draft
row (Merge) or changes nothing, matching file rows to draft rows by location and CAS
number, else location and common name. `Preparer` computes the stored columns, findings and
threshold sentences of planned rows, so the transaction that changes the draft only writes:
`prepare` feeds it the rows `importing` staged for a preview, planned again against the
draft as it is now; a file imported in one go feeds it its rows as they are read.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from json.encoder import encode_basestring_ascii as _json_text  # type: ignore[attr-defined]
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from sqlmodel import Session

from cers_app.core import clock
from cers_app.core.errors import Conflict
from cers_app.inventory import findings
from cers_app.inventory.fields import TAGS
from cers_app.inventory.import_models import InventoryImport, InventoryImportRow
from cers_app.inventory.models import NO_FINDINGS_RANK, InventoryItem
from cers_app.inventory.rules import LEVEL_RANK, Finding, RuleSettings, validate_rows
from cers_app.inventory.thresholds import LocalThresholds, Material, assess
from cers_app.inventory.values import row_of

APPEND, REPLACE, MERGE = "append", "replace", "merge"
ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"
BATCH_ROWS = 1000
# A staged row's values are a JSON list: this mark, then every field's value in TAGS order
# (null where the file has no such column). Without keys it is a third of the size of a
# dict, and quicker to write and read back; the mark names the field order it was written
# in, so a row staged before the fields changed is never read in another order.
STAGED_MARK = "v1:" + hashlib.sha256(" ".join(TAGS).encode()).hexdigest()[:12]
STAGED_AGAIN = "The inventory fields changed since this file was read. Upload the file again."


# Not frozen: these are made for every row, and a frozen dataclass pays a call per field.
@dataclass(slots=True)
class Existing:
    """A row of the draft as the import sees it."""

    id: int
    version: int
    data: dict[str, Any]
    chemical_id: int | None
    cas: str
    reportable: str


@dataclass(slots=True)
class Planned:
    """What one row of the file does to the draft."""

    sheet_row: int
    action: str
    given: dict[str, str]
    values: dict[str, str]  # every field as it will be stored
    target: Existing | None  # the row updated (Merge) or replaced (Replace keeps its link)


@dataclass
class Plan:
    """How many rows of the draft the import adds, updates, leaves alone and removes."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _match_keys(data: Mapping[str, Any]) -> list[tuple]:
    """The keys a draft row can be matched by, with and without its location (a file
    without a location column matches on the rest)."""
    location = _fold(str(data.get("ChemicalLocation", "")))
    keys: list[tuple] = [(location, "name", _fold(str(data.get("CommonName", ""))))]
    cas = str(data.get("CASNumber", ""))
    if cas:
        keys.append((location, "cas", cas))
    return keys + [(None, *key[1:]) for key in keys]


def _file_key(given: Mapping[str, str]) -> tuple:
    location = _fold(given["ChemicalLocation"]) if "ChemicalLocation" in given else None
    if given.get("CASNumber"):
        return (location, "cas", given["CASNumber"])
    return (location, "name", _fold(given.get("CommonName", "")))


class Matcher:
    """Merge matching: each draft row is matched at most once, first come first served, so
    a material listed twice at one location matches two rows."""

    def __init__(self, existing: Sequence[Existing]) -> None:
        self._free: dict[tuple, deque[Existing]] = defaultdict(deque)
        for row in existing:
            for key in _match_keys(row.data):
                self._free[key].append(row)
        self._taken: set[int] = set()

    def take(self, given: Mapping[str, str]) -> Existing | None:
        """The first draft row not yet taken that the file row `given` matches, if any."""
        queue = self._free.get(_file_key(given))
        while queue:
            row = queue.popleft()
            if row.id not in self._taken:
                self._taken.add(row.id)
                return row
        return None


class Planner:
    """What each file row does to the draft, planned row by row; `plan` keeps the counts."""

    def __init__(self, mode: str, existing: Sequence[Existing]) -> None:
        self.mode = mode
        self.plan = Plan(removed=len(existing) if mode == REPLACE else 0)
        # Replace matches a file row to a draft row only to keep its library link: without
        # any link to keep, every match would come to the same.
        matching = mode == MERGE or (mode == REPLACE and any(row.chemical_id for row in existing))
        self.matcher = Matcher(existing) if matching and existing else None

    def add(self, given_rows: Iterable[tuple[int, dict[str, str]]]) -> list[Planned]:
        """Plan more rows of the file (in the file's order) and count them."""
        plan, matcher = self.plan, self.matcher
        planned: list[Planned] = []
        for sheet_row, given in given_rows:
            target = matcher.take(given) if matcher else None
            if self.mode == MERGE and target is not None:
                before = findings.full(target.data)
                values = {**before, **given}
                changed = findings.compact(values) != findings.compact(before)
                action = UPDATE if changed else UNCHANGED
                plan.updated += changed
                plan.unchanged += not changed
            else:
                # Stored values as given: sync_columns compacts them, missing fields are empty.
                values, action = given, ADD
                plan.added += 1
            planned.append(Planned(sheet_row, action, given, values, target))
        return planned


# ---------------------------------------------------------------- preparing

# What a row of the file does to a draft row: (action, target, stored columns, the values
# the rules check), as `Preparer.add` takes it.
_Change = tuple[str, Existing | None, dict[str, Any], dict[str, str]]


@dataclass
class Prepared:
    """Everything the final transaction writes, computed before it starts."""

    fingerprint: dict[int, int]  # the draft's rows (id -> version) it was computed from
    settings: RuleSettings
    local: LocalThresholds
    plan: Plan
    removed_ids: list[int] = field(default_factory=list)
    inserts: list[dict[str, Any]] = field(default_factory=list)  # "data" as JSON text
    # The new rows' findings, row after row, and how many each row has. Kept flat, and the
    # rows' data as text, because objects holding objects are what the garbage collector
    # walks through again and again while a big import is prepared.
    insert_findings: list[dict[str, Any]] = field(default_factory=list)
    insert_finding_counts: list[int] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    update_findings: list[dict[str, Any]] = field(default_factory=list)
    sentences: list[dict[str, Any]] = field(default_factory=list)  # untouched rows


_KEY_JSON = {tag: json.dumps(tag) + ": " for tag in TAGS}


def stored_json(value: dict[str, Any]) -> str:
    """`value` as JSON text, as a JSON column stores it: the engine has no serializer of
    its own, so SQLAlchemy (SQLite) and psycopg (PostgreSQL) both write `json.dumps`."""
    try:
        # json.dumps' text, made faster for the usual row (fields' text by tag).
        return "{" + ", ".join([_KEY_JSON[k] + _json_text(v) for k, v in value.items()]) + "}"
    except (KeyError, TypeError):  # another key, or a value that is not text
        return json.dumps(value)


def _finding_dicts(found: list[Finding], version_id: int) -> list[dict[str, Any]]:
    return [
        {
            "element_version_id": version_id,
            "position": position,
            "code": finding.code,
            "level": finding.level,
            "fields": " ".join(finding.fields),
            "message": finding.message[:600],
        }
        for position, finding in enumerate(found)
    ]


def _rank(found: list[Finding]) -> int:
    return min((LEVEL_RANK.get(f.level, NO_FINDINGS_RANK) for f in found), default=NO_FINDINGS_RANK)


class _Assessed:
    """The rows the threshold sentences are computed from, turned into `Material`s a batch
    at a time so that no more than a batch of whole rows is kept for them."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[SimpleNamespace] = []
        self.materials: list[Material] = []

    def add(
        self,
        item_id: int,
        row: dict[str, str],
        chemical_id: int | None,
        cas: str,
        key: str | None = None,
        special: str | None = None,
    ) -> None:
        """Add a row (read by `values.row_of`) under its id (provisional for new rows), with
        its material key and special class when they are known already."""
        self.pending.append(
            SimpleNamespace(
                id=item_id,
                data=row,
                chemical_id=chemical_id,
                cas=cas,
                known_key=key,
                known_special=special,
            )
        )
        if len(self.pending) >= BATCH_ROWS:
            self._flush()

    def _flush(self) -> None:
        items = cast(list[InventoryItem], self.pending)
        self.materials += findings.materials(self.session, items, rows_read=True)
        self.pending = []

    def sentences(self, local: LocalThresholds) -> dict[int, str]:
        """The threshold sentence of every row added, by id."""
        self._flush()
        return assess(self.materials, local)


class Preparer:
    """Computes what an import stores, a batch of changes (`changes_of`) at a time: each
    row's columns and findings now, and, in `finish`, the threshold sentences of the draft
    as it will be. Reading a file for the command line feeds it as the rows are read;
    `prepare` feeds it the rows staged for a preview."""

    def __init__(
        self,
        session: Session,
        job: InventoryImport,
        user_id: int | None,
        existing: Sequence[Existing],
        plan: Plan,
        settings: RuleSettings,
        local: LocalThresholds,
    ) -> None:
        self.job = job
        self.user_id = user_id
        self.existing = existing
        self.settings = settings
        self.prepared = Prepared(
            fingerprint={row.id: row.version for row in existing},
            settings=settings,
            local=local,
            plan=plan,
        )
        self.now = clock.now()
        self.changed: dict[int, dict[str, Any]] = {}  # updated rows by id
        self.assessed = _Assessed(session)
        self.new_rows: list[dict[str, Any]] = []

    def add(self, batch: list[_Change]) -> None:
        """Compute the stored values of a batch of changes (in the file's order)."""
        prepared, job, user_id, now = self.prepared, self.job, self.user_id, self.now
        version_id = job.element_version_id
        new_rows = self.new_rows
        # The rules look at the batch a column at a time.
        found_rows = validate_rows([row for *_, row in batch], self.settings)
        for (action, target, columns, row), found in zip(batch, found_rows, strict=True):
            columns["worst_rank"] = _rank(found) if found else NO_FINDINGS_RANK
            columns["finding_count"] = len(found)
            if action == UPDATE and target is not None:
                self.changed[target.id] = {
                    "id": target.id,
                    **columns,
                    "updated_at": now,
                    "updated_by_user_id": user_id,
                    "version": target.version + 1,
                }
                prepared.update_findings += [
                    {**f, "item_id": target.id} for f in _finding_dicts(found, version_id)
                ]
                chemical_id = target.chemical_id
                assess_id = target.id
            else:
                chemical_id = target.chemical_id if target is not None else None
                assess_id = -(len(new_rows) + 1)  # provisional: the row has no id yet
                columns.update(
                    data=stored_json(columns["data"]),
                    facility_id=job.facility_id,
                    element_version_id=version_id,
                    chemical_id=chemical_id,
                    created_at=now,
                    created_by_user_id=user_id,
                    updated_at=now,
                    updated_by_user_id=user_id,
                    version=1,
                )
                new_rows.append(columns)
                found_dicts = _finding_dicts(found, version_id)
                prepared.insert_findings += found_dicts
                prepared.insert_finding_counts.append(len(found_dicts))
            self.assessed.add(
                assess_id,
                row,
                chemical_id,
                columns["cas"],
                columns["material_key"],
                columns["special"],
            )

    def finish(self) -> Prepared:
        """The whole of what the import writes: the rows added and changed so far, and the
        threshold sentences of every row of the draft after it."""
        prepared, changed, assessed = self.prepared, self.changed, self.assessed
        replace = self.job.mode == REPLACE
        kept = [row for row in self.existing if row.id not in changed] if not replace else []
        for row in kept:
            assessed.add(row.id, row_of(row.data), row.chemical_id, row.cas)
        sentences = assessed.sentences(prepared.local)
        for index, row in enumerate(self.new_rows, 1):
            row["reportable"] = sentences.get(-index, "")[:600]
        for item_id, row in changed.items():
            row["reportable"] = sentences.get(item_id, "")[:600]
        prepared.sentences = [
            {"id": row.id, "reportable": sentences.get(row.id, "")[:600]}
            for row in kept
            if sentences.get(row.id, "")[:600] != row.reportable
        ]
        prepared.inserts = self.new_rows
        prepared.updates = list(changed.values())
        prepared.removed_ids = [row.id for row in self.existing] if replace else []
        return prepared


def prepare(
    session: Session,
    job: InventoryImport,
    user_id: int | None,
    settings: RuleSettings,
    local: LocalThresholds,
) -> Prepared:
    """Plan the job's staged rows against its draft as it is now and compute every stored
    value: columns, findings and the threshold sentences of the whole draft, under
    `settings` and `local`. The staged rows are read a batch at a time, so only the values
    to be stored are kept, not every row's staged copy too."""
    existing = existing_rows(session, job.element_version_id, job.mode)
    planner = Planner(job.mode, existing)
    preparer = Preparer(session, job, user_id, existing, planner.plan, settings, local)
    for batch in _changes(session, job.id or 0, planner):
        preparer.add(batch)
    return preparer.finish()


def existing_rows(session: Session, version_id: int, mode: str) -> list[Existing]:
    """The draft's rows. Replace keeps none of them, so it reads only what matching needs
    (from the typed columns, which hold the same values) rather than every row's data."""
    items = cast(sa.Table, InventoryItem.__table__).c
    keys = (items.common_name, items.location) if mode == REPLACE else (items.data,)
    selected = session.execute(
        sa.select(items.id, items.version, items.chemical_id, items.cas, items.reportable, *keys)
        .where(items.element_version_id == version_id)
        .order_by(items.id)
    ).all()  # fetched at once: quicker than a row at a time
    if mode == REPLACE:
        return [
            Existing(
                item_id,
                version,
                {"CommonName": name, "ChemicalLocation": location, "CASNumber": cas},
                chemical_id,
                cas,
                reportable,
            )
            for item_id, version, chemical_id, cas, reportable, name, location in selected
        ]
    return [
        Existing(item_id, version, data, chemical_id, cas, reportable)
        for item_id, version, chemical_id, cas, reportable, data in selected
    ]


_TAG_LIST = list(TAGS)
_MARK_JSON = f"[{json.dumps(STAGED_MARK)}, "


def staged_values(given: Mapping[str, str]) -> list[str | None]:
    """The staged form of a file row's values (`staged_given` reads it back)."""
    if len(given) == len(_TAG_LIST) and list(given) == _TAG_LIST:  # every column, in order
        return [STAGED_MARK, *given.values()]
    return [STAGED_MARK, *map(given.get, TAGS)]


def staged_json(given: Mapping[str, str]) -> str:
    """`staged_values` as JSON text, as `json.dumps` writes it (a JSON column's own way),
    made quicker for the usual row: text and nulls only."""
    if len(given) == len(_TAG_LIST) and list(given) == _TAG_LIST:  # every column, in order
        with contextlib.suppress(TypeError):  # else a value that is not text
            return _MARK_JSON + ", ".join(map(_json_text, given.values())) + "]"
    return json.dumps(staged_values(given))


def staged_given(data: object) -> dict[str, str]:
    """The values of the columns the file has, from a staged row (`staged_values`); rows
    staged as a dict of tags (by an earlier version) are read as they are. Raises Conflict
    for a row staged under other fields."""
    if data.__class__ is dict:
        return dict(data)  # type: ignore[call-overload]
    if data.__class__ is not list or not data or data[0] != STAGED_MARK:  # type: ignore[index]
        raise Conflict(STAGED_AGAIN)
    staged = cast(list, data)
    if None not in staged:
        return dict(zip(TAGS, staged[1:], strict=True))
    return {tag: value for tag, value in zip(TAGS, staged[1:], strict=True) if value is not None}


def staged_plan(session: Session, import_id: int, planner: Planner) -> Iterator[Planned]:
    """The staged rows, in the file's order, planned by `planner` a batch at a time."""
    for batch in staged_batches(session, import_id, planner):
        yield from batch


def staged_batches(session: Session, import_id: int, planner: Planner) -> Iterator[list[Planned]]:
    """`staged_plan`, a batch (of up to BATCH_ROWS rows) at a time."""
    for batch in _staged_rows(session, import_id):
        yield planner.add([(sheet_row, staged_given(data)) for sheet_row, data in batch])


def _staged_rows(session: Session, import_id: int) -> Iterator[list[tuple[int, object]]]:
    """(sheet row, staged data) of the staged rows, in the file's order, BATCH_ROWS at a
    time."""
    rows = cast(sa.Table, InventoryImportRow.__table__).c
    last = 0
    while True:
        batch = session.execute(
            sa.select(rows.id, rows.sheet_row, rows.data)
            .where(rows.import_id == import_id, rows.id > last)
            .order_by(rows.id)
            .limit(BATCH_ROWS)
        ).all()
        if not batch:
            return
        last = batch[-1][0]
        yield [(sheet_row, data) for _, sheet_row, data in batch]


def _changes(session: Session, import_id: int, planner: Planner) -> Iterator[list[_Change]]:
    """The staged rows that change the draft, planned by `planner` a batch at a time:
    (action, target, and `findings.columns_of` the values to be stored) of each."""
    if planner.matcher is None and planner.mode != MERGE:
        # Every row is added as the file gives it: no row needs planning on its own.
        for batch in _staged_rows(session, import_id):
            planner.plan.added += len(batch)
            yield [(ADD, None, *_added_columns(data)) for _, data in batch]
        return
    for planned_rows in staged_batches(session, import_id, planner):
        yield changes_of(planned_rows)


def changes_of(planned_rows: Iterable[Planned]) -> list[_Change]:
    """The planned rows that change the draft: (action, target, and `findings.columns_of`
    the values to be stored) of each, as `Preparer.add` takes them."""
    return [
        (planned.action, planned.target, *findings.columns_of(planned.values))
        for planned in planned_rows
        if planned.action != UNCHANGED
    ]


_STAGED_LENGTH = len(TAGS) + 1


def _added_columns(data: object) -> tuple[dict[str, Any], dict[str, str]]:
    """`findings.columns_of(staged_given(data))`, straight from the usual staged row."""
    staged = cast(list, data)
    if data.__class__ is list and len(staged) == _STAGED_LENGTH and staged[0] == STAGED_MARK:
        quick = findings.columns_of_items(zip(TAGS, islice(staged, 1, None), strict=True))
        if quick is not None:
            return quick
    return findings.columns_of(staged_given(data))
