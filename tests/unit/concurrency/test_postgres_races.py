"""Races between two connections, made deterministic: two editors saving one row, two
submits of one draft, a role removed while an edit is in flight, an import whose upload
right is removed before it commits.

Each race runs the real services in real threads, each with its own session and connection.
Nothing is left to timing: a pause point stops one thread after its role check, at a step of
a long job or just before its commit (holding its locks), and on PostgreSQL
`wait_until_blocked_by` waits until the server reports the other connection queued behind
the paused one's locks. SQLite runs the same interleavings and must end the same way, but
there the second writer waits inside SQLite for its one write lock (taken before anything is
checked: `core.db.write_lock`), where no test can see it, so that wait is not asserted.
PostgreSQL is the must: with CERS_REQUIRE_POSTGRES=1 a missing server fails these tests.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.core import db
from cers_app.core.audit import AuditEvent
from cers_app.core.codes import DRAFT, SUBMITTED
from cers_app.core.errors import Conflict, PermissionDenied
from cers_app.facilities import service as facilities
from cers_app.facilities.models import ElementVersion
from cers_app.inventory import importing, service
from cers_app.inventory.import_models import InventoryImport
from cers_app.organizations import service as organizations
from cers_app.organizations.roles import OrgAction, OrgRole
from cers_app.submittals import drafts, element_form_service, submit
from cers_app.submittals.models import Submittal
from tests.security.report import tally
from tests.unit import support
from tests.unit.concurrency.races import (
    PausePoint,
    Racer,
    paused_after_role_check,
    paused_before_commit,
    paused_on_entry,
    started,
    wait_until_blocked_by,
)
from tests.unit.facilities import county as yolo
from tests.unit.inventory import importing_files as files
from tests.unit.inventory import stock
from tests.unit.organizations import world as acme_world
from tests.unit.submittals import hmbp

# Every race on both databases; `-m postgres` picks the PostgreSQL runs.
BOTH = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
APSA = 9
APSA_FORM = {
    "ConditionallyExempt": "N",
    "SPCCPlanCertificationOrFiveYearReview": "2024-03-01",
    "TotalAbovegroundStorageCapacityOfPetroleum": "25,000",
    "NumberOfTanksInUndergroundAreas": "0",
}


def _events(name: str) -> list[AuditEvent]:
    return support.audit_events(name)


def _refused(outcome: object, kind: type[Exception], message: str) -> None:
    """The losing call was refused with exactly the project's message for it."""
    assert isinstance(outcome, kind), outcome
    assert str(outcome) == message or getattr(outcome, "message", None) == message, outcome
    tally("concurrency", "refused")


def _allowed() -> None:
    tally("concurrency", "allowed")


# ---------------------------------------------------------------- two editors, one row


def _inventory_row(world, yard) -> tuple[int, service.ItemForm]:
    item_id = stock.added(world.ed, yard, stock.row())
    return item_id, db.run(service.get_item, world.ed.actor(), yard, item_id)


def _save_row(person, yard, item_id, form, **changes):
    return Racer(
        person.username,
        db.run,
        service.save_item,
        person.actor(),
        yard,
        item_id,
        {**form.values, **changes},
        form.version,
    )


