from cers_app.accounts.state import AccountState, EmailHistoryState, PasswordState
from tests import helpers


async def test_it_loads_and_saves_the_profile_of_the_signed_in_user(database, root, as_actor):
    helpers.activated_user("lenalead")
    as_actor(helpers.sign_in("lenalead"))
    state = await root.get_state(AccountState)

    await AccountState.load.fn(state)
    assert state.username == "lenalead"
    assert state.first_name == "Lena"

    form = {
        "username": "lenalead",
        "first_name": "Helena",
        "last_name": "Lopez",
        "email": "lenalead@example.com",
        "security_question": "first_pet",
        "security_answer": "",
        "phrase": "sunflowers by the window",
        "current_password": "",
    }
    await AccountState.save.fn(state, form)
    assert state.errors == {}
    assert state.first_name == "Helena"
    assert helpers.user(1).first_name == "Helena"


async def test_it_refuses_a_stale_profile_form(database, root, as_actor):
    helpers.activated_user("lenalead")
    as_actor(helpers.sign_in("lenalead"))
    state = await root.get_state(AccountState)
    await AccountState.load.fn(state)
    form = {
        "username": "lenalead",
        "first_name": "Helena",
        "last_name": "Lopez",
        "email": "lenalead@example.com",
        "security_question": "first_pet",
        "security_answer": "",
        "phrase": "sunflowers by the window",
        "current_password": "",
    }
    await AccountState.save.fn(state, form)
    state._version -= 1  # as if the form had been loaded before that save
    await AccountState.save.fn(state, {**form, "first_name": "Lee"})
    assert helpers.user(1).first_name == "Helena"


async def test_it_changes_the_password_and_reports_a_wrong_current_one(database, root, as_actor):
    helpers.activated_user("lenalead")
    as_actor(helpers.sign_in("lenalead"))
    state = await root.get_state(PasswordState)
    new = "Copper-Orchard-Fields-8"
    await PasswordState.save.fn(
        state, {"current_password": "nope", "password": new, "password_confirm": new}
    )
    assert "current_password" in state.errors
    assert not state.done
    await PasswordState.save.fn(
        state,
        {"current_password": helpers.PASSWORD, "password": new, "password_confirm": new},
    )
    assert state.done
    assert state.errors == {}


async def test_it_pages_the_email_history_and_opens_only_own_messages(database, root, as_actor):
    helpers.activated_user("lenalead")
    other = helpers.register("ottoother")
    as_actor(helpers.sign_in("lenalead"))
    state = await root.get_state(EmailHistoryState)
    await EmailHistoryState.load.fn(state)
    assert state.total == 1
    assert state.rows[0]["subject"] == "Activate your OpenCERS account"

    await EmailHistoryState.open_message.fn(state, state.rows[0]["id"])
    assert "lenalead" in state.open_body

    foreign = next(m for m in helpers.emails() if m.user_id == other)
    state.open_body = ""
    await EmailHistoryState.open_message.fn(state, str(foreign.id))
    assert state.open_body == ""
    await EmailHistoryState.open_message.fn(state, "not-a-number")
    assert state.open_body == ""
