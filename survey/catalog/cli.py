"""`benchlearn questionnaire ...`: validate, diff, publish, list and withdraw questionnaire versions.

Each network has its own catalog: the commands that read or change it work in the only network, or the one
`--network NAME` names when there are several.
"""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from sqlalchemy import select

from survey.catalog.definition import (
    DefinitionError,
    Problem,
    QuestionnaireDefinition,
    format_warning,
    load_definition,
    sibling_lookup,
)
from survey.catalog.upgrade import upgrade_source
from survey.catalog.yaml_writer import dump_definition
from survey.catalog.json_schema import schema_text
from survey.catalog.limits import oversized
from survey.catalog.diff import diff_definitions, format_diff
from survey.catalog.models import QuestionnaireVersion, version_by_label, versions_of_network
from survey.catalog.operations import (
    PublishError,
    catalog_exists,
    definition_of,
    publish_definition,
    validate_source,
    withdraw_version,
)
from survey.extensions import db
from survey.network.cli import network_option, resolve_network
from survey.network.models import Network

questionnaire_cli = click.Group("questionnaire", help="Validate, compare and publish questionnaire versions.")


def _source(path: Path) -> str:
    too_big = oversized(path.stat().st_size)
    if too_big is not None:
        raise DefinitionError([Problem(str(path), *too_big)])
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        load_definition(path)  # raises DefinitionError naming the file, line and problem
        raise


def _catalog_network(name: str | None) -> Network | None:
    """The network whose published versions a file may follow: the named one, else the only one, else none
    (files are checked before any network exists, and then follow only the files beside them)."""
    if name:
        return resolve_network(name)
    if not catalog_exists():
        return None
    networks = db.session.scalars(select(Network).limit(2)).all()
    return networks[0] if len(networks) == 1 else None


@questionnaire_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--network", "network_name", help="Whose published versions a file may follow (default: the only network).")
def validate_command(files: tuple[Path, ...], network_name: str | None) -> None:
    """Check questionnaire files; print every problem as FILE:LINE: message and every warning as
    FILE:LINE: warning: message. Exit 1 on any problem; warnings alone do not fail."""
    failed = False
    network = _catalog_network(network_name)
    for path in files:
        warnings: list[Problem] = []
        try:
            definition = _validated_or_report(path, network, warnings=warnings)
        except DefinitionError as error:
            failed = True
            for problem in error.problems:
                click.echo(str(problem), err=True)
            continue
        for warning in warnings:
            click.echo(format_warning(warning), err=True)
        click.echo(
            f"{path}: ok — {definition.family} {definition.version}, {len(definition.dimensions)} dimensions, "
            f"{len(definition.rating_items())} items, languages {', '.join(definition.languages)}"
        )
    if failed:
        sys.exit(1)


def _validated_or_report(
    path: Path, network: Network | None, *lookups, warnings: list[Problem] | None = None
) -> QuestionnaireDefinition:
    """Validate a file; a previous version may be published in `network`, given in `lookups`, or lie beside
    the file."""
    return validate_source(_source(path), str(path), *lookups, sibling_lookup(path), network=network, warnings=warnings)


def _definition_from(arg: str, network_name: str | None, *lookups) -> QuestionnaireDefinition:
    """A file path, or FAMILY:VERSION of a version published in the network."""
    path = Path(arg)
    if path.exists():
        return _validated_or_report(path, _catalog_network(network_name), *lookups)
    family, _, version = arg.partition(":")
    if not version:
        raise click.BadParameter(f"'{arg}' is neither a file nor a published FAMILY:VERSION (e.g. student:2026)")
    network = resolve_network(network_name)
    found = db.session.scalar(version_by_label(network.id, family, version))
    if found is None:
        raise click.BadParameter(f"'{arg}' is neither a file nor a FAMILY:VERSION published in {network.name}")
    return definition_of(found)


@questionnaire_cli.command("diff")
@click.argument("old")
@click.argument("new")
@network_option
def diff_command(old: str, new: str, network_name: str | None) -> None:
    """Show what changed from OLD to NEW (files, or FAMILY:VERSION of published versions)."""
    try:
        old_definition = _definition_from(old, network_name)

        def follows_old(family: str, version: str) -> QuestionnaireDefinition | None:
            return old_definition if (family, version) == (old_definition.family, old_definition.version) else None

        new_definition = _definition_from(new, network_name, follows_old)
        click.echo(format_diff(diff_definitions(old_definition, new_definition)))
    except DefinitionError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


@questionnaire_cli.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "published_by", help="Who publishes (recorded with the version); default: the OS user.")
@network_option
def publish_command(file: Path, published_by: str | None, network_name: str | None) -> None:
    """Publish FILE. Publishing identical content again changes nothing; other content under a used version is refused."""
    network = resolve_network(network_name)
    try:
        text = _source(file)
        warnings: list[Problem] = []
        definition = validate_source(text, str(file), network=network, warnings=warnings)  # only a published version may be followed
        for warning in warnings:
            click.echo(format_warning(warning), err=True)
        by = published_by or f"command line ({getpass.getuser()})"
        result = publish_definition(network, definition, text, by)
    except DefinitionError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    version = result.version
    if result.created:
        click.echo(f"published {version.label} in {network.name} (checksum {version.checksum[:12]}, {len(version.items)} items)")
    else:
        click.echo(f"{version.label} is already published with identical content: nothing changed")


@questionnaire_cli.command("list")
@network_option
def list_command(network_name: str | None) -> None:
    """List the network's published versions."""
    network = resolve_network(network_name)
    versions = versions_of_network(network.id).order_by(QuestionnaireVersion.published_at, QuestionnaireVersion.id)
    for version in db.session.scalars(versions):
        state = "withdrawn" if version.is_withdrawn else "published"
        click.echo(
            f"{version.label:<16} {state:<9} {version.checksum[:12]}  {version.published_at:%Y-%m-%d} {version.published_by}"
        )


@questionnaire_cli.command("withdraw")
@click.argument("family")
@click.argument("version")
@network_option
def withdraw_command(family: str, version: str, network_name: str | None) -> None:
    """Withdraw a published version that no round uses (its content stays, unchanged)."""
    network = resolve_network(network_name)
    found = db.session.scalar(version_by_label(network.id, family, version))
    if found is None:
        raise click.ClickException(f"{family} {version} is not published in {network.name}")
    try:
        withdraw_version(found)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"withdrew {found.label}")


@questionnaire_cli.command("upgrade")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: print).")
def upgrade_command(file: Path, out: Path | None) -> None:
    """Convert a format-1 definition (one scale, items inside dimensions) to format 2, keeping every key, text
    and lineage. Nothing is written unless the result validates; problems name the lines of FILE."""
    try:
        upgraded = upgrade_source(_source(file), str(file))
    except DefinitionError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        sys.exit(1)
    header = f"# Upgraded to format 2 from {file.name} by `benchlearn questionnaire upgrade`.\n"
    text = dump_definition(upgraded, header)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{file}: upgraded to format 2 in {out}")


@questionnaire_cli.command("schema")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: print).")
def schema_command(out: Path | None) -> None:
    """Print or write the JSON Schema of the YAML format (for editors: questionnaires/schema.json)."""
    text = schema_text()
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"wrote the JSON Schema of questionnaire definitions to {out}")
