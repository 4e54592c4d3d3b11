"""The document slot catalogue, the checks of a slot's answer before it is stored, and the
findings of a stored answer (CERS guidance 1003 and 1005-1010, all Required)."""

from __future__ import annotations

import datetime as dt

import pytest

from cers_app.core.errors import ValidationFailed
from cers_app.submittals import document_rules as rules
from cers_app.submittals.document_rules import Answer

TODAY = dt.date(2026, 11, 20)
OWN = 90000001
SITE_MAP = rules.find_slot(5)
ER_PLAN = rules.find_slot(6)
LOCAL_HMI = rules.find_slot(35)


def check(slot, **values: object) -> Answer:
    return rules.check_answer(slot, values, today=TODAY, own_cers_id=OWN)


def refusal(slot, **values: object) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        check(slot, **values)
    return refused.value.fields


def findings(slot, answer: Answer | None, files: int = 0) -> list[tuple[str, str, str]]:
    return [
        (f.code, f.level, f.field) for f in rules.slot_findings(slot, answer, files, today=TODAY)
    ]


# ------------------------------------------------------------------ the catalogue


def test_each_element_has_its_slots() -> None:
    def codes(element: int, **flag: bool) -> list[tuple[int, bool]]:
        return [(s.code, s.required) for s in rules.slots_for(element, **flag)]

    assert codes(1) == [(23, False)]
    assert codes(2) == [(5, True), (35, False)]
    assert codes(3) == [(6, True), (7, True), (36, False)]
    assert codes(3, locally_required=True) == [(6, True), (7, True), (36, True)]
    assert codes(2, locally_required=True) == [(5, True), (35, True)]
    ust = [(28, False), (29, True), (30, False), (31, False), (32, False), (33, False)]
    assert codes(4) == [*ust, (37, False), (54, False)]


def test_slot_names_and_lookup() -> None:
    assert SITE_MAP.label == "Annotated Site Map (Official Use Only)"
    assert (ER_PLAN.label, rules.find_slot(7).label) == (
        "Emergency Response/Contingency Plan",
        "Employee Training Plan",
    )
    assert LOCAL_HMI.label == "Locally Required Document" and not LOCAL_HMI.required
    assert rules.find_slot(35, locally_required=True).required
    for junk in (4, 999, "5", None, True, 5.0):
        assert rules.find_slot(junk) is None, junk


def test_sources_have_labels() -> None:
    assert list(rules.SOURCES) == [1, 2, 3, 4, 5, 6]
    assert rules.source_label(4) == "Public Internet URL"
    assert rules.source_label(None) == "Not chosen"


# ------------------------------------------------------------------ checking input


def test_a_source_must_be_chosen() -> None:
    for value in ("", "0", "7", "x", None, "1.0"):
        fields = refusal(SITE_MAP, source=value)
        assert fields == {"source": "Choose how you provide the Annotated Site Map (Official "
                          "Use Only)."}  # fmt: skip


def test_exempt_needs_a_reason_of_5_to_500_characters() -> None:
    assert check(ER_PLAN, source="1", exempt_reason="  No   staff on site ") == Answer(
        source=1, exempt_reason="No staff on site"
    )
    assert "at least 5" in refusal(ER_PLAN, source="1", exempt_reason=" abc ")["exempt_reason"]
    assert "at least 5" in refusal(ER_PLAN, source="1")["exempt_reason"]
    long = refusal(ER_PLAN, source="1", exempt_reason="x" * 501)["exempt_reason"]
    assert "500 characters" in long and "501" in long
    assert check(ER_PLAN, source="1", exempt_reason="x" * 500).exempt_reason == "x" * 500


def test_provided_to_regulator_needs_a_past_date() -> None:
    assert check(SITE_MAP, source="2", provided_on="2026-03-01").provided_on == dt.date(2026, 3, 1)
    assert check(SITE_MAP, source=2, provided_on="3/1/2026").provided_on == dt.date(2026, 3, 1)
    assert check(SITE_MAP, source="2", provided_on=TODAY).provided_on == TODAY
    assert "date you gave it" in refusal(SITE_MAP, source="2")["provided_on"]
    for bad in ("yesterday", "2026-02-30", "13/01/2026"):
        assert "year-month-day" in refusal(SITE_MAP, source="2", provided_on=bad)["provided_on"]
    assert "future" in refusal(SITE_MAP, source="2", provided_on="2026-11-21")["provided_on"]
    assert "1900" in refusal(SITE_MAP, source="2", provided_on="1899-12-31")["provided_on"]


def test_other_element_needs_an_element_1_to_10_other_than_its_own() -> None:
    answer = check(ER_PLAN, source="3", other_element="1", comment=" in the FI binder ")
    assert answer == Answer(source=3, other_element=1, comment="in the FI binder")
    assert "Choose the submittal element" in refusal(ER_PLAN, source="3")["other_element"]
    assert "1 to 10" in refusal(ER_PLAN, source="3", other_element="11")["other_element"]
    assert "1 to 10" in refusal(ER_PLAN, source="3", other_element="0")["other_element"]
    own = refusal(ER_PLAN, source="3", other_element="3")["other_element"]
    assert "another element" in own and "Emergency Response and Training Plans" in own
    assert "500" in refusal(ER_PLAN, source="3", other_element="9", comment="c" * 501)["comment"]


