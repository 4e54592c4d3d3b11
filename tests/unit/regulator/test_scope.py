"""What a regulator reaches: a CUPA sees a facility whole (its participating agency's
elements too), a participating agency only its own elements, another agency nothing; roles
give rights; an inactive membership and a business user reach nothing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from cers_app.agencies.models import AgencyMember
from cers_app.core import db
from cers_app.core.errors import NotFound, PermissionDenied
from cers_app.facilities.models import ElementVersion, Facility, FacilityElement
from cers_app.regulator import scope
from cers_app.regulator.scope import Right
from cers_app.submittals import drafts
from tests import audit_hook
from tests.unit.facilities import county as yolo
from tests.unit.organizations.world import Person, World
from tests.unit.regulator import cast

FI, HMI, ERTP = 1, 2, 3


@dataclass(frozen=True)
class Woodland:
    """Acme's Woodland facility: HMI regulated by the Woodland PA, the rest by the CUPA,
    FI, HMI and ERTP submitted; and the staff of the three agencies."""

    world: World
    county: yolo.County
    facility: int
    versions: dict[int, int]
    cupa_admin: Person
    cupa_viewer: Person
    pa_reviewer: Person
    other_admin: Person


@pytest.fixture
def woodland(world, county) -> Woodland:
    facility_id = yolo.add_facility(
        world.lena, world.acme, name="Acme Woodland", city="Woodland", zip_code="95695"
    )
    _, errors = yolo.save_answers(world.lena, facility_id, yolo.answers("HMOnSite"))
    assert not errors
    for element in (HMI, ERTP):
        db.run(drafts.start_element, world.lena.actor(), facility_id, element, drafts.BLANK)
    versions = {}
    for element, slot in yolo.elements(facility_id).items():
        if element in (FI, HMI, ERTP):
            versions[element] = slot.draft_version_id
            yolo.mark_submitted(slot.draft_version_id)
    return Woodland(
        world=world,
        county=county,
        facility=facility_id,
        versions=versions,
        cupa_admin=cast.regulator(county, "rita"),
        cupa_viewer=cast.regulator(county, "vic"),
        pa_reviewer=cast.regulator(county, "pam", role="reviewer"),
        other_admin=cast.regulator(county, "rex"),
    )


def _facilities(who: Person, right: Right = Right.VIEW) -> list[int]:
    def query(session):
        reach = scope.reach_of(session, who.actor(), right)
        return list(session.exec(select(Facility.id).where(scope.facility_clause(reach))))

    return db.run(query)


def _versions(who: Person, right: Right = Right.VIEW) -> set[int]:
    def query(session):
        reach = scope.reach_of(session, who.actor(), right)
        return set(session.exec(select(ElementVersion.id).where(scope.version_clause(reach))))

    return db.run(query)


def _slots(who: Person) -> set[int]:
    def query(session):
        reach = scope.reach_of(session, who.actor(), Right.VIEW)
        rows = session.exec(select(FacilityElement.element).where(scope.element_clause(reach)))
        return set(rows)

    return db.run(query)


def test_the_woodland_hmi_goes_to_the_participating_agency(woodland):
    slots = yolo.elements(woodland.facility)
    assert slots[HMI].agency_id == woodland.county.pa
    assert slots[FI].agency_id == slots[ERTP].agency_id == woodland.county.cupa


def test_cupa_staff_see_the_whole_facility_including_the_pa_element(woodland):
    who = woodland.cupa_viewer
    assert _facilities(who) == [woodland.facility]
    assert _slots(who) == set(range(1, 11))
    assert _versions(who) == set(woodland.versions.values())
    assert db.run(scope.visible_elements, who.actor(), woodland.facility, Right.VIEW) == set(
        range(1, 11)
    )
    version = db.run(scope.load_version, who.actor(), woodland.versions[HMI], Right.VIEW)
    assert version.element == HMI
    assert db.run(scope.load_facility, who.actor(), woodland.facility, Right.VIEW).id == (
        woodland.facility
    )


def test_pa_staff_see_only_their_elements(woodland):
    who = woodland.pa_reviewer
    assert _facilities(who) == [woodland.facility]
    assert _slots(who) == {HMI}
    assert _versions(who) == {woodland.versions[HMI]}
    assert db.run(scope.load_version, who.actor(), woodland.versions[HMI], Right.REVIEW)
    for element in (FI, ERTP):
        with pytest.raises(NotFound):
            db.run(scope.load_version, who.actor(), woodland.versions[element], Right.VIEW)


def test_another_agency_sees_nothing(woodland):
    who = woodland.other_admin
    assert _facilities(who) == [] and _slots(who) == set() and _versions(who) == set()
    with pytest.raises(NotFound):
        db.run(scope.load_facility, who.actor(), woodland.facility, Right.VIEW)
    with pytest.raises(NotFound):
        db.run(scope.load_version, who.actor(), woodland.versions[HMI], Right.REVIEW)


def test_roles_give_their_rights(woodland):
    assert scope.ROLE_RIGHTS["viewer"] == {Right.VIEW}
    assert scope.ROLE_RIGHTS["reviewer"] == {Right.VIEW, Right.REVIEW, Right.MANAGE}
    assert scope.ROLE_RIGHTS["request_handler"] == {Right.VIEW, Right.REQUESTS}
    assert scope.ROLE_RIGHTS["admin"] == set(Right) - {Right.RESPOND}
    assert scope.ROLE_RIGHTS["responder"] == {Right.RESPOND}
    viewer = woodland.cupa_viewer
    assert _versions(viewer, Right.REVIEW) == set()
    with pytest.raises(PermissionDenied):
        db.run(scope.load_version, viewer.actor(), woodland.versions[FI], Right.REVIEW)
    with pytest.raises(PermissionDenied):
        db.run(scope.load_facility, viewer.actor(), woodland.facility, Right.MANAGE)
    admin = woodland.cupa_admin
    assert db.run(scope.load_version, admin.actor(), woodland.versions[FI], Right.REVIEW)
    assert db.run(
        lambda s: scope.reaches_version(
            s, admin.actor(), s.get(ElementVersion, woodland.versions[FI]), Right.REVIEW
        )
    )


def test_an_inactive_membership_reaches_nothing(woodland):
    who = woodland.cupa_admin

    def deactivate(session):
        with db.transaction(session):
            for member in session.exec(select(AgencyMember).where(AgencyMember.user_id == who.id)):
                member.active = False
                session.add(member)

    with audit_hook.exempt("deactivates the membership by hand"):
        db.run(deactivate)

    assert db.run(scope.roles_of, who.actor()) == {}
    assert _facilities(who) == [] and _versions(who) == set()
    with pytest.raises(NotFound):
        db.run(scope.load_version, who.actor(), woodland.versions[FI], Right.VIEW)


def test_a_business_user_is_no_regulator(woodland):
    lena = woodland.world.lena
    assert db.run(scope.roles_of, lena.actor()) == {}
    assert db.run(scope.reach_of, lena.actor(), Right.VIEW).empty
    assert _facilities(lena) == [] and _versions(lena) == set()
    with pytest.raises(NotFound):
        db.run(scope.load_facility, lena.actor(), woodland.facility, Right.VIEW)


def test_drafts_and_bad_ids_are_never_found(woodland):
    who = woodland.cupa_admin
    db.run(drafts.start_element, woodland.world.lena.actor(), woodland.facility, FI, "")
    draft = yolo.elements(woodland.facility)[FI].draft_version_id
    assert draft not in _versions(who)
    for version_id in (draft, "1", 1.0, True, None, 0, -3):
        with pytest.raises(NotFound):
            db.run(scope.load_version, who.actor(), version_id, Right.VIEW)
