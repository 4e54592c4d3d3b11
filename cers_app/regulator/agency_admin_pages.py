"""The Agency administration page: profile and public contacts, jurisdiction per element,
local requirements per element and inventory settings of one agency (Agency Admins only)."""

from __future__ import annotations

import reflex as rx

from cers_app.agencies.admin_jurisdiction import NEW_FACILITIES_ONLY
from cers_app.agencies.element_settings import TEXT_MAX
from cers_app.core import routes
from cers_app.core.codes import ELEMENTS, element_label
from cers_app.inventory import agency_settings
from cers_app.regulator.agency_admin_state import AgencyAdminState as S
from cers_app.ui.forms import ERROR_COLOR, field_error
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell

ELEMENT_OPTIONS = {str(e): f"{e}. {element_label(e)}" for e in ELEMENTS}
THRESHOLD_LABELS = {
    "local_liquid_gal": "Local threshold for liquids (gallons)",
    "local_solid_lb": "Local threshold for solids (pounds)",
    "local_gas_ft3": "Local threshold for gases (cubic feet)",
}
LEVEL_LABELS = {
    "location_level": "A missing chemical location",
    "container_level": "A missing storage container",
    "gas_gallons_level": "A gas reported in gallons",
}


def _invalid(key: str) -> rx.Var:
    return rx.cond(S.errors.contains(key), "true", "false")


def _label(text: str, id: str) -> rx.Component:
    return rx.el.label(rx.text(text, weight="medium", size="2"), html_for=id)


def _input(label: str, key: str, name: str, value: rx.Var, id: str, **props) -> rx.Component:
    return rx.vstack(
        _label(label, id),
        rx.input(
            name=name,
            id=id,
            default_value=value,
            width="100%",
            color_scheme=rx.cond(S.errors.contains(key), "red", "gray"),
            aria_invalid=_invalid(key),
            **props,
        ),
        field_error(S.errors, key, id),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _checkbox(label: str, name: str, checked: rx.Var, id: str) -> rx.Component:
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="checkbox",
                name=name,
                default_checked=checked,
                class_name="cers-checkbox",
                custom_attrs={"id": id},
            ),
            rx.text(label, size="2"),
            spacing="2",
            align="start",
        ),
        html_for=id,
    )


def _select(
    label: str, key: str, name: str, options: rx.Component, id: str, value=""
) -> rx.Component:
    return rx.vstack(
        _label(label, id),
        rx.el.select(
            options,
            name=name,
            id=id,
            default_value=value,
            class_name="cers-select",
            aria_invalid=_invalid(key),
        ),
        field_error(S.errors, key, id),
        spacing="1",
        width="100%",
        align="stretch",
    )


def _row(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, spacing="3", wrap="wrap", width="100%")


def _button(label: str, id: str, **props) -> rx.Component:
    return rx.button(label, id=id, **props)


# ------------------------------------------------------------------ chooser


def _chooser() -> rx.Component:
    return rx.cond(
        S.agencies.length() > 1,
        rx.vstack(
            _label("Agency to administer", "agency-choose"),
            rx.el.select(
                rx.foreach(S.agencies, lambda a: rx.el.option(a["label"], value=a["id"])),
                id="agency-choose",
                value=S.agency["id"],
                on_change=S.choose_agency,
                class_name="cers-select",
            ),
            spacing="1",
            width="100%",
        ),
    )


# ------------------------------------------------------------------ profile and contacts


def _profile() -> rx.Component:
    p = S.profile
    return card(
        rx.heading("Profile", size="5", as_="h2"),
        rx.text(
            S.agency["kind_label"],
            " · regulator code ",
            S.agency["code"],
            rx.cond(S.agency["parent"] != "", rx.fragment(" · under ", S.agency["parent"])),
            size="2",
            color_scheme="gray",
        ),
        rx.form(
            rx.vstack(
                _row(
                    rx.box(
                        _input("Phone", "profile.phone", "phone", p["phone"], "agency-phone"),
                        flex="1 1 200px",
                    ),
                    rx.box(
                        _input("Email", "profile.email", "email", p["email"], "agency-email"),
                        flex="1 1 200px",
                    ),
                ),
                _input(
                    "Website",
                    "profile.website",
                    "website",
                    p["website"],
                    "agency-website",
                    placeholder="https://",
                ),
                _input(
                    "Address",
                    "profile.address",
                    "address",
                    p["address"],
                    "agency-address",
                    max_length=200,
                ),
                _checkbox(
                    "Lead User access requests need our verification",
                    "verify_lead_access",
                    p["verify_lead_access"] == "yes",
                    "agency-verify-lead",
                ),
                _button("Save profile", "agency-profile-save", type="submit"),
                spacing="3",
                width="100%",
                align="stretch",
            ),
            on_submit=S.save_profile,
            key=S.form_key.to_string() + "-profile",
            id="agency-profile-form",
        ),
    )


