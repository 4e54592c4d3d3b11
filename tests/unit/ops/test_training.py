"""Training mode: the banner, the acknowledgment the sign-in service insists on, and
`reset-training` (refused on a real site; on a training site the data goes, the demo returns)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner, Result
from sqlmodel import select

from cers_app import demo
from cers_app.access import identity
from cers_app.accounts import sessions
from cers_app.accounts.models import User
from cers_app.cli import cli
from cers_app.core import db, storage
from cers_app.core.errors import ValidationFailed
from cers_app.core.permissions import Portal
from cers_app.core.settings import reload_settings
from cers_app.ops import training
from cers_app.ops.banner import site_mode_notices
from tests import helpers
from tests.unit import support


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def training_site(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERS_TRAINING_MODE", "1")
    reload_settings()


def _check_password(acknowledged: bool):
    return db.run(
        sessions.check_password,
        "lenalead",
        helpers.PASSWORD,
        Portal.BUSINESS,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
        training_acknowledged=acknowledged,
    )


def test_sign_in_on_a_training_site_needs_the_acknowledgment(database, training_site) -> None:
    support.make_lena()
    with pytest.raises(ValidationFailed) as refused:
        _check_password(acknowledged=False)
    assert refused.value.fields == {"acknowledge": training.ACKNOWLEDGMENT_MISSING}
    assert support.count(sessions.UserSession) == 0
    assert _check_password(acknowledged=True).token


def test_a_real_site_does_not_ask_for_the_acknowledgment(database) -> None:
    support.make_lena()
    assert _check_password(acknowledged=False).token
    assert db.run(site_mode_notices) == []


def test_every_page_banner_says_the_data_is_public_and_not_kept(database, training_site) -> None:
    notices = db.run(site_mode_notices)
    assert notices == [
        {
            "id": "training",
            "message": "Training site: data entered here is public and is not kept.",
            "level": "warning",
        }
    ]


def test_reset_training_is_refused_on_a_real_site(database) -> None:
    lena = support.make_lena()
    before = support.table_snapshot()
    result = _run("reset-training")
    assert result.exit_code == 2
    assert "only runs on a training site (CERS_TRAINING_MODE=1)" in result.output
    assert support.table_snapshot() == before
    assert helpers.user(lena.id).username == "lenalead"


def test_reset_training_erases_what_was_entered_and_reloads_the_demo(
    database, training_site
) -> None:
    demo.seed()
    lena = support.make_lena()  # someone practising
    stored = db.run(storage.store_bytes, lena.id, "practice.txt", b"practice", "txt")
    result = _run("reset-training")
    assert result.exit_code == 0, result.output
    assert "demo sign-ins" in result.output
    usernames = {u.username for u in demo.seed().users}
    demo_counts = support.table_counts()
    accounts = db.run(lambda s: set(s.exec(select(User.username))))
    assert accounts == usernames  # lenalead is gone, the demo people are back
    assert not storage.open_path(stored).exists()
    assert demo_counts["facility"] == 6
    assert [e.event for e in support.audit_events("TRAINING_DATA_RESET")] == ["TRAINING_DATA_RESET"]
    # The demo sign-ins work again at once.
    grant = db.run(
        sessions.check_password,
        demo.BUSINESS.username,
        demo.BUSINESS.password,
        Portal.BUSINESS,
        client_ip=helpers.IP,
        portal_check=identity.portal_refusal,
        training_acknowledged=True,
    )
    assert grant.token
