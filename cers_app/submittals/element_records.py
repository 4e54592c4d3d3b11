"""Records of an element that come in numbers: a UST facility's tanks, each with its
monitoring plan, and its certifications of installation or modification.

A RecordKind says what one record holds: one or more parts, each a FormDef saved on its
own (a tank's information, then its monitoring plan). The records live in the draft's
`data["records"][kind.name]`, keyed by a number that is never reused within the facility's
versions (so the change view compares the same tank across submittals):

    {"records": {"tank": {"1": {"tank": {...}, "monitoring": {...}}, "2": {...}}}}

`findings` says what blocks submitting, with CERS guidance codes. Pure: no database, no
Reflex. Definitions register here from their own modules (`ust_records.py`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cers_app.core import clock
from cers_app.submittals import element_forms
from cers_app.submittals.element_forms import FormDef

RECORDS = "records"
# Bookkeeping beside the records: the next key to give, so a removed record's key is never
# given to another one (the change view would take the newcomer for the removed record).
NEXT_KEY = "record_next_key"
# CERS 1014 ResourceEntityMinMaxRange: fewer records than the element needs.
TOO_FEW = "1014"


@dataclass(frozen=True)
class RecordPart:
    """One form of a record, saved on its own."""

    name: str  # its key inside the record: "tank", "monitoring"
    form: FormDef
    # A part never saved: its guidance code and what is missing ("has no monitoring plan").
    missing_code: str = "1001"
    missing: str = ""


@dataclass(frozen=True)
class RecordKind:
    """What one record of an element holds; its first part is filled in when it is added."""

    element: int
    name: str  # URL-safe: "tank", "installation"
    title: str  # "Tank"
    plural: str  # "Tanks"
    parts: tuple[RecordPart, ...]
    label_key: str  # the field of the first part that names a record ("TankIDNumber")
    minimum: int = 0  # fewer records than this: a Required finding (1014)
    unique_key: str = ""  # a field of the first part no two records may share
    unique_code: str = ""  # its guidance code ("1048")
    summary_keys: tuple[str, ...] = ()  # fields of the first part the list shows
    help: str = ""
    # When the version's data needs at least one record of this kind (a new tank needs its
    # certification of installation): the test, its guidance code and what to tell.
    needed_when: Callable[[Mapping[str, Any]], bool] | None = None
    needed_code: str = ""
    needed_message: str = ""

    def part(self, name: str) -> RecordPart | None:
        """The part called `name`, if the kind has one."""
        return next((p for p in self.parts if p.name == name), None)


@dataclass(frozen=True)
class RecordFinding:
    """One finding of an element's records (all Required: they block submitting)."""

    kind: str
    key: str  # the record ("" for the kind as a whole)
    code: str  # CERS guidance code
    part: str  # the part to fix ("" for the record or kind)
    field: str  # the field to fix ("" for none)
    message: str


_KINDS: dict[tuple[int, str], RecordKind] = {}


def register(kind: RecordKind) -> RecordKind:
    """Make `kind` known (a definition module calls this on import)."""
    assert kind.parts, kind.name
    assert kind.label_key in {f.key for f in kind.parts[0].form.fields}, kind.name
    for part in kind.parts:
        element_forms.validated(part.form)
    for key in kind.summary_keys:
        assert kind.parts[0].form.field(key) is not None, (kind.name, key)
    _KINDS[(kind.element, kind.name)] = kind
    return kind


def _loaded() -> dict[tuple[int, str], RecordKind]:
    element_forms.elements_with_forms()  # imports every definition module
    return _KINDS


def kinds_for(element: object) -> tuple[RecordKind, ...]:
    """The record kinds of `element`, in definition order (none for most elements)."""
    return tuple(kind for (number, _), kind in _loaded().items() if number == element)


def kind_for(element: object, name: object) -> RecordKind | None:
    """The record kind `name` of `element`, if there is one."""
    if not isinstance(element, int) or not isinstance(name, str):
        return None
    return _loaded().get((element, name))


def elements_with_records() -> frozenset[int]:
    """Every element number that has records."""
    return frozenset(number for number, _ in _loaded())


def _sort_key(key: str) -> tuple[int, str]:
    return (int(key), key) if key.isdigit() else (0, key)


