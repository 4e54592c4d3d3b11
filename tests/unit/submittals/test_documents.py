"""The documents service on SQLite and PostgreSQL: answering slots with each source, uploading
files (refused ones leave nothing behind), who may do what, submitted versions staying as they
were, and what drafts, submit and the change view use (copy, findings, snapshot)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from cers_app.core import db, storage
from cers_app.core.audit import AuditEvent
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.core.settings import reload_settings
from cers_app.core.storage import UploadRefused
from cers_app.facilities.models import Facility
from cers_app.facilities.service import SUBMITTED_UNCHANGEABLE
from cers_app.submittals import documents
from tests import audit_hook
from tests import document_samples as samples
from tests.clamd_server import SIGNATURE, FakeClamd, unused_tcp_address
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world
from tests.unit.submittals.document_world import (
    ER_PLAN,
    ERTP,
    HMI,
    LOCAL_ERTP,
    SITE_MAP,
    TRAINING_PLAN,
    document_rows,
    file_rows,
    kept_files,
    nothing_stored,
    stage,
    start_draft,
    stored_rows,
)

START_ERTP = "Start a new submittal of Emergency Response and Training Plans first."


@pytest.fixture
def world(database) -> acme_world.World:
    """Acme with lena (Lead User), ed (Editor), val (Viewer) and connie (Approver); otto's
    business beside it."""
    return acme_world.build()


@pytest.fixture
def plant(world) -> int:
    """Acme's facility in Davis, with no ERTP or HMI draft."""
    yolo.build()
    return yolo.add_facility(world.lena, world.acme)


@pytest.fixture
def ertp(plant, world) -> int:
    """The plant's Emergency Response and Training Plans draft."""
    return start_draft(world.lena, plant, ERTP)


@pytest.fixture
def ottos_yard(world, plant) -> int:
    return yolo.add_facility(
        world.otto, world.ottos, name="Owens Oil - Woodland", street="20 Court St",
        city="Woodland", zip_code="95695",
    )  # fmt: skip


def _slot(view: documents.ElementDocuments, code: int) -> documents.SlotView:
    return next(slot for slot in view.slots if slot.code == code)


def _show(person, facility_id: int, element: int = ERTP, version_id=None):
    return db.run(documents.element_documents, person.actor(), facility_id, element, version_id)


def _set(person, facility_id: int, version_id, slot: int, expected=None, **values):
    return db.run(
        documents.set_source, person.actor(), facility_id, version_id, slot, values, expected
    )


def _attach(person, facility_id, version_id, slot, tmp_path, name, content, **details):
    staged = stage(tmp_path, name, content)
    return db.run(
        documents.attach_file, person.actor(), facility_id, version_id, slot, staged, **details
    )


def _events(name: str) -> list[AuditEvent]:
    return db.run(lambda s: list(s.exec(select(AuditEvent).where(AuditEvent.event == name)).all()))


# ------------------------------------------------------------------ reading


def test_an_element_without_a_draft_shows_its_slots_missing(world, plant) -> None:
    view = _show(world.val, plant)
    assert (view.version_id, view.status_label, view.is_draft, view.editable) == (
        None,
        "Not started",
        False,
        False,
    )
    assert [(s.code, s.label, s.required) for s in view.slots] == [
        (ER_PLAN, "Emergency Response/Contingency Plan", True),
        (TRAINING_PLAN, "Employee Training Plan", True),
        (LOCAL_ERTP, "Locally Required Document", False),
    ]
    assert [[f.code for f in s.findings] for s in view.slots] == [["1003"], ["1003"], []]


def test_the_draft_is_shown_with_the_roles_rights(world, plant, ertp) -> None:
    lead, viewer = _show(world.lena, plant), _show(world.val, plant)
    assert (lead.version_id, lead.is_draft, lead.editable, lead.can_upload) == (
        ertp,
        True,
        True,
        True,
    )
    assert (viewer.version_id, viewer.is_draft, viewer.editable, viewer.can_upload) == (
        ertp,
        True,
        False,
        False,
    )


