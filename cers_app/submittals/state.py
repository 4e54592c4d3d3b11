"""State of the element actions on the facility page, the Submit page, its receipt and the
change view. Handlers parse the page's text into ids and call `submittals` services, which
check everything again; the submit's idempotency key lives in a backend var."""

from __future__ import annotations

import secrets
from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.facilities.state import FacilityPageState, element_page, facility_url
from cers_app.submittals import change_view, drafts, no_change, submit
from cers_app.submittals.change_parts import change_rows, change_summary
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number


def submit_url(facility_id: int | str) -> str:
    return routes.with_query(routes.FACILITY_SUBMIT, id=str(facility_id))


def changes_url(facility_id: int | str, element: int | str, version_id: int | str = "") -> str:
    query = {"id": str(facility_id), "element": str(element)}
    if version_id:
        query["version"] = str(version_id)
    return routes.with_query(routes.FACILITY_CHANGES, **query)


async def _to_receipt(state: Any, send: Any, request: Any) -> Any:
    """Run a submitting service for the state's facility: its receipt page, or the refusal
    with the fields it names marked (`state.errors`)."""
    try:
        submittal_id = await db.run_async(send, handler_actor(), state._facility_id, request)
    except DomainError as exc:
        state.errors = field_errors(exc)
        return toast_for(exc)
    state.errors = {}
    return rx.redirect(receipt_url(state._facility_id or 0, submittal_id))


class ElementActionsState(rx.State):
    """Start, copy and discard element drafts from the facility page."""

    bases: dict[str, list[dict[str, str]]] = {}
    confirm_discard: str = ""
    _facility_id: int | None = None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.bases, self.confirm_discard = {}, ""
        self._facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            choices = await db.run_async(
                drafts.facility_basis_choices, handler_actor(), self._facility_id
            )
        except DomainError:
            return None  # the facility page itself explains and leaves
        self.bases = {
            str(element): [
                {"id": str(c.version_id), "label": c.label + (" (default)" if c.default else "")}
                for c in sorted(rows, key=lambda c: not c.default)
            ]
            for element, rows in choices.items()
        }
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def start(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "element", "basis")
        element = page_number(values["element"])
        try:
            draft_id = await db.run_async(
                drafts.start_element, handler_actor(), self._facility_id, element, values["basis"]
            )
        except DomainError as exc:
            return toast_for(exc)
        page = element_page(element or 0, self._facility_id or 0)
        toast = rx.toast.success("Draft started.", id="element-started")
        if page and draft_id:
            return [toast, rx.redirect(page)]
        return [toast, FacilityPageState.load, ElementActionsState.load, NoChangeState.load]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def ask_discard(self, element: str) -> None:
        self.confirm_discard = element if page_number(element) else ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def keep_draft(self) -> None:
        self.confirm_discard = ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def discard(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "element", "version")
        self.confirm_discard = ""
        try:
            await db.run_async(
                drafts.discard_draft,
                handler_actor(),
                self._facility_id,
                page_number(values["element"]),
                page_number(values["version"]),
            )
        except DomainError as exc:
            return [toast_for(exc), FacilityPageState.load]
        return [
            rx.toast.success("Draft discarded.", id="element-discarded"),
            FacilityPageState.load,
            ElementActionsState.load,
            NoChangeState.load,
        ]


def receipt_url(facility_id: int | str, submittal_id: int | str) -> str:
    """The receipt page of one submittal of the facility."""
    return routes.with_query(
        routes.FACILITY_SUBMITTED, id=str(facility_id), submittal=str(submittal_id)
    )


class NoChangeState(rx.State):
    """The facility page's annual certification card: the HMBP due date and "No change"."""

    loaded: bool = False
    allowed: bool = False
    reason: str = ""
    due_date: str = ""
    overdue: bool = False
    certifier_name: str = ""
    errors: dict[str, str] = {}
    _facility_id: int | None = None
    _key: str = ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.allowed, self.reason, self.errors = False, False, "", {}
        self.due_date, self.overdue = "", False
        self._facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        # A new key per page view: a double click of the same form certifies once.
        self._key = secrets.token_urlsafe(24)
        try:
            view = await db.run_async(no_change.no_change_view, handler_actor(), self._facility_id)
        except DomainError:
            return None  # the facility page itself explains and leaves
        self.allowed, self.reason = view.allowed, view.reason
        self.due_date, self.overdue = view.due_date, view.overdue
        self.certifier_name = view.certifier_name
        self.loaded = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def send(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "certifier_name", "certifier_title", "certified")
        request = no_change.NoChangeRequest(
            certifier_name=values["certifier_name"],
            certifier_title=values["certifier_title"],
            certified=values["certified"] == "on",
            key=self._key,
        )
        return await _to_receipt(self, no_change.certify_no_change, request)


