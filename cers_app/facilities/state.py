"""State of the add-facility wizard, the facility page and the Facility Information draft forms.

Handlers turn events into calls of `facilities.wizard` and `facilities.service` and their
results into small text rows. Every id arrives as text, is parsed here and is re-scoped by the
service that receives it; the wizard's and the facility's ids live in backend vars.
"""

from __future__ import annotations

import re
from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.codes import element_label
from cers_app.core.errors import DomainError, PermissionDenied, ValidationFailed
from cers_app.core.permissions import Permission, requires
from cers_app.facilities import business_activities, owner_operator, service, wizard
from cers_app.facilities.views import DraftForms, FacilityView
from cers_app.facilities.wizard import NEW_BUSINESS, WizardView
from cers_app.organizations import service as org_service
from cers_app.organizations.roles import OrgAction, OrgRole
from cers_app.submittals.document_rules import CATALOGUE
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

STEP_NAMES = (
    "Site",
    "Possible duplicates",
    "Name and business",
    "Business Activities",
    "Owner/Operator",
    "Summary",
)
ACTIVITIES_STEP, OWNER_STEP, SUMMARY_STEP = 4, 5, 6
# What a submit button of the Owner/Operator form asks for: save and go on, save and go back,
# or copy fields with one of the "same as" shortcuts.
SAVE, BACK = "save", "back"
OWNER_INTENTS = frozenset({SAVE, BACK, *owner_operator.SAME_AS})
_LINK = re.compile(r"(https?://\S+?)(?=[.,;]?(?:\s|$))")
OUTCOMES = {
    "access_requested": (
        "Your request for access was sent to the people who decide it. You get an email when "
        "it is decided; Requests on your home page shows where it stands."
    ),
    "transfer_requested": (
        "Your request to move the facility into your business was sent; its regulator decides "
        "and you get an email."
    ),
    "transferred": "The facility now belongs to your business.",
}


def facility_url(facility_id: int | str) -> str:
    return routes.with_query(routes.FACILITY, id=str(facility_id))


def element_page(element: int, facility_id: int | str) -> str:
    """Where an element's draft is edited, or "" when it has no page of its own yet."""
    pages = {
        1: routes.FACILITY_ACTIVITIES,
        2: routes.FACILITY_INVENTORY,
        3: routes.FACILITY_PLANS,
    }
    if element in pages:
        return f"{pages[element]}?id={facility_id}"
    if any(slot.element == element for slot in CATALOGUE):  # only documents: the documents page
        return routes.with_query(routes.FACILITY_PLANS, id=str(facility_id), element=str(element))
    return ""


def wizard_url(wizard_id: int | str) -> str:
    return routes.with_query(routes.FACILITY_ADD, w=str(wizard_id))


def message_parts(text: str) -> list[dict[str, str]]:
    """`text` cut into plain pieces and links, so a page can show its web addresses as links."""
    parts: list[dict[str, str]] = []
    at = 0
    for match in _LINK.finditer(text):
        if match.start() > at:
            parts.append({"text": text[at : match.start()], "href": ""})
        parts.append({"text": match.group(1), "href": match.group(1)})
        at = match.end()
    if at < len(text):
        parts.append({"text": text[at:], "href": ""})
    return parts


def _site_input(site: dict[str, str]) -> service.SiteInput:
    return service.SiteInput(**{key: site.get(key, "") for key in service.SITE_FIELDS})


def _element_rows(elements: tuple[int, ...]) -> list[dict[str, str]]:
    return [{"element": str(e), "label": element_label(e)} for e in elements]


