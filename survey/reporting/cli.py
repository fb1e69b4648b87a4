"""`benchlearn report build ROUND [--school CODE] [--out DIR]`: build a round's PDF reports."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from survey.reporting.build import build_reports
from survey.reporting.loader import load_round_inputs
from survey.reporting.storage import ReportStore, default_store
from survey.network.cli import network_option
from survey.results.service import ResultsNotReady
from survey.rounds.cli import resolve_round


@click.group("report", help="Benchmark reports (PDF).")
def report_cli() -> None:
    pass


@report_cli.command("build")
@click.argument("round_")
@click.option("--school", "schools", multiple=True, help="Only this school (code); repeatable.")
@click.option("--out", "out", type=click.Path(file_okay=False), default=None,
              help="Folder to store the PDFs in (default: the instance's reports folder, which the web serves).")
@click.option("--workers", type=int, default=None, help="Parallel processes (default: one per core).")
@click.option("--force", is_flag=True, help="Rebuild reports that are up to date.")
@network_option
@with_appcontext
def build_command(round_: str, schools: tuple[str, ...], out: str | None, workers: int | None, force: bool,
                  network_name: str | None) -> None:
    """Build the reports of ROUND (id or name): every school's and the network report, skipping those whose
    content hash is already stored."""
    survey_round = resolve_round(round_, network_name)
    known = {s.code for s in survey_round.schools}
    unknown = [code for code in schools if code not in known]
    if unknown:
        raise click.ClickException(f"not in round {survey_round.name!r}: {', '.join(unknown)}")
    try:
        reports, network = load_round_inputs(survey_round, school_codes=set(schools) or None, admin_copies=True)
    except ResultsNotReady as error:
        raise click.ClickException(str(error)) from error
    store = ReportStore(out) if out else default_store(current_app)
    result = build_reports(reports if schools else [*reports, network], store, workers=workers, show_bar=True,
                           force=force)
    click.echo(f"{len(result.built)} built, {len(result.skipped)} up to date, {len(result.failed)} failed "
               f"in {result.seconds:.1f} s -> {store.root / str(survey_round.id)}")
    for key, error in result.failed.items():
        click.echo(f"failed: {key}: {error}", err=True)
    if result.failed:
        raise SystemExit(1)
