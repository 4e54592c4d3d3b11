"""Document slots of element versions: choosing a source, uploading files, findings.

Every use case loads the facility through `facilities.service.access_facility` (NotFound outside
the actor's businesses, PermissionDenied when the role may not): VIEW to read, EDIT_DRAFT to
answer a slot or remove a file, UPLOAD to attach one. A change names the facility AND the
element version the page showed; it is refused with SUBMITTED_UNCHANGEABLE unless that version
is the facility element's current draft, and the version's row stays locked until the change
commits. An uploaded file is checked (size, kind from its content, virus scan) before anything
is written: a refused file leaves no stored file, no bytes on disk and no document row.

`copy_documents`, `remove_documents`, `version_document_findings` and `documents_snapshot`
(from document_versions, for the drafts, submit and change-view use cases) are part of this
module's interface too.
"""

from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.agencies.element_settings import local_requirements, local_requirements_of_slot
from cers_app.core import audit, clock, file_kinds, storage, virus_scan
from cers_app.core.audit import AuditEventType
from cers_app.core.codes import DRAFT, element_label, status_label
from cers_app.core.db import transaction
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.core.permissions import Actor
from cers_app.core.storage import StoredFile
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement, FacilityStatus
from cers_app.facilities.service import SUBMITTED_UNCHANGEABLE, access_facility, is_id
from cers_app.organizations.roles import OrgAction, allows
from cers_app.submittals import document_rules as rules
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from cers_app.submittals.document_rules import Answer, SlotDef
from cers_app.submittals.document_versions import (  # noqa: F401  (part of this interface)
    NO_VERSION,
    copy_documents,
    documents_snapshot,
    release_unused,
    remove_documents,
    version_document_findings,
)
from cers_app.submittals.document_views import (  # noqa: F401  (part of this interface)
    ANSWER_FIELDS,
    Download,
    ElementDocuments,
    FileView,
    SlotView,
    answer_values,
    locally_required,
    slot_view,
    slot_views,
)

NO_SLOT = "That document is not part of this submittal element."
NO_ELEMENT = "That submittal element has no documents."
FILE_NOT_FOUND = "That file was not found."
FILE_MISSING = "The file is missing from storage. Upload it again, or ask your administrator."
STALE = (
    "This document was changed by someone else meanwhile. Reload the page to see their change, "
    "then make yours again."
)
MAX_FILES = 20
TOO_MANY_FILES = f"A document can have at most {MAX_FILES} files. Remove one before adding another."


class NoDraft(Conflict):
    """The element has no draft to change."""


def start_first(element: int) -> str:
    """The refusal when an element has no draft to change."""
    return f"Start a new submittal of {element_label(element)} first."


# ------------------------------------------------------------------ reading


def _pointers(session: Session, facility_id: int, element: int) -> FacilityElement:
    row = session.exec(
        select(FacilityElement).where(
            FacilityElement.facility_id == facility_id, FacilityElement.element == element
        )
    ).first()
    if row is None:
        raise NotFound(NO_ELEMENT)
    return row


def element_documents(
    session: Session, actor: Actor, facility_id: object, element: object, version_id: object = None
) -> ElementDocuments:
    """The document slots of an element with their answers, files and findings: of
    `version_id` when given (a version of this element of this facility), else of the draft,
    else of the last submitted (or accepted) version."""
    with transaction(session):
        facility, member = access_facility(session, actor, facility_id, OrgAction.VIEW)
        if not is_id(element) or not rules.slots_for(element):
            raise NotFound(NO_ELEMENT)
        assert facility.id is not None and isinstance(element, int)
        pointers = _pointers(session, facility.id, element)
        if version_id is not None:
            version = session.get(ElementVersion, version_id) if is_id(version_id) else None
            if version is None or version.facility_id != facility.id or version.element != element:
                raise NotFound(NO_VERSION)
        else:
            shown = pointers.draft_version_id or pointers.last_submitted_version_id
            shown = shown or pointers.last_accepted_version_id
            version = session.get(ElementVersion, shown) if shown else None
        is_draft = (
            version is not None
            and version.status == DRAFT
            and version.id == pointers.draft_version_id
        )
        if version is None:
            today = clock.today()
            slots = tuple(slot_view(s, None, [], today) for s in rules.slots_for(element))
            local = local_requirements_of_slot(session, pointers.agency_id, element)
        else:
            slots = slot_views(session, version)
            local = local_requirements(session, version)
        return ElementDocuments(
            facility_id=facility.id,
            cers_id=facility.cers_id,
            facility_name=facility.name,
            element=element,
            version_id=version.id if version else None,
            status=version.status if version else None,
            status_label=status_label(version.status) if version else "Not started",
            is_draft=is_draft,
            can_edit=allows(member.role, OrgAction.EDIT_DRAFT),
            can_upload=allows(member.role, OrgAction.UPLOAD),
            slots=slots,
            advisories=rules.element_advisories(element),
            local_agency=local.agency_name if local.text else "",
            local_requirements=local.text,
        )


