"""`benchlearn round ...`: create rounds, list them, change or delete them, export their links, send personal
invitations."""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from survey.catalog.models import QuestionnaireFamily, QuestionnaireVersion, family_by_key, version_by_label
from survey.extensions import db
from survey.network.cli import resolve_network
from survey.network.models import Network, School, school_by_code
from survey.rounds.models import SurveyRound
from survey.rounds.operations import (
    RoundStateError,
    change_schools,
    change_version,
    create_round,
    delete_round,
    ensure_links,
    invite,
    links_csv,
    parse_email_list,
    reschedule,
    response_counts,
    round_by_name_or_id,
)


class RoundGroup(click.Group):
    """Every round command ends a change the round's lifecycle refuses (`RoundStateError`) the same way: its
    message and exit 1, nothing committed."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except RoundStateError as error:
            raise click.ClickException(str(error)) from None


round_cli = RoundGroup("round", help="Survey rounds: a questionnaire version run over a period at a set of schools.")

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])


def resolve_round(text: str, network_name: str | None = None) -> SurveyRound:
    """The round a command names (by name, or id), in the network `--network` names or in any network. A name
    that several networks use needs `--network`. Every CLI uses this."""
    network = resolve_network(network_name) if network_name else None
    found = db.session.scalars(round_by_name_or_id(network, text)).all()
    if not found:
        where = f" in {network.name}" if network else ""
        raise click.ClickException(
            f"no round named '{text}' (and no round with that id){where}: see `benchlearn round list`"
        )
    if len(found) > 1:
        names = ", ".join(repr(r.network.name) for r in found)
        raise click.ClickException(f"round '{text}' exists in several networks ({names}): give --network NAME")
    return found[0]


def resolve_school(network: Network, code: str) -> School:
    school = db.session.scalar(school_by_code(network.id, code.strip()))
    if school is None:
        raise click.ClickException(f"no school with code '{code.strip()}' in {network.name}")
    return school


def resolve_version(network: Network, family: str, version: str) -> QuestionnaireVersion:
    """A version of the network's own catalog: a round only ever runs one of those."""
    found = db.session.scalar(version_by_label(network.id, family, version))
    if found is None:
        known = db.session.scalar(family_by_key(network.id, family))
        if known is None:
            families = db.session.scalars(select(QuestionnaireFamily.key).where(
                QuestionnaireFamily.network_id == network.id).order_by(QuestionnaireFamily.key)).all()
            raise click.ClickException(f"unknown questionnaire family '{family}' "
                                       f"(known in {network.name}: {', '.join(families) or 'none'})")
        published = ", ".join(v.version for v in known.versions) if known and known.versions else "none"
        raise click.ClickException(
            f"{family} {version} is not published in {network.name} (published {family} versions: {published})"
        )
    return found


def _codes(text: str | None) -> list[str]:
    return list(dict.fromkeys(code.strip() for code in (text or "").split(",") if code.strip()))


@round_cli.command("create")
@click.option("--family", required=True, help="The questionnaire family: student, staff, company or the network's own.")
@click.option("--version", "version_label", required=True, help="The questionnaire version, e.g. 2026.")
@click.option("--name", required=True, help='The round\'s name, e.g. "Elevtrivsel 2026".')
@click.option("--opens", "opens_on", required=True, type=ISO_DATE, help="First day (YYYY-MM-DD).")
@click.option("--closes", "closes_on", required=True, type=ISO_DATE, help="Last day (YYYY-MM-DD).")
@click.option("--schools", "school_codes", help="Participating school codes, comma-separated (default: all).")
@click.option("--network", "network_name", help="Network name (default: the only network).")
@click.option("--yes", "past_confirmed", is_flag=True, help="Confirm an opening date in the past.")
def create_command(family, version_label, name, opens_on, closes_on, school_codes, network_name, past_confirmed) -> None:
    """Create a round. Its state (draft, open, closed) follows from its dates; an opening date in the past
    needs --yes."""
    network = resolve_network(network_name)
    version = resolve_version(network, family, version_label)
    if school_codes:
        schools = [resolve_school(network, code) for code in _codes(school_codes)]
    else:
        schools = list(network.schools)
    created = create_round(
        network, version, name, opens_on.date(), closes_on.date(), schools, past_confirmed=past_confirmed
    )
    db.session.commit()
    click.echo(
        f"created round '{created.name}' (id {created.id}): {version.label}, {created.opens_on} to {created.closes_on}, "
        f"{len(schools)} schools, {created.state_on(date.today()).value}"
    )


