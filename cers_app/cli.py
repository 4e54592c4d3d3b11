"""`python -m cers_app ...`: operator commands. Errors exit with status 2 and one clear line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from cers_app.core.cli_errors import clean_errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """OpenCERS operator commands."""


@cli.command()
@clean_errors
def migrate() -> None:
    """Apply database migrations up to the newest revision."""
    from cers_app.core import migrations
    from cers_app.core.settings import get_settings

    url = get_settings().database_url
    migrations.upgrade(url)
    click.echo(f"Database is up to date ({_redact(url)}).")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@cli.command("seed-demo")
@clean_errors
def seed_demo() -> None:
    """Load the demo agencies, users, businesses and facilities (safe to run again: it only
    adds what is missing)."""
    from cers_app import demo

    seeded = demo.seed()
    click.echo("Demo data is loaded. Sign-ins:")
    for user in seeded.users:
        click.echo(
            f"  {user.portal:<17} username {user.username:<8} password {user.password}"
            f"  ({user.description})"
        )
    click.echo("Facilities:")
    for facility in seeded.facilities:
        click.echo(
            f"  CERS ID {facility.cers_id}  {facility.name}, {facility.address}"
            f"  ({facility.business})"
        )
    shown = [
        (f"Hazardous materials inventory: {seeded.inventory_rows} materials at", seeded.inventory),
        ("Accepted business plan with an open inventory draft:", seeded.submitted),
        (
            "Accepted business plan overdue for its annual certification (use No change in HMBP):",
            seeded.overdue,
        ),
        (
            f"Inventory imported from a workbook: {seeded.uploaded_rows} materials at",
            seeded.uploaded,
        ),
        ("Aboveground Petroleum Storage draft with its form filled in:", seeded.inventory),
        ("Underground Storage Tanks draft with two tanks, ready to submit:", seeded.inventory),
        ("Business plan waiting in the Regulator Portal's review queue:", seeded.in_review),
        ("Deletion request waiting in the regulator's Requests inbox:", seeded.delete_requested),
    ]
    for what, facility in shown:
        if facility is not None:
            click.echo(f"{what} {facility.name} (CERS ID {facility.cers_id})")


def _account_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    from cers_app.accounts.rules import SECURITY_QUESTIONS

    options = [
        click.option("--username", required=True, help="5-16 letters or digits."),
        click.option("--email", required=True),
        click.option("--first-name", required=True),
        click.option("--last-name", required=True),
        click.option(
            "--password",
            prompt=True,
            hide_input=True,
            confirmation_prompt=True,
            envvar="CERS_NEW_USER_PASSWORD",
            help="Prompted for when omitted (or taken from CERS_NEW_USER_PASSWORD).",
        ),
        click.option(
            "--security-question",
            type=click.Choice(sorted(SECURITY_QUESTIONS)),
            default="first_school",
            show_default=True,
        ),
        click.option("--security-answer", prompt=True, hide_input=True),
        click.option(
            "--phrase",
            default="OpenCERS staff sign-in",
            show_default=True,
            help="Password protection phrase shown at sign-in.",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _registration(**fields: str):
    from cers_app.accounts.views import Registration

    return Registration.from_fields({**fields, "password_confirm": fields["password"]}, "")


@cli.command("create-admin")
@_account_options
@clean_errors
def create_admin(**fields: str) -> None:
    """Create an activated system administrator account."""
    from cers_app.accounts import service
    from cers_app.core import db

    user_id = db.run(
        service.create_activated_user,
        _registration(**fields),
        actor_user_id=None,
        system_admin=True,
    )
    click.echo(f"System administrator {fields['username']} created (user {user_id}).")


@cli.command("create-regulator-user")
@click.option("--agency-code", type=int, required=True, help="The agency's 4-digit code.")
@click.option(
    "--role",
    type=click.Choice(["viewer", "reviewer", "request_handler", "admin", "responder"]),
    default="reviewer",
    show_default=True,
)
@_account_options
@clean_errors
def create_regulator_user(agency_code: int, role: str, **fields: str) -> None:
    """Create an activated regulator account with a role in an agency.

    If the username already exists, that account is given the role instead.
    """
    from sqlmodel import select

    from cers_app.accounts import service
    from cers_app.accounts.models import User
    from cers_app.accounts.rules import username_key
    from cers_app.agencies import service as agencies
    from cers_app.core import db
    from cers_app.core.errors import NotFound

    agency_id = db.run(agencies.find_agency_id, agency_code)
    if agency_id is None:
        raise NotFound(f"No agency has regulator code {agency_code}.")
    existing = db.run(
        lambda s: s.exec(
            select(User.id).where(User.username_key == username_key(fields["username"]))
        ).first()
    )
    user_id = existing or db.run(
        service.create_activated_user, _registration(**fields), actor_user_id=None
    )
    db.run(
        agencies.set_member_role,
        actor_user_id=None,
        agency_id=agency_id,
        user_id=user_id,
        role=role,
    )
    verb = "given the role" if existing else "created with the role"
    click.echo(f"Regulator user {fields['username']} {verb} {role} in agency {agency_code}.")


def _read_csv(path: str) -> str:
    from pathlib import Path

    # utf-8-sig: spreadsheet programs often start a CSV file with a byte-order mark.
    return Path(path).read_text(encoding="utf-8-sig")


@cli.command("load-agencies")
@click.argument("csv_file", metavar="FILE.csv")
@clean_errors
def load_agencies(csv_file: str) -> None:
    """Create or update regulator agencies from a CSV file, by regulator code.

    Columns: code, name, kind (CUPA or PA), county (a name or 1-58), parent_code (for a PA,
    its CUPA's code), phone, email, website, address, verify_lead_access (yes or no). Nothing
    is loaded unless every line is right; the problems are listed by line.
    """
    from cers_app.agencies import rules
    from cers_app.agencies import service as agencies
    from cers_app.core import db

    records = rules.parse_agencies_csv(_read_csv(csv_file))
    done = db.run(agencies.load_agencies, actor_user_id=None, records=records)
    click.echo(
        f"Agencies loaded: {len(done.created)} created, {len(done.changed)} changed, "
        f"{len(done.unchanged)} unchanged."
    )


@cli.command("load-jurisdictions")
@click.argument("csv_file", metavar="FILE.csv")
@click.option(
    "--replace",
    is_flag=True,
    help="The agencies in the file keep only the rules in the file.",
)
@clean_errors
def load_jurisdictions(csv_file: str, replace: bool) -> None:
    """Load which agency regulates which submittal element in which ZIP code.

    Columns: agency_code, element (1-10 or all), zip, city (optional: the rule then applies
    only to that city within the ZIP code). Nothing is loaded unless every line is right.
    """
    from cers_app.agencies import jurisdiction
    from cers_app.agencies import service as agencies
    from cers_app.core import db

    rules = jurisdiction.parse_rules_csv(_read_csv(csv_file))
    done = db.run(agencies.load_jurisdictions, actor_user_id=None, rules=rules, replace=replace)
    codes = ", ".join(str(code) for code in done.agencies)
    click.echo(
        f"Jurisdiction rules loaded for agencies {codes}: {done.added} added, "
        f"{done.removed} removed, {done.unchanged} unchanged."
    )


@cli.command("send-reminders")
@clean_errors
def send_reminders() -> None:
    """Send the HMBP due-date reminders that are due (safe to run as often as cron likes)."""
    from cers_app.core import db
    from cers_app.submittals.reminders import send_reminders as send

    click.echo(f"{db.run(send)} reminder(s) sent.")


@cli.command("mail-retry")
@clean_errors
def mail_retry() -> None:
    """Try again to deliver queued or failed emails."""
    from cers_app.core.mail import retry_unsent

    click.echo(f"{retry_unsent()} message(s) delivered.")


@cli.command("verify-audit")
@click.option("--stream", help="Check only this stream (e.g. facility:12); default: all.")
@clean_errors
def verify_audit(stream: str | None) -> None:
    """Check the audit trail's hash chains: every event's hash, the links between events,
    missing seqs and each stream's head.

    Exit status 0 when intact, 1 when tampering was found, 2 on a usage error.
    """
    from cers_app.core import audit_chain, db
    from cers_app.core.cli_errors import fail

    if stream is not None and not db.run(audit_chain.stream_exists, stream):
        fail(f"no audit stream is named {stream!r}.")
    report = db.run(audit_chain.verify, stream)
    summary = f"Audit trail: {report.streams} stream(s), {report.events_checked} event(s) checked"
    if stream is None:
        summary += f", {report.unchained_legacy} unchained (before the chain began)"
    click.echo(summary + ".")
    if report.intact:
        click.echo("Intact: every chain verifies.")
        return
    click.echo(f"TAMPERING FOUND: {len(report.problems)} problem(s).")
    for problem in report.problems:
        click.echo(f"  {problem.line()}")
    sys.exit(1)


@cli.group()
def chemicals() -> None:
    """Chemical library: seed, EHS list import, search."""


@chemicals.command("seed")
@click.option(
    "--from",
    "source_dir",
    type=click.Path(exists=True, file_okay=False),
    help="A folder laid out like the chemicals package (a small library for tests).",
)
@clean_errors
def chemicals_seed(source_dir: str | None) -> None:
    """Load the chemical library: the chemicals package, curated products and the EHS seed.

    Each part is loaded once per version; running it again is quick and changes nothing.
    """
    from pathlib import Path

    from cers_app.chemicals.seed import seed_library
    from cers_app.core import db

    report = db.run(seed_library, source_dir=Path(source_dir) if source_dir else None)
    click.echo(report.summary())


@chemicals.command("import-list-of-lists")
@click.argument("spreadsheet", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@clean_errors
def chemicals_import_list_of_lists(spreadsheet: str) -> None:
    """Set EHS flags and TPQs from EPA's "Consolidated List of Lists" spreadsheet.

    The list is taken as complete; nothing changes unless the whole file can be read.
    """
    from pathlib import Path

    from cers_app.chemicals.list_of_lists import import_list_of_lists
    from cers_app.core import db

    click.echo(db.run(import_list_of_lists, Path(spreadsheet)).summary())


@chemicals.command("search")
@click.argument("text")
@click.option("--limit", type=click.IntRange(1, 50), default=20, show_default=True)
@clean_errors
def chemicals_search(text: str, limit: int) -> None:
    """Search the library as the inventory editor does (name, word, synonym or CAS)."""
    from cers_app.chemicals.service import search
    from cers_app.core import db

    for hit in db.run(search, text, limit):
        also = f"  (as {hit.matched})" if hit.matched else ""
        ehs = "  EHS" if hit.ehs else ""
        click.echo(f"{hit.id:>7}  {hit.cas or '-':<12}  {hit.name}{also}{ehs}")


@cli.group()
def inventory() -> None:
    """Hazardous Materials Inventory tools."""


@inventory.command("validate")
@click.option("--cers-id", type=int, required=True, help="The facility's CERS ID.")
@clean_errors
def inventory_validate(cers_id: int) -> None:
    """Print the findings of the facility's inventory draft as one JSON list.

    Each finding: material (common name), location, code, level, fields (XML tag names) and
    message. Nothing is changed.
    """
    import json

    from cers_app.core import db
    from cers_app.inventory.service import draft_findings

    found = db.run(draft_findings, cers_id)
    listed = [
        {
            "material": f.material,
            "location": f.location,
            "code": f.code,
            "level": f.level,
            "fields": list(f.fields),
            "message": f.message,
        }
        for f in found
    ]
    click.echo(json.dumps(listed, indent=2, ensure_ascii=False))


@inventory.command("import")
@click.option("--cers-id", type=int, required=True, help="The facility's CERS ID.")
@click.option(
    "--mode",
    type=click.Choice(["append", "replace", "merge"]),
    required=True,
    help="append: add the file's rows; replace: the file's rows instead of the draft's; "
    "merge: update rows matched by location and CAS number (else common name), add the rest.",
)
@click.option("--dry-run", is_flag=True, help="Read and check the file; change nothing.")
@click.option(
    "--valid-rows-only", is_flag=True, help="Import the rows without problems, skip the others."
)
@click.argument("spreadsheet", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@clean_errors
def inventory_import(
    cers_id: int, mode: str, dry_run: bool, valid_rows_only: bool, spreadsheet: str
) -> None:
    """Import an inventory spreadsheet (xlsx, xls, ods or csv) into the facility's draft.

    Prints one JSON object: rows, added, updated, removed, imported and problems (row,
    column, heading, code, message). Exit status 0 when imported (with --dry-run: when it
    would be), 1 when the file was refused, 2 when it cannot be read at all.
    """
    import json
    from pathlib import Path

    from cers_app.inventory.importing import READY, import_file

    report = import_file(
        None,
        cers_id,
        Path(spreadsheet),
        mode,
        dry_run=dry_run,
        valid_rows_only=valid_rows_only,
    )
    click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    if not (report.imported or (dry_run and report.status == READY)):
        sys.exit(1)


@inventory.command("export")
@click.option("--cers-id", type=int, required=True, help="The facility's CERS ID.")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@clean_errors
def inventory_export(cers_id: int, out: str) -> None:
    """Write the facility's inventory (its draft, else its last submitted version) as an
    xlsx workbook in the upload template's layout."""
    from pathlib import Path

    from cers_app.core import db
    from cers_app.inventory.importing import export_by_cers_id

    _name, content = db.run(export_by_cers_id, cers_id)
    Path(out).write_bytes(content)
    click.echo(f"Inventory of CERS ID {cers_id} written to {out}.")


@inventory.command("template")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True))
@clean_errors
def inventory_template(out: str) -> None:
    """Write the blank inventory upload template (xlsx)."""
    from pathlib import Path

    from cers_app.inventory.importing import template_bytes

    Path(out).write_bytes(template_bytes())
    click.echo(f"Template written to {out}.")


def _add_report_commands() -> None:
    """The printing and data-exchange commands, which live with the reports."""
    from cers_app.reports.edt_cli import export_edt, import_edt
    from cers_app.reports.pdf_cli import report

    cli.add_command(export_edt)
    cli.add_command(import_edt)
    cli.add_command(report)


_add_report_commands()


def _add_operations_commands() -> None:
    """backup, restore, check, maintenance, reset-training and sweep (cers_app.ops)."""
    from cers_app.ops.commands import COMMANDS as OPERATIONS

    for command in OPERATIONS:
        cli.add_command(command)


_add_operations_commands()


def main() -> None:
    import cers_app.models  # noqa: F401  (every table, before any command touches the database)

    cli(prog_name="python -m cers_app")