# ------------------------------------------------------------------ the draft being changed


def _slot(code: object) -> SlotDef:
    slot = rules.find_slot(code)
    if slot is None:
        raise NotFound(NO_SLOT)
    return slot


def _unlocked_draft(
    session: Session, facility: Facility, version_id: object
) -> ElementVersion | None:
    """The version `version_id` names, if any; refused when it is another facility's or is
    no draft."""
    version = session.get(ElementVersion, version_id) if is_id(version_id) else None
    if version is not None and (version.facility_id != facility.id or version.status != DRAFT):
        raise Conflict(SUBMITTED_UNCHANGEABLE)
    return version


def _draft(
    session: Session, facility: Facility, version_id: object, element: int
) -> ElementVersion:
    """The element's draft, locked, if `version_id` names it; refused otherwise."""
    assert facility.id is not None
    version = _unlocked_draft(session, facility, version_id)
    if version is not None and version.element != element:
        raise NotFound(NO_SLOT)
    if version is not None:
        # Submitting takes the same lock: a change waits for it, then sees the new status.
        version = session.get(
            ElementVersion, version.id, with_for_update=True, populate_existing=True
        )
        if version is None or version.status != DRAFT:
            raise Conflict(SUBMITTED_UNCHANGEABLE)
    pointers = session.get(
        FacilityElement, _pointers(session, facility.id, element).id, populate_existing=True
    )
    assert pointers is not None
    if pointers.draft_version_id is None:
        raise NoDraft(start_first(element))
    if version is None or version.id != pointers.draft_version_id:
        raise Conflict(SUBMITTED_UNCHANGEABLE)
    return version


def _slot_of_draft(session: Session, version: ElementVersion, code: int) -> SlotDef:
    slot = rules.find_slot(
        code, locally_required=locally_required(session, version), data=version.data
    )
    if slot is None or slot.element != version.element:
        raise NotFound(NO_SLOT)
    return slot


def _document(session: Session, version_id: int, code: int) -> ElementDocument | None:
    return session.exec(
        select(ElementDocument).where(
            ElementDocument.element_version_id == version_id, ElementDocument.slot == code
        )
    ).first()


def _drop_files(session: Session, doc: ElementDocument) -> int:
    rows = list(
        session.exec(select(ElementDocumentFile).where(ElementDocumentFile.document_id == doc.id))
    )
    for row in rows:
        session.delete(row)
    release_unused(session, [row.stored_file_id for row in rows])
    return len(rows)


def _touch(version: ElementVersion, doc: ElementDocument, actor: Actor, session: Session) -> None:
    now = clock.now()
    doc.updated_at, doc.updated_by_user_id = now, actor.user_id
    doc.version += 1
    version.updated_at = now
    session.add(doc)
    session.add(version)


def _new_document(
    facility: Facility, version: ElementVersion, slot: SlotDef, source: int, actor: Actor
) -> ElementDocument:
    now = clock.now()
    assert facility.id is not None and version.id is not None
    return ElementDocument(
        facility_id=facility.id,
        element_version_id=version.id,
        slot=slot.code,
        source=source,
        created_at=now,
        created_by_user_id=actor.user_id,
        updated_at=now,
        updated_by_user_id=actor.user_id,
        version=0,  # _touch makes it 1
    )


def _check_stored_at(session: Session, facility: Facility, cers_id: int | None) -> None:
    """A document stored at a facility: one of this business's active facilities."""
    if cers_id == facility.cers_id:
        return
    other = session.exec(select(Facility).where(Facility.cers_id == cers_id)).first()
    if (
        other is None
        or other.organization_id != facility.organization_id
        or other.status != FacilityStatus.ACTIVE
    ):
        raise ValidationFailed(
            {
                "stored_at_cers_id": f"CERS ID {cers_id} is not one of this business's "
                "facilities. Enter the CERS ID of the facility where the document is kept."
            }
        )


def _view_of(session: Session, version: ElementVersion, code: int) -> SlotView:
    return next(view for view in slot_views(session, version) if view.code == code)


