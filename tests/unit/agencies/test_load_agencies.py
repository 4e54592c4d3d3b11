"""Loading agencies from a CSV file: created or updated by regulator code, all or nothing, every
problem reported by line; and the agencies' contact people."""

from __future__ import annotations

import pytest

from cers_app.agencies import rules, service
from cers_app.agencies.models import Agency, AgencyContact
from cers_app.core import db
from cers_app.core.errors import NotFound, ValidationFailed
from tests import helpers
from tests.unit import support

HEADER = "code,name,kind,county,parent_code,phone,email,website,address,verify_lead_access"
YOLO_CUPA = (
    "1234,Yolo County Environmental Health,CUPA,Yolo,,530-666-8646,EH@YoloCounty.example.org,"
    'https://yolocounty.example.org/eh,"292 W Beamer St, Woodland, CA 95695",yes'
)
WOODLAND_PA = "1235,Woodland Fire Department,pa,57,1234,,,,,no"


def _csv(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def _load(text: str, actor_user_id: int | None = None) -> service.AgencyLoad:
    records = rules.parse_agencies_csv(text)
    return db.run(service.load_agencies, actor_user_id=actor_user_id, records=records)


def _agency(code: int) -> Agency:
    return db.run(lambda s: s.exec(Agency.__table__.select().where(Agency.code == code)).one())


def _refusal(text: str) -> str:
    with pytest.raises(ValidationFailed) as caught:
        _load(text)
    assert support.count(Agency) == 0
    assert helpers.audit_events() == []
    return caught.value.message


# ------------------------------------------------------------------ reading the file (no database)


def test_it_reads_every_column_cleaned():
    [cupa, pa] = rules.parse_agencies_csv(_csv(YOLO_CUPA, WOODLAND_PA))

    assert cupa == rules.AgencyRecord(
        code=1234,
        name="Yolo County Environmental Health",
        kind="CUPA",
        county=57,
        parent_code=None,
        phone="(530) 666-8646",
        email="EH@yolocounty.example.org",
        website="https://yolocounty.example.org/eh",
        address="292 W Beamer St, Woodland, CA 95695",
        verify_lead_access=True,
        line=2,
    )
    assert (pa.kind, pa.county, pa.parent_code, pa.verify_lead_access, pa.line) == (
        "PA",
        57,
        1234,
        False,
        3,
    )


def test_it_reads_a_header_in_any_case_and_spacing():
    records = rules.parse_agencies_csv(_csv(YOLO_CUPA).replace("code,name", "Code, Name "))

    assert [r.code for r in records] == [1234]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("12,Yolo EH,CUPA,Yolo,,,,,,", "line 2: code must be a number from 1001 to 9999"),
        ("abcd,Yolo EH,CUPA,Yolo,,,,,,", "line 2: code must be a number from 1001 to 9999"),
        ("1234,,CUPA,Yolo,,,,,,", "line 2: name is needed (at most 100 characters)"),
        ("1234," + "N" * 101 + ",CUPA,Yolo,,,,,,", "line 2: name is needed"),
        ("1234,Yolo EH,County,Yolo,,,,,,", "line 2: kind must be CUPA or PA"),
        ("1234,Yolo EH,CUPA,Atlantis,,,,,,", "line 2: county must be a California county"),
        ("1234,Yolo EH,CUPA,59,,,,,,", "line 2: county must be a California county"),
        ("1235,Woodland FD,PA,Yolo,,,,,,", "line 2: parent_code must be the code of the PA's CUPA"),
        ("1234,Yolo EH,CUPA,Yolo,1001,,,,,", "line 2: a CUPA has no parent_code"),
        ("1235,Woodland FD,PA,Yolo,1235,,,,,", "line 2: an agency cannot be its own parent"),
        ("1234,Yolo EH,CUPA,Yolo,,555,,,,", "line 2: phone: Enter a valid phone number"),
        ("1234,Yolo EH,CUPA,Yolo,,,eh@,,,", "line 2: email: Enter a valid email address"),
        ("1234,Yolo EH,CUPA,Yolo,,,,www.yolo.gov,,", "line 2: website: The website must be"),
        ("1234,Yolo EH,CUPA,Yolo,,,,https://" + "w" * 200 + ".gov,,", "at most 200 characters"),
        ("1234,Yolo EH,CUPA,Yolo,,,,," + "A" * 201 + ",", "line 2: address: The address must"),
        ("1234,Yolo EH,CUPA,Yolo,,,,,,maybe", "line 2: verify_lead_access must be yes or no"),
    ],
)
def test_it_names_the_problem_of_a_line(line, problem):
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_agencies_csv(_csv(line))

    assert problem in caught.value.message


