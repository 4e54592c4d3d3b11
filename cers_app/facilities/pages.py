"""Facility pages: the add-facility wizard, the facility page and its two draft editors."""

from __future__ import annotations

import reflex as rx

from cers_app.core import routes
from cers_app.core.codes import COUNTIES
from cers_app.facilities import business_activities, owner_operator
from cers_app.facilities.business_activities import Question
from cers_app.facilities.owner_operator import Field, Group
from cers_app.facilities.state import (
    BACK,
    OUTCOMES,
    SAVE,
    STEP_NAMES,
    DraftFormsState,
    FacilityPageState,
    WizardState,
)
from cers_app.facilities.wizard import NEW_BUSINESS
from cers_app.organizations.roles import ROLE_DESCRIPTIONS, ROLE_LABELS, OrgRole
from cers_app.reports.print_panel import print_card
from cers_app.reports.print_state import BusinessPrintState
from cers_app.submittals.pages import annual_card, element_actions, submit_link
from cers_app.submittals.state import ElementActionsState, NoChangeState
from cers_app.ui.forms import ERROR_COLOR, select_field, submit_button, text_field
from cers_app.ui.layout import PageSpec, after_load, card, page_title, shell, small_link

COUNTY_OPTIONS = {str(code): name for code, name in COUNTIES.items()}
ROLE_OPTIONS = {role.value: ROLE_LABELS[role] for role in OrgRole}
INPUT_TYPES = {"phone": "tel", "email": "email", "date": "date"}
HMI_ELEMENT = 2  # core.codes.ELEMENTS: the Hazardous Materials Inventory links to its editor
# Each "same as" shortcut is offered in the group of the fields it fills in.
SHORTCUTS_BY_GROUP: dict[str, list[str]] = {}
for _key, (_, _, _targets) in owner_operator.SAME_AS.items():
    _group = next(g.key for g in owner_operator.GROUPS if _targets[0] in {f.key for f in g.fields})
    SHORTCUTS_BY_GROUP.setdefault(_group, []).append(_key)
WRAPPING = {
    "whiteSpace": "normal",
    "height": "auto",
    "minHeight": "32px",
    "textAlign": "left",
    "flexShrink": 1,
    "maxWidth": "100%",
}


def _error(errors: rx.Var, name: str, id: str) -> rx.Component:
    return rx.cond(
        errors.contains(name),
        rx.text(errors[name], id=f"{id}-error", size="2", color=ERROR_COLOR, role="alert"),
    )


def _linked_text(parts: rx.Var, id: str) -> rx.Component:
    """A message whose web addresses are links (parts from state.message_parts)."""
    return rx.text(
        rx.foreach(
            parts,
            lambda part: rx.cond(
                part["href"] != "",
                rx.link(part["text"], href=part["href"], is_external=True),
                rx.text.span(part["text"]),
            ),
        ),
        id=id,
        size="2",
        color=ERROR_COLOR,
        role="alert",
        style={"overflowWrap": "anywhere"},
    )


def _native_select(name: str, id: str, options: rx.Var, **props) -> rx.Component:
    """A native <select> of rows with "id" and "name" (options known only at run time)."""
    return rx.el.select(
        rx.el.option("Choose...", value=""),
        rx.foreach(options, lambda row: rx.el.option(row["name"], value=row["id"])),
        name=name,
        class_name="cers-select",
        custom_attrs={"id": id},
        **props,
    )


def _labelled(label: str, id: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(label, weight="medium", size="2"), html_for=id),
        control,
        spacing="1",
        width="100%",
        align="stretch",
    )


def _buttons(*children: rx.Component) -> rx.Component:
    return rx.flex(*children, spacing="3", wrap="wrap", justify="end", width="100%")


# ---------------------------------------------------------------- the wizard


def _stepper() -> rx.Component:
    steps = []
    for number, name in enumerate(STEP_NAMES, start=1):
        current = WizardState.step == number
        steps.append(
            rx.hstack(
                rx.badge(
                    str(number),
                    variant=rx.cond(current, "solid", "soft"),
                    color_scheme=rx.cond(
                        current, "teal", rx.cond(WizardState.step > number, "green", "gray")
                    ),
                    radius="full",
                ),
                rx.text(name, size="1", weight=rx.cond(current, "bold", "regular")),
                spacing="1",
                align="center",
                id=f"wizard-step-{number}",
                custom_attrs={"aria-current": rx.cond(current, "step", "false")},
            )
        )
    return rx.el.nav(
        rx.flex(*steps, spacing="3", wrap="wrap"),
        aria_label="Add Facility steps",
        id="wizard-stepper",
    )