# ------------------------------------------------------------------ changing a slot


def set_source(
    session: Session,
    actor: Actor,
    facility_id: object,
    element_version_id: object,
    slot: object,
    values: Mapping[str, object],
    expected_version: int | None = None,
) -> SlotView:
    """Answer a slot: its document source and the data that source needs.

    `expected_version` is the slot's `row_version` the page showed (0: unanswered); a slot
    changed meanwhile is refused. Choosing another source than Upload Documents removes the
    slot's files.
    """
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        version = _draft(session, facility, element_version_id, _slot(slot).element)
        definition = _slot_of_draft(session, version, _slot(slot).code)
        answer = rules.check_answer(
            definition, values, today=clock.today(), own_cers_id=facility.cers_id
        )
        if answer.source == rules.AT_FACILITY:
            _check_stored_at(session, facility, answer.stored_at_cers_id)
        assert version.id is not None
        doc = _document(session, version.id, definition.code)
        if expected_version is not None and (doc.version if doc else 0) != expected_version:
            raise Conflict(STALE)
        before = answer_values(doc)
        if doc is None:
            doc = _new_document(facility, version, definition, answer.source, actor)
        for name in ANSWER_FIELDS:
            setattr(doc, name, getattr(answer, name))
        session.add(doc)
        session.flush()
        removed = _drop_files(session, doc) if answer.source != rules.UPLOAD else 0
        _touch(version, doc, actor, session)
        old, new = audit.changed_fields(before, answer_values(doc))
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.DOCUMENT_SOURCE_SAVED,
            subject_type="element_document",
            subject_id=doc.id or 0,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            before=old or None,
            after={
                **new,
                "element_version_id": version.id,
                "slot": definition.code,
                **({"files_removed": removed} if removed else {}),
            },
            client_ip=actor.client_ip,
        )
        return _view_of(session, version, definition.code)


def clear_slot(
    session: Session, actor: Actor, facility_id: object, element_version_id: object, slot: object
) -> SlotView:
    """Take back a slot's answer (and its files): the slot is unanswered again."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        version = _draft(session, facility, element_version_id, _slot(slot).element)
        definition = _slot_of_draft(session, version, _slot(slot).code)
        assert version.id is not None
        doc = _document(session, version.id, definition.code)
        if doc is not None:
            before = answer_values(doc)
            removed = _drop_files(session, doc)
            session.delete(doc)
            version.updated_at = clock.now()
            session.add(version)
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.DOCUMENT_SOURCE_SAVED,
                subject_type="element_document",
                subject_id=doc.id or 0,
                facility_id=facility.id,
                organization_id=facility.organization_id,
                before=before,
                after={
                    "source": None,
                    "element_version_id": version.id,
                    "slot": definition.code,
                    "files_removed": removed,
                },
                client_ip=actor.client_ip,
            )
        session.flush()
        return _view_of(session, version, definition.code)


def check_can_attach(
    session: Session, actor: Actor, facility_id: object, element_version_id: object, slot: object
) -> None:
    """Refuse at once, before a file is received or scanned, whoever may not attach here."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.UPLOAD)
        version = _draft(session, facility, element_version_id, _slot(slot).element)
        _slot_of_draft(session, version, _slot(slot).code)


def attach_file(
    session: Session,
    actor: Actor,
    facility_id: object,
    element_version_id: object,
    slot: object,
    staged: storage.Staged,
    *,
    title: object = "",
    description: object = "",
    date_authored: object = "",
) -> SlotView:
    """Add an uploaded file to a slot; the slot's source becomes Upload Documents.

    The staged file is checked first (rights, its details, size, kind from its content, the
    virus scan) and is gone afterwards either way: moved into the store, or discarded.
    """
    try:
        check_can_attach(session, actor, facility_id, element_version_id, slot)
        details = rules.check_file_details(
            title=title,
            description=description,
            date_authored=date_authored,
            original_name=staged.original_name,
            today=clock.today(),
        )
        if staged.size > storage.MAX_UPLOAD_BYTES:
            raise storage.too_large()
        staged.kind = file_kinds.check_document(staged.path, staged.original_name).code
        virus_scan.check_clean(staged.path, staged.original_name)
        return _keep_file(session, actor, facility_id, element_version_id, slot, staged, details)
    finally:
        staged.discard()


