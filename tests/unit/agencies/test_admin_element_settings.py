"""Agency administration: local requirements per element, and what they do for businesses
(the locally required document blocks submitting only when the agency asks for it)."""

from __future__ import annotations

import pytest

from cers_app.agencies import element_settings as es
from cers_app.agencies.models import AgencyElementSetting
from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, ValidationFailed
from cers_app.submittals import documents
from cers_app.submittals.document_rules import REQUIRED
from tests.unit import support
from tests.unit.agencies import admin_world
from tests.unit.agencies.admin_world import AdminWorld
from tests.unit.facilities import county as yolo
from tests.unit.submittals.document_world import ERTP, LOCAL_ERTP, start_draft

TEXT = "Keep a copy of the plans in the red box at the main gate."


@pytest.fixture
def w(database) -> AdminWorld:
    return admin_world.build()


def _save(person, agency_id: int, element: int, text: str, required: bool, version: int):
    given = {"local_requirements": text, "local_document_required": "on" if required else ""}
    return db.run(es.save_element_setting, person.actor(), agency_id, element, given, version)


def _view(person, agency_id: int, element: int) -> es.ElementSettingView:
    views = db.run(es.element_settings, person.actor(), agency_id)
    assert [v.element for v in views] == list(range(1, 11))
    return views[element - 1]


def test_the_admin_saves_an_elements_settings_with_a_version(w: AdminWorld):
    assert _view(w.rita, w.county.cupa, ERTP).version == 0
    views = _save(w.rita, w.county.cupa, ERTP, f"  {TEXT}\r\nSecond line. ", True, 0)
    saved = views[ERTP - 1]
    assert saved.local_requirements == f"{TEXT}\nSecond line."
    assert saved.local_document_required is True
    assert saved.version == 1 and saved.inherited_from == ""
    [event] = support.audit_events("AGENCY_ELEMENT_SETTING_CHANGED")
    assert event.actor_user_id == w.rita.id and event.subject_id == str(w.county.cupa)
    assert event.before == {
        "element": ERTP,
        "local_requirements": "",
        "local_document_required": False,
    }
    assert event.after["local_document_required"] is True and event.after["version"] == 1
    # The next save starts from version 1; an old page (version 0) is refused.
    _save(w.rita, w.county.cupa, ERTP, TEXT, False, 1)
    before = support.table_snapshot()
    with pytest.raises(Conflict, match="changed by someone else"):
        _save(w.rita, w.county.cupa, ERTP, "Mine wins", True, 1)
    with pytest.raises(Conflict):
        _save(w.rita, w.county.cupa, ERTP, "Mine wins", True, 0)
    assert support.table_snapshot() == before
    assert _view(w.rita, w.county.cupa, ERTP).version == 2


def test_a_pa_follows_its_cupa_until_it_has_its_own(w: AdminWorld):
    _save(w.rita, w.county.cupa, ERTP, TEXT, True, 0)
    inherited = _view(w.pam, w.county.pa, ERTP)
    assert inherited.inherited_from == "Yolo County Environmental Health"
    assert inherited.local_requirements == TEXT and inherited.version == 0
    _save(w.pam, w.county.pa, ERTP, "", False, 0)
    own = _view(w.pam, w.county.pa, ERTP)
    assert (own.inherited_from, own.local_requirements, own.version) == ("", "", 1)
    # The CUPA's admin administers the PA's settings too.
    _save(w.rita, w.county.pa, ERTP, "Woodland asks more.", False, 1)
    assert _view(w.pam, w.county.pa, ERTP).local_requirements == "Woodland asks more."


def test_bad_input_is_refused_and_nothing_changes(w: AdminWorld):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as caught:
        _save(w.rita, w.county.cupa, ERTP, "x" * 4001, False, 0)
    assert "4000" in caught.value.fields["local_requirements"]
    for element in (0, 11, "3", True, None):
        with pytest.raises(NotFound):
            _save(w.rita, w.county.cupa, element, TEXT, False, 0)
    assert support.table_snapshot() == before


@pytest.mark.parametrize("who", ["rob", "rex", "lena", "pam"])
def test_others_cannot_change_the_cupas_settings(w: AdminWorld, who: str):
    person = getattr(w, who)
    _save(w.rita, w.county.cupa, ERTP, TEXT, False, 0)
    before = support.table_snapshot()
    with pytest.raises(NotFound):
        db.run(es.element_settings, person.actor(), w.county.cupa)
    with pytest.raises(NotFound):
        _save(person, w.county.cupa, ERTP, "Taken over", True, 1)
    assert support.table_snapshot() == before
    assert support.count(AgencyElementSetting) == 1


def _local_findings(version_id: int) -> list:
    found = db.run(documents.version_document_findings, version_id)
    return [f for f in found if f.slot == LOCAL_ERTP]


def test_the_local_document_blocks_submitting_only_when_the_agency_asks(w: AdminWorld):
    lena = w.business.lena
    plant = yolo.add_facility(lena, w.business.acme)  # Davis: the Yolo CUPA's
    draft = start_draft(lena, plant, ERTP)
    assert _local_findings(draft) == []  # optional: nothing asks for it
    page = db.run(documents.element_documents, lena.actor(), plant, ERTP)
    slot = next(s for s in page.slots if s.code == LOCAL_ERTP)
    assert slot.required is False
    assert (page.local_agency, page.local_requirements) == ("", "")

    _save(w.rita, w.county.cupa, ERTP, TEXT, False, 0)  # text only: still optional
    assert _local_findings(draft) == []
    page = db.run(documents.element_documents, lena.actor(), plant, ERTP)
    assert page.local_agency == "Yolo County Environmental Health"
    assert page.local_requirements == TEXT

    _save(w.rita, w.county.cupa, ERTP, TEXT, True, 1)  # the agency asks for the document
    [finding] = _local_findings(draft)
    assert finding.level == REQUIRED
    page = db.run(documents.element_documents, lena.actor(), plant, ERTP)
    assert next(s for s in page.slots if s.code == LOCAL_ERTP).required is True

    # Another agency's setting changes nothing for this facility.
    _save(w.rex, w.county.other, ERTP, "Bay City rules", False, 0)
    _save(w.rita, w.county.cupa, ERTP, TEXT, False, 2)
    assert _local_findings(draft) == []