@pytest.mark.parametrize("element", [11, 0, "3", None, 99])
def test_an_element_without_documents_is_not_found(world, plant, element) -> None:
    with pytest.raises(NotFound):
        _show(world.lena, plant, element)


# ------------------------------------------------------------------ answering with a source


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"source": "1", "exempt_reason": "No staff here"}, ("exempt_reason", "No staff here")),
        ({"source": "2", "provided_on": "2026-02-03"}, ("provided_on", dt.date(2026, 2, 3))),
        ({"source": "3", "other_element": "1", "comment": "In FI"}, ("other_element", 1)),
        ({"source": "4", "url": "https://acme.example/er.pdf"}, ("url", "https://acme.example/er.pdf")),
        ({"source": "6", "stored_at_cers_id": ""}, ("stored_at_cers_id", None)),
    ],
    ids=["exempt", "to-regulator", "other-element", "url", "at-facility"],
)  # fmt: skip
def test_each_source_is_stored_and_satisfies_the_slot(world, plant, ertp, values, expected):
    view = _set(world.ed, plant, ertp, ER_PLAN, 0, **values)
    field, value = expected
    if field == "stored_at_cers_id":
        value = yolo.facility(plant).cers_id  # blank: this facility
    assert view.source == int(values["source"])
    assert getattr(view.answer, field) == value
    assert (view.findings, view.row_version) == ((), 1)
    [event] = _events("DOCUMENT_SOURCE_SAVED")
    assert event.actor_user_id == world.ed.id
    assert event.after["slot"] == ER_PLAN and event.after["source"] == int(values["source"])
    shown = _slot(_show(world.val, plant), ER_PLAN)
    assert shown.answer == view.answer


def test_another_source_replaces_the_answer(world, plant, ertp) -> None:
    _set(world.ed, plant, ertp, ER_PLAN, 0, source="4", url="https://acme.example/er")
    view = _set(world.ed, plant, ertp, ER_PLAN, 1, source="1", exempt_reason="Exempt: no staff")
    assert view.answer == documents.Answer(source=1, exempt_reason="Exempt: no staff")
    assert view.row_version == 2
    [_, event] = _events("DOCUMENT_SOURCE_SAVED")
    assert event.before == {"source": 4, "url": "https://acme.example/er", "exempt_reason": ""}
    assert event.after["source"] == 1


def test_a_bad_value_is_refused_and_nothing_changes(world, plant, ertp) -> None:
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as refused:
        _set(world.ed, plant, ertp, ER_PLAN, source="4", url="acme.example/plan")
    assert "http://" in refused.value.fields["url"]
    with pytest.raises(ValidationFailed) as refused:
        _set(world.ed, plant, ertp, ER_PLAN, source="3", other_element="3")
    assert "another element" in refused.value.fields["other_element"]
    with pytest.raises(ValidationFailed):
        _set(world.ed, plant, ertp, ER_PLAN, source="9")
    assert support.table_snapshot() == before


def test_stored_at_facility_must_be_one_of_the_business(world, plant, ertp, ottos_yard) -> None:
    davis = yolo.add_facility(world.lena, world.acme, name="Acme - Davis Annex", street="9 B St")
    cers = {f: yolo.facility(f).cers_id for f in (davis, ottos_yard)}
    view = _set(world.ed, plant, ertp, ER_PLAN, source="6", stored_at_cers_id=str(cers[davis]))
    assert view.answer.stored_at_cers_id == cers[davis]
    for other in (cers[ottos_yard], 99999999):
        with pytest.raises(ValidationFailed) as refused:
            _set(world.ed, plant, ertp, ER_PLAN, source="6", stored_at_cers_id=str(other))
        assert "not one of this business's facilities" in refused.value.fields["stored_at_cers_id"]