class DraftFormsState(rx.State):
    """The Business Activities and Owner/Operator forms of a facility's Facility Information
    draft: wizard steps 4 and 5, and the two editors the facility page links to."""

    loaded: bool = False
    facility: dict[str, str] = {}  # id, cers_id, name: the editors' heading
    answers: dict[str, str] = {}  # question key -> "Y" / "N" / ""
    site: dict[str, str] = {}  # the site identification (editor only)
    comments: str = ""
    owner: dict[str, str] = {}
    errors: dict[str, str] = {}
    required: list[dict[str, str]] = []  # the elements the answers shown require
    no_regulated: bool = False
    form_key: int = 0
    _facility_id: int = 0
    _version: int = 0
    _wizard_id: int = 0  # 0 outside the wizard
    _intent: str = ""

    def _show(self, forms: DraftForms) -> None:
        """The draft as saved: the forms are mounted again with its values."""
        activities = forms.business_activities
        self.answers = {key: activities.get(key, "") for key in business_activities.QUESTION_KEYS}
        self.comments = activities.get("Comments", "")
        self.site = {key: activities.get(key, "") for key in business_activities.SITE_LABELS}
        self.owner = {key: forms.owner_operator.get(key, "") for key in owner_operator.FIELDS}
        self.required = _element_rows(forms.required_elements)
        self.no_regulated = business_activities.no_regulated_activities(self.answers)
        self._facility_id, self._version = forms.facility_id, forms.version
        self.form_key += 1
        self.loaded = True

    def _forget(self) -> None:
        self.loaded, self.facility, self.answers, self.owner = False, {}, {}, {}
        self.site = {}
        self.comments, self.errors, self.required, self.no_regulated = "", {}, [], False
        self._facility_id, self._version, self._wizard_id, self._intent = 0, 0, 0, ""

    async def _open_for_wizard(self, wizard_id: int, facility_id: int) -> None:
        """Read the new facility's draft for wizard steps 4 and 5, unless it is shown already
        (a save returns the draft as saved). Raises DomainError."""
        if self.loaded and (self._wizard_id, self._facility_id) == (wizard_id, facility_id):
            return
        self._forget()
        forms = await db.run_async(service.facility_information, handler_actor(), facility_id)
        self._wizard_id = wizard_id
        self._show(forms)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load_editor(self) -> Any:
        """The Edit Business Activities / Owner/Operator pages (?id=<facility id>)."""
        self._forget()
        facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        actor = handler_actor()
        try:
            forms = await db.run_async(service.facility_information, actor, facility_id)
            view = await db.run_async(service.get_facility, actor, facility_id)
        except PermissionDenied as exc:  # a Viewer: the facility page shows it read-only
            return [toast_for(exc), rx.redirect(facility_url(facility_id or ""))]
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self.facility = {"id": str(view.id), "cers_id": str(view.cers_id), "name": view.name}
        self._show(forms)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def answer(self, key: str, value: str) -> None:
        """A Yes/No was clicked: show at once which elements the answers would require."""
        if key not in business_activities.QUESTION_KEYS or value not in ("Y", "N"):
            return
        self.answers = {**self.answers, key: value}
        self.required = _element_rows(business_activities.required_elements(self.answers))
        self.no_regulated = business_activities.no_regulated_activities(self.answers)
        if key in self.errors:
            self.errors = {k: v for k, v in self.errors.items() if k != key}

    async def _wizard_at(self, step: int) -> WizardState | None:
        """The wizard page's state when this form is its current step (None in the editors
        and for a repeated click that arrives after the step moved on)."""
        if not self._wizard_id:
            return None
        steps = await self.get_state(WizardState)
        return steps if steps.step == step else None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save_activities(self, form_data: dict[str, str]) -> Any:
        steps = await self._wizard_at(ACTIVITIES_STEP)
        if self._wizard_id and steps is None:
            return None  # a second click of Next: the first one already moved on
        keys = business_activities.QUESTION_KEYS
        if not self._wizard_id:  # the editor shows the site identification too
            keys += tuple(key for key, _, _ in business_activities.SITE_INPUTS)
        values = form_values(form_data, *keys, "Comments")
        actor = handler_actor()
        try:
            forms, errors = await db.run_async(
                service.save_business_activities, actor, self._facility_id, values, self._version
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self._show(forms)
        self.errors = errors
        if errors:
            return rx.toast.error(
                "Saved. Answer every question with Yes or No to continue.", id="form-problem"
            )
        if steps is None:
            return [
                rx.toast.success("Business Activities saved.", id="facility-saved"),
                rx.redirect(facility_url(self._facility_id)),
            ]
        return await steps._step_done(ACTIVITIES_STEP)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def intend(self, intent: str) -> None:
        """Which submit button of the Owner/Operator form was clicked; the form's own submit
        event follows with every field as typed."""
        self._intent = intent if intent in OWNER_INTENTS else ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save_owner(self, form_data: dict[str, str]) -> Any:
        intent, self._intent = self._intent or SAVE, ""
        values = form_values(form_data, *owner_operator.FIELDS)
        if intent in owner_operator.SAME_AS:
            _, _, targets = owner_operator.SAME_AS[intent]
            self.owner = owner_operator.apply_same_as(values, intent)
            self.errors = {k: v for k, v in self.errors.items() if k not in targets}
            self.form_key += 1  # mounted again, showing the copied values beside the typed ones
            return None
        steps = await self._wizard_at(OWNER_STEP)
        if self._wizard_id and steps is None:
            return None
        try:
            forms, errors = await db.run_async(
                service.save_owner_operator,
                handler_actor(),
                self._facility_id,
                values,
                self._version,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self._show(forms)
        self.errors = errors
        if steps is not None and intent == BACK:
            return await steps._call(wizard.go_to, ACTIVITIES_STEP)
        if errors:
            return rx.toast.error(
                "Saved. Please correct the highlighted fields.", id="form-problem"
            )
        if steps is None:
            return [
                rx.toast.success("Owner/Operator Identification saved.", id="facility-saved"),
                rx.redirect(facility_url(self._facility_id)),
            ]
        return await steps._step_done(OWNER_STEP)


class WizardState(rx.State):
    """Add Facility (/facilities/add?w=<wizard id>): every step is saved by `facilities.wizard`
    and read back from it on load, so Back, refresh and resuming elsewhere all work."""

    loaded: bool = False
    step: int = 1
    site: dict[str, str] = {}
    errors: dict[str, str] = {}
    zip_problem: list[dict[str, str]] = []  # the ZIP message, cut into text and links
    duplicates: list[dict[str, str]] = []
    lead_businesses: list[dict[str, str]] = []  # where the user may move a duplicate to
    chosen: dict[str, str] = {}  # the duplicate being acted on, with "mode": access | move
    businesses: list[dict[str, str]] = []  # step 3 choices
    business_choice: str = ""
    outcome: str = ""
    facility_id: str = ""
    form_key: int = 0
    _wizard_id: int = 0

    def _forget(self) -> None:
        self.loaded, self.step, self.site, self.errors, self.zip_problem = False, 1, {}, {}, []
        self.duplicates, self.lead_businesses, self.chosen, self.businesses = [], [], {}, []
        self.business_choice, self.outcome, self.facility_id, self._wizard_id = "", "", "", 0

    def _set_errors(self, errors: dict[str, str]) -> None:
        self.errors = errors
        self.zip_problem = message_parts(errors.get("zip_code", ""))

    async def _show(self, view: WizardView) -> Any:
        """Show the wizard's saved step; step 6 is the facility page itself."""
        actor = handler_actor()
        self._wizard_id = view.id
        self.step, self.outcome = view.step, view.outcome
        self.site = dict(view.site)
        self.facility_id = str(view.facility_id or "")
        self.chosen = {}
        self._set_errors({})
        self.duplicates = [
            {
                "facility_id": str(row.facility_id),
                "cers_id": str(row.cers_id),
                "name": row.name,
                "address": f"{row.address}, {row.city} {row.zip_code}",
                "why": row.note,
            }
            for row in view.duplicates
        ]
        self.lead_businesses = []
        if view.duplicates:
            mine = await db.run_async(org_service.list_my_organizations, actor)
            self.lead_businesses = [
                {"id": str(row.id), "name": row.name} for row in mine if row.role == OrgRole.LEAD
            ]
        self.businesses = [
            {"id": str(b.id), "name": b.name, "role": b.role} for b in view.businesses
        ]
        ids = [b["id"] for b in self.businesses]
        selected = str(actor.organization_id or "")
        self.business_choice = selected if selected in ids else (ids[0] if ids else NEW_BUSINESS)
        self.form_key += 1
        if view.facility_id and view.step in (ACTIVITIES_STEP, OWNER_STEP) and not view.finished:
            forms = await self.get_state(DraftFormsState)
            await forms._open_for_wizard(view.id, view.facility_id)
        self.loaded = True
        if view.step >= SUMMARY_STEP and view.facility_id:
            return rx.redirect(facility_url(view.facility_id))
        return None

    async def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a wizard service step and show its result; a refusal keeps the page as it is."""
        try:
            view = await db.run_async(fn, handler_actor(), self._wizard_id, *args, **kwargs)
        except DomainError as exc:
            self._set_errors(field_errors(exc))
            return toast_for(exc)
        return await self._show(view)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self._forget()
        (await self.get_state(DraftFormsState))._forget()  # read the draft again too
        wizard_id = page_number(self.router.url.query_parameters.get("w", ""))
        try:
            view = await db.run_async(wizard.load, handler_actor(), wizard_id)
            return await self._show(view)
        except DomainError as exc:
            self._forget()
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def submit_site(self, form_data: dict[str, str]) -> Any:
        if self.step != 1:
            return None
        self.site = form_values(form_data, *service.SITE_FIELDS)  # kept as typed if refused
        return await self._call(wizard.submit_site, _site_input(self.site))

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def continue_new(self) -> Any:
        if self.step != 2:
            return None
        return await self._call(wizard.continue_new)

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def choose(self, facility_id: str, mode: str) -> None:
        """Open the Request access / Move it into my business panel for one duplicate."""
        row = next((r for r in self.duplicates if r["facility_id"] == facility_id), None)
        self.chosen = {**row, "mode": mode} if row and mode in ("access", "move") else {}
        self._set_errors({})

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def cancel_choice(self) -> None:
        self.chosen = {}
        self._set_errors({})

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def request_access(self, form_data: dict[str, str]) -> Any:
        if self.step != 2 or self.chosen.get("mode") != "access":
            return None
        values = form_values(form_data, "role", "note")
        return await self._call(
            wizard.request_access,
            page_number(self.chosen["facility_id"]),
            values["role"],
            values["note"],
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def take_ownership(self, form_data: dict[str, str]) -> Any:
        if self.step != 2 or self.chosen.get("mode") != "move":
            return None
        values = form_values(form_data, "business", "note")
        business = page_number(values["business"])
        if business is None:
            self._set_errors({"business": "Choose the business that takes the facility."})
            return toast_for(ValidationFailed(self.errors))
        return await self._call(
            wizard.take_ownership, page_number(self.chosen["facility_id"]), business, values["note"]
        )

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    def choose_business(self, value: str) -> None:
        ids = {b["id"] for b in self.businesses} | {NEW_BUSINESS}
        self.business_choice = value if value in ids else ""

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def confirm(self, form_data: dict[str, str]) -> Any:
        if self.step != 3:
            return None  # a second click: the facility was made by the first one
        values = form_values(
            form_data, "name", "business", "new_business_name", "new_business_headquarters"
        )
        self.site = {**self.site, "name": values["name"]}
        self.business_choice = values["business"]
        if values["business"] == NEW_BUSINESS:
            # The new business's fields come back as "name" and "headquarters" too: check the
            # facility's name first, so that any "name" problem after it is the business's.
            try:
                service.check_site(_site_input(self.site))
            except ValidationFailed as exc:
                self._set_errors(field_errors(exc))
                return toast_for(exc)
            try:
                view = await db.run_async(
                    wizard.confirm_facility,
                    handler_actor(),
                    self._wizard_id,
                    values["name"],
                    NEW_BUSINESS,
                    values["new_business_name"],
                    values["new_business_headquarters"],
                )
            except DomainError as exc:
                errors = field_errors(exc)
                self._set_errors({f"new_business_{k}": v for k, v in errors.items()})
                return toast_for(exc)
            return await self._show(view)
        return await self._call(wizard.confirm_facility, values["name"], values["business"])

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def back(self, step: int) -> Any:
        if not 1 <= step < self.step:
            return None
        return await self._call(wizard.go_to, step)

    async def _step_done(self, step: int) -> Any:
        """Steps 4 and 5 were saved without problems: move on (called by the forms' state)."""
        result = await self._call(wizard.step_done, step)
        if self.step >= SUMMARY_STEP:
            return [rx.toast.success("The facility was added.", id="facility-added"), result]
        return result


# Any of these lets the user open Manage Facility (transfer, merge, delete).
MANAGE_ACTIONS = {
    OrgAction.REQUEST_TRANSFER.value,
    OrgAction.REQUEST_MERGE.value,
    OrgAction.REQUEST_DELETE.value,
}


class FacilityPageState(rx.State):
    """The facility page (/facilities/view?id=): the facility record and its elements."""

    loaded: bool = False
    facility: dict[str, str] = {}
    elements: list[dict[str, str]] = []
    can_edit: bool = False
    can_manage: bool = False
    can_submit: bool = False
    can_discard: bool = False
    can_read_history: bool = False
    has_drafts: bool = False
    no_regulated: bool = False

    def _show(self, view: FacilityView) -> None:
        self.facility = {
            "id": str(view.id),
            "cers_id": str(view.cers_id),
            "name": view.name,
            "street": view.street,
            "supplemental": view.supplemental,
            "city_zip": f"{view.city}, CA {view.zip_code}",
            "county": view.county,
            "epa_id": view.epa_id or "None",
            "business": view.organization,
            "role": view.role,
        }
        self.elements = [
            {
                "element": str(row.element),
                "label": row.label,
                "required": "yes" if row.required else "",
                "requirement": row.requirement_label,
                "why": row.source,
                "status": row.status,
                "regulator": row.regulator or "Not assigned",
                "next_due": row.next_due or "None set",
                "comments": row.comments,
                "draft_id": str(row.draft_version_id or ""),
                "submitted": row.last_submitted,
                "submitted_status": row.last_submitted_status,
                "accepted": row.last_accepted,
                "page": element_page(row.element, view.id),
            }
            for row in view.elements
        ]
        self.has_drafts = any(row.draft_version_id for row in view.elements)
        self.can_submit = OrgAction.SUBMIT.value in view.actions
        self.can_discard = OrgAction.DISCARD_DRAFT.value in view.actions
        self.can_edit = OrgAction.EDIT_DRAFT.value in view.actions
        self.can_manage = bool(set(view.actions) & MANAGE_ACTIONS)
        self.can_read_history = OrgAction.READ_HISTORY.value in view.actions
        self.no_regulated = view.no_regulated_activities
        self.loaded = True

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded, self.facility, self.elements = False, {}, []
        self.can_edit = self.can_manage = self.can_submit = self.can_discard = False
        self.has_drafts = self.can_read_history = False
        facility_id = page_number(self.router.url.query_parameters.get("id", ""))
        try:
            view = await db.run_async(service.get_facility, handler_actor(), facility_id)
        except DomainError as exc:
            return [toast_for(exc), rx.redirect(routes.BUSINESS_HOME)]
        self._show(view)
        return None
