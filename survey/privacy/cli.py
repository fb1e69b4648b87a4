"""`benchlearn privacy apply [--dry-run]`: apply every network's retention schedule now (the periodic job
`privacy.apply` does the same daily), printing what is removed per network, category and round."""
from __future__ import annotations

import click

from survey.extensions import db
from survey.privacy import retention

privacy_cli = click.Group("privacy", help="Privacy operations: the retention schedule.")


@privacy_cli.command("apply")
@click.option("--dry-run", is_flag=True, help="Print what would be removed, and remove nothing.")
def apply_command(dry_run: bool) -> None:
    """Remove the drafts, invitation addresses, free text, microdata and audit entries the schedules say are due."""
    removals = retention.plan() if dry_run else retention.apply()
    verb = "would remove" if dry_run else "removed"
    if not removals:
        click.echo("nothing is due for removal")
    for removal in removals:
        where = f"round '{removal.round}'" if removal.round is not None else "audit log"
        click.echo(f"{removal.network}\t{where}\t{removal.category}\t{verb} {removal.count}")
    if not dry_run:
        db.session.commit()
