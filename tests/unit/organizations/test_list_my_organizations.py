"""list_my_organizations: every active business of the actor (a consultant has several)."""

from __future__ import annotations

from cers_app.core import db
from cers_app.organizations import service
from cers_app.organizations.models import Organization
from cers_app.organizations.roles import OrgRole
from tests import audit_hook
from tests.unit.organizations import world as acme_world


def _mine(person) -> list[tuple[str, str, str, int]]:
    rows = db.run(service.list_my_organizations, person.actor())
    return [(row.name, row.role, row.role_label, row.people) for row in rows]


def test_it_lists_a_consultants_businesses_by_name_with_their_role(world):
    acme_world.add(world.otto, world.ottos, world.connie, OrgRole.EDITOR)
    zeta = acme_world.create_business(world.connie, "zeta Labs")

    assert _mine(world.connie) == [
        ("Acme Plating Co.", "approver", "Approver", 4),
        ("Owens Oil Co.", "editor", "Editor", 2),
        ("zeta Labs", "lead", "Lead User", 1),
    ]
    [acme, _ottos, mine] = db.run(service.list_my_organizations, world.connie.actor())
    assert (acme.id, mine.id) == (world.acme, zeta)
    assert (acme.headquarters, len(str(acme.code))) == ("Sacramento, CA", 9)


def test_it_lists_only_the_actors_own_businesses(world):
    assert _mine(world.lena) == [("Acme Plating Co.", "lead", "Lead User", 4)]
    assert _mine(world.otto) == [("Owens Oil Co.", "lead", "Lead User", 1)]


def test_it_lists_nothing_for_someone_without_a_business(database):
    newcomer = acme_world.person("ninanew", "Nina", "Newcomb")

    assert _mine(newcomer) == []


def test_it_leaves_out_an_inactive_business(world):
    def deactivate(session):
        organization = session.get(Organization, world.ottos)
        organization.status = "inactive"
        session.add(organization)
        session.commit()

    acme_world.add(world.otto, world.ottos, world.connie, OrgRole.EDITOR)
    with audit_hook.exempt("deactivates the business by hand"):
        db.run(deactivate)

    assert [row[0] for row in _mine(world.connie)] == ["Acme Plating Co."]
