"""The `benchlearn` command: the Flask CLI bound to the app, so it works from any folder."""
from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup


def register_commands(app: Flask) -> None:
    from survey.accounts.cli import user_cli
    from survey.api.cli import token_cli
    from survey.backup.cli import backup_cli
    from survey.catalog.cli import questionnaire_cli
    from survey.demo.cli import demo_cli
    from survey.microdata.cli import codebook_command
    from survey.jobs.cli import jobs_cli
    from survey.interchange import cli as _interchange  # noqa: F401  (adds import/export to `questionnaire`)
    from survey.network.cli import network_cli, organiser_cli, school_cli
    from survey.outcomes.cli import outcomes_cli
    from survey.privacy.cli import privacy_cli
    from survey.reporting.cli import report_cli
    from survey.results.cli import results_cli
    from survey.rounds.cli import round_cli

    for group in (
        questionnaire_cli, user_cli, network_cli, school_cli, organiser_cli, round_cli, results_cli, report_cli,
        token_cli, demo_cli, jobs_cli, backup_cli, privacy_cli, outcomes_cli,
    ):
        app.cli.add_command(group)
    questionnaire_cli.add_command(codebook_command)


def _create_app() -> Flask:
    from survey import create_app

    return create_app()


main = FlaskGroup(create_app=_create_app, help="Benchlearn: run the server, manage the database and the catalog.")
