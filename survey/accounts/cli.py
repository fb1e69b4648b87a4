"""`benchlearn user add|invite|deactivate|reactivate`: the same operations as the users admin pages."""
from __future__ import annotations

import click

from survey.accounts.models import Role, user_by_email
from survey.accounts.operations import (
    AccountError,
    add_user,
    deactivate_by_email,
    invite_user,
    normalise_email,
    reactivate,
)
from survey.extensions import db
from survey.network.cli import resolve_network
from survey.network.models import school_by_code

user_cli = click.Group("user", help="Manage user accounts.")

ROLE_OPTION = click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
SCHOOL_OPTION = click.option("--school", "school_code", help="School code (school staff only).")
NETWORK_OPTION = click.option("--network", "network_name", help="Network name (default: the only network).")


def _placement(network_name: str | None, school_code: str | None):
    network = resolve_network(network_name)
    school = None
    if school_code:
        school = db.session.scalar(school_by_code(network.id, school_code))
        if school is None:
            raise click.ClickException(f"no school with code '{school_code}' in {network.name}")
    return network, school


@user_cli.command("add")
@click.argument("email")
@ROLE_OPTION
@SCHOOL_OPTION
@NETWORK_OPTION
@click.password_option(help="Password (asked for when not given; at least 10 characters).")
def add_command(email: str, role: str, school_code: str | None, network_name: str | None, password: str) -> None:
    network, school = _placement(network_name, school_code)
    try:
        user = add_user(email, password, role, network, school)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"added {user.email} as {user.role}" + (f" at {school.code}" if school else ""))


@user_cli.command("invite")
@click.argument("email")
@ROLE_OPTION
@SCHOOL_OPTION
@NETWORK_OPTION
@click.option("--language", type=click.Choice(["da", "sv", "en"]), default="da", show_default=True,
              help="Language of the invitation e-mail.")
def invite_command(email: str, role: str, school_code: str | None, network_name: str | None, language: str) -> None:
    """Create a user without a password and e-mail them a link to set one (it works once, for
    INVITATION_MAX_AGE seconds)."""
    network, school = _placement(network_name, school_code)
    try:
        user = invite_user(email, role, network, school, language)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"invited {user.email} as {user.role}" + (f" at {school.code}" if school else ""))


@user_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """The user can no longer log in; their sessions and pending links end at once."""
    try:
        user = deactivate_by_email(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"deactivated {user.email}")


@user_cli.command("reactivate")
@click.argument("email")
def reactivate_command(email: str) -> None:
    try:
        user = db.session.scalar(user_by_email(normalise_email(email)))
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    reactivate(user)
    db.session.commit()
    click.echo(f"reactivated {user.email}")
