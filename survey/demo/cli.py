"""`benchlearn demo seed`."""
from __future__ import annotations

import click

from survey.demo.rounds import example_links
from survey.demo.seed import seed_demo, staff_email
from survey.extensions import db
from survey.results.operations import freeze_due_rounds
from survey.rounds.operations import link_url

demo_cli = click.Group("demo", help="Demo data.")


@demo_cli.command("seed")
def seed_command() -> None:
    """Create (or complete) the demo network, its users, the published questionnaires and the rounds, and run
    the periodic results job once (the closed rounds' results frozen, the open rounds' snapshots taken)."""
    summary = seed_demo()
    results = freeze_due_rounds()
    db.session.commit()
    first_school = summary.network.schools[0].code
    click.echo(
        f"demo network '{summary.network.name}': {summary.schools} schools, "
        f"{summary.users_created} users and {summary.versions_published} questionnaire versions added"
    )
    click.echo(f"  admin login:  {summary.admin_email} / {summary.password}")
    click.echo(f"  school staff: {staff_email(first_school)} / {summary.password} (one per school: staff.<code>@...)")
    rounds = summary.rounds
    click.echo(
        f"  rounds: {', '.join(r.name for r in rounds.open_rounds)} open; "
        f"{', '.join(r.name for r in rounds.closed_rounds)} closed"
        + (f" ({rounds.responses_added} synthetic responses added)" if rounds.responses_added else "")
    )
    learning = summary.learning
    click.echo(f"  benchlearning: {len(learning.cards)} practice cards, {len(learning.plans)} action plans, "
               f"{len(learning.requests)} benchlearning requests, {len(learning.indicators)} outcome indicators")
    click.echo(f"  results: {len(results.frozen)} rounds frozen, {len(results.snapshots)} provisional snapshots taken"
               " (later: `benchlearn jobs run-due` from cron, or Celery beat)")
    click.echo(f"  try the survey of {rounds.open_rounds[0].name} as a respondent:")
    for link in example_links(rounds):
        click.echo(f"    {link_url(link.token)}  ({link.school.code}{' ' + link.program.code if link.program else ''})")
