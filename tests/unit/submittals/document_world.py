"""Helpers for the document tests: drafts to answer, staged uploads, what storage holds."""

from __future__ import annotations

import secrets
from pathlib import Path

from sqlmodel import select

from cers_app.core import db, storage
from cers_app.core.storage import StoredFile
from cers_app.facilities.service import access_facility, open_element_draft
from cers_app.organizations.roles import OrgAction
from cers_app.submittals.document_models import ElementDocument, ElementDocumentFile
from tests import audit_hook
from tests.unit.organizations.world import Person

HMI, ERTP = 2, 3
SITE_MAP, ER_PLAN, TRAINING_PLAN, LOCAL_ERTP = 5, 6, 7, 36


def start_draft(person: Person, facility_id: int, element: int) -> int:
    """The element's draft (started empty when there is none), as the drafts feature would."""

    def work(session) -> int:
        with db.transaction(session):
            facility, _ = access_facility(
                session, person.actor(), facility_id, OrgAction.EDIT_DRAFT
            )
            draft, _, _ = open_element_draft(session, person.actor(), facility, element)
            return draft.id or 0

    with audit_hook.exempt("test helper opens the draft without the drafts feature's event"):
        return db.run(work)


def stage(folder: Path, name: str, content: bytes) -> storage.Staged:
    """A file received and waiting in the staging folder, as the upload route leaves it."""
    source = folder / f"source-{secrets.token_hex(4)}"
    source.write_bytes(content)
    return storage.stage_path(source, name)


def stored_rows() -> list[StoredFile]:
    return db.run(lambda s: list(s.exec(select(StoredFile)).all()))


def kept_files() -> list[Path]:
    """Files in private storage (the staging folder left out)."""
    folder = storage.files_dir()
    if not folder.exists():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file())


def staged_files() -> list[Path]:
    folder = storage.files_dir() / "incoming"
    return sorted(folder.iterdir()) if folder.exists() else []


def document_rows() -> list[ElementDocument]:
    return db.run(lambda s: list(s.exec(select(ElementDocument)).all()))


def file_rows() -> list[ElementDocumentFile]:
    return db.run(lambda s: list(s.exec(select(ElementDocumentFile)).all()))


def nothing_stored() -> None:
    """No stored file row, no bytes in storage or staging, no document or file row."""
    assert stored_rows() == []
    assert kept_files() == []
    assert staged_files() == []
    assert document_rows() == []
    assert file_rows() == []
