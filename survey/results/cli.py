"""`benchlearn results export ROUND ...`, `benchlearn results freeze ROUND` and `benchlearn results freeze-due`
(the periodic job, for cron: freezes the rounds that have closed and takes the open rounds' daily snapshots)."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from survey.extensions import db
from survey.network.models import School
from survey.microdata import writers as microdata
from survey.microdata.responses import export_responses
from survey.microdata.variables import ExportError
from survey.results.export import export_aggregates, format_of
from survey.network.cli import network_option
from survey.results.operations import freeze_due_rounds, freeze_round_results
from survey.results.service import ResultsNotReady
from survey.rounds.cli import resolve_round
from survey.rounds.models import RoundState

results_cli = click.Group("results", help="Round results: exports and freezing.")


@results_cli.command("export")
@click.argument("round_name", metavar="ROUND")
@click.option("--responses", "responses_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write one row per submitted response to this .csv/.xlsx/.parquet/.sav/.dta file "
                   "(variables and codes: `benchlearn questionnaire codebook`).")
@click.option("--aggregates", "aggregates_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the long-format aggregates to this .csv/.xlsx/.parquet file.")
@click.option("--school", "school_code", help="Only this school's rows (aggregates: plus the NETWORK rows).")
@network_option
def export_command(round_name: str, responses_file: Path | None, aggregates_file: Path | None,
                   school_code: str | None, network_name: str | None) -> None:
    """Export a round's responses or aggregates; the format follows the file's extension."""
    if (responses_file is None) == (aggregates_file is None):
        raise click.UsageError("give exactly one of --responses FILE and --aggregates FILE")
    check_format = microdata.format_of if responses_file is not None else format_of
    try:
        check_format(responses_file or aggregates_file)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    survey_round = resolve_round(round_name, network_name)
    if school_code is not None:
        school = db.session.scalar(select(School).where(School.network_id == survey_round.network_id,
                                                        School.code == school_code))
        if school is None or school not in survey_round.schools:
            raise click.ClickException(f"school '{school_code}' is not part of round '{survey_round.name}'")
    if responses_file is not None:
        try:
            export_responses(survey_round, responses_file, school=school_code)
        except ExportError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"wrote the responses of round '{survey_round.name}' to {responses_file}")
    else:
        try:
            export_aggregates(survey_round, aggregates_file, school=school_code)
        except ResultsNotReady as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"wrote the aggregates of round '{survey_round.name}' to {aggregates_file}")


@results_cli.command("freeze")
@click.argument("round_name", metavar="ROUND")
@network_option
def freeze_command(round_name: str, network_name: str | None) -> None:
    """Compute and store a closed round's results (nothing changes when they are already frozen)."""
    survey_round = resolve_round(round_name, network_name)
    if survey_round.state_on(date.today()) is not RoundState.CLOSED:
        raise click.ClickException(f"round '{survey_round.name}' is not closed yet: its results stay provisional")
    stored = freeze_round_results(survey_round)
    db.session.commit()
    click.echo(f"round '{survey_round.name}': {stored.responses} responses, content hash {stored.content_hash}")


@results_cli.command("freeze-due")
def freeze_due_command() -> None:
    """Freeze every round that has closed, and take today's provisional snapshot of every open round that has
    none yet (run it from cron, e.g. every 15 minutes; running it again changes nothing)."""
    today = date.today()
    run = freeze_due_rounds(today=today)
    db.session.commit()
    for survey_round in run.frozen:
        click.echo(f"froze the results of round '{survey_round.name}' ({survey_round.network.name})")
    for survey_round in run.snapshots:
        click.echo(f"provisional results of round '{survey_round.name}' ({survey_round.network.name}) as of {today}")
    if not (run.frozen or run.snapshots or run.failed):
        click.echo("nothing due")
    for survey_round, error in run.failed:
        click.echo(f"failed: round '{survey_round.name}' ({survey_round.network.name}): {error}", err=True)
    if run.failed:
        raise SystemExit(1)
