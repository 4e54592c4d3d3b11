"""Operator commands for CERS EDT XML: `export-edt` and `import-edt` (registered on the
`python -m cers_app` group by cers_app.cli). Errors exit with status 2 and one clear line."""

from __future__ import annotations

from pathlib import Path

import click
from sqlmodel import select

from cers_app.accounts.models import User
from cers_app.core import db
from cers_app.core.cli_errors import clean_errors, fail
from cers_app.reports import edt_export, edt_import


@click.command("export-edt")
@click.option("--cers-id", "cers_id", required=True, help="The facility's CERS ID.")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write: FILE.xml (the XML alone) or FILE.zip (XML and uploaded files).",
)
@clean_errors
def export_edt(cers_id: str, out: Path) -> None:
    """Export a facility's latest submittal as CERS EDT XML, checked against the official
    schema first (CERS_EDT_XSD_DIR names the schema folder)."""
    suffix = out.suffix.lower()
    if suffix not in (".xml", ".zip"):
        fail("Name the output FILE.xml (the XML alone) or FILE.zip (XML and uploaded files).")
    if suffix == ".zip":
        content = db.run(edt_export.export_zip, cers_id)
    else:
        content = edt_export.checked(db.run(edt_export.document, cers_id))
    out.write_bytes(content)
    click.echo(f"Wrote {out} ({len(content):,} bytes); it passes the official CERS schema.")


def _owner_id(username: str) -> int | None:
    if not username:
        return None
    key = username.strip().lower()
    found = db.run(lambda s: s.exec(select(User.id).where(User.username_key == key)).first())
    if found is None:
        fail(f"No account has the username {username!r}; attachments need an owner account.")
    return found


@click.command("import-edt")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--owner",
    default="",
    help="Username that owns the attachments of a .zip import (without it files are skipped).",
)
@clean_errors
def import_edt(file: Path, owner: str) -> None:
    """Import a CERS EDT document: a RegulatorFacilitySubmittalQuery download or our own
    export (.xml or .zip). Importing the same file again changes nothing."""
    result = db.run(edt_import.import_path, file, _owner_id(owner))
    click.echo(
        f"Imported {result.versions_created} element versions "
        f"({result.facilities_created} new facilities, {result.items_created} inventory rows); "
        f"{result.versions_skipped} already imported."
    )
    if result.files_missing:
        click.echo(
            f"Skipped {len(result.files_missing)} attachments "
            f"(not in the file, or no --owner given): {', '.join(result.files_missing[:5])}",
            err=True,
        )
