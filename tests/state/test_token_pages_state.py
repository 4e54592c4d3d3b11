from cers_app.accounts.state import (
    AcceptConditionsState,
    ActivateState,
    ForgotPasswordState,
    ResetPasswordState,
)
from cers_app.core import routes
from cers_app.core.permissions import Permission
from tests import helpers


async def _run(handler, state) -> None:
    """Run a page-load handler that yields (to show "checking" first) to its end."""
    async for _ in handler.fn(state):
        pass


def _open(root, path: str, **query: str) -> None:
    """Pretend the browser navigated to `path?query` (the URL comes from asPath)."""
    as_path = routes.with_query(path, **query)
    root.router_data = root._update_router_vars(
        {**root.router_data, "pathname": path, "asPath": as_path, "query": query},
        root.router_data,
    )


async def test_it_activates_from_the_link_and_refuses_it_the_second_time(database, root):
    helpers.register("lenalead")
    token = helpers.token_from(helpers.emails("activation")[0])
    _open(root, "/activate", token=token)
    state = await root.get_state(ActivateState)

    await _run(ActivateState.load, state)
    assert state.status == "done"
    assert "lenalead" in state.message

    await _run(ActivateState.load, state)
    assert state.status == "error"
    assert "already been used" in state.message


async def test_it_resets_the_password_with_the_emailed_link_and_answer(database, root):
    helpers.activated_user("lenalead")
    forgot = await root.get_state(ForgotPasswordState)
    await ForgotPasswordState.submit.fn(forgot, {"username": "lenalead"})
    assert forgot.sent
    token = helpers.token_from(helpers.emails("password_reset")[0])

    _open(root, "/reset-password", token=token)
    state = await root.get_state(ResetPasswordState)
    await _run(ResetPasswordState.load, state)
    assert state.question == "What was the name of your first pet?"

    new = "Canyon-River-Summit-4"
    form = {"security_answer": "wrong", "password": new, "password_confirm": new}
    await ResetPasswordState.submit.fn(state, form)
    assert "security_answer" in state.errors
    await ResetPasswordState.submit.fn(state, {**form, "security_answer": " biscuit "})
    assert state.status == "done"
    helpers.sign_in("lenalead", new)


async def test_it_says_the_same_thing_for_an_unknown_username(database, root):
    state = await root.get_state(ForgotPasswordState)
    await ForgotPasswordState.submit.fn(state, {"username": "nosuchuser"})
    assert state.sent
    assert helpers.emails() == []


async def test_it_records_acceptance_of_the_conditions(database, root, as_actor):
    from cers_app.accounts import service
    from cers_app.core import db

    user_id = db.run(
        service.create_activated_user, helpers.registration("ritareg"), actor_user_id=None
    )
    actor = helpers.sign_in("ritareg")
    assert not actor.can(Permission.ACCOUNT)
    as_actor(actor)
    state = await root.get_state(AcceptConditionsState)
    await AcceptConditionsState.accept.fn(state, {})
    assert "accept" in state.errors
    await AcceptConditionsState.accept.fn(state, {"accept": "on"})
    assert state.errors == {}
    assert db.run(service.has_accepted_current_conditions, user_id)


async def test_it_confirms_a_new_email_address_from_its_link(database, root, as_actor):
    from cers_app.accounts.state import AccountState, ConfirmEmailState

    helpers.activated_user("lenalead")
    as_actor(helpers.sign_in("lenalead"))
    account = await root.get_state(AccountState)
    await AccountState.load.fn(account)
    await AccountState.save.fn(
        account,
        {
            "username": "lenalead",
            "first_name": "Lena",
            "last_name": "Lopez",
            "email": "lena.new@example.com",
            "security_question": "first_pet",
            "security_answer": "",
            "phrase": "sunflowers by the window",
            "current_password": helpers.PASSWORD,
        },
    )
    assert account.pending_email == "lena.new@example.com"
    assert account.email == "lenalead@example.com"

    as_actor(None)  # the link works from any browser, signed in or not
    _open(
        root, "/account/confirm-email", token=helpers.token_from(helpers.emails("email_change")[0])
    )
    state = await root.get_state(ConfirmEmailState)
    await _run(ConfirmEmailState.load, state)
    assert state.status == "done"
    assert state.message == "Your account's email address is now lena.new@example.com."
    assert helpers.user(1).email == "lena.new@example.com"
