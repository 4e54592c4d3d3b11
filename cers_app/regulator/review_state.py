"""State of the review panel on the regulator's submittal page (?id=<element version id>):
its history, the status form and comment edits. The `regulator.review` service checks the
actor's reach and right again for every action."""

from __future__ import annotations

import datetime as dt
from typing import Any

import reflex as rx

from cers_app.core import clock, db
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.core.permissions import Permission, requires
from cers_app.regulator import review
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

STATUS_CHOICES = {
    str(code): label
    for code, label in (
        (3, "Under Review"),
        (4, "Accepted"),
        (5, "Not Accepted"),
        (6, "Not Applicable"),
    )
}


def parse_acted_at(text: str) -> tuple[dt.datetime | None, str | None]:
    """A `datetime-local` value read in the agency's time zone: (moment, None), (None, None)
    when empty, or (None, message)."""
    text = text.strip()
    if not text:
        return None, None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None, "Enter the action date and time, such as 2026-03-01 09:30."
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.agency_zone())
    return moment, None


def parse_day(text: str) -> tuple[dt.date | None, str | None]:
    """A `date` value: (day, None), (None, None) when empty, or (None, message)."""
    text = text.strip()
    if not text:
        return None, None
    try:
        return dt.date.fromisoformat(text), None
    except ValueError:
        return None, "Enter the next due date, such as 2027-03-01."


def _history_row(row: review.HistoryRow) -> dict[str, str]:
    return {
        "kind": row.kind,
        "action_id": str(row.action_id),
        "status": row.status_label,
        "when": row.when,
        "who": row.who,
        "comment": row.comment,
        "edited": row.edited,
        "due": row.next_due_date,
    }


class ReviewState(rx.State):
    """The review panel of one submitted element version."""

    loaded: bool = False
    version: dict[str, str] = {}
    history: list[dict[str, str]] = []
    can_review: bool = False
    errors: dict[str, str] = {}
    comment_length: int = 0
    form_key: int = 0
    editing: str = ""  # the action whose comment is being edited
    edit_text: str = ""
    edit_error: str = ""
    _version_id: int | None = None

    async def _show(self) -> Any:
        try:
            view = await db.run_async(review.review_view, handler_actor(), self._version_id)
        except DomainError as exc:
            self.loaded, self.version, self.history, self.can_review = False, {}, [], False
            return toast_for(exc)
        self.version = {
            "id": str(view.version_id),
            "facility_id": str(view.facility_id),
            "cers_id": str(view.cers_id),
            "facility": view.facility_name,
            "element": view.element_label,
            "status": view.status_label,
            "status_code": str(view.status),
            "due": view.next_due_date,
        }
        self.history = [_history_row(row) for row in view.history]
        self.can_review = view.can_review
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.errors, self.comment_length = False, {}, 0
        self.editing, self.edit_text, self.edit_error = "", "", ""
        self._version_id = page_number(self.router.url.query_parameters.get("id", ""))
        self.form_key += 1
        return await self._show()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def count_comment(self, text: str) -> None:
        """The comment's length, for the counter under the box."""
        self.comment_length = len(str(text).strip())

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        values = form_values(form_data, "status", "comment", "acted_at", "next_due_date")
        errors: dict[str, str] = {}
        status = page_number(values["status"]) if values["status"] in STATUS_CHOICES else None
        if status is None:
            errors["status"] = review.STATUS_CHOICE
        acted_at, problem = parse_acted_at(values["acted_at"])
        if problem:
            errors["acted_at"] = problem
        due, problem = parse_day(values["next_due_date"])
        if problem:
            errors["next_due_date"] = problem
        if errors:
            self.errors = errors
            return toast_for(ValidationFailed(errors))
        try:
            outcome = await db.run_async(
                review.set_status,
                handler_actor(),
                self._version_id,
                status,
                values["comment"],
                acted_at=acted_at,
                next_due_date=due,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self.errors, self.comment_length = {}, 0
        self.form_key += 1  # the form is mounted again, empty
        await self._show()
        return rx.toast.success(
            f"Status set to {outcome.status_label}; the business was emailed.", id="review-saved"
        )

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def start_edit(self, action_id: str) -> None:
        row = next((r for r in self.history if r["action_id"] == str(action_id)), None)
        if row is None or row["kind"] != "action" or not self.can_review:
            return
        self.editing, self.edit_text, self.edit_error = row["action_id"], row["comment"], ""

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def set_edit_text(self, text: str) -> None:
        self.edit_text = str(text)[: review.COMMENT_MAX + 100]

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def cancel_edit(self) -> None:
        self.editing, self.edit_text, self.edit_error = "", "", ""

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save_edit(self) -> Any:
        try:
            await db.run_async(
                review.edit_comment, handler_actor(), page_number(self.editing), self.edit_text
            )
        except DomainError as exc:
            self.edit_error = field_errors(exc).get("comment", exc.message)
            return toast_for(exc)
        self.editing, self.edit_text, self.edit_error = "", "", ""
        await self._show()
        return rx.toast.success("Comment changed; the business was emailed.", id="review-edited")
