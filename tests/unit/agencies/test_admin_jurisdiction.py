"""Agency administration: the jurisdiction rules an Agency Admin adds, removes and imports."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.agencies import admin_jurisdiction as aj
from cers_app.agencies.jurisdiction import regulators_for
from cers_app.agencies.models import JurisdictionRule
from cers_app.core import db
from cers_app.core.errors import NotFound, ValidationFailed
from tests.unit import support
from tests.unit.agencies import admin_world
from tests.unit.agencies.admin_world import AdminWorld
from tests.unit.facilities import county as yolo

ERTP = 3


@pytest.fixture
def w(database) -> AdminWorld:
    return admin_world.build()


def _rule(agency: int, element: int, zip_code: str, city: str = "") -> dict[str, str]:
    return {"agency": str(agency), "element": str(element), "zip_code": zip_code, "city": city}


def _rules(agency_id: int) -> set[tuple[int, str, str]]:
    def query(session) -> set[tuple[int, str, str]]:
        rows = session.exec(
            select(JurisdictionRule).where(JurisdictionRule.agency_id == agency_id)
        ).all()
        return {(r.element, r.zip_code, r.city) for r in rows}

    return db.run(query)


def test_a_cupa_admin_gives_one_element_of_a_city_to_its_pa(w: AdminWorld):
    rule = db.run(
        aj.add_rule, w.rita.actor(), w.county.cupa, _rule(w.county.pa, ERTP, "95616", " Davis ")
    )
    assert (rule.element, rule.zip_code, rule.city) == (ERTP, "95616", "davis")
    assert rule.agency_name == "Woodland Fire Department"
    assert (ERTP, "95616", "davis") in _rules(w.county.pa)
    # New facilities in Davis get the PA for that element, the CUPA for the others.
    found = db.run(regulators_for, "95616", "Davis")
    assert found.agencies[ERTP] == w.county.pa
    assert found.agencies[1] == w.county.cupa
    [event] = support.audit_events("JURISDICTION_RULE_ADDED")
    assert event.actor_user_id == w.rita.id
    assert event.subject_id == str(w.county.pa)
    assert event.after["zip_code"] == "95616" and event.after["element"] == ERTP
    # The list of one element shows it with its agency.
    view = db.run(aj.jurisdiction, w.rita.actor(), w.county.cupa, ERTP)
    assert {(r.zip_code, r.city, r.agency_name) for r in view.rules} >= {
        ("95616", "davis", "Woodland Fire Department"),
        ("95616", "", "Yolo County Environmental Health"),
    }
    assert {r.element for r in view.rules} == {ERTP}
    assert view.total == len(view.rules) == len(yolo.CUPA_ZIPS) + 1
    assert [a.id for a in view.agencies] == [w.county.cupa, w.county.pa]
    everything = db.run(aj.jurisdiction, w.rita.actor(), w.county.cupa, None)
    assert everything.total == len(yolo.CUPA_ZIPS) * 10 + 2


def test_a_new_zip_for_the_agency(w: AdminWorld):
    db.run(aj.add_rule, w.rita.actor(), w.county.cupa, _rule(w.county.cupa, 1, "95620"))
    assert (1, "95620", "") in _rules(w.county.cupa)


def test_a_place_already_held_is_a_clear_error(w: AdminWorld):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as caught:
        db.run(aj.add_rule, w.rita.actor(), w.county.cupa, _rule(w.county.cupa, 1, "95616"))
    assert "already this agency's" in caught.value.fields["zip_code"]
    # Held by the CUPA: the PA cannot have the very same place while the CUPA keeps it.
    with pytest.raises(ValidationFailed) as caught:
        db.run(aj.add_rule, w.rita.actor(), w.county.cupa, _rule(w.county.pa, 1, "95616"))
    message = caught.value.fields["zip_code"]
    assert "Yolo County Environmental Health (regulator code 1234)" in message
    assert "remove that rule first" in message
    # Bay City's ZIP: named by its regulator code.
    with pytest.raises(ValidationFailed) as caught:
        db.run(aj.add_rule, w.rita.actor(), w.county.cupa, _rule(w.county.cupa, 1, "94102"))
    assert "regulator code 4321" in caught.value.fields["zip_code"]
    assert support.table_snapshot() == before


def test_no_agency_takes_part_of_another_agencys_zip(w: AdminWorld):
    before = support.table_snapshot()
    # Bay City's admin cannot carve Davis out of the Yolo CUPA's ZIP.
    with pytest.raises(ValidationFailed) as caught:
        db.run(
            aj.add_rule, w.rex.actor(), w.county.other, _rule(w.county.other, 1, "95616", "Davis")
        )
    assert "regulator code 1234" in caught.value.fields["zip_code"]
    assert "Yolo" not in caught.value.message
    # Nor can the PA's own admin take a city from its CUPA.
    with pytest.raises(ValidationFailed):
        db.run(aj.add_rule, w.pam.actor(), w.county.pa, _rule(w.county.pa, ERTP, "95616", "Davis"))
    assert support.table_snapshot() == before


def test_bad_values_and_foreign_agencies_are_refused(w: AdminWorld):
    before = support.table_snapshot()
    with pytest.raises(ValidationFailed) as caught:
        db.run(
            aj.add_rule,
            w.rita.actor(),
            w.county.cupa,
            {"agency": str(w.county.other), "element": "11", "zip_code": "9561", "city": "x" * 61},
        )
    assert set(caught.value.fields) == {"agency", "element", "zip_code", "city"}
    with pytest.raises(ValidationFailed) as caught:
        db.run(aj.add_rule, w.pam.actor(), w.county.pa, _rule(w.county.cupa, 1, "95620"))
    assert set(caught.value.fields) == {"agency"}  # a PA's admin cannot assign to the CUPA
    assert support.table_snapshot() == before


@pytest.mark.parametrize("who", ["rob", "rex", "lena", "pam"])
def test_others_cannot_change_the_cupas_rules(w: AdminWorld, who: str):
    person = getattr(w, who)
    rule_id = db.run(
        lambda s: s.exec(
            select(JurisdictionRule.id).where(JurisdictionRule.agency_id == w.county.cupa)
        ).first()
    )
    before = support.table_snapshot()
    with pytest.raises(NotFound):
        db.run(aj.jurisdiction, person.actor(), w.county.cupa, None)
    with pytest.raises(NotFound):
        db.run(aj.add_rule, person.actor(), w.county.cupa, _rule(w.county.cupa, 1, "95620"))
    with pytest.raises(NotFound):
        db.run(aj.remove_rule, person.actor(), w.county.cupa, rule_id)
    with pytest.raises(NotFound):
        db.run(
            aj.import_rules,
            person.actor(),
            w.county.cupa,
            "agency_code,element,zip\n1234,1,95620\n",
        )
    own = {"rex": w.county.other, "pam": w.county.pa}.get(who)
    if own is not None:  # their own agency with the CUPA's rule id
        with pytest.raises(NotFound):
            db.run(aj.remove_rule, person.actor(), own, rule_id)
    assert support.table_snapshot() == before


def test_the_cupa_admin_removes_a_pa_rule(w: AdminWorld):
    rule_id = db.run(
        lambda s: s.exec(
            select(JurisdictionRule.id).where(JurisdictionRule.agency_id == w.county.pa)
        ).one()
    )
    db.run(aj.remove_rule, w.rita.actor(), w.county.cupa, rule_id)
    assert _rules(w.county.pa) == set()
    [event] = support.audit_events("JURISDICTION_RULE_REMOVED")
    assert event.before["city"] == "woodland" and event.subject_id == str(w.county.pa)
    with pytest.raises(NotFound):
        db.run(aj.remove_rule, w.rita.actor(), w.county.cupa, rule_id)


CSV = "agency_code,element,zip,city\n1234,all,95620,\n1235,3,95616,Davis\n"


def test_a_csv_import_adds_the_rules_once(w: AdminWorld):
    result = db.run(aj.import_rules, w.rita.actor(), w.county.cupa, "\ufeff" + CSV)
    assert (result.added, result.unchanged) == (11, 0)
    assert {(e, z) for e, z, _ in _rules(w.county.cupa) if z == "95620"} == {
        (e, "95620") for e in range(1, 11)
    }
    assert (ERTP, "95616", "davis") in _rules(w.county.pa)
    events = [e for e in support.audit_events("JURISDICTION_LOADED") if e.actor_user_id]
    assert {(e.subject_id, e.after["added"]) for e in events} == {
        (str(w.county.cupa), 10),
        (str(w.county.pa), 1),
    }
    again = db.run(aj.import_rules, w.rita.actor(), w.county.cupa, CSV)
    assert (again.added, again.unchanged) == (0, 11)
    assert len([e for e in support.audit_events("JURISDICTION_LOADED") if e.actor_user_id]) == 2


def test_csv_problems_are_reported_by_line_and_nothing_is_added(w: AdminWorld):
    before = support.table_snapshot()
    text = (
        "agency_code,element,zip,city\n"
        "1234,1,9562,\n"  # line 2: bad ZIP
        "4321,1,95620,\n"  # line 3: Bay City's code
        "1234,1,94102,\n"  # line 4: Bay City's ZIP
        "1234,2,95620,\n"  # line 5: fine
        "1235,2,95620,\n"  # line 6: the same place as line 5 for another agency
    )
    with pytest.raises(ValidationFailed) as caught:
        db.run(aj.import_rules, w.rita.actor(), w.county.cupa, text)
    assert "line 2" in caught.value.fields["csv"]
    assert support.table_snapshot() == before
    with pytest.raises(ValidationFailed) as caught:
        db.run(aj.import_rules, w.rita.actor(), w.county.cupa, text.replace("9562,", "95621,"))
    message = caught.value.fields["csv"]
    assert "line 3: agency_code 4321 is not this agency" in message
    assert "line 4:" in message and "regulator code 4321" in message
    assert "line 6:" in message and "on line 5" in message
    assert "line 5" not in message.replace("on line 5", "")
    assert support.table_snapshot() == before
    # A PA's admin may only load the PA's rules.
    with pytest.raises(ValidationFailed, match="line 2: agency_code 1234"):
        db.run(
            aj.import_rules, w.pam.actor(), w.county.pa, "agency_code,element,zip\n1234,1,95620\n"
        )
    assert support.table_snapshot() == before


def test_csv_limits(w: AdminWorld):
    with pytest.raises(ValidationFailed, match="1 MB"):
        db.run(aj.import_rules, w.rita.actor(), w.county.cupa, CSV + "1234,1,95620,\n" * 80_000)
    with pytest.raises(ValidationFailed, match="header row"):
        db.run(aj.import_rules, w.rita.actor(), w.county.cupa, "1234,1,95620\n")
    with pytest.raises(ValidationFailed):
        db.run(aj.import_rules, w.rita.actor(), w.county.cupa, "   ")
