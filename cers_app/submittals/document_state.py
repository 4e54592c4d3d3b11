"""State of the documents section of an element page (the inventory's site map, the emergency
response and training plans).

Handlers turn events into calls of `submittals.documents` and its results into small text
views, one per slot, keyed by the slot's resource type code as text. The files themselves never
pass through Reflex: the section's upload form posts to the upload route, which comes back to
the page with `doc_slot` and `doc_result` in the address; downloads are links to the download
route. The facility's and the version's ids live in backend vars; the service re-checks the
actor's rights and the draft on every call.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import clock, db, routes
from cers_app.core.codes import ELEMENTS, element_label
from cers_app.core.errors import Conflict, DomainError, ValidationFailed
from cers_app.core.permissions import Permission, requires
from cers_app.core.virus_scan import UNAVAILABLE
from cers_app.submittals import document_rules, documents, drafts
from cers_app.submittals.document_views import day_label, size_label, slot_summary
from cers_app.submittals.documents import ElementDocuments, SlotView
from cers_app.ui.feedback import toast_for
from cers_app.ui.handlers import handler_actor, page_number

FIELDS = ("exempt_reason", "provided_on", "other_element", "comment", "url", "stored_at_cers_id")
SLOT_KEYS = [str(slot.code) for slot in document_rules.CATALOGUE]
SOURCE_KEYS = {str(code) for code in document_rules.SOURCES}
# What the upload route's doc_result codes mean (it sends a code, never text, in the address).
RESULTS = {
    "uploaded": "The file was uploaded.",
    "too_large": "The file is larger than 25 MB. Split it into smaller files and upload each.",
    "empty": "The file is empty. Choose the file again and upload it.",
    "no_file": "Choose a file to upload.",
    "executable": "That file is a program, not a document, so it was refused.",
    "wrong_extension": "The file's name does not match its content (a PDF must end in .pdf, "
    "an image in .png or .jpg...). Rename it or save it in the right format, then upload it.",
    "not_document": "That file is not a document we accept. Upload PDF, Word (.doc, .docx), "
    "Excel (.xls, .xlsx), JPEG or PNG files.",
    "archive": "Zip archives are not accepted. Upload each document inside it on its own.",
    "macros": "Files with macros are not accepted. Save it as a plain .docx or .xlsx, or as PDF.",
    "encrypted": "The file is password-protected. Save it without a password and upload it.",
    "damaged": "The file is damaged. Save it again and upload it.",
    "infected": "The virus scanner found a virus in the file, so it was refused. Check your "
    "computer for viruses, then upload a clean copy.",
    "scanner_unavailable": UNAVAILABLE,
    "bad_form": "The upload form could not be read. Reload the page and try again.",
    "disconnected": "The upload stopped before the whole file arrived. Try again.",
    "forbidden": "Your role does not let you upload documents for this facility.",
    "not_found": "That facility or document was not found.",
    "no_draft": "Start a new submittal of this element first, then upload the file.",
    "submitted": "Submitted information cannot be changed. Start a new draft instead.",
    "too_many": documents.TOO_MANY_FILES,
    "invalid_title": "The title is too long: at most 300 characters.",
    "invalid_description": "The description is too long: at most 500 characters.",
    "invalid_date_authored": "Enter the date authored as a date that is not in the future.",
    "invalid_file": "The file's name is too long: at most 254 characters.",
}
UNKNOWN_RESULT = "The upload did not work. Please try again."
PLANS = 3
# The elements the documents page shows (their own pages show Facility Information's and the
# inventory's documents).
PAGE_ELEMENTS = tuple(
    sorted(({slot.element for slot in document_rules.CATALOGUE} - {1, 2}) | {PLANS})
)
OTHER_ELEMENTS = {str(code): f"{code}. {label}" for code, (label, _short) in ELEMENTS.items()}


def _answer_view(view: SlotView) -> dict[str, str]:
    answer = view.answer
    values = {name: "" for name in FIELDS}
    if answer is not None:
        values.update(
            exempt_reason=answer.exempt_reason,
            provided_on=answer.provided_on.isoformat() if answer.provided_on else "",
            other_element=str(answer.other_element or ""),
            comment=answer.comment,
            url=answer.url,
            stored_at_cers_id=str(answer.stored_at_cers_id or ""),
        )
    return {
        **values,
        "label": view.label,
        "help": view.help,
        "required": "yes" if view.required else "",
        "source": str(view.source or ""),
        "source_label": document_rules.source_label(view.source),
        "summary": slot_summary(view),
        "row_version": str(view.row_version),
    }


def _file_views(view: SlotView, facility_id: int) -> list[dict[str, str]]:
    return [
        {
            "id": str(f.id),
            "title": f.title,
            "description": f.description,
            "date_authored": day_label(f.date_authored),
            "name": f.original_name,
            "kind": f.kind_label,
            "size": size_label(f.size),
            "href": routes.with_query(routes.DOCUMENT_FILE, id=str(facility_id), file=str(f.id)),
        }
        for f in view.files
    ]


def _finding_views(view: SlotView) -> list[dict[str, str]]:
    return [
        {"code": f.code, "level": f.level, "field": f.field, "message": f.message}
        for f in view.findings
    ]


def _empty() -> dict[str, dict[str, str]]:
    return {key: {} for key in SLOT_KEYS}


def _empty_lists() -> dict[str, list[dict[str, str]]]:
    return {key: [] for key in SLOT_KEYS}


class DocumentState(rx.State):
    """The document slots of one element of one facility: its draft, else what was submitted."""

    loaded: bool = False
    element: int = 0
    header: dict[str, str] = {}  # id, cers_id, name, element, status
    has_draft: bool = False
    editable: bool = False  # a draft exists and the role may answer its slots
    can_edit: bool = False  # the role may edit drafts (and start one)
    can_upload: bool = False  # a draft exists and the role may upload files
    answers: dict[str, dict[str, str]] = _empty()
    files: dict[str, list[dict[str, str]]] = _empty_lists()
    findings: dict[str, list[dict[str, str]]] = _empty_lists()
    advisories: list[dict[str, str]] = []  # element-wide guidance (never blocks)
    choice: dict[str, str] = {}  # the source picked on the page, per slot
    errors: dict[str, str] = {}  # "<slot>.<field>" -> message
    notices: dict[str, str] = {}  # per slot: what the last upload did
    notice_ok: dict[str, bool] = {}
    form_key: int = 0
    upload_url: str = routes.DOCUMENT_UPLOAD  # the link names the facility and the version
    today: str = ""  # the latest date the date fields accept
    _facility_id: int = 0
    _version_id: int = 0
    _slots: list[str] = []  # the slots of the element shown

    def _forget(self) -> None:
        self.loaded = self.has_draft = self.editable = self.can_edit = self.can_upload = False
        self.element, self.header = 0, {}
        self.answers, self.files, self.findings = _empty(), _empty_lists(), _empty_lists()
        self.advisories = []
        self.choice, self.errors, self.notices, self.notice_ok = {}, {}, {}, {}
        self._facility_id = self._version_id = 0
        self._slots = []
        self.form_key += 1

    def _show_slot(self, view: SlotView) -> None:
        key = str(view.code)
        self.answers = {**self.answers, key: _answer_view(view)}
        self.files = {**self.files, key: _file_views(view, self._facility_id)}
        self.findings = {**self.findings, key: _finding_views(view)}
        self.choice = {**self.choice, key: str(view.source or "")}
        self.errors = {k: v for k, v in self.errors.items() if not k.startswith(key + ".")}

    def _show(self, found: ElementDocuments) -> None:
        self._facility_id, self._version_id = found.facility_id, found.version_id or 0
        self.element = found.element
        self.header = {
            "id": str(found.facility_id),
            "cers_id": str(found.cers_id),
            "name": found.facility_name,
            "element": element_label(found.element),
            "status": found.status_label,
            "local_agency": found.local_agency,
            "local_requirements": found.local_requirements,
        }
        self.has_draft = found.is_draft
        self.can_edit = found.can_edit
        self.editable = found.editable
        self.can_upload = found.is_draft and found.can_upload
        self.upload_url = routes.with_query(
            routes.DOCUMENT_UPLOAD, id=str(found.facility_id), version=str(self._version_id)
        )
        self.today = clock.today().isoformat()
        self._slots = [str(view.code) for view in found.slots]
        self.advisories = [
            {"code": f.code, "level": f.level, "field": f.field, "message": f.message}
            for f in found.advisories
        ]
        for view in found.slots:
            self._show_slot(view)
        self.form_key += 1
        self.loaded = True

    async def _reload(self) -> Any:
        try:
            found = await db.run_async(
                documents.element_documents, handler_actor(), self._facility_id, self.element
            )
        except DomainError as exc:
            return toast_for(exc)
        self._show(found)
        return None

    def _upload_result(self) -> Any:
        """The message of the upload the route came back from, shown on its slot."""
        query = self.router.url.query_parameters
        slot, code = str(query.get("doc_slot", ""))[:6], str(query.get("doc_result", ""))[:40]
        if not code or slot not in self._slots:
            return None
        self.notices = {slot: RESULTS.get(code, UNKNOWN_RESULT)}
        self.notice_ok = {slot: code == "uploaded"}
        return rx.scroll_to(f"doc-slot-{slot}")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self, element: int) -> Any:
        """Show the documents of `element` for the facility in the address (?id=): its
        draft, else its last submittal, or the version named by &version= (read-only unless
        it is the draft)."""
        return await self._open(element)

    async def _open(self, element: int) -> Any:
        self._forget()
        query = self.router.url.query_parameters
        facility_id = page_number(query.get("id", ""))
        version_id = page_number(query.get("version", "")) if query.get("version") else None
        try:
            found = await db.run_async(
                documents.element_documents, handler_actor(), facility_id, element, version_id
            )
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self._show(found)
        return self._upload_result()

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load_page(self) -> Any:
        """The documents page: `load` for the element in the address (&element=), the
        Emergency Response and Training Plans when it names none."""
        wanted = page_number(self.router.url.query_parameters.get("element", ""))
        return await self._open(wanted if wanted in PAGE_ELEMENTS else PLANS)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def start_draft(self) -> Any:
        """Start a new submittal of the element (a copy of the last one, if any)."""
        try:
            await db.run_async(
                drafts.start_element, handler_actor(), self._facility_id, self.element
            )
        except DomainError as exc:
            return toast_for(exc)
        problem = await self._reload()
        if problem is not None:
            return problem
        return rx.toast.success(
            f"The {element_label(self.element)} draft is ready to edit.", id="documents-saved"
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def pick_source(self, slot: str, source: str) -> None:
        """Show the fields the chosen source needs (nothing is saved yet)."""
        if slot in self._slots and (source in SOURCE_KEYS or source == ""):
            self.choice = {**self.choice, slot: source}

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save_source(self, form_data: dict[str, str]) -> Any:
        """Save a slot's source and the data it needs."""
        slot = str(form_data.get("slot", ""))
        if slot not in self._slots:
            return None
        values = {name: form_data.get(name, "") for name in ("source", *FIELDS)}
        expected = page_number(form_data.get("row_version", ""))
        try:
            view = await db.run_async(
                documents.set_source,
                handler_actor(),
                self._facility_id,
                self._version_id,
                page_number(slot),
                values,
                expected if expected is not None else 0,
            )
        except ValidationFailed as exc:
            self.errors = {
                **{k: v for k, v in self.errors.items() if not k.startswith(slot + ".")},
                **{f"{slot}.{field}": message for field, message in exc.fields.items()},
            }
            return toast_for(exc)
        except Conflict as exc:
            problem = await self._reload()
            return problem or toast_for(exc)
        except DomainError as exc:
            return toast_for(exc)
        self._show_slot(view)
        self.notices = {k: v for k, v in self.notices.items() if k != slot}
        self.form_key += 1
        return rx.toast.success(f"{view.label}: saved.", id="documents-saved")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def clear_slot(self, slot: str) -> Any:
        """Take back a slot's answer (and its files)."""
        if slot not in self._slots:
            return None
        try:
            view = await db.run_async(
                documents.clear_slot,
                handler_actor(),
                self._facility_id,
                self._version_id,
                page_number(slot),
            )
        except DomainError as exc:
            return toast_for(exc)
        self._show_slot(view)
        self.form_key += 1
        return rx.toast.success(f"{view.label}: cleared.", id="documents-saved")

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def remove_file(self, slot: str, file_id: str) -> Any:
        """Remove one uploaded file from a slot of the draft."""
        if not any(f["id"] == file_id for f in self.files.get(slot, [])):
            return None
        try:
            view = await db.run_async(
                documents.remove_file,
                handler_actor(),
                self._facility_id,
                self._version_id,
                page_number(file_id),
            )
        except DomainError as exc:
            return toast_for(exc)
        self._show_slot(view)
        return rx.toast.success("The file was removed.", id="documents-saved")
