"""Request Technical Assistance (public): the form, its prefilled agency and the receipt."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import reflex as rx

from cers_app.agencies import assistance, directory
from cers_app.agencies.assistance import AssistanceInput
from cers_app.core import db
from cers_app.core.errors import DomainError, ValidationFailed
from cers_app.core.permissions import current_actor, public
from cers_app.ui.feedback import field_errors, form_values, toast_for

# A field people never see; a bot filling every input fills it too.
HONEYPOT = "website"


def _code(text: object) -> str:
    value = str(text).strip() if isinstance(text, str) else ""
    return value if value.isascii() and value.isdigit() and len(value) <= 6 else ""


class AssistanceState(rx.State):
    """The agency is chosen by a link (?agency=<code>, from Local regulators) or by a ZIP code,
    and kept here: the page never lists every agency to an anonymous visitor at once."""

    loaded: bool = False
    agency: str = ""  # the regulator code written to
    agency_name: str = ""
    name: str = ""
    email: str = ""
    errors: dict[str, str] = {}
    problem: str = ""
    sent: bool = False
    reference: str = ""
    sent_to: str = ""
    sent_email: str = ""

    def _choose(self, code: int | str, name: str) -> None:
        self.agency, self.agency_name = str(code), name

    @public
    @rx.event
    async def load(self) -> Any:
        """Anyone may write; ?agency=<code> or ?zip=<ZIP> chooses the agency."""
        actor = current_actor()
        self.errors, self.problem, self.sent, self.reference = {}, "", False, ""
        self.name = actor.display_name if actor is not None else ""
        self.email = actor.email if actor is not None else ""
        self._choose("", "")
        params = self.router.url.query_parameters
        code, zip_code = _code(params.get("agency", "")), params.get("zip", "")
        try:
            if code:
                self._choose(code, await db.run_async(assistance.agency_name, code))
            elif isinstance(zip_code, str) and zip_code.strip():
                self._choose(*await db.run_async(directory.agency_for_zip, zip_code))
        except DomainError:
            self._choose("", "")
        self.loaded = True
        return None

    @public
    @rx.event
    async def find_by_zip(self, form_data: dict[str, str]) -> Any:
        """Choose the agency that takes Facility Information in a ZIP code."""
        zip_code = form_values(form_data, "zip")["zip"]
        try:
            code, name = await db.run_async(directory.agency_for_zip, zip_code)
        except DomainError as exc:
            self.errors = {"zip": (field_errors(exc) or {}).get("query", exc.message)}
            return None
        self.errors = {}
        self._choose(code, name)
        return None

    @public
    @rx.event
    async def submit(self, form_data: dict[str, str]) -> Any:
        self.problem = ""
        if form_values(form_data, HONEYPOT)[HONEYPOT].strip():
            # Answered like a success, and nothing is stored or sent.
            self.errors, self.sent, self.reference, self.sent_to = {}, True, "", ""
            return None
        data = replace(AssistanceInput.from_form(form_data), agency=self.agency)
        try:
            sent = await db.run_async(
                assistance.send_request,
                current_actor(),
                data,
                client_ip=self.router.session.client_ip or "unknown",
            )
        except ValidationFailed as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        except DomainError as exc:  # too many requests (Throttled), or another refusal
            self.errors, self.problem = {}, exc.message
            return toast_for(exc)
        self.errors, self.sent = {}, True
        self.reference, self.sent_to, self.sent_email = sent.reference, sent.agency_name, sent.email
        return rx.toast.success(f"Your request {sent.reference} was sent.", id="assistance-sent")

    @public
    @rx.event
    def write_again(self) -> None:
        self.sent, self.reference, self.sent_to, self.errors, self.problem = False, "", "", {}, ""