def test_a_stale_answer_is_refused(world, plant, ertp) -> None:
    _set(world.ed, plant, ertp, ER_PLAN, 0, source="4", url="https://acme.example/one")
    with pytest.raises(Conflict) as refused:
        _set(world.lena, plant, ertp, ER_PLAN, 0, source="4", url="https://acme.example/two")
    assert refused.value.message == documents.STALE
    with pytest.raises(Conflict):
        _set(world.lena, plant, ertp, ER_PLAN, 7, source="4", url="https://acme.example/two")
    assert _set(world.lena, plant, ertp, ER_PLAN, 1, source="4", url="https://a.example/2")


def test_a_slot_of_another_element_is_refused(world, plant, ertp) -> None:
    for slot in (SITE_MAP, 999, "6"):
        with pytest.raises(NotFound):
            _set(world.ed, plant, ertp, slot, source="1", exempt_reason="Not needed here")


def test_clearing_a_slot_takes_back_its_answer_and_files(world, plant, ertp, tmp_path) -> None:
    _attach(world.ed, plant, ertp, LOCAL_ERTP, tmp_path, "Local.pdf", samples.pdf())
    view = db.run(documents.clear_slot, world.ed.actor(), plant, ertp, LOCAL_ERTP)
    assert (view.answer, view.files, view.findings, view.row_version) == (None, (), (), 0)
    assert document_rows() == [] and file_rows() == [] and stored_rows() == []
    assert kept_files() == []


# ------------------------------------------------------------------ uploading


def test_a_pdf_is_uploaded_kept_privately_and_downloaded(world, plant, ertp, tmp_path) -> None:
    content = samples.pdf("Evacuate to the north lot")
    view = _attach(
        world.ed, plant, ertp, ER_PLAN, tmp_path, "../ER Plan 2026.pdf", content,
        title="Emergency plan", description="Updated for 2026", date_authored="2026-01-05",
    )  # fmt: skip
    assert (view.source, view.findings) == (5, ())
    [shown] = view.files
    assert (shown.title, shown.description, shown.date_authored) == (
        "Emergency plan",
        "Updated for 2026",
        dt.date(2026, 1, 5),
    )
    assert (shown.original_name, shown.kind, shown.kind_label, shown.size) == (
        "ER Plan 2026.pdf",
        "pdf",
        "PDF document",
        len(content),
    )
    [stored] = stored_rows()
    path = storage.open_path(stored)
    assert kept_files() == [path] and path.read_bytes() == content
    assert "Plan" not in stored.name and stored.owner_user_id == world.ed.id
    assert stored.sha256 == shown.sha256
    [event] = _events("DOCUMENT_FILE_ATTACHED")
    assert event.after["sha256"] == shown.sha256 and event.after["slot"] == ER_PLAN

    found = db.run(documents.download_file, world.val.actor(), plant, shown.id)
    assert (found.path, found.filename, found.media_type, found.size) == (
        path,
        "ER Plan 2026.pdf",
        "application/pdf",
        len(content),
    )


def test_a_png_site_map_is_uploaded_to_the_inventory(world, plant, tmp_path) -> None:
    hmi = start_draft(world.lena, plant, HMI)
    view = _attach(world.ed, plant, hmi, SITE_MAP, tmp_path, "site-map.png", samples.png())
    assert [(f.kind, f.title) for f in view.files] == [("png", "site-map")]
    assert _slot(_show(world.val, plant, HMI), SITE_MAP).findings == ()


def test_uploading_turns_another_source_into_upload(world, plant, ertp, tmp_path) -> None:
    _set(world.ed, plant, ertp, ER_PLAN, 0, source="4", url="https://acme.example/er")
    view = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.docx", samples.docx())
    assert view.answer == documents.Answer(source=5)
    assert [f.kind for f in view.files] == ["docx"]