def _assert_one_row_change(reader, yard, item_id, winner, **changes) -> None:
    """The row holds the winner's change at the next version, audited once, as theirs."""
    stored = db.run(service.get_item, reader.actor(), yard, item_id)
    for tag, value in changes.items():
        assert stored.values[tag] == value
    assert stored.version == 2
    [event] = _events("INVENTORY_ITEM_CHANGED")
    assert (event.subject_id, event.actor_user_id) == (str(item_id), winner.id)


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_an_editor_whose_check_passed_before_the_other_saved_gets_the_stale_message(yard, world):
    item_id, form = _inventory_row(world, yard)
    first = _save_row(world.ed, yard, item_id, form, MaximumDailyAmount="900")
    second = _save_row(world.lena, yard, item_id, form, ChemicalLocation="Tank farm")

    with paused_after_role_check(PausePoint(), OrgAction.EDIT_DRAFT) as point:
        started(first, point)
        point.wait()  # ed is past his role check, nothing read or written yet
        saved, errors = started(second).outcome()
        assert errors == {} and saved.version == 2
        point.go_on()
        _refused(first.outcome(), Conflict, service.STALE)

    _allowed()
    _assert_one_row_change(world.val, yard, item_id, world.lena, ChemicalLocation="Tank farm")
    assert (
        db.run(service.get_item, world.ed.actor(), yard, item_id).values["MaximumDailyAmount"]
        == form.values["MaximumDailyAmount"]
    )


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_an_editor_who_reaches_the_row_while_the_other_commits_gets_the_stale_message(
    yard, world, database
):
    item_id, form = _inventory_row(world, yard)
    first = _save_row(world.ed, yard, item_id, form, MaximumDailyAmount="900")
    second = _save_row(world.lena, yard, item_id, form, ChemicalLocation="Tank farm")

    with (
        paused_before_commit(PausePoint()) as commit,
        paused_after_role_check(PausePoint(), OrgAction.EDIT_DRAFT) as checked,
    ):
        started(first, commit)  # ed writes, then waits holding his locks
        commit.wait()
        started(second, checked)  # lena is past her role check while ed is uncommitted
        checked.wait()
        checked.go_on()
        if database == "postgresql":
            assert commit.pid is not None
            wait_until_blocked_by(commit.pid)  # lena is queued behind ed's lock on the draft
        commit.go_on()
        saved, errors = first.outcome()
        assert errors == {} and saved.version == 2
        _refused(second.outcome(), Conflict, service.STALE)

    _allowed()
    _assert_one_row_change(world.val, yard, item_id, world.ed, MaximumDailyAmount="900")
    stored = db.run(service.get_item, world.ed.actor(), yard, item_id)
    assert stored.values["ChemicalLocation"] == form.values["ChemicalLocation"]


def _apsa_draft(world, plant) -> None:
    _, errors = yolo.save_answers(world.lena, plant, yolo.answers("OwnOrOperateAPST"))
    assert not errors, errors
    db.run(drafts.start_element, world.lena.actor(), plant, APSA, drafts.BLANK)


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_two_saves_of_one_element_form_version_keep_the_first_and_refuse_the_second(
    plant, world, database
):
    _apsa_draft(world, plant)
    shown = db.run(element_form_service.element_form, world.ed.actor(), plant, APSA)

    def save(person, **changes):
        return Racer(
            person.username,
            db.run,
            element_form_service.save_element_form,
            person.actor(),
            plant,
            APSA,
            {**APSA_FORM, **changes},
            shown.version,
        )

    first = save(world.ed, TotalAbovegroundStorageCapacityOfPetroleum="30000")
    second = save(world.lena, TotalAbovegroundStorageCapacityOfPetroleum="40000")
    with (
        paused_before_commit(PausePoint()) as commit,
        paused_after_role_check(PausePoint(), OrgAction.EDIT_DRAFT) as checked,
    ):
        started(first, commit)
        commit.wait()
        started(second, checked)
        checked.wait()
        checked.go_on()
        if database == "postgresql":
            wait_until_blocked_by(commit.pid or 0)
        commit.go_on()
        view, errors = first.outcome()
        assert errors == {}
        lost = second.outcome()
        assert isinstance(lost, Conflict), lost
        assert "changed by someone else meanwhile" in str(lost)
        tally("concurrency", "refused")

    _allowed()
    stored = db.run(element_form_service.element_form, world.ed.actor(), plant, APSA)
    assert stored.values["TotalAbovegroundStorageCapacityOfPetroleum"] == "30000"
    assert stored.version == shown.version + 1 == view.version
    assert len(_events("ELEMENT_FORM_SAVED")) == 1


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_two_saves_of_one_facility_information_version_keep_the_first_and_refuse_the_second(
    plant, world, database
):
    version = yolo.fi_draft(plant).version
    saved_before = len(_events("FACILITY_INFORMATION_DRAFT_SAVED"))

    def save(person, comment):
        return Racer(
            person.username,
            db.run,
            facilities.save_business_activities,
            person.actor(),
            plant,
            yolo.answers("HMOnSite", Comments=comment),
            version,
        )

    first = save(world.ed, "Ed's answers")
    second = save(world.lena, "Lena's answers")
    with (
        paused_before_commit(PausePoint()) as commit,
        paused_after_role_check(PausePoint(), OrgAction.EDIT_DRAFT) as checked,
    ):
        started(first, commit)
        commit.wait()
        started(second, checked)
        checked.wait()
        checked.go_on()
        if database == "postgresql":
            wait_until_blocked_by(commit.pid or 0)
        commit.go_on()
        _, errors = first.outcome()
        assert errors == {}
        lost = second.outcome()
        assert isinstance(lost, Conflict), lost
        assert "changed by someone else meanwhile" in str(lost)
        tally("concurrency", "refused")

    _allowed()
    draft = yolo.fi_draft(plant)
    assert draft.data["business_activities"]["Comments"] == "Ed's answers"
    assert draft.version == version + 1
    assert len(_events("FACILITY_INFORMATION_DRAFT_SAVED")) == saved_before + 1


