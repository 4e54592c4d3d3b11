"""Training and maintenance modes as the pages see them: the banner every page loads, the
sign-in form's acknowledgment, and a change refused through a page's own handler."""

from __future__ import annotations

import pytest

from cers_app.access.state import SignInState
from cers_app.core import db, routes
from cers_app.core.settings import reload_settings
from cers_app.ops import maintenance, training
from cers_app.ui.site_banner import SiteNoticeState
from tests import helpers


@pytest.fixture
def training_site(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERS_TRAINING_MODE", "1")
    reload_settings()


async def test_a_training_site_banner_and_sign_in_acknowledgment(database, root, training_site):
    helpers.activated_user("lenalead")
    banner = await root.get_state(SiteNoticeState)
    await SiteNoticeState.load.fn(banner)
    assert banner.notices[0]["message"] == training.TRAINING_BANNER

    state = await root.get_state(SignInState)
    SignInState.load.fn(state)
    assert state.training is True
    await SignInState.submit_username.fn(state, {"username": "lenalead"})
    await SignInState.submit_password.fn(state, {"password": helpers.PASSWORD})
    assert state.errors == {"acknowledge": training.ACKNOWLEDGMENT_MISSING}
    assert state.exchange_url == ""
    await SignInState.submit_password.fn(state, {"password": helpers.PASSWORD, "acknowledge": "on"})
    assert state.errors == {}
    assert state.exchange_url.startswith(routes.AUTH_SESSION + "?token=")


async def test_the_maintenance_banner_shows_and_sign_in_still_works(database, root):
    helpers.activated_user("lenalead")
    db.run(maintenance.set_mode, active=True, until="18:00 UTC", actor=None)
    banner = await root.get_state(SiteNoticeState)
    await SiteNoticeState.load.fn(banner)
    assert [n["id"] for n in banner.notices] == ["maintenance"]
    assert "until 18:00 UTC" in banner.notices[0]["message"]

    state = await root.get_state(SignInState)
    SignInState.load.fn(state)
    assert state.training is False
    await SignInState.submit_username.fn(state, {"username": "lenalead"})
    await SignInState.submit_password.fn(state, {"password": helpers.PASSWORD})
    assert state.errors == {}
    assert state.exchange_url.startswith(routes.AUTH_SESSION + "?token=")
