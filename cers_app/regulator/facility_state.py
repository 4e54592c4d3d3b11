"""State of the Regulator Portal's facility search, facility summary and business pages.

Handlers turn events into calls of the regulator services and their results into small text
rows. Ids arrive as text, are parsed here and re-scoped by the services; the facility's and
the business's ids live in backend vars.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.core.paging import clamp
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import audit_trail, businesses, facility_search, facility_summary
from cers_app.regulator.links import business_url, facility_url, submittal_url
from cers_app.ui.feedback import field_errors, toast_for
from cers_app.ui.handlers import handler_actor, page_number

PAGE_SIZE = 25
BAD_DATE = "Enter the date as YYYY-MM-DD, such as 2027-03-01, or leave it empty."


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def parse_due(text: str) -> dt.date | None:
    """A YYYY-MM-DD date from the page, or None for an empty box; ValidationFailed else."""
    text = text.strip()
    if not text:
        return None
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed({"due": BAD_DATE}, message=BAD_DATE) from None


class RegulatorFacilitySearchState(rx.State):
    """Facility search: one text box, a page of rows."""

    loaded: bool = False
    query: str = ""
    rows: list[dict[str, str]] = []
    page: int = 1
    pages: int = 1
    total: int = 0
    errors: dict[str, str] = {}

    async def _run(self, page: int) -> Any:
        try:
            found = await db.run_async(
                facility_search.search_facilities,
                handler_actor(),
                self.query,
                *clamp(page, PAGE_SIZE),
            )
        except DomainError as exc:
            self.errors, self.rows, self.total = field_errors(exc), [], 0
            return toast_for(exc)
        self.errors = {}
        self.rows = [
            {
                "id": str(row.facility_id),
                "cers_id": str(row.cers_id),
                "name": row.name,
                "address": row.address,
                "business": row.business,
                "business_url": business_url(row.organization_id),
                "local_id": row.local_facility_id,
                "elements": row.elements,
                "url": facility_url(row.facility_id),
            }
            for row in found.rows
        ]
        self.page, self.pages, self.total = found.page, found.pages, found.total
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded = False
        return await self._run(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def search(self, form_data: dict[str, str]) -> Any:
        self.query = str(form_data.get("query", ""))
        return await self._run(1)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def go_to_page(self, page: int) -> Any:
        return await self._run(page)


class RegulatorFacilityState(rx.State):
    """One facility's summary, its Reporting Requirements and its submittals (?id=)."""

    loaded: bool = False
    facility: dict[str, str] = {}
    elements: list[dict[str, str]] = []
    submittals: list[dict[str, str]] = []
    agency_options: dict[str, list[dict[str, str]]] = {}  # element -> agencies to hand it to
    errors: dict[str, str] = {}
    form_key: int = 0
    can_read_history: bool = False
    _facility_id: int = 0

    def _forget(self) -> None:
        self.loaded, self.facility, self.elements, self.submittals = False, {}, [], []
        self.can_read_history = False
        self.agency_options, self.errors, self._facility_id = {}, {}, 0

    async def _show(self, facility_id: int | None) -> None:
        """Read the facility again (raises DomainError)."""
        actor = handler_actor()
        view = await db.run_async(facility_summary.facility_summary, actor, facility_id)
        options: dict[str, list[dict[str, str]]] = {}
        for row in view.elements:
            if row.can_change_agency:
                choices = await db.run_async(
                    facility_summary.agency_choices, actor, view.id, row.element
                )
                options[str(row.element)] = [
                    {
                        "id": str(c.id),
                        "label": f"{c.name} ({c.kind}{', covers this ZIP' if c.potential else ''})",
                    }
                    for c in choices
                ]
        self._facility_id = view.id
        self.facility = {
            "id": str(view.id),
            "cers_id": str(view.cers_id),
            "name": view.name,
            "address": view.address,
            "county": view.county,
            "local_id": view.local_facility_id,
            "epa_id": view.epa_id,
            "business": view.business,
            "business_url": business_url(view.organization_id),
            "today": view.today,
        }
        self.elements = [
            {
                "element": str(row.element),
                "label": row.label,
                "code": row.code,
                "requirement": row.requirement,
                "source": row.requirement_source,
                "applicable": _yes(row.applicable),
                "always": _yes(row.always),
                "agency": row.agency or "Not assigned",
                "next_due": row.next_due,
                "overdue": _yes(row.overdue),
                "last_submitted": row.last_submitted,
                "last_submitted_status": row.last_submitted_status,
                "last_submitted_url": submittal_url(row.last_submitted_version_id)
                if row.last_submitted_version_id
                else "",
                "last_accepted": row.last_accepted,
                "last_accepted_url": submittal_url(row.last_accepted_version_id)
                if row.last_accepted_version_id
                else "",
                "comments": row.comments,
                "can_manage": _yes(row.can_manage),
                "can_change_agency": _yes(row.can_change_agency),
            }
            for row in view.elements
        ]
        self.submittals = [
            {
                "id": str(line.version_id),
                "element": line.element,
                "submitted": line.submitted,
                "status": line.status,
                "agency": line.agency,
                "url": submittal_url(line.version_id),
            }
            for line in view.submittals
        ]
        self.agency_options = options
        self.can_read_history = await db.run_async(audit_trail.may_read, actor, view.id)
        self.form_key += 1
        self.loaded = True

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self._forget()
        facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            await self._show(facility_id)
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.REGULATOR_FACILITIES)]
        return None

    async def _after(self, call: Any, *args: Any, done: str) -> Any:
        """Run a change of this facility, then show it again."""
        try:
            changed = await db.run_async(call, handler_actor(), self._facility_id, *args)
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors = {}
        try:
            await self._show(self._facility_id)
        except DomainError as exc:  # the facility left the actor's reach meanwhile
            self._forget()
            return [toast_for(exc), rx.redirect(routes.REGULATOR_FACILITIES)]
        if not changed:
            return rx.toast.info("Nothing changed.", id="facility-unchanged")
        return rx.toast.success(done, id="facility-saved")

    def _row(self, element: str) -> dict[str, str] | None:
        return next((row for row in self.elements if row["element"] == element), None)

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def toggle_requirement(self, element: str) -> Any:
        """Applicable <-> Not applicable (HMI and ERTP move together)."""
        row = self._row(element)
        number = page_number(element)
        applicable = not (row and row["applicable"])
        return await self._after(
            facility_summary.set_requirement,
            number,
            applicable,
            done="Reporting requirement saved; the business was emailed.",
        )

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save_due(self, form_data: dict[str, str]) -> Any:
        try:
            due = parse_due(str(form_data.get("due", "")))
        except ValidationFailed as exc:
            self.errors = {f"due-{form_data.get('element', '')}": exc.message}
            return toast_for(exc)
        return await self._after(
            facility_summary.set_due_date,
            page_number(form_data.get("element", "")),
            due,
            done="Next due date saved.",
        )

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def change_cupa(self, form_data: dict[str, str]) -> Any:
        agency = page_number(form_data.get("agency", ""))
        if agency is None:
            return rx.toast.error("Choose the agency to hand the element to.", id="form-problem")
        return await self._after(
            facility_summary.change_agency,
            page_number(form_data.get("element", "")),
            agency,
            done="The element now belongs to the chosen agency.",
        )