@round_cli.command("list")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def list_command(network_name) -> None:
    """The rounds, newest first, with state and responses so far."""
    network = resolve_network(network_name)
    rounds = db.session.scalars(
        select(SurveyRound).where(SurveyRound.network_id == network.id).order_by(SurveyRound.opens_on.desc())
    ).all()
    if not rounds:
        click.echo("no rounds yet: create one with `benchlearn round create`")
        return
    counts = response_counts([r.id for r in rounds])
    today = date.today()
    for r in rounds:
        click.echo(
            f"{r.id:>4}  {r.name:<32} {r.version.label:<14} {r.opens_on} .. {r.closes_on}  "
            f"{r.state_on(today).value:<6} {len(r.schools):>3} schools {counts.get(r.id, 0):>6} responses"
        )


def _describe(survey_round: SurveyRound) -> str:
    return (
        f"{survey_round.version.label}, {survey_round.opens_on} to {survey_round.closes_on}, "
        f"{len(survey_round.schools)} schools, {survey_round.state_on(date.today()).value}"
    )


@round_cli.command("reschedule")
@click.argument("round_ref", metavar="ROUND")
@click.option("--opens", "opens_on", type=ISO_DATE, help="New first day (YYYY-MM-DD); only a draft round's moves.")
@click.option("--closes", "closes_on", type=ISO_DATE, help="New last day (YYYY-MM-DD).")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def reschedule_command(round_ref, opens_on, closes_on, network_name) -> None:
    """Move the period of ROUND (name or id): a draft round's dates, an open round's closing date. A closed
    round is never reopened."""
    if opens_on is None and closes_on is None:
        raise click.UsageError("give --opens, --closes or both")
    survey_round = resolve_round(round_ref, network_name)
    reschedule(
        survey_round,
        opens_on.date() if opens_on else survey_round.opens_on,
        closes_on.date() if closes_on else survey_round.closes_on,
    )
    db.session.commit()
    click.echo(f"rescheduled '{survey_round.name}': {_describe(survey_round)}")


@round_cli.command("change-version")
@click.argument("round_ref", metavar="ROUND")
@click.option("--version", "version_label", required=True, help="Another version of the round's family, e.g. 2027.")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def change_version_command(round_ref, version_label, network_name) -> None:
    """Run another questionnaire version of the same family in ROUND, while it is a draft."""
    survey_round = resolve_round(round_ref, network_name)
    version = resolve_version(survey_round.network, survey_round.version.family.key, version_label)
    change_version(survey_round, version)
    db.session.commit()
    click.echo(f"'{survey_round.name}' now runs {version.label}: {_describe(survey_round)}")


@round_cli.command("schools")
@click.argument("round_ref", metavar="ROUND")
@click.option("--add", "add_codes", help="School codes to add, comma-separated.")
@click.option("--remove", "remove_codes", help="School codes to remove, comma-separated.")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def schools_command(round_ref, add_codes, remove_codes, network_name) -> None:
    """The schools of ROUND; with --add or --remove, change them while the round is a draft. A school with
    responses cannot be removed; a removed school's links and personal invitations stop working."""
    survey_round = resolve_round(round_ref, network_name)
    network = survey_round.network
    if add_codes or remove_codes:
        add = [resolve_school(network, code) for code in _codes(add_codes)]
        remove = [resolve_school(network, code) for code in _codes(remove_codes)]
        change = change_schools(survey_round, add=add, remove=remove)
        db.session.commit()
        for school in change.added:
            click.echo(f"added {school.code} to '{survey_round.name}'")
        for school in change.removed:
            click.echo(f"removed {school.code} from '{survey_round.name}'")
        if change.links_deleted or change.invitations_deleted:
            click.echo(
                f"deleted {change.links_deleted} links and {change.invitations_deleted} personal invitations "
                "of the removed schools: they no longer work"
            )
    for school in survey_round.schools:
        click.echo(f"{school.code:<10} {school.name}")


@round_cli.command("delete")
@click.argument("round_ref", metavar="ROUND")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def delete_command(round_ref, yes, network_name) -> None:
    """Delete ROUND, a draft round without responses, with its links and personal invitations."""
    survey_round = resolve_round(round_ref, network_name)
    name = survey_round.name
    delete_round(survey_round)
    if not yes and not click.confirm(f"Delete the draft round '{name}' with its links and invitations?"):
        db.session.rollback()
        raise click.ClickException(f"nothing deleted: '{name}' is kept")
    db.session.commit()
    click.echo(f"deleted round '{name}'")