class SubmitState(rx.State):
    """The Submit page (/facilities/submit?id=)."""

    loaded: bool = False
    facility: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    can_submit: bool = False
    fi_has_draft: bool = False
    certifier_name: str = ""
    annual_default: bool = False
    due_date: str = ""
    statement: str = submit.STATEMENT
    errors: dict[str, str] = {}
    _facility_id: int | None = None
    _key: str = ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.rows, self.errors, self.facility = False, [], {}, {}
        self._facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        self._key = secrets.token_urlsafe(24)
        try:
            page = await db.run_async(submit.submit_page, handler_actor(), self._facility_id)
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self.facility = {
            "id": str(page.facility_id),
            "cers_id": str(page.cers_id),
            "name": page.facility_name,
            "url": facility_url(page.facility_id),
        }
        self.rows = [
            {
                "element": str(row.element),
                "label": row.label,
                "version_id": str(row.version_id),
                "regulator": row.regulator,
                "ready": "yes" if row.ready else "",
                "blockers": "\n".join(row.blockers),
                "change_level": row.change_level,
                "changes_url": changes_url(page.facility_id, row.element),
                "page": element_page(row.element, page.facility_id),
            }
            for row in page.elements
        ]
        self.can_submit = page.can_submit
        self.fi_has_draft = page.fi_has_draft
        self.certifier_name = page.certifier_name
        self.annual_default = page.annual_default
        self.due_date = page.due_date
        self.loaded = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def send(self, form_data: dict[str, str]) -> Any:
        ticked = [
            number
            for name, value in form_data.items()
            if name.startswith("tick_") and value == "on" and (number := page_number(name[5:]))
        ]
        comments = {
            number: str(value)
            for name, value in form_data.items()
            if name.startswith("comment_") and (number := page_number(name[8:]))
        }
        values = form_values(form_data, "certifier_name", "certifier_title", "certified", "annual")
        request = submit.SubmitRequest(
            version_ids=ticked,
            certifier_name=values["certifier_name"],
            certifier_title=values["certifier_title"],
            certified=values["certified"] == "on",
            key=self._key,
            comments=comments,
            annual=values["annual"] == "on",
        )
        return await _to_receipt(self, submit.submit, request)


class ReceiptState(rx.State):
    """What was submitted to whom (/facilities/submitted?id=&submittal=)."""

    loaded: bool = False
    receipt: dict[str, str] = {}
    lines: list[dict[str, str]] = []

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.receipt, self.lines = False, {}, []
        query = self.router.url.query_parameters
        try:
            receipt = await db.run_async(
                submit.receipt,
                handler_actor(),
                page_number(query.get("id", "")),
                page_number(query.get("submittal", "")),
            )
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self.receipt = {
            "facility": receipt.facility_name,
            "cers_id": str(receipt.cers_id),
            "when": receipt.submitted_at,
            "by": receipt.submitted_by,
            "certifier": receipt.certifier,
            "statement": receipt.statement,
            "url": facility_url(receipt.facility_id),
            "number": str(receipt.submittal_id),
        }
        self.lines = [
            {"element": line.element, "regulator": line.regulator, "comments": line.comments}
            for line in receipt.lines
        ]
        self.loaded = True
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def print_page(self) -> Any:
        return rx.call_script("window.print()")


class ChangesState(rx.State):
    """The change view (/facilities/changes?id=&element=[&version=])."""

    loaded: bool = False
    head: dict[str, str] = {}
    reasons: list[str] = []
    forms: list[dict[str, str]] = []
    rows: list[dict[str, str]] = []
    documents: list[dict[str, str]] = []

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.head, self.reasons = False, {}, []
        self.forms, self.rows, self.documents = [], [], []
        query = self.router.url.query_parameters
        facility_id = page_number(query.get("id", ""))
        try:
            view = await db.run_async(
                change_view.element_changes,
                handler_actor(),
                facility_id,
                page_number(query.get("element", "")),
                page_number(query.get("version", "")),
            )
        except DomainError as exc:
            target = facility_url(facility_id) if facility_id else routes.BUSINESS_HOME
            return [toast_for(exc), rx.redirect(target)]
        self.head = {
            "label": view.label,
            "status": view.version_status,
            "compared": view.compared_with or "nothing: this is the element's first submittal",
            "level": view.changes.level_label,
            "summary": change_summary(view.changes),
            "facility_url": facility_url(view.facility_id),
            "submit_url": submit_url(view.facility_id),
        }
        self.reasons = list(view.changes.reasons)
        self.forms, self.rows, self.documents = change_rows(view.changes)
        self.loaded = True
        return None