def test_choosing_another_source_removes_the_files(world, plant, ertp, tmp_path) -> None:
    _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "log.xlsx", samples.xlsx())
    assert len(stored_rows()) == 2
    view = _set(world.ed, plant, ertp, ER_PLAN, source="1", exempt_reason="No longer needed")
    assert view.files == ()
    assert file_rows() == [] and stored_rows() == [] and kept_files() == []
    assert _events("DOCUMENT_SOURCE_SAVED")[-1].after["files_removed"] == 2


@pytest.mark.parametrize(
    ("name", "content", "code", "says"),
    [
        ("Emergency Plan.pdf", samples.exe(), "executable", "Windows program"),
        ("plan.pdf", samples.png(), "wrong_extension", "a PNG image"),
        ("plan.docx", samples.plain_zip(), "archive", "zip archive"),
        ("plan.pdf", b"", "empty", "empty"),
    ],
)
def test_a_refused_file_says_why_and_leaves_nothing(
    world, plant, ertp, tmp_path, name, content, code, says
) -> None:
    with pytest.raises(UploadRefused) as refused:
        _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, name, content)
    assert refused.value.code == code and says in refused.value.message
    nothing_stored()


def test_bad_file_details_are_refused_before_anything_is_kept(world, plant, ertp, tmp_path):
    with pytest.raises(ValidationFailed) as refused:
        _attach(
            world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf(),
            title="t" * 301, date_authored="2999-01-01",
        )  # fmt: skip
    assert set(refused.value.fields) == {"title", "date_authored"}
    nothing_stored()


def test_a_slot_takes_a_limited_number_of_files(world, plant, ertp, tmp_path, monkeypatch):
    monkeypatch.setattr(documents, "MAX_FILES", 2)
    for number in range(2):
        _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, f"p{number}.pdf", samples.pdf())
    with pytest.raises(Conflict) as refused:
        _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "p3.pdf", samples.pdf("three"))
    assert refused.value.message == documents.TOO_MANY_FILES
    assert len(stored_rows()) == 2 and len(kept_files()) == 2


# ------------------------------------------------------------------ the virus scanner


def _scanner(monkeypatch, address: str) -> None:
    monkeypatch.setenv("CERS_CLAMD_ADDRESS", address)
    monkeypatch.setenv("CERS_CLAMD_TIMEOUT_SECONDS", "2")
    reload_settings()


def test_a_file_with_a_virus_is_refused_by_the_scanner(world, plant, ertp, tmp_path, monkeypatch):
    with FakeClamd(unix=True) as clamd:
        _scanner(monkeypatch, clamd.address)
        infected = samples.pdf() + samples.eicar()
        with pytest.raises(UploadRefused) as refused:
            _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", infected)
        clean = _attach(world.ed, plant, ertp, TRAINING_PLAN, tmp_path, "t.pdf", samples.pdf())
    assert refused.value.code == "infected" and SIGNATURE in refused.value.message
    assert len(clamd.streams) == 2
    assert [f.original_name for f in clean.files] == ["t.pdf"]
    [row] = document_rows()
    assert row.slot == TRAINING_PLAN  # the infected file left no trace


def test_an_unreachable_scanner_refuses_every_upload(world, plant, ertp, tmp_path, monkeypatch):
    _scanner(monkeypatch, unused_tcp_address())
    with pytest.raises(UploadRefused) as refused:
        _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    assert (refused.value.code, refused.value.status) == ("scanner_unavailable", 503)
    assert "virus scanner is unavailable" in refused.value.message
    nothing_stored()