@round_cli.command("links")
@click.argument("round_ref", metavar="ROUND")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="CSV file to write.")
@click.option("--school", "school_code", help="Only this school's links.")
@click.option("--per-program", is_flag=True, help="Also one link per program (the program is then known).")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def links_command(round_ref, out, school_code, per_program, network_name) -> None:
    """Write the anonymous links of ROUND (name or id) to a CSV file, creating any that are missing."""
    survey_round = resolve_round(round_ref, network_name)
    network = survey_round.network
    school = resolve_school(network, school_code) if school_code else None
    links = ensure_links(survey_round, school, per_program=per_program)
    text = links_csv(survey_round, links)
    db.session.commit()
    out.write_text(text, encoding="utf-8")
    click.echo(f"wrote {len(links)} links of '{survey_round.name}' to {out}")


@round_cli.command("invite")
@click.argument("round_ref", metavar="ROUND")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--school", "school_code", required=True, help="The school whose staff or companies are invited.")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def invite_command(round_ref, file, school_code, network_name) -> None:
    """E-mail single-use personal links for ROUND to the addresses in FILE (one a line, or a CSV with an
    `email` column). Only a hash of each token is stored."""
    survey_round = resolve_round(round_ref, network_name)
    network = survey_round.network
    school = resolve_school(network, school_code)
    try:
        emails, problems = parse_email_list(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{file}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    if problems:
        for problem in problems:
            click.echo(f"{file}: {problem}", err=True)
        sys.exit(1)
    summary = invite(survey_round, school, emails)
    db.session.commit()
    run = send_queued(survey_round)
    click.echo(
        f"sent {run.sent} invitations for '{survey_round.name}' at {school.code}"
        + (f"; {len(summary.already_invited)} already invited" if summary.already_invited else "")
        + (f"; {summary.unsubscribed} unsubscribed, left out" if summary.unsubscribed else "")
    )
    _report_delivery(run)


def send_queued(survey_round):
    """Send the round's queued mail here and now, MAIL_PER_MINUTE a minute, committing each batch before waiting
    for the next minute; what a server refused for now stays queued for the dispatcher job (`benchlearn jobs
    run-due` or the worker)."""
    from survey.invitations.delivery import DispatchRun, dispatch
    from survey.invitations.jobs import mail_per_minute

    per_minute = mail_per_minute()
    total = DispatchRun()
    while True:
        started = time.monotonic()
        run = dispatch(limit=per_minute, round_id=survey_round.id)
        db.session.commit()
        total.sent, total.bounced, total.deferred = (total.sent + run.sent, total.bounced + run.bounced,
                                                     total.deferred + run.deferred)
        total.skipped, total.waiting = total.skipped + run.skipped, run.waiting
        if run.sent + run.bounced + run.skipped + run.deferred < per_minute:  # the batch was not full: all done
            return total
        time.sleep(max(0.0, 60 - (time.monotonic() - started)))


def _report_delivery(run) -> None:
    if run.bounced:
        click.echo(f"{run.bounced} refused for good by the mail server (bounced)", err=True)
    if run.waiting:
        click.echo(f"{run.waiting} refused for now: retried later by the dispatcher job", err=True)
    if run.bounced:
        sys.exit(1)


@round_cli.command("remind")
@click.argument("round_ref", metavar="ROUND")
@click.option("--school", "school_code", help="Only this school's invitations (default: every school).")
@click.option("--network", "network_name", help="Network name (default: the only network).")
def remind_command(round_ref, school_code, network_name) -> None:
    """Remind everyone invited to ROUND who has not answered (nor unsubscribed, bounced or reached the round's
    maximum of reminders), each with a new link, and send the reminders now. Prints counts, never who."""
    from survey.invitations.operations import remind

    survey_round = resolve_round(round_ref, network_name)
    school = resolve_school(survey_round.network, school_code) if school_code else None
    queued = remind(survey_round, school)
    db.session.commit()
    run = send_queued(survey_round)
    click.echo(f"queued {queued} reminders for '{survey_round.name}'"
               + (f" at {school.code}" if school else "") + f"; sent {run.sent}")
    _report_delivery(run)
