"""State of an element draft's records: the list (/facilities/element-records?id=&element=)
and one record with its forms (/facilities/element-record?id=&element=&kind=&key=), e.g. a
UST facility's tanks and installation certifications.

Handlers call `element_record_service`, which re-scopes the facility and checks the role on
every call, and keep only text rows. The facility, element, record and draft version live in
backend vars; a kind, key or part named by the page is only ever passed to the service.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError, NotFound
from cers_app.core.permissions import Permission, requires
from cers_app.submittals import element_record_service as service
from cers_app.submittals import element_records, form_fields_ui
from cers_app.submittals.element_form_state import facility_url
from cers_app.submittals.element_record_service import (
    PartStatus,
    RecordRow,
    RecordsView,
    RecordView,
)
from cers_app.submittals.element_records import RecordFinding, RecordKind
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

# The hidden fields naming which kind is added, or which part of a record is saved.
KIND_FIELD = "record_kind"
PART_FIELD = "record_part"
STATUS_TEXT = {"complete": "Complete", "missing": "Missing"}
RELOAD = "Reload the page, then try again."


def records_url(facility_id: int | str, element: int | str) -> str:
    """The list of an element draft's records."""
    return routes.with_query(
        routes.FACILITY_ELEMENT_RECORDS, id=str(facility_id), element=str(element)
    )


def record_url(facility_id: int | str, element: int | str, kind: str, key: str) -> str:
    """One record's page."""
    return routes.with_query(
        routes.FACILITY_ELEMENT_RECORD,
        id=str(facility_id),
        element=str(element),
        kind=kind,
        key=key,
    )


def _facility(view: RecordsView | RecordView) -> dict[str, str]:
    return {"id": str(view.facility_id), "cers_id": str(view.cers_id), "name": view.facility_name}


def _part_status(status: PartStatus) -> dict[str, str]:
    text = STATUS_TEXT.get(status.status, f"{status.problems} to fix")
    return {
        "name": status.name,
        "title": status.title,
        "text": text,
        "color": "green" if status.status == "complete" else "red",
    }


def _duplicated(kind: RecordKind, key: str, found: tuple[RecordFinding, ...]) -> bool:
    """Whether the record shares its unique value (a tank ID) with another one."""
    return any(f.key == key and element_records.shares_value(kind, f) for f in found)


def _at_a_glance(element: int, found: tuple[RecordFinding, ...]) -> list[RecordFinding]:
    """The findings with what concerns a kind as a whole and shared IDs first (a shared ID
    would hide among the blank fields of new records otherwise)."""

    def rank(finding: RecordFinding) -> int:
        if not finding.key:
            return 0
        kind = element_records.kind_for(element, finding.kind)
        return 1 if element_records.shares_value(kind, finding) else 2

    return sorted(found, key=rank)


def _row(view: RecordsView, kind: RecordKind, row: RecordRow) -> dict[str, str]:
    summary = " · ".join(f"{label}: {value}" for label, value in row.summary if value)
    return {
        "key": row.key,
        "id": f"{kind.name}-{row.key}",
        "kind": kind.name,
        "label": row.label,
        "summary": summary,
        "problems": str(row.problems),
        "duplicate": "yes" if _duplicated(kind, row.key, view.findings) else "",
        "href": record_url(view.facility_id, view.element, kind.name, row.key),
    }


def _finding(view: RecordsView | RecordView, finding: RecordFinding, index: int) -> dict[str, str]:
    href = ""
    if finding.key and isinstance(view, RecordsView):
        href = record_url(view.facility_id, view.element, finding.kind, finding.key)
    return {
        "id": str(index),
        "code": finding.code,
        "message": finding.message,
        "href": href,
    }


def _add_keys(kind: RecordKind) -> tuple[str, ...]:
    """The fields asked for when a record is added: what names it, and the required fields
    the list shows."""
    form = kind.parts[0].form
    keys = [kind.label_key]
    for key in kind.summary_keys:
        field = form.field(key)
        if field is not None and field.required and key not in keys:
            keys.append(key)
    return tuple(keys)