def test_nobody_without_the_right_has_a_file_scanned(world, plant, ertp, tmp_path, monkeypatch):
    with FakeClamd() as clamd:
        _scanner(monkeypatch, clamd.address)
        with pytest.raises(PermissionDenied):
            _attach(world.val, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    assert clamd.streams == []
    nothing_stored()


# ------------------------------------------------------------------ removing files


def test_removing_a_file(world, plant, ertp, tmp_path) -> None:
    first = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "a.pdf", samples.pdf("a"))
    both = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "b.pdf", samples.pdf("b"))
    view = db.run(documents.remove_file, world.ed.actor(), plant, ertp, first.files[0].id)
    assert [f.original_name for f in view.files] == ["b.pdf"]
    assert [s.original_name for s in stored_rows()] == ["b.pdf"]
    assert len(kept_files()) == 1
    last = db.run(documents.remove_file, world.ed.actor(), plant, ertp, both.files[1].id)
    assert [f.code for f in last.findings] == ["1010"]  # still Upload Documents, now empty
    assert stored_rows() == [] and kept_files() == []
    assert len(_events("DOCUMENT_FILE_REMOVED")) == 2
    with pytest.raises(NotFound):
        db.run(documents.remove_file, world.ed.actor(), plant, ertp, first.files[0].id)


# ------------------------------------------------------------------ who may do what


def test_an_editor_may_change_a_viewer_only_read(world, plant, ertp, tmp_path) -> None:
    view = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    file_id = view.files[0].id
    before = support.table_snapshot()
    val = world.val.actor()
    refused = [
        (documents.set_source, (plant, ertp, ER_PLAN, {"source": "1", "exempt_reason": "none!"})),
        (documents.clear_slot, (plant, ertp, ER_PLAN)),
        (documents.remove_file, (plant, ertp, file_id)),
        (documents.check_can_attach, (plant, ertp, ER_PLAN)),
    ]
    for call, args in refused:
        with pytest.raises(PermissionDenied):
            db.run(call, val, *args)
    with pytest.raises(PermissionDenied):
        _attach(world.val, plant, ertp, TRAINING_PLAN, tmp_path, "t.pdf", samples.pdf())
    assert support.table_snapshot() == before
    assert db.run(documents.download_file, val, plant, file_id).filename == "plan.pdf"
    assert _slot(_show(world.val, plant), ER_PLAN).files[0].id == file_id


def test_another_business_is_refused_everything(world, plant, ertp, ottos_yard, tmp_path):
    view = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    file_id = view.files[0].id
    before = support.table_snapshot()
    otto = world.otto.actor()
    calls = [
        (documents.element_documents, (plant, ERTP)),
        (documents.set_source, (plant, ertp, ER_PLAN, {"source": "1", "exempt_reason": "mine!"})),
        (documents.clear_slot, (plant, ertp, ER_PLAN)),
        (documents.remove_file, (plant, ertp, file_id)),
        (documents.download_file, (plant, file_id)),
        (documents.check_can_attach, (plant, ertp, ER_PLAN)),
        # otto's own facility with lena's file and draft
        (documents.download_file, (ottos_yard, file_id)),
        (documents.remove_file, (ottos_yard, ertp, file_id)),
    ]
    for call, args in calls:
        with pytest.raises((NotFound, Conflict)) as refused:
            db.run(call, otto, *args)
        assert isinstance(refused.value, NotFound) or refused.value.message in (
            START_ERTP,
            SUBMITTED_UNCHANGEABLE,
        ), (call.__name__, refused.value)
    with pytest.raises(NotFound):
        _attach(world.otto, plant, ertp, TRAINING_PLAN, tmp_path, "t.pdf", samples.pdf())
    assert support.table_snapshot() == before


# ------------------------------------------------------------------ only the current draft changes


def _mutations(facility_id: int, version_id, file_id: int):
    return [
        (documents.set_source, (facility_id, version_id, ER_PLAN, {"source": "5"})),
        (documents.clear_slot, (facility_id, version_id, ER_PLAN)),
        (documents.remove_file, (facility_id, version_id, file_id)),
        (documents.check_can_attach, (facility_id, version_id, ER_PLAN)),
    ]


