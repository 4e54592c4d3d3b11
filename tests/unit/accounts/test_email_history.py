"""My email history: the user's own messages, newest first, a page at a time."""

from __future__ import annotations

import pytest

from cers_app.accounts import service
from cers_app.core import clock, db
from cers_app.core.errors import NotFound
from cers_app.core.paging import Page
from tests import helpers


def _send_reminders(count: int) -> None:
    for _ in range(count):
        db.run(service.remind_usernames, "lenalead@example.com")
        clock.advance(hours=1)


def test_it_lists_the_users_messages_newest_first(frozen_clock, lena):
    _send_reminders(2)
    actor = helpers.sign_in("lenalead")

    page = db.run(service.list_emails, actor, 1, 25)

    assert isinstance(page, Page)
    assert page.total == 3
    assert [row.subject for row in page.rows] == [
        "Your OpenCERS username",
        "Your OpenCERS username",
        "Activate your OpenCERS account",
    ]
    assert page.rows[0].id > page.rows[1].id > page.rows[2].id
    assert page.rows[0].to_address == "lenalead@example.com"
    assert page.rows[0].status == "sent"
    assert page.rows[0].sent == "Nov 20, 2026 10:00 AM PST"
    assert page.rows[-1].sent == "Nov 20, 2026 9:00 AM PST"


def test_it_pages_through_a_long_history(frozen_clock, lena):
    for _ in range(3):
        _send_reminders(3)
        clock.advance(hours=1)
    actor = helpers.sign_in("lenalead")

    pages = [db.run(service.list_emails, actor, number, 4) for number in (1, 2, 3)]

    assert [len(page.rows) for page in pages] == [4, 4, 2]
    assert {page.total for page in pages} == {10}
    assert pages[0].pages == 3
    ids = [row.id for page in pages for row in page.rows]
    assert ids == sorted(ids, reverse=True)
    assert len(set(ids)) == 10


def test_it_leaves_out_other_peoples_messages(lena, otto):
    actor = helpers.sign_in("ottoowens")

    page = db.run(service.list_emails, actor, 1, 25)

    assert page.total == 1
    assert [row.to_address for row in page.rows] == ["ottoowens@example.com"]


def test_it_opens_one_of_the_users_own_messages(lena):
    actor = helpers.sign_in("lenalead")
    [message] = helpers.emails(to="lenalead@example.com")

    view = db.run(service.get_email, actor, message.id)

    assert view.id == message.id
    assert view.subject == "Activate your OpenCERS account"
    assert view.body_text == message.body_text
    assert "token=" in view.body_text


def test_it_does_not_show_another_users_message(lena, otto):
    [lenas_message] = helpers.emails(to="lenalead@example.com")
    otto_actor = helpers.sign_in("ottoowens")

    with pytest.raises(NotFound) as caught:
        db.run(service.get_email, otto_actor, lenas_message.id)

    assert caught.value.message == "That message was not found in your email history."


@pytest.mark.parametrize("message_id", [0, -1, 9999])
def test_it_does_not_find_a_message_that_does_not_exist(lena, message_id):
    actor = helpers.sign_in("lenalead")

    with pytest.raises(NotFound):
        db.run(service.get_email, actor, message_id)
