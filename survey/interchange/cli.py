"""`benchlearn questionnaire import` and `questionnaire export`: XLSForm and LimeSurvey in, XLSForm out.

Registered on the catalog's `questionnaire` group (survey/cli.py), beside validate, diff and publish.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.catalog.cli import questionnaire_cli
from survey.catalog.models import version_by_label
from survey.catalog.operations import definition_of
from survey.extensions import db
from survey.interchange.exporter import export_xlsform
from survey.interchange.operations import check_target, import_questionnaire
from survey.interchange.report import ImportFailed
from survey.interchange.sheets import MAX_BYTES
from survey.network.cli import network_option, resolve_network


@questionnaire_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--family", required=True, help="The family of the new version (e.g. wellbeing).")
@click.option("--version", "version", required=True, help="The version name (e.g. 2027).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The format-2 YAML file to write.")
def import_command(file: Path, family: str, version: str, out: Path) -> None:
    """Import an XLSForm (.xlsx, .xls, .csv) or LimeSurvey (.lss) file as a format-2 YAML file.

    What could not be carried is listed on stderr by sheet and row, or element and id. Exit 1 when nothing
    could be imported, or when the written file does not validate yet (its problems are listed)."""
    problem = check_target(family, version)
    if problem:
        raise click.BadParameter(problem)
    if file.stat().st_size > MAX_BYTES:
        click.echo(f"{file}: the file has {file.stat().st_size:,} bytes; at most {MAX_BYTES:,} are read", err=True)
        sys.exit(1)
    try:
        outcome = import_questionnaire(file.read_bytes(), file.name, family, version, str(out))
    except ImportFailed as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for finding in outcome.findings:
        click.echo(f"{file}: {finding}", err=True)
    if outcome.yaml is None:
        click.echo(f"{file}: nothing could be imported: no question could be carried", err=True)
        sys.exit(1)
    out.write_text(outcome.yaml, encoding="utf-8")
    summary = (f"wrote {out} from {outcome.source_format}: {_counts(outcome)}; "
               f"{len(outcome.dropped)} not carried, {len(outcome.changed)} changed")
    click.echo(summary)
    if outcome.problems:
        click.echo(f"{out} does not validate yet; fix these before publishing:", err=True)
        for line in outcome.problems:
            click.echo(line, err=True)
        sys.exit(1)


def _counts(outcome) -> str:
    definition = outcome.definition
    if definition is None:
        return "written as far as it goes"
    kinds: dict[str, int] = {}
    for question in definition.questions():
        kinds[question.type] = kinds.get(question.type, 0) + 1
    listed = ", ".join(f"{count} {kind}" for kind, count in kinds.items())
    return f"{len(definition.pages)} pages, {listed}, {len(definition.dimensions)} dimensions"


@questionnaire_cli.command("export")
@click.argument("label", metavar="FAMILY:VERSION")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The XLSForm workbook to write (.xlsx).")
@network_option
def export_command(label: str, out: Path, network_name: str | None) -> None:
    """Export a published version as an XLSForm workbook; importing it gives the same checksum."""
    family, _, version = label.partition(":")
    if not version:
        raise click.BadParameter(f"{label!r}: give FAMILY:VERSION, e.g. student:2026")
    if out.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{out}: the export is an .xlsx workbook")
    network = resolve_network(network_name)
    found = db.session.scalar(version_by_label(network.id, family, version))
    if found is None:
        raise click.ClickException(f"{family} {version} is not published in {network.name}")
    out.write_bytes(export_xlsform(definition_of(found)))
    click.echo(f"wrote {out}: {found.label} of {network.name} (checksum {found.checksum[:12]})")