# ---------------------------------------------------------------- two submits, one draft


def _submittals() -> list[Submittal]:
    return db.run(lambda s: list(s.exec(select(Submittal).order_by(Submittal.id))))


def _submit(name, person, plant, request) -> Racer:
    return Racer(name, db.run, submit.submit, person.actor(), plant, request)


def _assert_one_submittal(plant, winner_id: int, version_ids: dict[int, int]) -> None:
    [submittal] = _submittals()
    assert submittal.id == winner_id
    for version_id in version_ids.values():
        version = db.run(lambda s, v=version_id: s.get(ElementVersion, v))
        assert (version.status, version.submittal_id) == (SUBMITTED, winner_id)
    assert all(slot.draft_version_id is None for slot in yolo.elements(plant).values())
    assert len(_events("FACILITY_SUBMITTED")) == 1


@pytest.mark.parametrize("same_key", [False, True], ids=["other-key", "same-key"])
@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_two_submits_of_one_draft_make_one_submittal(plant, world, database, same_key):
    hmbp.prepare(world.lena, plant)
    ids = {e: hmbp.draft_id(plant, e) for e in (hmbp.FI, hmbp.HMI, hmbp.ERTP)}
    first_request = hmbp.request(plant)
    second_request = first_request if same_key else hmbp.request(plant)
    first = _submit("connie-1", world.connie, plant, first_request)
    second = _submit("connie-2", world.connie, plant, second_request)

    with (
        paused_before_commit(PausePoint()) as commit,
        paused_after_role_check(PausePoint(), OrgAction.SUBMIT) as checked,
    ):
        started(first, commit)  # the first submittal is written, not yet committed
        commit.wait()
        started(second, checked)
        checked.wait()
        checked.go_on()
        if database == "postgresql":
            wait_until_blocked_by(commit.pid or 0)  # queued behind the element rows' locks
        commit.go_on()
        winner = first.outcome()
        assert isinstance(winner, int), winner
        other = second.outcome()

    if same_key:
        assert other == winner  # the same form sent twice: the first one's answer
    else:
        _refused(other, Conflict, submit.GONE.format(label="Facility Information"))
    _allowed()
    _assert_one_submittal(plant, winner, ids)


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_a_submit_whose_check_passed_before_the_other_committed_finds_the_draft_gone(
    plant, world, database
):
    hmbp.prepare(world.lena, plant)
    ids = {e: hmbp.draft_id(plant, e) for e in (hmbp.FI, hmbp.HMI, hmbp.ERTP)}
    late = _submit("connie", world.connie, plant, hmbp.request(plant))

    with paused_after_role_check(PausePoint(), OrgAction.SUBMIT) as checked:
        started(late, checked)
        checked.wait()
        winner = _submit("lena", world.lena, plant, hmbp.request(plant))
        winner.start()
        submittal_id = winner.outcome()
        assert isinstance(submittal_id, int), submittal_id
        checked.go_on()
        _refused(late.outcome(), Conflict, submit.GONE.format(label="Facility Information"))

    _allowed()
    _assert_one_submittal(plant, submittal_id, ids)


