from cers_app.accounts.state import SignUpState
from tests import helpers


def _form(**overrides: str) -> dict[str, str]:
    fields = {
        "first_name": "Ed",
        "last_name": "Editor",
        "email": "ed@example.com",
        "username": "ededitor",
        "password": helpers.PASSWORD,
        "password_confirm": helpers.PASSWORD,
        "security_question": "first_school",
        "security_answer": "Lincoln Elementary",
        "phrase": "red kites over hills",
        "accept_conditions": "on",
    }
    fields.update(overrides)
    return fields


async def test_it_creates_the_account_and_says_where_the_link_went(database, root):
    state = await root.get_state(SignUpState)
    await SignUpState.submit.fn(state, _form())
    assert state.done
    assert state.sent_to == "ed@example.com"
    assert [m.to_address for m in helpers.emails("activation")] == ["ed@example.com"]


async def test_it_shows_every_problem_at_once_and_creates_nothing(database, root):
    state = await root.get_state(SignUpState)
    await SignUpState.submit.fn(
        state,
        _form(username="ed", password="short", email="not-an-email", accept_conditions=""),
    )
    assert not state.done
    assert {"username", "password", "email", "accept_conditions"} <= set(state.errors)
    assert helpers.emails() == []


async def test_it_treats_missing_fields_as_empty(database, root):
    state = await root.get_state(SignUpState)
    await SignUpState.submit.fn(state, {})
    assert not state.done
    assert "first_name" in state.errors
