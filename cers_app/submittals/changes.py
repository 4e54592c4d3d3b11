"""What changed between two versions of an element, and how much it matters (pure).

The change view compares a draft (or a submitted version) with the element's previous
submittal: forms field by field, inventory rows added, removed and changed, documents
provided, replaced or removed. Its significance follows the 30-day change rule (19 CCR
2654(d)): a new reportable material, a 100% or greater increase of one, a new owner or
operator, or a first submittal are significant; any other difference is a change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from cers_app.core.codes import ELEMENTS

NO_CHANGE, CHANGES, SIGNIFICANT = 0, 1, 2
LEVEL_LABELS = {NO_CHANGE: "No change", CHANGES: "Changes", SIGNIFICANT: "Significant changes"}
FI, HMI = 1, 2
# Facility Information fields whose change is significant (owner or operator changed).
SIGNIFICANT_FORM_FIELDS = {
    "owner_operator.OwnerName": "owner",
    "owner_operator.OperatorName": "operator",
}
AMOUNT_TAG = "MaximumDailyAmount"
UNITS_TAG = "Units"
ADDED, REMOVED, CHANGED, REPLACED, PROVIDED = "added", "removed", "changed", "replaced", "provided"


@dataclass(frozen=True)
class FieldChange:
    key: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class InventoryRow:
    """What the comparison needs of one inventory row."""

    material_key: str  # CAS, else the normalised name
    location: str
    name: str
    data: dict[str, Any]


@dataclass(frozen=True)
class RowChange:
    kind: str  # added | removed | changed
    material: str
    location: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class DocumentChange:
    slot: str
    label: str
    kind: str  # provided | removed | replaced | changed
    detail: str


@dataclass(frozen=True)
class Snapshot:
    """One version as the comparison sees it."""

    data: dict[str, Any] = field(default_factory=dict)
    rows: tuple[InventoryRow, ...] = ()
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Changes:
    element: int
    first: bool  # there is no earlier submittal to compare with
    level: int
    reasons: tuple[str, ...]
    forms: tuple[FieldChange, ...] = ()
    rows: tuple[RowChange, ...] = ()
    documents: tuple[DocumentChange, ...] = ()

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def counts(self) -> dict[str, int]:
        kinds = [row.kind for row in self.rows]
        return {kind: kinds.count(kind) for kind in (ADDED, REMOVED, CHANGED)}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = _text(value)
    return flat


def form_changes(
    before: dict[str, Any], after: dict[str, Any], labels: dict[str, str]
) -> list[FieldChange]:
    """Every field whose value differs, in the order of `labels` and then by key; nested
    forms are compared as `section.field`. A blank and a missing value are the same."""
    old, new = _flatten(before), _flatten(after)
    keys = [key for key in labels if key in old or key in new]
    keys += sorted((old.keys() | new.keys()) - set(keys))
    return [
        FieldChange(key, labels.get(key, key), old.get(key, ""), new.get(key, ""))
        for key in keys
        if old.get(key, "") != new.get(key, "")
    ]


def _row_key(row: InventoryRow) -> tuple[str, str]:
    return row.material_key.casefold(), " ".join(row.location.split()).casefold()


def inventory_changes(
    before: tuple[InventoryRow, ...], after: tuple[InventoryRow, ...], labels: dict[str, str]
) -> list[RowChange]:
    """Rows added, removed and changed. Rows are matched by material and location; several
    rows of one material in one location are paired in their order."""
    waiting: dict[tuple[str, str], list[InventoryRow]] = defaultdict(list)
    for row in before:
        waiting[_row_key(row)].append(row)
    changes: list[RowChange] = []
    for row in after:
        matches = waiting.get(_row_key(row))
        if not matches:
            changes.append(RowChange(ADDED, row.name, row.location))
            continue
        old = matches.pop(0)
        fields = form_changes(old.data, row.data, labels)
        if fields:
            changes.append(RowChange(CHANGED, row.name, row.location, tuple(fields)))
    for rows in waiting.values():
        changes.extend(RowChange(REMOVED, row.name, row.location) for row in rows)
    order = {ADDED: 0, CHANGED: 1, REMOVED: 2}
    changes.sort(key=lambda c: (order[c.kind], c.material.casefold(), c.location.casefold()))
    return changes


def _files(answer: dict[str, Any]) -> set[str]:
    return {_text(f.get("sha256")) for f in answer.get("files", []) if isinstance(f, dict)}


def document_changes(
    before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]], labels: dict[str, str]
) -> list[DocumentChange]:
    """Each document slot whose answer differs: provided, removed, replaced (other files) or
    changed (another source or other details)."""
    changes = []
    for slot in [*labels, *sorted((before.keys() | after.keys()) - set(labels))]:
        old, new = before.get(slot), after.get(slot)
        if old == new:
            continue
        label = labels.get(slot, slot)
        if not old:
            changes.append(DocumentChange(slot, label, PROVIDED, _text(new.get("source_label"))))
        elif not new:
            changes.append(DocumentChange(slot, label, REMOVED, _text(old.get("source_label"))))
        elif old.get("source") != new.get("source"):
            detail = f"{_text(old.get('source_label'))} -> {_text(new.get('source_label'))}"
            changes.append(DocumentChange(slot, label, CHANGED, detail))
        elif _files(old) != _files(new):
            names = ", ".join(_text(f.get("name")) for f in new.get("files", []))
            changes.append(DocumentChange(slot, label, REPLACED, names))
        else:
            changes.append(DocumentChange(slot, label, CHANGED, "details changed"))
    return changes


def _amount(value: Any) -> Decimal:
    try:
        number = Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        return Decimal(0)
    return number if number.is_finite() and number > 0 else Decimal(0)


def _totals(rows: tuple[InventoryRow, ...]) -> dict[tuple[str, str], Decimal]:
    totals: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[(row.material_key.casefold(), _text(row.data.get(UNITS_TAG)))] += _amount(
            row.data.get(AMOUNT_TAG)
        )
    return totals


def _inventory_reasons(before: tuple[InventoryRow, ...], after: tuple[InventoryRow, ...]):
    known = {row.material_key.casefold() for row in before}
    names = {row.material_key.casefold(): row.name for row in after}
    reasons = []
    for key in sorted({row.material_key.casefold() for row in after} - known):
        reasons.append(f"New material: {names[key]}")
    old_totals = _totals(before)
    for (key, units), amount in sorted(_totals(after).items()):
        was = old_totals.get((key, units), Decimal(0))
        if was > 0 and amount >= 2 * was:
            reasons.append(
                f"{names[key]}: maximum daily amount up 100% or more ({was.normalize():f} -> "
                f"{amount.normalize():f})"
            )
    return reasons


def compare(
    element: int,
    before: Snapshot | None,
    after: Snapshot,
    form_labels: dict[str, str],
    row_labels: dict[str, str],
    document_labels: dict[str, str],
) -> Changes:
    """The changes from `before` (None: no earlier submittal) to `after`, with their level."""
    base = before or Snapshot()
    forms = tuple(form_changes(base.data, after.data, form_labels))
    rows = tuple(inventory_changes(base.rows, after.rows, row_labels))
    documents = tuple(document_changes(base.documents, after.documents, document_labels))
    if before is None:
        reason = f"First {ELEMENTS.get(element, ('element', ''))[0]} submittal"
        return Changes(element, True, SIGNIFICANT, (reason,), forms, rows, documents)
    reasons = [
        f"New {SIGNIFICANT_FORM_FIELDS[change.key]}: {change.after or '(blank)'}"
        for change in forms
        if change.key in SIGNIFICANT_FORM_FIELDS
    ]
    if element == HMI:
        reasons += _inventory_reasons(base.rows, after.rows)
    if reasons:
        level = SIGNIFICANT
    elif forms or rows or documents:
        level = CHANGES
    else:
        level = NO_CHANGE
    return Changes(element, False, level, tuple(reasons), forms, rows, documents)