def _refused_everywhere(person, facility_id, version_id, file_id, tmp_path, message) -> None:
    for call, args in _mutations(facility_id, version_id, file_id):
        with pytest.raises(Conflict) as refused:
            db.run(call, person.actor(), *args)
        assert refused.value.message == message, call.__name__
    with pytest.raises(Conflict) as refused:
        _attach(person, facility_id, version_id, ER_PLAN, tmp_path, "new.pdf", samples.pdf("n"))
    assert refused.value.message == message


def test_a_submitted_version_refuses_every_change(world, plant, ertp, tmp_path) -> None:
    view = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    yolo.mark_submitted(ertp)
    before = support.table_snapshot()
    _refused_everywhere(world.ed, plant, ertp, view.files[0].id, tmp_path, SUBMITTED_UNCHANGEABLE)
    # With a new draft started, the submitted version's id is still refused.
    start_draft(world.lena, plant, ERTP)
    before = support.table_snapshot()
    _refused_everywhere(world.ed, plant, ertp, view.files[0].id, tmp_path, SUBMITTED_UNCHANGEABLE)
    assert support.table_snapshot() == before
    assert len(kept_files()) == 1


def test_a_draft_of_another_facility_is_refused(world, plant, ertp, tmp_path) -> None:
    annex = yolo.add_facility(world.lena, world.acme, name="Acme - Annex", street="9 B St")
    view = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    start_draft(world.lena, annex, ERTP)
    _refused_everywhere(world.ed, annex, ertp, view.files[0].id, tmp_path, SUBMITTED_UNCHANGEABLE)


def test_without_a_draft_a_new_submittal_must_be_started(world, plant, ertp, tmp_path) -> None:
    view = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    yolo.mark_submitted(ertp)
    before = support.table_snapshot()
    for version_id in (None, 0, "x"):
        _refused_everywhere(world.ed, plant, version_id, view.files[0].id, tmp_path, START_ERTP)
    assert support.table_snapshot() == before


# ------------------------------------------------------------------ for drafts, submit, changes


def _answered_draft(world, plant, ertp, tmp_path) -> None:
    _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf(), title="ER plan")
    _set(world.ed, plant, ertp, TRAINING_PLAN, source="4", url="https://acme.example/training")


def test_findings_block_until_every_required_slot_is_answered(world, plant, ertp, tmp_path):
    found = db.run(documents.version_document_findings, ertp)
    assert [(f.slot, f.code, f.level) for f in found] == [
        (ER_PLAN, "1003", "required"),
        (TRAINING_PLAN, "1003", "required"),
    ]
    _answered_draft(world, plant, ertp, tmp_path)
    assert db.run(documents.version_document_findings, ertp) == []
    _set(world.ed, plant, ertp, LOCAL_ERTP, source="5")  # optional, but now incomplete
    assert [f.code for f in db.run(documents.version_document_findings, ertp)] == ["1010"]
    assert db.run(documents.version_document_findings, 999_999) == []


def test_the_snapshot_names_each_answer_and_its_files(world, plant, ertp, tmp_path) -> None:
    _answered_draft(world, plant, ertp, tmp_path)
    [stored] = stored_rows()
    assert db.run(documents.documents_snapshot, ertp) == {
        ER_PLAN: {
            "source": 5,
            "source_label": "Upload Documents",
            "files": [{"sha256": stored.sha256, "name": "plan.pdf", "title": "ER plan"}],
        },
        TRAINING_PLAN: {
            "source": 4,
            "source_label": "Public Internet URL",
            "url": "https://acme.example/training",
            "files": [],
        },
    }


def _copy(from_id: int, to_id: int, user_id: int) -> int:
    def work(session) -> int:
        with db.transaction(session):
            return documents.copy_documents(session, from_id, to_id, user_id)

    with audit_hook.exempt("test helper copies the documents without the drafts feature's event"):
        return db.run(work)


