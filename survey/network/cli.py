"""`benchlearn network ...`, `benchlearn school import` and `benchlearn organiser import`: the operations the
admin pages call (survey/network/importer.py, directory.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from survey.extensions import db
from survey.network.directory import import_organisers, parse_organiser_csv
from survey.network.importer import SchoolImportError, import_schools, parse_school_csv
from survey.network.models import Network
from survey.network.operations import NetworkSettingsError, create_network

network_cli = click.Group("network", help="Create and configure the network.")
school_cli = click.Group("school", help="Manage the network's schools.")
organiser_cli = click.Group("organiser", help="Manage the network's organisers (municipalities, owners, regions).")


network_option = click.option(
    "--network", "network_name", metavar="NAME", help="Network name (default: the only network)."
)


def network_names() -> str:
    return ", ".join(repr(n) for n in db.session.scalars(select(Network.name).order_by(Network.name)))


def resolve_network(name: str | None) -> Network:
    """The named network, or the only one when no name is given; else a message naming the networks."""
    if name:
        network = db.session.scalar(select(Network).where(Network.name == name))
        if network is None:
            raise click.ClickException(f"no network named '{name}' (networks: {network_names() or 'none'})")
        return network
    networks = db.session.scalars(select(Network).limit(2)).all()
    if len(networks) != 1:
        raise click.ClickException(
            "no network exists yet: run `benchlearn network create NAME`" if not networks
            else f"there are several networks ({network_names()}): give --network NAME"
        )
    return networks[0]


@network_cli.command("create")
@click.argument("name")
@click.option(
    "--k-min",
    type=int,
    help="Minimum group size shown in results.  [default: the K_MIN setting, 5 unless set]",
)
@click.option("--share-names/--anonymise", default=False, help="Whether schools see each other's names in benchmarks.")
@click.option("--admins-read-comments/--admins-skip-comments", default=False,
              help="Whether network admins read the schools' free-text comments (school PDFs, dashboards).  "
                   "[default: they do not]")
def create_network_command(name: str, k_min: int | None, share_names: bool, admins_read_comments: bool) -> None:
    """Create the network NAME with its anonymity settings."""
    try:
        network = create_network(name, k_min=k_min, share_school_names=share_names,
                                 admins_read_comments=admins_read_comments)
    except NetworkSettingsError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(
        f"created network '{network.name}' (k_min={network.k_min}, "
        f"school names {'shared' if network.share_school_names else 'anonymised'}, comments "
        f"{'read' if network.admins_read_comments else 'not read'} by admins)"
    )


@school_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--network", "network_name", help="Network name (default: the only network).")
def import_command(file: Path, network_name: str | None) -> None:
    """Import schools from FILE.csv (columns code, name, type, region, programs as CODE=Name;CODE=Name)."""
    network = resolve_network(network_name)
    try:
        rows = parse_school_csv(file.read_text(encoding="utf-8"), str(file), network)
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except SchoolImportError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    summary = import_schools(network, rows)
    db.session.commit()
    click.echo(
        f"imported {len(rows)} schools: {summary.schools_created} new, {summary.schools_updated} updated, "
        f"{summary.programs_created} new programs"
    )


@organiser_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@network_option
def import_organisers_command(file: Path, network_name: str | None) -> None:
    """Import organisers from FILE.csv (columns code, name, and optionally kind)."""
    network = resolve_network(network_name)
    try:
        rows = parse_organiser_csv(file.read_text(encoding="utf-8"), str(file))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    except SchoolImportError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    created, updated = import_organisers(network, rows)
    db.session.commit()
    click.echo(f"imported {len(rows)} organisers: {created} new, {updated} updated")
