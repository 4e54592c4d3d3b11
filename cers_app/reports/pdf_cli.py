"""`python -m cers_app report ...`: staff batch printing of PDFs by CERS ID.

The command line is the operator: it has no actor and is not limited to one business or
agency. Register with `cli.add_command(report)` in cers_app/cli.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from cers_app.core.cli_errors import clean_errors


@click.group()
def report() -> None:
    """PDF reports of facilities (inventory, submittal packet)."""


def _options(fn: Any) -> Any:
    """The options every report takes: which facility, where to write, public or not."""
    for option in reversed(
        (
            click.option("--cers-id", type=int, required=True, help="The facility's CERS ID."),
            click.option(
                "--out", "out", required=True, type=click.Path(dir_okay=False, writable=True)
            ),
            click.option(
                "--public",
                is_flag=True,
                help="A public copy: chemical locations and trade-secret identities withheld.",
            ),
        )
    ):
        fn = option(fn)
    return fn


@report.command("hmis")
@_options
@clean_errors
def hmis(cers_id: int, out: str, public: bool) -> None:
    """Write the facility's Hazardous Materials Inventory report (its last submitted
    inventory, else its draft) as PDF."""
    from cers_app.core import db
    from cers_app.reports.pdf_service import inventory_by_cers_id

    _name, content = db.run(inventory_by_cers_id, cers_id, public=public)
    Path(out).write_bytes(content)
    click.echo(f"Inventory report of CERS ID {cers_id} written to {out}.")


@report.command("packet")
@_options
@clean_errors
def packet(cers_id: int, out: str, public: bool) -> None:
    """Write the packet of the facility's latest submittal (forms, inventory, documents) as
    PDF."""
    from cers_app.core import db
    from cers_app.reports.pdf_service import packet_by_cers_id

    _name, content = db.run(packet_by_cers_id, cers_id, public=public)
    Path(out).write_bytes(content)
    click.echo(f"Submittal packet of CERS ID {cers_id} written to {out}.")
