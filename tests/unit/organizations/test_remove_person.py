"""remove_person: the Lead User takes someone out; their very next call there is refused."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied
from cers_app.organizations import service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world

JUNK_IDS = [None, "1", True, 0, -1, 999_999, 2**31, 2**63]


def _remove(lead, organization_id, person):
    member_id = acme_world.member_id(organization_id, person)
    db.run(service.remove_person, lead.actor(), organization_id, member_id)
    return member_id


def test_it_takes_the_person_out_of_the_business(world):
    _remove(world.lena, world.acme, world.ed)

    assert acme_world.membership(world.acme, world.ed) is None
    people = db.run(service.list_people, world.lena.actor(), world.acme)
    assert "Ed Ortiz" not in [p.name for p in people.people]


def test_it_audits_the_removal(world):
    member_id = _remove(world.lena, world.acme, world.ed)

    [event] = helpers.audit_events("ORG_MEMBER_REMOVED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        world.lena.id,
        "org_member",
        str(member_id),
    )
    assert event.before == {"organization_id": world.acme, "user_id": world.ed.id, "role": "editor"}
    assert event.after is None


def test_it_emails_the_person_removed(world):
    _remove(world.lena, world.acme, world.ed)

    [message] = helpers.emails("org_member_removed")
    assert (message.to_address, message.user_id) == (world.ed.email, world.ed.id)
    assert message.subject == "You were removed from Acme Plating Co. in OpenCERS"
    support.assert_email_contains(
        message,
        "Hello Ed,",
        "Lena Lopez removed you from the business Acme Plating Co.",
    )


def test_it_refuses_the_removed_persons_very_next_call(world):
    db.run(service.select_organization, world.ed.actor(), world.acme)
    actor_before_removal = world.ed.actor()
    assert actor_before_removal.organization_id == world.acme

    _remove(world.lena, world.acme, world.ed)

    for call in (service.get_organization, service.select_organization):
        with pytest.raises(NotFound, match="not found among yours"):
            db.run(call, actor_before_removal, world.acme)
    assert world.ed.actor().organization_id is None
    assert db.run(service.list_my_organizations, world.ed.actor()) == []


def test_it_clears_the_business_from_every_session_of_the_removed_person(world):
    laptop, phone = world.connie, world.connie.another_session()
    acme_world.add(world.otto, world.ottos, world.connie, OrgRole.EDITOR)
    db.run(service.select_organization, laptop.actor(), world.acme)
    db.run(service.select_organization, phone.actor(), world.acme)
    third = world.connie.another_session()
    db.run(service.select_organization, third.actor(), world.ottos)

    _remove(world.lena, world.acme, world.connie)

    assert (laptop.selected(), phone.selected(), third.selected()) == (None, None, world.ottos)
    assert world.lena.selected() == world.acme


def test_it_keeps_the_last_lead_user(world):
    before = support.table_snapshot()

    with pytest.raises(Conflict, match="A business needs at least one Lead User"):
        _remove(world.lena, world.acme, world.lena)

    assert support.table_snapshot() == before


def test_it_lets_a_lead_user_leave_once_there_is_another(world):
    member = acme_world.membership(world.acme, world.ed)
    db.run(
        service.change_person,
        world.lena.actor(),
        world.acme,
        member.id,
        "lead",
        member.title,
        "",
        member.version,
    )

    _remove(world.lena, world.acme, world.lena)

    assert acme_world.membership(world.acme, world.lena) is None
    with pytest.raises(NotFound):
        db.run(service.list_people, world.lena.actor(), world.acme)
    with pytest.raises(Conflict, match="at least one Lead User"):
        _remove(world.ed, world.acme, world.ed)


def test_it_finds_no_person_for_an_id_that_is_not_one_of_the_business(small_world):
    lena = small_world.lena.actor()
    before = support.table_snapshot()

    for member_id in JUNK_IDS:
        with pytest.raises(NotFound, match=r"That person was not found in this business\."):
            db.run(service.remove_person, lena, small_world.acme, member_id)

    assert support.table_snapshot() == before


def test_it_finds_no_person_of_another_business(world):
    otto_member = acme_world.member_id(world.ottos, world.otto)
    before = support.table_snapshot()

    with pytest.raises(NotFound, match=r"That person was not found in this business\."):
        db.run(service.remove_person, world.lena.actor(), world.acme, otto_member)

    assert support.table_snapshot() == before


@pytest.mark.parametrize("role", [OrgRole.EDITOR, OrgRole.APPROVER, OrgRole.VIEWER])
def test_it_refuses_everyone_but_the_lead_user(world, role):
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied, match="does not allow you to manage"):
        _remove(world.holder(role), world.acme, world.lena)
    with pytest.raises(PermissionDenied):
        _remove(world.holder(role), world.acme, world.holder(role))

    assert support.table_snapshot() == before


def test_it_finds_nothing_for_an_outsider(world):
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        _remove(world.otto, world.acme, world.ed)

    assert support.table_snapshot() == before