def test_it_reports_every_problem_of_every_line_at_once():
    text = _csv(YOLO_CUPA, "12,,CUPA,Yolo,,,,,,", WOODLAND_PA, "1236,Davis FD,PA,Atlantis,,,,,,")

    with pytest.raises(ValidationFailed) as caught:
        rules.parse_agencies_csv(text)

    assert caught.value.message == (
        "line 3: code must be a number from 1001 to 9999; "
        "line 3: name is needed (at most 100 characters); "
        "line 5: county must be a California county name or a number from 1 to 58; "
        "line 5: parent_code must be the code of the PA's CUPA"
    )


def test_it_shows_the_first_twenty_problems_and_counts_the_others():
    text = _csv(*["12,Yolo EH,CUPA,Yolo,,,,,," for _ in range(25)])

    with pytest.raises(ValidationFailed) as caught:
        rules.parse_agencies_csv(text)

    assert caught.value.message.count("line ") == 20
    assert caught.value.message.endswith("; and 5 more problem(s)")


def test_it_refuses_the_same_code_twice_in_one_file():
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_agencies_csv(_csv(YOLO_CUPA, YOLO_CUPA))

    assert caught.value.message == "line 3: code 1234 is already on line 2"


def test_it_needs_a_header_naming_the_columns():
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_agencies_csv("1234,Yolo EH,CUPA,Yolo\n")

    assert caught.value.message.startswith("The file needs a header row with code, name, kind")


def test_it_refuses_a_file_without_agencies():
    with pytest.raises(ValidationFailed) as caught:
        rules.parse_agencies_csv(HEADER + "\n\n")

    assert caught.value.message == "The file has no agencies."


# ------------------------------------------------------------------ loading


def test_it_creates_the_agencies_of_the_file_with_the_pa_under_its_cupa(admin, frozen_clock):
    done = _load(_csv(WOODLAND_PA, YOLO_CUPA), actor_user_id=admin.id)

    assert done == service.AgencyLoad(created=(1234, 1235), changed=(), unchanged=())
    cupa, pa = _agency(1234), _agency(1235)
    assert (cupa.kind, cupa.county, cupa.phone, cupa.verify_lead_access) == (
        "CUPA",
        57,
        "(530) 666-8646",
        True,
    )
    assert (cupa.website, cupa.address, cupa.created_at) == (
        "https://yolocounty.example.org/eh",
        "292 W Beamer St, Woodland, CA 95695",
        frozen_clock,
    )
    assert (pa.kind, pa.parent_agency_id, cupa.parent_agency_id) == ("PA", cupa.id, None)
    events = helpers.audit_events("AGENCY_CREATED")
    assert [(e.actor_user_id, e.subject_id) for e in events] == [
        (admin.id, str(cupa.id)),
        (admin.id, str(pa.id)),
    ]
    assert events[1].after == {
        "code": 1235,
        "name": "Woodland Fire Department",
        "kind": "PA",
        "county": 57,
        "parent_agency_id": cupa.id,
        "phone": "",
        "email": "",
        "website": "",
        "address": "",
        "verify_lead_access": False,
    }


def test_it_updates_an_agency_by_code_and_audits_only_what_changed(database):
    _load(_csv(YOLO_CUPA))

    done = _load(_csv(YOLO_CUPA.replace("530-666-8646", "530 666 8600").replace(",yes", ",no")))

    assert done == service.AgencyLoad(created=(), changed=(1234,), unchanged=())
    [event] = helpers.audit_events("AGENCY_CHANGED")
    assert (event.before, event.after) == (
        {"phone": "(530) 666-8646", "verify_lead_access": True},
        {"phone": "(530) 666-8600", "verify_lead_access": False},
    )
    assert support.count(Agency) == 1


def test_it_changes_and_audits_nothing_when_the_file_is_loaded_again(database):
    _load(_csv(YOLO_CUPA, WOODLAND_PA))
    before = support.table_snapshot()

    done = _load(_csv(YOLO_CUPA, WOODLAND_PA))

    assert done == service.AgencyLoad(created=(), changed=(), unchanged=(1234, 1235))
    assert support.table_snapshot() == before


def test_it_updates_an_agency_made_with_create_agency(database):
    agency_id = db.run(
        service.create_agency, actor_user_id=None, code=1234, name="Yolo EH", county=57
    )

    _load(_csv(YOLO_CUPA))

    assert _agency(1234).id == agency_id
    assert _agency(1234).name == "Yolo County Environmental Health"