def _site_step() -> rx.Component:
    errors, site = WizardState.errors, WizardState.site
    zip_message = rx.cond(
        errors.contains("zip_code"), _linked_text(WizardState.zip_problem, "wizard-site-zip-error")
    )
    return card(
        rx.heading("1. Site", size="4", as_="h2"),
        rx.text(
            "Where the facility is. OpenCERS checks that a regulator of this site covers the "
            "address and looks for facilities already reported there.",
            size="2",
        ),
        rx.form(
            rx.vstack(
                text_field(
                    "Facility name",
                    "name",
                    errors,
                    id="wizard-site-name",
                    default_value=site["name"],
                    max_length=70,
                    hint="The business's legal name or the name it does business under here.",
                ),
                text_field(
                    "Street address",
                    "street",
                    errors,
                    id="wizard-site-street",
                    default_value=site["street"],
                    max_length=70,
                    hint="Number and street, such as 1234 Main Street.",
                ),
                text_field(
                    "Supplemental location (optional)",
                    "supplemental",
                    errors,
                    id="wizard-site-supplemental",
                    default_value=site["supplemental"],
                    max_length=30,
                    hint="Suite, building or unit.",
                ),
                rx.grid(
                    text_field(
                        "City",
                        "city",
                        errors,
                        id="wizard-site-city",
                        default_value=site["city"],
                        max_length=60,
                    ),
                    text_field(
                        "ZIP code",
                        "zip_code",
                        errors,
                        id="wizard-site-zip",
                        default_value=site["zip_code"],
                        max_length=10,
                        message=zip_message,
                    ),
                    columns=rx.breakpoints(initial="1", sm="2"),
                    spacing="3",
                    width="100%",
                ),
                select_field(
                    "County",
                    "county",
                    COUNTY_OPTIONS,
                    errors,
                    id="wizard-site-county",
                    default_value=site["county"],
                ),
                text_field(
                    "EPA ID number (optional)",
                    "epa_id",
                    errors,
                    id="wizard-site-epa",
                    default_value=site["epa_id"],
                    max_length=12,
                    hint="12 letters and digits, such as CAL000123456.",
                ),
                submit_button("Next", id="wizard-site-next"),
                spacing="3",
            ),
            on_submit=WizardState.submit_site,
            id="wizard-site-form",
            key=WizardState.form_key,
        ),
    )


