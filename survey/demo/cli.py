"""`benchlearn demo seed`."""
from __future__ import annotations

import click

from survey.demo.seed import seed_demo, staff_email
from survey.extensions import db

demo_cli = click.Group("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Create (or complete) the demo network, its users and the published questionnaires."""
    summary = seed_demo()
    db.session.commit()
    first_school = summary.network.schools[0].code
    click.echo(
        f"demo network '{summary.network.name}': {summary.schools} schools, "
        f"{summary.users_created} users and {summary.versions_published} questionnaire versions added"
    )
    click.echo(f"  admin login:  {summary.admin_email} / {summary.password}")
    click.echo(f"  school staff: {staff_email(first_school)} / {summary.password} (one per school: staff.<code>@...)")
