"""`benchlearn user add`."""
from __future__ import annotations

import click

from survey.accounts.models import Role
from survey.accounts.operations import AccountError, add_user
from survey.extensions import db
from survey.network.cli import resolve_network
from survey.network.models import school_by_code

user_cli = click.Group("user", help="Manage user accounts.")


@user_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--school", "school_code", help="School code (school staff only).")
@click.option("--network", "network_name", help="Network name (default: the only network).")
@click.password_option(help="Password (asked for when not given; at least 10 characters).")
def add_command(email: str, role: str, school_code: str | None, network_name: str | None, password: str) -> None:
    network = resolve_network(network_name)
    school = None
    if school_code:
        school = db.session.scalar(school_by_code(network.id, school_code))
        if school is None:
            raise click.ClickException(f"no school with code '{school_code}' in {network.name}")
    try:
        user = add_user(email, password, role, network, school)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"added {user.email} as {user.role}" + (f" at {school.code}" if school else ""))