def _keep_file(
    session: Session,
    actor: Actor,
    facility_id: object,
    element_version_id: object,
    slot: object,
    staged: storage.Staged,
    details: rules.FileDetails,
) -> SlotView:
    stored: StoredFile | None = None
    try:
        with transaction(session):
            facility, _ = access_facility(session, actor, facility_id, OrgAction.UPLOAD)
            version = _draft(session, facility, element_version_id, _slot(slot).element)
            definition = _slot_of_draft(session, version, _slot(slot).code)
            assert version.id is not None
            doc = _document(session, version.id, definition.code)
            if doc is None:
                doc = _new_document(facility, version, definition, rules.UPLOAD, actor)
            else:
                count = session.execute(
                    sa.select(sa.func.count()).where(col(ElementDocumentFile.document_id) == doc.id)
                ).scalar_one()
                if count >= MAX_FILES:
                    raise Conflict(TOO_MANY_FILES)
            before_source = doc.source if doc.id else None
            for name in ANSWER_FIELDS:  # only the upload's answer is kept
                setattr(doc, name, getattr(Answer(source=rules.UPLOAD), name))
            session.add(doc)
            session.flush()
            stored = storage.place(session, actor.user_id, staged)
            row = ElementDocumentFile(
                document_id=doc.id or 0,
                element_version_id=version.id,
                stored_file_id=stored.id or 0,
                title=details.title,
                description=details.description,
                date_authored=details.date_authored,
                original_name=stored.original_name,
                kind=stored.kind,
                size=stored.size,
                sha256=stored.sha256,
                created_at=clock.now(),
                created_by_user_id=actor.user_id,
            )
            session.add(row)
            _touch(version, doc, actor, session)
            session.flush()
            audit.record(
                session,
                actor_user_id=actor.user_id,
                event=AuditEventType.DOCUMENT_FILE_ATTACHED,
                subject_type="element_document_file",
                subject_id=row.id or 0,
                facility_id=facility.id,
                organization_id=facility.organization_id,
                before={"source": before_source} if before_source != rules.UPLOAD else None,
                after={
                    "element_version_id": version.id,
                    "slot": definition.code,
                    "name": row.original_name,
                    "title": row.title,
                    "kind": row.kind,
                    "size": row.size,
                    "sha256": row.sha256,
                },
                client_ip=actor.client_ip,
            )
            return _view_of(session, version, definition.code)
    except BaseException:
        storage.unplace(stored)
        raise


def remove_file(
    session: Session, actor: Actor, facility_id: object, element_version_id: object, file_id: object
) -> SlotView:
    """Remove one file from a slot of the draft (its bytes stay while another version
    refers to them)."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.EDIT_DRAFT)
        _unlocked_draft(session, facility, element_version_id)
        row = session.get(ElementDocumentFile, file_id) if is_id(file_id) else None
        doc = session.get(ElementDocument, row.document_id) if row else None
        of_version = session.get(ElementVersion, row.element_version_id) if row else None
        if row is None or doc is None or of_version is None or doc.facility_id != facility.id:
            raise NotFound(FILE_NOT_FOUND)
        version = _draft(session, facility, element_version_id, of_version.element)
        if row.element_version_id != version.id:
            raise NotFound(FILE_NOT_FOUND)
        session.delete(row)
        release_unused(session, [row.stored_file_id])
        _touch(version, doc, actor, session)
        audit.record(
            session,
            actor_user_id=actor.user_id,
            event=AuditEventType.DOCUMENT_FILE_REMOVED,
            subject_type="element_document_file",
            subject_id=row.id or 0,
            facility_id=facility.id,
            organization_id=facility.organization_id,
            before={
                "element_version_id": version.id,
                "slot": doc.slot,
                "name": row.original_name,
                "title": row.title,
                "sha256": row.sha256,
            },
            client_ip=actor.client_ip,
        )
        session.flush()
        return _view_of(session, version, doc.slot)


def download_file(session: Session, actor: Actor, facility_id: object, file_id: object) -> Download:
    """Where an uploaded file's bytes are, with its name and media type (VIEW right)."""
    with transaction(session):
        facility, _ = access_facility(session, actor, facility_id, OrgAction.VIEW)
        row = session.get(ElementDocumentFile, file_id) if is_id(file_id) else None
        doc = session.get(ElementDocument, row.document_id) if row else None
        stored = session.get(StoredFile, row.stored_file_id) if row else None
        if row is None or doc is None or stored is None or doc.facility_id != facility.id:
            raise NotFound(FILE_NOT_FOUND)
        path = storage.open_path(stored)
        if not path.is_file():
            raise NotFound(FILE_MISSING)
        return Download(path, row.original_name, file_kinds.media_type(row.kind), row.size)
