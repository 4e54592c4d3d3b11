"""State of an element draft's structured form page (/facilities/element-form?id=&element=).

Handlers call `element_form_service` and keep only text rows: the form's fields, the values
as saved and the errors to show. The facility, element and draft version live in backend vars
and are re-scoped by the service on every save.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from cers_app.core import db, routes
from cers_app.core.errors import DomainError
from cers_app.core.permissions import Permission, requires
from cers_app.submittals import element_form_service as service
from cers_app.submittals import element_forms, form_fields_ui
from cers_app.submittals.element_form_service import ElementFormView
from cers_app.submittals.element_forms import FormDef
from cers_app.ui.feedback import field_errors, form_values, toast_for
from cers_app.ui.handlers import handler_actor, page_number

ID_PREFIX = "element-form-"


def facility_url(facility_id: int | str) -> str:
    return routes.with_query(routes.FACILITY, id=str(facility_id))


def field_rows(form: FormDef) -> list[dict[str, str]]:
    """The form's fields as the page lays them out (by section)."""
    return form_fields_ui.field_rows(form, id_prefix=ID_PREFIX)


class ElementFormState(rx.State):
    """One element draft's form: its fields, the values as saved and their errors."""

    loaded: bool = False
    facility: dict[str, str] = {}  # id, cers_id, name
    title: str = ""
    element_label: str = ""
    fields: list[dict[str, str]] = []
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    choices: dict[str, list[list[str]]] = {}  # the options of each choice field, by key
    can_edit: bool = False
    form_key: int = 0
    _facility_id: int = 0
    _element: int = 0
    _version: int = 0

    def _show(self, view: ElementFormView) -> None:
        form = element_forms.form_for(view.element)
        assert form is not None
        self.facility = {
            "id": str(view.facility_id),
            "cers_id": str(view.cers_id),
            "name": view.facility_name,
        }
        self.title, self.element_label = view.title, view.element_label
        self.fields = field_rows(form)
        self.choices = form_fields_ui.choice_options(form)
        self.values = dict(view.values)
        self.can_edit = view.can_edit
        self._facility_id, self._element, self._version = (
            view.facility_id,
            view.element,
            view.version,
        )
        self.form_key += 1  # mounted again with the values as saved
        self.loaded = True

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def load(self) -> Any:
        """The page (?id=<facility>&element=<element number>)."""
        self.loaded, self.facility, self.fields, self.values, self.errors = False, {}, [], {}, {}
        self.choices = {}
        self.can_edit, self._facility_id, self._element, self._version = False, 0, 0, 0
        query = self.router.url.query_parameters
        facility_id = page_number(query.get("id", ""))
        element = page_number(query.get("element", ""))
        try:
            view = await db.run_async(service.element_form, handler_actor(), facility_id, element)
        except DomainError as exc:
            target = facility_url(facility_id) if facility_id else routes.BUSINESS_HOME
            return [toast_for(exc), rx.redirect(target)]
        self._show(view)
        self.errors = dict(view.errors)
        return None

    @requires(Permission.BUSINESS_PORTAL)
    @rx.event
    async def save(self, form_data: dict[str, str]) -> Any:
        """Save what was typed; the errors show beside their fields."""
        form = element_forms.form_for(self._element)
        if form is None:
            return rx.toast.error("Reload the page, then try again.", id="form-problem")
        values = form_values(form_data, *(f.key for f in form.fields))
        try:
            view, errors = await db.run_async(
                service.save_element_form,
                handler_actor(),
                self._facility_id,
                self._element,
                values,
                self._version,
            )
        except DomainError as exc:
            self.errors = field_errors(exc)
            return toast_for(exc)
        self._show(view)
        self.errors = errors
        if errors:
            return rx.toast.error(
                "Saved. Please correct the highlighted fields.", id="form-problem"
            )
        return rx.toast.success(f"{view.title} saved.", id="element-form-saved")