def _add_rows(kind: RecordKind) -> list[dict[str, str]]:
    """The Add form's fields, what names the record first (a short form: no headings)."""
    keys = _add_keys(kind)
    rows = form_fields_ui.field_rows(
        kind.parts[0].form,
        id_prefix=f"record-add-{kind.name}-",
        slot_prefix=f"{kind.name}.",
        keys=keys,
    )
    rows.sort(key=lambda row: keys.index(row["key"]))
    return [{**row, "heading": ""} for row in rows]


class ElementRecordsState(rx.State):
    """The records of one element draft, by kind, with what blocks submitting them."""

    loaded: bool = False
    facility: dict[str, str] = {}  # id, cers_id, name
    element_label: str = ""
    title: str = ""
    can_edit: bool = False
    kinds: list[dict[str, str]] = []  # name, title, plural, help
    rows: dict[str, list[dict[str, str]]] = {}  # by kind
    row_parts: dict[str, list[dict[str, str]]] = {}  # each row's part statuses, by row id
    kind_findings: dict[str, list[dict[str, str]]] = {}  # of a kind as a whole, by kind
    findings: list[dict[str, str]] = []  # every finding of the records
    add_fields: dict[str, list[dict[str, str]]] = {}  # the fields of the Add form, by kind
    add_choices: dict[str, list[list[str]]] = {}
    add_values: dict[str, str] = {}
    add_errors: dict[str, str] = {}
    confirm_remove: str = ""  # the row id whose removal waits for confirmation
    form_key: int = 0
    _facility_id: int = 0
    _element: int = 0
    _version: int = 0

    def _clear(self) -> None:
        self.loaded, self.facility, self.element_label, self.can_edit = False, {}, "", False
        self.title = ""
        self.kinds, self.rows, self.row_parts, self.kind_findings = [], {}, {}, {}
        self.findings, self.add_fields, self.add_choices = [], {}, {}
        self.add_values, self.add_errors, self.confirm_remove = {}, {}, ""
        self._facility_id, self._element, self._version = 0, 0, 0

    def _show(self, view: RecordsView) -> None:
        self.facility, self.element_label = _facility(view), view.element_label
        self.can_edit = view.can_edit
        kinds, rows, row_parts, kind_findings = [], {}, {}, {}
        add_fields, add_choices = {}, {}
        for kind_view in view.kinds:
            kind = element_records.kind_for(view.element, kind_view.name)
            assert kind is not None
            kinds.append(
                {
                    "name": kind.name,
                    "title": kind.title,
                    "plural": kind.plural,
                    "help": kind.help,
                    "count": str(len(kind_view.rows)),
                }
            )
            rows[kind.name] = [_row(view, kind, row) for row in kind_view.rows]
            for row in kind_view.rows:
                row_parts[f"{kind.name}-{row.key}"] = [_part_status(p) for p in row.parts]
            kind_findings[kind.name] = [
                _finding(view, f, i) for i, f in enumerate(kind_view.findings)
            ]
            add_fields[kind.name] = _add_rows(kind)
            add_choices.update(form_fields_ui.choice_options(kind.parts[0].form, f"{kind.name}."))
        self.kinds, self.rows, self.row_parts = kinds, rows, row_parts
        plurals = " and ".join(kind["plural"].lower() for kind in kinds)
        self.title = f"{view.element_label}: {plurals}"
        self.kind_findings = kind_findings
        self.add_fields, self.add_choices = add_fields, add_choices
        self.findings = [
            _finding(view, f, i) for i, f in enumerate(_at_a_glance(view.element, view.findings))
        ]
        self._facility_id, self._element, self._version = (
            view.facility_id,
            view.element,
            view.version,
        )
        self.confirm_remove = ""
        self.form_key += 1
        self.loaded = True

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        """The page (?id=<facility>&element=<element number>)."""
        self._clear()
        query = self.router.url.query_parameters
        facility_id = page_number(query.get("id", ""))
        element = page_number(query.get("element", ""))
        try:
            view = await db.run_async(
                service.element_records_view, handler_actor(), facility_id, element
            )
        except DomainError as exc:
            target = facility_url(facility_id) if facility_id else routes.BUSINESS_HOME
            return [toast_for(exc), rx.redirect(target)]
        self._show(view)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def add(self, form_data: dict[str, str]) -> Any:
        """Add a record of the kind the form names, then open it to fill in its forms."""
        kind = element_records.kind_for(self._element, str(form_data.get(KIND_FIELD, "")))
        if kind is None:
            return rx.toast.error(RELOAD, id="form-problem")
        values = form_values(form_data, *(f.key for f in kind.parts[0].form.fields))
        self.add_values = form_fields_ui.slotted(values, f"{kind.name}.")
        try:
            view, _ = await db.run_async(
                service.add_record,
                handler_actor(),
                self._facility_id,
                self._element,
                kind.name,
                values,
                self._version,
            )
        except DomainError as exc:
            self.add_errors = form_fields_ui.slotted(field_errors(exc), f"{kind.name}.")
            return toast_for(exc)
        self.add_values, self.add_errors = {}, {}
        return [
            rx.toast.success(
                f"{view.label} added. Fill in the rest of its forms.", id="record-added"
            ),
            rx.redirect(record_url(view.facility_id, view.element, view.kind, view.key)),
        ]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_remove(self, row_id: str) -> None:
        """Ask to confirm removing a record (nothing is removed yet)."""
        self.confirm_remove = str(row_id)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def keep(self) -> None:
        """Keep the record after all."""
        self.confirm_remove = ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def remove(self, kind: str, key: str) -> Any:
        """Remove a record and all its forms, once confirmed."""
        if not self.confirm_remove or self.confirm_remove != f"{kind}-{key}":
            return rx.toast.error("Press Remove first, then confirm.", id="form-problem")
        try:
            view = await db.run_async(
                service.delete_record,
                handler_actor(),
                self._facility_id,
                self._element,
                str(kind),
                str(key),
                self._version,
            )
        except DomainError as exc:
            self.confirm_remove = ""
            return toast_for(exc)
        label = next((row["label"] for row in self.rows.get(kind, []) if row["key"] == key), "")
        self._show(view)
        return rx.toast.success(f"{label or 'The record'} removed.", id="record-removed")


