"""Due-date reminders: 60, 30 and 7 days before and overdue, once each per user."""

from __future__ import annotations

import datetime as dt
import threading

from click.testing import CliRunner
from sqlmodel import select

from cers_app.cli import cli
from cers_app.core import clock, db
from cers_app.core.mail import EmailMessage
from cers_app.submittals import reminders
from tests.unit.submittals import hmbp

DUE = dt.date(2027, 1, 19)  # 60 days after the frozen clock's Nov 20, 2026


def _sent() -> list[EmailMessage]:
    return db.run(
        lambda s: list(
            s.exec(
                select(EmailMessage)
                .where(EmailMessage.kind == "due_reminder")
                .order_by(EmailMessage.id)
            )
        )
    )


def _run_twice() -> int:
    return db.run(reminders.send_reminders) + db.run(reminders.send_reminders)


def test_each_threshold_reminds_each_lead_and_approver_once(frozen_clock, plant, world):
    hmbp.set_due(plant, DUE)
    people = sorted([world.lena.email, world.connie.email])

    for days_before, expected_subject in ((60, "due"), (30, "due"), (7, "due"), (-1, "overdue")):
        clock.set_now(frozen_clock + dt.timedelta(days=60 - days_before))
        before = len(_sent())

        assert _run_twice() == 2

        new = _sent()[before:]
        assert sorted(m.to_address for m in new) == people
        assert all(f"annual certification {expected_subject}" in m.subject for m in new)


def test_between_thresholds_nothing_more_is_sent(frozen_clock, plant, world):
    hmbp.set_due(plant, DUE)
    assert _run_twice() == 2

    clock.advance(days=1)  # 59 days left: still the 60-day reminder, already sent

    assert _run_twice() == 0


def test_a_moved_due_date_reminds_again(frozen_clock, plant, world):
    hmbp.set_due(plant, DUE)
    assert _run_twice() == 2

    hmbp.set_due(plant, DUE - dt.timedelta(days=1))

    assert _run_twice() == 2


def test_two_runs_at_once_send_each_reminder_once(frozen_clock, plant, world):
    hmbp.set_due(plant, DUE)
    counts: list[int] = []
    runs = [
        threading.Thread(target=lambda: counts.append(db.run(reminders.send_reminders)))
        for _ in range(2)
    ]
    for run in runs:
        run.start()
    for run in runs:
        run.join()

    assert sum(counts) == 2 and len(_sent()) == 2


def test_the_command_prints_how_many_it_sent(frozen_clock, plant, world):
    hmbp.set_due(plant, DUE)
    runner = CliRunner()

    first = runner.invoke(cli, ["send-reminders"])
    second = runner.invoke(cli, ["send-reminders"])

    assert (first.exit_code, first.output) == (0, "2 reminder(s) sent.\n")
    assert second.output == "0 reminder(s) sent.\n"