def test_a_copy_shares_the_stored_files_and_changes_apart(world, plant, ertp, tmp_path) -> None:
    _answered_draft(world, plant, ertp, tmp_path)
    yolo.mark_submitted(ertp)
    draft = start_draft(world.lena, plant, ERTP)

    assert _copy(ertp, draft, world.lena.id) == 2
    snapshot = db.run(documents.documents_snapshot, ertp)
    assert db.run(documents.documents_snapshot, draft) == snapshot
    [stored] = stored_rows()
    copied = _slot(_show(world.ed, plant), ER_PLAN)
    assert copied.files[0].sha256 == stored.sha256
    rows = [r for r in document_rows() if r.element_version_id == draft]
    assert {r.created_by_user_id for r in rows} == {world.lena.id}

    # Removing the file from the draft keeps the bytes the submitted version still refers to.
    db.run(documents.remove_file, world.ed.actor(), plant, draft, copied.files[0].id)
    assert stored_rows() == [stored] and kept_files() == [storage.open_path(stored)]
    assert db.run(documents.documents_snapshot, ertp) == snapshot
    assert db.run(documents.documents_snapshot, draft)[ER_PLAN]["files"] == []
    old = db.run(documents.download_file, world.val.actor(), plant, _file_id(ertp))
    assert old.path.read_bytes() == samples.pdf()


def _file_id(version_id: int) -> int:
    return next(r.id for r in file_rows() if r.element_version_id == version_id)


def test_removing_a_discarded_drafts_documents(world, plant, ertp, tmp_path) -> None:
    _answered_draft(world, plant, ertp, tmp_path)
    yolo.mark_submitted(ertp)
    draft = start_draft(world.lena, plant, ERTP)
    _copy(ertp, draft, world.lena.id)
    _attach(world.ed, plant, draft, TRAINING_PLAN, tmp_path, "new.pdf", samples.pdf("new"))
    assert len(stored_rows()) == 2

    def discard(session) -> None:
        with db.transaction(session):
            documents.remove_documents(session, draft)

    with audit_hook.exempt("calls the discard's inner step alone; discarding audits it"):
        db.run(discard)
    assert {r.element_version_id for r in document_rows()} == {ertp}
    assert {r.element_version_id for r in file_rows()} == {ertp}
    assert [s.original_name for s in stored_rows()] == ["plan.pdf"]  # the shared one stays
    assert len(kept_files()) == 1


def test_a_submitted_version_is_shown_read_only(world, plant, ertp, tmp_path) -> None:
    _answered_draft(world, plant, ertp, tmp_path)
    yolo.mark_submitted(ertp)
    view = _show(world.lena, plant)
    assert (view.version_id, view.status_label, view.is_draft, view.editable) == (
        ertp,
        "Submitted",
        False,
        False,
    )
    assert _slot(view, ER_PLAN).files[0].original_name == "plan.pdf"
    draft = start_draft(world.lena, plant, ERTP)
    assert _show(world.lena, plant).version_id == draft
    assert _show(world.lena, plant, version_id=ertp).version_id == ertp
    for wrong in (draft + 100, "x"):
        with pytest.raises(NotFound):
            _show(world.lena, plant, version_id=wrong)


def test_a_missing_stored_file_is_reported(world, plant, ertp, tmp_path) -> None:
    view = _attach(world.ed, plant, ertp, ER_PLAN, tmp_path, "plan.pdf", samples.pdf())
    [path] = kept_files()
    path.unlink()
    with pytest.raises(NotFound) as refused:
        db.run(documents.download_file, world.ed.actor(), plant, view.files[0].id)
    assert refused.value.message == documents.FILE_MISSING


def test_facility_rows_are_untouched_by_document_work(world, plant, ertp, tmp_path) -> None:
    before = db.run(lambda s: s.get(Facility, plant))
    _answered_draft(world, plant, ertp, tmp_path)
    assert db.run(lambda s: s.get(Facility, plant)) == before
    assert [e.after["name"] for e in _events("DOCUMENT_FILE_ATTACHED")] == ["plan.pdf"]
