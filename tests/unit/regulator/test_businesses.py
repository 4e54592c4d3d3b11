"""A business in the Regulator Portal: details, people, facilities in reach, email history."""

from __future__ import annotations

import datetime as dt

import pytest

from cers_app.core import clock, db
from cers_app.core.errors import NotFound
from cers_app.core.mail import EmailMessage
from cers_app.regulator import businesses
from tests import helpers
from tests.unit.organizations import world as acme_world
from tests.unit.organizations.world import Person
from tests.unit.regulator import cast


@pytest.fixture
def sites(world, county) -> dict[str, int]:
    """Acme's Davis works and Woodland plant; Otto's depot in San Francisco."""
    return cast.sites(world)


def _view(person: Person, organization_id: object) -> businesses.BusinessView:
    return db.run(businesses.business_view, person.actor(), organization_id)


def _mail(to: str, subject: str, minutes: int, user_id: int | None = None) -> None:
    """A message recorded `minutes` after the frozen now, as the mail service records one."""

    def add(session):
        with db.transaction(session):
            session.add(
                EmailMessage(
                    created_at=clock.now() + dt.timedelta(minutes=minutes),
                    user_id=user_id,
                    kind="test",
                    to_address=to,
                    subject=subject,
                    body_text="",
                    body_html="",
                    status="sent",
                )
            )

    db.run(add)


def test_the_cupa_sees_the_business_its_people_and_facilities(world, sites, vic):
    view = _view(vic, world.acme)

    assert (view.id, view.name, view.status) == (world.acme, acme_world.ACME, "Active")
    assert view.headquarters == "Sacramento, CA" and view.code > 0
    people = {p.name: p for p in view.people}
    assert {name: p.role for name, p in people.items()} == {
        "Lena Lopez": "Lead User",
        "Ed Ortiz": "Editor",
        "Val Nguyen": "Viewer",
        "Connie Chen": "Approver",
    }
    assert people["Ed Ortiz"].email == world.ed.email
    assert people["Ed Ortiz"].title == "Environmental Coordinator"
    assert {p.status for p in view.people} == {"Active"}
    assert [(f.id, f.name) for f in view.facilities] == [
        (sites["davis"], "Acme Plating - Davis Works"),
        (sites["woodland"], "Acme Plating - Woodland"),
    ]


def test_the_email_history_holds_messages_to_its_people_newest_first(
    frozen_clock, world, sites, vic, monkeypatch
):
    _mail(world.lena.email, "To lena by account", 1, user_id=world.lena.id)
    _mail(world.connie.email.upper(), "To connie by address", 2)
    _mail(world.otto.email, "To otto, not of Acme", 3, user_id=world.otto.id)
    members = {p.email for p in (world.lena, world.ed, world.val, world.connie)}
    expected = [m for m in helpers.emails() if m.to_address.casefold() in members]

    view = _view(vic, world.acme)

    assert view.emails_total == len(expected) >= 2
    assert [e.subject for e in view.emails[:2]] == ["To connie by address", "To lena by account"]
    assert "To otto, not of Acme" not in {e.subject for e in view.emails}
    assert (view.emails[0].to_address, view.emails[0].status) == (
        world.connie.email.upper(),
        "sent",
    )

    monkeypatch.setattr(businesses, "EMAILS_SHOWN", 1)
    capped = _view(vic, world.acme)
    assert [e.subject for e in capped.emails] == ["To connie by address"]
    assert capped.emails_total == view.emails_total


def test_a_participating_agency_sees_the_business_with_only_its_facilities(world, sites, pam):
    view = _view(pam, world.acme)

    assert [f.id for f in view.facilities] == [sites["woodland"]]
    assert len(view.people) == 4


def test_a_business_outside_the_reach_is_not_found(world, sites, vic, rex, pam):
    for person, organization_id in (
        (rex, world.acme),
        (vic, world.ottos),
        (pam, world.ottos),
        (vic, world.acme + 1000),
        (vic, str(world.acme)),
        (vic, None),
    ):
        with pytest.raises(NotFound):
            _view(person, organization_id)
    assert [f.id for f in _view(rex, world.ottos).facilities] == [sites["depot"]]


def test_a_business_user_finds_no_business(world, sites):
    with pytest.raises(NotFound):
        _view(world.lena, world.acme)
