"""The Underground Storage Tanks element on the database: Business Activities make it required,
its facility form, its tanks with their monitoring plans and its installation certifications
kept in the draft, every UST guidance rule blocking the submit until fixed, the conditional
documents, the submit with Facility Information, the copy into the next draft, the change
view and the regulator's view."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.codes import NOT_REQUIRED, REQUIRED, SUBMITTED
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import ElementVersion
from cers_app.regulator import submittal_view
from cers_app.submittals import change_view, documents, drafts, readiness
from cers_app.submittals import element_form_service as forms
from cers_app.submittals import element_record_service as records
from cers_app.submittals.demo_ust import FACILITY_FORM, MONITORING_PLAN, TANKS
from tests.unit.facilities import county as yolo
from tests.unit.submittals import hmbp

FI, UST = 1, 4
TANK, INSTALLATION = "tank", "installation"
FINANCIAL_RESPONSIBILITY, WRITTEN_AGREEMENT, CFO_LETTER = 29, 31, 32
INSTALLED = {
    "NameContractorInstallation": "Delta Tank Works",
    "ProjectTypeTank": "Y",
    "DescriptionOfWork": "Installed a new 10,000 gallon double-walled fiberglass tank.",
    "CertificationDate": "2025-02-10",
}


def _ust_draft(world, plant) -> int:
    """Business Activities say the facility has USTs, the Owner/Operator Identification is
    filled in; a blank UST draft."""
    saved, errors = yolo.save_answers(world.lena, plant, yolo.answers("OwnOrOperateUST"))
    assert not errors, errors
    _, errors = db.run(
        facility_service.save_owner_operator,
        world.lena.actor(),
        plant,
        yolo.OWNER,
        saved.version,
    )
    assert not errors, errors
    return db.run(drafts.start_element, world.lena.actor(), plant, UST, drafts.BLANK)


def _version(person, plant) -> int:
    return db.run(records.element_records_view, person.actor(), plant, UST).version


@pytest.fixture
def ust(world, plant) -> int:
    """The UST draft of lena's plant (ed, the Editor, fills it in)."""
    return _ust_draft(world, plant)


def _form(person, plant, values) -> dict[str, str]:
    version = db.run(forms.element_form, person.actor(), plant, UST).version
    _, errors = db.run(forms.save_element_form, person.actor(), plant, UST, values, version)
    return errors


def _add(person, plant, kind, values):
    version = _version(person, plant)
    return db.run(records.add_record, person.actor(), plant, UST, kind, values, version)


def _part(person, plant, kind, key, part, values):
    return db.run(
        records.save_record_part,
        person.actor(),
        plant,
        UST,
        kind,
        key,
        part,
        values,
        _version(person, plant),
    )


def _tank(person, plant, values, monitored=True) -> str:
    view, errors = _add(person, plant, TANK, values)
    assert not errors, errors
    if monitored:
        _, errors = _part(person, plant, TANK, view.key, "monitoring", MONITORING_PLAN)
        assert not errors, errors
    return view.key


def _codes(version_id: int) -> list[str]:
    found = db.run(lambda s: readiness.blockers(s, s.get(ElementVersion, version_id)))
    return [b.code for b in found]


def _complete(world, plant, draft_id) -> None:
    """The facility form, two tanks with monitoring plans and the FR certification."""
    assert not _form(world.ed, plant, FACILITY_FORM)
    for values in TANKS:
        _tank(world.ed, plant, values)
    hmbp.stored_at_facility(world.lena, plant, UST, FINANCIAL_RESPONSIBILITY)
    assert _codes(draft_id) == []


# ------------------------------------------------------------------ applicability, slots


def test_the_ust_answer_makes_the_element_required_and_startable(world, plant):
    _, errors = yolo.save_answers(world.lena, plant, yolo.answers())
    assert not errors, errors
    assert yolo.elements(plant)[UST].requirement == NOT_REQUIRED
    with pytest.raises(Conflict, match="not required"):
        db.run(drafts.start_element, world.lena.actor(), plant, UST, drafts.BLANK)

    draft_id = _ust_draft(world, plant)

    row = yolo.elements(plant)[UST]
    assert (row.requirement, row.draft_version_id) == (REQUIRED, draft_id)


def test_its_document_slots_and_which_are_required(world, plant, ust):
    shown = db.run(documents.element_documents, world.val.actor(), plant, UST)

    assert [(s.code, s.required) for s in shown.slots] == [
        (28, False),
        (29, True),
        (30, False),
        (31, False),
        (32, False),
        (33, False),
        (37, False),
        (54, False),
    ]
    assert all(len(slot.help) > 40 for slot in shown.slots)


