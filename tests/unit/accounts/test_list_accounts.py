"""The system administrator's list of accounts."""

from __future__ import annotations

import pytest

from cers_app.accounts import service
from cers_app.core import db
from cers_app.core.errors import PermissionDenied
from cers_app.core.permissions import Portal
from tests import helpers


@pytest.mark.parametrize("portal", [Portal.BUSINESS, Portal.REGULATOR])
def test_it_refuses_the_list_to_anyone_but_a_system_admin(lena, rita, portal):
    username = "lenalead" if portal is Portal.BUSINESS else "ritaramos"
    actor = helpers.sign_in(username, portal=portal)

    with pytest.raises(PermissionDenied) as caught:
        db.run(service.list_accounts, actor, "", 1, 25)

    assert caught.value.message == "Only system administrators can list accounts."


def test_it_lists_every_account_newest_first(frozen_clock, lena, otto, admin):
    helpers.register("pendinguser")
    actor = helpers.sign_in("adminsam")

    page = db.run(service.list_accounts, actor, "", 1, 25)

    assert page.total == 4
    assert [row.username for row in page.rows] == [
        "pendinguser",
        "adminsam",
        "ottoowens",
        "lenalead",
    ]
    pending, sam, otto_row, lena_row = page.rows
    assert (pending.status, sam.status) == ("pending", "active")
    assert sam.system_admin and not lena_row.system_admin
    assert lena_row.name == "Lena Lopez"
    assert otto_row.email == "ottoowens@example.com"
    assert lena_row.created == "Nov 20, 2026 9:00 AM PST"
    assert sam.last_sign_in == "Nov 20, 2026 9:00 AM PST"
    assert lena_row.last_sign_in == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("OTTO", ["ottoowens"]),
        ("lena lopez", ["lenalead"]),
        ("@example.com", ["adminsam", "ottoowens", "lenalead"]),
        ("  owens ", ["ottoowens"]),
        ("nobody", []),
        ("%", []),
    ],
)
def test_it_filters_by_username_name_or_email(lena, otto, admin, query, expected):
    actor = helpers.sign_in("adminsam")

    page = db.run(service.list_accounts, actor, query, 1, 25)

    assert [row.username for row in page.rows] == expected
    assert page.total == len(expected)


def test_it_pages_the_list(lena, otto, admin):
    actor = helpers.sign_in("adminsam")

    first = db.run(service.list_accounts, actor, "", 1, 2)
    second = db.run(service.list_accounts, actor, "", 2, 2)

    assert [row.username for row in first.rows + second.rows] == [
        "adminsam",
        "ottoowens",
        "lenalead",
    ]
    assert (first.total, first.pages) == (3, 2)
