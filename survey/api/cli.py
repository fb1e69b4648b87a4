"""`benchlearn token create|list|revoke`: API tokens for network admins and school staff."""
from __future__ import annotations

import click
from sqlalchemy import select

from survey.accounts.models import User
from survey.accounts.operations import AccountError, normalise_email
from survey.api.tokens import TokenError, create_token, revoke_token, tokens_of
from survey.extensions import db
from survey.results.models import ApiToken

token_cli = click.Group("token", help="Manage API tokens (/api/v1).")


def user_by_email(email: str) -> User:
    try:
        email = normalise_email(email)
    except AccountError as error:
        raise click.ClickException(str(error)) from None
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    return user


@token_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'BI dashboard'.")
def create_command(email: str, name: str) -> None:
    """Issue a token for the user EMAIL and print it: it is shown this once and never again."""
    user = user_by_email(email)
    try:
        plain = create_token(user, name)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    scope = "the whole network" if user.is_network_admin else f"school {user.school.code} only"
    click.echo(f"token for {user.email} ({scope}); copy it now, it is not shown again:", err=True)
    click.echo(plain)


@token_cli.command("list")
@click.argument("email")
def list_command(email: str) -> None:
    """The user's tokens: id, name, created, last used, revoked (never the token itself)."""
    for token in db.session.scalars(tokens_of(user_by_email(email))):
        state = f"revoked {token.revoked_on}" if token.revoked_on else "active"
        click.echo(f"{token.id}\t{token.name}\tcreated {token.created_on}\tlast used {token.last_used_on or 'never'}\t{state}")


@token_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke the token with id TOKEN_ID (see `benchlearn token list EMAIL`)."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise click.ClickException(f"no token with id {token_id}")
    if revoke_token(token):
        db.session.commit()
        click.echo(f"revoked token {token.id} ({token.name}) of {token.user.email}")
    else:
        click.echo(f"token {token.id} was already revoked on {token.revoked_on}")
