"""Documents across versions, for the drafts, submit and change-view use cases: copying a
version's answers into a new draft, removing a discarded draft's, the findings that block
submitting, and a comparable snapshot. No permission checks: the caller has made them, and
these run in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from cers_app.core import clock, storage
from cers_app.core.errors import NotFound
from cers_app.core.storage import StoredFile
from cers_app.facilities.models import ElementVersion
from cers_app.submittals import document_rules as rules
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from cers_app.submittals.document_rules import DocumentFinding
from cers_app.submittals.document_views import (
    ANSWER_FIELDS,
    answer_values,
    documents_of,
    files_of,
    slot_views,
)

NO_VERSION = "That version of the submittal element was not found."


def release_unused(session: Session, stored_ids: Iterable[int]) -> None:
    """Forget stored files no version refers to any more (their bytes go after commit)."""
    session.flush()
    for stored_id in set(stored_ids):
        used = session.exec(
            select(ElementDocumentFile.id).where(ElementDocumentFile.stored_file_id == stored_id)
        ).first()
        stored = session.get(StoredFile, stored_id)
        if used is None and stored is not None:
            storage.forget(session, stored)


def copy_documents(
    session: Session, from_version_id: int, to_version_id: int, actor_user_id: int | None
) -> int:
    """Copy every slot answer and file row of one version into another (a new draft), in the
    caller's transaction. The stored files are shared, not duplicated. Returns the slots copied."""
    target = session.get(ElementVersion, to_version_id)
    if target is None:
        raise NotFound(NO_VERSION)
    docs = documents_of(session, from_version_id)
    files = files_of(session, from_version_id)
    now = clock.now()
    for doc in docs.values():
        copy = ElementDocument(
            **{name: getattr(doc, name) for name in ANSWER_FIELDS},
            facility_id=target.facility_id,
            element_version_id=to_version_id,
            slot=doc.slot,
            created_at=now,
            created_by_user_id=actor_user_id,
            updated_at=now,
            updated_by_user_id=actor_user_id,
        )
        session.add(copy)
        session.flush()
        for row in files.get(doc.id or 0, []):
            session.add(
                ElementDocumentFile(
                    document_id=copy.id or 0,
                    element_version_id=to_version_id,
                    stored_file_id=row.stored_file_id,
                    title=row.title,
                    description=row.description,
                    date_authored=row.date_authored,
                    original_name=row.original_name,
                    kind=row.kind,
                    size=row.size,
                    sha256=row.sha256,
                    created_at=now,
                    created_by_user_id=actor_user_id,
                )
            )
    session.flush()
    return len(docs)


def remove_documents(session: Session, version_id: int) -> None:
    """Delete a version's answers and file rows (a discarded draft), in the caller's
    transaction; stored files no other version refers to go too."""
    rows = list(
        session.exec(
            select(ElementDocumentFile).where(ElementDocumentFile.element_version_id == version_id)
        )
    )
    for row in rows:
        session.delete(row)
    session.flush()
    session.execute(
        sa.delete(ElementDocument).where(col(ElementDocument.element_version_id) == version_id)
    )
    release_unused(session, [row.stored_file_id for row in rows])


def version_document_findings(session: Session, version_id: int) -> list[DocumentFinding]:
    """Every document finding of a version (all Required: they block submitting)."""
    version = session.get(ElementVersion, version_id)
    if version is None:
        return []
    return [finding for view in slot_views(session, version) for finding in view.findings]


def _snapshot_of(doc: ElementDocument, files: list[ElementDocumentFile]) -> dict[str, Any]:
    answer = answer_values(doc)
    return {
        "source": doc.source,
        "source_label": rules.source_label(doc.source),
        **{name: answer[name] for name in rules.SOURCE_FIELDS.get(doc.source, ())},
        "files": [{"sha256": f.sha256, "name": f.original_name, "title": f.title} for f in files],
    }


def documents_snapshot(session: Session, version_id: int) -> dict[int, dict[str, Any]]:
    """Each answered slot of a version (by resource type code): its source, that source's
    data and its files' sha256, name and title. For comparing two versions."""
    files = files_of(session, version_id)
    return {
        code: _snapshot_of(doc, files.get(doc.id or 0, []))
        for code, doc in sorted(documents_of(session, version_id).items())
    }
