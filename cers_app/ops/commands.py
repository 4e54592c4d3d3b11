"""The operations commands of `python -m cers_app` (registered by cers_app.cli)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cers_app.core.cli_errors import clean_errors


@click.command("backup")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A new (or empty) folder for the backup.",
)
@clean_errors
def backup_command(out: Path) -> None:
    """Back up the database and the stored files into a folder (consistent while the site runs).

    Exit status 0 when complete, 1 when a stored file was missing from storage (the backup is
    written and lists it), 2 when no backup could be made.
    """
    from cers_app.ops import backup

    report = backup.backup(out)
    click.echo(
        f"Backup written to {report.folder}: migration {report.revision}, {report.tables} "
        f"tables, {report.rows} rows, {report.files} files ({report.file_bytes} bytes)."
    )
    if report.missing_files:
        click.echo(
            f"Warning: {len(report.missing_files)} stored file(s) were missing from storage "
            f"(listed in the manifest): {', '.join(report.missing_files[:5])}",
            err=True,
        )
        sys.exit(1)


@click.command("restore")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the data of a database that is not empty.")
@clean_errors
def restore_command(folder: Path, force: bool) -> None:
    """Restore a backup folder into the configured database and storage, then verify it.

    Exit status 0 when restored and every table checksum and file sha256 matches the manifest,
    1 when something differs after the restore, 2 when refused (damaged folder, another
    migration revision, a database holding data without --force); nothing changes then.
    """
    from cers_app.ops import backup

    report = backup.restore(folder, force=force)
    click.echo(f"Restored {report.tables} tables, {report.rows} rows, {report.files} files.")
    if not report.verified:
        for problem in report.mismatches:
            click.echo(f"Mismatch: {problem}", err=True)
        click.echo("The restored data does NOT match the backup.", err=True)
        sys.exit(1)
    click.echo("Verified: every table checksum and file sha256 matches the manifest.")


@click.command("check")
def check_command() -> None:
    """Print where each setting comes from and test the database, Redis, mail, storage and the
    virus scanner. Exit status 0 when every check passes, 1 otherwise."""
    from pydantic import ValidationError

    from cers_app.core.settings import get_settings
    from cers_app.ops import check

    try:
        get_settings()
    except ValidationError as exc:
        reason = str(exc.errors()[0].get("msg", exc)).replace("Value error, ", "")
        click.echo(f"FAIL settings   {reason}", err=True)
        sys.exit(1)
    sources = check.setting_sources()
    click.echo("Settings:")
    for line in sources:
        click.echo(f"  {line.name:<28} {line.value:<40} ({line.source})")
    click.echo("Checks:")
    failed = 0
    for result in check.run_checks():
        click.echo(f"  {'OK  ' if result.ok else 'FAIL'} {result.name:<10} {result.detail}")
        failed += not result.ok
    if failed:
        click.echo(f"{failed} check(s) failed.", err=True)
        sys.exit(1)
    click.echo("All checks passed.")


@click.command("maintenance")
@click.argument("switch", type=click.Choice(["on", "off", "status"]))
@click.option("--until", "until", default="", help="When it should end, in words (shown).")
@click.option("--message", "message", default="", help="A sentence shown on every page.")
@clean_errors
def maintenance_command(switch: str, until: str, message: str) -> None:
    """Turn maintenance mode on or off for every worker: pages, downloads and sign-in keep
    working; every change is refused."""
    from cers_app.core import db
    from cers_app.ops import maintenance

    if switch == "status":
        state = db.run(maintenance.current)
        click.echo(state.banner if state.active else "Maintenance mode is off.")
        return
    state = db.run(
        maintenance.set_mode, active=switch == "on", until=until, message=message, actor=None
    )
    if switch == "off" and state.forced_by_environment:
        click.echo("Maintenance mode stays on: CERS_MAINTENANCE_MODE=1 is set.")
    elif state.active:
        click.echo(f"Maintenance mode is on. {state.banner}")
    else:
        click.echo("Maintenance mode is off.")


@click.command("reset-training")
@clean_errors
def reset_training_command() -> None:
    """Training sites only (CERS_TRAINING_MODE=1): erase everything entered and reload the demo."""
    from cers_app.ops import training

    seeded = training.reset()
    click.echo(
        f"Training data reset: {seeded.rows_removed} rows removed; {seeded.users} demo "
        f"sign-ins and {seeded.facilities} facilities loaded afresh."
    )


@click.command("sweep")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=7,
    show_default=True,
    help="Clear import jobs that ended (or were left unconfirmed) more than this many days ago.",
)
@click.option("--dry-run", is_flag=True, help="Count what would be removed; change nothing.")
@clean_errors
def sweep_command(days: int, dry_run: bool) -> None:
    """Remove leftovers: old inventory import jobs' staged rows, problems and uploaded files
    (the jobs themselves stay), orphan stored files and upload staging files.

    Unconfirmed imports older than --days are cancelled first. Prints one line per part.
    Exit status 0 when done, 2 on a usage error.
    """
    from cers_app.ops import sweep

    report = sweep.sweep(days=days, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)


COMMANDS = [
    backup_command,
    restore_command,
    check_command,
    maintenance_command,
    reset_training_command,
    sweep_command,
]
