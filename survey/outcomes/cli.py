"""`benchlearn outcomes import FILE.csv`: the same checks and the same import as the admin page."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask_babel import force_locale

from survey.audit import record
from survey.extensions import db
from survey.network.cli import network_option, resolve_network
from survey.outcomes.importer import OutcomeImportError, import_outcomes, parse_outcome_csv

outcomes_cli = click.Group("outcomes", help="Import the network's outcome indicators (completion, drop-out, ...).")


@outcomes_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@network_option
def import_command(file: Path, network_name: str | None) -> None:
    """Import outcome values from FILE.csv (columns indicator, label_da, label_sv, label_en, unit, direction,
    school, program, year, value, n). Nothing is saved when a row is wrong: every problem is printed with its
    row number and the command exits with status 1."""
    network = resolve_network(network_name)
    try:
        parsed = parse_outcome_csv(file.read_bytes(), network)
    except OutcomeImportError as error:
        with force_locale("en"):
            for problem in error.problems:
                click.echo(f"{file}: {problem}", err=True)
        sys.exit(1)
    summary = import_outcomes(network, parsed)
    record(None, "outcomes.change", "outcome indicators",
           {"change": "import", "file": file.name[:100], "added": summary.added, "replaced": summary.replaced,
            "indicators": sorted(parsed.indicators)}, network_id=network.id)
    db.session.commit()
    click.echo(f"imported {len(parsed.values)} values of {len(parsed.indicators)} indicators "
               f"({summary.indicators_created} new): {summary.added} added, {summary.replaced} replaced")