def test_a_blank_draft_needs_its_form_a_tank_and_the_fr_certification(world, plant, ust):
    assert _codes(ust) == ["1001", "1014", "1031"]
    with pytest.raises(ValidationFailed):
        hmbp.submitted(world.connie, plant, FI, UST)


# ------------------------------------------------------------------ each guidance rule


def test_a_missing_storage_fee_account_number_blocks_1072(world, plant, ust):
    errors = _form(world.ed, plant, {**FACILITY_FORM, "BOENumber": ""})

    assert "BOENumber" in errors
    assert "1072" in _codes(ust)
    assert "BOENumber" in _form(world.ed, plant, {**FACILITY_FORM, "BOENumber": "44-0123"})
    assert "1072" in _codes(ust)
    assert not _form(world.ed, plant, FACILITY_FORM)
    assert "1072" not in _codes(ust)


def test_no_financial_responsibility_mechanism_blocks_1080(world, plant, ust):
    without = {**FACILITY_FORM, "FRCodeInsurance": "N"}

    errors = _form(world.ed, plant, without)

    assert "financial" in errors["FRCodeSelfInsured"].lower()
    assert "1080" in _codes(ust)
    assert not _form(world.ed, plant, {**without, "FRCodeSuretyBond": "Y"})
    assert "1080" not in _codes(ust)


def test_a_missing_fr_certification_document_blocks_1031(world, plant, ust):
    assert "1031" in _codes(ust)
    hmbp.stored_at_facility(world.lena, plant, UST, FINANCIAL_RESPONSIBILITY)
    assert "1031" not in _codes(ust)


def test_a_tank_without_monitoring_plan_blocks_1030(world, plant, ust):
    assert not _form(world.ed, plant, FACILITY_FORM)
    key = _tank(world.ed, plant, TANKS[0], monitored=False)

    assert "1030" in _codes(ust)
    listed = db.run(records.element_records_view, world.val.actor(), plant, UST)
    [row] = listed.kinds[0].rows
    assert [(p.name, p.status) for p in row.parts] == [
        ("tank", "complete"),
        ("monitoring", "missing"),
    ]
    _part(world.ed, plant, TANK, key, "monitoring", MONITORING_PLAN)
    assert "1030" not in _codes(ust)


def test_duplicate_tank_ids_block_1048_until_one_is_renamed(world, plant, ust):
    first = _tank(world.ed, plant, TANKS[0])
    second = _tank(world.ed, plant, {**TANKS[1], "TankIDNumber": "t-1"})

    assert _codes(ust).count("1048") == 2
    shown = db.run(records.record_view, world.val.actor(), plant, UST, TANK, second)
    assert [f.code for f in shown.findings] == ["1048"]
    assert "T-1" in shown.findings[0].message

    view, errors = _part(world.ed, plant, TANK, second, "tank", TANKS[1])
    assert not errors and view.label == "Tank T-2"
    assert "1048" not in _codes(ust)
    assert first != second


def test_a_new_tank_needs_its_installation_certification_1034(world, plant, ust):
    _tank(world.ed, plant, {**TANKS[0], "TypeOfAction": "1"})
    assert "1034" in _codes(ust)

    view, errors = _add(world.ed, plant, INSTALLATION, {**INSTALLED, "ProjectTypeTank": "N"})

    assert "ProjectTypeTank" in errors
    assert "1034" not in _codes(ust) and "1076" in _codes(ust)
    _part(world.ed, plant, INSTALLATION, view.key, INSTALLATION, INSTALLED)
    assert "1076" not in _codes(ust)


def test_different_tank_owner_and_operator_need_the_written_agreement_1032(world, plant, ust):
    _complete(world, plant, ust)

    _form(world.ed, plant, {**FACILITY_FORM, "TankOperatorName": "Yolo Fuel Services"})

    assert _codes(ust) == ["1032"]
    hmbp.stored_at_facility(world.lena, plant, UST, WRITTEN_AGREEMENT)
    assert _codes(ust) == []


def test_the_state_fund_and_cfo_letter_need_the_letter_1033(world, plant, ust):
    _complete(world, plant, ust)

    _form(world.ed, plant, {**FACILITY_FORM, "FRCodeStateFundCFOLetter": "Y"})

    assert _codes(ust) == ["1033"]
    hmbp.stored_at_facility(world.lena, plant, UST, CFO_LETTER)
    assert _codes(ust) == []


# ------------------------------------------------------------------ the records service


