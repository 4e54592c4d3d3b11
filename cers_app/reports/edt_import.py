"""Importing CERS EDT documents: the RegulatorFacilitySubmittalQuery download (facilities
already in CERS) and our own export, from an .xml file or a .zip holding the XML and its
attachments.

Facilities keep their real CERS IDs (recorded as imported, so new IDs skip past them). A
facility whose business we do not know goes into an organization of its own, marked as loaded
by seeding. Each element version is created with its status and data, its documents and, for
the inventory, its rows. A version already imported (same facility, element and submitted-on
time) is skipped, so importing the same file twice changes nothing. The whole file is one
transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

import secrets
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, select

from cers_app.agencies.models import Agency
from cers_app.core import audit, clock, storage
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import (
    ACCEPTED,
    ALWAYS_REQUIRED,
    ELEMENTS,
    FACILITY_INFORMATION,
    NOT_REQUIRED,
    REQUIRED,
)
from cers_app.core.db import transaction
from cers_app.core.errors import ValidationFailed
from cers_app.facilities import business_activities, cers_ids
from cers_app.facilities.addresses import name_key
from cers_app.facilities.models import CersIdAllocation, ElementVersion, Facility, FacilityElement
from cers_app.facilities.service import SiteInput, check_site
from cers_app.inventory import findings
from cers_app.inventory.models import InventoryItem
from cers_app.organizations.models import Organization, OrgOrigin
from cers_app.reports import edt_parse
from cers_app.reports.edt_model import EdtDocument, EdtElement, EdtFacility
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from cers_app.submittals.document_views import ANSWER_FIELDS

CODE_MIN, CODE_MAX = 100_000_001, 999_999_999
SEEDING_SUFFIX = " (Seeding)"


@dataclass
class ImportResult:
    """What an import did."""

    facilities_created: int = 0
    versions_created: int = 0
    versions_skipped: int = 0
    items_created: int = 0
    files_missing: list[str] = field(default_factory=list)


def read_file(path: Path) -> tuple[bytes, dict[str, bytes]]:
    """(the XML, the attachments by file name) of an .xml file or a .zip of our export."""
    if path.suffix.lower() != ".zip":
        return path.read_bytes(), {}
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        xml_names = [n for n in names if n.lower().endswith(".xml")]
        if len(xml_names) != 1:
            raise ValidationFailed({"file": "The ZIP must hold exactly one .xml file."})
        files = {n: archive.read(n) for n in names if n not in xml_names}
        return archive.read(xml_names[0]), files


def _agency_id(session: Session, code: int | None) -> int | None:
    if code is None:
        return None
    return session.exec(select(Agency.id).where(Agency.code == code)).first()


def _new_code(session: Session) -> int:
    while True:
        code = CODE_MIN + secrets.randbelow(CODE_MAX - CODE_MIN + 1)
        if session.exec(select(Organization.id).where(Organization.code == code)).first() is None:
            return code


def _organization(session: Session, found: EdtFacility, site: dict) -> int:
    """The facility's business: the known one with its CERS organization code, else a new
    seeding organization of its own."""
    if found.organization_code is not None:
        known = session.exec(
            select(Organization.id).where(Organization.code == found.organization_code)
        ).first()
        if known is not None:
            return known
    name = (found.organization_name or str(site.get("name") or f"CERS {found.cers_id}"))[:88]
    organization = Organization(
        code=_new_code(session),
        name=f"{name}{SEEDING_SUFFIX}",
        origin=OrgOrigin.SEEDING.value,
        created_at=clock.now(),
    )
    session.add(organization)
    session.flush()
    assert organization.id is not None
    return organization.id


def _site_keys(site: dict) -> tuple[dict, str, str]:
    raw = {k: str(site.get(k) or "") for k in ("name", "street", "supplemental", "city")}
    raw |= {"zip_code": str(site.get("zip_code") or ""), "county": str(site.get("county") or "")}
    try:
        checked = check_site(SiteInput(**raw, epa_id=str(site.get("epa_id") or "")))
        return raw, checked.address_key, checked.name_key
    except ValidationFailed:  # an address CERS kept that our normaliser reads differently
        return raw, f"{raw['street'].upper()} {raw['zip_code'][:5]}"[:90], name_key(raw["name"])


def _key_or_new(session: Session, model, column, key: str) -> str:
    try:
        uuid.UUID(key)
    except ValueError:
        return str(uuid.uuid4())
    taken = session.exec(select(model.id).where(column == key)).first()
    return str(uuid.uuid4()) if taken is not None else key


def _new_facility(session: Session, found: EdtFacility) -> Facility:
    fi = found.elements.get(FACILITY_INFORMATION)
    site = dict((fi.data.get("business_activities") if fi else None) or {})
    raw, address_key, key_of_name = _site_keys(site)
    county = int(raw["county"]) if raw["county"].isdigit() else 0
    if session.get(CersIdAllocation, found.cers_id) is None:
        cers_ids.reserve_imported(session, found.cers_id)
    facility = Facility(
        cers_id=found.cers_id,
        regulator_key=_key_or_new(session, Facility, Facility.regulator_key, found.regulator_key),
        local_facility_id=found.local_facility_id[:13],
        name=raw["name"][:70] or f"CERS {found.cers_id}",
        street=raw["street"][:70],
        supplemental=raw["supplemental"][:30],
        city=raw["city"][:60],
        zip_code=raw["zip_code"][:10],
        county=county,
        epa_id=str(site.get("epa_id") or "")[:12],
        address_key=address_key,
        name_key=key_of_name,
        organization_id=_organization(session, found, site),
        created_at=clock.now(),
    )
    session.add(facility)
    session.flush()
    answers = {k: str(v) for k, v in site.items()}
    required = business_activities.required_elements(answers)
    fallback_agency = _agency_id(session, fi.regulator_code) if fi else None
    for element in ELEMENTS:
        given = found.elements.get(element)
        requirement = REQUIRED if element in required else NOT_REQUIRED
        session.add(
            FacilityElement(
                facility_id=facility.id or 0,
                element=element,
                requirement=ALWAYS_REQUIRED if element == FACILITY_INFORMATION else requirement,
                requirement_source="always" if element == 1 else "business_activities",
                agency_id=_agency_id(session, given.regulator_code) if given else fallback_agency,
            )
        )
    session.flush()
    return facility


def _already(session: Session, facility_id: int, e: EdtElement) -> bool:
    times = session.exec(
        select(ElementVersion.submitted_at).where(
            ElementVersion.facility_id == facility_id, ElementVersion.element == e.element
        )
    ).all()
    return any(t is not None and t.replace(microsecond=0) == e.submitted_on for t in times)


def _slot(session: Session, facility_id: int, element: int) -> FacilityElement:
    return session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility_id, FacilityElement.element == element
        )
    ).one()


def _point_slot(session: Session, slot: FacilityElement, version: ElementVersion, e: EdtElement):
    current = session.get(ElementVersion, slot.last_submitted_version_id or 0)
    newest = current is None or (current.submitted_at or version.submitted_at) <= (
        version.submitted_at
    )
    if newest:
        slot.last_submitted_version_id = version.id
        if e.status == ACCEPTED:
            slot.last_accepted_version_id = version.id
        if e.next_due_date is not None:
            slot.next_due_date = e.next_due_date
        if e.requirement in (NOT_REQUIRED, REQUIRED, ALWAYS_REQUIRED):
            slot.requirement = e.requirement
        if e.action is not None and e.action.comments:
            slot.regulator_comments = e.action.comments[:1500]
    session.add(slot)


def _files(
    session: Session, version: ElementVersion, doc_row: ElementDocument, doc: EdtDocument, job: _Job
) -> None:
    for file in doc.files:
        content = job.files.get(file.name)
        if content is None or job.owner_user_id is None:
            job.result.files_missing.append(file.name)
            continue
        with tempfile.TemporaryDirectory() as folder:
            source = Path(folder) / "file"
            source.write_bytes(content)
            staged = storage.stage_path(source, file.name)
        staged.kind = Path(staged.original_name).suffix.lstrip(".").lower()[:10] or "bin"
        stored = storage.place(session, job.owner_user_id, staged)
        job.placed.append(stored)
        session.add(
            ElementDocumentFile(
                document_id=doc_row.id or 0,
                element_version_id=version.id or 0,
                stored_file_id=stored.id or 0,
                title=file.title,
                description=file.description,
                date_authored=file.authored,
                original_name=file.name,
                kind=stored.kind,
                size=stored.size,
                sha256=stored.sha256,
                created_at=version.submitted_at or clock.now(),
            )
        )


def _documents(session: Session, version: ElementVersion, e: EdtElement, job: _Job) -> None:
    for doc in e.documents.values():
        row = ElementDocument(
            **{name: getattr(doc, name) for name in ANSWER_FIELDS},
            facility_id=version.facility_id,
            element_version_id=version.id or 0,
            slot=doc.slot,
            created_at=version.created_at,
            updated_at=version.created_at,
        )
        session.add(row)
        session.flush()
        _files(session, version, row, doc, job)


def _version(session: Session, facility: Facility, e: EdtElement, job: _Job) -> None:
    slot = _slot(session, facility.id or 0, e.element)
    action = e.action
    version = ElementVersion(
        facility_id=facility.id or 0,
        element=e.element,
        status=e.status,
        regulator_key=_key_or_new(
            session, ElementVersion, ElementVersion.regulator_key, e.version_key
        ),
        organization_id=facility.organization_id,
        agency_id=_agency_id(session, e.regulator_code) or slot.agency_id,
        data=e.data,
        created_at=e.submitted_on,
        updated_at=action.occurred_on if action else e.submitted_on,
        submitted_at=e.submitted_on,
        submitted_comments=e.submitter_comments[:1000],
        reviewed_at=action.occurred_on if action else None,
        review_comments=(action.comments if action else "")[:1500],
    )
    session.add(version)
    session.flush()
    for values in e.items:
        item = InventoryItem(
            facility_id=facility.id or 0,
            element_version_id=version.id or 0,
            created_at=e.submitted_on,
            updated_at=e.submitted_on,
        )
        findings.sync_columns(item, values)
        session.add(item)
        job.result.items_created += 1
    if e.items:  # stored findings and threshold notes, as for any inventory version
        session.flush()
        settings, local = findings.settings_for(session, version.agency_id)
        findings.recompute_version(session, version.id or 0, settings, local)
    _documents(session, version, e, job)
    _point_slot(session, slot, version, e)
    audit.record(
        session,
        actor_user_id=job.owner_user_id,
        event=AuditEventType.ELEMENT_VERSION_IMPORTED,
        subject_type="element_version",
        subject_id=version.id or 0,
        facility_id=facility.id,
        organization_id=facility.organization_id,
        agency_id=version.agency_id,
        after={
            "cers_id": facility.cers_id,
            "element": e.element,
            "status": e.status,
            "submitted_at": e.submitted_on.isoformat(),
            "materials": len(e.items),
        },
    )
    job.result.versions_created += 1


@dataclass
class _Job:
    files: dict[str, bytes]
    owner_user_id: int | None
    result: ImportResult = field(default_factory=ImportResult)
    placed: list = field(default_factory=list)


def import_document(
    session: Session,
    content: bytes,
    files: dict[str, bytes] | None = None,
    owner_user_id: int | None = None,
) -> ImportResult:
    """Import every facility of an EDT document in one transaction. `files` are the ZIP's
    attachments; they are stored (owned by `owner_user_id`) when both are given."""
    parsed = edt_parse.parse(content)
    job = _Job(files or {}, owner_user_id)
    try:
        with transaction(session):
            for found in parsed:
                facility = session.exec(
                    select(Facility).where(Facility.cers_id == found.cers_id)
                ).first()
                if facility is None:
                    facility = _new_facility(session, found)
                    job.result.facilities_created += 1
                for number in sorted(found.elements):
                    e = found.elements[number]
                    if _already(session, facility.id or 0, e):
                        job.result.versions_skipped += 1
                        continue
                    _version(session, facility, e, job)
    except BaseException:
        for stored in job.placed:
            storage.unplace(stored)
        raise
    return job.result


def import_path(session: Session, path: Path, owner_user_id: int | None = None) -> ImportResult:
    """Import an .xml file or a .zip (XML plus attachments)."""
    content, files = read_file(path)
    return import_document(session, content, files, owner_user_id)
