"""Select Business and the session's current business (select_ and current_organization)."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import NotFound
from cers_app.organizations import service
from cers_app.organizations.roles import OrgRole
from tests.unit import support
from tests.unit.organizations import world as acme_world


def _select(person, organization_id):
    return db.run(service.select_organization, person.actor(), organization_id)


def _current(person):
    return db.run(service.current_organization, person.actor())


@pytest.fixture
def consultant(world):
    """connie: Approver at Acme and Editor at otto's business, nothing selected yet."""
    acme_world.add(world.otto, world.ottos, world.connie, OrgRole.EDITOR)
    return world.connie


def test_it_makes_the_chosen_business_the_sessions_business(world, consultant):
    chosen = _select(consultant, world.ottos)

    assert (chosen.id, chosen.name, chosen.role, chosen.role_label) == (
        world.ottos,
        "Owens Oil Co.",
        "editor",
        "Editor",
    )
    assert chosen.actions == {"view", "edit_draft", "upload", "discard_draft"}
    actor = consultant.actor()
    assert (actor.organization_id, actor.organization_name) == (world.ottos, "Owens Oil Co.")


def test_it_switches_between_a_consultants_businesses(world, consultant):
    _select(consultant, world.ottos)
    switched = _select(consultant, world.acme)

    assert switched.role == "approver"
    assert consultant.actor().organization_id == world.acme


def test_it_keeps_each_browser_session_on_its_own_business(world, consultant):
    laptop, phone = consultant, consultant.another_session()

    _select(laptop, world.acme)
    _select(phone, world.ottos)

    assert laptop.actor().organization_id == world.acme
    assert phone.actor().organization_id == world.ottos


def test_it_refuses_an_id_that_is_not_one_of_the_actors_businesses(small_world):
    lena = small_world.lena.actor()
    before = support.table_snapshot()

    for organization_id in [None, "1", True, 0, -1, 999_999, 2**31, 2**63]:
        with pytest.raises(NotFound, match="not found among yours"):
            db.run(service.select_organization, lena, organization_id)

    assert support.table_snapshot() == before


def test_it_refuses_another_business_and_keeps_the_selection(world):
    _select(world.lena, world.acme)
    before = support.table_snapshot()

    with pytest.raises(NotFound, match="not found among yours"):
        _select(world.lena, world.ottos)

    assert support.table_snapshot() == before
    assert world.lena.actor().organization_id == world.acme


def test_it_selects_the_only_business_of_someone_with_one(world):
    assert world.val.actor().organization_id is None

    current = _current(world.val)

    assert (current.id, current.role) == (world.acme, "viewer")
    assert current.actions == {"view"}
    assert world.val.actor().organization_id == world.acme
    assert world.val.selected() == world.acme


def test_it_has_no_current_business_for_someone_without_one(database):
    newcomer = acme_world.person("ninanew", "Nina", "Newcomb")

    assert _current(newcomer) is None
    assert newcomer.selected() is None


def test_it_waits_for_a_consultant_to_choose_among_several(world, consultant):
    assert _current(consultant) is None
    assert consultant.selected() is None

    _select(consultant, world.ottos)

    assert _current(consultant).id == world.ottos


def test_it_drops_the_selection_of_a_removed_member(world, consultant):
    _select(consultant, world.acme)
    member_id = acme_world.member_id(world.acme, consultant)
    stale_actor = consultant.actor()

    db.run(service.remove_person, world.lena.actor(), world.acme, member_id)

    assert consultant.selected() is None
    assert consultant.actor().organization_id is None
    # Only otto's business is left: it becomes the current one.
    assert db.run(service.current_organization, stale_actor).id == world.ottos
    assert consultant.actor().organization_id == world.ottos


def test_it_has_no_current_business_once_the_only_one_is_gone(world):
    _current(world.val)
    stale_actor = world.val.actor()
    member_id = acme_world.member_id(world.acme, world.val)

    db.run(service.remove_person, world.lena.actor(), world.acme, member_id)

    assert db.run(service.current_organization, stale_actor) is None
    assert world.val.actor().organization_id is None
