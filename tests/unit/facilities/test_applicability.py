"""Which submittal elements a facility must report, from its Business Activities answers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cers_app.agencies import service as agencies
from cers_app.core import db
from cers_app.core.codes import ALWAYS_REQUIRED, ELEMENTS, NOT_REQUIRED, REQUIRED
from cers_app.facilities import business_activities
from cers_app.facilities.business_activities import QUESTIONS
from tests import helpers
from tests.unit import support
from tests.unit.facilities import county as yolo


def _requirements(facility_id: int) -> dict[int, int]:
    return {e: row.requirement for e, row in yolo.elements(facility_id).items()}


def _expected(required: set[int]) -> dict[int, int]:
    return {
        e: ALWAYS_REQUIRED if e == 1 else REQUIRED if e in required else NOT_REQUIRED
        for e in ELEMENTS
    }


# ------------------------------------------------------------------ the rule itself (no database)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_it_requires_the_elements_of_a_question_answered_yes(question):
    answers = {q.key: "N" for q in QUESTIONS} | {question.key: "Y"}

    assert business_activities.required_elements(answers) == tuple(sorted({1, *question.elements}))


def test_it_maps_each_question_to_the_elements_cers_makes_applicable():
    assert {q.key: q.elements for q in QUESTIONS} == {
        "HMOnSite": (2, 3),
        "CalARPRegulatedSubstances": (10,),
        "OwnOrOperateUST": (4,),
        "OwnOrOperateAPST": (9,),
        "HWGenerator": (),
        "Recycle": (6,),
        "OnsiteHWTreatment": (5,),
        "FinancialAssurance": (5,),
        "RWConsolidationSite": (7,),
        "HWTankClosure": (8,),
        "RCRALargeQuantityGenerator": (),
        "HHWCollection": (),
    }


def test_it_always_requires_facility_information_even_with_no_answers():
    assert business_activities.required_elements({}) == (1,)


def test_it_counts_only_a_yes_as_yes():
    assert business_activities.required_elements({"HMOnSite": "y", "OwnOrOperateUST": "YES"}) == (
        1,
    )


def test_it_sees_no_regulated_activities_only_when_every_question_is_answered_no():
    all_no = {q.key: "N" for q in QUESTIONS}

    assert business_activities.no_regulated_activities(all_no)
    assert not business_activities.no_regulated_activities(all_no | {"HHWCollection": "Y"})
    assert not business_activities.no_regulated_activities(all_no | {"HHWCollection": ""})


# ------------------------------------------------------------------ saved on a facility


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.key)
def test_it_sets_the_requirements_of_a_facility_from_one_yes(plant, small_world, question):
    forms, errors = yolo.save_answers(small_world.lena, plant, yolo.answers(question.key))

    assert errors == {}
    assert _requirements(plant) == _expected(set(question.elements))
    assert forms.required_elements == tuple(sorted({1, *question.elements}))
    assert yolo.facility(plant).no_regulated_activities is False


def test_it_requires_every_element_of_several_yes_answers(plant, small_world):
    yolo.save_answers(
        small_world.lena, plant, yolo.answers("HMOnSite", "OwnOrOperateUST", "OwnOrOperateAPST")
    )

    assert _requirements(plant) == _expected({2, 3, 4, 9})


def test_it_stops_requiring_an_element_when_its_answer_turns_to_no(plant, small_world):
    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite", "OwnOrOperateUST"))

    yolo.save_answers(small_world.lena, plant, yolo.answers("OwnOrOperateUST"))

    assert _requirements(plant) == _expected({4})


def test_it_leaves_the_requirements_the_regulator_set_untouched(plant, small_world):
    yolo.set_by_regulator(plant, 4, REQUIRED)  # UST required whatever the answers say
    yolo.set_by_regulator(plant, 2, NOT_REQUIRED)  # HMI waived although HM is on site

    yolo.save_answers(small_world.lena, plant, yolo.answers("HMOnSite"))

    rows = yolo.elements(plant)
    assert (rows[4].requirement, rows[4].requirement_source) == (REQUIRED, "regulator")
    assert (rows[2].requirement, rows[2].requirement_source) == (NOT_REQUIRED, "regulator")
    assert rows[3].requirement == REQUIRED  # still from the answers
    assert (rows[1].requirement, rows[1].requirement_source) == (ALWAYS_REQUIRED, "always")


def test_it_marks_no_regulated_activities_and_emails_the_agencys_public_address(plant, small_world):
    db.run(
        agencies.load_agencies,
        actor_user_id=None,
        records=[replace(yolo.CUPA, email="hazmat@yolo.example.org")],
    )

    yolo.save_answers(small_world.lena, plant, yolo.answers())

    assert yolo.facility(plant).no_regulated_activities is True
    assert _requirements(plant) == _expected(set())
    cers_id = yolo.facility(plant).cers_id
    [message] = helpers.emails("facility_no_regulated_activities")
    assert message.to_address == "hazmat@yolo.example.org"
    assert message.subject == (
        f"Acme Plating - Davis Works (CERS ID {cers_id}) reports no regulated activities"
    )
    support.assert_email_contains(
        message, "Lena Lopez answered No to every Business Activities question", str(cers_id)
    )
    [event] = helpers.audit_events("FACILITY_NO_REGULATED_ACTIVITIES")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        small_world.lena.id,
        "facility",
        str(plant),
    )
    assert event.after == {"cers_id": cers_id}


def test_it_emails_the_agencys_admins_and_request_handlers_without_a_public_address(
    plant, small_world, rita, hank, rob, pam
):
    yolo.save_answers(small_world.lena, plant, yolo.answers())

    sent = helpers.emails("facility_no_regulated_activities")
    assert sorted(m.to_address for m in sent) == [hank.email, rita.email]


def test_it_tells_the_regulator_only_when_the_facility_becomes_unregulated(
    plant, small_world, rita
):
    yolo.save_answers(small_world.lena, plant, yolo.answers())
    yolo.save_answers(small_world.lena, plant, yolo.answers(Comments="Still nothing here."))

    assert len(helpers.emails("facility_no_regulated_activities")) == 1
    assert len(helpers.audit_events("FACILITY_NO_REGULATED_ACTIVITIES")) == 1


def test_it_clears_the_mark_when_an_answer_turns_to_yes(plant, small_world, rita):
    yolo.save_answers(small_world.lena, plant, yolo.answers())

    yolo.save_answers(small_world.lena, plant, yolo.answers("HWGenerator"))

    assert yolo.facility(plant).no_regulated_activities is False
    assert _requirements(plant) == _expected(set())  # a generator reports no extra element
    assert len(helpers.emails("facility_no_regulated_activities")) == 1


def test_it_does_not_mark_a_facility_whose_answers_are_incomplete(plant, small_world, rita):
    yolo.save_answers(small_world.lena, plant, yolo.answers(HHWCollection=""))

    assert yolo.facility(plant).no_regulated_activities is False
    assert helpers.emails("facility_no_regulated_activities") == []
