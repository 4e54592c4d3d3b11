"""State of the Agency administration page: profile and contacts, jurisdiction, element
settings and inventory settings of one agency the Agency Admin administers.

The agency being administered lives in a backend var; ids from the page (agency, contact,
rule) are parsed here and re-scoped by the services, which refuse anyone but the agency's
Agency Admins. A refused choice of agency forgets the agency shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from cers_app.agencies import admin_jurisdiction, admin_profile, element_settings
from cers_app.agencies.admin_profile import ProfileView
from cers_app.core import db
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.inventory import agency_settings
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

PROFILE_NAMES = ("phone", "email", "website", "address", "verify_lead_access")
CONTACT_NAMES = ("name", "title", "phone", "email", "public")
INVENTORY_NAMES = (*agency_settings.LEVEL_KEYS, *agency_settings.THRESHOLD_KEYS)


def _yes(flag: object) -> str:
    return "yes" if flag else ""


def _done(message: str, id: str) -> Any:
    return rx.toast.success(message, id=id)


class AgencyAdminState(rx.State):
    loaded: bool = False
    allowed: bool = False  # the signed-in regulator administers at least one agency
    agencies: list[dict[str, str]] = []  # the chooser: id, label
    agency: dict[str, str] = {}  # the agency shown: id, name, code, kind, kind_label, parent
    profile: dict[str, str] = {}
    contacts: list[dict[str, str]] = []
    editing_contact: str = ""  # "" none, "new", or the contact's id
    contact_form: dict[str, str] = {}
    rules: list[dict[str, str]] = []
    rules_total: int = 0
    rule_filter: str = ""
    assign_to: list[dict[str, str]] = []  # the agency and its PAs: id, label
    import_result: str = ""
    elements: list[dict[str, str]] = []
    editing_element: str = ""
    inventory: dict[str, str] = {}
    inventory_note: str = ""  # why the inventory settings are not shown
    errors: dict[str, str] = {}  # "<section>.<field>" -> message
    form_key: int = 0
    _agency_id: int = 0
    _shown_profile: dict[str, Any] = {}
    _shown_contacts: dict[str, dict[str, Any]] = {}
    _element_versions: dict[str, int] = {}
    _inventory_version: int | None = None

    # ------------------------------------------------------------------ loading

    def _forget(self) -> None:
        self.agency, self.profile, self.contacts, self.rules = {}, {}, [], []
        self.rules_total, self.assign_to, self.elements, self.inventory = 0, [], [], {}
        self.editing_contact = self.editing_element = self.import_result = ""
        self.inventory_note, self.contact_form, self.errors = "", {}, {}
        self._agency_id, self._shown_profile, self._shown_contacts = 0, {}, {}
        self._element_versions, self._inventory_version = {}, None

    def _show_profile(self, view: ProfileView) -> None:
        a = view.agency
        self.agency = {
            "id": str(a.id),
            "name": a.name,
            "code": str(a.code),
            "kind": a.kind,
            "kind_label": a.kind_label,
            "parent": view.parent_name,
        }
        self._shown_profile = dict(view.values)
        self.profile = {
            "phone": str(view.values["phone"]),
            "email": str(view.values["email"]),
            "website": str(view.values["website"]),
            "address": str(view.values["address"]),
            "verify_lead_access": _yes(view.values["verify_lead_access"]),
        }
        self.contacts = [
            {
                "id": str(c.id),
                "name": c.name,
                "title": c.title,
                "phone": c.phone,
                "email": c.email,
                "public": _yes(c.public),
            }
            for c in view.contacts
        ]
        self._shown_contacts = {
            str(c.id): {
                "name": c.name,
                "title": c.title,
                "phone": c.phone,
                "email": c.email,
                "public": c.public,
            }
            for c in view.contacts
        }

    def _show_elements(self, views: list[element_settings.ElementSettingView]) -> None:
        self.elements = [
            {
                "element": str(v.element),
                "label": v.label,
                "text": v.local_requirements,
                "required": _yes(v.local_document_required),
                "inherited_from": v.inherited_from,
            }
            for v in views
        ]
        self._element_versions = {str(v.element): v.version for v in views}

    async def _show_rules(self) -> None:
        element = page_number(self.rule_filter) if self.rule_filter else None
        view = await db.run_async(
            admin_jurisdiction.jurisdiction, handler_actor(), self._agency_id, element
        )
        self.assign_to = [{"id": str(a.id), "label": a.name} for a in view.agencies]
        self.rules = [
            {
                "id": str(r.id),
                "element": str(r.element),
                "label": r.element_label,
                "zip": r.zip_code,
                "city": r.city.title(),
                "agency": r.agency_name,
            }
            for r in view.rules
        ]
        self.rules_total = view.total

    def _show_inventory(self, view: agency_settings.SettingsView) -> None:
        self.inventory = {
            **view.values,
            "inherited_from": view.inherited_from,
            "can_edit": _yes(view.can_edit),
        }
        self._inventory_version = view.version
        self.inventory_note = ""

    async def _show_inventory_settings(self) -> None:
        try:
            view = await db.run_async(
                agency_settings.inventory_settings, handler_actor(), self._agency_id
            )
        except DomainError:
            self.inventory = {}
            self.inventory_note = (
                "The inventory settings of this agency are kept by its own Agency Admins."
            )
            return
        self._show_inventory(view)

    async def _open(self, agency_id: int | None) -> None:
        """Show agency `agency_id` (raises DomainError when the actor does not administer it)."""
        actor = handler_actor()
        view = await db.run_async(admin_profile.agency_profile, actor, agency_id)
        settings = await db.run_async(element_settings.element_settings, actor, agency_id)
        self._forget()
        self._agency_id = view.agency.id
        self._show_profile(view)
        self._show_elements(settings)
        self.rule_filter = ""
        await self._show_rules()
        await self._show_inventory_settings()
        self.form_key += 1

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def load(self) -> Any:
        self.loaded = False
        self._forget()
        try:
            choices = await db.run_async(admin_profile.administered_agencies, handler_actor())
            self.agencies = [
                {"id": str(c.id), "label": f"{c.name} ({c.kind}, code {c.code})"} for c in choices
            ]
            self.allowed = bool(choices)
            if choices:
                await self._open(choices[0].id)
        except DomainError as exc:
            self._forget()
            self.loaded = True
            return toast_for(exc)
        self.loaded = True
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def choose_agency(self, agency_id: str) -> Any:
        try:
            await self._open(page_number(agency_id))
        except DomainError as exc:
            self._forget()
            self.form_key += 1
            return toast_for(exc)
        return None

    async def _run(
        self, section: str, work: Callable[..., Any], *args: Any
    ) -> tuple[Any, DomainError | None]:
        """Call a service for the agency shown; errors of `section` are kept for the form."""
        try:
            result = await db.run_async(work, handler_actor(), self._agency_id, *args)
        except DomainError as exc:
            self.errors = {f"{section}.{k}": v for k, v in field_errors(exc).items()}
            return None, exc
        self.errors = {}
        return result, None

    # ------------------------------------------------------------------ profile and contacts

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save_profile(self, form_data: dict[str, str]) -> Any:
        given = form_values(form_data, *PROFILE_NAMES)
        self.profile = {**given, "verify_lead_access": _yes(given["verify_lead_access"])}
        view, error = await self._run(
            "profile", admin_profile.save_profile, given, self._shown_profile
        )
        if error is not None:
            return toast_for(error)
        self._show_profile(view)
        self.form_key += 1
        return _done("The agency's profile is saved.", "agency-profile-saved")

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def edit_contact(self, contact_id: str) -> None:
        contact = next((c for c in self.contacts if c["id"] == str(contact_id)), None)
        self.errors = {}
        if contact is None:
            self.editing_contact, self.contact_form = "new", {"public": "yes"}
        else:
            self.editing_contact, self.contact_form = contact["id"], dict(contact)
        self.form_key += 1

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def cancel_contact(self) -> None:
        self.editing_contact, self.contact_form, self.errors = "", {}, {}

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save_contact(self, form_data: dict[str, str]) -> Any:
        given = form_values(form_data, "contact_id", *CONTACT_NAMES)
        contact_id = given.pop("contact_id")
        self.contact_form = {**given, "public": _yes(given["public"]), "id": contact_id}
        if contact_id in ("", "new"):
            view, error = await self._run("contact", admin_profile.add_contact, given)
            message = "The contact is added."
        else:
            shown = self._shown_contacts.get(contact_id, {})
            view, error = await self._run(
                "contact", admin_profile.save_contact, page_number(contact_id), given, shown
            )
            message = "The contact is saved."
        if error is not None:
            return toast_for(error)
        self._show_profile(view)
        self.editing_contact, self.contact_form = "", {}
        self.form_key += 1
        return _done(message, "agency-contact-saved")

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def remove_contact(self, contact_id: str) -> Any:
        view, error = await self._run(
            "contact", admin_profile.remove_contact, page_number(contact_id)
        )
        if error is not None:
            return toast_for(error)
        self._show_profile(view)
        self.editing_contact = ""
        return _done("The contact is removed.", "agency-contact-removed")

    # ------------------------------------------------------------------ jurisdiction

    async def _refresh_rules(self) -> Any:
        try:
            await self._show_rules()
        except DomainError as exc:
            self.rules, self.rules_total = [], 0
            return toast_for(exc)
        return None

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def filter_rules(self, form_data: dict[str, str]) -> Any:
        wanted = form_values(form_data, "element")["element"].strip()
        self.rule_filter = wanted if page_number(wanted) else ""
        return await self._refresh_rules()

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def add_rule(self, form_data: dict[str, str]) -> Any:
        given = form_values(form_data, "element", "zip_code", "city", "agency")
        rule, error = await self._run("rule", admin_jurisdiction.add_rule, given)
        if error is not None:
            return toast_for(error)
        refreshed = await self._refresh_rules()
        self.form_key += 1
        where = f"ZIP {rule.zip_code}" + (f" ({rule.city.title()})" if rule.city else "")
        message = f"{rule.element_label} in {where} now goes to {rule.agency_name}."
        return [_done(message, "agency-rule-added"), *([refreshed] if refreshed else [])]

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def remove_rule(self, rule_id: str) -> Any:
        _, error = await self._run("rule", admin_jurisdiction.remove_rule, page_number(rule_id))
        if error is not None:
            return toast_for(error)
        refreshed = await self._refresh_rules()
        return [
            _done("The rule is removed.", "agency-rule-removed"),
            *([refreshed] if refreshed else []),
        ]

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def import_rules(self, form_data: dict[str, str]) -> Any:
        text = form_values(form_data, "csv")["csv"]
        self.import_result = ""
        result, error = await self._run("csv", admin_jurisdiction.import_rules, text)
        if error is not None:
            return toast_for(error)
        self.import_result = (
            f"{result.added} rule{'s' if result.added != 1 else ''} added, "
            f"{result.unchanged} already there."
        )
        refreshed = await self._refresh_rules()
        self.form_key += 1
        return [
            _done(self.import_result, "agency-rules-imported"),
            *([refreshed] if refreshed else []),
        ]

    # ------------------------------------------------------------------ element settings

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def edit_element(self, element: str) -> None:
        self.editing_element = str(element) if str(element) in self._element_versions else ""
        self.errors = {}
        self.form_key += 1

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    def cancel_element(self) -> None:
        self.editing_element, self.errors = "", {}

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save_element(self, form_data: dict[str, str]) -> Any:
        given = form_values(form_data, "element", "local_requirements", "local_document_required")
        element = given.pop("element")
        version = self._element_versions.get(element, 0)
        views, error = await self._run(
            "element", element_settings.save_element_setting, page_number(element), given, version
        )
        if error is not None:
            return toast_for(error)
        self._show_elements(views)
        self.editing_element = ""
        self.form_key += 1
        return _done("The element's local requirements are saved.", "agency-element-saved")

    # ------------------------------------------------------------------ inventory settings

    @requires(Permission.REGULATOR_PORTAL)
    @rx.event
    async def save_inventory(self, form_data: dict[str, str]) -> Any:
        given = form_values(form_data, *INVENTORY_NAMES)
        self.inventory = {**self.inventory, **given}
        view, error = await self._run(
            "inventory", agency_settings.save_inventory_settings, given, self._inventory_version
        )
        if error is not None:
            return toast_for(error)
        self._show_inventory(view)
        self.form_key += 1
        return _done("The inventory settings are saved.", "agency-inventory-saved")