class RegulatorBusinessState(rx.State):
    """One business (?id=<organization id>): details, people, facilities in reach, emails."""

    loaded: bool = False
    business: dict[str, str] = {}
    people: list[dict[str, str]] = []
    facilities: list[dict[str, str]] = []
    emails: list[dict[str, str]] = []
    emails_note: str = ""

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.business, self.people, self.facilities, self.emails = (
            False,
            {},
            [],
            [],
            [],
        )
        organization_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            view = await db.run_async(businesses.business_view, handler_actor(), organization_id)
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.REGULATOR_FACILITIES)]
        self.business = {
            "id": str(view.id),
            "code": str(view.code),
            "name": view.name,
            "headquarters": view.headquarters,
            "status": view.status,
            "created": view.created,
        }
        self.people = [
            {
                "name": p.name,
                "email": p.email,
                "role": p.role,
                "title": p.title,
                "phone": p.phone,
                "status": p.status,
            }
            for p in view.people
        ]
        self.facilities = [
            {
                "id": str(f.id),
                "cers_id": str(f.cers_id),
                "name": f.name,
                "address": f.address,
                "url": facility_url(f.id),
            }
            for f in view.facilities
        ]
        self.emails = [
            {
                "id": str(e.id),
                "sent": e.sent,
                "subject": e.subject,
                "to": e.to_address,
                "status": e.status,
            }
            for e in view.emails
        ]
        self.emails_note = f"Showing {len(view.emails)} of {view.emails_total} messages."
        self.loaded = True
        return None