def _duplicate(row: rx.Var) -> rx.Component:
    fid = row["facility_id"]
    return rx.box(
        rx.vstack(
            rx.hstack(
                rx.text.strong(row["name"]),
                rx.badge("CERS ID ", row["cers_id"], variant="soft"),
                rx.badge(row["why"], color_scheme="amber"),
                wrap="wrap",
                align="center",
            ),
            rx.text(row["address"], size="2"),
            rx.flex(
                rx.button(
                    "Request access",
                    size="2",
                    variant="soft",
                    on_click=WizardState.choose(fid, "access"),
                    id="wizard-dup-access-" + fid,
                ),
                rx.cond(
                    WizardState.lead_businesses.length() > 0,
                    rx.button(
                        "Move it into my business",
                        size="2",
                        variant="soft",
                        on_click=WizardState.choose(fid, "move"),
                        id="wizard-dup-move-" + fid,
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
        ),
        id="wizard-dup-" + fid,
        class_name="cers-item",
    )


def _note(id: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text("Note (optional)", weight="medium", size="2"), html_for=id),
        rx.text_area(name="note", id=id, max_length=1000, width="100%"),
        spacing="1",
        width="100%",
    )


def _choice_buttons(mode: str) -> rx.Component:
    return _buttons(
        rx.button(
            "Cancel",
            type="button",
            variant="soft",
            on_click=WizardState.cancel_choice,
            id=f"wizard-{mode}-cancel",
        ),
        rx.button("Send request", type="submit", id=f"wizard-{mode}-submit"),
    )


def _chosen_panel() -> rx.Component:
    chosen, errors = WizardState.chosen, WizardState.errors
    access = rx.form(
        rx.vstack(
            rx.text(
                "Ask for access to ",
                rx.text.strong(chosen["name"]),
                " (CERS ID ",
                chosen["cers_id"],
                "). Its business's Lead Users (or its regulator) decide.",
                size="2",
            ),
            select_field("Permission group", "role", ROLE_OPTIONS, errors, id="wizard-access-role"),
            rx.el.ul(
                *[
                    rx.el.li(rx.text(rx.text.strong(ROLE_LABELS[r]), ": ", d, size="1"))
                    for r, d in ROLE_DESCRIPTIONS.items()
                ]
            ),
            _note("wizard-access-note"),
            _choice_buttons("access"),
            spacing="3",
        ),
        on_submit=WizardState.request_access,
        id="wizard-access-form",
    )
    move = rx.form(
        rx.vstack(
            rx.text(
                "Ask to move ",
                rx.text.strong(chosen["name"]),
                " (CERS ID ",
                chosen["cers_id"],
                ") into one of the businesses you lead. Its regulator decides unless you "
                "lead its business too.",
                size="2",
            ),
            _labelled(
                "Business",
                "wizard-move-business",
                _native_select("business", "wizard-move-business", WizardState.lead_businesses),
            ),
            _error(errors, "business", "wizard-move-business"),
            _note("wizard-move-note"),
            _choice_buttons("move"),
            spacing="3",
        ),
        on_submit=WizardState.take_ownership,
        id="wizard-move-form",
    )
    return card(
        rx.cond(chosen["mode"] == "access", access, move),
        id="wizard-choice",
    )


def _duplicates_step() -> rx.Component:
    return card(
        rx.heading("2. Possible duplicates", size="4", as_="h2"),
        rx.text(
            "These facilities are already in OpenCERS at this address or with this name in this "
            "ZIP code. If one of them is your site, ask for access to it or move it into your "
            "business instead of adding it twice.",
            size="2",
        ),
        rx.vstack(rx.foreach(WizardState.duplicates, _duplicate), spacing="3", width="100%"),
        rx.cond(WizardState.chosen.contains("mode"), _chosen_panel()),
        _buttons(
            _back_button(1),
            rx.button(
                "None of these: continue with a new facility",
                on_click=WizardState.continue_new,
                id="wizard-continue-new",
                style=WRAPPING,
            ),
        ),
        id="wizard-duplicates",
    )


def _back_button(step: int, id: str = "wizard-back") -> rx.Component:
    return rx.button("Back", type="button", variant="soft", on_click=WizardState.back(step), id=id)


def _business_option(row: rx.Var) -> rx.Component:
    return rx.el.option(row["name"] + " (" + row["role"] + ")", value=row["id"])


def _business_step() -> rx.Component:
    errors = WizardState.errors
    business_select = rx.el.select(
        rx.foreach(WizardState.businesses, _business_option),
        rx.el.option("New business", value=NEW_BUSINESS),
        name="business",
        class_name="cers-select",
        custom_attrs={"id": "wizard-business"},
        default_value=WizardState.business_choice,
        on_change=WizardState.choose_business,
    )
    new_business = rx.vstack(
        text_field(
            "New business name",
            "new_business_name",
            errors,
            id="wizard-new-business-name",
            max_length=100,
        ),
        text_field(
            "Headquarters (city or address)",
            "new_business_headquarters",
            errors,
            id="wizard-new-business-headquarters",
            max_length=75,
        ),
        rx.text("You become the new business's Lead User.", size="1", color_scheme="gray"),
        spacing="3",
        width="100%",
        # Hidden rather than left out: the form reads every field it was built with.
        display=rx.cond(WizardState.business_choice == NEW_BUSINESS, "flex", "none"),
    )
    return card(
        rx.heading("3. Name and business", size="4", as_="h2"),
        rx.text(
            WizardState.site["street"],
            ", ",
            WizardState.site["city"],
            " ",
            WizardState.site["zip_code"],
            size="2",
            color_scheme="gray",
            id="wizard-address",
        ),
        rx.form(
            rx.vstack(
                text_field(
                    "Facility name",
                    "name",
                    errors,
                    id="wizard-name",
                    default_value=WizardState.site["name"],
                    max_length=70,
                ),
                _labelled("Business the facility belongs to", "wizard-business", business_select),
                _error(errors, "business", "wizard-business"),
                new_business,
                rx.text(
                    "Confirming adds the facility to the business and gives it its CERS ID. "
                    "Its address can then change only through its Facility Information.",
                    size="2",
                ),
                _buttons(
                    _back_button(1),
                    rx.button("Confirm and add the facility", type="submit", id="wizard-confirm"),
                ),
                spacing="3",
            ),
            on_submit=WizardState.confirm,
            id="wizard-business-form",
            key=WizardState.form_key,
        ),
    )


def _outcome() -> rx.Component:
    return card(
        rx.callout(
            rx.match(
                WizardState.outcome,
                *OUTCOMES.items(),
                "This Add Facility is finished.",
            ),
            icon="circle-check",
            color_scheme="green",
            id="wizard-outcome",
        ),
        rx.flex(
            small_link("Go to your home page", routes.BUSINESS_HOME, "wizard-home"),
            small_link("Requests", routes.BUSINESS_REQUESTS, "wizard-requests"),
            spacing="4",
            wrap="wrap",
        ),
    )


def _wizard_body() -> rx.Component:
    return rx.cond(
        WizardState.outcome != "",
        _outcome(),
        rx.match(
            WizardState.step,
            (1, _site_step()),
            (2, _duplicates_step()),
            (3, _business_step()),
            (4, activities_section("wizard")),
            (5, owner_section("wizard")),
            rx.hstack(rx.spinner(), rx.text("Opening the facility page...", size="2")),
        ),
    )


def add_facility() -> rx.Component:
    ready = after_load(WizardState.loaded)
    return shell(
        page_title("Add Facility"),
        rx.cond(ready, rx.fragment(_stepper(), _wizard_body()), rx.spinner()),
    )


# ---------------------------------------------------------------- the draft forms


def _radio(prefix: str, question: Question, value: str, label: str) -> rx.Component:
    id = f"{prefix}-ba-{question.key}-{value}"
    return rx.el.label(
        rx.hstack(
            rx.el.input(
                type="radio",
                name=question.key,
                value=value,
                default_checked=DraftFormsState.answers[question.key] == value,
                on_change=DraftFormsState.answer(question.key, value),
                class_name="cers-checkbox",
                custom_attrs={"id": id},
            ),
            rx.text(label, size="2"),
            spacing="2",
            align="center",
        ),
        html_for=id,
    )


def _question(prefix: str, question: Question) -> rx.Component:
    errors = DraftFormsState.errors
    return rx.el.fieldset(
        rx.el.legend(
            rx.text(question.number, ". ", question.text, weight="medium", size="2"),
        ),
        rx.text(question.help, size="1", color_scheme="gray"),
        rx.hstack(
            _radio(prefix, question, "Y", "Yes"), _radio(prefix, question, "N", "No"), spacing="5"
        ),
        _error(errors, question.key, f"{prefix}-ba-{question.key}"),
        id=f"{prefix}-ba-{question.key}",
        class_name=rx.cond(errors.contains(question.key), "cers-item cers-invalid", "cers-item"),
    )


def _required_panel(prefix: str) -> rx.Component:
    return card(
        rx.heading("Required elements", size="3", as_="h3"),
        rx.text("What this facility reports, from the answers as given:", size="1"),
        rx.el.ul(
            rx.foreach(
                DraftFormsState.required,
                lambda row: rx.el.li(
                    rx.text(row["label"], size="2"), id=f"{prefix}-required-" + row["element"]
                ),
            ),
            style={"margin": 0},
        ),
        rx.cond(
            DraftFormsState.no_regulated,
            rx.callout(
                "Every answer is No: the facility will be reported as having no regulated "
                "activities, and its regulator is told.",
                icon="info",
                color_scheme="blue",
                size="1",
                id=f"{prefix}-no-regulated",
            ),
        ),
        id=f"{prefix}-required",
        style={"position": "sticky", "top": "12px"},
    )


def _site_field(prefix: str, key: str, max_length: int, required: bool) -> rx.Component:
    return text_field(
        business_activities.SITE_LABELS[key] + (" *" if required else ""),
        key,
        DraftFormsState.errors,
        id=f"{prefix}-ba-site-{key}",
        default_value=DraftFormsState.site[key],
        max_length=max_length,
    )


def _site_identification(prefix: str) -> rx.Component:
    """The facility's name, address and EPA ID as this Facility Information reports them (the
    wizard asked for them in its first step, so only the editor shows them)."""
    return rx.el.fieldset(
        rx.el.legend(rx.text("Site identification", weight="medium", size="3")),
        rx.text(business_activities.SITE_ACCEPTANCE_NOTE, size="1", color_scheme="gray"),
        rx.grid(
            *[_site_field(prefix, *field) for field in business_activities.SITE_INPUTS],
            columns=rx.breakpoints(initial="1", sm="2"),
            spacing="3",
            width="100%",
        ),
        id=f"{prefix}-ba-site",
        class_name="cers-item",
    )


def activities_section(prefix: str) -> rx.Component:
    """Business Activities: in the wizard (prefix "wizard") Next goes on to step 5; in the
    editor (prefix "facility") Save returns to the facility page."""
    in_wizard = prefix == "wizard"
    errors = DraftFormsState.errors
    form = rx.form(
        rx.vstack(
            *([] if in_wizard else [_site_identification(prefix)]),
            *[_question(prefix, q) for q in business_activities.QUESTIONS],
            rx.vstack(
                rx.el.label(
                    rx.text("Comments (optional)", weight="medium", size="2"),
                    html_for=f"{prefix}-ba-comments",
                ),
                rx.text_area(
                    name="Comments",
                    id=f"{prefix}-ba-comments",
                    default_value=DraftFormsState.comments,
                    max_length=business_activities.COMMENTS_MAX,
                    width="100%",
                ),
                _error(errors, "Comments", f"{prefix}-ba-comments"),
                spacing="1",
                width="100%",
            ),
            _buttons(
                rx.button(
                    "Next" if in_wizard else "Save",
                    type="submit",
                    size="3",
                    id=f"{prefix}-ba-{'next' if in_wizard else 'save'}",
                )
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=DraftFormsState.save_activities,
        id=f"{prefix}-ba-form",
        key=DraftFormsState.form_key,
    )
    return rx.grid(
        card(
            rx.heading("4. Business Activities" if in_wizard else "Answers", size="4", as_="h2"),
            rx.text(
                "Answer each question for this facility. The answers decide which submittal "
                "elements it must report.",
                size="2",
            ),
            form,
        ),
        rx.box(_required_panel(prefix)),
        columns=rx.breakpoints(initial="1", md="3fr 2fr"),
        spacing="4",
        width="100%",
    )


def _owner_field(prefix: str, field: Field) -> rx.Component:
    return text_field(
        field.label + (" *" if field.required else ""),
        field.key,
        DraftFormsState.errors,
        id=f"{prefix}-oo-{field.key}",
        type=INPUT_TYPES.get(field.kind, "text"),
        default_value=DraftFormsState.owner[field.key],
        max_length=max(field.max_length, 40) if field.kind == "phone" else field.max_length,
    )


def _same_as_button(prefix: str, shortcut: str) -> rx.Component:
    return rx.button(
        owner_operator.SAME_AS[shortcut][0],
        type="submit",
        size="1",
        variant="soft",
        on_click=DraftFormsState.intend(shortcut),
        id=f"{prefix}-oo-same-{shortcut}",
        style=WRAPPING,
    )


def _owner_group(prefix: str, group: Group) -> rx.Component:
    shortcuts = [_same_as_button(prefix, s) for s in SHORTCUTS_BY_GROUP.get(group.key, [])]
    return rx.el.fieldset(
        rx.el.legend(rx.heading(group.title, size="3", as_="h3")),
        rx.vstack(
            *([rx.flex(*shortcuts, spacing="2", wrap="wrap")] if shortcuts else []),
            rx.grid(
                *[_owner_field(prefix, f) for f in group.fields],
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        id=f"{prefix}-oo-group-{group.key}",
        class_name="cers-item",
    )


def owner_section(prefix: str) -> rx.Component:
    """Owner/Operator Identification, grouped; the "same as" buttons copy fields at once."""
    in_wizard = prefix == "wizard"
    save = rx.button(
        "Next" if in_wizard else "Save",
        type="submit",
        size="3",
        on_click=DraftFormsState.intend(SAVE),
        id=f"{prefix}-oo-{'next' if in_wizard else 'save'}",
    )
    back = rx.button(
        "Back",
        type="submit",
        size="3",
        variant="soft",
        on_click=DraftFormsState.intend(BACK),
        id=f"{prefix}-oo-back",
    )
    return card(
        rx.heading(
            "5. Owner/Operator Identification" if in_wizard else "Owner/Operator Identification",
            size="4",
            as_="h2",
        ),
        rx.text(
            "Fields marked * are required. Phone numbers, email addresses, states and ZIP "
            "codes are checked when you save; what you typed is kept either way.",
            size="2",
        ),
        rx.form(
            # Pressing Enter in a field clicks the form's first submit button: make it Save.
            rx.el.button(
                "Save",
                type="submit",
                tab_index=-1,
                aria_hidden="true",
                on_click=DraftFormsState.intend(SAVE),
                class_name="cers-default-submit",
            ),
            rx.vstack(
                *[_owner_group(prefix, g) for g in owner_operator.GROUPS],
                _buttons(back, save) if in_wizard else _buttons(save),
                spacing="4",
                width="100%",
            ),
            on_submit=DraftFormsState.save_owner,
            id=f"{prefix}-oo-form",
            key=DraftFormsState.form_key,
            no_validate=True,
        ),
    )


def _editor_heading(title: str) -> rx.Component:
    facility = DraftFormsState.facility
    return rx.vstack(
        page_title(title),
        rx.text(
            rx.text.strong(facility["name"]),
            " · CERS ID ",
            facility["cers_id"],
            size="2",
            id="facility-form-facility",
        ),
        rx.callout(
            "You are editing the draft of this facility's Facility Information. The facility "
            "record (its name, address and EPA ID) changes only when its regulator accepts a "
            "submitted Facility Information.",
            icon="info",
            color_scheme="blue",
            size="1",
            id="facility-draft-note",
        ),
        rx.link(
            "Back to the facility",
            href=routes.FACILITY + "?id=" + facility["id"],
            id="facility-form-back",
            size="2",
        ),
        spacing="2",
    )


def edit_activities() -> rx.Component:
    ready = after_load(DraftFormsState.loaded)
    return shell(
        rx.cond(
            ready,
            rx.fragment(_editor_heading("Business Activities"), activities_section("facility")),
            rx.spinner(),
        )
    )


def edit_owner() -> rx.Component:
    ready = after_load(DraftFormsState.loaded)
    return shell(
        rx.cond(
            ready,
            rx.fragment(
                _editor_heading("Owner/Operator Identification"), owner_section("facility")
            ),
            rx.spinner(),
        )
    )


# ---------------------------------------------------------------- the facility page


def _fact(label: str, value: rx.Var, id: str) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size="2", weight="medium", id=id),
        spacing="0",
    )


def _inventory_link() -> rx.Component:
    """The Hazardous Materials Inventory row opens the inventory (cers_app/inventory/pages.py)."""
    return rx.link(
        rx.button("Inventory", variant="soft", size="2"),
        href=routes.FACILITY_INVENTORY + "?id=" + FacilityPageState.facility["id"],
        id="facility-inventory-link",
        width="fit-content",
    )


def _element(row: rx.Var) -> rx.Component:
    required = row["required"] == "yes"
    return rx.box(
        rx.vstack(
            rx.flex(
                rx.text.strong(row["label"]),
                rx.badge(
                    row["requirement"],
                    color_scheme=rx.cond(required, "red", "gray"),
                    id="facility-element-requirement-" + row["element"],
                ),
                rx.badge(row["status"], variant="outline"),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(row["why"], size="1", color_scheme="gray"),
            rx.cond(
                required,
                rx.flex(
                    rx.text("Regulator: ", row["regulator"], size="1"),
                    rx.text("Next due: ", row["next_due"], size="1"),
                    spacing="4",
                    wrap="wrap",
                ),
            ),
            rx.cond(
                row["comments"] != "",
                rx.text("Regulator comments: ", row["comments"], size="1"),
            ),
            rx.cond(row["element"] == str(HMI_ELEMENT), _inventory_link()),
            element_actions(row),
            spacing="1",
        ),
        id="facility-element-" + row["element"],
        class_name="cers-item",
        custom_attrs={"data-required": row["required"]},
    )


def _facility_card() -> rx.Component:
    facility = FacilityPageState.facility
    return card(
        rx.grid(
            _fact("CERS ID", facility["cers_id"], "facility-cers-id"),
            _fact(
                "Address",
                facility["street"]
                + rx.cond(facility["supplemental"] != "", ", " + facility["supplemental"], "")
                + ", "
                + facility["city_zip"],
                "facility-address",
            ),
            _fact("County", facility["county"], "facility-county"),
            _fact("EPA ID number", facility["epa_id"], "facility-epa-id"),
            _fact("Business", facility["business"], "facility-business"),
            _fact("Your role", facility["role"], "facility-role"),
            columns=rx.breakpoints(initial="1", sm="2", md="3"),
            spacing="4",
            width="100%",
        ),
        rx.text(
            "This is the facility record. Its name, address and EPA ID change only when the "
            "regulator accepts a Facility Information submittal; changes you make in the forms "
            "below stay in the draft until then.",
            size="1",
            color_scheme="gray",
            id="facility-record-note",
        ),
    )


def _facility_actions() -> rx.Component:
    facility_id = FacilityPageState.facility["id"]
    return rx.cond(
        FacilityPageState.can_edit,
        rx.flex(
            rx.link(
                rx.button("Edit Business Activities", variant="soft"),
                href=routes.FACILITY_ACTIVITIES + "?id=" + facility_id,
                id="facility-edit-activities",
            ),
            rx.link(
                rx.button("Edit Owner/Operator Identification", variant="soft", style=WRAPPING),
                href=routes.FACILITY_OWNER + "?id=" + facility_id,
                id="facility-edit-owner",
            ),
            rx.cond(
                FacilityPageState.can_manage,
                rx.link(
                    rx.button("Manage facility", variant="soft", color_scheme="gray"),
                    href=routes.FACILITY_MANAGE + "?id=" + facility_id,
                    id="facility-manage",
                ),
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.text(
            "Your role (",
            FacilityPageState.facility["role"],
            ") lets you view this facility but not change it.",
            size="2",
            color_scheme="gray",
            id="facility-read-only",
        ),
    )


def facility_page() -> rx.Component:
    ready = after_load(FacilityPageState.loaded)
    body = rx.fragment(
        page_title(FacilityPageState.facility["name"]),
        _facility_card(),
        rx.cond(
            FacilityPageState.no_regulated,
            rx.callout(
                "The Business Activities say this facility has no regulated activities: it is "
                "reported as such to its regulator.",
                icon="info",
                color_scheme="blue",
                id="facility-no-regulated",
            ),
        ),
        _facility_actions(),
        card(
            rx.flex(
                rx.heading("Submittal elements", size="4", as_="h2"),
                submit_link(),
                justify="between",
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            rx.vstack(
                rx.foreach(FacilityPageState.elements, _element),
                spacing="2",
                width="100%",
                id="facility-elements",
            ),
        ),
        annual_card(),
        print_card(BusinessPrintState),
        rx.cond(
            FacilityPageState.can_read_history,
            rx.link(
                "History: who changed what",
                href=routes.FACILITY_HISTORY + "?id=" + FacilityPageState.facility["id"],
                size="2",
                id="facility-history",
            ),
        ),
        small_link("Back to home", routes.BUSINESS_HOME, "facility-home"),
    )
    return shell(rx.cond(ready, body, rx.spinner()))


PAGES = [
    PageSpec(routes.FACILITY_ADD, add_facility, "Add Facility", (WizardState.load,)),
    PageSpec(
        routes.FACILITY,
        facility_page,
        "Facility",
        (
            FacilityPageState.load,
            ElementActionsState.load,
            NoChangeState.load,
            BusinessPrintState.load,
        ),
    ),
    PageSpec(
        routes.FACILITY_ACTIVITIES,
        edit_activities,
        "Business Activities",
        (DraftFormsState.load_editor,),
    ),
    PageSpec(
        routes.FACILITY_OWNER,
        edit_owner,
        "Owner/Operator Identification",
        (DraftFormsState.load_editor,),
    ),
]