def _contact_form() -> rx.Component:
    c = S.contact_form
    return rx.form(
        rx.el.input(type="hidden", name="contact_id", value=S.editing_contact),
        rx.vstack(
            _row(
                rx.box(
                    _input(
                        "Name", "contact.name", "name", c["name"], "contact-name", max_length=80
                    ),
                    flex="1 1 200px",
                ),
                rx.box(
                    _input(
                        "Title",
                        "contact.title",
                        "title",
                        c["title"],
                        "contact-title",
                        max_length=80,
                    ),
                    flex="1 1 200px",
                ),
            ),
            _row(
                rx.box(
                    _input("Phone", "contact.phone", "phone", c["phone"], "contact-phone"),
                    flex="1 1 200px",
                ),
                rx.box(
                    _input("Email", "contact.email", "email", c["email"], "contact-email"),
                    flex="1 1 200px",
                ),
            ),
            _checkbox(
                "Show in the public regulators directory",
                "public",
                c["public"] == "yes",
                "contact-public",
            ),
            rx.flex(
                _button("Save contact", "contact-save", type="submit"),
                _button(
                    "Cancel",
                    "contact-cancel",
                    type="button",
                    variant="soft",
                    on_click=S.cancel_contact,
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
            align="stretch",
        ),
        on_submit=S.save_contact,
        key=S.form_key.to_string() + "-contact-" + S.editing_contact,
        id="contact-form",
    )


def _contact(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.text.strong(row["name"]),
                rx.cond(row["title"] != "", rx.text(row["title"], size="2")),
                rx.cond(
                    row["public"] == "yes",
                    rx.badge("Public", color_scheme="green"),
                    rx.badge("Not public", color_scheme="gray"),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(row["phone"], " ", row["email"], size="2", style={"overflowWrap": "anywhere"}),
            rx.flex(
                _button(
                    "Edit",
                    "contact-edit-" + row["id"],
                    size="1",
                    variant="soft",
                    on_click=S.edit_contact(row["id"]),
                ),
                _button(
                    "Remove",
                    "contact-remove-" + row["id"],
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.remove_contact(row["id"]),
                ),
                spacing="2",
            ),
            spacing="1",
            align="stretch",
        ),
        class_name="cers-item",
        id="contact-" + row["id"],
    )


def _contacts() -> rx.Component:
    return card(
        rx.heading("Contacts", size="5", as_="h2"),
        rx.text(
            "People businesses can contact at the agency; public ones are listed in the "
            "regulators directory.",
            size="2",
        ),
        rx.cond(
            S.contacts.length() > 0,
            rx.vstack(rx.foreach(S.contacts, _contact), spacing="2", width="100%", id="contacts"),
            rx.text("No contacts yet.", size="2", color_scheme="gray", id="contacts-none"),
        ),
        rx.cond(
            S.editing_contact != "",
            _contact_form(),
            _button("Add a contact", "contact-add", variant="soft", on_click=S.edit_contact("new")),
        ),
    )


# ------------------------------------------------------------------ jurisdiction


def _element_options() -> list[rx.Component]:
    return [rx.el.option(text, value=value) for value, text in ELEMENT_OPTIONS.items()]


def _rule(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.flex(
            rx.vstack(
                rx.text(rx.text.strong(row["element"], ". ", row["label"]), size="2"),
                rx.text(
                    "ZIP ",
                    row["zip"],
                    rx.cond(row["city"] != "", rx.fragment(" · ", row["city"]), " · whole ZIP"),
                    " · ",
                    row["agency"],
                    size="2",
                ),
                spacing="0",
                min_width="0",
                flex="1 1 200px",
            ),
            _button(
                "Remove",
                "rule-remove-" + row["id"],
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=S.remove_rule(row["id"]),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
            justify="between",
        ),
        class_name="cers-item",
        id="rule-" + row["id"],
    )


def _rule_filter() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.el.select(
                rx.el.option("Every element", value=""),
                *_element_options(),
                name="element",
                id="rule-filter-element",
                default_value=S.rule_filter,
                class_name="cers-select",
                aria_label="Show the rules of one element",
                style={"flex": "1 1 200px", "width": "auto", "minWidth": 0, "maxWidth": "100%"},
            ),
            _button("Show", "rule-filter-go", type="submit", variant="soft"),
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        on_submit=S.filter_rules,
        key=S.form_key.to_string() + "-filter",
        id="rule-filter-form",
    )


def _add_rule() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Add a rule", size="3", as_="h3"),
            _select(
                "Element",
                "rule.element",
                "element",
                rx.fragment(rx.el.option("Choose...", value=""), *_element_options()),
                "rule-element",
            ),
            _row(
                rx.box(
                    _input(
                        "ZIP code",
                        "rule.zip_code",
                        "zip_code",
                        "",
                        "rule-zip",
                        max_length=5,
                        input_mode="numeric",
                    ),
                    flex="1 1 120px",
                ),
                rx.box(
                    _input(
                        "City (only this city of the ZIP; optional)",
                        "rule.city",
                        "city",
                        "",
                        "rule-city",
                        max_length=60,
                    ),
                    flex="2 1 200px",
                ),
            ),
            _select(
                "Agency",
                "rule.agency",
                "agency",
                rx.foreach(S.assign_to, lambda a: rx.el.option(a["label"], value=a["id"])),
                "rule-agency",
                value=S.agency["id"],
            ),
            _button("Add rule", "rule-add", type="submit"),
            spacing="3",
            width="100%",
            align="stretch",
        ),
        on_submit=S.add_rule,
        key=S.form_key.to_string() + "-rule",
        id="rule-form",
    )


