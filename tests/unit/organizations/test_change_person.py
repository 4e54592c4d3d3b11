"""change_person: the Lead User changes a person's permission group, title or phone."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.organizations import service
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world

JUNK_IDS = [None, "1", True, 0, -1, 999_999, 2**31, 2**63]


def _change(lead, organization_id, person, role, title="", phone="", version=None):
    member = acme_world.membership(organization_id, person)
    assert member is not None
    return db.run(
        service.change_person,
        lead.actor(),
        organization_id,
        member.id,
        role,
        title,
        phone,
        member.version if version is None else version,
    )


def test_it_changes_the_role_title_and_phone(world):
    _change(world.lena, world.acme, world.val, "approver", " Site Manager ", "9165550142")

    member = acme_world.membership(world.acme, world.val)
    assert (member.role, member.title, member.phone, member.version) == (
        "approver",
        "Site Manager",
        "(916) 555-0142",
        2,
    )


def test_it_audits_only_what_changed(world):
    _change(world.lena, world.acme, world.val, "editor", "Plant Manager", "")

    [event] = helpers.audit_events("ORG_MEMBER_CHANGED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        world.lena.id,
        "org_member",
        str(acme_world.member_id(world.acme, world.val)),
    )
    assert (event.before, event.after) == ({"role": "viewer"}, {"role": "editor"})
    assert event.client_ip == helpers.IP


def test_it_emails_the_person_whose_role_changed(world):
    _change(world.lena, world.acme, world.val, "editor", "Plant Manager")

    [message] = helpers.emails("org_member_changed")
    assert (message.to_address, message.user_id) == (world.val.email, world.val.id)
    assert message.subject == "Your details in Acme Plating Co. changed"
    support.assert_email_contains(
        message,
        "Hello Val,",
        "Lena Lopez changed your membership of Acme Plating Co.: "
        "permission group from Viewer to Editor.",
    )


def test_it_emails_the_person_when_only_the_title_or_phone_changed(world):
    _change(world.lena, world.acme, world.val, "viewer", "Night Manager", "916-555-0142")

    [message] = helpers.emails("org_member_changed")
    support.assert_email_contains(
        message,
        "title from Plant Manager to Night Manager; phone from (none) to (916) 555-0142.",
    )
    [event] = helpers.audit_events("ORG_MEMBER_CHANGED")
    assert event.before == {"title": "Plant Manager", "phone": ""}
    assert event.after == {"title": "Night Manager", "phone": "(916) 555-0142"}


def test_it_writes_nothing_when_nothing_changed(world):
    before = support.table_snapshot()

    _change(world.lena, world.acme, world.val, "viewer", " Plant Manager ", "")

    assert support.table_snapshot() == before


def test_it_lowers_a_role_from_the_persons_very_next_call(world):
    second_lead = world.ed
    _change(world.lena, world.acme, second_lead, "lead", "Environmental Coordinator")
    db.run(service.list_people, second_lead.actor(), world.acme)
    actor_before_the_change = second_lead.actor()

    _change(world.lena, world.acme, second_lead, "viewer", "Environmental Coordinator")

    with pytest.raises(PermissionDenied, match=r"\(Viewer\) does not allow you to manage"):
        db.run(service.list_people, actor_before_the_change, world.acme)
    with pytest.raises(PermissionDenied):
        db.run(service.edit_organization, second_lead.actor(), world.acme, "Ed's", "", 1)


def test_it_keeps_the_last_lead_user(world):
    before = support.table_snapshot()

    with pytest.raises(Conflict, match="A business needs at least one Lead User"):
        _change(world.lena, world.acme, world.lena, "editor")

    assert support.table_snapshot() == before
    assert acme_world.membership(world.acme, world.lena).role == "lead"


def test_it_lets_a_lead_user_step_down_once_there_is_another(world):
    _change(world.lena, world.acme, world.ed, "lead", "Environmental Coordinator")

    _change(world.lena, world.acme, world.lena, "editor")

    assert acme_world.membership(world.acme, world.lena).role == "editor"
    with pytest.raises(Conflict, match="at least one Lead User"):
        _change(world.ed, world.acme, world.ed, "approver", "Environmental Coordinator")


def test_it_lets_the_last_lead_user_change_their_own_title(world):
    _change(world.lena, world.acme, world.lena, "lead", "Owner")

    assert acme_world.membership(world.acme, world.lena).title == "Owner"


def test_it_refuses_a_form_someone_else_saved_meanwhile(world):
    member = acme_world.membership(world.acme, world.val)
    _change(world.lena, world.acme, world.val, "viewer", "Night Manager")
    before = support.table_snapshot()

    with pytest.raises(Conflict, match="changed by someone else meanwhile"):
        _change(world.lena, world.acme, world.val, "lead", version=member.version)

    assert support.table_snapshot() == before


@pytest.mark.parametrize(
    ("role", "title", "phone", "fields"),
    [
        ("owner", "", "", {"role"}),
        ("", "", "", {"role"}),
        ("viewer", "T" * 101, "", {"title"}),
        ("viewer", "", "12", {"phone"}),
        ("x", "T" * 101, "12", {"role", "title", "phone"}),
    ],
    ids=["unknown-role", "no-role", "long-title", "bad-phone", "all"],
)
def test_it_refuses_a_field_that_is_not_valid(world, role, title, phone, fields):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _change(world.lena, world.acme, world.val, role, title, phone)

    assert set(caught.value.fields) == fields
    assert support.table_snapshot() == before


def test_it_finds_no_person_for_an_id_that_is_not_one_of_the_business(small_world):
    lena = small_world.lena.actor()
    before = support.table_snapshot()

    for member_id in JUNK_IDS:
        with pytest.raises(NotFound, match=r"That person was not found in this business\."):
            db.run(service.change_person, lena, small_world.acme, member_id, "lead", "", "", 1)

    assert support.table_snapshot() == before


def test_it_finds_no_person_of_another_business(world):
    otto_member = acme_world.member_id(world.ottos, world.otto)
    before = support.table_snapshot()

    with pytest.raises(NotFound, match=r"That person was not found in this business\."):
        db.run(
            service.change_person,
            world.lena.actor(),
            world.acme,
            otto_member,
            "viewer",
            "",
            "",
            1,
        )

    assert support.table_snapshot() == before


@pytest.mark.parametrize("role", [OrgRole.EDITOR, OrgRole.APPROVER, OrgRole.VIEWER])
def test_it_refuses_everyone_but_the_lead_user(world, role):
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied, match="does not allow you to manage"):
        _change(world.holder(role), world.acme, world.holder(role), "lead")

    assert support.table_snapshot() == before


def test_it_finds_nothing_for_an_outsider(world):
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        _change(world.otto, world.acme, world.val, "lead")

    assert support.table_snapshot() == before
