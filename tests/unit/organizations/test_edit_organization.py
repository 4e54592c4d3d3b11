"""edit_organization: the Lead User changes the business's name and headquarters."""

from __future__ import annotations

import pytest

from cers_app.core import db
from cers_app.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cers_app.organizations import service
from cers_app.organizations.models import Organization
from cers_app.organizations.roles import OrgRole
from tests import helpers
from tests.unit import support
from tests.unit.organizations import world as acme_world


@pytest.fixture
def world(small_world):
    """Acme's Lead User is all most of these tests need."""
    return small_world


def _edit(person, organization_id, name, headquarters="Sacramento, CA", version=1):
    return db.run(
        service.edit_organization, person.actor(), organization_id, name, headquarters, version
    )


def _organization(organization_id) -> Organization:
    return db.run(lambda s: s.get(Organization, organization_id))


def test_it_changes_the_name_and_headquarters(world):
    details = _edit(world.lena, world.acme, " Acme Plating Company ", " West Sacramento, CA ")

    organization = _organization(world.acme)
    assert (organization.name, organization.headquarters, organization.version) == (
        "Acme Plating Company",
        "West Sacramento, CA",
        2,
    )
    assert (details.name, details.headquarters, details.version) == (
        "Acme Plating Company",
        "West Sacramento, CA",
        2,
    )
    assert details.role == "lead"


def test_it_audits_only_the_fields_that_changed(world):
    _edit(world.lena, world.acme, "Acme Plating Company")

    [event] = helpers.audit_events("ORGANIZATION_CHANGED")
    assert (event.actor_user_id, event.subject_type, event.subject_id) == (
        world.lena.id,
        "organization",
        str(world.acme),
    )
    assert event.before == {"name": "Acme Plating Co."}
    assert event.after == {"name": "Acme Plating Company"}
    assert event.client_ip == helpers.IP


def test_it_shows_the_new_name_in_the_next_event(world):
    _edit(world.lena, world.acme, "Acme Plating Company")

    assert world.lena.actor().organization_name == "Acme Plating Company"


def test_it_writes_nothing_when_nothing_changed(world):
    before = support.table_snapshot()

    details = _edit(world.lena, world.acme, "  Acme Plating Co.", "Sacramento, CA  ")

    assert support.table_snapshot() == before
    assert details.version == 1
    assert helpers.audit_events("ORGANIZATION_CHANGED") == []


def test_it_refuses_a_form_someone_else_saved_meanwhile(world):
    _edit(world.lena, world.acme, "Acme Plating Company", version=1)
    before = support.table_snapshot()

    with pytest.raises(Conflict, match="changed by someone else meanwhile"):
        _edit(world.lena, world.acme, "Acme Plating Inc.", version=1)

    assert support.table_snapshot() == before
    assert _organization(world.acme).name == "Acme Plating Company"


@pytest.mark.parametrize("version", [0, 3, -1, 2**31, 2**63])
def test_it_refuses_a_version_that_is_not_the_current_one(world, version):
    before = support.table_snapshot()

    with pytest.raises(Conflict, match="changed by someone else meanwhile"):
        _edit(world.lena, world.acme, "Acme Plating Inc.", version=version)

    assert support.table_snapshot() == before


@pytest.mark.parametrize(
    ("name", "headquarters", "fields"),
    [
        ("", "Sacramento", {"name": "Enter the business's name."}),
        ("N" * 101, "", {"name": "The name must be at most 100 characters."}),
        ("Acme", "H" * 76, {"headquarters": "Headquarters must be at most 75 characters."}),
    ],
    ids=["blank-name", "long-name", "long-headquarters"],
)
def test_it_refuses_a_missing_or_too_long_field(world, name, headquarters, fields):
    before = support.table_snapshot()

    with pytest.raises(ValidationFailed) as caught:
        _edit(world.lena, world.acme, name, headquarters)

    assert caught.value.fields == fields
    assert support.table_snapshot() == before


@pytest.mark.parametrize("role", [OrgRole.EDITOR, OrgRole.APPROVER, OrgRole.VIEWER])
def test_it_refuses_everyone_but_the_lead_user(database, role):
    world = acme_world.build(roles={role})
    before = support.table_snapshot()

    with pytest.raises(PermissionDenied, match="does not allow you to edit the business's name"):
        _edit(world.holder(role), world.acme, "Acme Plating Company")

    assert support.table_snapshot() == before


def test_it_finds_nothing_for_an_outsider(world):
    before = support.table_snapshot()

    with pytest.raises(NotFound):
        _edit(world.otto, world.acme, "Otto's now")
    with pytest.raises(NotFound):
        _edit(world.lena, world.ottos, "Lena's now")

    assert support.table_snapshot() == before