def _import() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Import rules from CSV", size="3", as_="h3"),
            rx.text(
                "Paste the rows with a header line: agency_code,element,zip,city (element 1-10 "
                "or all; city may be empty). Every row must be for this agency or one of its "
                "participating agencies. Nothing is added unless every row is right.",
                size="2",
            ),
            rx.el.textarea(
                name="csv",
                id="rule-csv",
                rows="5",
                placeholder="agency_code,element,zip,city",
                class_name="cers-input",
                aria_invalid=_invalid("csv.csv"),
                style={"width": "100%", "fontFamily": "monospace"},
            ),
            rx.cond(
                S.errors.contains("csv.csv"),
                rx.text(
                    S.errors["csv.csv"],
                    id="rule-csv-error",
                    size="2",
                    color=ERROR_COLOR,
                    role="alert",
                    style={"whiteSpace": "pre-wrap"},
                ),
            ),
            rx.cond(
                S.import_result != "",
                rx.text(S.import_result, size="2", id="rule-csv-result", role="status"),
            ),
            _button("Import rules", "rule-import", type="submit", variant="soft"),
            spacing="2",
            width="100%",
            align="stretch",
        ),
        on_submit=S.import_rules,
        key=S.form_key.to_string() + "-csv",
        id="rule-csv-form",
    )


def _jurisdiction() -> rx.Component:
    return card(
        rx.heading("Jurisdiction", size="5", as_="h2"),
        rx.text(
            "Which agency regulates each submittal element in a ZIP code (or one city of it).",
            size="2",
        ),
        rx.callout(NEW_FACILITIES_ONLY, icon="info", size="1", id="rules-new-only"),
        _rule_filter(),
        rx.text(
            S.rules_total,
            " rules",
            rx.cond(
                S.rules_total > S.rules.length(),
                rx.fragment(" (the first ", S.rules.length(), " shown)"),
            ),
            size="2",
            id="rules-total",
        ),
        rx.vstack(
            rx.foreach(S.rules, _rule),
            spacing="2",
            width="100%",
            id="rules",
            style={"maxHeight": "480px", "overflowY": "auto"},
        ),
        _add_rule(),
        _import(),
    )


# ------------------------------------------------------------------ element settings


def _element_form(row: rx.Var) -> rx.Component:
    id = "element-" + row["element"]
    return rx.form(
        rx.el.input(type="hidden", name="element", value=row["element"]),
        rx.vstack(
            rx.el.label(
                rx.text("Local requirements shown to businesses", size="2", weight="medium"),
                html_for=id + "-text",
            ),
            rx.el.textarea(
                name="local_requirements",
                id=id + "-text",
                default_value=row["text"],
                rows="5",
                max_length=TEXT_MAX,
                class_name="cers-input",
                aria_invalid=_invalid("element.local_requirements"),
                style={"width": "100%"},
            ),
            rx.cond(
                S.errors.contains("element.local_requirements"),
                rx.text(
                    S.errors["element.local_requirements"],
                    id=id + "-text-error",
                    size="2",
                    color=ERROR_COLOR,
                    role="alert",
                ),
            ),
            rx.text(f"At most {TEXT_MAX:,} characters.", size="1", color_scheme="gray"),
            _checkbox(
                "The Locally Required Document must be provided (it blocks submitting until it is)",
                "local_document_required",
                row["required"] == "yes",
                id + "-required",
            ),
            rx.flex(
                _button("Save", id + "-save", type="submit"),
                _button(
                    "Cancel",
                    id + "-cancel",
                    type="button",
                    variant="soft",
                    on_click=S.cancel_element,
                ),
                spacing="2",
            ),
            spacing="2",
            width="100%",
            align="stretch",
        ),
        on_submit=S.save_element,
        key=S.form_key.to_string() + "-element-" + row["element"],
        id=id + "-form",
        width="100%",
    )


