from cers_app.admin.state import AdminState
from cers_app.agencies import service as agencies
from cers_app.core import db
from cers_app.core.permissions import Portal
from cers_app.regulator.state import RegulatorHomeState
from tests import helpers


async def test_it_lists_the_regulators_agency_roles(database, root, as_actor):
    user_id = helpers.activated_user("ritareg")
    agency_id = db.run(
        agencies.create_agency, actor_user_id=None, code=1234, name="Yolo CUPA", county=57
    )
    db.run(
        agencies.set_member_role,
        actor_user_id=None,
        agency_id=agency_id,
        user_id=user_id,
        role="reviewer",
    )
    as_actor(helpers.sign_in("ritareg", portal=Portal.REGULATOR))
    state = await root.get_state(RegulatorHomeState)
    await RegulatorHomeState.load.fn(state)
    assert state.memberships == [{"agency": "Yolo CUPA", "code": "1234", "role": "Reviewer"}]
    # A Reviewer sees the queue and the facilities; requests and staff accounts are not theirs.
    assert (state.can_view, state.can_decide, state.can_admin) == (True, False, False)
    assert (state.submitted, state.under_review, state.pending_requests) == (0, 0, 0)


async def test_it_counts_the_work_waiting_for_an_agency_admin(database, root, as_actor):
    from cers_app import demo

    demo.seed()
    as_actor(
        helpers.sign_in(demo.REGULATOR.username, demo.REGULATOR.password, portal=Portal.REGULATOR)
    )
    state = await root.get_state(RegulatorHomeState)
    await RegulatorHomeState.load.fn(state)

    # The annex's three elements wait for review; the Esparto site's deletion for a decision.
    assert (state.submitted, state.under_review, state.pending_requests) == (3, 0, 1)
    assert (state.can_view, state.can_decide, state.can_admin) == (True, True, True)


async def test_it_lists_and_searches_accounts_for_an_administrator(database, root, as_actor):
    from cers_app.accounts import service

    db.run(
        service.create_activated_user,
        helpers.registration("adminann", first_name="Ann", last_name="Admin"),
        actor_user_id=None,
        system_admin=True,
        accept_conditions=True,
    )
    helpers.register("lenalead")
    as_actor(helpers.sign_in("adminann", portal=Portal.REGULATOR))
    state = await root.get_state(AdminState)
    await AdminState.load.fn(state)
    assert state.total == 2
    await AdminState.search.fn(state, {"query": "LENA"})
    assert [row["username"] for row in state.accounts] == ["lenalead"]


async def test_it_gives_a_non_administrator_nothing(database, root, as_actor):
    helpers.activated_user("lenalead")
    as_actor(helpers.sign_in("lenalead"))
    state = await root.get_state(AdminState)
    await AdminState.search.fn(state, {"query": ""})
    assert state.accounts == []
