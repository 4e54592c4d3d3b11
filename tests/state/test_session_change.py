"""A tab's state never carries one session's page data into the next (sign-out, new sign-in)."""

from reflex.state import State
from reflex_base.event import Event

from cers_app.access import gate, identity
from cers_app.organizations.state import PeopleState
from cers_app.ui.session import SessionState

HYDRATE = "reflex___state____state.hydrate"


def _tab(cookie: str) -> State:
    state = State(_reflex_internal_init=True)
    state.router_data = state._update_router_vars(
        {
            "token": "tab-1",
            "sid": "sid-1",
            "pathname": "/",
            "asPath": "/",
            "query": {},
            "headers": {"cookie": cookie},
            "ip": "198.51.100.20",
        },
        {},
    )
    return state


def _with_cookie(state: State, cookie: str) -> None:
    router_data = {**state.router_data, "headers": {"cookie": cookie}}
    state.router_data = state._update_router_vars(router_data, state.router_data)


async def _hydrate(state: State) -> None:
    assert await gate.AuthGate().preprocess(None, state, Event(name=HYDRATE, payload={})) is None


async def test_it_clears_page_data_when_the_session_behind_the_tab_changes():
    tab = _tab(f"{identity.SESSION_COOKIE}=first-session-token-0123456789")
    await _hydrate(tab)
    people = await tab.get_state(PeopleState)
    people.people = [{"name": "Someone Private", "email": "private@example.com"}]
    header = await tab.get_state(SessionState)
    header.display_name = "First Person"

    await _hydrate(tab)  # a reload in the same session keeps what the page had
    assert people.people[0]["name"] == "Someone Private"

    _with_cookie(tab, "")  # signed out, same tab
    await _hydrate(tab)
    assert people.people == []
    assert header.display_name == ""

    people.people = [{"name": "Shown while signed out"}]
    _with_cookie(tab, f"{identity.SESSION_COOKIE}=second-session-token-987654321")
    await _hydrate(tab)  # someone else signs in in the same tab
    assert people.people == []