def test_it_finds_a_pas_cupa_already_stored(database):
    _load(_csv(YOLO_CUPA))

    _load(_csv(WOODLAND_PA))

    assert _agency(1235).parent_agency_id == _agency(1234).id


def test_it_refuses_a_pa_whose_parent_is_unknown_or_not_a_cupa(database):
    message = _refusal(
        _csv("1235,Woodland FD,PA,Yolo,1234,,,,,", "1236,Davis FD,PA,Yolo,1235,,,,,")
    )

    assert message == "line 2: no agency has code 1234; line 3: agency 1235 is not a CUPA"


def test_it_loads_nothing_when_one_line_is_wrong(database):
    message = _refusal(_csv(YOLO_CUPA, "1236,Davis Fire,PA,Yolo,9999,,,,,"))

    assert message == "line 3: no agency has code 9999"


def test_it_keeps_a_cupa_with_pas_under_it_a_cupa(database):
    _load(_csv(YOLO_CUPA, WOODLAND_PA))
    _load(_csv("1001,Sacramento EMD,CUPA,Sacramento,,,,,,"))
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _load(_csv("1234,Yolo EH,PA,Yolo,1001,,,,,"))

    assert caught.value.message == (
        "line 2: agency 1234 must stay a CUPA: Woodland Fire Department works under it"
    )
    assert support.table_snapshot() == before


def test_it_lets_a_cupa_become_a_pa_when_the_same_file_moves_its_pas(database):
    _load(_csv(YOLO_CUPA, WOODLAND_PA, "1001,Sacramento EMD,CUPA,Sacramento,,,,,,"))

    _load(_csv("1234,Yolo EH,PA,Yolo,1001,,,,,", "1235,Woodland FD,PA,Yolo,1001,,,,,"))

    assert (_agency(1234).kind, _agency(1235).parent_agency_id) == ("PA", _agency(1001).id)


def test_it_checks_records_that_do_not_come_from_a_file(database):
    record = rules.AgencyRecord(code=1234, name=" Yolo  EH ", kind="cupa", county=57, phone="555")

    with pytest.raises(ValidationFailed) as caught:
        db.run(service.load_agencies, actor_user_id=None, records=[record])

    assert caught.value.message.startswith("phone: Enter a valid phone number")
    assert support.count(Agency) == 0


def test_it_cleans_records_that_do_not_come_from_a_file(database):
    record = rules.AgencyRecord(code=1234, name=" Yolo  EH ", kind="cupa", county=57)

    db.run(service.load_agencies, actor_user_id=None, records=[record])

    assert (_agency(1234).name, _agency(1234).kind) == ("Yolo EH", "CUPA")


# ------------------------------------------------------------------ contacts


def test_it_adds_a_contact_person_to_an_agency(database):
    agency_id = db.run(
        service.create_agency, actor_user_id=None, code=1234, name="Yolo EH", county=57
    )

    contact_id = db.run(
        service.add_agency_contact,
        actor_user_id=None,
        agency_id=agency_id,
        name=" Hazel  Moreno ",
        title="Hazardous Materials Specialist",
        phone="530.555.0111",
        email="Hazel@Yolo.example.org",
    )

    [row] = db.run(service.agency_contacts, agency_id)
    assert row == service.ContactRow(
        contact_id,
        "Hazel Moreno",
        "Hazardous Materials Specialist",
        "(530) 555-0111",
        "Hazel@yolo.example.org",
        True,
    )
    [event] = helpers.audit_events("AGENCY_CHANGED")
    assert (event.subject_id, event.after["contact_added"]["name"]) == (
        str(agency_id),
        "Hazel Moreno",
    )


def test_it_checks_a_contacts_details(database):
    agency_id = db.run(
        service.create_agency, actor_user_id=None, code=1234, name="Yolo EH", county=57
    )

    with pytest.raises(ValidationFailed) as caught:
        db.run(
            service.add_agency_contact,
            actor_user_id=None,
            agency_id=agency_id,
            name="",
            title="T" * 81,
            phone="12",
            email="nobody",
        )

    assert set(caught.value.fields) == {"name", "title", "phone", "email"}
    assert support.count(AgencyContact) == 0


def test_it_adds_no_contact_to_an_unknown_agency(database):
    with pytest.raises(NotFound):
        db.run(service.add_agency_contact, actor_user_id=None, agency_id=99, name="Hazel Moreno")