def records_of(kind: RecordKind, data: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """The kind's records in a version's data, by key, in the order they were added."""
    stored = ((data or {}).get(RECORDS) or {}).get(kind.name) or {}
    if not isinstance(stored, Mapping):
        return {}
    return {
        str(key): dict(stored[key])
        for key in sorted(stored, key=lambda k: _sort_key(str(k)))
        if isinstance(stored[key], Mapping)
    }


def next_key(data: Mapping[str, Any] | None) -> str:
    """A key no record of any kind in `data` has used, now or before a removal."""
    used = [
        int(key)
        for stored in ((data or {}).get(RECORDS) or {}).values()
        if isinstance(stored, Mapping)
        for key in stored
        if str(key).isdigit()
    ]
    counter = (data or {}).get(NEXT_KEY)
    given = counter if isinstance(counter, int) and not isinstance(counter, bool) else 1
    return str(max(max(used, default=0) + 1, given))


def part_values(part: RecordPart, record: Mapping[str, Any]) -> dict[str, str]:
    """One part's values in a record (blank for a field never saved)."""
    saved = record.get(part.name)
    return element_forms.values_of(part.form, saved if isinstance(saved, Mapping) else None)


def part_saved(part: RecordPart, record: Mapping[str, Any]) -> bool:
    """Whether the part was ever saved in the record."""
    return isinstance(record.get(part.name), Mapping)


def record_label(kind: RecordKind, key: str, record: Mapping[str, Any]) -> str:
    """How people name a record: "Tank T-1", or "Tank #2" while it has no ID."""
    name = part_values(kind.parts[0], record)[kind.label_key]
    return f"{kind.title} {name}" if name else f"{kind.title} #{key}"


def _unique_findings(
    kind: RecordKind, records: Mapping[str, Mapping[str, Any]]
) -> list[RecordFinding]:
    if not kind.unique_key:
        return []
    field = kind.parts[0].form.field(kind.unique_key)
    assert field is not None
    holders: dict[str, list[str]] = {}
    for key, record in records.items():
        value = part_values(kind.parts[0], record)[kind.unique_key]
        if value:
            holders.setdefault(value.casefold(), []).append(key)
    found = []
    what = element_forms.phrase(field.label)
    for keys in holders.values():
        if len(keys) < 2:
            continue
        value = part_values(kind.parts[0], records[keys[0]])[kind.unique_key]
        for key in keys:
            found.append(
                RecordFinding(
                    kind.name,
                    key,
                    kind.unique_code or element_forms.FORM_PROBLEM,
                    kind.parts[0].name,
                    kind.unique_key,
                    f"{len(keys)} {kind.plural.lower()} have the {what} "
                    f"{value!r}: give each {kind.title.lower()} its own.",
                )
            )
    return found


def shares_value(kind: RecordKind | None, finding: RecordFinding) -> bool:
    """Whether `finding` says its record shares its unique value (a tank ID) with another."""
    if kind is None or not kind.unique_key or finding.kind != kind.name:
        return False
    code = kind.unique_code or element_forms.FORM_PROBLEM
    return bool(finding.key) and finding.field == kind.unique_key and finding.code == code


def _part_findings(
    kind: RecordKind, key: str, record: Mapping[str, Any], today: dt.date
) -> list[RecordFinding]:
    label = record_label(kind, key, record)
    found = []
    for part in kind.parts:
        if not part_saved(part, record):
            what = part.missing or f"has no {part.form.title}"
            found.append(
                RecordFinding(kind.name, key, part.missing_code, part.name, "", f"{label} {what}.")
            )
            continue
        values = part_values(part, record)
        _, errors = element_forms.check(part.form, values, today)
        for field in part.form.fields:
            if field.key in errors:
                found.append(
                    RecordFinding(
                        kind.name,
                        key,
                        element_forms.problem_code(field, values[field.key]),
                        part.name,
                        field.key,
                        f"{label}, {part.form.title}, {field.label}: {errors[field.key]}",
                    )
                )
    return found


def kind_findings(
    kind: RecordKind, data: Mapping[str, Any] | None, today: dt.date | None = None
) -> list[RecordFinding]:
    """Every Required finding of the kind's records in a version's data: too few records,
    a part never saved, a field to fix, a value two records share."""
    day = today or clock.today()
    records = records_of(kind, data)
    found = []
    if len(records) < kind.minimum:
        noun = kind.title if kind.minimum == 1 else kind.plural
        found.append(
            RecordFinding(
                kind.name,
                "",
                TOO_FEW,
                "",
                "",
                f"Add at least {kind.minimum} {noun.lower()} ({len(records)} so far).",
            )
        )
    elif not records and kind.needed_when is not None and kind.needed_when(data or {}):
        found.append(
            RecordFinding(kind.name, "", kind.needed_code or TOO_FEW, "", "", kind.needed_message)
        )
    for key, record in records.items():
        found += _part_findings(kind, key, record, day)
    found += _unique_findings(kind, records)
    return found


def findings(
    element: int, data: Mapping[str, Any] | None, today: dt.date | None = None
) -> list[RecordFinding]:
    """Every Required finding of all the element's records."""
    return [f for kind in kinds_for(element) for f in kind_findings(kind, data, today)]


def labels(element: int, *datas: Mapping[str, Any] | None) -> dict[str, str]:
    """Change-view labels of the records found in `datas` (the versions compared), keyed as
    the version data flattens them: "records.tank.1.tank.TankIDNumber" -> "Tank T-1: Tank ID"."""
    found: dict[str, str] = {}
    for kind in kinds_for(element):
        for data in datas:
            for key, record in records_of(kind, data).items():
                label = record_label(kind, key, record)
                for part in kind.parts:
                    prefix = f"{RECORDS}.{kind.name}.{key}.{part.name}"
                    short = label if part is kind.parts[0] else f"{label}, {part.form.title}"
                    for name, text in element_forms.labels(part.form, prefix, short).items():
                        found.setdefault(name, text)
    return found
