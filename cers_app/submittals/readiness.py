"""What stops an element version from being submitted: its Required findings.

Facility Information needs every Business Activities question answered and a valid
Owner/Operator Identification; the inventory needs no Required finding on any row; an
element with a structured form (APSA, UST) needs it filled in without problems, and its
records (UST tanks with their monitoring plans, installation certifications) complete; every
required document slot needs an answer that is complete for its source.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, func

from cers_app.core.codes import FACILITY_INFORMATION
from cers_app.facilities import business_activities, owner_operator
from cers_app.facilities.models import ElementVersion
from cers_app.inventory.models import InventoryFinding
from cers_app.inventory.rules import REQUIRED
from cers_app.submittals import documents, element_forms, element_records

HMI = 2
# CERS 1001 MissingForm: a form the element needs was never filled in.
MISSING_FORM = "1001"


@dataclass(frozen=True)
class Blocker:
    """One reason the version cannot be submitted yet, with where to fix it."""

    code: str
    message: str


def _facility_information(version: ElementVersion) -> list[Blocker]:
    data = version.data or {}
    answers = {k: str(v) for k, v in data.get("business_activities", {}).items()}
    blockers = []
    missing = business_activities.unanswered(answers)
    if missing:
        blockers.append(
            Blocker(
                "1018",
                f"Business Activities: {len(missing)} question(s) not answered. Answer every "
                "question Yes or No.",
            )
        )
    values = {k: str(v) for k, v in data.get("owner_operator", {}).items()}
    _, errors = owner_operator.check(values)
    for key, error in errors.items():
        field = owner_operator.FIELDS.get(key)
        label = field.label if field else key
        blockers.append(Blocker("1018", f"Owner/Operator Identification, {label}: {error}"))
    return blockers


def _element_form(form: element_forms.FormDef, version: ElementVersion) -> list[Blocker]:
    if element_forms.DATA_KEY not in (version.data or {}):
        return [
            Blocker(
                MISSING_FORM,
                f"The {form.title} form is not filled in yet. Open it with Form on the facility "
                "page.",
            )
        ]
    values = element_forms.stored_values(form, version.data)
    _, errors = element_forms.check(form, values)
    return [
        Blocker(
            element_forms.problem_code(field, values[field.key]),
            f"{form.title}, {field.label}: {errors[field.key]}",
        )
        for field in form.fields
        if field.key in errors
    ]


def _inventory(session: Session, version: ElementVersion) -> list[Blocker]:
    required = session.execute(
        sa.select(func.count()).where(
            InventoryFinding.element_version_id == version.id, InventoryFinding.level == REQUIRED
        )
    ).scalar_one()
    if not required:
        return []
    return [
        Blocker(
            "1028",
            f"{required} Required finding(s) on its materials. Fix them in the inventory "
            "(rows marked Required).",
        )
    ]


def blockers(session: Session, version: ElementVersion) -> list[Blocker]:
    """Every Required finding of the version (empty: it may be submitted)."""
    assert version.id is not None
    found: list[Blocker] = []
    if version.element == FACILITY_INFORMATION:
        found += _facility_information(version)
    if version.element == HMI:
        found += _inventory(session, version)
    form = element_forms.form_for(version.element)
    if form is not None:
        found += _element_form(form, version)
    for record in element_records.findings(version.element, version.data):
        found.append(Blocker(record.code, record.message))
    for finding in documents.version_document_findings(session, version.id):
        found.append(Blocker(str(finding.code), finding.message))
    return found