# ---------------------------------------------------------------- a role removed mid-edit


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_an_edit_whose_editor_was_removed_after_the_check_is_refused_and_writes_nothing(
    yard, world, database
):
    item_id, form = _inventory_row(world, yard)
    ed_member = acme_world.member_id(world.acme, world.ed)
    edit = _save_row(world.ed, yard, item_id, form, MaximumDailyAmount="900")
    removal = Racer(
        "lena", db.run, organizations.remove_person, world.lena.actor(), world.acme, ed_member
    )

    with paused_after_role_check(PausePoint(), OrgAction.EDIT_DRAFT) as checked:
        started(edit, checked)
        checked.wait()  # ed's role check passed; his edit has written nothing yet
        removal.start()
        assert removal.outcome() is None  # lena's removal of ed committed
        before = support.table_snapshot()
        checked.go_on()
        _refused(
            edit.outcome(),
            PermissionDenied,
            organizations.ROLE_GONE.format(
                name=acme_world.ACME, action="edit facility information and drafts"
            ),
        )

    assert support.table_snapshot() == before  # nothing of the edit was written
    assert acme_world.membership(world.acme, world.ed) is None
    stored = db.run(service.get_item, world.lena.actor(), yard, item_id)
    assert stored.values == form.values and stored.version == form.version
    assert _events("INVENTORY_ITEM_CHANGED") == []
    assert len(_events("ORG_MEMBER_REMOVED")) == 1


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_an_edit_whose_editor_was_lowered_to_viewer_after_the_check_is_refused(
    yard, world, database
):
    item_id, form = _inventory_row(world, yard)
    ed_member = acme_world.membership(world.acme, world.ed)
    assert ed_member is not None
    edit = _save_row(world.ed, yard, item_id, form, MaximumDailyAmount="900")
    lowering = Racer(
        "lena",
        db.run,
        organizations.change_person,
        world.lena.actor(),
        world.acme,
        ed_member.id,
        OrgRole.VIEWER.value,
        ed_member.title,
        ed_member.phone,
        ed_member.version,
    )

    with paused_after_role_check(PausePoint(), OrgAction.EDIT_DRAFT) as checked:
        started(edit, checked)
        checked.wait()
        lowering.start()
        assert lowering.outcome() is None
        checked.go_on()
        outcome = edit.outcome()
        assert isinstance(outcome, PermissionDenied) and "nothing was saved" in str(outcome)
        tally("concurrency", "refused")

    stored = db.run(service.get_item, world.lena.actor(), yard, item_id)
    assert stored.values == form.values and stored.version == form.version
    assert _events("INVENTORY_ITEM_CHANGED") == []


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_a_removal_that_comes_after_the_edit_wrote_waits_and_the_edit_stands(yard, world, database):
    """The other order is also a correct one: the edit commits while the role is held, the
    removal after it. No edit commits after the removal that should have stopped it."""
    item_id, form = _inventory_row(world, yard)
    ed_member = acme_world.member_id(world.acme, world.ed)
    edit = _save_row(world.ed, yard, item_id, form, MaximumDailyAmount="900")
    removal = Racer(
        "lena", db.run, organizations.remove_person, world.lena.actor(), world.acme, ed_member
    )

    with paused_before_commit(PausePoint()) as commit:
        started(edit, commit)  # ed wrote and re-checked his role, holding it FOR SHARE
        commit.wait()
        removal.start()
        if database == "postgresql":
            wait_until_blocked_by(commit.pid or 0)  # the removal waits for ed's commit
            assert acme_world.membership(world.acme, world.ed) is not None
        commit.go_on()
        saved, errors = edit.outcome()
        assert errors == {} and saved.version == form.version + 1
        assert removal.outcome() is None

    _allowed()
    assert acme_world.membership(world.acme, world.ed) is None
    [changed] = _events("INVENTORY_ITEM_CHANGED")
    [removed] = _events("ORG_MEMBER_REMOVED")
    assert changed.id < removed.id  # the edit committed first, while ed held his role
    stored = db.run(service.get_item, world.lena.actor(), yard, item_id)
    assert stored.values["MaximumDailyAmount"] == "900"