class ElementRecordState(rx.State):
    """One record of an element draft: each of its parts as a form of its own."""

    loaded: bool = False
    facility: dict[str, str] = {}  # id, cers_id, name
    element_label: str = ""
    kind_title: str = ""
    label: str = ""
    list_url: str = ""
    can_edit: bool = False
    parts: list[dict[str, str]] = []  # name, title, saved, problems, form_key
    part_fields: dict[str, list[dict[str, str]]] = {}  # by part
    values: dict[str, str] = {}  # by slot "<part>.<field>"
    errors: dict[str, str] = {}
    choices: dict[str, list[list[str]]] = {}
    findings: list[dict[str, str]] = []  # of this record
    _facility_id: int = 0
    _element: int = 0
    _kind: str = ""
    _key: str = ""
    _version: int = 0
    _mounts: dict[str, int] = {}  # how often each part's form was mounted with saved values

    def _clear(self) -> None:
        self.loaded, self.facility, self.element_label, self.kind_title = False, {}, "", ""
        self.label, self.list_url, self.can_edit, self.parts = "", "", False, []
        self.part_fields, self.values, self.errors, self.choices = {}, {}, {}, {}
        self.findings = []
        self._facility_id, self._element, self._kind, self._key, self._version = 0, 0, "", "", 0

    def _show(self, view: RecordView, remount: tuple[str, ...], errors: dict[str, str]) -> None:
        """Show `view`; the forms of the parts in `remount` are drawn again with the saved
        values (the others keep what is being typed in them)."""
        kind = element_records.kind_for(view.element, view.kind)
        assert kind is not None
        mounts = dict(self._mounts)
        values: dict[str, str] = {}
        part_fields, choices, parts = {}, {}, []
        for part_view in view.parts:
            part = kind.part(part_view.name)
            assert part is not None
            slot = f"{part.name}."
            values.update(form_fields_ui.slotted(part_view.values, slot))
            part_fields[part.name] = form_fields_ui.field_rows(
                part.form, id_prefix=f"record-{part.name}-", slot_prefix=slot
            )
            choices.update(form_fields_ui.choice_options(part.form, slot))
            if part.name in remount:
                mounts[part.name] = mounts.get(part.name, 0) + 1
            problems = sum(1 for name in errors if name.startswith(slot))
            parts.append(
                {
                    "name": part.name,
                    "title": part_view.title,
                    "saved": "yes" if part_view.saved else "",
                    "problems": str(problems),
                    "form_key": f"{part.name}-{mounts.get(part.name, 0)}",
                }
            )
        self.facility, self.element_label = _facility(view), view.element_label
        self.kind_title, self.label, self.can_edit = view.kind_title, view.label, view.can_edit
        self.list_url = records_url(view.facility_id, view.element)
        self.parts, self.part_fields, self.choices = parts, part_fields, choices
        self.values, self.errors = values, errors
        # a field's problem shows beside the field; the rest (a part never saved, an ID
        # another record has) above the forms
        self.findings = [
            _finding(view, f, i)
            for i, f in enumerate(view.findings)
            if f"{f.part}.{f.field}" not in errors or element_records.shares_value(kind, f)
        ]
        self._facility_id, self._element, self._kind, self._key = (
            view.facility_id,
            view.element,
            view.kind,
            view.key,
        )
        self._version, self._mounts = view.version, mounts
        self.loaded = True

    @staticmethod
    def _stored_errors(view: RecordView) -> dict[str, str]:
        errors: dict[str, str] = {}
        for part_view in view.parts:
            errors.update(form_fields_ui.slotted(part_view.errors, f"{part_view.name}."))
        return errors

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        """The page (?id=<facility>&element=<n>&kind=<kind>&key=<record>)."""
        self._clear()
        query = self.router.url.query_parameters
        facility_id = page_number(query.get("id", ""))
        element = page_number(query.get("element", ""))
        kind, key = str(query.get("kind", ""))[:40], str(query.get("key", ""))[:20]
        try:
            view = await db.run_async(
                service.record_view, handler_actor(), facility_id, element, kind, key
            )
        except DomainError as exc:
            if not facility_id:
                target = routes.BUSINESS_HOME
            elif isinstance(exc, NotFound) and element:
                target = records_url(facility_id, element)  # its list says what is there
            else:
                target = facility_url(facility_id)
            return [toast_for(exc), rx.redirect(target)]
        self._show(view, tuple(p.name for p in view.parts), self._stored_errors(view))
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save_part(self, form_data: dict[str, str]) -> Any:
        """Save the part the form holds; what to fix shows beside its fields."""
        kind = element_records.kind_for(self._element, self._kind)
        part = kind.part(str(form_data.get(PART_FIELD, ""))) if kind is not None else None
        if part is None:
            return rx.toast.error(RELOAD, id="form-problem")
        slot = f"{part.name}."
        values = form_values(form_data, *(f.key for f in part.form.fields))
        try:
            view, errors = await db.run_async(
                service.save_record_part,
                handler_actor(),
                self._facility_id,
                self._element,
                self._kind,
                self._key,
                part.name,
                values,
                self._version,
            )
        except DomainError as exc:
            self.errors = {
                **{k: v for k, v in self.errors.items() if not k.startswith(slot)},
                **form_fields_ui.slotted(field_errors(exc), slot),
            }
            if isinstance(exc, NotFound):
                return [toast_for(exc), rx.redirect(self.list_url)]
            return toast_for(exc)
        shown = {
            **{k: v for k, v in self._stored_errors(view).items() if not k.startswith(slot)},
            **form_fields_ui.slotted(errors, slot),
        }
        self._show(view, (part.name,), shown)
        if errors:
            return rx.toast.error(
                "Saved. Please correct the highlighted fields.", id="form-problem"
            )
        return rx.toast.success(f"{part.form.title} saved.", id="record-part-saved")