def _element(row: rx.Var) -> rx.Component:
    id = "element-" + row["element"]
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.text.strong(row["element"], ". ", row["label"]),
                rx.cond(
                    row["required"] == "yes",
                    rx.badge("Local document required", color_scheme="red", id=id + "-badge"),
                ),
                rx.cond(
                    row["inherited_from"] != "",
                    rx.badge("From ", row["inherited_from"], color_scheme="gray"),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.cond(
                S.editing_element == row["element"],
                _element_form(row),
                rx.fragment(
                    rx.text(
                        rx.cond(row["text"] != "", row["text"], "No local requirements."),
                        size="2",
                        color_scheme=rx.cond(row["text"] != "", "gray", "gray"),
                        id=id + "-shown",
                        style={"whiteSpace": "pre-wrap", "overflowWrap": "anywhere"},
                    ),
                    _button(
                        "Edit",
                        id + "-edit",
                        size="1",
                        variant="soft",
                        on_click=S.edit_element(row["element"]),
                    ),
                ),
            ),
            spacing="2",
            align="stretch",
        ),
        class_name="cers-item",
        id=id,
    )


def _elements() -> rx.Component:
    return card(
        rx.heading("Local requirements per element", size="5", as_="h2"),
        rx.text(
            "Shown to businesses on the element's draft. A participating agency without its own "
            "follows its CUPA's.",
            size="2",
        ),
        rx.vstack(rx.foreach(S.elements, _element), spacing="2", width="100%", id="elements"),
    )


# ------------------------------------------------------------------ inventory settings


def _inventory() -> rx.Component:
    inv = S.inventory
    levels = [
        rx.box(
            _select(
                label,
                "inventory." + key,
                key,
                rx.fragment(
                    *[
                        rx.el.option(text, value=value)
                        for value, text in agency_settings.level_choices()
                    ]
                ),
                "inventory-" + key.replace("_", "-"),
                value=inv[key],
            ),
            flex="1 1 200px",
        )
        for key, label in LEVEL_LABELS.items()
    ]
    thresholds = [
        rx.box(
            _input(
                label,
                "inventory." + key,
                key,
                inv[key],
                "inventory-" + key.replace("_", "-"),
                input_mode="decimal",
            ),
            flex="1 1 200px",
        )
        for key, label in THRESHOLD_LABELS.items()
    ]
    return card(
        rx.heading("Inventory settings", size="5", as_="h2"),
        rx.cond(
            S.inventory_note != "",
            rx.text(S.inventory_note, size="2", id="inventory-note"),
            rx.form(
                rx.vstack(
                    rx.cond(
                        inv["inherited_from"] != "",
                        rx.text(
                            "Inherited from ",
                            inv["inherited_from"],
                            ": saving gives the agency settings of its own.",
                            size="2",
                            id="inventory-inherited",
                        ),
                    ),
                    rx.text("How each finding counts in the inventory:", size="2"),
                    _row(*levels),
                    rx.text("Lower local reporting thresholds (empty: the state's):", size="2"),
                    _row(*thresholds),
                    _button("Save inventory settings", "inventory-save", type="submit"),
                    spacing="3",
                    width="100%",
                    align="stretch",
                ),
                on_submit=S.save_inventory,
                key=S.form_key.to_string() + "-inventory",
                id="inventory-form",
            ),
        ),
    )


# ------------------------------------------------------------------ the page


def agency_admin_page() -> rx.Component:
    body = rx.cond(
        S.allowed & (S.agency["id"] != ""),
        rx.fragment(
            _chooser(),
            rx.heading(S.agency["name"], size="6", as_="h2", id="agency-name"),
            _profile(),
            _contacts(),
            _jurisdiction(),
            _elements(),
            _inventory(),
        ),
        rx.cond(
            S.allowed,
            rx.fragment(_chooser(), rx.text("Choose an agency.", size="2")),
            rx.text(
                "Only an Agency Admin can administer an agency.",
                size="2",
                id="agency-admin-refused",
            ),
        ),
    )
    return shell(
        page_title("Agency administration"),
        rx.link("Regulator Portal", href=routes.REGULATOR_HOME, id="regulator-home-link", size="2"),
        rx.cond(after_load(S.loaded), body, rx.spinner()),
    )


PAGES = [
    PageSpec(routes.REGULATOR_AGENCY, agency_admin_page, "Agency administration", (S.load,)),
]