@pytest.mark.parametrize(
    "url",
    ["https://example.com/plan.pdf", "http://acme.example/er", "HTTPS://EXAMPLE.ORG/A"],
)
def test_a_public_url_is_kept(url: str) -> None:
    assert check(ER_PLAN, source="4", url=f"  {url} ").url == url


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("", "at least 10"),
        ("http://a", "at least 10"),
        ("example.com/plan.pdf", "starting with http:// or https://"),
        ("ftp://example.com/plan.pdf", "starting with http:// or https://"),
        ("javascript:alert(1)//x", "starting with http:// or https://"),
        ("https:///plan.pdf/x", "starting with http:// or https://"),
        ("https://example.com/my plan.pdf", "spaces"),
        ("https://user:secret@example.com/", "user name or password"),
        ("https://example.com/" + "a" * 990, "at most 1000"),
        ("http://[::1/x.pdf", "not a valid"),
    ],
)
def test_a_bad_url_is_refused(url: str, says: str) -> None:
    assert says in refusal(ER_PLAN, source="4", url=url)["url"]


def test_stored_at_facility_defaults_to_this_facility() -> None:
    assert check(SITE_MAP, source="6").stored_at_cers_id == OWN
    assert check(SITE_MAP, source="6", stored_at_cers_id=" 10123456 ").stored_at_cers_id == (
        10123456
    )
    for bad in ("123", "abc", "100000000", "10000000"):
        assert (
            "8-digit CERS ID"
            in refusal(SITE_MAP, source="6", stored_at_cers_id=bad)["stored_at_cers_id"]
        )


def test_upload_documents_needs_nothing_more() -> None:
    assert check(SITE_MAP, source="5", url="https://ignored.example") == Answer(source=5)


def test_only_the_chosen_sources_fields_are_kept() -> None:
    answer = check(
        ER_PLAN, source="4", url="https://example.com/plan", exempt_reason="not read", comment="x"
    )
    assert answer == Answer(source=4, url="https://example.com/plan")


# ------------------------------------------------------------------ a file's details


def test_file_details_default_the_title_to_the_file_name() -> None:
    details = rules.check_file_details(
        title=" ", description="", date_authored="", original_name="Site Map 2026.pdf", today=TODAY
    )
    assert details == rules.FileDetails("Site Map 2026", "", None)
    details = rules.check_file_details(
        title="Map", description=" north  lot ", date_authored="2025-12-01",
        original_name="m.pdf", today=TODAY,
    )  # fmt: skip
    assert details == rules.FileDetails("Map", "north lot", dt.date(2025, 12, 1))


def test_file_details_are_checked() -> None:
    with pytest.raises(ValidationFailed) as refused:
        rules.check_file_details(
            title="t" * 301, description="d" * 501, date_authored="2027-01-01",
            original_name="a" * 251 + ".pdf", today=TODAY,
        )  # fmt: skip
    fields = refused.value.fields
    assert set(fields) == {"title", "description", "date_authored", "file"}
    assert "300" in fields["title"] and "500" in fields["description"]
    assert "future" in fields["date_authored"] and "254" in fields["file"]


# ------------------------------------------------------------------ findings


def test_a_required_slot_without_an_answer_is_missing_1003() -> None:
    assert findings(SITE_MAP, None) == [("1003", "required", "source")]
    [finding] = rules.slot_findings(ER_PLAN, None, 0, today=TODAY)
    assert "Emergency Response/Contingency Plan is missing" in finding.message
    assert finding.slot == 6


def test_an_optional_slot_without_an_answer_has_no_finding() -> None:
    assert findings(LOCAL_HMI, None) == []
    assert findings(rules.find_slot(35, locally_required=True), None) == [
        ("1003", "required", "source")
    ]


@pytest.mark.parametrize(
    ("answer", "files", "expected"),
    [
        (Answer(1, exempt_reason="no"), 0, ("1005", "exempt_reason", "Exempt")),
        (Answer(1), 0, ("1005", "exempt_reason", "5 to 500")),
        (Answer(3), 0, ("1006", "other_element", "choose which element")),
        (Answer(3, other_element=2), 0, ("1006", "other_element", "Other Submittal Element")),
        (Answer(2), 0, ("1007", "provided_on", "date you provided it")),
        (Answer(2, provided_on=dt.date(2026, 12, 1)), 0, ("1007", "provided_on", "date")),
        (Answer(4, url="not a url"), 0, ("1008", "url", "http:// or https://")),
        (Answer(6), 0, ("1009", "stored_at_cers_id", "CERS ID of the facility")),
        (Answer(5), 0, ("1010", "files", "upload at least one file")),
    ],
)
def test_an_incomplete_answer_has_its_sources_finding(answer, files, expected) -> None:
    code, field, text = expected
    for slot in (SITE_MAP, LOCAL_HMI):  # optional slots too, once a source is chosen
        [finding] = rules.slot_findings(slot, answer, files, today=TODAY)
        assert (finding.code, finding.level, finding.field) == (code, "required", field)
        assert text in finding.message
        assert slot.label in finding.message


@pytest.mark.parametrize(
    ("answer", "files"),
    [
        (Answer(1, exempt_reason="No hazardous materials stored outdoors"), 0),
        (Answer(2, provided_on=dt.date(2026, 1, 15)), 0),
        (Answer(3, other_element=1), 0),
        (Answer(4, url="https://example.com/site-map.pdf"), 0),
        (Answer(5), 1),
        (Answer(5), 3),
        (Answer(6, stored_at_cers_id=OWN), 0),
    ],
)
def test_a_complete_answer_has_no_finding(answer: Answer, files: int) -> None:
    assert findings(SITE_MAP, answer, files) == []
