"""The Business Activities questionnaire and which submittal elements its answers require.

Each question is a CERS data element (the number is its data dictionary number) answered Y or
N. The answers decide the facility's reporting requirements: Facility Information always, and
the elements listed with each question when it is answered Yes.
"""

from __future__ import annotations

from dataclasses import dataclass

from cers_app.core.codes import FACILITY_INFORMATION


@dataclass(frozen=True)
class Question:
    key: str  # the CERS XML tag
    number: str  # CERS data dictionary number
    text: str
    help: str
    elements: tuple[int, ...]  # submittal elements a Yes makes applicable


QUESTIONS: tuple[Question, ...] = (
    Question(
        "HMOnSite",
        "4",
        "Does the facility have hazardous materials on site at or above reportable quantities?",
        "Reportable means, at any one time, 55 gallons of a liquid, 500 pounds of a solid or 200 "
        "cubic feet of a compressed gas (counting tanks above and below ground), a lower local "
        "threshold, an extremely hazardous substance at its federal threshold, or radioactive "
        "material that needs an emergency plan.",
        (2, 3),
    ),
    Question(
        "CalARPRegulatedSubstances",
        "4a",
        "Does the facility have a regulated substance above the CalARP threshold quantity?",
        "The California Accidental Release Prevention program covers listed toxic and flammable "
        "substances kept in a process above their threshold quantities.",
        (10,),
    ),
    Question(
        "OwnOrOperateUST",
        "5",
        "Does the business own or operate underground storage tanks?",
        "Tanks whose volume is 10% or more below ground, including connected piping, that hold "
        "petroleum or other hazardous substances.",
        (4,),
    ),
    Question(
        "OwnOrOperateAPST",
        "8",
        "Does the facility store 1,320 gallons or more of petroleum in aboveground containers?",
        "Count every aboveground tank and container of 55 gallons or more that holds petroleum "
        "(the Aboveground Petroleum Storage Act).",
        (9,),
    ),
    Question(
        "HWGenerator",
        "9",
        "Does the facility generate hazardous waste?",
        "Any amount of hazardous waste, including used oil, spent solvents, batteries and "
        "contaminated rags. The regulator uses this for its hazardous waste generator program.",
        (),
    ),
    Question(
        "Recycle",
        "10",
        "Does the facility recycle more than 100 kg per month of excluded or exempted "
        "recyclable materials on site?",
        "Materials that would be hazardous waste if not recycled, recycled at this site.",
        (6,),
    ),
    Question(
        "OnsiteHWTreatment",
        "11",
        "Does the facility treat hazardous waste on site?",
        "Treatment under Tiered Permitting (conditionally exempt, conditionally authorized or "
        "permit by rule).",
        (5,),
    ),
    Question(
        "FinancialAssurance",
        "12",
        "Is the on-site treatment subject to financial assurance requirements?",
        "Permit-by-rule and conditionally authorized treatment units must show they can pay "
        "for closing the unit.",
        (5,),
    ),
    Question(
        "RWConsolidationSite",
        "13",
        "Does the facility consolidate hazardous waste generated at remote sites?",
        "A site that collects hazardous waste from remote locations of the same business, such "
        "as a utility's service yards.",
        (7,),
    ),
    Question(
        "HWTankClosure",
        "14",
        "Is the business reporting the closure or removal of a hazardous waste tank cleaned "
        "on site?",
        "A tank that held hazardous waste and was cleaned on site before closure or removal "
        "needs a closure certification.",
        (8,),
    ),
    Question(
        "RCRALargeQuantityGenerator",
        "14a",
        "Is the facility a RCRA Large Quantity Generator?",
        "1,000 kg or more of hazardous waste (or 1 kg of acutely hazardous waste) in a month.",
        (),
    ),
    Question(
        "HHWCollection",
        "14b",
        "Is the facility a household hazardous waste collection site?",
        "A site that accepts household hazardous waste from the public.",
        (),
    ),
)

QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
COMMENTS_MAX = 500


def required_elements(answers: dict[str, str]) -> tuple[int, ...]:
    """The submittal elements the answers require, Facility Information first."""
    required = {FACILITY_INFORMATION}
    for question in QUESTIONS:
        if answers.get(question.key) == "Y":
            required.update(question.elements)
    return tuple(sorted(required))


def unanswered(answers: dict[str, str]) -> list[str]:
    return [q.key for q in QUESTIONS if answers.get(q.key) not in ("Y", "N")]


def no_regulated_activities(answers: dict[str, str]) -> bool:
    """True when every question is answered No."""
    return all(answers.get(q.key) == "N" for q in QUESTIONS)


def check_answers(answers: dict[str, str]) -> dict[str, str]:
    """Field errors: every question needs Y or N; comments at most 500 characters."""
    errors = {key: "Answer Yes or No." for key in unanswered(answers)}
    if len(answers.get("Comments", "")) > COMMENTS_MAX:
        errors["Comments"] = f"Comments must be at most {COMMENTS_MAX} characters."
    return errors


# ---------------------------------------------------------------- site identification

# The site's identity is kept in the Facility Information draft beside the answers, in the
# keys the add-facility wizard wrote (facilities.service.SITE_FIELDS).
SITE_LABELS = {
    "name": "Facility name",
    "street": "Street address",
    "supplemental": "Suite, building or unit",
    "city": "City",
    "zip_code": "ZIP code",
    "county": "County",
    "epa_id": "EPA ID number",
}
# What the Business Activities editor lets the business change: key, longest value, required.
SITE_INPUTS = (
    ("name", 70, True),
    ("street", 70, True),
    ("supplemental", 30, False),
    ("city", 60, True),
    ("zip_code", 10, True),
    ("epa_id", 12, False),
)
SITE_ACCEPTANCE_NOTE = (
    "A changed name, address or EPA ID is sent to your regulator with this Facility "
    "Information; the facility record changes when the regulator accepts it."
)