def test_a_tank_is_added_saved_and_removed(world, plant, ust):
    view, errors = _add(
        world.ed, plant, TANK, {"TankIDNumber": " T-9 ", "TankCapacityInGallons": "x"}
    )

    assert view.label == "Tank T-9"
    assert errors["TankCapacityInGallons"].startswith("Enter a whole number")
    assert view.parts[0].values["TankCapacityInGallons"] == "x"  # kept to be corrected
    listed = db.run(records.element_records_view, world.val.actor(), plant, UST)
    assert [row.key for row in listed.kinds[0].rows] == [view.key]

    after = db.run(
        records.delete_record,
        world.ed.actor(),
        plant,
        UST,
        TANK,
        view.key,
        _version(world.ed, plant),
    )

    assert after.kinds[0].rows == ()
    with pytest.raises(NotFound):
        db.run(records.record_view, world.val.actor(), plant, UST, TANK, view.key)


def test_keys_are_not_reused_after_a_removal(world, plant, ust):
    first = _tank(world.ed, plant, TANKS[0])
    db.run(
        records.delete_record, world.ed.actor(), plant, UST, TANK, first, _version(world.ed, plant)
    )

    second = _tank(world.ed, plant, TANKS[1])

    assert int(second) > int(first)


def test_a_stale_version_is_a_conflict_and_changes_nothing(world, plant, ust):
    stale = _version(world.ed, plant)
    _tank(world.ed, plant, TANKS[0])

    with pytest.raises(Conflict, match="changed by someone else"):
        db.run(records.add_record, world.ed.actor(), plant, UST, TANK, TANKS[1], stale)

    listed = db.run(records.element_records_view, world.val.actor(), plant, UST)
    assert len(listed.kinds[0].rows) == 1


def test_viewers_and_strangers_cannot_change_records(world, plant, ust):
    key = _tank(world.ed, plant, TANKS[0])
    version = _version(world.ed, plant)
    before = db.run(lambda s: dict(s.get(ElementVersion, ust).data))

    listed = db.run(records.element_records_view, world.val.actor(), plant, UST)
    assert listed.can_edit is False
    with pytest.raises(PermissionDenied):
        db.run(records.add_record, world.val.actor(), plant, UST, TANK, TANKS[1], version)
    with pytest.raises(PermissionDenied):
        db.run(records.delete_record, world.val.actor(), plant, UST, TANK, key, version)
    for attempt in (
        lambda: db.run(records.element_records_view, world.otto.actor(), plant, UST),
        lambda: db.run(records.record_view, world.otto.actor(), plant, UST, TANK, key),
        lambda: db.run(
            records.save_record_part,
            world.otto.actor(),
            plant,
            UST,
            TANK,
            key,
            "tank",
            TANKS[1],
            version,
        ),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert db.run(lambda s: dict(s.get(ElementVersion, ust).data)) == before


@pytest.mark.parametrize(
    ("kind", "key", "part"),
    [("pump", "1", "tank"), (TANK, "99", "tank"), (TANK, "1", "engine"), (7, "1", "tank")],
)
def test_unknown_kinds_records_and_parts_are_not_found(world, plant, ust, kind, key, part):
    _tank(world.ed, plant, TANKS[0])

    with pytest.raises(NotFound):
        db.run(
            records.save_record_part,
            world.ed.actor(),
            plant,
            UST,
            kind,
            key,
            part,
            TANKS[0],
            _version(world.ed, plant),
        )


def test_elements_without_records_have_no_records_page(world, plant, ust):
    for element in (FI, 2, 9, "4", None):
        with pytest.raises(NotFound):
            db.run(records.element_records_view, world.val.actor(), plant, element)


# ------------------------------------------------------------------ submit, copy, review


def test_the_complete_element_is_submitted_with_facility_information(world, plant, county, ust):
    _complete(world, plant, ust)

    hmbp.submitted(world.connie, plant, FI, UST)

    assert db.run(lambda s: s.get(ElementVersion, ust).status) == SUBMITTED
    with pytest.raises(Conflict):
        db.run(records.add_record, world.ed.actor(), plant, UST, TANK, TANKS[0], 0)

    rita = yolo.regulator("ritareyes", "Rita", "Reyes", county.cupa, "admin")
    seen = db.run(submittal_view.submitted_element, rita.actor(), ust)
    shown = repr(seen)
    assert "T-1" in shown and "T-2" in shown


def test_the_next_draft_copies_the_tanks_and_the_change_view_names_them(world, plant, ust):
    _complete(world, plant, ust)
    yolo.mark_submitted(ust)

    second = db.run(drafts.start_element, world.ed.actor(), plant, UST, "")
    listed = db.run(records.element_records_view, world.ed.actor(), plant, UST)
    assert listed.version_id == second
    [first_key, _] = [row.key for row in listed.kinds[0].rows]
    _part(world.ed, plant, TANK, first_key, "tank", {**TANKS[0], "TankCapacityInGallons": "15000"})

    changes = db.run(change_view.element_changes, world.ed.actor(), plant, UST)

    assert [(c.label, c.before, c.after) for c in changes.changes.forms] == [
        ("Tank T-1: Tank capacity (gallons)", "12000", "15000")
    ]
