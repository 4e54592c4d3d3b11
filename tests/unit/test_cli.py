"""`python -m cers_app ...`: the operator commands, their output and their failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlmodel import select

from cers_app import demo
from cers_app.accounts.models import ConditionsAcceptance, User
from cers_app.agencies import service as agencies
from cers_app.agencies.models import Agency, AgencyMember
from cers_app.cli import cli
from cers_app.core import db
from cers_app.core.passwords import verify_secret
from cers_app.core.permissions import Permission, Portal
from cers_app.core.settings import PROJECT_ROOT, get_settings, reload_settings
from cers_app.facilities import requests as facility_requests
from cers_app.facilities import service as facility_service
from cers_app.facilities.models import ElementVersion, Facility
from cers_app.inventory import demo_rows, demo_upload
from cers_app.organizations.models import Organization, OrgMember
from cers_app.regulator import queue
from cers_app.submittals import annual, demo_hmbp, element_form_service, no_change, readiness
from tests import helpers
from tests.unit import support

ACCOUNT_ARGS = [
    "--email",
    "sam@example.org",
    "--first-name",
    "Sam",
    "--last-name",
    "Admin",
    "--password",
    helpers.PASSWORD,
    "--security-answer",
    "Lincoln Elementary",
]
COMMANDS = [
    "migrate",
    "seed-demo",
    "create-admin",
    "create-regulator-user",
    "mail-retry",
    "send-reminders",
]


def _run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, input=input)


def _assert_one_error_line(result: Result, expected: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert expected in lines[0]


def _user(username: str) -> User | None:
    return db.run(lambda s: s.exec(select(User).where(User.username_key == username)).first())


def _agency(code: int = 1234) -> int:
    return db.run(
        agencies.create_agency, actor_user_id=None, code=code, name="Acme County EH", county=57
    )


# --help


def test_it_lists_every_command_in_its_help():
    result = _run("--help")

    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_it_explains_each_command_with_help(command):
    result = _run(command, "--help")

    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: cli {command} [OPTIONS]")
    assert len(result.stdout.splitlines()) >= 3


def test_it_runs_as_a_python_module():
    result = subprocess.run(
        [sys.executable, "-m", "cers_app", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ},
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: python -m cers_app [OPTIONS] COMMAND")


# migrate


def test_it_migrates_a_new_database(tmp_path, monkeypatch):
    path = tmp_path / "new" / "cers.db"
    monkeypatch.setenv("CERS_DATABASE_URL", f"sqlite:///{path}")
    reload_settings()

    result = _run("migrate")

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Database is up to date (sqlite:///{path}).\n"
    assert support.count(User) == 0
    db.dispose_engines()


def test_it_migrates_an_up_to_date_database_without_change(lena):
    before = support.table_counts()

    result = _run("migrate")

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Database is up to date (")
    assert support.table_counts() == before


def test_it_hides_the_database_password_in_its_output(postgres_schema_url, monkeypatch):
    # The test server trusts local connections, so any password is accepted.
    url = postgres_schema_url.replace("postgres@", "postgres:hunter2secret@", 1)
    monkeypatch.setenv("CERS_DATABASE_URL", url)
    reload_settings()

    result = _run("migrate")

    assert result.exit_code == 0, result.output
    assert "hunter2secret" not in result.output
    assert "postgres:***@" in result.stdout


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://postgres@127.0.0.1:1/test", "cannot use the database: connection failed"),
        ("nosuchdb://somewhere/cers", "cannot use the database: Can't load plugin"),
    ],
)
def test_it_reports_an_unusable_database_in_one_line(url, expected):
    get_settings.cache_clear()

    result = _run("migrate", env={"CERS_DATABASE_URL": url})

    _assert_one_error_line(result, expected)


def test_it_reports_a_bad_configuration_in_one_line():
    get_settings.cache_clear()

    result = _run(
        "migrate", env={"CERS_ENV": "production", "CERS_SECRET_KEY": "change-me-in-production"}
    )

    _assert_one_error_line(result, "configuration: CERS_SECRET_KEY must be set")


# seed-demo


def test_it_seeds_the_demo_agency_and_users(database):
    result = _run("seed-demo")

    assert result.exit_code == 0, result.output
    assert "demobiz" in result.stdout and demo.BUSINESS.password in result.stdout
    assert "demoreg" in result.stdout and demo.REGULATOR.password in result.stdout
    assert db.run(agencies.find_agency_id, demo.DEMO_AGENCY_CODE) is not None
    members = db.run(
        lambda s: sorted(
            s.exec(
                select(User.username, Agency.code, AgencyMember.role)
                .join(AgencyMember, AgencyMember.user_id == User.id)
                .join(Agency, Agency.id == AgencyMember.agency_id)
            ).all()
        )
    )
    assert members == [
        ("demopa", demo.DEMO_PA_CODE, "reviewer"),
        ("demoreg", demo.DEMO_AGENCY_CODE, "admin"),
        ("demoresp", demo.DEMO_AGENCY_CODE, "responder"),
        ("demorev", demo.DEMO_AGENCY_CODE, "reviewer"),
    ]
    assert helpers.sign_in("demobiz", demo.BUSINESS.password).can(Permission.BUSINESS_PORTAL)
    regulator = helpers.sign_in("demoreg", demo.REGULATOR.password, portal=Portal.REGULATOR)
    assert regulator.can(Permission.REGULATOR_PORTAL)
    # No activation mail (demo accounts are active); people added to a demo business are told,
    # the demo submittals reach their regulators and submitters, the acceptances the business,
    # the deletion request the regulator, and the demo technical-assistance request its agency
    # and its sender.
    assert {m.kind for m in helpers.emails()} == {
        "org_member_added",
        "submittal",
        "submittal_receipt",
        "submittal_review",
        "facility_request",
        "assistance_request",
        "assistance_receipt",
    }


def test_it_seeds_two_businesses_with_every_role_and_a_consultant(database):
    assert _run("seed-demo").exit_code == 0

    def memberships(session):
        rows = session.exec(
            select(Organization.name, User.username, OrgMember.role)
            .join(OrgMember, OrgMember.organization_id == Organization.id)
            .join(User, User.id == OrgMember.user_id)
        ).all()
        return sorted(tuple(row) for row in rows)

    assert db.run(memberships) == [
        ("Acme Plating Co.", "demobiz", "lead"),
        ("Acme Plating Co.", "democon", "approver"),
        ("Acme Plating Co.", "demoed", "editor"),
        ("Acme Plating Co.", "demoview", "viewer"),
        ("Valley Fuel Depot", "democon", "editor"),
        ("Valley Fuel Depot", "demovic", "lead"),
    ]
    for person in demo.DEMO_USERS:
        assert person.username in _run("seed-demo").stdout


def test_it_seeds_the_same_rows_when_run_twice(database):
    assert _run("seed-demo").exit_code == 0
    first = support.table_counts()
    first_rows = _demo_rows()

    result = _run("seed-demo")

    assert result.exit_code == 0, result.output
    assert support.table_counts() == first
    assert _demo_rows() == first_rows
    assert first["user_account"] == len(demo.DEMO_USERS) and first["agency"] == 2
    assert first["organization"] == 2 and first["org_member"] == 6
    assert first["facility"] == len(demo.FACILITIES) == 6
    # the warehouse's rows twice: in its accepted inventory and in the draft copied from it;
    # the yard's and the annex's once (no draft)
    warehouse, yard = 2 * len(demo_hmbp.ROWS), len(demo_hmbp.ROWS)
    annex = len(demo_hmbp.ROWS)
    assert first["inventory_item"] == (
        len(demo_rows.ROWS) + len(demo_upload.ROWS) + warehouse + yard + annex
    )
    assert (len(demo_rows.ROWS), len(demo_upload.ROWS), warehouse, yard) == (51, 9, 6, 3)
    # the warehouse's and the yard's accepted plans, the annex's waiting for review
    assert first["facility_submittal"] == 3
    assert first["review_action"] == 6  # both accepted plans: three elements each
    assert first["facility_request"] == 1  # the Esparto site's deletion, pending
    assert first["inventory_import"] == 1  # the plating shop's workbook, imported once


def test_it_seeds_an_overdue_plan_ready_for_no_change(database):
    result = _run("seed-demo")
    again = _run("seed-demo")

    yard = demo.OVERDUE_FACILITY.name
    assert f"overdue for its annual certification (use No change in HMBP): {yard}" in (
        result.stdout
    )
    assert yard in again.stdout

    def state(session):
        facility_id = session.exec(select(Facility.id).where(Facility.name == yard)).one()
        due = annual.hmbp_due_date(session, facility_id)
        return due, annual.today_for(session, facility_id), no_change.refusal(session, facility_id)

    due, today, refusal = db.run(state)
    assert due == demo_hmbp.last_march_first(today) and due < today
    assert (due.month, due.day) == (3, 1) and refusal == ""


def test_it_seeds_an_apsa_draft_ready_to_submit(database):
    assert _run("seed-demo").exit_code == 0
    lead = helpers.sign_in(demo.SECOND_LEAD.username, demo.SECOND_LEAD.password)

    def draft(session):
        facility_id = session.exec(
            select(Facility.id).where(Facility.name == demo.INVENTORY_FACILITY.name)
        ).one()
        slot = facility_service.element_slot(session, facility_id, demo.APSA)
        return facility_id, session.get(ElementVersion, slot.draft_version_id)

    facility_id, version = db.run(draft)
    assert version is not None and version.data["form"] == demo.APSA_FORM
    assert db.run(lambda s: readiness.blockers(s, version)) == []
    assert db.run(element_form_service.element_form, lead, facility_id, demo.APSA).can_edit


def test_it_seeds_a_plan_waiting_in_the_review_queue_and_a_request_in_the_inbox(database):
    assert _run("seed-demo").exit_code == 0
    reviewer = helpers.sign_in("demorev", demo.REVIEWER.password, portal=Portal.REGULATOR)
    pa = helpers.sign_in("demopa", demo.PA_REVIEWER.password, portal=Portal.REGULATOR)

    waiting = db.run(queue.queue_page, reviewer, queue.QueueQuery())
    for_pa = db.run(queue.queue_page, pa, queue.QueueQuery())
    inbox = db.run(facility_requests.requests_for_regulator, reviewer)
    regulator = helpers.sign_in("demoreg", demo.REGULATOR.password, portal=Portal.REGULATOR)
    asked = db.run(facility_requests.requests_for_regulator, regulator)

    annex = demo.IN_REVIEW_FACILITY.name
    assert sorted((r.facility_name, r.element) for r in waiting.rows) == [
        (annex, 1),
        (annex, 2),
        (annex, 3),
    ]
    assert [(r.facility_name, r.element) for r in for_pa.rows] == [(annex, 2)]
    assert inbox == []  # a Reviewer decides no requests
    assert [(r.kind, r.facility) for r in asked] == [("delete", demo.DELETE_FACILITY.name)]


def _demo_rows():
    def query(session):
        users = session.exec(select(User.id, User.username, User.status)).all()
        agencies_ = session.exec(select(Agency.id, Agency.code, Agency.county)).all()
        members = session.exec(
            select(AgencyMember.agency_id, AgencyMember.user_id, AgencyMember.role)
        ).all()
        accepted = session.exec(select(ConditionsAcceptance.user_id)).all()
        return sorted(users), sorted(agencies_), sorted(members), sorted(accepted)

    return db.run(query)


# create-admin


def test_it_creates_an_activated_system_administrator(database, frozen_clock):
    result = _run("create-admin", "--username", "adminsam", *ACCOUNT_ARGS)

    assert result.exit_code == 0, result.output
    user = _user("adminsam")
    assert result.stdout == f"System administrator adminsam created (user {user.id}).\n"
    assert (user.status, user.is_system_admin, user.activated_at) == ("active", True, frozen_clock)
    assert user.email == "sam@example.org"
    assert user.phrase == "OpenCERS staff sign-in"
    assert user.security_question == "first_school"
    assert verify_secret(helpers.PASSWORD, user.password_hash)
    assert verify_secret("lincoln elementary", user.security_answer_hash)
    [event] = helpers.audit_events("USER_CREATED_BY_ADMIN")
    assert event.after == {"username": "adminsam", "system_admin": True}
    assert helpers.emails() == []
    assert helpers.sign_in("adminsam").can(Permission.SIGNED_IN)


def test_it_prompts_for_the_password_and_answer_without_echoing_them(database):
    args = [a for a in ACCOUNT_ARGS if a not in (helpers.PASSWORD, "Lincoln Elementary")]
    args = [a for a in args if a not in ("--password", "--security-answer")]

    result = _run(
        "create-admin",
        "--username",
        "adminsam",
        *args,
        input=f"{helpers.PASSWORD}\n{helpers.PASSWORD}\nLincoln Elementary\n",
    )

    assert result.exit_code == 0, result.output
    assert helpers.PASSWORD not in result.output
    assert verify_secret(helpers.PASSWORD, _user("adminsam").password_hash)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--username", "adm"], "username: Username must be 5-16 letters or digits"),
        (["--username", "adminsam", "--email", "nowhere"], "email: Enter a valid email address"),
        (["--username", "adminsam", "--password", "Password1"], "password: Choose a stronger"),
        (["--username", "adminsam", "--phrase", "ab"], "phrase: Enter a password protection"),
    ],
)
def test_it_refuses_bad_account_details_in_one_line(database, args, expected):
    # Later options win in click, so each case overrides one good value.
    result = _run("create-admin", *ACCOUNT_ARGS, *args)

    _assert_one_error_line(result, expected)
    assert not any(support.table_counts().values())


def test_it_refuses_an_administrator_username_already_taken(lena):
    before = support.table_counts()

    result = _run("create-admin", "--username", "LenaLead", *ACCOUNT_ARGS)

    _assert_one_error_line(result, "username: That username is already taken.")
    assert support.table_counts() == before


def test_it_refuses_an_unknown_security_question(database):
    result = _run(
        "create-admin", "--username", "adminsam", *ACCOUNT_ARGS, "--security-question", "pets"
    )

    assert result.exit_code == 2
    assert "Invalid value for '--security-question'" in result.stderr
    assert _user("adminsam") is None


# create-regulator-user


def test_it_creates_a_regulator_user_with_a_role(database):
    agency_id = _agency()

    result = _run(
        "create-regulator-user",
        "--agency-code",
        "1234",
        "--role",
        "admin",
        "--username",
        "ritaramos",
        *ACCOUNT_ARGS,
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Regulator user ritaramos created with the role admin in agency 1234.\n"
    )
    user = _user("ritaramos")
    assert (user.status, user.is_system_admin) == ("active", False)
    [member] = db.run(lambda s: list(s.exec(select(AgencyMember)).all()))
    assert (member.agency_id, member.user_id, member.role) == (agency_id, user.id, "admin")


def test_it_gives_the_role_to_an_existing_username(lena):
    agency_id = _agency()
    users_before = support.count(User)

    result = _run(
        "create-regulator-user", "--agency-code", "1234", "--username", "LENALEAD", *ACCOUNT_ARGS
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == ("Regulator user LENALEAD given the role reviewer in agency 1234.\n")
    assert support.count(User) == users_before
    [member] = db.run(lambda s: list(s.exec(select(AgencyMember)).all()))
    assert (member.agency_id, member.user_id, member.role) == (agency_id, lena.id, "reviewer")
    # lena's own details are not touched by the options given for a new account
    assert _user("lenalead").email == "lenalead@example.com"


def test_it_refuses_an_unknown_agency_code_in_one_line(database):
    result = _run(
        "create-regulator-user", "--agency-code", "5555", "--username", "ritaramos", *ACCOUNT_ARGS
    )

    _assert_one_error_line(result, "No agency has regulator code 5555.")
    assert not any(support.table_counts().values())


def test_it_refuses_an_unknown_role(database):
    _agency()

    result = _run(
        "create-regulator-user",
        "--agency-code",
        "1234",
        "--role",
        "owner",
        "--username",
        "ritaramos",
        *ACCOUNT_ARGS,
    )

    assert result.exit_code == 2
    assert "Invalid value for '--role'" in result.stderr
    assert _user("ritaramos") is None


def test_it_refuses_bad_details_of_a_new_regulator_in_one_line(database):
    _agency()

    result = _run(
        "create-regulator-user",
        "--agency-code",
        "1234",
        "--username",
        "ritaramos",
        *ACCOUNT_ARGS,
        "--email",
        "rita-at-nowhere",
    )

    _assert_one_error_line(result, "email: Enter a valid email address")
    assert _user("ritaramos") is None
    assert support.count(AgencyMember) == 0


# mail-retry


def test_it_retries_undelivered_mail(database, monkeypatch):
    helpers.register("lenalead")

    def fail(session):
        row = session.exec(select(helpers.EmailMessage)).one()
        row.status = "failed"
        session.add(row)
        session.commit()

    db.run(fail)

    result = _run("mail-retry")

    assert result.exit_code == 0, result.output
    assert result.stdout == "1 message(s) delivered.\n"
    [row] = helpers.emails()
    assert (row.status, row.attempts) == ("sent", 2)
    assert len(list(Path(get_settings().outbox_dir).glob("*-activation.eml"))) == 1
