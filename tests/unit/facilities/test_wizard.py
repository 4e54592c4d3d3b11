"""The add-facility wizard: each step saved, resumable, Back within its rules, one facility per
wizard however often step 3 is confirmed, and its outcomes."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.facilities import wizard
from cers_app.facilities.models import CersIdAllocation, Facility, FacilityRequest
from cers_app.organizations.models import Organization, OrgMember
from cers_app.organizations.roles import OrgRole
from tests.unit import support
from tests.unit.facilities import county as yolo
from tests.unit.organizations import world as acme_world


def _start(person) -> int:
    return db.run(wizard.start, person.actor())


def _site(person, wizard_id, **overrides):
    return db.run(wizard.submit_site, person.actor(), wizard_id, yolo.site(**overrides))


def _confirm(person, wizard_id, business, name="Acme Plating - Davis Works", **new_business):
    actor = person.actor()
    return db.run(wizard.confirm_facility, actor, wizard_id, name, business, **new_business)


def _load(person, wizard_id):
    return db.run(wizard.load, person.actor(), wizard_id)


def _at_step_3(person) -> int:
    wizard_id = _start(person)
    assert _site(person, wizard_id).step == 3
    return wizard_id


def _created(person, organization_id) -> tuple[int, int]:
    """A wizard at step 4 with its facility made; (wizard id, facility id)."""
    wizard_id = _at_step_3(person)
    view = _confirm(person, wizard_id, str(organization_id))
    return wizard_id, view.facility_id


# ------------------------------------------------------------------ step 1: the site


def test_it_starts_at_the_site_address(small_world, county):
    wizard_id = _start(small_world.lena)

    view = _load(small_world.lena, wizard_id)
    assert (view.step, view.site, view.facility_id, view.finished) == (1, {}, None, False)


def test_it_saves_the_site_normalised_and_skips_to_the_business_without_duplicates(
    small_world, county
):
    wizard_id = _start(small_world.lena)

    view = _site(small_world.lena, wizard_id, street="1200 north main street suite 4")

    assert view.step == 3
    assert view.site == {
        "name": "Acme Plating - Davis Works",
        "street": "1200 N MAIN ST",
        "supplemental": "STE 4",
        "city": "Davis",
        "zip_code": "95616",
        "county": "57",
        "epa_id": "",
    }
    assert [b.name for b in view.businesses] == ["Acme Plating Co."]


def test_it_shows_facilities_at_the_same_address_as_possible_duplicates(small_world, county):
    existing = yolo.add_facility(small_world.lena, small_world.acme, name="Old Name Plating")
    wizard_id = _start(small_world.otto)

    view = _site(small_world.otto, wizard_id, name="Otto's New Shop", street="1200 MAIN STREET")

    assert view.step == 2
    [duplicate] = view.duplicates
    assert (duplicate.facility_id, duplicate.name, duplicate.note) == (
        existing,
        "Old Name Plating",
        "Same address",
    )


def test_it_shows_a_facility_of_the_same_name_in_the_zip_code_as_a_possible_duplicate(
    small_world, county
):
    yolo.add_facility(small_world.lena, small_world.acme, street="99 Olive Dr")
    wizard_id = _start(small_world.lena)

    view = _site(small_world.lena, wizard_id, name="Acme Plating - Woodland Works")
    assert (view.step, view.duplicates) == (3, [])

    view = _site(small_world.lena, wizard_id, name="ACME PLATING, Davis  Works!")
    assert view.step == 2
    assert [d.note for d in view.duplicates] == ["Same name in this ZIP"]


def test_it_refuses_an_uncovered_zip_code_and_stays_at_step_1(small_world, county):
    wizard_id = _start(small_world.lena)

    with pytest.raises(ValidationFailed) as caught:
        _site(small_world.lena, wizard_id, zip_code="90012", city="Los Angeles")

    assert set(caught.value.fields) == {"zip_code"}
    assert _load(small_world.lena, wizard_id).step == 1


def test_it_refuses_a_site_at_fault_and_keeps_the_saved_one(small_world, county):
    wizard_id = _at_step_3(small_world.lena)

    with pytest.raises(ValidationFailed):
        _site(small_world.lena, wizard_id, street="PO Box 12")

    view = _load(small_world.lena, wizard_id)
    assert (view.step, view.site["street"]) == (3, "1200 MAIN ST")


# ------------------------------------------------------------------ step 2: duplicates


def test_it_goes_on_with_a_new_facility_when_no_duplicate_is_the_site(small_world, county):
    yolo.add_facility(small_world.lena, small_world.acme)
    wizard_id = _start(small_world.lena)
    assert _site(small_world.lena, wizard_id).step == 2

    view = db.run(wizard.continue_new, small_world.lena.actor(), wizard_id)

    assert view.step == 3
    with pytest.raises(Conflict):
        db.run(wizard.continue_new, small_world.lena.actor(), wizard_id)


def test_it_ends_with_an_access_request_for_an_existing_facility(small_world, county):
    existing = yolo.add_facility(small_world.lena, small_world.acme)
    wizard_id = _start(small_world.otto)
    _site(small_world.otto, wizard_id)

    view = db.run(
        wizard.request_access, small_world.otto.actor(), wizard_id, existing, "editor", "Hi"
    )

    assert (view.finished, view.outcome) == (True, "access_requested")
    [request] = db.run(lambda s: s.exec(FacilityRequest.__table__.select()).all())
    assert (request.kind, request.facility_id, request.role) == ("access", existing, "editor")
    assert db.run(wizard.unfinished, small_world.otto.actor()) == []


def test_it_ends_with_a_transfer_request_for_someone_elses_facility(small_world, county):
    existing = yolo.add_facility(small_world.lena, small_world.acme)
    wizard_id = _start(small_world.otto)
    _site(small_world.otto, wizard_id)

    view = db.run(
        wizard.take_ownership,
        small_world.otto.actor(),
        wizard_id,
        existing,
        small_world.ottos,
        "We bought the site.",
    )

    assert view.outcome == "transfer_requested"
    assert yolo.facility(existing).organization_id == small_world.acme


def test_it_ends_with_the_facility_moved_when_its_lead_user_leads_both_businesses(
    small_world, county
):
    existing = yolo.add_facility(small_world.lena, small_world.acme)
    second = acme_world.create_business(small_world.lena, "Acme Coatings LLC")
    wizard_id = _start(small_world.lena)
    _site(small_world.lena, wizard_id)

    view = db.run(wizard.take_ownership, small_world.lena.actor(), wizard_id, existing, second, "")

    assert view.outcome == "transferred"
    assert yolo.facility(existing).organization_id == second


def test_it_closes_a_wizard_that_ended_with_a_request(small_world, county):
    existing = yolo.add_facility(small_world.lena, small_world.acme)
    wizard_id = _start(small_world.otto)
    _site(small_world.otto, wizard_id)
    db.run(wizard.request_access, small_world.otto.actor(), wizard_id, existing, "viewer", "")

    with pytest.raises(Conflict) as caught:
        _site(small_world.otto, wizard_id)
    assert caught.value.message == (
        "This wizard is finished. Start a new one to add another facility."
    )
    with pytest.raises(Conflict):
        _confirm(small_world.otto, wizard_id, str(small_world.ottos))
    assert _load(small_world.otto, wizard_id).outcome == "access_requested"


# ------------------------------------------------------------------ step 3: name and business


def test_it_offers_only_the_businesses_where_the_person_may_add_facilities(world, county):
    extra = acme_world.create_business(world.otto, "Otto's Extra")
    acme_world.add(world.otto, extra, world.ed, OrgRole.APPROVER)

    assert [b.name for b in _load(world.ed, _at_step_3(world.ed)).businesses] == ["Otto's Extra"]
    assert [b.name for b in _load(world.val, _at_step_3(world.val)).businesses] == []
    assert [(b.name, b.role) for b in _load(world.connie, _at_step_3(world.connie)).businesses] == [
        ("Acme Plating Co.", "Approver")
    ]


def test_it_creates_the_facility_at_step_3_and_moves_on_to_business_activities(small_world, county):
    wizard_id = _at_step_3(small_world.lena)

    view = _confirm(small_world.lena, wizard_id, str(small_world.acme), name="Acme - Davis")

    assert view.step == 4
    made = yolo.facility(view.facility_id)
    assert (made.name, made.organization_id, made.street) == (
        "Acme - Davis",
        small_world.acme,
        "1200 MAIN ST",
    )
    assert view.site["name"] == "Acme - Davis"


def test_it_returns_the_one_facility_when_step_3_is_confirmed_twice(small_world, county):
    wizard_id = _at_step_3(small_world.lena)

    first = _confirm(small_world.lena, wizard_id, str(small_world.acme))
    again = _confirm(small_world.lena, wizard_id, str(small_world.acme), name="Other")

    assert again.facility_id == first.facility_id
    assert support.count(Facility) == 1
    assert support.count(CersIdAllocation) == 1
    assert yolo.facility(first.facility_id).name == "Acme Plating - Davis Works"


def test_it_creates_a_new_business_with_the_person_as_lead_user(small_world, county):
    wizard_id = _at_step_3(small_world.otto)

    view = _confirm(
        small_world.otto,
        wizard_id,
        "new",
        new_business_name="Owens Yolo Yard LLC",
        new_business_headquarters="Davis, CA",
    )
    again = _confirm(small_world.otto, wizard_id, "new", new_business_name="Owens Yolo Yard LLC")

    organization_id = yolo.facility(view.facility_id).organization_id
    business = db.run(lambda s: s.get(Organization, organization_id))
    assert (business.name, business.headquarters) == ("Owens Yolo Yard LLC", "Davis, CA")
    member = db.run(
        lambda s: s.exec(
            OrgMember.__table__.select().where(OrgMember.organization_id == business.id)
        ).one()
    )
    assert (member.user_id, member.role) == (small_world.otto.id, "lead")
    assert again.facility_id == view.facility_id
    assert support.count(Organization) == 3


def test_it_asks_for_the_name_of_a_new_business(small_world, county):
    wizard_id = _at_step_3(small_world.otto)

    with pytest.raises(ValidationFailed) as caught:
        _confirm(small_world.otto, wizard_id, "new", new_business_name=" ")

    assert caught.value.fields == {"name": "Enter the business's name."}
    assert support.count(Facility) == 0


@pytest.mark.parametrize("business", ["", "acme", "1.0", "-1", "99999999999", "\u0661"])
def test_it_asks_to_choose_a_business_for_a_choice_that_is_not_one(small_world, county, business):
    wizard_id = _at_step_3(small_world.lena)

    with pytest.raises(ValidationFailed) as caught:
        _confirm(small_world.lena, wizard_id, business)

    assert caught.value.fields == {"business": "Choose the business this facility belongs to."}


def test_it_refuses_a_business_where_the_person_may_not_add_facilities(world, county):
    wizard_id = _at_step_3(world.ed)

    with pytest.raises(PermissionDenied):
        _confirm(world.ed, wizard_id, str(world.acme))
    with pytest.raises(NotFound):
        _confirm(world.ed, wizard_id, str(world.ottos))

    assert support.count(Facility) == 0
    assert _load(world.ed, wizard_id).step == 3


def test_it_refuses_an_empty_facility_name(small_world, county):
    wizard_id = _at_step_3(small_world.lena)

    with pytest.raises(ValidationFailed) as caught:
        _confirm(small_world.lena, wizard_id, str(small_world.acme), name="  ")

    assert set(caught.value.fields) == {"name"}


def test_it_needs_the_site_before_the_business(small_world, county):
    wizard_id = _start(small_world.lena)

    with pytest.raises(Conflict) as caught:
        _confirm(small_world.lena, wizard_id, str(small_world.acme))

    assert caught.value.message == "Enter the site's address first."


# ------------------------------------------------------------------ steps 4-6


def test_it_moves_through_the_forms_to_the_summary_and_finishes(small_world, county):
    wizard_id, facility_id = _created(small_world.lena, small_world.acme)
    actor = small_world.lena.actor()

    assert db.run(wizard.step_done, actor, wizard_id, 4).step == 5
    view = db.run(wizard.step_done, actor, wizard_id, 5)

    assert (view.step, view.finished, view.outcome, view.facility_id) == (
        6,
        True,
        "created",
        facility_id,
    )
    assert db.run(wizard.unfinished, actor) == []


@pytest.mark.parametrize("step", [3, 5, 6, 7])
def test_it_refuses_to_finish_a_step_that_is_not_the_current_one(small_world, county, step):
    wizard_id, _ = _created(small_world.lena, small_world.acme)

    with pytest.raises(Conflict):
        db.run(wizard.step_done, small_world.lena.actor(), wizard_id, step)

    assert _load(small_world.lena, wizard_id).step == 4


def test_it_cannot_finish_step_4_before_the_facility_exists(small_world, county):
    wizard_id = _at_step_3(small_world.lena)
    db.run(wizard.go_to, small_world.lena.actor(), wizard_id, 3)

    with pytest.raises(Conflict):
        db.run(wizard.step_done, small_world.lena.actor(), wizard_id, 4)


# ------------------------------------------------------------------ Back, resume, ownership


def test_it_goes_back_to_any_step_already_reached_before_the_facility_exists(small_world, county):
    wizard_id = _at_step_3(small_world.lena)
    actor = small_world.lena.actor()

    assert db.run(wizard.go_to, actor, wizard_id, 1).step == 1
    with pytest.raises(ValidationFailed) as caught:  # forward only by doing the step again
        db.run(wizard.go_to, actor, wizard_id, 3)
    assert caught.value.message == "Finish the current step first."
    view = _site(small_world.lena, wizard_id, city="Davis", street="250 Cousteau Pl")
    assert (view.step, view.site["street"]) == (3, "250 COUSTEAU PL")


@pytest.mark.parametrize("step", [0, 4, 7, "2", None, True])
def test_it_refuses_a_step_not_reached_or_not_a_step(small_world, county, step):
    wizard_id = _at_step_3(small_world.lena)

    with pytest.raises(ValidationFailed):
        db.run(wizard.go_to, small_world.lena.actor(), wizard_id, step)

    assert _load(small_world.lena, wizard_id).step == 3


@pytest.mark.parametrize("step", [1, 2, 3])
def test_it_closes_the_site_steps_once_the_facility_exists(small_world, county, step):
    wizard_id, _ = _created(small_world.lena, small_world.acme)

    with pytest.raises(ValidationFailed) as caught:
        db.run(wizard.go_to, small_world.lena.actor(), wizard_id, step)

    assert caught.value.message == "That step cannot be opened now."
    with pytest.raises(Conflict):
        _site(small_world.lena, wizard_id)


def test_it_goes_back_from_the_summary_and_forward_again(small_world, county):
    wizard_id, facility_id = _created(small_world.lena, small_world.acme)
    actor = small_world.lena.actor()
    db.run(wizard.step_done, actor, wizard_id, 4)
    db.run(wizard.step_done, actor, wizard_id, 5)

    assert db.run(wizard.go_to, actor, wizard_id, 4).step == 4
    assert db.run(wizard.step_done, actor, wizard_id, 4).step == 5
    view = db.run(wizard.step_done, actor, wizard_id, 5)

    assert (view.step, view.outcome, view.facility_id) == (6, "created", facility_id)
    assert support.count(Facility) == 1


def test_it_lists_unfinished_wizards_to_resume_them(small_world, county):
    first = _start(small_world.lena)
    second = _at_step_3(small_world.lena)
    _start(small_world.otto)

    rows = db.run(wizard.unfinished, small_world.lena.actor())

    assert [(r.id, r.step, r.name) for r in rows] == [
        (second, 3, "Acme Plating - Davis Works"),  # the one worked on last comes first
        (first, 1, "(no name yet)"),
    ]


def test_it_resumes_where_it_was_left_in_another_session(small_world, county):
    wizard_id, facility_id = _created(small_world.lena, small_world.acme)
    elsewhere = small_world.lena.another_session()

    view = _load(elsewhere, wizard_id)

    assert (view.step, view.facility_id) == (4, facility_id)


def test_it_hides_a_wizard_from_everyone_but_its_owner(small_world, county):
    wizard_id = _at_step_3(small_world.lena)

    for call in (
        lambda: _load(small_world.otto, wizard_id),
        lambda: _site(small_world.otto, wizard_id),
        lambda: _confirm(small_world.otto, wizard_id, str(small_world.ottos)),
        lambda: db.run(wizard.go_to, small_world.otto.actor(), wizard_id, 1),
    ):
        with pytest.raises(NotFound):
            call()


@pytest.mark.parametrize("junk", [None, "1", 0, -3, 2**31, True])
def test_it_refuses_a_wizard_id_that_is_not_an_id(small_world, county, junk):
    with pytest.raises(NotFound):
        _load(small_world.lena, junk)


def test_it_asks_for_no_access_once_it_added_its_facility(small_world, county):
    other = yolo.add_facility(small_world.otto, small_world.ottos, zip_code="95618")
    wizard_id, _ = _created(small_world.lena, small_world.acme)
    before = support.table_snapshot()

    with pytest.raises(Conflict):
        db.run(wizard.request_access, small_world.lena.actor(), wizard_id, other, "viewer", "")
    with pytest.raises(Conflict):
        db.run(
            wizard.take_ownership, small_world.lena.actor(), wizard_id, other, small_world.acme, ""
        )

    assert support.table_snapshot() == before
