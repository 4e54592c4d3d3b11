"""Loading jurisdiction rules from a CSV file: which agency takes which element in which ZIP code
(and city); all or nothing, every problem by line, never taking a rule from another agency
unasked, and --replace for the agencies in the file."""

from __future__ import annotations

import pytest
from sqlmodel import select

from cers_app.agencies import jurisdiction, service
from cers_app.agencies.jurisdiction import RuleRow
from cers_app.agencies.models import JurisdictionRule
from cers_app.core import db
from cers_app.core.codes import ELEMENTS
from cers_app.core.errors import ValidationFailed
from tests import helpers
from tests.unit import support

HEADER = "agency_code,element,zip,city"


def _csv(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


@pytest.fixture
def agencies(database) -> dict[int, int]:
    """Yolo EH (CUPA 1234), Woodland Fire (PA 1235) and Bay City EH (CUPA 4321), by code."""
    made = {}
    for code, name in ((1234, "Yolo EH"), (1235, "Woodland Fire"), (4321, "Bay City EH")):
        made[code] = db.run(
            service.create_agency, actor_user_id=None, code=code, name=name, county=57
        )
    return made


def _load(text: str, replace: bool = False) -> service.JurisdictionLoad:
    rules = jurisdiction.parse_rules_csv(text)
    return db.run(service.load_jurisdictions, actor_user_id=None, rules=rules, replace=replace)


def _rules() -> list[tuple[int, int, str, str]]:
    """(agency id, element, zip, city) of every rule, sorted."""
    return sorted(
        db.run(
            lambda s: [
                (r.agency_id, r.element, r.zip_code, r.city)
                for r in s.exec(select(JurisdictionRule)).all()
            ]
        )
    )


# ------------------------------------------------------------------ reading the file (no database)


def test_it_reads_a_rule_for_each_element_of_all():
    rows = jurisdiction.parse_rules_csv(_csv("1234,all,95616,"))

    assert rows == [RuleRow(1234, element, "95616", "", 2) for element in ELEMENTS]


def test_it_reads_a_city_case_folded_and_spaced_once():
    [row] = jurisdiction.parse_rules_csv(_csv("1235,2,95695,  West   SACRAMENTO "))

    assert row == RuleRow(1235, 2, "95695", "west sacramento", 2)


def test_it_reads_a_file_without_a_city_column():
    [row] = jurisdiction.parse_rules_csv("agency_code,element,zip\n1234,1,95616\n")

    assert row.city == ""


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("Yolo,1,95616,", "line 2: agency_code must be a number"),
        ("1234,1,9561,", "line 2: zip must be 5 digits"),
        ("1234,1,95616-1234,", "line 2: zip must be 5 digits"),
        ("1234,11,95616,", "line 2: element must be 1-10 or all"),
        ("1234,HMI,95616,", "line 2: element must be 1-10 or all"),
        ("1234,1,95616," + "c" * 61, "line 2: city must be at most 60 characters"),
    ],
)
def test_it_names_the_problem_of_a_line(line, problem):
    with pytest.raises(ValidationFailed) as caught:
        jurisdiction.parse_rules_csv(_csv(line))

    assert caught.value.message == problem


def test_it_counts_lines_as_they_are_in_the_file_even_after_blank_ones():
    with pytest.raises(ValidationFailed) as caught:
        jurisdiction.parse_rules_csv(_csv("1234,1,95616,", "", "", "1234,x,95616,", "1234,1,1,"))

    assert caught.value.message == (
        "line 5: element must be 1-10 or all; line 6: zip must be 5 digits"
    )


def test_it_needs_the_header_and_at_least_one_rule():
    with pytest.raises(ValidationFailed) as caught:
        jurisdiction.parse_rules_csv("1234,1,95616\n")
    assert caught.value.message.startswith("The file needs a header row with agency_code")

    with pytest.raises(ValidationFailed) as caught:
        jurisdiction.parse_rules_csv(HEADER + "\n")
    assert caught.value.message == "The file has no rules."


# ------------------------------------------------------------------ loading


def test_it_adds_the_rules_and_audits_them_per_agency(agencies):
    done = _load(_csv("1234,all,95616,", "1234,all,95618,", "1235,2,95695,Woodland"))

    assert done == service.JurisdictionLoad(added=21, removed=0, unchanged=0, agencies=(1234, 1235))
    assert len(_rules()) == 21
    assert (agencies[1235], 2, "95695", "woodland") in _rules()
    events = helpers.audit_events("JURISDICTION_LOADED")
    assert [(e.subject_id, e.before, e.after) for e in events] == [
        (
            str(agencies[1234]),
            {"rules": 0},
            {"rules": 20, "added": 20, "removed": 0, "replace": False},
        ),
        (
            str(agencies[1235]),
            {"rules": 0},
            {"rules": 1, "added": 1, "removed": 0, "replace": False},
        ),
    ]


