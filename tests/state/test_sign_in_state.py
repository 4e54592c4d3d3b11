from cers_app.access.state import SignInState
from cers_app.core import routes
from tests import helpers


async def test_it_shows_the_phrase_then_grants_a_sign_in_link(database, root):
    helpers.activated_user("lenalead")
    state = await root.get_state(SignInState)

    await SignInState.submit_username.fn(state, {"username": "LenaLead"})
    assert state.step == "password"
    assert state.phrase == "sunflowers by the window"
    assert state.exchange_url == ""

    await SignInState.submit_password.fn(state, {"password": helpers.PASSWORD})
    assert state.errors == {}
    assert state.exchange_url.startswith(routes.AUTH_SESSION + "?token=")


async def test_it_shows_a_decoy_phrase_for_an_unknown_username(database, root):
    state = await root.get_state(SignInState)
    await SignInState.submit_username.fn(state, {"username": "nosuchuser"})
    assert state.step == "password"
    assert state.phrase
    first = state.phrase
    await SignInState.submit_username.fn(state, {"username": "nosuchuser"})
    assert state.phrase == first


async def test_it_keeps_the_user_on_the_password_step_after_a_wrong_password(database, root):
    helpers.activated_user("lenalead")
    state = await root.get_state(SignInState)
    await SignInState.submit_username.fn(state, {"username": "lenalead"})
    await SignInState.submit_password.fn(state, {"password": "Wrong-Password-99"})
    assert state.exchange_url == ""
    assert state.step == "password"
    assert "not correct" in state.errors["password"]


async def test_it_refuses_a_password_before_a_username(database, root):
    state = await root.get_state(SignInState)
    await SignInState.submit_password.fn(state, {"password": helpers.PASSWORD})
    assert state.exchange_url == ""
    assert state.step == "username"


async def test_it_validates_the_username_before_looking_it_up(database, root):
    state = await root.get_state(SignInState)
    await SignInState.submit_username.fn(state, {"username": "a b"})
    assert state.step == "username"
    assert "letters or digits" in state.errors["username"]
