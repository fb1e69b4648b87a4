"""`benchlearn questionnaire ...`: validate, diff, publish, list and withdraw questionnaire versions."""
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
    load_definition,
    sibling_lookup,
)
from survey.catalog.limits import oversized
from survey.catalog.diff import diff_definitions, format_diff
from survey.catalog.models import QuestionnaireVersion, version_by_label
from survey.catalog.operations import (
    PublishError,
    definition_of,
    publish_definition,
    validate_source,
    withdraw_version,
)
from survey.extensions import db

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


@questionnaire_cli.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate_command(files: tuple[Path, ...]) -> None:
    """Check questionnaire files; print every problem as FILE:LINE: message. Exit 1 on any problem."""
    failed = False
    for path in files:
        try:
            definition = _validated_or_report(path)
        except DefinitionError as error:
            failed = True
            for problem in error.problems:
                click.echo(str(problem), err=True)
            continue
        items = sum(len(d.items) for d in definition.dimensions)
        click.echo(
            f"{path}: ok — {definition.family} {definition.version}, {len(definition.dimensions)} dimensions, "
            f"{items} items, languages {', '.join(definition.languages)}"
        )
    if failed:
        sys.exit(1)


def _validated_or_report(path: Path, *lookups) -> QuestionnaireDefinition:
    """Validate a file; a previous version may be published, given in `lookups`, or lie beside the file."""
    return validate_source(_source(path), str(path), *lookups, sibling_lookup(path))


def _definition_from(arg: str, *lookups) -> QuestionnaireDefinition:
    """A file path, or FAMILY:VERSION of a published version."""
    path = Path(arg)
    if path.exists():
        return _validated_or_report(path, *lookups)
    family, _, version = arg.partition(":")
    found = db.session.scalar(version_by_label(family, version)) if version else None
    if found is None:
        raise click.BadParameter(f"'{arg}' is neither a file nor a published FAMILY:VERSION (e.g. student:2026)")
    return definition_of(found)


@questionnaire_cli.command("diff")
@click.argument("old")
@click.argument("new")
def diff_command(old: str, new: str) -> None:
    """Show what changed from OLD to NEW (files, or FAMILY:VERSION of published versions)."""
    try:
        old_definition = _definition_from(old)

        def follows_old(family: str, version: str) -> QuestionnaireDefinition | None:
            return old_definition if (family, version) == (old_definition.family, old_definition.version) else None

        new_definition = _definition_from(new, follows_old)
        click.echo(format_diff(diff_definitions(old_definition, new_definition)))
    except DefinitionError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


@questionnaire_cli.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "published_by", help="Who publishes (recorded with the version); default: the OS user.")
def publish_command(file: Path, published_by: str | None) -> None:
    """Publish FILE. Publishing identical content again changes nothing; other content under a used version is refused."""
    try:
        text = _source(file)
        definition = validate_source(text, str(file))  # only a published version may be followed
        result = publish_definition(definition, text, published_by or f"command line ({getpass.getuser()})")
    except DefinitionError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    version = result.version
    if result.created:
        click.echo(f"published {version.label} (checksum {version.checksum[:12]}, {len(version.items)} items)")
    else:
        click.echo(f"{version.label} is already published with identical content: nothing changed")


@questionnaire_cli.command("list")
def list_command() -> None:
    """List published versions."""
    for version in db.session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.published_at)):
        state = "withdrawn" if version.is_withdrawn else "published"
        click.echo(
            f"{version.label:<16} {state:<9} {version.checksum[:12]}  {version.published_at:%Y-%m-%d} {version.published_by}"
        )


@questionnaire_cli.command("withdraw")
@click.argument("family")
@click.argument("version")
def withdraw_command(family: str, version: str) -> None:
    """Withdraw a published version that no round uses (its content stays, unchanged)."""
    found = db.session.scalar(version_by_label(family, version))
    if found is None:
        raise click.ClickException(f"{family} {version} is not published")
    try:
        withdraw_version(found)
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"withdrew {found.label}")