def _set_role(lead, world, person, role: OrgRole) -> None:
    member = acme_world.membership(world.acme, person)
    assert member is not None
    db.run(
        organizations.change_person,
        lead.actor(),
        world.acme,
        member.id,
        role.value,
        member.title,
        member.phone,
        member.version,
    )


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_a_lead_user_may_still_step_down_or_leave_in_their_own_transaction(world, database):
    """The re-check refuses someone else's change of a membership, not the actor's own."""
    _set_role(world.lena, world, world.connie, OrgRole.LEAD)
    _set_role(world.lena, world, world.ed, OrgRole.LEAD)

    _set_role(world.connie, world, world.connie, OrgRole.APPROVER)  # steps down
    ed_member = acme_world.member_id(world.acme, world.ed)
    db.run(organizations.remove_person, world.ed.actor(), world.acme, ed_member)  # leaves

    assert acme_world.membership(world.acme, world.connie).role == OrgRole.APPROVER.value
    assert acme_world.membership(world.acme, world.ed) is None
    _allowed()


# ---------------------------------------------------------------- an import losing its right


def _ready_import(world, yard, tmp_path) -> importing.ImportView:
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    path = files.workbook(tmp_path, yard, [stock.BASE, stock.NITROGEN, stock.GASOLINE])
    read = files.upload(world.ed, yard, path, importing.APPEND)
    assert read.status == importing.READY, read
    return read


def _assert_import_refused(yard, import_id: int, before: list[str]) -> None:
    assert files.names(yard) == before  # the inventory is unchanged
    job = db.run(lambda s: s.get(InventoryImport, import_id))
    assert (job.status, job.message) == (importing.CANCELLED, importing.PERMISSION_REMOVED)
    assert (job.lease_owner, job.finished_at is not None) == ("", True)
    assert _events("INVENTORY_IMPORTED") == []


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_an_import_whose_upload_right_is_removed_while_it_prepares_commits_nothing(
    yard, world, tmp_path, database
):
    read = _ready_import(world, yard, tmp_path)
    ed_member = acme_world.member_id(world.acme, world.ed)
    confirm = Racer("ed", db.run, importing.confirm_import, world.ed.actor(), yard, read.id)
    removal = Racer(
        "lena", db.run, organizations.remove_person, world.lena.actor(), world.acme, ed_member
    )

    with paused_on_entry(importing, "_prepare", PausePoint()) as preparing:
        started(confirm, preparing)
        preparing.wait()  # the confirmation's check committed; the job is about to prepare
        removal.start()
        assert removal.outcome() is None
        preparing.go_on()
        _refused(confirm.outcome(), PermissionDenied, importing.PERMISSION_REMOVED)

    _assert_import_refused(yard, read.id, ["Motor Oil"])


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_a_command_line_import_whose_right_is_removed_while_it_reads_commits_nothing(
    yard, world, tmp_path, database
):
    stock.added(world.ed, yard, stock.MOTOR_OIL)
    path = files.workbook(tmp_path, yard, [stock.BASE, stock.NITROGEN])
    cers_id = yolo.facility(yard).cers_id
    lowering_to = OrgRole.VIEWER.value
    ed_member = acme_world.membership(world.acme, world.ed)
    assert ed_member is not None
    job = Racer("ed", importing.import_file, world.ed.actor(), cers_id, path, importing.APPEND)
    lowering = Racer(
        "lena",
        db.run,
        organizations.change_person,
        world.lena.actor(),
        world.acme,
        ed_member.id,
        lowering_to,
        ed_member.title,
        ed_member.phone,
        ed_member.version,
    )

    with paused_on_entry(importing, "_stage", PausePoint()) as reading:
        started(job, reading)
        reading.wait()  # the job is created and claimed; its file is about to be read
        lowering.start()
        assert lowering.outcome() is None
        reading.go_on()
        _refused(job.outcome(), PermissionDenied, importing.PERMISSION_REMOVED)

    [import_id] = db.run(lambda s: list(s.exec(select(InventoryImport.id))))
    _assert_import_refused(yard, import_id, ["Motor Oil"])


@pytest.mark.parametrize("database", BOTH, indirect=True)
def test_an_import_confirmed_while_the_right_is_held_commits(yard, world, tmp_path, database):
    read = _ready_import(world, yard, tmp_path)
    done = files.confirm(world.ed, yard, read.id)
    assert done.status == importing.IMPORTED
    assert files.names(yard) == ["Motor Oil", "Diesel Fuel", "Nitrogen", "Gasoline"]
    assert db.run(lambda s: s.get(ElementVersion, files.draft_id(yard))).status == DRAFT
    _allowed()
