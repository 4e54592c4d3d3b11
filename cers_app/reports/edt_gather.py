"""Reading a facility's latest submittal out of the database as `edt_model` data: for each
element its last submitted version, with its documents, files and inventory rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from cers_app.accounts.models import User
from cers_app.agencies.models import Agency
from cers_app.core import storage
from cers_app.core.codes import DRAFT, SUBMITTED
from cers_app.core.storage import StoredFile
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.inventory.models import InventoryItem
from cers_app.reports.edt_model import (
    EDT_KEY,
    ELEMENT_TAGS,
    EdtAction,
    EdtDocument,
    EdtElement,
    EdtFacility,
    EdtFile,
    stable_key,
)
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from cers_app.submittals.document_views import ANSWER_FIELDS

HMI = 2
SITE_KEYS = ("name", "street", "supplemental", "city", "zip_code", "county", "epa_id")
# Which versions an export may carry (the regulator's variant narrows it to its reach).
VersionFilter = Callable[[ElementVersion], bool]


def _latest(session: Session, slot: FacilityElement) -> ElementVersion | None:
    if slot.last_submitted_version_id is not None:
        version = session.get(ElementVersion, slot.last_submitted_version_id)
        if version is not None and version.status != DRAFT:
            return version
    return session.exec(
        select(ElementVersion)
        .where(
            ElementVersion.facility_id == slot.facility_id,
            ElementVersion.element == slot.element,
            ElementVersion.status != DRAFT,
        )
        .order_by(col(ElementVersion.submitted_at).desc(), col(ElementVersion.id).desc())
    ).first()


def _user(session: Session, user_id: int | None) -> User | None:
    return session.get(User, user_id) if user_id is not None else None


def _regulator_code(session: Session, version: ElementVersion, slot: FacilityElement) -> int | None:
    agency_id = version.agency_id or slot.agency_id
    agency = session.get(Agency, agency_id) if agency_id is not None else None
    if agency is not None:
        return agency.code
    code = str((version.data.get(EDT_KEY) or {}).get("RegulatorCode", ""))
    return int(code) if code.isdigit() else None


def _action(session: Session, version: ElementVersion) -> EdtAction | None:
    """The regulator's action; without a known reviewer, the agency stands in as the agent."""
    if version.status == SUBMITTED:
        return None
    kept = version.data.get(EDT_KEY) or {}
    reviewer = _user(session, version.reviewed_by_user_id)
    agency = session.get(Agency, version.agency_id) if version.agency_id is not None else None
    name = f"{reviewer.first_name} {reviewer.last_name}".strip() if reviewer else ""
    email = reviewer.email if reviewer else ""
    return EdtAction(
        status=version.status,
        occurred_on=version.reviewed_at or version.submitted_at or version.updated_at,
        agent_name=name or str(kept.get("AgentName", "")) or (agency.name if agency else ""),
        agent_email=email or str(kept.get("AgentEmail", "")) or (agency.email if agency else ""),
        comments=version.review_comments,
    )


def _files(session: Session, version: ElementVersion, doc: ElementDocument) -> list[EdtFile]:
    rows = session.exec(
        select(ElementDocumentFile)
        .where(ElementDocumentFile.document_id == doc.id)
        .order_by(col(ElementDocumentFile.id))
    ).all()
    files = []
    for index, row in enumerate(rows, start=1):
        stored = session.get(StoredFile, row.stored_file_id)
        files.append(
            EdtFile(
                name=row.original_name,
                title=row.title,
                description=row.description,
                authored=row.date_authored or row.created_at.date(),
                key=stable_key(version.regulator_key, "document", doc.slot, index),
                path=storage.open_path(stored) if stored is not None else None,
            )
        )
    return files


def _documents(session: Session, version: ElementVersion) -> dict[int, EdtDocument]:
    rows = session.exec(
        select(ElementDocument).where(ElementDocument.element_version_id == version.id)
    ).all()
    return {
        doc.slot: EdtDocument(
            slot=doc.slot,
            **{name: getattr(doc, name) for name in ANSWER_FIELDS},
            files=_files(session, version, doc),
        )
        for doc in rows
    }


def _items(session: Session, version: ElementVersion) -> list[dict[str, str]]:
    rows = session.exec(
        select(InventoryItem.data)
        .where(InventoryItem.element_version_id == version.id)
        .order_by(col(InventoryItem.id))
    ).all()
    return [{k: str(v) for k, v in data.items()} for data in rows]


def _element(session: Session, slot: FacilityElement, version: ElementVersion) -> EdtElement:
    kept: dict[str, Any] = version.data.get(EDT_KEY) or {}
    submitter = _user(session, version.submitted_by_user_id)
    submitted_on = version.submitted_at or version.updated_at
    return EdtElement(
        element=version.element,
        version_key=version.regulator_key,
        status=version.status,
        regulator_code=_regulator_code(session, version, slot),
        submitted_on=submitted_on.astimezone(dt.UTC),
        submitter_first=submitter.first_name
        if submitter
        else str(kept.get("SubmitterFirstName", "")),
        submitter_last=submitter.last_name if submitter else str(kept.get("SubmitterLastName", "")),
        submitter_email=submitter.email if submitter else str(kept.get("SubmitterEmail", "")),
        submitter_comments=version.submitted_comments,
        action=_action(session, version),
        next_due_date=slot.next_due_date,
        requirement=slot.requirement,
        data=dict(version.data),
        documents=_documents(session, version),
        items=_items(session, version) if version.element == HMI else [],
        version_id=version.id,
    )


def gather(
    session: Session, facility: Facility, allowed: VersionFilter | None = None
) -> EdtFacility:
    """The facility's latest submittal: each element's last submitted version the filter
    allows (elements the schema cannot carry are left out)."""
    slots = session.exec(
        select(FacilityElement)
        .where(FacilityElement.facility_id == facility.id)
        .order_by(col(FacilityElement.element))
    ).all()
    found = EdtFacility(
        cers_id=facility.cers_id,
        local_facility_id=facility.local_facility_id,
        regulator_key=facility.regulator_key,
    )
    for slot in slots:
        if slot.element not in ELEMENT_TAGS:
            continue
        version = _latest(session, slot)
        if version is None or (allowed is not None and not allowed(version)):
            continue
        found.elements[slot.element] = _element(session, slot, version)
    if 1 in found.elements:
        _site_fallback(found.elements[1], facility)
    _unique_names(found)
    return found


def _site_fallback(e: EdtElement, facility: Facility) -> None:
    """Facility Information without the site's identity (older drafts) takes the record's."""
    activities = dict(e.data.get("business_activities") or {})
    for key in SITE_KEYS:
        if activities.get(key) in (None, ""):
            activities[key] = getattr(facility, key)
    e.data["business_activities"] = activities


def _unique_names(found: EdtFacility) -> None:
    """Give every file of the document its own name in the ZIP (at least 5 characters)."""
    taken: set[str] = set()
    for e in found.elements.values():
        for doc in e.documents.values():
            for file in doc.files:
                name = file.name if len(file.name) >= 5 else f"file-{file.name}"
                counter = 1
                while name.casefold() in taken:
                    counter += 1
                    name = f"{counter}_{file.name}"
                taken.add(name.casefold())
                file.name = name
