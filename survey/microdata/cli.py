"""`benchlearn questionnaire codebook FAMILY:VERSION --out FILE.csv|.html`: the codebook of the response
export of rounds that use a questionnaire version (published, or a file)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.catalog.cli import _definition_from
from survey.catalog.definition import DefinitionError
from survey.microdata.codebook import codebook_bytes, codebook_format
from survey.microdata.responses import codebook
from survey.microdata.variables import ExportError
from survey.network.cli import network_option


@click.command("codebook")
@click.argument("version", metavar="FAMILY:VERSION")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The codebook file: .csv or .html.")
@network_option
def codebook_command(version: str, out: Path, network_name: str | None) -> None:
    """Write one row per variable of the response export (name, key, question, type, values, value labels,
    condition, dimension, reverse, lineage). VERSION is FAMILY:VERSION of a published version, or a file."""
    try:
        fmt = codebook_format(out)
        definition = _definition_from(version, network_name)
        rows = codebook(definition)
        title = f"{definition.family} {definition.version}: {definition.text(definition.title, definition.default_language)}"
        out.write_bytes(codebook_bytes(rows, fmt, title=title, language=definition.default_language))
    except DefinitionError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote the codebook of {definition.family} {definition.version} ({len(rows)} variables) to {out}")