def test_it_changes_and_audits_nothing_when_the_file_is_loaded_again(agencies):
    _load(_csv("1234,all,95616,"))
    before = support.table_snapshot()

    done = _load(_csv("1234,all,95616,"))

    assert (done.added, done.removed, done.unchanged) == (0, 0, 10)
    assert support.table_snapshot() == before


def test_it_counts_a_rule_given_twice_by_one_agency_once(agencies):
    done = _load(_csv("1234,all,95616,", "1234,1,95616,"))

    assert done.added == 10


def test_it_adds_to_the_rules_an_agency_already_has(agencies):
    _load(_csv("1234,1,95616,"))

    done = _load(_csv("1234,1,95618,"))

    assert (done.added, done.unchanged) == (1, 0)
    assert [r[2] for r in _rules()] == ["95616", "95618"]


def test_it_loads_nothing_for_an_unknown_agency_code(agencies):
    with pytest.raises(ValidationFailed) as caught:
        _load(_csv("1234,all,95616,", "9999,1,95618,"))

    assert caught.value.message == "line 3: no agency has regulator code 9999"
    assert _rules() == []
    assert helpers.audit_events("JURISDICTION_LOADED") == []


def test_it_refuses_one_place_given_to_two_agencies_in_the_file(agencies):
    with pytest.raises(ValidationFailed) as caught:
        _load(_csv("1234,all,95616,", "4321,3,95616,"))

    assert caught.value.message == (
        "line 3: element 3 in ZIP 95616 is given to another agency on line 2"
    )
    assert _rules() == []


def test_it_lets_a_city_rule_and_a_zip_wide_rule_share_a_zip_code(agencies):
    _load(_csv("1234,2,95695,", "1235,2,95695,Woodland"))

    assert len(_rules()) == 2


def test_it_never_takes_a_rule_from_an_agency_not_in_the_file(agencies):
    _load(_csv("1234,all,95616,"))
    before = support.table_snapshot()

    for replace in (False, True):
        with pytest.raises(ValidationFailed) as caught:
            _load(_csv("4321,1,95616,", "4321,2,95616,"), replace=replace)
        assert caught.value.message == (
            "line 2: element 1 in ZIP 95616 belongs to agency 1234; to move it, put that "
            "agency's rules in the file too and use --replace; line 3: element 2 in ZIP 95616 "
            "belongs to agency 1234; to move it, put that agency's rules in the file too and use "
            "--replace"
        )
    assert support.table_snapshot() == before


def test_it_moves_a_rule_between_agencies_that_are_both_in_a_replacing_file(agencies):
    _load(_csv("1234,all,95616,", "1234,all,95618,"))

    done = _load(_csv("1234,all,95616,", "4321,all,95618,"), replace=True)

    assert (done.added, done.removed, done.unchanged) == (10, 10, 10)
    assert {r[0] for r in _rules() if r[2] == "95618"} == {agencies[4321]}
    assert {r[0] for r in _rules() if r[2] == "95616"} == {agencies[1234]}
    events = helpers.audit_events("JURISDICTION_LOADED")[-2:]
    assert [e.after for e in events] == [
        {"rules": 10, "added": 0, "removed": 10, "replace": True},
        {"rules": 10, "added": 10, "removed": 0, "replace": True},
    ]


def test_it_replaces_only_the_rules_of_the_agencies_in_the_file(agencies):
    _load(_csv("1234,all,95616,", "1235,2,95695,Woodland", "4321,all,94102,"))

    done = _load(_csv("1234,1,95616,", "1234,1,95620,"), replace=True)

    assert (done.added, done.removed, done.unchanged) == (1, 9, 1)
    assert _rules() == sorted(
        [
            (agencies[1234], 1, "95616", ""),
            (agencies[1234], 1, "95620", ""),
            (agencies[1235], 2, "95695", "woodland"),
            *[(agencies[4321], e, "94102", "") for e in ELEMENTS],
        ]
    )


def test_it_refuses_a_load_without_rules(agencies):
    with pytest.raises(ValidationFailed):
        db.run(service.load_jurisdictions, actor_user_id=None, rules=[])


def test_it_reports_problems_of_rules_that_do_not_come_from_a_file_without_line_numbers(
    agencies,
):
    with pytest.raises(ValidationFailed) as caught:
        db.run(
            service.load_jurisdictions,
            actor_user_id=None,
            rules=[RuleRow(9999, 1, "95616", "")],
        )

    assert caught.value.message == "no agency has regulator code 9999"
