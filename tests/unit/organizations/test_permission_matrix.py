"""The permission matrix, generated from the one role x action table (roles.ROLE_ACTIONS).

Every (role, action) pair is checked through `access_organization`, the loader every service
uses: allowed exactly where the table says so, PermissionDenied elsewhere, and NotFound for an
outsider and for another business's id whatever the role. The services that already act on an
organization are then run as each role: allowed calls do what they say, refused calls change
no row of any table. A new action or role in the table is covered without editing this file.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from cers_app.core import db
from cers_app.core.errors import NotFound, PermissionDenied
from cers_app.core.permissions import Actor
from cers_app.organizations import service
from cers_app.organizations.models import Organization, OrgInvitation
from cers_app.organizations.roles import (
    ACTION_LABELS,
    ROLE_ACTIONS,
    ROLE_LABELS,
    OrgAction,
    OrgRole,
    allows,
)
from tests import audit_hook
from tests.unit import support
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import World

PAIRS = [(role, action) for role in OrgRole for action in OrgAction]
JUNK_IDS = [None, "1", 1.0, True, -1, 0, [1], {"id": 1}]


def _access(actor: Actor, organization_id: object, action: OrgAction):
    return db.run(service.access_organization, actor, organization_id, action)


# ------------------------------------------------------------------ the table itself


def test_it_labels_every_role_and_every_action():
    assert set(ROLE_LABELS) == set(OrgRole)
    assert set(ACTION_LABELS) == set(OrgAction)
    assert set(ROLE_ACTIONS) == set(OrgRole)


def test_it_makes_each_role_include_everything_the_role_before_it_may_do():
    roles = list(OrgRole)
    for lower, higher in itertools.pairwise(roles):
        assert ROLE_ACTIONS[lower] < ROLE_ACTIONS[higher], (lower, higher)
    assert ROLE_ACTIONS[OrgRole.VIEWER] == {OrgAction.VIEW}
    assert ROLE_ACTIONS[OrgRole.LEAD] == set(OrgAction)


@pytest.mark.parametrize("role", ["", "owner", "Lead", "LEAD ", None, 3])
def test_it_lets_an_unknown_role_do_nothing(role):
    assert not any(allows(role, action) for action in OrgAction)  # type: ignore[arg-type]


# ------------------------------------------------------------------ access_organization


@pytest.mark.parametrize(
    ("role", "action"), PAIRS, ids=[f"{role.value}-{action.value}" for role, action in PAIRS]
)
def test_it_allows_each_role_exactly_the_actions_of_the_table(database, role, action):
    world = acme_world.build(roles={role})
    actor = world.holder(role).actor()

    if action in ROLE_ACTIONS[role]:
        organization, member = _access(actor, world.acme, action)
        assert (organization.id, member.user_id, member.role) == (
            world.acme,
            actor.user_id,
            role.value,
        )
    else:
        with pytest.raises(PermissionDenied) as caught:
            _access(actor, world.acme, action)
        assert caught.value.message == (
            f"Your role in {acme_world.ACME} ({ROLE_LABELS[role]}) does not allow you to "
            f"{ACTION_LABELS[action]}."
        )
    # Another business's id, and an outsider at Acme: not found, whatever the table says.
    with pytest.raises(NotFound) as other:
        _access(actor, world.ottos, action)
    with pytest.raises(NotFound) as outsider:
        _access(world.otto.actor(), world.acme, action)
    assert other.value.message == outsider.value.message == service.NOT_FOUND


def test_it_finds_nothing_for_an_id_that_is_not_one_of_the_actors_businesses(small_world):
    lena = small_world.lena.actor()

    for organization_id in [*JUNK_IDS, 999_999, 2**31, 2**63]:
        with pytest.raises(NotFound) as caught:
            _access(lena, organization_id, OrgAction.VIEW)
        assert caught.value.message == service.NOT_FOUND, organization_id


def test_it_finds_nothing_in_an_inactive_business(small_world):
    world = small_world

    def deactivate(session):
        organization = session.get(Organization, world.acme)
        organization.status = "inactive"
        session.add(organization)
        session.commit()

    with audit_hook.exempt("deactivates the business by hand"):
        db.run(deactivate)

    for action in OrgAction:
        with pytest.raises(NotFound):
            _access(world.lena.actor(), world.acme, action)


# ------------------------------------------------------------------ the services, per role


@dataclass(frozen=True)
class Targets:
    """Ids a call aims at: a membership (with its version) and a pending invitation."""

    member_id: int
    member_version: int
    invitation_id: int


@dataclass(frozen=True)
class Scene:
    world: World
    acme_targets: Targets  # val's membership and an invitation of Acme
    ottos_targets: Targets  # otto's membership and an invitation of otto's business


def _targets(organization_id: int, lead, member) -> Targets:
    acme_world.invite(lead, organization_id, f"nina.{organization_id}@example.com")
    invitation = [i for i in acme_world.invitations() if i.organization_id == organization_id][-1]
    found = acme_world.membership(organization_id, member)
    assert found is not None and found.id is not None and invitation.id is not None
    return Targets(found.id, found.version, invitation.id)


@pytest.fixture
def scene(world: World) -> Scene:
    return Scene(
        world,
        _targets(world.acme, world.lena, world.val),
        _targets(world.ottos, world.otto, world.otto),
    )


def _version(organization_id: int) -> int:
    return db.run(lambda s: s.get(Organization, organization_id).version)


def _invitation(invitation_id: int) -> OrgInvitation:
    return db.run(lambda s: s.get(OrgInvitation, invitation_id))


@dataclass(frozen=True)
class Call:
    """One service call that acts on an organization, and what it does when allowed."""

    name: str
    action: OrgAction
    run: Callable[[Actor, object, Targets], object]
    done: Callable[[Scene, Actor, object], None]
    aims_at_targets: bool = False  # takes a membership or invitation id from the client


def _got_acme(scene: Scene, actor: Actor, result) -> None:
    assert (result.id, result.name) == (scene.world.acme, acme_world.ACME)
    assert result.actions == {action.value for action in OrgAction if allows(result.role, action)}


def _selected_acme(scene: Scene, actor: Actor, result) -> None:
    _got_acme(scene, actor, result)
    assert acme_world.selected(actor) == scene.world.acme


def _listed(scene: Scene, actor: Actor, result) -> None:
    names = {row.name for row in result.people}
    assert names == {"Lena Lopez", "Ed Ortiz", "Val Nguyen", "Connie Chen"}
    assert [row.email for row in result.invitations] == [f"nina.{scene.world.acme}@example.com"]


def _edited(scene: Scene, actor: Actor, result) -> None:
    assert result.name == "Acme Plating Company"
    assert _version(scene.world.acme) == 2


def _invited(scene: Scene, actor: Actor, result) -> None:
    assert "an invitation was emailed" in str(result)
    assert acme_world.invitations()[-1].email == "pat.park@example.com"


def _added_otto(scene: Scene, actor: Actor, result) -> None:
    found = acme_world.membership(scene.world.acme, scene.world.otto)
    assert found is not None and found.role == OrgRole.VIEWER.value


def _revoked(scene: Scene, actor: Actor, result) -> None:
    assert _invitation(scene.acme_targets.invitation_id).revoked_at is not None


def _changed(scene: Scene, actor: Actor, result) -> None:
    found = acme_world.membership(scene.world.acme, scene.world.val)
    assert found is not None and (found.role, found.title) == ("editor", "Night Manager")


def _removed(scene: Scene, actor: Actor, result) -> None:
    assert acme_world.membership(scene.world.acme, scene.world.val) is None


# In the order a Lead User can run them one after another on the same data.
CALLS = [
    Call(
        "get_organization",
        OrgAction.VIEW,
        lambda actor, org, t: db.run(service.get_organization, actor, org),
        _got_acme,
    ),
    Call(
        "select_organization",
        OrgAction.VIEW,
        lambda actor, org, t: db.run(service.select_organization, actor, org),
        _selected_acme,
    ),
    Call(
        "list_people",
        OrgAction.MANAGE_PEOPLE,
        lambda actor, org, t: db.run(service.list_people, actor, org),
        _listed,
    ),
    Call(
        "edit_organization",
        OrgAction.EDIT_ORGANIZATION,
        lambda actor, org, t: db.run(
            service.edit_organization,
            actor,
            org,
            "Acme Plating Company",
            "Sacramento, CA",
            _version(org) if isinstance(org, int) else 1,
        ),
        _edited,
    ),
    Call(
        "add_person (invitation)",
        OrgAction.MANAGE_PEOPLE,
        lambda actor, org, t: db.run(
            service.add_person, actor, org, "pat.park@example.com", "Pat Park", "", "", "editor"
        ),
        _invited,
    ),
    Call(
        "add_person (existing account)",
        OrgAction.MANAGE_PEOPLE,
        lambda actor, org, t: db.run(
            service.add_person, actor, org, "ottoowens", "Otto Owens", "", "", "viewer"
        ),
        _added_otto,
    ),
    Call(
        "revoke_invitation",
        OrgAction.MANAGE_PEOPLE,
        lambda actor, org, t: db.run(service.revoke_invitation, actor, org, t.invitation_id),
        _revoked,
        aims_at_targets=True,
    ),
    Call(
        "change_person",
        OrgAction.MANAGE_PEOPLE,
        lambda actor, org, t: db.run(
            service.change_person,
            actor,
            org,
            t.member_id,
            "editor",
            "Night Manager",
            "",
            t.member_version,
        ),
        _changed,
        aims_at_targets=True,
    ),
    Call(
        "remove_person",
        OrgAction.MANAGE_PEOPLE,
        lambda actor, org, t: db.run(service.remove_person, actor, org, t.member_id),
        _removed,
        aims_at_targets=True,
    ),
]


def test_it_runs_a_service_call_for_every_action_that_has_one():
    covered = {call.action for call in CALLS}
    assert covered == {OrgAction.VIEW, OrgAction.MANAGE_PEOPLE, OrgAction.EDIT_ORGANIZATION}


@pytest.mark.parametrize("role", list(OrgRole), ids=[role.value for role in OrgRole])
def test_it_lets_each_role_run_exactly_the_services_its_actions_allow(scene: Scene, role):
    actor = scene.world.holder(role).actor()
    for call in CALLS:
        before = support.table_snapshot()
        if call.action in ROLE_ACTIONS[role]:
            result = call.run(actor, scene.world.acme, scene.acme_targets)
            call.done(scene, actor, result)
        else:
            with pytest.raises(PermissionDenied, match="does not allow you to"):
                call.run(actor, scene.world.acme, scene.acme_targets)
            assert support.table_snapshot() == before, f"{call.name} as {role} changed data"


def test_it_reaches_nothing_of_another_business_through_any_service(scene: Scene):
    """Acme's Lead User with otto's business's ids, and otto at Acme: not found, no change."""
    world = scene.world
    before = support.table_snapshot()
    lena, otto = world.lena.actor(), world.otto.actor()
    for call in CALLS:
        attempts = [
            (lena, world.ottos, scene.ottos_targets),  # another business's id
            (otto, world.acme, scene.acme_targets),  # an outsider at Acme
        ]
        if call.aims_at_targets:  # Acme's own id with another business's member/invitation ids
            attempts.append((lena, world.acme, scene.ottos_targets))
        for actor, organization_id, targets in attempts:
            with pytest.raises(NotFound):
                call.run(actor, organization_id, targets)
    assert support.table_snapshot() == before
